"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.segment import Segment
from textual.dom import DOMNode
from textual.strip import Strip
from textual.widgets import DataTable, Input, SelectionList, TextArea

from .i18n import CATALOGUE, t


def translate_bindings(node: DOMNode) -> None:
    """Binding descriptions are catalogue keys; show them in the chosen language."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=t(b.description))
            if b.description in CATALOGUE
            else b
            for b in bindings
        ]


class Field(Input):
    """An input whose cursor blinks only when the app wants it to (snapshots don't)."""

    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "blink", True))


class Text(TextArea):
    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "blink", True))


def table(id_: str, *columns: tuple[str, str]) -> DataTable[Any]:
    """A table read row by row; each column a catalogue key for its title, and a key."""
    grid: DataTable[Any] = DataTable(id=id_, cursor_type="row")
    for label, key in columns:
        grid.add_column(t(label), key=key)
    return grid


def value_of(widget: Any) -> str:
    return str(widget.value).strip()


def plain(value: Any) -> Any:
    """Cell text shown as it is: a partner's text is never read as markup."""
    from rich.text import Text as RichText

    return value if isinstance(value, RichText) else RichText(str(value))


def choice(options: Any, **kw: Any) -> Any:
    """A one-line drop-down (no border), so a form fits 80x24."""
    from textual.widgets import Select

    return Select(options, compact=True, **kw)


def words(prefix: str, values: Any, **kw: Any) -> Any:
    """A drop-down of protocol values shown in the catalogue's words (``verdict.…``),
    the first chosen."""
    values = list(values)
    return choice([(t(f"{prefix}.{v}"), v) for v in values], value=values[0],
                  allow_blank=False, **kw)  # fmt: skip


class Picks(SelectionList[str]):
    """A selection list whose boxes read without colour: ``X`` ticked, blank not."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3:
            return strip
        meta = segments[1].style.meta if segments[1].style else {}
        index = meta.get("option")
        if index is None:
            return strip
        ticked = self.get_option_at_index(index).value in self.selected
        text, style, control = segments[1]
        segments[1] = Segment("X" if ticked else " ", style, control)
        return Strip(segments, strip.cell_length)
