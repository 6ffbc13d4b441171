"""The help: the keys of every screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import t
from ..widgets import translate_bindings


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("question_mark", "app.pop_screen", "app.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(t("help.title"), classes="title")
            yield Static(t("help.body"))
            yield Button(t("app.ok"), id="help-ok")

    @on(Button.Pressed, "#help-ok")
    def close_help(self) -> None:
        self.app.pop_screen()
