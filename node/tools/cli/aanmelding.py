"""Aanmeldingen (Wet PGA art. 5): ``casusnet aanmelding add/list/show/forward`` and
``casusnet notices``, through the local API."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from node.tools.cli.common import Subparsers, client, need, out

#: what each ``aanmelding`` action needs besides its name
NEEDS: dict[str, tuple[str, ...]] = {
    "add": ("case", "verblijf", "to", "file"),
    "list": (),
    "show": ("id",),
    "forward": ("id", "chair"),
}
DEFAULT_REASON = "Aanmelding op grond van art. 5 lid 1 Wet PGA"


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "aanmelding", help="register a case (aanmelden) with politie, OM or the gemeente"
    )
    s.add_argument("action", choices=list(NEEDS))
    s.add_argument("id", nargs="?", help="aanmelding id (or a unique prefix)")
    s.add_argument("--case", help="the case reference")
    s.add_argument("--verblijf", help="node of the gemeente van verblijf")
    s.add_argument("--to", choices=["politie", "om", "gemeente"], help="register with")
    s.add_argument("--file", help="the signals: a UTF-8 text file")
    s.add_argument("--reason", default=DEFAULT_REASON, help="why the case is registered")
    s.add_argument("--chair", help="forward: the ZVH node that chairs for the burgemeester")
    s.set_defaults(func=cmd_aanmelding)

    s = sub.add_parser("notices", help="cases this node registered that were not taken up")
    s.set_defaults(func=cmd_notices)


def cmd_aanmelding(args: argparse.Namespace) -> None:
    need(args, *NEEDS[args.action])
    api = client(args)
    if args.action == "list":
        doc = api.get("/v1/aanmeldingen")
        out(args, doc, lambda: _list_text(doc["aanmeldingen"]))
    elif args.action == "add":
        summary = Path(args.file).read_text(encoding="utf-8").strip()
        doc = api.post(
            "/v1/aanmeldingen",
            {
                "case": args.case,
                "verblijf": args.verblijf,
                "to": args.to,
                "summary": summary,
                "reason": args.reason,
            },
        )
        out(args, doc, f"aanmelding {doc['id']} of {doc['case_ref']} sent to {doc['to_node']}")
    elif args.action == "show":
        doc = api.get(f"/v1/aanmeldingen/{args.id}")
        out(args, doc, lambda: _show_text(doc))
    else:
        doc = api.post(f"/v1/aanmeldingen/{args.id}/forward", {"chair": args.chair})
        out(args, doc, f"aanmelding {doc['aanmelding']} handed to {doc['chair']}")


def cmd_notices(args: argparse.Namespace) -> None:
    doc = client(args).get("/v1/notices")
    out(args, doc, lambda: _notices_text(doc["notices"]))


def _state(a: dict[str, Any]) -> str:
    if a["outcome"]:
        return str(a["outcome"])
    if a["room"]:
        return "convened"
    return "sent" if a["own"] else "received"


def _list_text(rows: list[dict[str, Any]]) -> str:
    return (
        "\n".join(
            f"{a['id'][:12]}  {a['case_ref']:<16} {_state(a):<15} aanmelder {a['aanmelder']}"
            f"  verblijf {a['verblijf']}"
            for a in rows
        )
        or "no aanmeldingen"
    )


def _show_text(a: dict[str, Any]) -> str:
    lines = [
        f"aanmelding {a['id']}  case {a['case_ref']}  {_state(a)}",
        f"aanmelder {a['aanmelder']}  registered with {a['to_node']}"
        f"  gemeente van verblijf {a['verblijf']}",
        "judged by " + ", ".join(a["recipients"]),
    ]
    if a["room"]:
        lines.append(f"room {a['room']}")
    if a["notice_at"]:
        lines.append(f"notice: not put to the casusoverleg (from {a['notice_from']})")
    content = a.get("content")
    if content:
        lines += [f"by {content['author_function']}", f"reason: {content['reason']}", ""]
        lines.append(content["summary"])
    elif content is None:
        lines.append("(content sealed for the gemeente, politie and OM)")
    return "\n".join(lines)


def _notices_text(rows: list[dict[str, Any]]) -> str:
    return (
        "\n".join(
            f"{a['case_ref']:<16} {a['outcome']}  from {a['notice_from']}"
            f"  (aanmelding {a['id'][:12]})"
            for a in rows
        )
        or "no notices"
    )
