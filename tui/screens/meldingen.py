"""The register of meldingen (the gemeente's aandachtsfunctionaris): the list, with the
filter on those that never reached an intake, and one melding.

The list carries no content. A melding's summary is read on its own screen, once per
opening (each reading is in the audit log, so the screen does not poll); the
melder's identity only in its dialog, for a stated reason.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from .. import fmt
from ..api import Api, ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import CATALOGUE, t
from ..widgets import plain, table
from .base import Base

REGISTER_ROLE = "aandachtsfunctionaris"
LIST_ROLES = {REGISTER_ROLE, "fg"}


def may_list(api: Api) -> bool:
    return bool(LIST_ROLES & set(api.me.get("roles") or []))


def may_read(api: Api) -> bool:
    return REGISTER_ROLE in (api.me.get("roles") or [])


class MeldingenScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("n", "new", "meldingen.new"),
        Binding("z", "no_intake", "meldingen.no_intake"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.no_intake = False
        self.rows: list[dict[str, Any]] | None = None
        self.vocab: dict[str, Any] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(t("meldingen.title"), id="meldingen-title", classes="title")
        yield table(
            "meldingen",
            ("meldingen.col.id", "id"),
            ("meldingen.col.received", "received"),
            ("meldingen.col.source", "source"),
            ("meldingen.col.follow_up", "follow_up"),
            ("meldingen.col.case", "case"),
            ("meldingen.col.keep", "keep"),
        )
        yield Static("", id="meldingen-note")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new":
            return may_read(self.capp.api)
        return True

    def on_mount(self) -> None:
        self.query_one("#meldingen", DataTable).focus()
        self.load()
        self.live(("meldingen",), self.load)

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        note = self.query_one("#meldingen-note", Static)
        try:
            doc = await self.capp.get(f"/v1/meldingen?no_intake={int(self.no_intake)}")
        except (ApiError, NodeUnreachable) as exc:
            note.update(plain(describe(exc, self.capp.api)))
            return
        self.rows = [r for r in doc.get("meldingen", []) if "id" in r]
        self.vocab = {k: doc.get(k, []) for k in ("sources", "follow_ups", "purposes")}
        self.show(self.rows)

    def show(self, rows: list[dict[str, Any]]) -> None:
        title = "meldingen.title_no_intake" if self.no_intake else "meldingen.title"
        self.query_one("#meldingen-title", Static).update(t(title))
        grid = self.query_one("#meldingen", DataTable)
        grid.clear()
        for r in rows:
            grid.add_row(*map(plain, cells(r)), key=str(r["id"]))
        count = t("meldingen.one" if len(rows) == 1 else "meldingen.count", n=len(rows))
        lines = [count if rows else t("meldingen.empty")]
        if not may_read(self.capp.api):
            lines.append(t("meldingen.fg_note"))
        self.query_one("#meldingen-note", Static).update("\n".join(lines))

    def action_no_intake(self) -> None:
        self.no_intake = not self.no_intake
        self.load()

    def action_new(self) -> None:
        from .melding_forms import NewMeldingScreen

        if self.vocab:
            self.app.push_screen(NewMeldingScreen(self.vocab), self.changed)

    def changed(self, result: Any) -> None:
        if result:
            self.load()

    @on(DataTable.RowSelected, "#meldingen")
    def open_melding(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value and may_read(self.capp.api):
            screen = MeldingScreen(event.row_key.value, self.vocab)
            self.app.push_screen(screen, self.changed)


class MeldingScreen(Base):
    """One melding: what came in, its follow-up, how long it is kept, its history."""

    BINDINGS = [
        Binding("escape", "back", "app.back"),
        Binding("o", "follow_up", "melding.update"),
        Binding("i", "melder", "melding.melder"),
    ]

    def __init__(self, number: str, vocab: dict[str, Any]) -> None:
        super().__init__()
        self.number, self.vocab = number, vocab
        self.doc: dict[str, Any] = {}
        self.dirty = False

    def compose_body(self) -> ComposeResult:
        yield Static(t("melding.title", id=self.number), classes="title")
        with VerticalScroll(id="melding-scroll"):
            yield Static(t("app.working"), id="melding-body", classes="note")

    def on_mount(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        body = self.query_one("#melding-body", Static)
        try:
            self.doc = await self.capp.get(f"/v1/meldingen/{self.number}")
        except (ApiError, NodeUnreachable) as exc:
            body.update(plain(describe(exc, self.capp.api)))
            return
        body.update(plain("\n".join(melding_lines(self.doc))))

    def action_back(self) -> None:
        self.dismiss(self.dirty)

    def action_follow_up(self) -> None:
        from .melding_forms import FollowUpScreen

        if self.doc:
            self.app.push_screen(FollowUpScreen(self.doc, self.vocab), self.changed)

    def action_melder(self) -> None:
        from .melding_forms import MelderScreen

        if self.doc:
            self.app.push_screen(MelderScreen(self.doc, self.vocab), self.changed)

    def changed(self, result: Any) -> None:
        if result:  # read again only after a change: each reading is audited
            self.dirty = True
            self.load()


def cells(r: dict[str, Any]) -> tuple[str, ...]:
    """One melding's row: number, received, source, follow-up, case, kept until."""
    return (
        str(r["id"]),
        fmt.day(r.get("received")),
        fmt.word("source", r.get("source", ""))[:20],
        fmt.word("follow_up", r.get("follow_up", "")),
        str(r.get("case_ref") or ""),
        keep_text(r),
    )


def keep_text(r: dict[str, Any]) -> str:
    return fmt.day(r["keep_until"]) if r.get("keep_until") else t("meldingen.with_case")


def melding_lines(doc: dict[str, Any]) -> list[str]:
    """A melding as read: where from and when, its follow-up and term, the text, the
    history, and the notice that the reading is audited."""
    follow_up = fmt.word("follow_up", doc.get("follow_up", ""))
    lines = [
        t(
            "melding.meta",
            received=fmt.day(doc.get("received")),
            source=fmt.word("source", doc.get("source", "")),
            by=doc.get("recorded_by", ""),
        ),
        t("melding.follow_up", follow_up=follow_up),
    ]
    if doc.get("case_ref"):
        phase = doc.get("phase")
        phase_text = fmt.status_word(phase) if phase else t("meldingen.no_intake_yet")
        lines.append(t("melding.case", case=doc["case_ref"], phase=phase_text))
    if doc.get("keep_until"):
        lines.append(t("melding.keep", date=fmt.day(doc["keep_until"])))
    else:
        lines.append(t("melding.keep_case"))
    lines.append(t("melding.melder_kept" if doc.get("has_melder") else "melding.melder_none"))
    lines += ["", str(doc.get("summary", "")), "", t("melding.history")]
    for h in doc.get("history", []):
        key = f"melding.change.{h.get('change', '')}"
        case = f" {h['case_ref']}" if h.get("case_ref") else ""
        state = fmt.word("follow_up", h.get("follow_up", "")) + case
        text = t(key, follow_up=state) if key in CATALOGUE else str(h.get("change", ""))
        lines.append(f"  {fmt.when(h.get('at'))}  {h.get('actor', '')}: {text}")
    lines += ["", t("melding.audited")]
    return lines
