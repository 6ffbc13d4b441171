"""My cases: the rooms this staff member is in, and the way to the rest."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..i18n import t
from ..widgets import plain, table
from .audit import AuditScreen
from .base import ROOM_TOPICS, Base
from .mandate import MandateScreen
from .meldingen import MeldingenScreen, may_list
from .partners import PartnersScreen


class RoomsScreen(Base):
    BINDINGS = [
        Binding("n", "convene", "rooms.convene"),
        Binding("g", "mandate", "rooms.mandate", show=False),  # the gemeente only; in help
        Binding("p", "partners", "rooms.partners"),
        Binding("a", "audit", "rooms.audit"),
        Binding("r", "meldingen", "rooms.meldingen"),  # the register: its staff only
        Binding("u", "logout", "rooms.logout"),
        Binding("m", "aanmelden", "rooms.aanmelden", show=False),  # in help
        Binding("o", "aanmeldingen", "rooms.aanmeldingen", show=False),
        Binding("q", "transfers", "rooms.transfers", show=False),  # Wet PGA art. 7; in help
        Binding("f", "shielded", "rooms.shielded", show=False),  # afgeschermd; in help
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rooms: list[dict[str, Any]] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(t("rooms.title"), classes="title")
        yield table(
            "rooms",
            ("rooms.col.case", "case"),
            ("rooms.col.status", "status"),
            ("rooms.col.chair", "chair"),
            ("rooms.col.meeting", "meeting"),
            ("rooms.col.measures", "measures"),
            ("rooms.col.unread", "unread"),
            ("rooms.col.pending", "pending"),
        )
        yield Static("", id="rooms-note")
        yield Static("", id="rooms-notices", classes="note")

    def on_mount(self) -> None:
        self.refresh_rooms()
        self.live((*ROOM_TOPICS, "aanmeldingen", "partners"), self.refresh_rooms)

    def on_screen_resume(self) -> None:
        self.refresh_rooms()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def refresh_rooms(self) -> None:
        if not self.capp.api.logged_in:
            return
        try:
            doc = await self.capp.get("/v1/rooms")
        except (ApiError, NodeUnreachable):
            return
        self.show_notices(await self.notices())
        if not self.capp.api.registry:  # once: whether this organisation convenes (n)
            await self.capp.api.ensure_context()
            self.refresh_bindings()
        rooms = [r for r in doc.get("rooms", []) if "room" in r and "case_ref" in r]
        if rooms == self.rooms:
            return
        self.rooms = rooms
        self.show(rooms)

    async def notices(self) -> int:
        """How many of this node's aanmeldingen were not put to the casusoverleg (the
        aanmelder is told, Wet PGA art. 5 lid 6); 0 for staff who handle none."""
        try:
            doc = await self.capp.get("/v1/notices")
        except (ApiError, NodeUnreachable):
            return 0
        return len(doc.get("notices", []))

    def show_notices(self, n: int) -> None:
        note = self.query_one("#rooms-notices", Static)
        note.display = n > 0
        note.update(t("rooms.notices", n=n) if n else "")

    def show(self, rooms: list[dict[str, Any]]) -> None:
        grid = self.query_one("#rooms", DataTable)
        row = grid.cursor_row
        grid.clear()
        for r in rooms:
            grid.add_row(*map(plain, cells(r)), key=r["room"])
        if rooms:
            grid.move_cursor(row=min(row, len(rooms) - 1))
        empty = "rooms.empty" if self.capp.api.may_convene() else "rooms.empty_invited"
        note = t("rooms.count", n=len(rooms)) if rooms else t(empty)
        warned = [r["case_ref"] for r in rooms if r.get("term_warning")]
        if warned:  # an open room is never purged silently
            note += "\n" + t("rooms.term_warning", cases=", ".join(warned))
        self.query_one("#rooms-note", Static).update(note)

    @on(DataTable.RowSelected, "#rooms")
    def open_room(self, event: DataTable.RowSelected) -> None:
        # the room and the forms are imported when first opened: the login shows sooner
        from .room.screen import RoomScreen

        if event.row_key.value:
            self.app.push_screen(RoomScreen(event.row_key.value))

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_convene(self) -> None:
        from .convene import ConveneScreen

        await self.capp.api.ensure_context()
        self.app.push_screen(ConveneScreen(), self.convened)

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_mandate(self) -> None:
        await self.capp.api.ensure_context()
        self.app.push_screen(MandateScreen())

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_aanmelden(self) -> None:
        from .aanmelding import AanmeldenScreen

        await self.capp.api.ensure_context()
        self.app.push_screen(AanmeldenScreen())

    def action_aanmeldingen(self) -> None:
        from .aanmelding import AanmeldingenScreen

        self.app.push_screen(AanmeldingenScreen())

    def action_transfers(self) -> None:
        from .transfer import TransfersScreen

        self.app.push_screen(TransfersScreen())

    def convened(self, _room: Any) -> None:
        self.refresh_rooms()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "meldingen":  # shown and usable for the register's staff only
            return may_list(self.capp.api)
        if action == "convene":  # only an organisation the registry lets convene
            return self.capp.api.may_convene()
        return True

    def action_meldingen(self) -> None:
        self.app.push_screen(MeldingenScreen())

    def action_shielded(self) -> None:
        from .shielded import ShieldedScreen

        self.app.push_screen(ShieldedScreen())

    def action_partners(self) -> None:
        self.app.push_screen(PartnersScreen())

    def action_audit(self) -> None:
        self.app.push_screen(AuditScreen(None, ""))

    async def action_logout(self) -> None:
        await self.capp.api.logout()
        self.capp.to_login(t("login.logged_out"))


def cells(r: dict[str, Any]) -> tuple[str, ...]:
    """One room's row: case, status, chair, next meeting, measures overdue or due soon,
    unread and pending (blank when 0)."""
    return (
        r["case_ref"],
        fmt.status_word(r.get("status", r.get("phase", ""))),
        r.get("chair", ""),
        fmt.when(r.get("next_meeting", r.get("meeting"))),
        measures_due(r),
        str(r.get("unread", 0)) if r.get("unread") else "",
        str(r.get("pending", 0)) if r.get("pending") else "",
    )


def measures_due(r: dict[str, Any]) -> str:
    """``2 te laat`` (overdue first), else ``1 binnenkort``, else blank."""
    if r.get("measures_overdue"):
        return t("room.overdue", n=r["measures_overdue"])
    if r.get("measures_due"):
        return t("room.due_soon", n=r["measures_due"])
    return ""
