"""The room's fifth tab: the plan van aanpak."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, Row, refill
from .view import RoomView


class PlanTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.plan"), id="plan")

    def compose(self) -> ComposeResult:
        yield table(
            "plan-table",
            ("plan.col.title", "title"),
            ("plan.col.kind", "kind"),
            ("plan.col.owner", "owner"),
            ("plan.col.due", "due"),
        )
        yield Static("", id="plan-note")

    def sources(self, doc: dict[str, Any]) -> Any:
        return doc.get("plan")

    def draw(self, room: RoomView) -> None:
        rows = [item_row(p) for p in room.doc.get("plan", [])]
        refill(self.query_one("#plan-table", DataTable), rows)
        self.query_one("#plan-note", Static).update("" if rows else t("plan.empty"))


def item_row(p: dict[str, Any]) -> Row:
    cells = [
        p.get("title", ""),
        fmt.word("measure", p.get("measure") or p.get("kind", "")),
        p.get("owner") or "",
        fmt.day(p.get("due")),
    ]
    return (p["item"], cells, 1)
