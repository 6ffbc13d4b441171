"""What the screens share: the app as they see it, the frame, the forms and dialogs."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterable
from typing import Any, Protocol, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from ..api import Api, ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Ask, draft, name_submit_key, show_message, translate_bindings


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


LIVE_DELAY = 0.02
"""Seconds a screen waits after an event for the ones that follow it (a burst is one
reload)."""

#: what a room shows, for :meth:`Base.live`
ROOM_TOPICS = ("room", "rooms", "share", "receipt", "request", "plan", "shielded", "transfers")


class Base(Screen[Any]):
    """A screen with the header, the footer and translated key bindings.

    A screen that shows what may change on the node calls :meth:`live` (in
    ``on_mount``) with the topics of the node's event stream it shows; the app hands
    it every event (``live_event``) and it reloads, debounced, one reload at a time.
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._live: tuple[frozenset[str], str | None, Callable[[], Any]] | None = None
        self._live_dirty = False
        self._live_busy = False

    def live(
        self, topics: Iterable[str], reload: Callable[[], Any], room: str | None = None
    ) -> None:
        """Call ``reload`` when the node tells of a change to one of ``topics`` (for a
        room's change: only of ``room``, when given), and after a ``resync``."""
        self._live = (frozenset(topics), room, reload)

    def live_event(self, event: dict[str, Any]) -> None:
        if self._live is None:
            return
        topics, room, _ = self._live
        topic = event.get("topic")
        if topic != "resync":
            if topic not in topics:
                return
            if room is not None and event.get("room") not in (None, room):
                return
        self._live_dirty = True
        if not self._live_busy:
            self._live_busy = True
            self.run_worker(self._live_reload(), group="live", exit_on_error=False)

    async def _live_reload(self) -> None:
        """Reload while events keep coming, never two reloads at once."""
        try:
            while self._live_dirty and self._live is not None:
                await asyncio.sleep(LIVE_DELAY)
                self._live_dirty = False
                result = self._live[2]()
                try:
                    if isinstance(result, Worker):
                        await result.wait()
                    elif inspect.isawaitable(result):
                        await result
                except (WorkerCancelled, WorkerFailed):
                    pass  # another load took its place, or it failed and shows why
        finally:
            self._live_busy = False

    @property
    def capp(self) -> Host:
        return cast(Host, self.app)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()


FIELDS = "Input, TextArea, Select, SelectionList, Button"


class Form(Base):
    """A screen that posts what is filled in; Escape or Cancel closes it unsent (after
    asking, when something was typed); Ctrl+S submits from any field."""

    BINDINGS = [
        Binding("escape", "cancel", "app.cancel"),
        # not a priority binding: the app would act on it before the field took the
        # characters typed just before it (no field uses Ctrl+S; it bubbles up in order)
        Binding("ctrl+s", "submit_form", "form.submit"),
    ]

    def on_mount(self) -> None:
        self.pristine = draft(self)  # what the form showed before anything was typed
        fields = [w for w in self.query(FIELDS) if w.focusable]
        if fields and self.focused not in fields:
            fields[0].focus()  # the first key goes to the first field, not to a scroll box
        name_submit_key(self)

    def action_cancel(self) -> None:
        if draft(self) == getattr(self, "pristine", draft(self)):
            self.dismiss(None)
            return
        def answered(discard: Any) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(Ask.screen(t("form.discard")), answered)

    def action_submit_form(self) -> None:
        """Ctrl+S: as the form's Submit button (a form may bind its own)."""
        for button in self.query("#submit").results(Button):
            button.press()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_form":
            return bool(self.query("#submit"))  # no Ctrl+S on a dialog that only shows
        return True

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def message(self, text: str, error: bool = True) -> None:
        show_message(self, text, error)

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
    """A form as a dialog over the screen it was opened from; the footer names its keys."""

    def on_mount(self) -> None:
        if not self.query(Footer):
            self.mount(Footer())


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
