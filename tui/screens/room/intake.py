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
            text.update(t("intake.open_when", orgs=", ".join(orgs)))
        else:
            text.update(t("intake.is_open"))
        assessments = room.doc.get("assessments", {})
        refill(self.query_one("#intake-table", DataTable), [assessed(o, assessments) for o in orgs])
        lines = consent_lines(room)
        body = t("intake.consents") + ":\n" + "\n".join(lines) if lines else ""
        self.query_one("#consent-text", Static).update(body)


def assessed(org: str, assessments: dict[str, Any]) -> Row:
    verdict = fmt.word("verdict", assessments[org]) if org in assessments else t("intake.waiting")
    return (org, [org, verdict], 1)


def consent_lines(room: RoomView) -> list[str]:
    """A line for each third party: the consents given, and those needed."""
    d = room.doc
    needed = room.consent_needed()
    consents = d.get("consents", {})
    lines = []
    for m in [*d.get("invited", []), *d.get("members", [])]:
        if m.get("role") != "derde":
            continue
        given = consents.get(m["node"], [])
        lines.append(
            t(
                "intake.consent_line",
                subject=m["node"],
                role=fmt.word("role", "derde"),
                given=", ".join(given) or t("app.none"),
                needed=", ".join(needed) or t("app.none"),
            )
        )
    return lines
