"""Overdracht to the casusoverleg of another gemeente (Wet PGA art. 7).

``TransferScreen`` (key ``j`` in a case): the gemeente van verblijf transfers the case
to another gemeente of the roster, on one of the three grounds, with a toelichting and a
termijn for the verstrekkers. ``TransfersScreen`` (key ``q`` in the list of cases): the
requests this node must answer, per verstrekking (``l`` leveren, ``b`` bezwaar with its
reden, which stays here), and the transfers it started or received with the status of
every verstrekking; at the receiving gemeente Enter reads a geleverde verstrekking (the
reading is audited)."""

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
from ..widgets import Field, Text, choice, plain, table, words
from .base import Base, Modal, RoomModal, form_end
from .dialogs import ConfirmScreen

GROUNDS = ("woonplaats", "effecten", "sociale_relaties")
DEFAULT_DAYS = 14
#: the list's sections: (the listing's key, the catalogue key of its kind)
SECTIONS = (("requests", "transfers.kind.request"), ("started", "transfers.kind.started"),
            ("received", "transfers.kind.received"))  # fmt: skip


def origin_of(doc: dict[str, Any], api: Any) -> str | None:
    """The gemeente of the case: the gemeente van verblijf, or a chair that is a gemeente."""
    if doc.get("verblijf"):
        return str(doc["verblijf"])
    chair = str(doc.get("chair", ""))
    return chair if api.org_of(chair) == "gemeente" else None


class TransferScreen(RoomModal):
    """Overdragen: the receiving gemeente, the grond, the toelichting and the termijn."""

    BINDINGS = [Binding("ctrl+s", "submit", "transfer.submit")]

    def compose(self) -> ComposeResult:
        me = self.capp.api.me.get("node")
        gemeenten = [
            (plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
            for m in self.capp.api.roster.get("members", [])
            if m.get("org") == "gemeente" and m.get("node") != me
        ]
        with VerticalScroll(classes="dialog"):
            yield Static(t("transfer.title", case=self.room.get("case", "")), classes="title")
            yield Static(t("transfer.explain"), classes="note")
            yield choice(gemeenten, id="to", prompt=t("transfer.to"))
            yield Label(t("transfer.ground"))
            yield words("transfer.ground", GROUNDS, id="ground")
            yield Label(t("transfer.note"))
            yield Text(id="note")
            yield Label(t("transfer.days"))
            yield Field(str(DEFAULT_DAYS), id="days")
            yield from form_end(t("transfer.submit"))

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        to = self.query_one("#to", Select).value
        note = self.query_one("#note", Text).text.strip()
        days = self.query_one("#days", Field).value.strip()
        if to is Select.NULL or not note or not days.isdigit():
            self.message(t("transfer.incomplete"))
            return
        body = {"to": to, "ground": self.query_one("#ground", Select).value, "note": note,
                "deadline_days": int(days)}  # fmt: skip
        self.post_transfer(body)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post_transfer(self, body: dict[str, Any]) -> None:
        done = t("transfer.done", to=self.capp.api.node_name(str(body["to"])))
        await self.send(f"/v1/rooms/{self.room['room']}/transfer", body, done)


def status_word(status: str) -> str:
    return t(f"transfers.status.{status}")


class TransfersScreen(Base):
    """Overdrachten: what this node must answer, and what it started or received."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("l", "supply", "transfers.supply"),
        Binding("b", "object", "transfers.object"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.doc: dict[str, Any] = {}
        self.rows: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {}

    def compose_body(self) -> ComposeResult:
        yield Static(t("transfers.title"), classes="title")
        yield table(
            "transfers-table",
            ("transfers.col.kind", "kind"),
            ("transfers.col.case", "case"),
            ("transfers.col.party", "party"),
            ("transfers.col.share", "share"),
            ("transfers.col.status", "status"),
            ("transfers.col.deadline", "deadline"),
        )
        yield Static("", id="transfers-note")

    def on_mount(self) -> None:
        self.load()
        self.live(("transfers", "rooms"), self.load)

    def on_screen_resume(self) -> None:
        self.load()

    def reload(self, _result: Any = None) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        try:
            doc = await self.capp.get("/v1/transfers")
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#transfers-note", Static).update(plain(describe(exc, self.capp.api)))
            return
        if doc == self.doc:
            return
        self.doc = doc
        grid = self.query_one("#transfers-table", DataTable)
        row = grid.cursor_row
        grid.clear()
        self.rows = {}
        for key, kind in SECTIONS:
            for tr in doc.get(key, []):
                ident = tr.get("id") or tr.get("transfer")
                for item in tr.get("items", []):
                    party = tr["receiver"] if key == "requests" else item["supplier"]
                    cells = (t(kind), tr["case"], party, fmt.short(item["share"], 6),
                             status_word(item["status"]), fmt.day(tr["deadline"]))  # fmt: skip
                    rkey = f"{key}/{ident}/{item['supplier']}/{item['share']}"
                    self.rows[rkey] = (key, tr, item)
                    grid.add_row(*(plain(c) for c in cells), key=rkey)
        if self.rows:
            grid.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        note = t("transfers.note") if self.rows else t("transfers.empty")
        self.query_one("#transfers-note", Static).update(note)

    def selected(self) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        grid = self.query_one("#transfers-table", DataTable)
        if not grid.row_count:
            return None
        key = grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value
        return self.rows.get(str(key))

    def answerable(self) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The verstrekking under the cursor when this node must still answer for it."""
        picked = self.selected()
        if picked is None or picked[0] != "requests" or picked[2]["status"] != "open":
            self.notify(markup=False, message=t("transfers.pick"), severity="warning")
            return None
        return picked[1], picked[2]

    def action_supply(self) -> None:
        picked = self.answerable()
        if picked is None:
            return
        tr, item = picked

        def confirmed(yes: Any) -> None:
            if yes:
                self.answer(tr["transfer"], item["share"])

        question = t("transfers.supply_confirm", share=fmt.short(item["share"]),
                     to=self.capp.api.node_name(tr["receiver"]))  # fmt: skip
        self.app.push_screen(ConfirmScreen(question), confirmed)

    @work(exit_on_error=False, group="action")
    async def answer(self, transfer: str, share: str) -> None:
        try:
            await self.capp.post(f"/v1/transfers/{transfer}/answer",
                                 {"share": share, "decision": "supply"})  # fmt: skip
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc, self.capp.api), severity="error")
            return
        self.notify(markup=False, message=t("transfers.supplied"))
        self.load()

    def action_object(self) -> None:
        picked = self.answerable()
        if picked is not None:
            self.app.push_screen(ObjectScreen(*picked), self.reload)

    @on(DataTable.RowSelected, "#transfers-table")
    def open_row(self, event: DataTable.RowSelected) -> None:
        picked = self.rows.get(str(event.row_key.value))
        if picked is None:
            return
        key, tr, item = picked
        if key == "received" and item["status"] == "supplied":
            self.app.push_screen(SuppliedView(tr, item), self.reload)
        elif key == "received":
            self.app.push_screen(TransferView(tr), self.reload)
        elif key == "requests" and item["status"] == "open":
            self.notify(markup=False, message=t("transfers.how"))


