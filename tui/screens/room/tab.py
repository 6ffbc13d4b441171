"""What the room's tabs share: each draws itself from the room, and only on a change."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, TabPane

from ...widgets import plain
from .view import RoomView

Row = tuple[str, list[Any], int]  # key, cells, height


class RoomTab(TabPane):
    """One tab of the room; the screen draws the tab on show when its sources changed."""

    def sources(self, doc: dict[str, Any]) -> Any:
        """The parts of the room's document this tab shows."""
        raise NotImplementedError

    def draw(self, room: RoomView) -> None:
        raise NotImplementedError


def refill(table: DataTable[Any], rows: list[Row]) -> None:
    """Replace a table's rows, keeping the cursor on the same line where it can."""
    row = table.cursor_row
    table.clear()
    for key, cells, height in rows:
        table.add_row(*(plain(c) for c in cells), key=key, height=height)
    if rows:
        table.move_cursor(row=min(max(row, 0), len(rows) - 1))
