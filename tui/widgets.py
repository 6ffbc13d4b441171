"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.dom import DOMNode
from textual.widgets import Input, TextArea

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
