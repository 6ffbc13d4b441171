"""The follow-up meetings: the chair plans the next one, members add agenda points, the
procesregisseur at the chair's node records the verslag, and an organisation assesses
the criteria again at a meeting (``docs/api.md``, the plan)."""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from .. import fmt
from ..i18n import t
from ..widgets import Field, Text, choice
from .assess import AssessScreen
from .base import RoomModal, form_end


def planned(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The room's meetings, first to last."""
    meetings = [g for g in plan.get("meetings") or [] if isinstance(g, dict)]
    return sorted(meetings, key=lambda g: int(g.get("meeting") or 0))


def default_meeting(plan: dict[str, Any], *, held: bool = False) -> int | None:
    """The meeting a form is about: the next one; for a verslag (``held``) the last one
    that has begun, where there is one."""
    meetings = planned(plan)
    if not meetings:
        return None
    if held:
        begun = [g for g in meetings if int(g.get("at") or 0) <= time.time()]
        return int((begun or meetings)[-1]["meeting"])
    upcoming = (plan.get("next_meeting") or {}).get("meeting")
    return int(upcoming) if upcoming else int(meetings[-1]["meeting"])


def meeting_choice(plan: dict[str, Any], value: int | None) -> Any:
    options = [
        (t("meeting.choice", n=g["meeting"], at=fmt.when(g.get("at"))), int(g["meeting"]))
        for g in planned(plan)
    ]
    return choice(options, value=value, allow_blank=False, id="meeting")


class MeetingModal(RoomModal):
    """A dialog about one of the room's meetings; ``plan`` is ``GET .../plan``."""

    def __init__(self, room: dict[str, Any], plan: dict[str, Any]) -> None:
        super().__init__(room)
        self.plan = plan

    def meeting(self) -> int:
        return int(self.query_one("#meeting", Select).value)  # type: ignore[arg-type]


class PlanMeetingScreen(RoomModal):
    """The chair plans the next meeting."""

    BINDINGS = [Binding("ctrl+s", "submit", "meeting.plan")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(t("meeting.plan_title"), classes="title")
            yield Label(t("meeting.at"))
            yield Field(id="at", placeholder=t("form.example", example="2027-01-15 10:00"))
            yield from form_end(t("meeting.plan"))

    def on_mount(self) -> None:
        self.query_one("#at", Field).focus()

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        if not self.query_one("#at", Field).value.strip():
            self.message(t("meeting.no_at"))
            return
        try:
            at = fmt.parse_when(self.query_one("#at", Field).value)
        except ValueError:
            self.message(t("meeting.bad_at"))
            return
        await self.send(f"/v1/rooms/{self.room['room']}/meetings", {"at": at},
                        t("meeting.planned"))  # fmt: skip


class MeetingTextScreen(MeetingModal):
    """A text posted to one meeting (``.../meetings/{n}/{part}`` with ``{field: text}``);
    the subclasses name the part, the field and the words."""

    part = ""  # agenda | verslag
    field = ""  # title | text
    held = False  # about the last meeting that began (a verslag), not the next one
    words = {"title": "", "which": "meeting.which", "label": "", "empty": "", "done": "",
             "submit": ""}  # fmt: skip
    wide = False

    def entry(self) -> Field | Text:
        return Field(id="entry")

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide" if self.wide else "dialog"):
            yield Static(t(self.words["title"]), classes="title")
            yield Label(t(self.words["which"]))
            yield meeting_choice(self.plan, default_meeting(self.plan, held=self.held))
            yield Label(t(self.words["label"]))
            yield self.entry()
            yield from form_end(t(self.words["submit"]))

    def on_mount(self) -> None:
        self.query_one("#entry").focus()

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        entry = self.query_one("#entry")
        text = entry.text if isinstance(entry, Text) else str(getattr(entry, "value", ""))
        if not text.strip():
            self.message(t(self.words["empty"]))
            return
        where = f"/v1/rooms/{self.room['room']}/meetings/{self.meeting()}/{self.part}"
        await self.send(where, {self.field: text.strip()}, t(self.words["done"]))


class AgendaScreen(MeetingTextScreen):
    """A member adds a point to a meeting's agenda (the next one, unless chosen)."""

    BINDINGS = [Binding("ctrl+s", "submit", "meeting.add")]
    part, field = "agenda", "title"
    words = {"title": "meeting.agenda_title", "which": "meeting.which",
             "label": "meeting.agenda_field", "empty": "meeting.no_title",
             "done": "meeting.agenda_added", "submit": "meeting.add"}  # fmt: skip


class VerslagScreen(MeetingTextScreen):
    """The procesregisseur at the chair's node records a meeting's verslag."""

    BINDINGS = [Binding("ctrl+s", "submit", "meeting.record")]
    part, field, held, wide = "verslag", "text", True, True
    words = {"title": "meeting.verslag_title", "which": "meeting.which",
             "label": "meeting.verslag_field", "empty": "meeting.no_verslag",
             "done": "meeting.verslag_saved", "submit": "meeting.record"}  # fmt: skip

    def entry(self) -> Field | Text:
        return Text(id="entry")


class ReassessScreen(AssessScreen):
    """The weging again, at one of the follow-up meetings (the intake's form, with the
    meeting it belongs to)."""

    def __init__(self, room: dict[str, Any], plan: dict[str, Any]) -> None:
        super().__init__(room)
        self.plan = plan

    def heading(self) -> str:
        return t("reassess.title", case=self.room.get("case", ""))

    def before_criteria(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(t("meeting.which"), classes="criterion")
            yield meeting_choice(self.plan, default_meeting(self.plan, held=True))

    def extra(self) -> dict[str, Any]:
        return {"meeting": int(self.query_one("#meeting", Select).value)}  # type: ignore[arg-type]
