"""What the screens share: the app as they see it, the frame, the forms and dialogs."""

from __future__ import annotations

from typing import Any, Protocol, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static

from ..api import Api, ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import plain, translate_bindings


class Host(Protocol):
    """What the screens use of the app (``tui.app.CasusnetApp``), without importing it."""

    api: Api
    place: str
    poll: float

    def set_offline(self, offline: bool) -> None: ...

    def after_login(self) -> None: ...

    def to_login(self, message: str = "") -> None: ...

    async def get(self, path: str) -> Any: ...

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any: ...


class Base(Screen[Any]):
    """A screen with the header, the footer and translated key bindings."""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def capp(self) -> Host:
        return cast(Host, self.app)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()


class Form(Base):
    """A screen that posts what is filled in; Escape or Cancel closes it unsent."""

    BINDINGS = [Binding("escape", "cancel", "app.cancel")]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(plain(text))

    async def send(self, path: str, body: dict[str, Any], done: str) -> None:
        """Post the form; show a refusal in the form, or close it with a notice."""
        try:
            await self.capp.post(path, body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        self.notify(markup=False, message=done)
        self.dismiss(True)


class Modal(Form, ModalScreen[Any]):
    """A form as a dialog over the screen it was opened from."""


class RoomModal(Modal):
    """A dialog on one room; ``room`` is the room's document as the node gave it."""

    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room


def form_end(submit: str) -> ComposeResult:
    """The form's message line, then its Submit and Cancel buttons."""
    yield Static("", id="form-message")
    with Horizontal(classes="buttons"):
        yield Button(submit, id="submit", variant="primary")
        yield Button(t("app.cancel"), id="cancel")
