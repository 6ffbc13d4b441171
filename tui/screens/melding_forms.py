"""The forms of the register of meldingen: record a melding, follow it up (or correct
its summary), and the melder's identity (opened for a reason, or removed).

The forms help; the node decides (the role, every field) and a refusal is shown in
the form.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Text, choice, plain
from .base import Form, Modal, form_end
from .dialogs import ConfirmScreen

Vocabulary = dict[str, Any]
"""What the register takes, as the node lists it (``GET /v1/meldingen``): ``sources``,
``follow_ups`` and ``purposes``."""


def follow_up_choice(vocab: Vocabulary, value: str) -> Any:
    return choice(
        [(fmt.word("follow_up", f), f) for f in vocab.get("follow_ups", [])],
        value=value,
        allow_blank=False,
        id="follow_up",
    )


def follow_up_fields(form: Form, body: dict[str, Any]) -> bool:
    """Put the chosen follow-up and its case in ``body``; ``False`` (with the reason in
    the form) when an aanmelding lacks its case reference."""
    follow_up = str(form.query_one("#follow_up", Select).value)
    case = form.query_one("#case", Field).value.strip().upper()
    body["follow_up"] = follow_up
    if follow_up == "aanmelding":
        if not case:
            form.message(t("melding.no_case"))
            return False
        body["case"] = case
    return True


class NewMeldingScreen(Form):
    """Record an incoming signal."""

    BINDINGS = [Binding("ctrl+s", "submit", "melding.submit")]

    def __init__(self, vocab: Vocabulary) -> None:
        super().__init__()
        self.vocab = vocab

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(t("melding.add_title"), classes="title")
            yield Label(t("melding.received"))
            yield Field(id="received", placeholder=t("melding.today"))
            yield Label(t("melding.source"))
            yield choice(
                [(fmt.word("source", s), s) for s in self.vocab.get("sources", [])],
                id="source",
                prompt=t("melding.source"),
            )
            yield Label(t("melding.summary"))
            yield Text(id="summary")
            yield Label(t("melding.melder_field"))
            yield Field(id="melder")
            yield Label(t("melding.follow_up_field"))
            yield follow_up_choice(self.vocab, "volgen")
            yield Label(t("melding.case_field"))
            yield Field(id="case")
            yield from form_end(t("melding.submit"))

    def on_mount(self) -> None:
        self.query_one("#received", Field).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        when = self.query_one("#received", Field).value.strip()
        try:
            received = fmt.parse_when(when) if when else None
        except ValueError:
            self.message(t("melding.bad_date"))
            return
        source = self.query_one("#source", Select).value
        summary = self.query_one("#summary", Text).text.strip()
        if not isinstance(source, str):
            self.message(t("melding.no_source"))
            return
        if not summary:
            self.message(t("melding.no_summary"))
            return
        body: dict[str, Any] = {"source": source, "summary": summary}
        if received is not None:  # else the node's now
            body["received"] = received
        melder = self.query_one("#melder", Field).value.strip()
        if melder:
            body["melder"] = melder
        if follow_up_fields(self, body):
            self.message(t("app.working"), error=False)
            self.record(body)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def record(self, body: dict[str, Any]) -> None:
        try:
            doc = await self.capp.post("/v1/meldingen", body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        self.notify(markup=False, message=t("melding.recorded", id=doc.get("melding", "?")))
        self.dismiss(True)


class FollowUpScreen(Modal):
    """Follow a melding up: its follow-up and case, or a correction of its summary."""

    BINDINGS = [Binding("ctrl+s", "submit", "melding.save")]

    def __init__(self, doc: dict[str, Any], vocab: Vocabulary) -> None:
        super().__init__()
        self.doc, self.vocab = doc, vocab

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("melding.update_title", id=self.doc.get("id", "")), classes="title")
            yield Label(t("melding.follow_up_field"))
            yield follow_up_choice(self.vocab, str(self.doc.get("follow_up", "volgen")))
            yield Label(t("melding.case_field"))
            yield Field(str(self.doc.get("case_ref") or ""), id="case")
            yield Label(t("melding.summary"))
            yield Text(str(self.doc.get("summary", "")), id="summary")
            yield from form_end(t("melding.save"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        body: dict[str, Any] = {}
        if not follow_up_fields(self, body):
            return
        if (body["follow_up"], body.get("case")) == (
            self.doc.get("follow_up"),
            self.doc.get("case_ref") or None,
        ):
            body = {}  # unchanged: not a change in the history
        summary = self.query_one("#summary", Text).text.strip()
        if not summary:
            self.message(t("melding.no_summary"))
            return
        if summary != str(self.doc.get("summary", "")).strip():
            body["summary"] = summary
        if not body:
            self.dismiss(False)
            return
        await self.send(
            f"/v1/meldingen/{self.doc['id']}", body, t("melding.updated", id=self.doc["id"])
        )


class MelderScreen(Modal):
    """The melder's identity: opened for a reason (audited), or removed."""

    def __init__(self, doc: dict[str, Any], vocab: Vocabulary) -> None:
        super().__init__()
        self.doc, self.vocab = doc, vocab

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("melder.title", id=self.doc.get("id", "")), classes="title")
            yield Static(t("melder.explain"), classes="note")
            yield Label(t("melder.purpose"))
            yield choice(
                [(fmt.word("melder.purpose", p), p) for p in self.vocab.get("purposes", [])],
                id="purpose",
                prompt=t("melder.purpose"),
            )
            yield Static("", id="melder-text", classes="warning")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t("melder.open"), id="open", variant="primary")
                yield Button(t("melder.remove"), id="remove", variant="error")
                yield Button(t("app.back"), id="cancel")

    @on(Button.Pressed, "#open")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def open_melder(self) -> None:
        purpose = self.query_one("#purpose", Select).value
        if not isinstance(purpose, str):
            self.message(t("melder.no_purpose"))
            return
        try:
            doc = await self.capp.post(
                f"/v1/meldingen/{self.doc['id']}/melder", {"purpose": purpose}
            )
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        melder = doc.get("melder")
        self.query_one("#melder-text", Static).update(plain(melder or t("melder.none")))
        self.message("")

    @on(Button.Pressed, "#remove")
    def ask_remove(self) -> None:
        self.app.push_screen(ConfirmScreen(t("melder.remove_confirm")), self.confirmed)

    def confirmed(self, sure: Any) -> None:
        if sure:
            self.remove_melder()

    @work(exit_on_error=False, exclusive=True, group="action")
    async def remove_melder(self) -> None:
        path = f"/v1/meldingen/{self.doc['id']}"
        await self.send(path, {"melder": None}, t("melder.removed"))
