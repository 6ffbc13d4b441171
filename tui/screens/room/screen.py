"""One case room: the header, the seven tabs, and what a member can do from there."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static, TabbedContent

from ... import fmt
from ...api import ApiError, NodeUnreachable
from ...fmt import describe
from ...i18n import t
from ...widgets import plain
from ..assess import AssessScreen, ConsentScreen
from ..audit import AuditScreen
from ..base import ROOM_TOPICS
from ..compose import ComposeScreen
from ..dialogs import CloseScreen, ConfirmScreen, InviteScreen, ViewScreen
from ..measures import MeasureScreen
from ..meetings import ReassessScreen
from ..referral import ReferScreen, may_refer
from ..requests import RequestsScreen
from ..ruling import EndorseScreen, RulingScreen
from .intake import IntakeTab
from .meetings import MeetingsTab
from .members import MembersTab
from .plan import PlanTab, measures
from .planning import PLAN_TABS, PlanActions, plan_key
from .revocation import RevocationTab
from .shares import SharesTab
from .tab import RoomTab
from .timeline import TimelineTab
from .view import RoomView

TABS = ("members", "intake", "timeline", "shares", "plan", "revocation", "meetings")
INTAKE_EXCHANGE = ("analyse", "verzamelen")  # the intake's stages that allow verstrekkingen
#: keys the footer shows on their own tab only (they work on every tab): 80 columns
#: hold no more
TAB_KEYS = {"i": ("members",), "x": ("plan",)}
CHAIR_KEYS = ("i", "s")
INTAKE_ACTIONS: dict[str, Callable[[RoomView], Any]] = {
    "assess": RoomView.may_assess,
    "rule": RoomView.may_rule,
    "endorse": RoomView.may_sign,
}


class RoomScreen(PlanActions):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("d", "share", "room.share"),
        Binding("w", "assess", "room.assess"),
        Binding("b", "rule", "room.rule"),  # the chair: besluit intake
        Binding("o", "endorse", "room.endorse"),
        Binding("t", "consent", "room.consent", show=False),  # named on the intake tab
        Binding("i", "invite", "room.invite"),
        Binding("m", "plan", "room.plan"),
        Binding("v", "requests", "room.requests", show=False),  # in help; the footer is full
        Binding("x", "export", "room.export_key"),
        Binding("s", "close_room", "room.close"),
        Binding("r", "revoke", "room.revoke", show=False),
        Binding("a", "audit", "room.audit", show=False),
        Binding("y", "refer", "room.refer"),  # a Wgs room only (check_action)
        Binding("k", "plan_meeting", "room.plan_meeting", show=False),  # on the meetings tab
        Binding("g", "agenda", "room.agenda", show=False),
        Binding("l", "verslag", "room.verslag", show=False),
        Binding("j", "transfer", "room.transfer", show=False),  # Wet PGA art. 7; in help
        *(Binding(str(n + 1), f"tab('{tab}')", show=False) for n, tab in enumerate(TABS)),
    ]

    def __init__(self, room: str) -> None:
        super().__init__(room)
        self.stale = False
        self.drawn: dict[str, Any] = {}  # what each tab was drawn from

    # -- layout and drawing ------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="room-header")
        with TabbedContent(id="tabs", initial="members"):
            yield MembersTab()
            yield IntakeTab()
            yield TimelineTab()
            yield SharesTab()
            yield PlanTab()
            yield RevocationTab()
            yield MeetingsTab()

    def on_mount(self) -> None:
        self.load()
        self.live(ROOM_TOPICS + ("partners",), self.load, room=self.room)
        self.focus_tab()  # the first key goes to the tab's table, not to the tab bar

    def name_keys(self, active: str) -> None:
        """The footer names the tab's own keys, and the chair's only to the chair (the
        keys work everywhere: another member is told who can)."""
        chair = not self.doc or self.doc.get("chair") == self.view().me
        table = self._bindings.key_to_bindings
        for key, tabs in TAB_KEYS.items():
            show = active in tabs and (chair or key not in CHAIR_KEYS)
            table[key] = [dataclasses.replace(b, show=show) for b in table[key]]
        table["s"] = [dataclasses.replace(b, show=chair) for b in table["s"]]
        self.refresh_bindings()

    def focus_tab(self) -> None:
        """Keys go to what the tab shows: Enter opens its row, arrows move in it; the
        footer names the tab's own keys."""
        active = self.query_one("#tabs", TabbedContent).active or "members"
        self.name_keys(active)
        grids = [g for g in self.query_one(f"#{active}", RoomTab).query(DataTable) if g.display]
        if grids:
            grids[0].focus()

    def on_screen_resume(self) -> None:
        if self.stale and self.doc:
            self.render_room()
        self.load()

    @on(TabbedContent.TabActivated)
    def tab_shown(self) -> None:
        self.focus_tab()
        if self.doc:
            self.render_room()
        if self.raw and self.active() in PLAN_TABS and plan_key(self.raw) != self.plan_read:
            self.load_plan()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        if not self.capp.api.logged_in:
            return
        await self.capp.api.ensure_context()
        try:
            doc = await self.capp.get(f"/v1/rooms/{self.room}")
        except NodeUnreachable:
            return
        except ApiError as exc:
            self.query_one("#room-header", Static).update(plain(describe(exc, self.capp.api)))
            return
        # a poll cancels the one before it, perhaps while it read the plan: the plan is
        # read until it was read at this state of the room
        plan_stale = self.active() in PLAN_TABS and plan_key(doc) != self.plan_read
        if doc == self.raw and not plan_stale:
            return
        self.raw = doc
        if plan_stale:
            await self.ensure_plan()
        self.show_room(dict(doc, plan_view=self.plan_view))

    def show_room(self, doc: dict[str, Any]) -> None:
        if doc == self.doc:
            return
        self.doc = doc
        self.name_keys(self.query_one("#tabs", TabbedContent).active or "members")
        if self.is_current:
            self.render_room()
        else:  # under a form: draw when the room shows again, not now
            self.stale = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers an intake key only where it can succeed now, the plan's key
        outside the intake (a full footer at 80 columns hides Afsluiten), and
        doorverwijzen in a Wgs room only."""
        if not self.doc:
            return True
        room = self.view()
        if action == "refer":
            return room.basis.get("id") == "wgs"
        if action == "assess" and self.doc.get("phase") == "open":
            return True  # a weging again, at a follow-up meeting
        if action in INTAKE_ACTIONS:
            return bool(INTAKE_ACTIONS[action](room))
        return not (action == "plan" and self.doc.get("phase") == "intake")

    def render_room(self) -> None:
        room = self.view()
        self.query_one("#room-header", Static).update(plain(room.header()))
        self.stale = False
        # Only the tab on screen is drawn, and only when what it shows changed: a
        # room with many shares and a burst of receipts must not stall the keyboard.
        active = self.query_one("#tabs", TabbedContent).active or "members"
        tab = self.query_one(f"#{active}", RoomTab)
        sources = tab.sources(self.doc)
        if active not in self.drawn or self.drawn[active] != sources:
            tab.draw(room)
            self.drawn[active] = sources

    # -- actions -----------------------------------------------------------------------

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_share(self) -> None:
        await self.capp.api.ensure_context()
        if self.doc.get("phase") != "open" and self.doc.get("stage") not in INTAKE_EXCHANGE:
            self.notify(markup=False, message=t("room.not_open"), severity="warning")
            return
        self.app.push_screen(ComposeScreen(self.doc), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_assess(self) -> None:
        room = self.view()
        if self.doc.get("phase") == "open":  # a weging again, at a follow-up meeting
            if await self.has_meetings():
                self.app.push_screen(ReassessScreen(self.doc, self.plan()), self.reload)
            return
        if not room.may_assess():
            self.notify(markup=False, message=t("assess.not_now"), severity="warning")
            return
        self.app.push_screen(AssessScreen(self.doc), self.reload)

    def action_rule(self) -> None:
        stage = self.view().may_rule()
        if stage is None:
            self.notify(markup=False, message=t("intake.not_now"), severity="warning")
            return
        self.app.push_screen(RulingScreen(self.doc, stage), self.reload)

    def action_endorse(self) -> None:
        if not self.view().may_sign():
            self.notify(markup=False, message=t("endorse.none"), severity="warning")
            return
        self.app.push_screen(EndorseScreen(self.doc), self.reload)

    def action_consent(self) -> None:
        waiting = self.view().consent_waiting()
        if not waiting:
            self.notify(markup=False, message=t("consent.none"))
            return
        self.app.push_screen(ConsentScreen(self.doc, waiting), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_invite(self) -> None:
        await self.capp.api.ensure_context()
        if self.chair_only():
            self.app.push_screen(InviteScreen(self.doc), self.reload)

    @on(DataTable.RowSelected, "#plan-table")
    def view_measure(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        found = [m for m in measures(self.doc) if str(m.get("item")) == key]
        if found and self.plan():
            self.app.push_screen(MeasureScreen(self.doc, found[0]), self.reload)

    def action_close_room(self) -> None:
        if self.chair_only() and self.doc.get("phase") != "closed":

            def closed(result: Any) -> None:
                if result:
                    self.action_tab("revocation")
                self.load()

            self.app.push_screen(CloseScreen(self.doc), closed)

    def action_revoke(self) -> None:
        on_shares = self.query_one("#tabs", TabbedContent).active == "shares"
        share = self.query_one(SharesTab).selected(self.doc) if on_shares else None
        if not share or not share.get("own") or share.get("revoked_at"):
            self.action_tab("shares")
            self.notify(markup=False, message=t("revoke.pick"), severity="warning")
            return

        def confirmed(yes: Any) -> None:
            if yes:
                self.revoke(share["id"])

        self.app.push_screen(
            ConfirmScreen(t("revoke.confirm", id=fmt.short(share["id"]))), confirmed
        )

    @work(exit_on_error=False, group="action")
    async def revoke(self, share_id: str) -> None:
        try:
            doc = await self.capp.post(f"/v1/rooms/{self.room}/revoke", {"shares": [share_id]})
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc, self.capp.api), severity="error")
            return
        self.notify(markup=False, message=t("revoke.done", n=doc.get("revoked", 0)))
        self.load()

    @on(DataTable.RowSelected, "#shares-table")
    def view_share(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        sender, _, share_id = key.partition("/")
        self.app.push_screen(ViewScreen(self.room, sender, share_id), self.reload)

    def action_requests(self) -> None:
        """The case's information requests: ask, answer, decline."""
        self.app.push_screen(RequestsScreen(self.doc), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_refer(self) -> None:
        await self.capp.api.ensure_context()
        if may_refer(self, self.view()):
            self.app.push_screen(ReferScreen(self.doc), self.reload)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_transfer(self) -> None:
        """Overdragen aan een andere gemeente: the gemeente van verblijf only."""
        from ..transfer import TransferScreen, origin_of

        await self.capp.api.ensure_context()
        if origin_of(self.doc, self.capp.api) != self.view().me:
            self.notify(markup=False, message=t("transfer.not_verblijf"), severity="warning")
            return
        self.app.push_screen(TransferScreen(self.doc), self.reload)

    def action_audit(self) -> None:
        self.app.push_screen(AuditScreen(self.room, str(self.doc.get("case", ""))))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_export(self) -> None:
        """The node writes the plan into its exports folder (not the working directory)
        and registers it; after closure only from the shielded record, with a purpose."""
        if self.doc.get("phase") == "closed":
            from ..shielded import ExportPurposeScreen

            self.app.push_screen(ExportPurposeScreen(self.room, str(self.doc.get("case", ""))))
            return
        try:  # the node records the export in its audit log
            doc = await self.capp.post(f"/v1/rooms/{self.room}/plan/export")
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc, self.capp.api), severity="error")
            return
        self.notify(markup=False, message=t("plan.exported", path=doc.get("path", "")))
