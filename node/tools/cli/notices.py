"""``casusnet mail``: the staff member's own choice of notices by e-mail (``casusnet
notices`` is the aanmeldingen's).

``show`` prints it; ``set`` chooses the address (their own or a function mailbox),
the kinds and the language; ``off`` stops all notices. Through the local API, as the
staff member logged in (``casusnet login``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from node.tools.cli.common import Subparsers, UsageError, client, csv, local_zone, out

KINDS_HELP = (
    "comma-separated: weging (a case awaits your organisation's weging), consent (your"
    " consent is asked), share (a verstrekking arrived), meeting (a meeting is tomorrow),"
    " measure (a measure your organisation carries out is due); 'all' for every kind"
)


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("mail", help="your notices by e-mail (opt in per kind)")
    s.add_argument("action", choices=["show", "set", "off"])
    s.add_argument("--address", help="where notices go (may be a function mailbox)")
    s.add_argument("--kinds", help=KINDS_HELP)
    s.add_argument("--lang", choices=["nl", "en"], help="the language of the notices")
    s.set_defaults(func=cmd_notices)


def cmd_notices(args: argparse.Namespace) -> None:
    api = client(args)
    if args.action == "show":
        doc = api.get("/v1/me/notices")
    elif args.action == "off":
        doc = api.post("/v1/me/notices", {"kinds": []})
    else:
        if args.address is None and args.kinds is None and args.lang is None:
            raise UsageError("mail set: give --address, --kinds or --lang")
        body: dict[str, Any] = {"address": args.address, "lang": args.lang}
        if args.kinds is not None:
            kinds = csv(args.kinds)
            body["kinds"] = [] if kinds == ["none"] else kinds
        if body.get("kinds") == ["all"]:
            current = api.get("/v1/me/notices")
            body["kinds"] = list(current["available"])
        doc = api.post("/v1/me/notices", {k: v for k, v in body.items() if v is not None})
    out(args, doc, lambda: describe(doc))


def describe(doc: dict[str, Any]) -> str:
    kinds = ", ".join(doc["kinds"])
    if doc["address"] and kinds:
        lines = [f"notices by e-mail to {doc['address']} ({doc['lang']}): {kinds}"]
    else:
        lines = ["no notices by e-mail (choose with `casusnet mail set --address A --kinds K`)"]
    if not doc.get("relay"):
        lines.append("this node has no mail relay configured yet: nothing is sent")
    if doc["pending"]:
        lines.append(f"{doc['pending']} notice(s) wait to be sent")
    for r in doc.get("recent", []):
        when = dt.datetime.fromtimestamp(r["created"], local_zone()).strftime("%Y-%m-%d %H:%M")
        state = (
            "sent"
            if r["sent_at"]
            else "given up"
            if r.get("expired_at")
            else f"waiting ({r['attempts']} attempts)"
        )
        lines.append(f"  {when}  {r['kind']:<8} case {r['case_ref']}  {state}")
    return "\n".join(lines)
