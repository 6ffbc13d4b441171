"""``casusnet melding``: the gemeente's register of meldingen, through the local API.

The summary is read from a file or stdin, and the melder's identity only from a file
(``--melder-file``, ``-`` for stdin): neither ever stands on the command line, where
the shell history and the process list would keep it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from node.domain.meldingen import FOLLOW_UPS, MELDER_PURPOSES, SOURCES
from node.tools.cli.common import Subparsers, UsageError, client, local_zone, need, out, parse_time

#: what each action needs besides its name
NEEDS: dict[str, tuple[str, ...]] = {
    "add": ("source",),
    "list": (),
    "show": ("melding",),
    "update": ("melding",),
    "melder": ("melding", "purpose"),
}


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "melding", help="gemeente: the register of meldingen (add, list, show, update, melder)"
    )
    s.add_argument("action", choices=list(NEEDS))
    s.add_argument("melding", nargs="?", help="the melding's number")
    s.add_argument("--received", help="date received, YYYY-MM-DD (default: now)")
    s.add_argument("--source", choices=SOURCES, help="where the signal came from")
    s.add_argument("--file", help="summary text file (add: default stdin)")
    s.add_argument("--melder-file", help="file with the melder's identity and contact ('-': stdin)")
    s.add_argument("--forget-melder", action="store_true", help="update: remove the melder")
    s.add_argument("--follow-up", choices=FOLLOW_UPS, help="geen, volgen or aanmelding")
    s.add_argument("--case", help="the case reference of an aanmelding")
    s.add_argument("--no-intake", action="store_true", help="list: only those without intake")
    s.add_argument("--purpose", choices=MELDER_PURPOSES, help="melder: why it is opened")
    s.set_defaults(func=cmd_melding)


def cmd_melding(args: argparse.Namespace) -> None:
    need(args, *NEEDS[args.action])
    api = client(args)
    if args.action == "list":
        query = "?no_intake=1" if args.no_intake else "?no_intake=0"
        if args.follow_up:
            query += f"&follow_up={args.follow_up}"
        doc = api.get(f"/v1/meldingen{query}")
        out(args, doc, lambda: "\n".join(row_line(r) for r in doc["meldingen"]) or "no meldingen")
    elif args.action == "add":
        body: dict[str, Any] = {
            "received": parse_time(args.received),
            "source": args.source,
            "summary": read_text(args.file or "-", args.melder_file),
            "follow_up": args.follow_up or "volgen",
        }
        if args.case:
            body["case"] = args.case
        if args.melder_file:
            body["melder"] = read_text(args.melder_file, args.file or "-")
        doc = api.post("/v1/meldingen", body)
        out(args, doc, f"melding {doc['melding']} recorded")
    elif args.action == "show":
        doc = api.get(f"/v1/meldingen/{number(args)}")
        out(args, doc, lambda: show_text(doc))
    elif args.action == "update":
        doc = api.post(f"/v1/meldingen/{number(args)}", changes(args))
        out(args, doc, f"melding {doc['id']} updated: {doc['follow_up']}")
    else:
        doc = api.post(f"/v1/meldingen/{number(args)}/melder", {"purpose": args.purpose})
        out(args, doc, doc["melder"] or "no melder recorded")


def changes(args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if args.follow_up:
        body["follow_up"] = args.follow_up
    if args.case:
        body["case"] = args.case
    if args.file:
        body["summary"] = read_text(args.file, args.melder_file)
    if args.melder_file and args.forget_melder:
        raise UsageError("give --melder-file or --forget-melder, not both")
    if args.melder_file:
        body["melder"] = read_text(args.melder_file, args.file)
    if args.forget_melder:
        body["melder"] = None
    if not body:
        raise UsageError(
            "melding update: give --follow-up, --case, --file, --melder-file or --forget-melder"
        )
    return body


def number(args: argparse.Namespace) -> str:
    if not str(args.melding).isdigit():
        raise UsageError(f"{args.melding}: a melding's number")
    return str(args.melding)


def read_text(path: str, other: str | None) -> str:
    """A file's text, or stdin's for ``-`` (only one of the texts may come from stdin)."""
    if path == "-":
        if other == "-":
            raise UsageError("only one of the summary and the melder can come from stdin")
        return sys.stdin.read().strip()
    return Path(path).read_text(encoding="utf-8").strip()


def day(ts: Any) -> str:
    if not isinstance(ts, int):
        return "-"
    return dt.datetime.fromtimestamp(ts, local_zone()).strftime("%Y-%m-%d")


def row_line(r: dict[str, Any]) -> str:
    case = f" {r['case_ref']} ({r['phase'] or 'no intake yet'})" if r.get("case_ref") else ""
    melder = " melder kept" if r.get("has_melder") else ""
    keep = day(r["keep_until"]) if r.get("keep_until") else "with the case"
    return (
        f"{r['id']:>5}  {day(r['received'])}  {r['source']:<20} {r['follow_up']:<10}"
        f"{case}{melder}  kept until {keep}"
    )


def show_text(doc: dict[str, Any]) -> str:
    lines = [row_line(doc), "", doc["summary"], ""]
    for h in doc.get("history", []):
        case = f" {h['case_ref']}" if h.get("case_ref") else ""
        lines.append(f"{day(h['at'])}  {h['actor']}: {h['change']} ({h['follow_up']}{case})")
    return "\n".join(lines)
