"""The intake's two member dialogs: an organisation's weging, and consent to admit a
partner the samenstelling did not name (a derde, or a deelnemer)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from .. import fmt
from ..i18n import t
from ..widgets import Text, choice, words
from .base import RoomModal, form_end

VERDICTS = ("voorleggen", "niet_voorleggen")
"""An organisation's view: put the case to the casusoverleg, or not."""

CRITERIA = (
    "geweldsbereidheid",
    "ideologie",
    "sociale_relaties",
    "identificatie",
    "zelfredzaamheid",
)


ONBEKEND = -1
"""The form's value for a criterion left "onbekend" (sent as null: not "geen zorg")."""


def score(value: Any) -> int | None:
    return None if value == ONBEKEND else int(value)


class AssessScreen(RoomModal):
    BINDINGS = [Binding("ctrl+s", "submit", "assess.submit")]

    def compose(self) -> ComposeResult:
        scores = [(t("score.onbekend"), ONBEKEND)] + [(t(f"score.{n}"), n) for n in range(4)]
        with VerticalScroll(classes="dialog wide"):
            yield Static(self.heading(), classes="title")
            yield from self.before_criteria()
            yield Label(t("assess.criteria"))
            for c in CRITERIA:
                with Horizontal(classes="row"):
                    yield Label(t(f"criterion.{c}"), classes="criterion")
                    yield choice(scores, value=ONBEKEND, allow_blank=False, id=f"c-{c}")
            with Horizontal(classes="row"):
                yield Label(t("assess.verdict"), classes="criterion")
                yield words("verdict", VERDICTS, id="verdict")
            yield Label(t("assess.reasoning"))
            yield Text(id="reasoning")
            yield from form_end(t("assess.submit"))

    def heading(self) -> str:
        return t("assess.title", case=self.room.get("case", ""))

    def before_criteria(self) -> ComposeResult:
        """Fields a re-assessment asks first (the meeting); none in the intake."""
        yield from ()

    def extra(self) -> dict[str, Any]:
        """What a re-assessment adds to the body (``meeting``)."""
        return {}

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        reasoning = self.query_one("#reasoning", Text).text.strip()
        if not reasoning:
            self.message(t("assess.no_reasoning"))
            return
        body = {
            **self.extra(),
            "verdict": self.query_one("#verdict", Select).value,
            "criteria": {c: score(self.query_one(f"#c-{c}", Select).value) for c in CRITERIA},
            "reasoning": reasoning,
        }
        await self.send(f"/v1/rooms/{self.room['room']}/assess", body, t("assess.done"))


class ConsentScreen(RoomModal):
    def __init__(self, room: dict[str, Any], waiting: list[str]) -> None:
        super().__init__(room)
        self.waiting = waiting
        self.roles = {m["node"]: str(m.get("role")) for m in room.get("invited", [])}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("room.consent"), classes="title")
            yield choice(
                [(n, n) for n in self.waiting],
                value=self.waiting[0],
                allow_blank=False,
                id="subject",
            )
            yield Static(self.ask(self.waiting[0]), id="ask")
            yield from form_end(t("room.consent"))

    @on(Select.Changed, "#subject")
    def subject_changed(self, event: Select.Changed) -> None:
        self.query_one("#ask", Static).update(self.ask(str(event.value)))

    def ask(self, subject: str) -> str:
        role = fmt.word("role", self.roles.get(subject, "derde"))
        return t("consent.ask", subject=self.capp.api.node_name(subject), role=role)

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        subject = str(self.query_one("#subject", Select).value)
        await self.send(
            f"/v1/rooms/{self.room['room']}/consent",
            {"subject": subject},
            t("consent.done", subject=self.capp.api.node_name(subject)),
        )
