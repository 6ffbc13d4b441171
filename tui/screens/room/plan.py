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

TITLE_MIN = 26  # below this the table draws two lines a measure (80 columns)
DATE_WIDTH = 10


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
        return (doc.get("plan"), doc.get("plan_view"), self.app.size.width)

    def on_resize(self) -> None:
        """Draw again for the new width (the screen draws a tab whose sources moved)."""
        render = getattr(self.screen, "render_room", None)
        if callable(render) and getattr(self.screen, "doc", None):
            render()

    def draw(self, room: RoomView) -> None:
        items = measures(room.doc)
        grid = self.query_one("#plan-table", DataTable)
        columns, rows = plan_rows(items, room, self.app.size.width)
        if [(str(c.label), c.width) for c in grid.columns.values()] != columns:
            grid.clear(columns=True)
            for (label, width), key in zip(columns, COLUMN_KEYS, strict=False):
                grid.add_column(label, width=width, key=key)
        refill(grid, rows)
        self.query_one("#plan-note", Static).update("" if rows else t("plan.empty"))


COLUMN_KEYS = ("title", "status", "due", "owner", "kind", "authority")


def plan_rows(
    items: list[dict[str, Any]], room: RoomView, total: int
) -> tuple[list[tuple[str, int]], list[Row]]:
    """The plan table's columns (title, width) and rows for a screen ``total`` wide:
    a line a measure where every column fits beside a title of ``TITLE_MIN``, else two
    lines a measure (the title wrapped at words, the status over its date's warning,
    the uitvoerder over the kind, the authority wrapped), so no column is hidden."""
    wide = [wide_cells(m, room) for m in items]
    heads = [t(f"plan.col.{k}") for k in ("title", "status", "due", "owner", "kind", "authority")]
    widths = [max([len(h), *(len(c[i]) for c in wide)]) for i, h in enumerate(heads)]
    title = fmt.room_for(total, *widths[1:], minimum=0)
    if title >= min(TITLE_MIN, widths[0]):
        width = min(widths[0], title)
        columns = [(heads[0], width), *zip(heads[1:], widths[1:], strict=True)]
        rows = [
            (str(m["item"]), [fmt.fit(c[0], width, 1), *c[1:]], 1)
            for m, c in zip(items, wide, strict=True)
        ]
        return columns, rows
    narrow = [narrow_cells(m, room) for m in items]
    heads = [heads[0], heads[1], heads[2], t("plan.col.owner_kind"), heads[5]]
    widths = [
        max([len(h.split("\n")[0]), *(len(line) for c in narrow for line in c[i].split("\n"))])
        for i, h in enumerate(heads)
    ]
    widths[4] = min(widths[4], 13)
    width = fmt.room_for(total, *widths[1:], minimum=12)
    columns = [(heads[0], width), *zip(heads[1:], widths[1:], strict=True)]
    rows = [
        (str(m["item"]), [fmt.fit(c[0], width), *c[1:4], fmt.fit(c[4], widths[4])], 2)
        for m, c in zip(items, narrow, strict=True)
    ]
    return columns, rows


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


def wide_cells(m: dict[str, Any], room: RoomView) -> list[str]:
    """A measure on one line: title, status, date, uitvoerder, kind, authority."""
    authority = m.get("authority")
    return [
        str(m.get("title") if m.get("title") is not None else "?"),
        status_text(m),
        fmt.day(m.get("due")),
        room.node(str(m["uitvoerder"])) if m.get("uitvoerder") else "?",
        fmt.word("measure", m.get("kind")) if m.get("kind") else "?",
        fmt.word("authority", authority) if authority else "",
    ]


def narrow_cells(m: dict[str, Any], room: RoomView) -> list[str]:
    """A measure on two lines: the status over *te laat*/*binnenkort*, the uitvoerder
    (abbreviated) over the kind."""
    status = m.get("status")
    words = fmt.word("measure_status", status) if status else "–"
    warning = t("plan.late") if m.get("overdue") else t("plan.soon") if m.get("due_soon") else ""
    owner = fmt.short_node(room.api, str(m["uitvoerder"])) if m.get("uitvoerder") else "?"
    wide = wide_cells(m, room)
    return [wide[0], f"{words}\n{warning}".rstrip(), wide[2], f"{owner}\n{wide[4]}", wide[5]]


def clip(value: Any, width: int) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
