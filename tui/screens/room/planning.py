"""The room screen's part for the living plan and the follow-up meetings: reading
``GET .../plan`` (which the node audits when it opens content) only for the tabs that
show it and only when the room's chain moved, and the keys that act on the plan."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import TabbedContent

from ...api import ApiError, NodeUnreachable
from ...i18n import t
from ..base import Base
from ..measures import ProposeMeasureScreen
from ..meetings import AgendaScreen, PlanMeetingScreen, VerslagScreen
from .view import RoomView

PLAN_TABS = ("plan", "meetings")  # the tabs drawn from GET .../plan


def plan_key(doc: dict[str, Any]) -> Any:
    """What of the room moves when its plan does: the chain (each step of the plan is a
    chain event), the counts of measures due, the next meeting, the phase."""
    timeline = doc.get("timeline") or []
    last = timeline[-1].get("seq") if timeline and isinstance(timeline[-1], dict) else None
    keys = ("phase", "epoch", "next_meeting", "measures_due", "measures_overdue", "plan")
    return (len(timeline), last, *(doc.get(k) for k in keys))


class PlanActions(Base):
    """A room's screen, as far as the plan goes; ``RoomScreen`` loads and draws it."""

    def __init__(self, room: str) -> None:
        super().__init__()
        self.room = room
        self.doc: dict[str, Any] = {}  # the room as the node gave it, with ``plan_view``
        self.raw: dict[str, Any] = {}  # the room as the node gave it
        self.plan_view: dict[str, Any] | None = None  # GET .../plan, as last read
        self.plan_read: Any = None  # what of the room the plan was read at

    def load(self) -> Any:
        raise NotImplementedError

    def show_room(self, doc: dict[str, Any]) -> None:
        raise NotImplementedError

    def active(self) -> str:
        return self.query_one("#tabs", TabbedContent).active or "members"

    @work(exit_on_error=False, exclusive=True, group="plan")
    async def load_plan(self) -> None:
        """Read the plan for a tab that shows it, and draw."""
        await self.ensure_plan()
        self.show_room(dict(self.raw, plan_view=self.plan_view))

    async def ensure_plan(self) -> None:
        """Read the plan and the meetings (``GET .../plan``, which the node audits when
        it opens content) when the room's chain or counts moved since the last reading;
        None during the intake, or where the node has no such view (the room's own
        ``plan`` is shown then)."""
        key = plan_key(self.raw)
        if key == self.plan_read:
            return
        plan: Any = None
        if self.raw.get("phase") != "intake":
            try:
                plan = await self.capp.get(f"/v1/rooms/{self.room}/plan")
            except NodeUnreachable:
                return  # what was read stays on screen; the next poll reads again
            except ApiError:
                plan = None
        self.plan_view = plan if isinstance(plan, dict) else None
        self.plan_read = key

    def plan(self) -> dict[str, Any]:
        return self.plan_view or {}

    def reload(self, _result: Any = None) -> None:
        """Load the room again (a form or dialog over it has closed), its plan too."""
        self.raw = {}
        self.plan_read = None
        self.load()

    def view(self) -> RoomView:
        return RoomView.of(self.doc, self.capp.api)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_plan(self) -> None:
        """A deelnemer proposes a measure; the chair adopts it for the table."""
        await self.capp.api.ensure_context()
        me = self.view().me
        if any(
            m.get("node") == me and m.get("role") == "derde" for m in self.doc.get("members", [])
        ):
            self.notify(markup=False, message=t("measure.deelnemer_only"), severity="warning")
            return
        if self.open_only():
            self.app.push_screen(ProposeMeasureScreen(self.doc), self.reload)

    def open_only(self) -> bool:
        """Whether the room is open; tells the user when it is not."""
        if self.doc.get("phase") != "open":
            self.notify(markup=False, message=t("room.not_open"), severity="warning")
            return False
        return True

    async def has_meetings(self) -> bool:
        """Whether a meeting is planned (the plan read if it is not yet); tells the user
        who plans one when none is."""
        if not self.open_only():
            return False
        await self.ensure_plan()
        if not self.plan().get("meetings"):
            self.notify(markup=False, message=t("meeting.none"), severity="warning")
            return False
        return True

    def action_plan_meeting(self) -> None:
        if self.chair_only() and self.open_only():
            self.app.push_screen(PlanMeetingScreen(self.doc), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_agenda(self) -> None:
        if await self.has_meetings():
            self.app.push_screen(AgendaScreen(self.doc, self.plan()), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_verslag(self) -> None:
        if self.doc.get("chair") != self.view().me:
            chair = self.capp.api.node_name(str(self.doc.get("chair", "?")))
            self.notify(markup=False, message=t("meeting.not_chair_node", chair=chair),
                        severity="warning")  # fmt: skip
            return
        if await self.has_meetings():
            self.app.push_screen(VerslagScreen(self.doc, self.plan()), self.reload)

    def chair_only(self) -> bool:
        """Whether this node chairs the room; tells the user who does when it does not."""
        if self.doc.get("chair") != self.view().me:
            self.notify(
                markup=False,
                message=t(
                    "room.not_chair", chair=self.capp.api.node_name(self.doc.get("chair", "?"))
                ),
                severity="warning",
            )
            return False
        return True
