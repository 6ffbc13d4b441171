"""The audit log: this node's entries for a room (or the staff member's own)."""

from __future__ import annotations

import re
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from .. import fmt
from ..api import Api, ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import CATALOGUE, language, t
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
            self.query_one("#audit-note", Static).update(plain(describe(exc, self.capp.api)))
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
            seen = [*row[2:], str(e.get("action", ""))]  # the action's id matches too
            if needle and not any(needle in c.lower() for c in seen):
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
            note.update(plain(broken(exc, self.capp.api)))
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
        action_text(str(e.get("action", ""))),
        str(e.get("case_ref") or ""),
    ]


def action_text(action: str) -> str:
    """An audit action (an English id in the log) in the user's words."""
    key = f"audit.action.{action}"
    return t(key) if key in CATALOGUE else t("audit.other", action=action)


def broken(exc: ApiError, api: Api) -> str:
    """The verification's refusal: where the chain breaks, and why, in the user's words."""
    if exc.remote_code != "node.audit":
        return t("audit.broken", detail=fmt.describe(exc, api))
    text = fmt.error_text(exc.remote_code, exc.message)
    if language() == "en" and exc.detail:
        text += f" ({exc.detail})"
    text += f" [{exc.remote_code}]"
    entry = re.search(r"\d+", exc.detail or "")  # "entry 17 was changed" and the like
    if entry:
        return t("audit.broken_at", seq=entry.group(), detail=text)
    return t("audit.broken", detail=text)
