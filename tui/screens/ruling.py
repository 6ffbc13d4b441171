"""The intake's decisions: the chair proposes a ruling (the eensluidende beoordeling,
then the samenstelling), and each deciding organisation signs it after reading it."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Picks, Text, plain, words
from .assess import VERDICTS
from .base import RoomModal, form_end
from .room.intake_text import ruling_detail, ruling_title
from .room.view import RoomView


class ScrollingModal(RoomModal):
    """A room dialog that scrolls at 80x24 (a message is brought into view, as in
    every form)."""


class RulingScreen(ScrollingModal):
    """The chair's proposal: ``beoordeling`` (in the analyse) or ``samenstelling``
    (after a positive beoordeling)."""

    BINDINGS = [Binding("ctrl+s", "submit", "ruling.submit")]

    def __init__(self, room: dict[str, Any], stage: str) -> None:
        super().__init__(room)
        self.stage = stage
        self.candidates: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        view = RoomView.of(self.room, self.capp.api)
        me = view.me
        self.candidates = [m for m in self.capp.api.roster.get("members", []) if m["node"] != me]
        case = self.room.get("case", "")
        with VerticalScroll(classes="dialog wide"):
            yield Static(t(f"ruling.title_{self.stage}", case=case), classes="title")
            if self.stage == "beoordeling":
                yield Label(t("ruling.outcome"))
                yield words("verdict", VERDICTS, id="outcome")
            else:
                yield from self.compose_samenstelling()
            yield Label(t("ruling.reasoning"))
            yield Text(id="reasoning")
            orgs = fmt.names([view.org(o) for o in view.intake_orgs()])
            yield Static(t("ruling.note", orgs=orgs), classes="note")
            yield from form_end(t("ruling.submit"))

    def compose_samenstelling(self) -> ComposeResult:
        seated = {
            m["node"]
            for m in [*self.room.get("members", []), *self.room.get("invited", [])]
            if m.get("role") == "deelnemer"
        }
        # deelnemers only of the organisations the basis lists; derden from the others
        orgs = set(RoomView.of(self.room, self.capp.api).basis.get("deelnemers") or [])
        yield Label(t("ruling.deelnemers"))
        yield Picks(
            *(
                Selection(self.label(m), m["node"], m["node"] in seated)
                for m in self.candidates
                if not orgs or m.get("org") in orgs
            ),
            id="deelnemers",
        )
        yield Label(t("ruling.derden"))
        yield Picks(
            *(
                Selection(self.label(m), m["node"])
                for m in self.candidates
                if m.get("org") not in orgs
            ),
            id="derden",
        )
        for i, m in enumerate(self.candidates):
            node = self.capp.api.node_name(m["node"])
            yield Label(t("ruling.reason", node=node), id=f"reason-label-{i}", classes="reason")
            yield Field(id=f"reason-{i}", classes="reason")

    @staticmethod
    def label(member: dict[str, Any]) -> Any:
        return plain(f"{member['node']}: {member.get('name', '')}")

    def on_mount(self) -> None:
        self.derden_changed()

    @on(SelectionList.SelectedChanged, "#derden")
    def derden_changed(self) -> None:
        """A reason field for each derde ticked, and only for those."""
        if self.stage != "samenstelling":
            return
        ticked = set(self.query_one("#derden", SelectionList).selected)
        for i, m in enumerate(self.candidates):
            shown = m["node"] in ticked
            self.query_one(f"#reason-label-{i}", Label).display = shown
            self.query_one(f"#reason-{i}", Field).display = shown

    def body(self) -> dict[str, Any] | str:
        """What to post, or what is missing."""
        reasoning = self.query_one("#reasoning", Text).text.strip()
        if self.stage == "beoordeling":
            body: dict[str, Any] = {
                "stage": "beoordeling",
                "outcome": self.query_one("#outcome", Select).value,
            }
        else:
            ticked = set(self.query_one("#derden", SelectionList).selected)
            derden: dict[str, str] = {}
            for i, m in enumerate(self.candidates):
                if m["node"] not in ticked:
                    continue
                reason = self.query_one(f"#reason-{i}", Field).value.strip()
                if not reason:
                    return t("ruling.no_reason", node=self.capp.api.node_name(m["node"]))
                derden[m["node"]] = reason
            deelnemers = list(self.query_one("#deelnemers", SelectionList).selected)
            body = {"stage": "samenstelling", "deelnemers": deelnemers, "derden": derden}
        if not reasoning:
            return t("ruling.no_reasoning")
        return dict(body, reasoning=reasoning)

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        body = self.body()
        if isinstance(body, str):
            self.message(body)
            return
        await self.send(f"/v1/rooms/{self.room['room']}/ruling", body, t("ruling.done"))


class EndorseScreen(ScrollingModal):
    """The pending ruling in full (reasoning, the reason for each derde, who signed),
    then the question: sign it on behalf of this organisation?"""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(t("endorse.title", case=self.room.get("case", "")), classes="title")
            yield Static("", id="ruling-body")
            yield Static(t("endorse.ask", org=self.view.org(self.view.my_org)), classes="warning")
            yield from form_end(t("endorse.submit"))

    @property
    def view(self) -> RoomView:
        return RoomView.of(self.room, self.capp.api)

    @property
    def ruling(self) -> dict[str, Any]:
        return dict(self.room.get("ruling") or {})

    def on_mount(self) -> None:
        summary = {"deciding": self.ruling.get("required", []), "pending": self.ruling.get("seq")}
        self.show(self.ruling, summary)  # the room's summary, until the node answers
        self.query_one("#submit", Button).focus()  # Enter signs, after reading
        self.load()

    def show(self, ruling: dict[str, Any], intake: dict[str, Any]) -> None:
        view = self.view
        lines = [ruling_title(view, ruling), *ruling_detail(view, ruling, intake)]
        self.query_one("#ruling-body", Static).update(plain("\n".join(lines)))

    @work(exit_on_error=False, exclusive=True, group="load")
    async def load(self) -> None:
        try:
            intake = await self.capp.get(f"/v1/rooms/{self.room['room']}/intake")
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        found = [r for r in intake.get("rulings", []) if r.get("seq") == self.ruling.get("seq")]
        if found:
            self.show(found[0], intake)

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        await self.send(
            f"/v1/rooms/{self.room['room']}/endorse",
            {"ruling": self.ruling.get("seq")},
            t("endorse.done"),
        )
