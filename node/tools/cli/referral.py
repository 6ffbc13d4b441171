"""``casusnet room refer`` and ``room referrals``: a Wgs room's referral of its case to
the Wet PGA casusoverleg (Wgs art. 2.31 lid 13), through the local API."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import UsageError, out

DEFAULT_REASON = "Vermoeden van radicalisering: doorverwezen op grond van art. 2.31 lid 13 Wgs"


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The ``room`` parser's options for ``refer``."""
    s.add_argument("--to", choices=["politie", "om", "gemeente"], help="refer: register with")
    s.add_argument("--summary", help="refer: the signals, as text")
    s.add_argument("--file", help="refer: the signals, from a UTF-8 text file")
    s.add_argument("--reason", help="refer: why the case is registered")
    s.add_argument("--function", help="refer: the author's function (default: yours)")


def refer(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    if bool(args.summary) == bool(args.file):
        raise UsageError("room refer: give --summary or --file (the signals)")
    summary = args.summary or Path(args.file).read_text(encoding="utf-8").strip()
    body = {
        "to": args.to,
        "verblijf": args.verblijf,
        "summary": summary,
        "reason": args.reason or DEFAULT_REASON,
    }
    if args.function:
        body["author_function"] = args.function
    doc = api.post(f"/v1/rooms/{room}/refer", body)
    text = f"case {doc['case_ref']} referred: aanmelding {doc['id']} sent to {doc['to_node']}"
    out(args, doc, text)


def referrals(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    doc = api.get(f"/v1/rooms/{room}/referrals")
    out(args, doc, lambda: "\n".join(referral_lines(doc["referrals"])) or "no referrals")


def referral_lines(rows: list[dict[str, Any]]) -> list[str]:
    """One line per referral (``room referrals``, ``room show``)."""
    return [
        f"referred to the Wet PGA: aanmelding {r['aanmelding'][:12]} sent to {r['to']}"
        f"  (gemeente van verblijf {r['verblijf']})"
        for r in rows
    ]
