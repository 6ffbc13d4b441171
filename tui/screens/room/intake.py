"""The room's second tab: the intake's assessments, and consent for third parties."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from ... import fmt
from ...i18n import t
from ...widgets import table
from .tab import RoomTab, Row, refill
from .view import RoomView


class IntakeTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.intake"), id="intake")

    def compose(self) -> ComposeResult:
        yield Static("", id="intake-text")
        yield table("intake-table", ("intake.col.org", "org"), ("intake.col.verdict", "verdict"))
        yield Static("", id="consent-text")

    def sources(self, doc: dict[str, Any]) -> Any:
        return (
            doc.get("phase"),
            doc.get("assessments"),
            doc.get("consents"),
            doc.get("invited"),
            doc.get("members"),
        )

    def draw(self, room: RoomView) -> None:
        orgs = room.intake_orgs()
        text = self.query_one("#intake-text", Static)
        if not orgs:
            text.update(t("intake.no_intake"))
        elif room.doc.get("phase") == "intake":
            text.update(t("intake.open_when", orgs=fmt.names([room.org(o) for o in orgs])))
        else:
            text.update(t("intake.is_open"))
        assessments = room.doc.get("assessments", {})
        rows = [assessed(o, room.org(o), assessments) for o in orgs]
        refill(self.query_one("#intake-table", DataTable), rows)
        lines = consent_lines(room)
        body = t("intake.consents") + ":\n" + "\n".join(lines) if lines else ""
        self.query_one("#consent-text", Static).update(body)


def assessed(org: str, name: str, assessments: dict[str, Any]) -> Row:
    verdict = fmt.word("verdict", assessments[org]) if org in assessments else t("intake.waiting")
    return (org, [name, verdict], 1)


def consent_lines(room: RoomView) -> list[str]:
    """A line for each third party: the consents given, and those needed."""
    d = room.doc
    needed = room.consent_needed()
    consents = d.get("consents", {})
    order = {o: i for i, o in enumerate(needed)}  # those given, in the order of those needed
    lines = []
    for m in [*d.get("invited", []), *d.get("members", [])]:
        if m.get("role") != "derde":
            continue
        given = sorted(consents.get(m["node"], []), key=lambda o: (order.get(o, len(order)), o))
        lines.append(
            t(
                "intake.consent_line",
                subject=room.node(m["node"]),
                role=fmt.word("role", "derde"),
                given=fmt.names([room.org(o) for o in given]) or t("app.none"),
                needed=fmt.names([room.org(o) for o in needed]) or t("app.none"),
            )
        )
    return lines
