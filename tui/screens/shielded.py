"""Afgeschermd: the records a closure left sealed at this node (Wet PGA art. 6 lid 3,
7, 9), with their term and legal hold. Staff of the case open one for a purpose and
a reason (audited); the FG records or lifts a legal hold and decides destruction, and
never sees content. The list carries no content.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Label, Select, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, choice, plain, table
from .base import Base, Modal

PURPOSES = ("overdracht", "rechtsvordering", "inzageverzoek", "nieuwe_aanmelding")
FG_ROLE = "fg"


def is_fg(capp: Any) -> bool:
    return FG_ROLE in (capp.api.me.get("roles") or [])


class ShieldedScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("o", "open", "shielded.open"),
        Binding("b", "hold", "shielded.hold"),
        Binding("l", "release", "shielded.release"),
        Binding("v", "destroy", "shielded.destroy"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        yield Static(t("shielded.title"), classes="title")
        yield table(
            "shielded",
            ("shielded.col.case", "case"),
            ("shielded.col.kind", "kind"),
            ("shielded.col.destroy_by", "destroy_by"),
            ("shielded.col.hold", "hold"),
            ("shielded.col.openings", "openings"),
        )
        yield Static("", id="shielded-note")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("hold", "release"):
            return is_fg(self.capp)
        if action == "open":
            return not is_fg(self.capp)
        return True

    def on_mount(self) -> None:
        self.query_one("#shielded", DataTable).focus()
        self.live(("shielded", "rooms"), self.load)

    def on_screen_resume(self) -> None:  # also when first shown
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        note = self.query_one("#shielded-note", Static)
        try:
            doc = await self.capp.get("/v1/shielded")
        except (ApiError, NodeUnreachable) as exc:
            note.update(plain(describe(exc, self.capp.api)))
            return
        self.rows = [r for r in doc.get("records", []) if "record" in r]
        grid = self.query_one("#shielded", DataTable)
        grid.clear()
        for r in self.rows:
            grid.add_row(*map(plain, cells(r)), key=r["record"])
        lines = [t("shielded.count", n=len(self.rows)) if self.rows else t("shielded.empty")]
        lines.append(t("shielded.fg_note" if is_fg(self.capp) else "shielded.note"))
        note.update("\n".join(lines))

    def current(self) -> dict[str, Any] | None:
        grid = self.query_one("#shielded", DataTable)
        if not self.rows or grid.cursor_row < 0:
            return None
        return self.rows[min(grid.cursor_row, len(self.rows) - 1)]

    @on(DataTable.RowSelected, "#shielded")
    def selected(self, event: DataTable.RowSelected) -> None:
        if not is_fg(self.capp):
            self.action_open()

    def action_open(self) -> None:
        self._dialog("open")

    def action_hold(self) -> None:
        self._dialog("hold")

    def action_release(self) -> None:
        self._dialog("release")

    def action_destroy(self) -> None:
        self._dialog("destroy")

    def _dialog(self, action: str) -> None:
        record = self.current()
        if record is not None:
            self.app.push_screen(ShieldedDialog(record, action), self.changed)

    def changed(self, result: Any) -> None:
        if result:
            self.load()


def cells(r: dict[str, Any]) -> tuple[str, ...]:
    return (
        str(r.get("case", "")),
        fmt.word("shielded.kind", r.get("kind", "")),
        fmt.day(r.get("destroy_by")),
        t("shielded.held") if r.get("hold") else "",
        str(r.get("openings", 0)),
    )


class ShieldedDialog(Modal):
    """One action on a record: open it (a purpose and a reason), record or lift a legal
    hold (a reason), or destroy it (a reason)."""

    def __init__(self, record: dict[str, Any], action: str) -> None:
        super().__init__()
        self.record, self.action = record, action

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(
                t(f"shielded.{self.action}_title", case=self.record.get("case", "")),
                classes="title",
            )
            yield Static(t(f"shielded.{self.action}_explain"), classes="note")
            if self.action == "open":
                yield Label(t("shielded.purpose"))
                yield choice(
                    [(t(f"shielded.purpose.{p}"), p) for p in PURPOSES],
                    id="purpose",
                    prompt=t("shielded.purpose"),
                )
            if self.action != "release":
                yield Label(t("shielded.reason"))
                yield Field(id="reason")
            yield Static("", id="shielded-content")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t(f"shielded.{self.action}"), id="submit", variant="primary")
                yield Button(t("app.back"), id="cancel")

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        body: dict[str, Any] = {}
        if self.action == "open":
            purpose = self.query_one("#purpose", Select).value
            if not isinstance(purpose, str):
                self.message(t("shielded.no_purpose"))
                return
            body["purpose"] = purpose
        if self.action != "release":
            body["reason"] = self.query_one("#reason", Field).value.strip()
            if not body["reason"]:
                self.message(t("shielded.no_reason"))
                return
        path = f"/v1/shielded/{self.record['record']}/{self.action}"
        if self.action != "open":
            await self.send(path, body, t(f"shielded.{self.action}_done"))
            return
        try:
            doc = await self.capp.post(path, body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        self.query_one("#shielded-content", Static).update(plain("\n".join(content_lines(doc))))
        self.message(t("shielded.opened"))


def content_lines(doc: dict[str, Any]) -> list[str]:
    """A record's content as read: what was supplied, or the gemeente's record."""
    content = doc.get("content") or {}
    lines: list[str] = []
    for s in content.get("supplied", []):
        summary = (s.get("content") or {}).get("summary", "")
        lines.append(f"{fmt.short(str(s.get('share', '')))} {s.get('basis', '')}: {summary}")
    closing = content.get("closing")
    if isinstance(closing, dict):
        lines.append(
            t("shielded.closing", outcome=fmt.word("outcome", closing.get("outcome")),
              at=fmt.day(closing.get("closed_at")))
        )  # fmt: skip
        if closing.get("note"):
            lines.append(str(closing["note"]))
    plan = content.get("plan")
    if isinstance(plan, dict):
        for item in plan.get("measures", []):
            if isinstance(item, dict):
                lines.append(f"• {item.get('title', '')}")
    if "verstrekkingen" in content:
        lines.append(t("shielded.index", n=len(content["verstrekkingen"])))
    return lines


class ExportPurposeScreen(Modal):
    """After closure the plan is exported from the gemeente's shielded record: for a
    purpose and a reason (an audited opening)."""

    def __init__(self, room: str, case: str) -> None:
        super().__init__()
        self.room, self.case = room, case

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("shielded.export_title", case=self.case), classes="title")
            yield Static(t("shielded.export_explain"), classes="note")
            yield Label(t("shielded.purpose"))
            yield choice(
                [(t(f"shielded.purpose.{p}"), p) for p in PURPOSES],
                id="purpose",
                prompt=t("shielded.purpose"),
            )
            yield Label(t("shielded.reason"))
            yield Field(id="reason")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t("room.export"), id="submit", variant="primary")
                yield Button(t("app.cancel"), id="cancel")

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        purpose = self.query_one("#purpose", Select).value
        reason = self.query_one("#reason", Field).value.strip()
        if not isinstance(purpose, str) or not reason:
            self.message(t("shielded.no_purpose" if not isinstance(purpose, str) else
                           "shielded.no_reason"))  # fmt: skip
            return
        try:
            doc = await self.capp.post(
                f"/v1/rooms/{self.room}/plan/export", {"purpose": purpose, "reason": reason}
            )
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        self.notify(markup=False, message=t("plan.exported", path=doc.get("path", "")))
        self.dismiss(True)
