"""Aanmelden (Wet PGA art. 5): register a case with politie, the OM or the gemeente van
verblijf; the aanmeldingen this node holds, with the content where it may read it;
the notices that a case it registered was not put to the casusoverleg (lid 6); and
convening the casusoverleg from an aanmelding (the gemeente, or the ZVH on its
mandate)."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, DataTable, Label, Select, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Text, choice, plain, table
from .base import Base, Form, form_end

#: whom an aanmelding can be registered with (Wet PGA art. 5 lid 1)
REGISTER_WITH = ("politie", "om", "gemeente")
#: organisations that convene a Wet PGA casusoverleg from an aanmelding
CONVENERS = ("gemeente", "zvh")


class AanmeldenScreen(Form):
    BINDINGS = [Binding("ctrl+s", "submit", "aanmelden.submit")]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(t("aanmelden.title"), classes="title")
            yield Static(t("aanmelden.explain"), classes="note")
            yield Label(t("convene.case"))
            yield Field(id="case")
            yield from aanmelding_fields(self.capp.api.roster)
            yield from form_end(t("aanmelden.submit"))

    def on_mount(self) -> None:
        self.query_one("#case", Field).focus()

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        case = self.query_one("#case", Field).value.strip().upper()
        body = filled_in(self, t("aanmelden.reason_default"))
        if not case or body is None:
            self.message(t("aanmelden.incomplete"))
            return
        await self.send("/v1/aanmeldingen", dict(body, case=case), t("aanmelden.done", case=case))


def aanmelding_fields(roster: dict[str, Any]) -> ComposeResult:
    """What an aanmelding says besides its case (the gemeente van verblijf, with whom,
    the signals, the reason): the form here and the referral's (``referral.py``)."""
    gemeenten = [
        (plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
        for m in roster.get("members", [])
        if m.get("org") == "gemeente"
    ]
    yield Label(t("convene.verblijf"))
    yield choice(gemeenten, id="verblijf", prompt=t("convene.verblijf"))
    yield Label(t("aanmelden.with"))
    yield choice(
        [(t(f"aanmelden.with.{org}"), org) for org in REGISTER_WITH], id="to", value="politie"
    )
    yield Label(t("aanmelden.summary"))
    yield Text(id="summary")
    yield Label(t("aanmelden.reason"))
    yield Field(id="reason")


def filled_in(form: Form, default_reason: str) -> dict[str, str] | None:
    """The body of :func:`aanmelding_fields` as filled in, or ``None`` if incomplete."""
    verblijf = form.query_one("#verblijf", Select).value
    to = form.query_one("#to", Select).value
    summary = form.query_one("#summary", Text).text.strip()
    reason = form.query_one("#reason", Field).value.strip()
    if not isinstance(verblijf, str) or not isinstance(to, str) or not summary:
        return None
    return {"verblijf": verblijf, "to": to, "summary": summary, "reason": reason or default_reason}


class AanmeldingenScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("m", "aanmelden", "rooms.aanmelden"),
        Binding("c", "convene", "aanmeldingen.convene"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(t("aanmeldingen.title"), classes="title")
        yield table(
            "aanmeldingen",
            ("aanmeldingen.col.case", "case"),
            ("aanmeldingen.col.state", "state"),
            ("aanmeldingen.col.aanmelder", "aanmelder"),
            ("aanmeldingen.col.with", "with"),
            ("aanmeldingen.col.time", "time"),
        )
        yield Static("", id="aanmeldingen-notices", classes="note")
        yield Static("", id="aanmelding-detail")

    def on_mount(self) -> None:
        self.load()
        self.live(("aanmeldingen", "rooms"), self.load)

    def on_screen_resume(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        try:
            doc = await self.capp.get("/v1/aanmeldingen")
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#aanmelding-detail", Static).update(plain(describe(exc, self.capp.api)))
            return
        rows = [r for r in doc.get("aanmeldingen", []) if "id" in r]
        if rows == self.rows:
            return
        self.rows = rows
        grid = self.query_one("#aanmeldingen", DataTable)
        at = grid.cursor_row
        grid.clear()
        api = self.capp.api
        for r in rows:
            grid.add_row(
                *map(
                    plain,
                    (
                        r["case_ref"],
                        state_word(r),
                        api.node_name(r["aanmelder"]),
                        api.node_name(r["to_node"]),
                        fmt.when(r.get("time")),
                    ),
                ),
                key=r["id"],
            )
        if rows:
            grid.move_cursor(row=min(at, len(rows) - 1))
        told = [r for r in rows if r.get("own") and r.get("notice_at")]
        count = t("aanmeldingen.one" if len(rows) == 1 else "aanmeldingen.count", n=len(rows))
        self.query_one("#aanmeldingen-notices", Static).update(
            plain(notices_text(told, api) if told else count)
        )

    @on(DataTable.RowSelected, "#aanmeldingen")
    @work(exit_on_error=False, exclusive=True, group="detail")
    async def show(self, event: DataTable.RowSelected) -> None:
        if not event.row_key.value:
            return
        try:
            doc = await self.capp.get(f"/v1/aanmeldingen/{event.row_key.value}")
        except (ApiError, NodeUnreachable) as exc:
            doc = None
            text = describe(exc, self.capp.api)
        if doc is not None:
            text = detail_text(doc, self.capp.api)
        self.query_one("#aanmelding-detail", Static).update(plain(text))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only a gemeente or ZVH convenes: elsewhere the key is not offered."""
        if action == "convene":
            return self.capp.api.me.get("org") in CONVENERS
        return True

    def selected(self) -> dict[str, Any] | None:
        grid = self.query_one("#aanmeldingen", DataTable)
        if not self.rows or grid.cursor_row < 0 or grid.cursor_row >= len(self.rows):
            return None
        return self.rows[grid.cursor_row]

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_aanmelden(self) -> None:
        await self.capp.api.ensure_context()
        self.app.push_screen(AanmeldenScreen(), self.registered)

    def registered(self, _done: Any) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_convene(self) -> None:
        row = self.selected()
        if row is None or self.capp.api.me.get("org") not in CONVENERS or row.get("room"):
            self.notify(markup=False, message=t("aanmeldingen.cannot_convene"), severity="warning")
            return
        try:
            doc = await self.capp.post(
                f"/v1/aanmeldingen/{row['id']}/convene", {"bases": ["pga-r", "wjsg-39fb", "wpg-20"]}
            )
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc, self.capp.api), severity="error")
            return
        self.notify(markup=False, message=t("aanmeldingen.convened", case=doc["case"]))
        self.rows = None
        self.load()


def state_word(r: dict[str, Any]) -> str:
    if r.get("outcome"):
        return t(f"outcome.{r['outcome']}")
    if r.get("room"):
        return t("aanmeldingen.state.convened")
    return t("aanmeldingen.state.sent" if r.get("own") else "aanmeldingen.state.received")


def notices_text(rows: list[dict[str, Any]], api: Any) -> str:
    return "\n".join(
        t(
            "aanmeldingen.notice",
            case=r["case_ref"],
            by=api.node_name(r.get("notice_from") or ""),
            when=fmt.when(r.get("notice_at")),
        )
        for r in rows
    )


def detail_text(doc: dict[str, Any], api: Any) -> str:
    lines = [
        t(
            "aanmeldingen.detail",
            case=doc["case_ref"],
            aanmelder=api.node_name(doc["aanmelder"]),
            verblijf=api.node_name(doc["verblijf"]),
        )
    ]
    content = doc.get("content")
    if content:
        lines.append(t("aanmeldingen.by", function=content.get("author_function", "")))
        lines.append(t("aanmeldingen.reason", reason=content.get("reason", "")))
        lines.append(str(content.get("summary", "")))
    else:
        lines.append(t("aanmeldingen.sealed"))
    return "\n".join(lines)
