"""The audit log: this node's entries for a room (or the staff member's own)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, plain, table
from .base import Base


class AuditScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("slash", "filter", "audit.filter"),
        Binding("v", "verify", "audit.verify"),
    ]

    def __init__(self, room: str | None, case: str) -> None:
        super().__init__()
        self.room = room
        self.case = case
        self.entries: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        scope = self.case or t("audit.scope_me")
        yield Static(t("audit.title", scope=scope), classes="title")
        yield Field(placeholder=t("audit.filter"), id="filter")
        yield table(
            "audit",
            ("audit.col.seq", "seq"),
            ("audit.col.at", "at"),
            ("audit.col.actor", "actor"),
            ("audit.col.action", "action"),
            ("audit.col.case", "case"),
        )
        yield Static("", id="audit-note")

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).focus()
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        path = "/v1/audit?limit=5000" + (f"&room={self.room}" if self.room else "")
        try:
            doc = await self.capp.get(path)
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#audit-note", Static).update(plain(describe(exc)))
            return
        self.entries = doc.get("entries", [])
        self.show()

    def show(self) -> None:
        needle = self.query_one("#filter", Field).value.strip().lower()
        grid = self.query_one("#audit", DataTable)
        grid.clear()
        shown = 0
        for e in self.entries:
            row = cells(e)
            if needle and not any(needle in c.lower() for c in row[2:]):
                continue
            grid.add_row(*map(plain, row), key=str(e.get("seq")))
            shown += 1
        self.query_one("#audit-note", Static).update(
            t("audit.count", shown=shown, total=len(self.entries))
        )

    @on(Field.Changed, "#filter")
    def filter_changed(self) -> None:
        self.show()

    def action_filter(self) -> None:
        self.query_one("#filter", Field).focus()

    @work(exit_on_error=False, exclusive=True, group="verify")
    async def action_verify(self) -> None:
        note = self.query_one("#audit-note", Static)
        note.update(t("app.working"))
        try:
            doc = await self.capp.get("/v1/audit/verify")
        except ApiError as exc:
            note.update(plain(t("audit.broken", detail=exc.detail or exc.message)))
            return
        except NodeUnreachable:
            note.update(t("app.offline"))
            return
        note.update(t("audit.ok", n=doc.get("entries", 0)))


def cells(e: dict[str, Any]) -> list[str]:
    """One entry's row: seq, time, actor, action, case (the filter reads the last three)."""
    return [
        str(e.get("seq", "")),
        fmt.when(e.get("at")),
        str(e.get("actor", "")),
        str(e.get("action", "")),
        str(e.get("case_ref") or ""),
    ]