class ObjectScreen(Modal):
    """Bezwaar on zwaarwegende redenen: the reden stays at this node."""

    BINDINGS = [Binding("ctrl+s", "submit", "transfers.object")]

    def __init__(self, transfer: dict[str, Any], item: dict[str, Any]) -> None:
        super().__init__()
        self.transfer, self.item = transfer, item

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = t("object.title", share=fmt.short(self.item["share"]),
                      to=self.capp.api.node_name(self.transfer["receiver"]))  # fmt: skip
            yield Static(title, classes="title")
            yield Static(t("object.note"), classes="note")
            yield Label(t("object.reason"))
            yield Text(id="reason")
            yield from form_end(t("object.submit"))

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        reason = self.query_one("#reason", Text).text.strip()
        if not reason:
            self.message(t("object.no_reason"))
            return
        self.post_objection(reason)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post_objection(self, reason: str) -> None:
        body = {"share": self.item["share"], "decision": "object", "reason": reason}
        await self.send(f"/v1/transfers/{self.transfer['transfer']}/answer", body,
                        t("object.done"))  # fmt: skip


class ReadView(Modal):
    """A dialog that reads one thing from the node once (the node audits the reading)."""

    body_id = "read-body"

    def heading(self) -> str:
        raise NotImplementedError

    def path(self) -> str:
        raise NotImplementedError

    def lines(self, doc: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(self.heading(), classes="title")
            yield Static(t("app.working"), id=self.body_id)
            with Horizontal(classes="buttons"):
                yield Button(t("app.ok"), id="cancel")

    def on_mount(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="action")
    async def load(self) -> None:
        body = self.query_one(f"#{self.body_id}", Static)
        try:
            doc = await self.capp.get(self.path())
        except (ApiError, NodeUnreachable) as exc:
            body.update(plain(describe(exc, self.capp.api)))
            return
        body.update(plain("\n".join([*self.lines(doc), "", t("request.audited")])))


class SuppliedView(ReadView):
    """A geleverde verstrekking at the receiving gemeente (reading it is audited)."""

    body_id = "supplied-body"

    def __init__(self, transfer: dict[str, Any], item: dict[str, Any]) -> None:
        super().__init__()
        self.transfer, self.item = transfer, item

    def heading(self) -> str:
        return t("supplied.title", share=fmt.short(self.item["share"]),
                 supplier=self.capp.api.node_name(self.item["supplier"]))  # fmt: skip

    def path(self) -> str:
        share, supplier = self.item["share"], self.item["supplier"]
        return f"/v1/transfers/{self.transfer['id']}/shares/{share}?supplier={supplier}"

    def lines(self, doc: dict[str, Any]) -> list[str]:
        lines = [
            t("supplied.meta", basis=doc.get("basis") or "?",
              categories=", ".join(doc.get("categories") or []),
              function=doc.get("author_function") or "?"),
            "", str(doc.get("summary", "")),
        ]  # fmt: skip
        if doc.get("justification"):
            lines += ["", f"{t('supplied.justification')}: {doc['justification']}"]
        return lines


class TransferView(ReadView):
    """A received transfer: the grond, the toelichting and the plan carried over
    (reading it is audited)."""

    body_id = "received-body"

    def __init__(self, transfer: dict[str, Any]) -> None:
        super().__init__()
        self.transfer = transfer

    def heading(self) -> str:
        return t("received.title", case=self.transfer.get("case", ""),
                 origin=self.capp.api.node_name(self.transfer["origin"]))  # fmt: skip

    def path(self) -> str:
        return f"/v1/transfers/{self.transfer['id']}"

    def lines(self, doc: dict[str, Any]) -> list[str]:
        lines = [f"{t('transfer.ground')}: {t('transfer.ground.' + str(doc.get('ground')))}",
                 f"{t('transfers.col.deadline')}: {fmt.day(doc.get('deadline'))}", "",
                 str(doc.get("note", "")), "", t("received.plan")]  # fmt: skip
        plan = doc.get("plan") or {}
        measures = plan.get("measures", plan) if isinstance(plan, dict) else plan
        for m in measures if isinstance(measures, list) else []:
            text = m.get("text") or m.get("title") or m.get("measure") if isinstance(m, dict) else m
            lines.append(f"  - {text}")
        return lines
