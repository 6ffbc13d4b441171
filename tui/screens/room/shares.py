"""The room's fourth tab: the shares, with how far each has been delivered or read."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, Row, refill
from .view import RoomView


class SharesTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.shares"), id="shares")

    def compose(self) -> ComposeResult:
        yield table(
            "shares-table",
            ("shares.col.id", "id"),
            ("shares.col.sender", "sender"),
            ("shares.col.basis", "basis"),
            ("shares.col.state", "state"),
            ("shares.col.categories", "cats"),
        )
        yield Static("", id="shares-note")

    def sources(self, doc: dict[str, Any]) -> Any:
        return doc.get("shares")

    def draw(self, room: RoomView) -> None:
        rows = [share_row(s) for s in room.doc.get("shares", [])]
        refill(self.query_one("#shares-table", DataTable), rows)
        self.query_one("#shares-note", Static).update("" if rows else t("shares.empty"))

    def selected(self, doc: dict[str, Any]) -> dict[str, Any] | None:
        """The share under the cursor, from the room's document."""
        grid = self.query_one("#shares-table", DataTable)
        if not grid.row_count:
            return None
        key = grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value
        for s in doc.get("shares", []):
            if share_key(s) == key:
                return dict(s)
        return None


def share_key(s: dict[str, Any]) -> str:
    return f"{s['sender']}/{s['id']}"


def share_row(s: dict[str, Any]) -> Row:
    sender = s["sender"] + (" (*)" if s.get("own") else "")
    cells = [
        fmt.short(s["id"]),
        sender,
        s.get("basis", ""),
        share_state(s),
        ", ".join(s.get("categories", [])),
    ]
    return (share_key(s), cells, 1)


def share_state(s: dict[str, Any]) -> str:
    if s.get("own"):
        deliveries = s.get("deliveries", {})
        total = len(deliveries)
        if s.get("revoked_at"):
            done = sum(1 for v in deliveries.values() if v == "deleted")
            return t("shares.own_revoked", done=done, total=total)
        done = sum(1 for v in deliveries.values() if v in ("delivered", "deleted"))
        parts = [t("shares.own_state", done=done, total=total)]
        refused = sum(1 for v in deliveries.values() if v == "refused")
        if refused:  # for good: a permanent refusal
            parts.append(t("shares.refused", n=refused))
        waiting = set(s.get("waiting", {}).values())
        if waiting:  # transient: it is sent again
            parts.append(t(_wait_reason(waiting)))
        return " · ".join(parts)
    if not s.get("readable"):
        return t("shares.gone")
    return t("shares.read") if s.get("viewed") else t("shares.unread")


CLOCK_CODES = {"chain.future", "request.expired"}


def _wait_reason(codes: set[str]) -> str:
    """Why an own share still waits, from its transient codes (protocol.md 14.2.1)."""
    # a code, or a reason that names the partner's answer ("om answered 401 request.expired")
    if any(clock in text for text in codes for clock in CLOCK_CODES):
        return "shares.wait_clock"
    if "node.retry" in codes:
        return "shares.wait_behind"
    return "shares.wait_away"
