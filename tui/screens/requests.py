"""Informatieverzoeken of one case: the requests this node asked or was asked, and
their answers; ask a partner, read a request, answer it (a verstrekking that names
it) or decline it on zwaarwegende redenen (the reasons stay at this node)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Label, Select, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Text, choice, plain, table
from .base import Base, Modal, RoomModal, form_end
from .compose import ComposeScreen


def request_state(r: dict[str, Any]) -> str:
    """How a request stands, in words: open (and delivered or not), answered, declined."""
    status = str(r.get("status", "open"))
    if status == "answered":
        return t("requests.answered", share=fmt.short(str(r.get("answer") or "")))
    if status == "declined":
        return t("requests.declined")
    if r.get("own") and not r.get("delivered"):
        return t("requests.sending")
    return t("requests.open")


class RequestsScreen(Base):
    """The case's information requests, with ask / answer / decline."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("n", "ask", "requests.ask"),
        Binding("b", "answer", "requests.answer"),
        Binding("w", "decline", "requests.decline"),
    ]

    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room
        self.requests: list[dict[str, Any]] = []

    def compose_body(self) -> ComposeResult:
        yield Static(t("requests.title", case=self.room.get("case", "")), classes="title")
        yield table(
            "requests-table",
            ("requests.col.id", "id"),
            ("requests.col.asker", "asker"),
            ("requests.col.asked", "asked"),
            ("requests.col.at", "at"),
            ("requests.col.state", "state"),
        )
        yield Static("", id="requests-note")

    def on_mount(self) -> None:
        self.load()
        self.live(("request", "room", "share"), self.load, room=self.room["room"])

    def on_screen_resume(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        try:
            doc = await self.capp.get(f"/v1/rooms/{self.room['room']}/requests")
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#requests-note", Static).update(plain(describe(exc, self.capp.api)))
            return
        requests = list(doc.get("requests", []))
        if requests == self.requests and self.query_one("#requests-table", DataTable).row_count:
            return
        self.requests = requests
        grid = self.query_one("#requests-table", DataTable)
        row = grid.cursor_row
        grid.clear()
        me = self.capp.api.me.get("node")
        for r in requests:
            asker = r["asker"] + (" (*)" if r["asker"] == me else "")
            asked = r["asked"] + (" (*)" if r["asked"] == me else "")
            cells = [fmt.short(r["id"]), asker, asked, fmt.when(r.get("created")), request_state(r)]
            grid.add_row(*(plain(c) for c in cells), key=self.key(r))
        if requests:
            grid.move_cursor(row=min(max(row, 0), len(requests) - 1))
        note = t("requests.note") if requests else t("requests.empty")
        self.query_one("#requests-note", Static).update(note)

    def reload(self, _result: Any = None) -> None:
        """Load the requests again (a form or dialog over them has closed)."""
        self.load()

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return f"{r['asker']}/{r['id']}"

    def selected(self) -> dict[str, Any] | None:
        grid = self.query_one("#requests-table", DataTable)
        if not grid.row_count:
            return None
        key = grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value
        return next((dict(r) for r in self.requests if self.key(r) == key), None)

    def action_ask(self) -> None:
        if self.room.get("phase") != "open":
            self.notify(markup=False, message=t("room.not_open"), severity="warning")
            return
        self.app.push_screen(AskScreen(self.room), self.reload)

    def answerable(self) -> dict[str, Any] | None:
        """The request under the cursor when this node was asked it and it is open."""
        r = self.selected()
        if r is None or r.get("own") or r.get("status") != "open":
            self.notify(markup=False, message=t("requests.pick"), severity="warning")
            return None
        return r

    def action_answer(self) -> None:
        r = self.answerable()
        if r is not None:
            self.answer(r)

    def answer(self, r: dict[str, Any]) -> None:
        self.app.push_screen(ComposeScreen(self.room, answering=r), self.reload)

    def action_decline(self) -> None:
        r = self.answerable()
        if r is not None:
            self.app.push_screen(DeclineScreen(self.room, r), self.reload)

    @on(DataTable.RowSelected, "#requests-table")
    def open_request(self, event: DataTable.RowSelected) -> None:
        r = self.selected()
        if r is None:
            return

        def chosen(result: Any) -> None:
            if result == "answer":
                self.answer(r)
            elif result == "decline":
                self.app.push_screen(DeclineScreen(self.room, r), self.reload)
            else:
                self.load()

        self.app.push_screen(RequestView(self.room["room"], r), chosen)


class AskScreen(RoomModal):
    """Ask one partner at the table for information on a topic."""

    BINDINGS = [Binding("ctrl+s", "submit", "requests.ask")]

    def compose(self) -> ComposeResult:
        me = self.capp.api.me.get("node")
        members = [
            (plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
            for m in self.room.get("members", [])
            if m["node"] != me
        ]
        with Vertical(classes="dialog"):
            yield Static(t("ask.title", case=self.room.get("case", "")), classes="title")
            yield Label(t("ask.to"))
            yield choice(members, id="to", prompt=t("ask.to"))
            yield Label(t("ask.topic"))
            yield Text(id="topic")
            yield Label(t("ask.categories"))
            yield Field(id="categories", placeholder="justitieel, signalen")
            yield Static(t("ask.note"), classes="note")
            yield from form_end(t("ask.submit"))

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        to = self.query_one("#to", Select).value
        topic = self.query_one("#topic", Text).text.strip()
        if to is Select.NULL or not topic:
            self.message(t("ask.incomplete"))
            return
        cats = [c.strip() for c in self.query_one("#categories", Field).value.split(",")]
        self.post_ask({"to": to, "topic": topic, "categories": [c for c in cats if c]})

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post_ask(self, body: dict[str, Any]) -> None:
        done = t("ask.done", node=self.capp.api.node_name(str(body["to"])))
        await self.send(f"/v1/rooms/{self.room['room']}/requests", body, done)


class RequestView(Modal):
    """One request with its topic (reading it is audited); answer or decline it here."""

    def __init__(self, room: str, request: dict[str, Any]) -> None:
        super().__init__()
        self.room, self.request = room, request

    def compose(self) -> ComposeResult:
        r = self.request
        mine = not r.get("own") and r.get("status") == "open"
        with VerticalScroll(classes="dialog wide"):
            title = t("request.title", id=fmt.short(r["id"]),
                      asker=self.capp.api.node_name(r["asker"]))  # fmt: skip
            yield Static(title, classes="title")
            yield Static(t("app.working"), id="request-body")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                if mine:
                    yield Button(t("requests.answer"), id="answer", variant="primary")
                    yield Button(t("requests.decline"), id="decline", variant="error")
                yield Button(t("app.ok"), id="cancel")

    def on_mount(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="action")
    async def load(self) -> None:
        body = self.query_one("#request-body", Static)
        try:
            doc = await self.capp.get(f"/v1/rooms/{self.room}/requests/{self.request['id']}")
        except ApiError as exc:
            gone = exc.remote_code == "node.revoked"
            body.update(plain(t("request.gone") if gone else describe(exc, self.capp.api)))
            return
        except NodeUnreachable as exc:
            body.update(plain(describe(exc, self.capp.api)))
            return
        body.update(plain("\n".join(request_lines(doc, self.capp.api.node_name))))

    @on(Button.Pressed, "#answer")
    def answer(self) -> None:
        self.dismiss("answer")

    @on(Button.Pressed, "#decline")
    def decline(self) -> None:
        self.dismiss("decline")


def request_lines(doc: dict[str, Any], name: Any) -> list[str]:
    lines = [
        t("request.meta", asker=name(doc.get("asker", "?")), asked=name(doc.get("asked", "?")),
          function=doc.get("author_function") or "?", created=fmt.when(doc.get("created"))),
        "",
        str(doc.get("topic", "")),
        "",
    ]  # fmt: skip
    if doc.get("categories"):
        lines.append(f"{t('request.categories')}: {', '.join(doc['categories'])}")
    lines.append(f"{t('request.state')}: {request_state(doc)}")
    if doc.get("reason"):  # only at the node that declined
        lines += ["", f"{t('request.reason')}: {doc['reason']}", t("request.reason_kept")]
    lines += ["", t("request.audited")]
    return lines


class DeclineScreen(RoomModal):
    """Decline a request on zwaarwegende redenen; the reasons stay at this node."""

    BINDINGS = [Binding("ctrl+s", "submit", "requests.decline")]

    def __init__(self, room: dict[str, Any], request: dict[str, Any]) -> None:
        super().__init__(room)
        self.request = request

    def compose(self) -> ComposeResult:
        r = self.request
        with Vertical(classes="dialog"):
            title = t("decline.title", id=fmt.short(r["id"]),
                      asker=self.capp.api.node_name(r["asker"]))  # fmt: skip
            yield Static(title, classes="title")
            yield Static(t("decline.note"), classes="note")
            yield Label(t("decline.reason"))
            yield Text(id="reason")
            yield from form_end(t("decline.submit"))

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        reason = self.query_one("#reason", Text).text.strip()
        if not reason:
            self.message(t("decline.no_reason"))
            return
        self.post_decline(reason)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post_decline(self, reason: str) -> None:
        path = f"/v1/rooms/{self.room['room']}/requests/{self.request['id']}/decline"
        await self.send(path, {"reason": reason}, t("decline.done"))
