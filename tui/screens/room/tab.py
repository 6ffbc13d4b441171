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
    """Replace a table's rows, keeping the cursor on the same line where it can.

    Where the table already holds the first rows (same keys, same heights), only the
    cells that changed are updated and the new rows added: a live update (a receipt,
    a new verstrekking) does not redraw a long table."""
    if _update(table, rows):
        return
    row = table.cursor_row
    table.clear()
    for key, cells, height in rows:
        table.add_row(*(plain(c) for c in cells), key=key, height=height)
    if rows:
        table.move_cursor(row=min(max(row, 0), len(rows) - 1))


def _update(table: DataTable[Any], rows: list[Row]) -> bool:
    held = table.ordered_rows
    if not held or len(held) > len(rows):
        return False
    for have, (key, _, height) in zip(held, rows, strict=False):
        if have.key.value != key or have.height != height:
            return False
    columns = table.columns
    for have, (_key, cells, _) in zip(held, rows, strict=False):
        old = table.get_row(have.key)
        for column, was, cell in zip(list(columns), old, cells, strict=False):
            new = plain(cell)
            if str(was) != str(new):
                # a cell that fits its column leaves the widths alone: measuring them
                # again lays the whole table out anew
                wider = max(map(len, str(new).split("\n"))) > columns[column].content_width
                table.update_cell(have.key, column, new, update_width=wider)
    for key, cells, height in rows[len(held) :]:
        table.add_row(*(plain(c) for c in cells), key=key, height=height)
    return True
