"""The room's first tab: its members and those invited, with fingerprints and epochs."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, Row, refill
from .view import RoomView


class MembersTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.members"), id="members")

    def compose(self) -> ComposeResult:
        yield table(
            "members-table",
            ("room.col.node", "node"),
            ("room.col.org", "org"),
            ("room.col.role", "role"),
            ("room.col.fingerprint", "fp"),
            ("room.col.epoch", "since"),
        )

    def sources(self, doc: dict[str, Any]) -> Any:
        return (doc.get("members"), doc.get("invited"), self.app.size.width)

    def on_resize(self) -> None:
        """Draw again for the new width (the screen draws a tab whose sources moved)."""
        render = getattr(self.screen, "render_room", None)
        if callable(render) and getattr(self.screen, "doc", None):
            render()

    def draw(self, room: RoomView) -> None:
        rows: list[Row] = [member_row(m) for m in room.doc.get("members", [])]
        rows += [invited_row(m) for m in room.doc.get("invited", [])]
        refill(self.query_one("#members-table", DataTable), names_fitted(rows, self.app.size.width))


def names_fitted(rows: list[Row], total: int) -> list[Row]:
    """The organisations' names (the second column) on one line where the screen is
    wide enough, else wrapped at words over the row's two lines."""
    if not rows:
        return rows
    others = [max(len(line) for r in rows for line in str(r[1][i]).split("\n"))
              for i in (0, 2, 3, 4)]  # fmt: skip
    width = fmt.room_for(total, *others, minimum=14)
    return [(key, [c[0], fmt.fit(c[1], width), *c[2:]], h) for key, c, h in rows]


def member_row(m: dict[str, Any]) -> Row:
    role = fmt.word("role", m.get("role"))
    if m.get("on_behalf"):
        role = t("room.role.on_behalf")
    elif m.get("verblijf"):
        role = t("room.role.verblijf", role=role)
    cells = [
        m["node"],
        str(m.get("name", "")),
        role,
        fmt.fingerprint_lines(m.get("fingerprint")),
        str(m.get("epoch_since", "")),
    ]
    return (m["node"], cells, 2)


def invited_row(m: dict[str, Any]) -> Row:
    cells = [
        m["node"],
        str(m.get("name", "")),
        f"{t('room.invited')}: {fmt.word('role', m.get('role'))}",
        fmt.fingerprint_lines(m.get("fingerprint")),
        "–",
    ]
    return ("invited:" + m["node"], cells, 2)
