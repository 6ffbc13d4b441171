"""Small widgets and helpers shared by the screens."""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.segment import Segment
from textual import events
from textual.dom import DOMNode
from textual.strip import Strip
from textual.widget import Widget
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


async def typed_ahead(widget: Widget, event: events.Key, enter_moves: bool = False) -> bool:
    """Keys typed quickly go to the field they were typed in, in order.

    Textual queues keys at the focused widget, while Tab (or Enter) moves the focus only
    once the key has bubbled up to the app: the keys typed after it landed in the old
    field. Here the field moves the focus itself, at once, and passes on the keys that
    were queued for it after the focus left. True when the key was dealt with."""
    screen = widget.screen
    target = screen.focused  # set at once (``has_focus`` follows by a message)
    # the focus left (and not into a part of this widget, as a drop-down's open list)
    if target is not None and widget not in target.ancestors_with_self:
        event.prevent_default()
        event.stop()
        target.post_message(events.Key(event.key, event.character))
        return True
    moves = {"tab": screen.focus_next, "shift+tab": screen.focus_previous}
    if event.key in moves or (enter_moves and event.key == "enter"):
        event.prevent_default()
        event.stop()
        moves.get(event.key, screen.focus_next)()
        return True
    return False


class Field(Input):
    """An input whose cursor blinks only when the app wants it to (snapshots don't);
    ``enter_moves``: Enter goes on to the next field (the login's name)."""

    def __init__(self, *args: Any, enter_moves: bool = False, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.enter_moves = enter_moves

    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "blink", True))

    async def _on_key(self, event: events.Key) -> None:
        await typed_ahead(self, event, self.enter_moves)


class Text(TextArea):
    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "blink", True))

    async def _on_key(self, event: events.Key) -> None:
        if event.key in ("tab", "shift+tab") and self.tab_behavior == "indent":
            return
        await typed_ahead(self, event)


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
    from textual.widgets._select import SelectOverlay

    class Choice(Select[Any]):
        """Keys typed ahead after a Tab go on to the next field; the open list's
        Escape is named in the UI's language."""

        def on_mount(self) -> None:
            for overlay in self.query(SelectOverlay):
                table = overlay._bindings.key_to_bindings
                for key, bindings in table.items():
                    table[key] = [dataclasses.replace(b, description=t("form.close_list"))
                                  if b.action == "dismiss" else b for b in bindings]  # fmt: skip

        async def _on_key(self, event: events.Key) -> None:
            await typed_ahead(self, event)

    return Choice(options, compact=True, **kw)


def words(prefix: str, values: Any, **kw: Any) -> Any:
    """A drop-down of protocol values shown in the catalogue's words (``verdict.…``),
    the first chosen."""
    values = list(values)
    return choice([(t(f"{prefix}.{v}"), v) for v in values], value=values[0],
                  allow_blank=False, **kw)  # fmt: skip


class Picks(SelectionList[str]):
    """A selection list whose boxes read without colour: ``X`` ticked, blank not; a
    Space typed right after the Tab that came here ticks here."""

    async def _on_key(self, event: events.Key) -> None:
        await typed_ahead(self, event)

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


def draft(screen: Widget | DOMNode) -> list[str]:
    """What is typed in a form's fields: its draft, to see whether it was changed."""
    return [
        w.text if isinstance(w, TextArea) else str(w.value)
        for w in screen.query("Input, TextArea")
        if isinstance(w, Input | TextArea)
    ]


def show_message(screen: DOMNode, text: str, error: bool = True) -> None:
    """A form's message where the eye is: its line (``#form-message``) marked as an
    error and brought into view, and an error also as a notice in the corner."""
    from textual.widgets import Static

    notes = list(screen.query("#form-message").results(Static))
    for note in notes:
        note.update(plain(text))
        note.set_class(error and bool(text), "error")
        if text:
            note.call_after_refresh(note.scroll_visible, animate=False)
    if error and text:
        screen.app.notify(text, severity="error", markup=False, timeout=8)


class Ask:
    """Builds the yes/no question a form asks before its draft is thrown away (a
    screen of its own, so the forms' base needs no dialog module)."""

    @staticmethod
    def screen(question: str) -> Any:
        from textual.app import ComposeResult
        from textual.binding import Binding
        from textual.containers import Horizontal, Vertical
        from textual.screen import ModalScreen
        from textual.widgets import Button, Static

        class Question(ModalScreen[bool]):
            BINDINGS = [Binding("escape", "no", t("app.no"))]

            def compose(self) -> ComposeResult:
                with Vertical(classes="dialog"):
                    yield Static(question, classes="title")
                    with Horizontal(classes="buttons"):
                        yield Button(t("app.yes"), id="yes", variant="error")
                        yield Button(t("app.no"), id="no")

            def on_mount(self) -> None:
                self.query_one("#no", Button).focus()  # Enter keeps the draft

            def on_button_pressed(self, event: Button.Pressed) -> None:
                self.dismiss(event.button.id == "yes")

            def action_no(self) -> None:
                self.dismiss(False)

        return Question()


def name_submit_key(screen: DOMNode) -> None:
    """The footer names Ctrl+S as the form's Submit button does (*Uitnodigen*, not a
    general *Bevestigen*)."""
    from textual.widgets import Button

    table = screen._bindings.key_to_bindings
    for button in screen.query("#submit").results(Button):
        table["ctrl+s"] = [
            dataclasses.replace(b, description=str(button.label))
            if b.action == "submit_form" else b
            for b in table.get("ctrl+s", [])
        ]  # fmt: skip
