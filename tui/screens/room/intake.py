"""The room's second tab: the intake view (Wet PGA art. 5 lid 3-5).

Where the intake stands; per deciding organisation its weging (the scores, view and
reasoning where this node can read them); the rulings with who signed and who has
yet to; the verstrekkingen of the intake; and the consents that admit a partner the
samenstelling did not name. The sealed content comes from ``GET .../intake``, which
the node audits: it is fetched only when the room's intake changed, never per poll.
"""

from __future__ import annotations

from typing import Any, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...api import ApiError, NodeUnreachable
from ...fmt import describe
from ...i18n import t
from ...widgets import plain
from ..base import Host
from .intake_text import (
    consent_lines,
    exchange_lines,
    ruling_lines,
    stage_lines,
    unreadable_line,
    weging_lines,
)
from .tab import RoomTab
from .view import RoomView

PARTS = ("intake-stage", "intake-weging", "intake-rulings", "intake-exchange", "consent-text")


class IntakeTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.intake"), id="intake")
        self.intake: dict[str, Any] = {}  # the node's GET .../intake, as last read

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="intake-scroll"):
            for part in PARTS:
                yield Static("", id=part, classes="intake-part")

    def sources(self, doc: dict[str, Any]) -> Any:
        shares = [(s.get("id"), s.get("created")) for s in doc.get("shares", [])]
        keys = ("phase", "stage", "outcome", "assessments", "ruling", "named", "consents")
        return (*(doc.get(k) for k in keys), doc.get("invited"), doc.get("members"), shares)

    def draw(self, room: RoomView) -> None:
        self.show("intake-stage", stage_lines(room))
        self.show("consent-text", consent_lines(room))
        if not room.intake_orgs():
            for part in ("intake-weging", "intake-rulings", "intake-exchange"):
                self.show(part, [])
            return
        self.draw_intake(room)  # what was read before, until the node answers
        self.fetch(room)

    def show(self, part: str, lines: list[str]) -> None:
        widget = self.query_one(f"#{part}", Static)
        widget.update(plain("\n".join(lines)))
        widget.display = bool(lines)

    def draw_intake(self, room: RoomView) -> None:
        intake = self.intake
        if intake and not intake.get("readable"):
            self.show("intake-weging", [unreadable_line(room, intake)])
            self.show("intake-rulings", [])
        elif intake:
            self.show("intake-weging", weging_lines(room, intake))
            self.show("intake-rulings", ruling_lines(room, intake))
        self.show("intake-exchange", exchange_lines(room) if intake.get("readable") else [])

    @work(exit_on_error=False, exclusive=True, group="intake")
    async def fetch(self, room: RoomView) -> None:
        host = cast(Host, self.app)
        try:
            self.intake = await host.get(f"/v1/rooms/{room.doc['room']}/intake")
        except (ApiError, NodeUnreachable) as exc:
            self.show("intake-weging", [describe(exc, host.api)])
            return
        self.draw_intake(room)
