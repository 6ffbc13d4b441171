"""The room's third tab: its chain events and shares in time order."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, refill
from .view import RoomView

Entry = tuple[int, str, list[Any]]  # when, key, cells


class TimelineTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.timeline"), id="timeline")

    def compose(self) -> ComposeResult:
        yield table(
            "timeline-table",
            ("timeline.col.seq", "seq"),
            ("timeline.col.at", "at"),
            ("timeline.col.by", "by"),
            ("timeline.col.what", "what"),
        )

    def sources(self, doc: dict[str, Any]) -> Any:
        return (doc.get("timeline"), [(s["id"], s.get("created")) for s in doc.get("shares", [])])

    def draw(self, room: RoomView) -> None:
        entries = [event_entry(e, room) for e in room.doc.get("timeline", [])]
        entries += [share_entry(s) for s in room.doc.get("shares", [])]
        entries.sort(key=lambda e: e[0])
        refill(self.query_one("#timeline-table", DataTable), [(k, c, 1) for _, k, c in entries])


def event_entry(e: dict[str, Any], room: RoomView) -> Entry:
    detail = dict(e.get("detail") or {})
    kind = str(e.get("kind", ""))
    cells = [
        str(e.get("seq", "")),
        fmt.when(e.get("at")),
        e.get("by", ""),
        event_text(kind, detail, room),
    ]
    return (int(e.get("at") or 0), f"e{e.get('seq')}", cells)


def share_entry(s: dict[str, Any]) -> Entry:
    cells = [
        "",
        fmt.when(s.get("created")),
        s["sender"],
        t("event.share", id=fmt.short(s["id"]), basis=s.get("basis", "")),
    ]
    return (int(s.get("created") or 0), f"s{s['sender']}/{s['id']}", cells)


def event_text(kind: str, detail: dict[str, Any], room: RoomView) -> str:
    """A chain event in the user's words; an unknown kind (a newer node's) by its id."""
    fields = {
        "node": room.node(str(detail.get("node", "?"))),
        "role": fmt.word("role", detail.get("role", "deelnemer")),
        "epoch": detail.get("epoch", "?"),
        "verdict": fmt.word("verdict", detail.get("verdict", "?")),
        "subject": room.node(str(detail.get("subject", "?"))),
        "outcome": fmt.word("outcome", detail.get("outcome", "?")),
        "kind": kind,
    }
    try:
        return t(f"event.{kind}", **fields)
    except KeyError:
        return t("event.other", kind=kind)
