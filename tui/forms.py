"""The forms: convene, assess, consent, invite, compose, plan item, close, view, confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from . import fmt
from .api import ApiError, NodeUnreachable
from .fmt import describe
from .i18n import t
from .screens import Base
from .widgets import Field, Picks, Text, choice, plain, translate_bindings

if TYPE_CHECKING:
    from .app import CasusnetApp


class Modal(ModalScreen[Any]):
    BINDINGS = [Binding("escape", "cancel", "app.cancel")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def capp(self) -> CasusnetApp:
        return self.app  # type: ignore[return-value]

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(plain(text))

    async def send(self, path: str, body: dict[str, Any], done: str) -> None:
        """Post the form; show a refusal in the form, or close it with a notice."""
        try:
            await self.capp.post(path, body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc))
            return
        self.notify(markup=False, message=done)
        self.dismiss(True)


def buttons(submit: str) -> ComposeResult:
    with Horizontal(classes="buttons"):
        yield Button(submit, id="submit", variant="primary")
        yield Button(t("app.cancel"), id="cancel")


# -- convene -------------------------------------------------------------------------


class ConveneScreen(Base):
    BINDINGS = [
        Binding("escape", "cancel", "app.cancel"),
        Binding("ctrl+s", "submit", "convene.submit"),
    ]

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
            if b.get("in_force")
        ]
        partners = [m for m in api.roster.get("members", []) if m.get("node") != me]
        with VerticalScroll(id="form"):
            yield Static(t("convene.title"), classes="title")
            yield Label(t("convene.case"))
            yield Field(id="case")
            yield Label(t("convene.purpose"))
            yield Field(t("convene.purpose_default"), id="purpose")
            yield Label(t("convene.meeting"))
            yield Field(id="meeting", placeholder="2026-12-01 10:00")
            yield Label(t("convene.bases"))
            yield Picks(*bases, id="bases")
            yield Label(t("convene.deelnemers"))
            yield Picks(
                *(
                    Selection(plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
                    for m in partners
                ),
                id="deelnemers",
            )
            yield Label(t("convene.derden"))
            yield Picks(
                *(
                    Selection(plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
                    for m in partners
                ),
                id="derden",
            )
            yield Static("", id="form-message")
            yield from buttons(t("convene.submit"))

    def on_mount(self) -> None:
        self.query_one("#case", Field).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(plain(text))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        case = self.query_one("#case", Field).value.strip().upper()
        if not case:
            self.message(t("convene.no_case"))
            return
        when = self.query_one("#meeting", Field).value.strip()
        try:
            meeting = fmt.parse_when(when) if when else None
        except ValueError:
            self.message(t("convene.bad_time"))
            return
        body: dict[str, Any] = {
            "case": case,
            "purpose": self.query_one("#purpose", Field).value.strip() or None,
            "bases": list(self.query_one("#bases", SelectionList).selected),
        }
        if meeting is not None:
            body["meeting"] = meeting
        invites = [(n, "deelnemer") for n in self.query_one("#deelnemers", SelectionList).selected]
        invites += [(n, "derde") for n in self.query_one("#derden", SelectionList).selected]
        self.message(t("app.working"))
        self.convene(body, invites)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def convene(self, body: dict[str, Any], invites: list[tuple[str, str]]) -> None:
        try:
            doc = await self.capp.post("/v1/rooms", body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(describe(exc))
            return
        room = doc["room"]
        failed = []
        for node, role in invites:
            try:
                await self.capp.post(f"/v1/rooms/{room}/invite", {"node": node, "role": role})
            except (ApiError, NodeUnreachable) as exc:
                failed.append(t("convene.invite_failed", node=node, error=describe(exc)))
        self.notify(
            markup=False, message=t("convene.done", case=doc["case"], n=len(invites) - len(failed))
        )
        for f in failed:
            self.notify(markup=False, message=f, severity="error", timeout=10)
        self.dismiss(room)


# -- intake and consent ----------------------------------------------------------------


CRITERIA = (
    "geweldsbereidheid",
    "ideologie",
    "sociale_relaties",
    "identificatie",
    "zelfredzaamheid",
)


class AssessScreen(Modal):
    BINDINGS = [Binding("ctrl+s", "submit", "assess.submit")]

    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        scores = [(t(f"score.{n}"), n) for n in range(4)]
        with Vertical(classes="dialog"):
            yield Static(t("assess.title", case=self.room.get("case", "")), classes="title")
            yield Label(t("assess.criteria"))
            for c in CRITERIA:
                with Horizontal(classes="row"):
                    yield Label(t(f"criterion.{c}"), classes="criterion")
                    yield choice(scores, value=0, allow_blank=False, id=f"c-{c}")
            with Horizontal(classes="row"):
                yield Label(t("assess.verdict"), classes="criterion")
                yield choice(
                    [
                        (t("verdict.opnemen"), "opnemen"),
                        (t("verdict.niet_opnemen"), "niet_opnemen"),
                    ],
                    value="opnemen",
                    allow_blank=False,
                    id="verdict",
                )
            yield Static("", id="form-message")
            yield from buttons(t("assess.submit"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def action_submit(self) -> None:
        body = {
            "verdict": self.query_one("#verdict", Select).value,
            "criteria": {c: self.query_one(f"#c-{c}", Select).value for c in CRITERIA},
        }
        await self.send(f"/v1/rooms/{self.room['room']}/assess", body, t("assess.done"))


class ConsentScreen(Modal):
    def __init__(self, room: dict[str, Any], waiting: list[str]) -> None:
        super().__init__()
        self.room = room
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("room.consent"), classes="title")
            yield choice(
                [(n, n) for n in self.waiting],
                value=self.waiting[0],
                allow_blank=False,
                id="subject",
            )
            yield Static(t("consent.ask", subject=self.waiting[0]), id="ask")
            yield Static("", id="form-message")
            yield from buttons(t("room.consent"))

    @on(Select.Changed, "#subject")
    def subject_changed(self, event: Select.Changed) -> None:
        self.query_one("#ask", Static).update(t("consent.ask", subject=event.value))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        subject = str(self.query_one("#subject", Select).value)
        await self.send(
            f"/v1/rooms/{self.room['room']}/consent",
            {"subject": subject},
            t("consent.done", subject=subject),
        )


class InviteScreen(Modal):
    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        taken = {m["node"] for m in [*self.room.get("members", []), *self.room.get("invited", [])]}
        nodes = [
            (plain(f"{m['node']}: {m.get('name', '')}"), m["node"])
            for m in self.capp.api.roster.get("members", [])
            if m["node"] not in taken
        ]
        with Vertical(classes="dialog"):
            yield Static(t("invite.title"), classes="title")
            yield Label(t("invite.node"))
            yield choice(nodes, id="node", prompt=t("invite.node"))
            yield Label(t("invite.role"))
            yield choice(
                [(t("role.deelnemer"), "deelnemer"), (t("role.derde"), "derde")],
                value="deelnemer",
                allow_blank=False,
                id="role",
            )
            yield Static("", id="form-message")
            yield from buttons(t("room.invite"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        node = self.query_one("#node", Select).value
        role = str(self.query_one("#role", Select).value)
        if node is Select.NULL:
            self.message(t("invite.node"))
            return
        await self.send(
            f"/v1/rooms/{self.room['room']}/invite",
            {"node": node, "role": role},
            t("invite.done", node=node, role=fmt.word("role", role)),
        )


# -- compose a share ----------------------------------------------------------------------


FIELD_LABELS = {
    "justification": "compose.justification",
    "decision_ref": "compose.decision_ref",
    "consent": "compose.consent",
    "conditions": "compose.conditions",
}


class ComposeScreen(Base):
    BINDINGS = [
        Binding("escape", "cancel", "app.cancel"),
        Binding("ctrl+s", "send", "compose.send"),
        Binding("ctrl+k", "check", "compose.check"),
    ]

    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room

    # the bases this organisation may use in this room (the node decides; this only helps)
    def usable_bases(self) -> list[dict[str, Any]]:
        api = self.capp.api
        org = api.me.get("org", "")
        out = []
        for basis_id in self.room.get("bases", []):
            b = api.basis(basis_id)
            if b.get("in_force") and org in (b.get("senders") or {}):
                out.append(b)
        return out

    def categories_for(self, basis: dict[str, Any]) -> list[str]:
        org = self.capp.api.me.get("org", "")
        allowed = (basis.get("senders") or {}).get(org)
        return list(allowed if allowed is not None else basis.get("categories", []))

    def compose_body(self) -> ComposeResult:
        me = self.capp.api.me.get("node")
        bases = self.usable_bases()
        members = [m for m in self.room.get("members", []) if m["node"] != me]
        with VerticalScroll(id="form"):
            yield Static(t("compose.title", case=self.room.get("case", "")), classes="title")
            if not bases:
                yield Static(t("compose.no_basis"), id="form-message")
                return
            yield Label(t("compose.basis"))
            yield choice(
                [
                    (f"{b['id']}: {b.get('law', '')} ({b.get('articles', '')})", b["id"])
                    for b in bases
                ],
                value=bases[0]["id"],
                allow_blank=False,
                id="basis",
            )
            yield Label(t("compose.categories"))
            yield Picks(id="categories")
            yield Label(t("compose.recipients"))
            yield Picks(
                *(
                    Selection(
                        f"{m['node']} ({fmt.word('role', m.get('role'))})",
                        m["node"],
                        m.get("role") != "derde",
                    )
                    for m in members
                ),
                id="recipients",
            )
            if any(m.get("role") == "derde" for m in members):
                yield Static(t("compose.derde_note"), classes="note")
            for name, label in FIELD_LABELS.items():
                yield Label(t(label), id=f"label-{name}")
                yield Field(id=name)
            yield Label(t("compose.summary"))
            yield Text(id="summary")
            yield Static("", id="form-message")
            with Horizontal(classes="buttons"):
                yield Button(t("compose.check"), id="check")
                yield Button(t("compose.send"), id="send", variant="primary")
                yield Button(t("app.cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.usable_bases():
            self.basis_changed()
            self.query_one("#basis", Select).focus()

    def current_basis(self) -> dict[str, Any]:
        return self.capp.api.basis(str(self.query_one("#basis", Select).value))

    @on(Select.Changed, "#basis")
    def basis_changed(self) -> None:
        basis = self.current_basis()
        api = self.capp.api
        cats = self.query_one("#categories", SelectionList)
        cats.clear_options()
        cats.add_options(
            [
                Selection(plain(f"{c}: {api.category_label(c)}"), c)
                for c in self.categories_for(basis)
            ]
        )
        required = self.required_fields(basis)
        for name, label in FIELD_LABELS.items():
            visible = (
                name == "justification"
                or name in required
                or (name == "conditions" and basis.get("conditions_allowed"))
                or (name == "consent" and basis.get("consent"))
            )
            text = t(label) + (f" ({t('compose.required')})" if name in required else "")
            self.query_one(f"#label-{name}", Label).update(text)
            self.query_one(f"#label-{name}", Label).display = bool(visible)
            self.query_one(f"#{name}", Field).display = bool(visible)

    def required_fields(
        self, basis: dict[str, Any], categories: list[str] | None = None
    ) -> list[str]:
        org = self.capp.api.me.get("org", "")
        out = []
        if basis.get("justification"):
            out.append("justification")
        if basis.get("decision_ref"):
            out.append("decision_ref")
        consent = basis.get("consent") or None
        if consent and org in consent.get("orgs", []):
            if categories is None or set(categories) & set(consent.get("categories", [])):
                out.append("consent")
        return out

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "basis": str(self.query_one("#basis", Select).value),
            "categories": list(self.query_one("#categories", SelectionList).selected),
            "recipients": list(self.query_one("#recipients", SelectionList).selected),
            "summary": self.query_one("#summary", Text).text.strip(),
        }
        for name in FIELD_LABELS:
            widget = self.query_one(f"#{name}", Field)
            if widget.display and widget.value.strip():
                body[name] = widget.value.strip()
        return body

    def explain(self, exc: BaseException, body: dict[str, Any]) -> str:
        """A policy refusal in plain language, naming the rule."""
        if not isinstance(exc, ApiError) or not exc.remote_code.startswith("policy"):
            return describe(exc)
        basis = self.capp.api.basis(body.get("basis", ""))
        org = self.capp.api.me.get("org", "")
        law, articles = basis.get("law", basis.get("id", "")), basis.get("articles", "")
        code = exc.remote_code
        if code == "policy.field_required":
            missing = [
                t(FIELD_LABELS[f])
                for f in self.required_fields(basis, body.get("categories"))
                if not body.get(f)
            ] or [exc.detail]
            reason = t(
                "policy.field_required", law=law, articles=articles, fields="; ".join(missing)
            )
        elif code == "policy.category":
            reason = t("policy.category", law=law, org=org, detail=exc.detail)
        elif code in ("policy.organisation", "policy.sender"):
            reason = t("policy.organisation", law=law, org=org)
        elif code.startswith("policy.basis"):
            reason = t("policy.basis")
        elif code == "policy.room_not_open":
            reason = t("policy.room_state")
        elif code == "policy.recipient":
            reason = t("policy.recipient")
        elif code == "policy.conditions":
            reason = t("policy.conditions", law=law)
        else:
            reason = t("policy.other", message=exc.message)
        return t("policy.refused", reason=reason) + f"\n[{code}] {exc.detail}"

    def local_problem(self, body: dict[str, Any]) -> str:
        if not body["categories"]:
            return t("compose.no_categories")
        if not body["summary"]:
            return t("compose.empty_summary")
        return ""

    def message(self, text: str) -> None:
        note = self.query_one("#form-message", Static)
        note.update(plain(text))
        note.scroll_visible()  # at 80x24 the form scrolls: bring the verdict into view

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        if self.usable_bases():
            self.check_or_send(send=False)

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.usable_bases():
            self.check_or_send(send=True)

    @work(exit_on_error=False, exclusive=True, group="action")
    async def check_or_send(self, send: bool) -> None:
        body = self.body()
        problem = self.local_problem(body)
        if problem:
            self.message(problem)
            return
        room = self.room["room"]
        self.message(t("app.working"))
        # A real send runs the same checks and refuses before anything is sealed, so
        # only Check asks for them alone.
        if not send:
            try:
                checked = await self.capp.post(f"/v1/rooms/{room}/shares?check=1", body)
            except (ApiError, NodeUnreachable) as exc:
                self.message(self.explain(exc, body))
                return
            self.message(t("compose.ok", recipients=", ".join(checked.get("recipients", []))))
            return
        try:
            doc = await self.capp.post(f"/v1/rooms/{room}/shares", body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(self.explain(exc, body))
            return
        self.notify(markup=False, message=t("compose.sent", id=fmt.short(doc["share"])))
        self.dismiss(doc["share"])


# -- plan, close, view, confirm ----------------------------------------------------------


class PlanItemScreen(Modal):
    BINDINGS = [Binding("ctrl+s", "submit", "room.plan")]

    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        owners = [(m["node"], m["node"]) for m in self.room.get("members", [])]
        with Vertical(classes="dialog"):
            yield Static(t("plan.add_title"), classes="title")
            yield Label(t("plan.title_field"))
            yield Field(id="title")
            yield Label(t("plan.measure"))
            yield choice(
                [(t(f"measure.{m}"), m) for m in ("strafrechtelijk", "bestuurlijk", "zorg")],
                value="bestuurlijk",
                allow_blank=False,
                id="measure",
            )
            yield Label(t("plan.owner"))
            yield choice(owners, value=owners[0][1], allow_blank=False, id="owner")
            yield Label(t("plan.due"))
            yield Field(id="due", placeholder="2027-01-15")
            yield Static("", id="form-message")
            yield from buttons(t("room.plan"))

    def on_mount(self) -> None:
        self.query_one("#title", Field).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        title = self.query_one("#title", Field).value.strip()
        try:
            due = fmt.parse_when(self.query_one("#due", Field).value)
        except ValueError:
            self.message(t("plan.bad_due"))
            return
        self.post_item(
            {
                "kind": "decision",
                "title": title,
                "measure": self.query_one("#measure", Select).value,
                "owner": self.query_one("#owner", Select).value,
                "due": due,
            }
        )

    @work(exit_on_error=False, exclusive=True, group="action")
    async def post_item(self, body: dict[str, Any]) -> None:
        await self.send(f"/v1/rooms/{self.room['room']}/plan", body, t("plan.added"))


class CloseScreen(Modal):
    def __init__(self, room: dict[str, Any]) -> None:
        super().__init__()
        self.room = room

    def compose(self) -> ComposeResult:
        if self.room.get("phase") == "intake":
            outcomes = ["niet_opgenomen", "afgesloten"]
        else:
            outcomes = ["afgeschaald", "overgedragen", "afgesloten"]
        with Vertical(classes="dialog"):
            yield Static(t("close.title", case=self.room.get("case", "")), classes="title")
            yield Static(t("close.warning"), classes="warning")
            yield Label(t("close.outcome"))
            yield choice(
                [(t(f"outcome.{o}"), o) for o in outcomes],
                value=outcomes[0],
                allow_blank=False,
                id="outcome",
            )
            yield Static("", id="form-message")
            yield from buttons(t("close.submit"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        outcome = self.query_one("#outcome", Select).value
        await self.send(
            f"/v1/rooms/{self.room['room']}/close", {"outcome": outcome}, t("close.done")
        )


class ViewScreen(Modal):
    def __init__(self, room: str, sender: str, share: str) -> None:
        super().__init__()
        self.room, self.sender, self.share = room, sender, share

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(
                t("view.title", id=fmt.short(self.share), sender=self.sender), classes="title"
            )
            yield Static(t("app.working"), id="view-body")
            yield Static("", id="form-message")
            yield Button(t("app.ok"), id="cancel")

    def on_mount(self) -> None:
        self.load()

    @work(exit_on_error=False, exclusive=True, group="action")
    async def load(self) -> None:
        body = self.query_one("#view-body", Static)
        try:
            doc = await self.capp.get(
                f"/v1/rooms/{self.room}/shares/{self.share}?sender={self.sender}"
            )
        except ApiError as exc:
            body.update(
                plain(t("view.revoked") if exc.remote_code == "node.revoked" else describe(exc))
            )
            return
        except NodeUnreachable as exc:
            body.update(plain(describe(exc)))
            return
        lines = [
            t(
                "view.meta",
                basis=doc.get("basis", ""),
                categories=", ".join(doc.get("categories", [])),
                function=doc.get("author_function") or "?",
                created=fmt.when(doc.get("created")),
            ),
            "",
            doc.get("summary", ""),
            "",
        ]
        for key in ("justification", "decision_ref", "consent", "conditions"):
            if doc.get(key):
                lines.append(f"{t('view.' + key)}: {doc[key]}")
        lines += ["", t("view.audited")]
        from rich.text import Text as RichText

        body.update(RichText("\n".join(lines)))


class ConfirmScreen(Modal):
    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="title")
            with Horizontal(classes="buttons"):
                yield Button(t("app.yes"), id="yes", variant="error")
                yield Button(t("app.no"), id="no")

    @on(Button.Pressed, "#yes")
    def yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def no(self) -> None:
        self.dismiss(False)
