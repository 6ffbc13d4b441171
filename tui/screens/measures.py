"""The measures of the integraal plan van aanpak: propose one, and its detail with the
whole history, from which the chair adopts, adjusts or withdraws it and the uitvoerder
updates its status (``docs/api.md``, the plan)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from .. import fmt
from ..api import Api
from ..i18n import t
from ..widgets import Field, Text, choice, plain, words
from .base import RoomModal, form_end
from .room.plan import status_text

KINDS = ("strafrechtelijk", "bestuurlijk", "zorg")
AUTHORITIES = ("minister_jenv", "nctv", "burgemeester", "om")
STATUSES = ("gepland", "lopend", "uitgevoerd", "gestopt")  # what the uitvoerder sets
FIELDS = ("title", "kind", "uitvoerder", "authority", "risk", "due")


def path(room: dict[str, Any], item: str, action: str) -> str:
    return f"/v1/rooms/{room['room']}/measures/{item}/{action}"


# -- the fields of a measure, in the propose and the adjust form ------------------------


def measure_fields(
    room: dict[str, Any], api: Api, m: dict[str, Any] | None = None
) -> ComposeResult:
    """Title, kind, uitvoerder (from the deelnemers at the table), competent authority
    (optional), risk and date; filled in from ``m`` when adjusting."""
    m = m or {}
    members = [  # the uitvoerder is a deelnemer at the table (the node refuses a derde)
        str(x["node"]) for x in room.get("members", [])
        if x.get("node") and x.get("role", "deelnemer") == "deelnemer"
    ]  # fmt: skip
    uitvoerder = m.get("uitvoerder") if m.get("uitvoerder") in members else None
    due = fmt.day(m.get("due")) if m.get("due") else ""
    widgets = (
        ("measure.title", Field(value=str(m.get("title") or ""), id="title")),
        ("measure.kind", words("measure", KINDS, id="kind")),
        (
            "measure.uitvoerder",
            choice(
                [(api.node_name(n), n) for n in members],
                value=uitvoerder or (members[0] if members else Select.NULL),
                allow_blank=not members,
                id="uitvoerder",
            ),
        ),
        (
            "measure.authority",
            choice(
                [(t(f"authority.{a}"), a) for a in AUTHORITIES],
                prompt=t("authority.none"),
                value=m.get("authority") if m.get("authority") in AUTHORITIES else Select.NULL,
                id="authority",
            ),
        ),
        ("measure.risk", Field(value=str(m.get("risk") or ""), id="risk")),
        ("measure.due", Field(value=due, placeholder=t("form.example", example="2027-01-15"),
                              id="due")),  # fmt: skip
    )
    for label, widget in widgets:
        with Horizontal(classes="row field-row"):
            yield Label(t(label), classes="field-label")
            yield widget


def read_fields(form: RoomModal) -> dict[str, Any] | None:
    """The measure as filled in, or None with the form told what is missing."""
    title = form.query_one("#title", Field).value.strip()
    risk = form.query_one("#risk", Field).value.strip()
    if not title:
        form.message(t("measure.no_title"))
        return None
    if not risk:
        form.message(t("measure.no_risk"))
        return None
    if not form.query_one("#due", Field).value.strip():
        form.message(t("measure.no_due"))
        return None
    try:
        due = fmt.parse_when(form.query_one("#due", Field).value)
    except ValueError:
        form.message(t("plan.bad_due"))
        return None
    authority = form.query_one("#authority", Select).value
    uitvoerder = form.query_one("#uitvoerder", Select).value
    return {
        "title": title,
        "kind": form.query_one("#kind", Select).value,
        "uitvoerder": None if uitvoerder is Select.NULL else uitvoerder,
        "authority": None if authority is Select.NULL else authority,
        "risk": risk,
        "due": due,
    }


class ProposeMeasureScreen(RoomModal):
    """Any member proposes a measure; the chair adopts it for the table."""

    BINDINGS = [Binding("ctrl+s", "submit", "room.propose")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(t("measure.propose_title"), classes="title")
            yield from measure_fields(self.room, self.capp.api)
            yield from form_end(t("room.propose"))

    def on_mount(self) -> None:
        self.query_one("#title", Field).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        body = read_fields(self)
        if body is None:
            return
        if body["authority"] is None:
            del body["authority"]
        self.post(f"/v1/rooms/{self.room['room']}/measures", body, t("measure.proposed"))

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post(self, where: str, body: dict[str, Any], done: str) -> None:
        await self.send(where, body, done)


class AdjustMeasureScreen(ProposeMeasureScreen):
    """The chair changes a measure's fields, with the reason; only what changed is sent."""

    BINDINGS = [Binding("ctrl+s", "submit", "measure.adjust")]

    def __init__(self, room: dict[str, Any], measure: dict[str, Any]) -> None:
        super().__init__(room)
        self.measure = measure

    def compose(self) -> ComposeResult:
        title = str(self.measure.get("title") or "?")
        with VerticalScroll(classes="dialog"):
            yield Static(plain(t("measure.adjust_title", title=title)), classes="title")
            yield from measure_fields(self.room, self.capp.api, self.measure)
            with Horizontal(classes="row field-row"):
                yield Label(t("measure.reason"), classes="field-label")
                yield Field(id="reason")
            yield from form_end(t("measure.adjust"))

    def on_mount(self) -> None:
        if self.measure.get("kind") in KINDS:
            self.query_one("#kind", Select).value = self.measure["kind"]
        self.query_one("#title", Field).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        fields = read_fields(self)
        if fields is None:
            return
        changed = {k: v for k, v in fields.items() if v != self.measure.get(k)}
        if "due" in changed and fmt.day(changed["due"]) == fmt.day(self.measure.get("due")):
            del changed["due"]  # the same day as shown: the time of day is not the user's
        reason = self.query_one("#reason", Field).value.strip()
        if not changed:
            self.message(t("measure.no_change"))
            return
        if not reason:
            self.message(t("measure.no_reason"))
            return
        item = str(self.measure["item"])
        self.post(path(self.room, item, "adjust"), {**changed, "reason": reason},
                  t("measure.adjusted"))  # fmt: skip


