"""Transfers to another gemeente (Wet PGA art. 7) through the local API.

``room transfer ROOM --gemeente NODE --ground G --note TEXT [--deadline-days N]``
starts one (the gemeente van verblijf); ``transfer list`` shows the requests this
node must answer and the transfers it started and received, per verstrekking;
``transfer show ID`` one in full (at the receiving gemeente with the note and the
plan, audited); ``transfer answer ID SHARE --supply`` or ``--object --reason TEXT``
answers for one own verstrekking (the reasons stay here); ``transfer read ID SHARE``
reads a supplied verstrekking at the receiving gemeente (audited).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import Subparsers, UsageError, client, need, out
from node.tools.cli.plan import plan_text
from protocol.transfer import DEFAULT_DEADLINE_DAYS, GROUNDS

ACTIONS = ("list", "show", "answer", "read")
STATUS = {"open": "open", "supplied": "geleverd", "objected": "bezwaar",
          "expired": "termijn verstreken"}  # fmt: skip


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The ``room`` parser's options for ``transfer``."""
    s.add_argument("--gemeente", help="transfer: the receiving gemeente's node")
    s.add_argument("--ground", choices=GROUNDS, help="transfer: the ground of art. 7")
    s.add_argument(
        "--deadline-days", type=int, default=DEFAULT_DEADLINE_DAYS,
        help=f"transfer: the suppliers' deadline in days (1..60, default {DEFAULT_DEADLINE_DAYS})",
    )  # fmt: skip


def start(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    need(args, "gemeente", "ground", "note")
    body = {"to": args.gemeente, "ground": args.ground, "note": args.note,
            "deadline_days": args.deadline_days}  # fmt: skip
    doc = api.post(f"/v1/rooms/{room}/transfer", body)
    head = f"transfer {doc['id']} to {doc['receiver']} started; aanmelding {doc['aanmelding']}"
    out(args, doc, lambda: "\n".join([head + " registered there", *start_lines(doc)]))


def start_lines(doc: dict[str, Any]) -> list[str]:
    """A line per verstrekking asked, or that the room holds none to ask about."""
    return item_lines(doc) or ["  no verstrekkingen to ask about: the plan goes over alone"]


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "transfer",
        help="transfers to another gemeente: list, show, answer, read",
        description="transfer list | transfer show ID | transfer answer ID SHARE "
        "(--supply | --object --reason TEXT) | transfer read ID SHARE",
    )
    s.add_argument("action", choices=ACTIONS)
    s.add_argument("transfer", nargs="?", help="the transfer's id (or a prefix)")
    s.add_argument("share", nargs="?", help="answer, read: the verstrekking's id")
    how = s.add_mutually_exclusive_group()
    how.add_argument("--supply", action="store_true", help="answer: supply it again")
    how.add_argument("--object", action="store_true", help="answer: object (zwaarwegend)")
    s.add_argument("--reason", help="answer --object: the weighty reasons (kept here)")
    s.set_defaults(func=cmd_transfer)


def cmd_transfer(args: argparse.Namespace) -> None:
    api = client(args)
    if args.action == "list":
        doc = api.get("/v1/transfers")
        out(args, doc, lambda: _list_text(doc))
        return
    need(args, "transfer")
    ident = args.transfer
    if args.action == "show":
        doc = api.get(f"/v1/transfers/{ident}")
        out(args, doc, lambda: _show_text(doc))
        return
    need(args, "share")
    if args.action == "read":
        doc = api.get(f"/v1/transfers/{ident}/shares/{args.share}")
        out(args, doc, lambda: f"{doc['supplier']} ({doc['basis']}): {doc['summary']}")
        return
    if not (args.supply or args.object):
        raise UsageError("transfer answer: give --supply or --object --reason TEXT")
    if args.object:
        need(args, "reason")
    body = {"share": args.share, "decision": "supply" if args.supply else "object",
            "reason": args.reason or ""}  # fmt: skip
    doc = api.post(f"/v1/transfers/{ident}/answer", body)
    said = "supplied to " + doc["request"]["receiver"] if args.supply else "objected"
    out(args, doc, f"verstrekking {args.share} {said}")


def item_lines(doc: dict[str, Any]) -> list[str]:
    return [f"  {i['supplier']:<14} {i['share']}  {STATUS[i['status']]}" for i in doc["items"]]


def _head(doc: dict[str, Any]) -> str:
    return (f"{doc.get('id') or doc.get('transfer')}  {doc['case']}  {doc['origin']} ->"
            f" {doc['receiver']}  grond {doc['ground']}"
            f"{'  (termijn verstreken)' if doc['expired'] else ''}")  # fmt: skip


def _list_text(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    for key, title in (("requests", "to answer"), ("started", "started"),
                       ("received", "received")):  # fmt: skip
        for t in doc[key]:
            lines.append(f"{title}: {_head(t)}")
            lines += item_lines(t)
    return "\n".join(lines) or "no transfers"


PLAN_KEYS = {"case", "next_meeting", "measures", "meetings", "criteria_history"}


def _show_text(doc: dict[str, Any]) -> str:
    lines: list[str] = []
    if "items" in doc:
        lines += [_head(doc), *item_lines(doc)]
    if doc.get("note"):
        lines.append("toelichting: " + doc["note"])
    plan = doc.get("plan")
    if isinstance(plan, dict) and PLAN_KEYS <= plan.keys():
        lines.append(plan_text(plan))  # the living plan, as room plan prints it
    elif plan is not None:
        lines.append("plan: " + json.dumps(plan, ensure_ascii=False))
    if doc.get("request"):
        lines += ["asked of this node: " + _head(doc["request"]), *item_lines(doc["request"])]
    return "\n".join(lines)
