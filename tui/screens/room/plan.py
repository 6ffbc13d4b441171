"""The room's fifth tab: the integraal plan van aanpak, a living list of measures.

Each measure with its kind, uitvoerder, the competent authority where that is someone
else, its status and date; overdue ones say *te laat*, those due soon *binnenkort*.
The plan comes from ``GET /v1/rooms/{room}/plan`` (the screen reads it when the room
changed); Enter on a measure opens its detail with the whole history.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, Row, refill
from .view import RoomView

TITLE_WIDTH = 26  # the table's title column at 80 columns; the detail shows it all


class PlanTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.plan"), id="plan")

    def compose(self) -> ComposeResult:
        yield Static(t("plan.hint"), classes="note", id="plan-hint")
        yield table(
            "plan-table",
            ("plan.col.title", "title"),
            ("plan.col.status", "status"),
            ("plan.col.due", "due"),
            ("plan.col.owner", "owner"),
            ("plan.col.kind", "kind"),
            ("plan.col.authority", "authority"),
        )
        yield Static("", id="plan-note")

    def sources(self, doc: dict[str, Any]) -> Any:
        return (doc.get("plan"), doc.get("plan_view"))

    def draw(self, room: RoomView) -> None:
        rows = [measure_row(m, room) for m in measures(room.doc)]
        refill(self.query_one("#plan-table", DataTable), rows)
        self.query_one("#plan-note", Static).update("" if rows else t("plan.empty"))


def measures(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The room's measures in the plan's shape: from ``GET .../plan`` where the node
    gave it, else the room's own list of an earlier release (no status, no history)."""
    view = doc.get("plan_view")
    if isinstance(view, dict):
        return [m for m in view.get("measures") or [] if isinstance(m, dict)]
    return [
        {
            "item": p["item"],
            "title": p.get("title"),
            "kind": p.get("measure") or p.get("kind"),
            "uitvoerder": p.get("owner"),
            "authority": None,
            "due": p.get("due"),
            "status": None,
            "adopted": True,
            "history": [],
        }
        for p in doc.get("plan", [])
        if isinstance(p, dict) and "item" in p
    ]


def status_text(m: dict[str, Any]) -> str:
    """The status in words, with *te laat* or *binnenkort* where the node says so."""
    status = m.get("status")
    words = fmt.word("measure_status", status) if status else "–"
    if m.get("overdue"):
        return f"{words} · {t('plan.late')}"
    if m.get("due_soon"):
        return f"{words} · {t('plan.soon')}"
    return words


def clip(value: Any, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def measure_row(m: dict[str, Any], room: RoomView) -> Row:
    authority = m.get("authority")
    cells = [
        clip(m.get("title") if m.get("title") is not None else "?", TITLE_WIDTH),
        status_text(m),
        fmt.day(m.get("due")),
        room.node(str(m["uitvoerder"])) if m.get("uitvoerder") else "?",
        fmt.word("measure", m.get("kind")) if m.get("kind") else "?",
        fmt.word("authority", authority) if authority else "",
    ]
    return (str(m["item"]), cells, 1)
