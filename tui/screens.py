"""Login, the rooms list, partners, audit and help."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Label, Static

from . import fmt
from .api import ApiError, NodeUnreachable
from .fmt import describe
from .i18n import t
from .widgets import Field, plain, translate_bindings

if TYPE_CHECKING:
    from .app import CasusnetApp


class Base(Screen[Any]):
    """A screen with the header, the footer and translated key bindings."""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def capp(self) -> CasusnetApp:
        return self.app  # type: ignore[return-value]

    def compose_body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="")
        yield from self.compose_body()
        yield Footer()


class LoginScreen(Base):
    def compose_body(self) -> ComposeResult:
        place = self.capp.place
        with Vertical(id="login"):
            yield Static(t("login.title"), classes="title")
            yield Static(
                t("login.intro", node=place) if place else t("login.intro_unknown"),
                classes="intro",
            )
            yield Label(t("login.name"))
            yield Field(id="name")
            yield Label(t("login.passphrase"))
            yield Field(id="passphrase", password=True)
            yield Button(t("login.submit"), id="submit", variant="primary")
            yield Static("", id="message")
            hint = os.environ.get("CASUSNET_LOGIN_HINT", "")
            if hint:  # only the demo sets it: its accounts are public
                yield Static(plain(hint[:80]), classes="note")

    def on_mount(self) -> None:
        self.query_one("#name", Field).focus()

    def show_message(self, message: str) -> None:
        self.query_one("#message", Static).update(plain(message))

    @on(Field.Submitted, "#name")
    def next_field(self) -> None:
        self.query_one("#passphrase", Field).focus()

    @on(Field.Submitted, "#passphrase")
    @on(Button.Pressed, "#submit")
    def action_login(self) -> None:
        name = self.query_one("#name", Field).value.strip()
        passphrase = self.query_one("#passphrase", Field).value
        if not name or not passphrase:
            self.show_message(t("login.missing"))
            return
        self.show_message(t("login.checking"))
        self.login(name, passphrase)

    @work(exit_on_error=False, exclusive=True, group="login")
    async def login(self, name: str, passphrase: str) -> None:
        app = self.capp
        try:
            await app.api.login(name, passphrase)
        except NodeUnreachable:
            app.set_offline(True)
            self.show_message(t("app.offline"))
            return
        except ApiError as exc:
            app.set_offline(False)
            self.show_message(
                t("login.failed") if exc.remote_code == "node.auth" else describe(exc)
            )
            return
        app.set_offline(False)
        self.query_one("#passphrase", Field).value = ""
        self.show_message("")
        app.after_login()
        app.push_screen(RoomsScreen())
        # the registry and roster (for the forms) load while the rooms list draws
        app.run_worker(app.api.load_context(), group="context", exit_on_error=False)


class RoomsScreen(Base):
    BINDINGS = [
        Binding("n", "convene", "rooms.convene"),
        Binding("p", "partners", "rooms.partners"),
        Binding("a", "audit", "rooms.audit"),
        Binding("u", "logout", "rooms.logout"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rooms: list[dict[str, Any]] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(t("rooms.title"), classes="title")
        table: DataTable[str] = DataTable(id="rooms", cursor_type="row", zebra_stripes=False)
        table.add_column(t("rooms.col.case"), key="case")
        table.add_column(t("rooms.col.status"), key="status")
        table.add_column(t("rooms.col.chair"), key="chair")
        table.add_column(t("rooms.col.meeting"), key="meeting")
        table.add_column(t("rooms.col.unread"), key="unread")
        table.add_column(t("rooms.col.pending"), key="pending")
        yield table
        yield Static("", id="rooms-note")

    def on_mount(self) -> None:
        self.refresh_rooms()
        self.set_interval(max(self.capp.poll * 2, 0.5), self.refresh_rooms)

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
        rooms = [r for r in doc.get("rooms", []) if "room" in r and "case_ref" in r]
        if rooms == self.rooms:
            return
        self.rooms = rooms
        table = self.query_one("#rooms", DataTable)
        row = table.cursor_row
        table.clear()
        for r in rooms:
            table.add_row(
                *map(
                    plain,
                    (
                        r["case_ref"],
                        fmt.status_word(r.get("status", r.get("phase", ""))),
                        r.get("chair", ""),
                        fmt.when(r.get("meeting")),
                        str(r.get("unread", 0)) if r.get("unread") else "",
                        str(r.get("pending", 0)) if r.get("pending") else "",
                    ),
                ),
                key=r["room"],
            )
        if rooms:
            table.move_cursor(row=min(row, len(rooms) - 1))
        note = t("rooms.count", n=len(rooms)) if rooms else t("rooms.empty")
        self.query_one("#rooms-note", Static).update(note)

    @on(DataTable.RowSelected, "#rooms")
    def open_room(self, event: DataTable.RowSelected) -> None:
        from .room import RoomScreen

        if event.row_key.value:
            self.app.push_screen(RoomScreen(event.row_key.value))

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_convene(self) -> None:
        from .forms import ConveneScreen

        await self.capp.api.ensure_context()
        self.app.push_screen(ConveneScreen(), lambda _: self.refresh_rooms())

    def action_partners(self) -> None:
        self.app.push_screen(PartnersScreen())

    def action_audit(self) -> None:
        self.app.push_screen(AuditScreen(None, ""))

    async def action_logout(self) -> None:
        await self.capp.api.logout()
        self.capp.to_login(t("login.logged_out"))


class PartnersScreen(Base):
    BINDINGS = [Binding("escape", "app.pop_screen", "app.back")]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="partners-title", classes="title")
        table: DataTable[str] = DataTable(id="partners", cursor_type="row")
        table.add_column(t("partners.col.node"), key="node")
        table.add_column(t("partners.col.name"), key="name")
        table.add_column(t("partners.col.fingerprint"), key="fp")
        table.add_column(t("partners.col.reach"), key="reach")
        yield table
        yield Static(t("partners.compare"), classes="note")

    def on_mount(self) -> None:
        self.load()
        self.set_interval(max(self.capp.poll * 3, 1.0), self.load)

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        try:
            doc = await self.capp.get("/v1/roster")
        except (ApiError, NodeUnreachable):
            return
        self.capp.api.roster = doc
        self.query_one("#partners-title", Static).update(
            t("partners.title", version=doc.get("version", "?"))
        )
        table = self.query_one("#partners", DataTable)
        table.clear()
        for m in doc.get("members", []):
            if m.get("self"):
                reach = t("partners.self")
            elif m.get("reachable") is True:
                reach = t("partners.reach_yes")
            elif m.get("reachable") is False:
                reach = t("partners.reach_no", n=m.get("failures", 0))
            else:
                reach = t("partners.reach_unknown")
            table.add_row(
                *map(
                    plain,
                    (
                        m["node"],
                        str(m.get("name", ""))[:22],
                        fmt.fingerprint_lines(m.get("fingerprint")),
                        reach,
                    ),
                ),
                key=m["node"],
                height=2,
            )


class AuditScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("slash", "filter", "audit.filter"),
        Binding("v", "verify", "audit.verify"),
    ]

    def __init__(self, room: str | None, case: str) -> None:
        super().__init__()
        self.room = room
        self.case = case
        self.entries: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        scope = self.case or t("audit.scope_me")
        yield Static(t("audit.title", scope=scope), classes="title")
        yield Field(placeholder=t("audit.filter"), id="filter")
        table: DataTable[str] = DataTable(id="audit", cursor_type="row")
        table.add_column(t("audit.col.seq"), key="seq")
        table.add_column(t("audit.col.at"), key="at")
        table.add_column(t("audit.col.actor"), key="actor")
        table.add_column(t("audit.col.action"), key="action")
        table.add_column(t("audit.col.case"), key="case")
        yield table
        yield Static("", id="audit-note")

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).focus()
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        path = "/v1/audit?limit=5000" + (f"&room={self.room}" if self.room else "")
        try:
            doc = await self.capp.get(path)
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#audit-note", Static).update(plain(describe(exc)))
            return
        self.entries = doc.get("entries", [])
        self.show()

    def show(self) -> None:
        needle = self.query_one("#filter", Field).value.strip().lower()
        table = self.query_one("#audit", DataTable)
        table.clear()
        shown = 0
        for e in self.entries:
            cells = [
                str(e.get("seq", "")),
                fmt.when(e.get("at")),
                str(e.get("actor", "")),
                str(e.get("action", "")),
                str(e.get("case_ref") or ""),
            ]
            if needle and not any(needle in c.lower() for c in cells[2:]):
                continue
            table.add_row(*map(plain, cells), key=str(e.get("seq")))
            shown += 1
        self.query_one("#audit-note", Static).update(
            t("audit.count", shown=shown, total=len(self.entries))
        )

    @on(Field.Changed, "#filter")
    def filter_changed(self) -> None:
        self.show()

    def action_filter(self) -> None:
        self.query_one("#filter", Field).focus()

    @work(exit_on_error=False, exclusive=True, group="verify")
    async def action_verify(self) -> None:
        note = self.query_one("#audit-note", Static)
        note.update(t("app.working"))
        try:
            doc = await self.capp.get("/v1/audit/verify")
        except ApiError as exc:
            note.update(plain(t("audit.broken", detail=exc.detail or exc.message)))
            return
        except NodeUnreachable:
            note.update(t("app.offline"))
            return
        note.update(t("audit.ok", n=doc.get("entries", 0)))


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("question_mark", "app.pop_screen", "app.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(t("help.title"), classes="title")
            yield Static(t("help.body"))
            yield Button(t("app.ok"), id="help-ok")

    @on(Button.Pressed, "#help-ok")
    def close_help(self) -> None:
        self.app.pop_screen()
