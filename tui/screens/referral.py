"""Doorverwijzen (Wgs art. 2.31 lid 13): from a Wgs casusoverleg, register its case with
the Wet PGA casusoverleg once radicalisation is suspected. The case reference is the
room's (shown, not typed); everything else is typed here, as in an aanmelding: nothing
of the room (verstrekkingen, plan, deelnemers) goes with it."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, Static

from ..i18n import t
from ..widgets import Field, Text, plain
from .aanmelding import aanmelding_fields, filled_in
from .base import Base, Form, form_end
from .room.view import RoomView

#: the basis a Wgs case is referred to (its aanmelding)
PGA = "pga-r"


class ReferScreen(Form):
    BINDINGS = [Binding("ctrl+s", "submit", "refer.submit")]

    def __init__(self, doc: dict[str, Any]) -> None:
        super().__init__()
        self.room = str(doc.get("room", ""))
        self.case = str(doc.get("case", ""))

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(t("refer.title"), classes="title")
            yield Static(t("refer.explain"), classes="note")
            yield Static(plain(t("refer.case", case=self.case)), id="refer-case")
            yield from aanmelding_fields(self.capp.api.roster)
            yield Label(t("refer.function"))
            yield Field(str(self.capp.api.me.get("function", "")), id="function")
            yield from form_end(t("refer.submit"))

    def on_mount(self) -> None:
        self.query_one("#summary", Text).focus()

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        body = filled_in(self, t("refer.reason_default"))
        function = self.query_one("#function", Field).value.strip()
        if body is None or not function:
            self.message(t("refer.incomplete"))
            return
        body["author_function"] = function
        path = f"/v1/rooms/{self.room}/refer"
        await self.send(path, body, t("refer.done", case=self.case))


def may_refer(screen: Base, room: RoomView) -> bool:
    """Whether this node may refer the room's case; tells the user why not: the room
    is closed, or its organisation is no Wet PGA deelnemer (the ZVH)."""
    if room.doc.get("phase") == "closed":
        screen.notify(markup=False, message=t("error.node.referral_room"), severity="warning")
        return False
    if room.my_org not in room.api.basis(PGA).get("deelnemers", []):
        screen.notify(markup=False, message=t("error.node.not_pga_deelnemer"), severity="warning")
        return False
    return True