class MeasureModal(RoomModal):
    """A dialog on one measure of the room's plan."""

    def __init__(self, room: dict[str, Any], measure: dict[str, Any]) -> None:
        super().__init__(room)
        self.measure = measure

    def heading(self, key: str) -> Static:
        return Static(plain(t(key, title=self.measure.get("title") or "?")), classes="title")

    async def act(self, action: str, body: dict[str, Any], done: str) -> None:
        """Post ``.../measures/{item}/{action}``; close on success, else say why."""
        await self.send(path(self.room, str(self.measure["item"]), action), body, done)


class StatusScreen(MeasureModal):
    """The uitvoerder sets the status (gepland, lopend, uitgevoerd, gestopt)."""

    BINDINGS = [Binding("ctrl+s", "submit", "measure.update")]

    def compose(self) -> ComposeResult:
        status = self.measure.get("status")
        with VerticalScroll(classes="dialog"):
            yield self.heading("measure.status_title")
            yield Label(t("measure.status"))
            yield choice(
                [(t(f"measure_status.{s}"), s) for s in STATUSES],
                value=status if status in STATUSES else STATUSES[0],
                allow_blank=False,
                id="status",
            )
            yield Label(t("measure.note"))
            yield Text(id="note")
            yield from form_end(t("measure.update"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        body: dict[str, Any] = {"status": self.query_one("#status", Select).value}
        note = self.query_one("#note", Text).text.strip()
        if note:
            body["note"] = note
        await self.act("status", body, t("measure.updated"))


class WithdrawScreen(MeasureModal):
    """The chair (or the proposer before adoption) withdraws a measure, with the reason."""

    BINDINGS = [Binding("ctrl+s", "submit", "measure.withdraw")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield self.heading("measure.withdraw_title")
            yield Label(t("measure.reason"))
            yield Text(id="reason")
            yield from form_end(t("measure.withdraw"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        reason = self.query_one("#reason", Text).text.strip()
        if not reason:
            self.message(t("measure.no_reason"))
            return
        await self.act("withdraw", {"reason": reason}, t("measure.withdrawn"))


# -- the detail -------------------------------------------------------------------------


class MeasureScreen(MeasureModal):
    """A measure in full with its history; the buttons (and keys) for what this node
    may do with it: v vaststellen, p aanpassen (chair), u status (uitvoerder),
    i intrekken."""

    BINDINGS = [
        Binding("v", "adopt", "measure.adopt", show=False),
        Binding("p", "adjust", "measure.adjust", show=False),
        Binding("u", "update", "measure.update", show=False),
        Binding("i", "withdraw", "measure.withdraw", show=False),
    ]

    @property
    def me(self) -> str:
        return str(self.capp.api.me.get("node", ""))

    def compose(self) -> ComposeResult:
        m = self.measure
        with VerticalScroll(classes="dialog wide"):
            yield self.heading("measure.detail_title")
            yield Static(plain("\n".join(detail_lines(m, self.capp.api))), id="measure-body")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                if self.may("adopt"):
                    yield Button(t("measure.adopt"), id="adopt", variant="primary")
                if self.may("adjust"):
                    yield Button(t("measure.adjust"), id="adjust")
                if self.may("update"):
                    yield Button(t("measure.update"), id="update", variant="primary")
                if self.may("withdraw"):
                    yield Button(t("measure.withdraw"), id="withdraw", variant="error")
                yield Button(t("measure.close"), id="cancel")

    def may(self, action: str) -> bool:
        """What this node may do with the measure now (the node decides in the end)."""
        m = self.measure
        live = m.get("status") != "ingetrokken" and self.room.get("phase") == "open"
        chair = self.room.get("chair") == self.me
        if action == "adopt":
            return live and chair and not m.get("adopted")
        if action == "adjust":
            return live and chair
        if action == "update":
            return live and bool(m.get("adopted")) and m.get("uitvoerder") == self.me
        return live and (chair or (m.get("proposed_by") == self.me and not m.get("adopted")))

    def refuse(self, action: str) -> bool:
        """Tell why an action's key does nothing here; True when it may go on."""
        if self.may(action):
            return True
        m = self.measure
        if m.get("status") == "ingetrokken":
            self.message(t("measure.ended"))
        elif self.room.get("phase") != "open":
            self.message(t("room.not_open"))
        elif action == "update":
            who = self.capp.api.node_name(str(m.get("uitvoerder") or "?"))
            self.message(t("measure.not_uitvoerder", uitvoerder=who))
        elif action == "withdraw":
            self.message(t("measure.not_withdrawable"))
        elif action == "adopt" and m.get("adopted"):
            self.message(t("measure.already_adopted"))
        else:
            chair = self.capp.api.node_name(str(self.room.get("chair") or "?"))
            self.message(t("room.not_chair", chair=chair))
        return False

    @on(Button.Pressed, "#adopt")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_adopt(self) -> None:
        if self.refuse("adopt"):
            await self.act("adopt", {}, t("measure.adopted"))

    @on(Button.Pressed, "#adjust")
    def action_adjust(self) -> None:
        if self.refuse("adjust"):
            self.app.push_screen(AdjustMeasureScreen(self.room, self.measure), self.done)

    @on(Button.Pressed, "#update")
    def action_update(self) -> None:
        if self.refuse("update"):
            self.app.push_screen(StatusScreen(self.room, self.measure), self.done)

    @on(Button.Pressed, "#withdraw")
    def action_withdraw(self) -> None:
        if self.refuse("withdraw"):
            self.app.push_screen(WithdrawScreen(self.room, self.measure), self.done)

    def done(self, result: Any) -> None:
        """A form over the detail closed: after a change, back to the plan, which reloads."""
        if result:
            self.dismiss(True)


def change_value(field: str, value: Any, api: Api) -> str:
    if value is None or value == "":
        return "–"
    if field == "due":
        return fmt.day(value)
    if field == "kind":
        return fmt.word("measure", value)
    if field == "authority":
        return fmt.word("authority", value)
    if field == "uitvoerder":
        return api.node_name(str(value))
    if field == "status":
        return fmt.word("measure_status", value)
    return str(value)


def history_lines(m: dict[str, Any], api: Api) -> list[str]:
    """Who (the organisation) did what when, with each field's old → new."""
    lines: list[str] = []
    for h in sorted(m.get("history") or [], key=lambda h: int(h.get("seq") or 0)):
        action = str(h.get("action", ""))
        if action == "status":
            what = t("history.status", status=fmt.word("measure_status", h.get("status")))
        else:
            what = fmt.word("history", action)
        lines.append(t("history.line", at=fmt.when(h.get("at")),
                       org=api.node_name(str(h.get("by", "?"))), what=what))  # fmt: skip
        for field, change in (h.get("changes") or {}).items():
            pair = list(change) if isinstance(change, list) else [None, change]
            old, new = (pair + [None, None])[:2]
            lines.append(t("history.change", field=fmt.word("field", field),
                           old=change_value(field, old, api),
                           new=change_value(field, new, api)))  # fmt: skip
        if h.get("note"):
            lines.append(t("history.note", note=h["note"]))
    return lines


def detail_lines(m: dict[str, Any], api: Api) -> list[str]:
    adopted = t("measure.adopted_yes") if m.get("adopted") else t("plan.not_adopted")
    lines = [
        t(
            "measure.meta",
            kind=change_value("kind", m.get("kind"), api),
            uitvoerder=change_value("uitvoerder", m.get("uitvoerder"), api),
            authority=change_value("authority", m.get("authority"), api),
            risk=m.get("risk") if m.get("risk") is not None else "?",
            due=fmt.day(m.get("due")),
            status=status_text(m),
        ),
    ]
    if m.get("proposed_by"):
        lines.append(t("measure.proposed_by", org=api.node_name(str(m["proposed_by"])),
                       adopted=adopted))  # fmt: skip
    history = history_lines(m, api)
    lines += ["", t("measure.history"), *(history or [t("measure.no_history")])]
    return lines
