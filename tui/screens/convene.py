"""Convene a case room: case reference, purpose, meeting, bases and whom to invite."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Picks, choice, plain
from .base import Form, form_end


class ConveneScreen(Form):
    BINDINGS = [Binding("ctrl+s", "submit", "convene.submit")]

    def compose_body(self) -> ComposeResult:
        api = self.capp.api
        me = api.me.get("node")
        bases = [
            Selection(
                plain(
                    f"{b['id']} [{t('basis.kind.' + str(b.get('kind')))}]:"
                    f" {b.get('law', '')} ({b.get('articles', '')})"
                ),
                b["id"],
            )
            for b in api.registry.get("bases", [])
            if b.get("in_force") and b.get("kind") == "room"
        ]
        partners = [m for m in api.roster.get("members", []) if m.get("node") != me]
        gemeenten = [m for m in api.roster.get("members", []) if m.get("org") == "gemeente"]
        mine = me if api.me.get("org") == "gemeente" else Select.BLANK
        with VerticalScroll(id="form"):
            yield Static(t("convene.title"), classes="title")
            yield Label(t("convene.case"))
            yield Field(id="case")
            yield Label(t("convene.purpose"))
            yield Field(t("convene.purpose_default"), id="purpose")
            yield Label(t("convene.meeting"))
            yield Field(id="meeting", placeholder=t("form.example", example="2026-12-01 10:00"))
            yield Label(t("convene.bases"))
            yield Picks(*bases, id="bases")
            yield Static(t("convene.supply_note"), classes="note")
            yield Label(t("convene.verblijf"))
            yield choice(
                [(plain(f"{m['node']}: {m.get('name', '')}"), m["node"]) for m in gemeenten],
                value=mine,
                id="verblijf",
            )
            yield Label(t("convene.deelnemers"))
            yield partner_picks(partners, "deelnemers")
            # every room basis has an intake: derden (and deelnemers it does not need)
            # join after the samenstelling, from the casus (``i``)
            yield Static(t("convene.derden_later"), classes="note")
            yield from form_end(t("convene.submit"))

    def on_mount(self) -> None:
        self.query_one("#case", Field).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        case = self.query_one("#case", Field).value.strip().upper()
        if not case:
            self.message(t("convene.no_case"))
            return
        when = self.query_one("#meeting", Field).value.strip()
        if not when:  # never a silent "now"
            self.message(t("convene.no_meeting"))
            return
        try:
            meeting = fmt.parse_when(when)
        except ValueError:
            self.message(t("convene.bad_time"))
            return
        body: dict[str, Any] = {
            "case": case,
            "purpose": self.query_one("#purpose", Field).value.strip() or None,
            # the node adds the supply bases that serve the room basis (Wpg, Wjsg)
            "bases": list(self.query_one("#bases", SelectionList).selected),
        }
        verblijf = self.query_one("#verblijf", Select).value
        names_verblijf = any(
            self.capp.api.basis(b).get("verblijf") for b in body["bases"]
        )  # the Wet PGA: the casusoverleg of the gemeente van verblijf
        if isinstance(verblijf, str) and names_verblijf:
            body["verblijf"] = verblijf
        body["meeting"] = meeting
        invites = [(n, "deelnemer") for n in self.query_one("#deelnemers", SelectionList).selected]
        self.message(t("app.working"), error=False)
        self.convene(body, invites)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def convene(self, body: dict[str, Any], invites: list[tuple[str, str]]) -> None:
        try:
            doc = await self.capp.post("/v1/rooms", body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc, self.capp.api))
            return
        room = doc["room"]
        failed = []
        for node, role in invites:
            try:
                await self.capp.post(f"/v1/rooms/{room}/invite", {"node": node, "role": role})
            except (ApiError, NodeUnreachable) as exc:
                api = self.capp.api
                failed.append(
                    t("convene.invite_failed", node=api.node_name(node), error=describe(exc, api))
                )
        self.notify(
            markup=False, message=t("convene.done", case=doc["case"], n=len(invites) - len(failed))
        )
        for f in failed:
            self.notify(markup=False, message=f, severity="error", timeout=10)
        self.dismiss(room)


def partner_picks(partners: list[dict[str, Any]], id_: str) -> Picks:
    return Picks(
        *(Selection(plain(f"{m['node']}: {m.get('name', '')}"), m["node"]) for m in partners),
        id=id_,
    )
