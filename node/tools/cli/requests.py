"""Information requests through the local API: ``casusnet request``.

``request ROOM --to NODE --topic TEXT`` asks; ``request list ROOM``; ``request show
ROOM ID`` reads one (audited); ``request answer ROOM ID --basis ...`` answers with a
share to the asker (``share ROOM --request ID`` does the same);
``request decline ROOM ID --reason TEXT`` declines, the reasons staying here.
"""

from __future__ import annotations

import argparse
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import Subparsers, UsageError, client, csv, need, out, resolve_room
from node.tools.cli.meeting import cmd_share, share_arguments

ACTIONS = ("list", "show", "answer", "decline")


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "request",
        help="information requests: ask a partner, list, show, answer, decline",
        description="request ROOM --to NODE --topic TEXT | request list ROOM | "
        "request show ROOM ID | request answer ROOM ID --basis B --categories C | "
        "request decline ROOM ID --reason TEXT",
    )
    s.add_argument(
        "words", nargs="+", metavar="ACTION|ROOM", help="[list|show|answer|decline] ROOM [ID]"
    )
    s.add_argument("--topic", help="ask: what is asked, and what for")
    s.add_argument("--reason", help="decline: the weighty reasons (they stay at this node)")
    share_arguments(s, required=False)  # answer: the share; ask: --to, --categories wished
    s.set_defaults(func=cmd_request)


def cmd_request(args: argparse.Namespace) -> None:
    words = list(args.words)
    action = words.pop(0) if words[0] in ACTIONS else "ask"
    if not words:
        raise UsageError(f"request {action}: give ROOM")
    api = client(args)
    room = resolve_room(api, words[0])
    if action == "ask":
        args.action = "ask"
        need(args, "to", "topic")
        body = {"to": args.to, "topic": args.topic, "categories": csv(args.categories)}
        doc = api.post(f"/v1/rooms/{room}/requests", body)
        out(args, doc, f"request {doc['request']} sent to {args.to}")
        return
    if action == "list":
        doc = api.get(f"/v1/rooms/{room}/requests")
        out(args, doc, lambda: _list_text(doc["requests"]))
        return
    if len(words) < 2:
        raise UsageError(f"request {action}: give ROOM and the request's ID")
    ident = _resolve(api, room, words[1])
    if action == "show":
        doc = api.get(f"/v1/rooms/{room}/requests/{ident}")
        out(args, doc, lambda: _show_text(doc))
    elif action == "decline":
        args.action = "decline"
        need(args, "reason")
        doc = api.post(f"/v1/rooms/{room}/requests/{ident}/decline", {"reason": args.reason})
        out(args, doc, f"request {ident} declined; the reasons stay at this node")
    else:
        args.action = "answer"
        need(args, "basis", "categories")
        args.room, args.request = room, ident
        cmd_share(args)


def _resolve(api: ApiClient, room: str, ref: str) -> str:
    """A request's id from the id or a unique prefix of it."""
    ids = [r["id"] for r in api.get(f"/v1/rooms/{room}/requests")["requests"]]
    hits = sorted({i for i in ids if i.startswith(ref.lower())})
    if len(hits) != 1:
        raise UsageError(f"{ref}: {'no' if not hits else 'more than one'} request matches")
    return str(hits[0])


def _state(r: dict[str, Any]) -> str:
    if r["status"] == "answered":
        return f"answered with share {r['answer']}"
    if r["status"] == "declined":
        return "declined" + (" (reasons kept here)" if r.get("reason_kept") else "")
    return "open" + ("" if r.get("delivered") in (True, None) else ", not yet delivered")


def _list_text(requests: list[dict[str, Any]]) -> str:
    if not requests:
        return "no information requests"
    return "\n".join(f"{r['id']}  {r['asker']} -> {r['asked']}  {_state(r)}" for r in requests)


def _show_text(doc: dict[str, Any]) -> str:
    lines = [
        f"{doc['asker']} -> {doc['asked']} ({doc.get('author_function', '?')}): {_state(doc)}",
        doc.get("topic", ""),
    ]
    if doc.get("categories"):
        lines.append("categories wished: " + ", ".join(doc["categories"]))
    if doc.get("reason"):
        lines.append("reasons (kept here): " + doc["reason"])
    return "\n".join(lines)
