"""The login: name and passphrase, checked by the node."""

from __future__ import annotations

import os

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Label, Static

from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, plain
from .base import Base
from .rooms import RoomsScreen


class LoginScreen(Base):
    def compose_body(self) -> ComposeResult:
        place = self.capp.place
        with Vertical(id="login"):
            yield Static(t("login.title"), classes="title")
            yield Static(
                t("login.intro", node=place) if place else t("login.intro_unknown"),
                classes="intro",
            )
            yield Label(t("login.name"))
            yield Field(id="name", enter_moves=True)
            yield Label(t("login.passphrase"))
            yield Field(id="passphrase", password=True)
            yield Button(t("login.submit"), id="submit", variant="primary")
            yield Static("", id="message")
            hint = os.environ.get("CASUSNET_LOGIN_HINT", "")
            if hint:  # only the demo sets it: its accounts are public
                yield Static(plain(hint[:80]), classes="note")

    def on_mount(self) -> None:
        self.query_one("#name", Field).focus()

    def show_message(self, message: str) -> None:
        self.query_one("#message", Static).update(plain(message))

    @on(Field.Submitted, "#name")
    def next_field(self) -> None:
        self.query_one("#passphrase", Field).focus()

    @on(Field.Submitted, "#passphrase")
    @on(Button.Pressed, "#submit")
    def action_login(self) -> None:
        name = self.query_one("#name", Field).value.strip()
        passphrase = self.query_one("#passphrase", Field).value
        if not name or not passphrase:
            self.show_message(t("login.missing"))
            return
        self.show_message(t("login.checking"))
        self.login(name, passphrase)

    @work(exit_on_error=False, exclusive=True, group="login")
    async def login(self, name: str, passphrase: str) -> None:
        host = self.capp
        try:
            await host.api.login(name, passphrase)
        except NodeUnreachable:
            host.set_offline(True)
            self.show_message(t("app.offline"))
            return
        except ApiError as exc:
            host.set_offline(False)
            self.show_message(
                t("login.failed") if exc.remote_code == "node.auth" else describe(exc, host.api)
            )
            if exc.remote_code == "node.auth":  # the name stays; the passphrase is typed anew
                field = self.query_one("#passphrase", Field)
                field.value = ""
                field.focus()
            return
        host.set_offline(False)
        self.query_one("#passphrase", Field).value = ""
        self.show_message("")
        host.after_login()
        self.app.push_screen(RoomsScreen())
        # the registry and roster (for the forms) load while the rooms list draws
        self.app.run_worker(host.api.load_context(), group="context", exit_on_error=False)
