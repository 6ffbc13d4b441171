"""The room's sixth tab: the revocation matrix, every own share's deletion by partner."""

from __future__ import annotations

from typing import Any, NamedTuple

from textual.app import ComposeResult
from textual.widgets import DataTable, ProgressBar, Static

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, refill
from .view import RoomView


class Matrix(NamedTuple):
    columns: list[str]  # the partners
    rows: list[tuple[str, list[str]]]  # key, cells
    done: int  # confirmations in
    total: int  # confirmations expected
    outstanding: list[str]  # the partners still to confirm


class RevocationTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.revocation"), id="revocation")

    def compose(self) -> ComposeResult:
        yield Static("", id="matrix-text")
        yield ProgressBar(id="matrix-progress", show_eta=False)
        yield table("matrix-table", ("matrix.col.share", "share"))
        yield Static("", id="matrix-outstanding")
        yield Static(t("matrix.legend"), classes="note")

    def sources(self, doc: dict[str, Any]) -> Any:
        return (
            doc.get("phase"),
            doc.get("shares"),
            doc.get("closed_receipts"),
            doc.get("members"),
            doc.get("former_members"),
        )

    def draw(self, room: RoomView) -> None:
        m = matrix(room)
        closed = room.doc.get("phase") == "closed"
        grid = self.query_one("#matrix-table", DataTable)
        keys = [str(c.key.value) for c in grid.columns.values()]
        if keys != ["share", *m.columns]:
            grid.clear(columns=True)
            grid.add_column(t("matrix.col.share"), key="share")
            for node in m.columns:
                grid.add_column(node, key=node)
        refill(grid, [(k, c, 1) for k, c in m.rows])
        bar = self.query_one("#matrix-progress", ProgressBar)
        bar.update(total=max(m.total, 1), progress=m.done if m.total else 0)
        text = self.query_one("#matrix-text", Static)
        out = self.query_one("#matrix-outstanding", Static)
        progress = t("matrix.progress", done=m.done, total=m.total)
        if closed:
            text.update(progress)
            out.update(
                t("matrix.complete")
                if not m.outstanding
                else t("matrix.outstanding", nodes=fmt.names([room.node(n) for n in m.outstanding]))
            )
        else:
            text.update(t("matrix.not_closed") if m.rows else t("matrix.none"))
            out.update(progress if m.total else "")


def matrix(room: RoomView) -> Matrix:
    """A row for each own share (and one for the closure once closed), a column a partner:
    every member now and every former member (removed, or left) that was at the table
    with this node, since each of them confirms the closure too."""
    d = room.doc
    closed = d.get("phase") == "closed"
    own = [s for s in d.get("shares", []) if s.get("own")]
    others = sorted(
        {m["node"] for m in d.get("members", []) if m["node"] != room.me}
        | {m["node"] for m in d.get("former_members", [])}
        | {r for s in own for r in s.get("deliveries", {})}
    )
    receipts = set(d.get("closed_receipts", []))
    rows: list[tuple[str, list[str]]] = []
    done = total = 0
    outstanding: set[str] = set()
    for s in own:
        deliveries = s.get("deliveries", {})
        cells = [fmt.short(s["id"])]
        for node in others:
            state = deliveries.get(node)
            cells.append(fmt.word("matrix", state) if state else "–")
            if state is None:
                continue
            if closed or s.get("revoked_at"):
                total += 1
                if state == "deleted":
                    done += 1
                else:
                    outstanding.add(node)
        rows.append((s["id"], cells))
    if closed:
        cells = [t("matrix.closed_row")]
        for node in others:
            total += 1
            if node in receipts:
                done += 1
                cells.append(t("matrix.closed_yes"))
            else:
                outstanding.add(node)
                cells.append(t("matrix.closed_no"))
        rows.append(("closed", cells))
    return Matrix(others, rows, done, total, sorted(outstanding))
