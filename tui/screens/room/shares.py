"""The room's fourth tab: the shares, with how far each has been delivered or read."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ... import fmt
from ...api import ApiError, NodeUnreachable
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
        api = getattr(self.app, "api", None)
        return (doc.get("shares"), reachability(api), self.app.size.width)

    def on_resize(self) -> None:
        """Draw again for the new width (the screen draws a tab whose sources moved)."""
        render = getattr(self.screen, "render_room", None)
        if callable(render) and getattr(self.screen, "doc", None):
            render()

    def check_roster(self) -> None:
        doc = getattr(self.screen, "doc", None)
        if not self.is_on_screen or not isinstance(doc, dict):
            return
        if any(s.get("own") and waits_for(s, RoomView.of(doc, self.app.api))  # type: ignore[attr-defined]
               for s in doc.get("shares", [])):  # fmt: skip
            self.read_roster()

    @work(exit_on_error=False, exclusive=True, group="roster")
    async def read_roster(self) -> None:
        api = self.app.api  # type: ignore[attr-defined]
        try:
            roster = await api.get("/v1/roster")
        except (ApiError, NodeUnreachable):
            return
        if isinstance(roster, dict) and reachability(api) != reachability_of(roster):
            api.roster = roster
            render = getattr(self.screen, "render_room", None)
            if callable(render):
                render()

    def draw(self, room: RoomView) -> None:
        rows = fitted([share_row(s, room) for s in room.doc.get("shares", [])],
                      self.app.size.width)  # fmt: skip
        refill(self.query_one("#shares-table", DataTable), rows)
        self.query_one("#shares-note", Static).update("" if rows else t("shares.empty"))
        # the room was read again (an event: a receipt, a partner's reachability): while an
        # own share waits, who it waits for and since when is read from the roster too;
        # nothing is asked when nothing waits, and no timer asks
        self.call_after_refresh(self.check_roster)

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


CATEGORIES_NARROW = 18  # the categories' column where the screen is narrow


def fitted(rows: list[Row], total: int) -> list[Row]:
    """Rows that fit ``total`` columns: the state (which may name whom a share waits
    for) and the categories wrapped at words where they do not fit on one line."""
    if not rows:
        return rows
    widths = [max(len(str(r[1][i])) for r in rows) for i in range(5)]
    if fmt.room_for(total, *widths[:3], widths[4], minimum=0) >= widths[3]:
        return rows
    cats = min(widths[4], CATEGORIES_NARROW)
    state = fmt.room_for(total, *widths[:3], cats, minimum=20)
    out: list[Row] = []
    for key, cells, _ in rows:
        wrapped = [*cells[:3], fmt.fit(cells[3], state, 4), fmt.fit(cells[4], cats, 3)]
        out.append((key, wrapped, max(c.count("\n") + 1 for c in wrapped[3:])))
    return out


def share_key(s: dict[str, Any]) -> str:
    return f"{s['sender']}/{s['id']}"


def share_row(s: dict[str, Any], room: RoomView | None = None) -> Row:
    sender = s["sender"] + (" (*)" if s.get("own") else "")
    cells = [
        fmt.short(s["id"]),
        sender,
        s.get("basis", ""),
        share_state(s, room),
        ", ".join(s.get("categories", [])),
    ]
    return (share_key(s), cells, 1)




def reachability_of(roster: dict[str, Any]) -> Any:
    return tuple(
        (m.get("node"), m.get("reachable"), m.get("unreachable_since"))
        for m in roster.get("members", [])
        if isinstance(m, dict)
    )


def reachability(api: Any) -> Any:
    """What of the roster the tab shows: each partner's reachability."""
    roster = getattr(api, "roster", None)
    return reachability_of(roster) if isinstance(roster, dict) else ()


#: delivery states that no longer wait for the recipient
SETTLED = ("delivered", "deleted", "refused", "revoked")


def waits_for(s: dict[str, Any], room: RoomView | None) -> str:
    """``wacht op OM (onbereikbaar sinds 10:42)``: the recipients an own share still
    waits for, by name, each with its reachability as the roster says, or ""."""
    if room is None or s.get("revoked_at"):
        return ""
    waiting = [r for r, v in (s.get("deliveries") or {}).items() if v not in SETTLED]
    if not waiting:
        return ""
    roster = {m.get("node"): m for m in room.api.roster.get("members", []) if isinstance(m, dict)}
    names: list[str] = []
    for node in sorted(waiting):
        who = fmt.short_node(room.api, node)
        member = roster.get(node) or {}
        if member.get("reachable") is False and member.get("unreachable_since"):
            since = fmt.since(member["unreachable_since"])
            who = t("shares.who_unreachable", who=who, since=since)
        elif member.get("reachable") is False:
            who = t("shares.who_unreachable_now", who=who)
        names.append(who)
    return t("shares.waits_for", who=fmt.names(names))


def share_state(s: dict[str, Any], room: RoomView | None = None) -> str:
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
        text = " · ".join(parts)
        who = waits_for(s, room)
        return f"{text} — {who}" if who else text
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
