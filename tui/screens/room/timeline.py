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
        shares = [(s["id"], s.get("created")) for s in doc.get("shares", [])]
        return (doc.get("timeline"), shares, doc.get("requests"))

    def draw(self, room: RoomView) -> None:
        entries = [event_entry(e, room) for e in room.doc.get("timeline", [])]
        entries += [share_entry(s) for s in room.doc.get("shares", [])]
        for r in room.doc.get("requests", []):
            entries += request_entries(r, room)
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


def request_entries(r: dict[str, Any], room: RoomView) -> list[Entry]:
    """An information request (only the asker and the asked hold it): when it was
    asked, and when it was answered or declined."""
    ident = fmt.short(r["id"])
    key = f"r{r['asker']}/{r['id']}"
    asked = t("event.request", id=ident, asker=room.node(r["asker"]), asked=room.node(r["asked"]))
    out: list[Entry] = [(int(r.get("created") or 0), key, ["", fmt.when(r.get("created")),
                                                          r["asker"], asked])]  # fmt: skip
    status = r.get("status")
    if status in ("answered", "declined"):
        what = t(f"event.request_{status}", id=ident, share=fmt.short(str(r.get("answer") or "")))
        at = r.get("settled_at")
        out.append((int(at or 0), f"{key}/{status}", ["", fmt.when(at), r["asked"], what]))
    return out


def event_text(kind: str, detail: dict[str, Any], room: RoomView) -> str:
    """A chain event in the user's words; an unknown kind (a newer node's) by its id."""
    fields = {
        "node": room.node(str(detail.get("node", "?"))),
        "role": fmt.word("role", detail.get("role", "deelnemer")),
        "epoch": detail.get("epoch", "?"),
        "verdict": fmt.word("verdict", detail.get("verdict", "?")),
        "subject": room.node(str(detail.get("subject", "?"))),
        "outcome": fmt.word("outcome", detail.get("outcome", "?")),
        "stage": fmt.word("ruling.stage", detail.get("stage", "?")),
        "ruling": detail.get("ruling", "?"),
        "kind": kind,
    }
    if kind == "assess" and detail.get("verdict"):  # an earlier release's, in plaintext
        kind = "assess_legacy"
    try:
        return t(f"event.{kind}", **fields)
    except KeyError:
        return t("event.other", kind=kind)
