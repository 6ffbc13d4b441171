"""The burgemeester's mandate for a ZVH procesregisseur to chair one casusoverleg on the
burgemeester's behalf (Wet PGA art. 2): given by the gemeente van verblijf."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Label, Select, Static

from ..i18n import t
from ..widgets import Field, choice, plain
from .base import Modal, form_end

#: organisations that chair a Wet PGA casusoverleg on a gemeente's behalf
CHAIRS_FOR_GEMEENTE = "zvh"


class MandateScreen(Modal):
    BINDINGS = [Binding("ctrl+s", "submit", "mandate.submit")]

    def compose(self) -> ComposeResult:
        chairs = [
            (plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
            for m in self.capp.api.roster.get("members", [])
            if m.get("org") == CHAIRS_FOR_GEMEENTE
        ]
        with Vertical(classes="dialog"):
            yield Static(t("mandate.title"), classes="title")
            yield Static(t("mandate.explain"), classes="note")
            yield Label(t("mandate.chair"))
            yield choice(chairs, id="chair", prompt=t("mandate.chair"))
            yield Label(t("convene.case"))
            yield Field(id="case")
            yield from form_end(t("mandate.submit"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        chair = self.query_one("#chair", Select).value
        case = self.query_one("#case", Field).value.strip().upper()
        if not isinstance(chair, str) or not case:
            self.message(t("mandate.incomplete"))
            return
        await self.send(
            "/v1/mandates",
            {"chair": chair, "case": case},
            t("mandate.done", chair=self.capp.api.node_name(chair), case=case),
        )
