"""``casusnet shielded``: the records a closure left sealed at this node (afscherming,
Wet PGA art. 6 lid 3, 7, 9): list them, open one for a purpose, and, for the FG, a
legal hold, its release and destruction when no longer necessary."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from node.tools.cli.common import Subparsers, UsageError, client, local_zone, need, out

PURPOSES = ("overdracht", "rechtsvordering", "inzageverzoek", "nieuwe_aanmelding")


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "shielded",
        help="shielded records after closure: list, open (with a purpose), hold, release, destroy",
    )
    s.add_argument("action", choices=["list", "open", "hold", "release", "destroy"])
    s.add_argument("record", nargs="?", help="the record's id (or a unique prefix)")
    s.add_argument("--purpose", choices=PURPOSES, help="open: why the record is opened")
    s.add_argument("--reason", help="open, hold, destroy: the reason (recorded)")
    s.set_defaults(func=cmd_shielded)


def cmd_shielded(args: argparse.Namespace) -> None:
    api = client(args)
    doc = api.get("/v1/shielded")
    if args.action == "list":
        out(args, doc, lambda: _list_text(doc["records"]))
        return
    need(args, "record")
    hits = [r for r in doc["records"] if r["record"].startswith(args.record.lower())]
    if len(hits) != 1:
        raise UsageError(f"no single shielded record starts with {args.record!r}")
    path = f"/v1/shielded/{hits[0]['record']}/{args.action}"
    if args.action == "open":
        need(args, "purpose", "reason")
        opened = api.post(path, {"purpose": args.purpose, "reason": args.reason})
        out(args, opened, lambda: json.dumps(opened["content"], indent=1, ensure_ascii=False))
    elif args.action == "release":
        out(args, api.post(path, {}), "legal hold lifted")
    else:
        need(args, "reason")
        done = "legal hold recorded" if args.action == "hold" else "record destroyed"
        out(args, api.post(path, {"reason": args.reason}), done)


def _list_text(records: list[dict[str, Any]]) -> str:
    lines = [
        f"{r['record'][:12]}  {r['case']:<16} {r['kind']:<9} destroy by"
        f" {_day(r['destroy_by'])}  {'HOLD  ' if r['hold'] else ''}opened {r['openings']}x"
        for r in records
    ]
    return "\n".join(lines) or "no shielded records"


def _day(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, local_zone()).strftime("%Y-%m-%d")
