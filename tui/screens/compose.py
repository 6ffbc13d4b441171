"""Compose a share: basis, categories, recipients, the fields the basis asks, the text.

The form helps (it offers only what the basis allows this organisation); the node
decides, and a refusal is explained here in the words of the rule.
"""

from __future__ import annotations

import re
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Field, Picks, Text, choice, plain
from .base import Form

FIELD_LABELS = {
    "justification": "compose.justification",
    "agreement_ref": "compose.agreement_ref",
    "secrecy_ref": "compose.secrecy_ref",
    "conditions": "compose.conditions",
}


class ComposeScreen(Form):
    BINDINGS = [
        Binding("ctrl+s", "send", "compose.send"),
        # not Ctrl+K: a text field deletes to the end of the line with it
        Binding("ctrl+t", "check", "compose.check"),
    ]

    def __init__(self, room: dict[str, Any], answering: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.room = room
        self.answering = answering  # the information request this share answers

    def my_role(self) -> str:
        me = self.capp.api.me.get("node")
        roles = [m.get("role") for m in self.room.get("members", []) if m.get("node") == me]
        return str(roles[0]) if roles else "deelnemer"

    # the bases this organisation may use in this room (the node decides; this only helps)
    def usable_bases(self) -> list[dict[str, Any]]:
        api = self.capp.api
        org, derde = api.me.get("org", ""), self.my_role() == "derde"
        out = []
        for basis_id in self.room.get("bases", []):
            b = api.basis(basis_id)
            may = b.get("third_party_may_share") if derde else org in (b.get("senders") or {})
            if b.get("in_force") and may:
                out.append(b)
        return out

    def categories_for(self, basis: dict[str, Any]) -> list[str]:
        """What this organisation may supply under the basis: its share of the basis's
        categories, without those bound to another basis (politiegegevens, ...)."""
        org = self.capp.api.me.get("org", "")
        if self.my_role() == "derde":
            allowed = basis.get("third_party_categories") or basis.get("categories", [])
        else:
            subset = (basis.get("senders") or {}).get(org)
            allowed = subset if subset is not None else basis.get("categories", [])
        bound = self.capp.api.registry.get("bound_categories", {})
        return [c for c in allowed if basis.get("id") in bound.get(c, [basis.get("id")])]

    def holds_secrecy(self, basis: dict[str, Any]) -> bool:
        secrecy = self.capp.api.registry.get("secrecy", {})
        return bool(basis.get("secrecy")) and self.capp.api.me.get("org") in secrecy.get("orgs", [])

    def compose_body(self) -> ComposeResult:
        me = self.capp.api.me.get("node")
        bases = self.usable_bases()
        members = [m for m in self.room.get("members", []) if m["node"] != me]
        with VerticalScroll(id="form"):
            yield Static(t("compose.title", case=self.room.get("case", "")), classes="title")
            if self.answering:
                yield Static(t("compose.answering", id=fmt.short(self.answering["id"]),
                               asker=self.capp.api.node_name(self.answering["asker"])),
                             classes="note")  # fmt: skip
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
                        m.get("role") != "derde"
                        if not self.answering
                        else m["node"] == self.answering["asker"],  # an answer: the asker
                    )
                    for m in members
                ),
                id="recipients",
            )
            if any(m.get("role") == "derde" for m in members):
                yield Static(t("compose.derde_note"), classes="note")
            capacity = self.capp.api.me.get("capacity")
            if capacity:
                yield Static(t("compose.capacity", capacity=capacity), classes="note")
            grounds = self.capp.api.registry.get("secrecy", {}).get("grounds", {})
            yield Label(t("compose.secrecy_ground"), id="label-secrecy_ground")
            yield choice(
                [(plain(label), ground) for ground, label in grounds.items()],
                id="secrecy_ground",
            )
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
        secrecy = self.holds_secrecy(basis)
        self.query_one("#label-secrecy_ground", Label).display = secrecy
        self.query_one("#secrecy_ground", Select).display = secrecy
        for name, label in FIELD_LABELS.items():
            # conditions on further use are every supplier's right
            visible = name in ("justification", "conditions") or name in required
            text = t(label) + (f" ({t('compose.required')})" if name in required else "")
            self.query_one(f"#label-{name}", Label).update(text)
            self.query_one(f"#label-{name}", Label).display = bool(visible)
            self.query_one(f"#{name}", Field).display = bool(visible)

    def required_fields(
        self, basis: dict[str, Any], categories: list[str] | None = None
    ) -> list[str]:
        out = []
        if basis.get("justification"):
            out.append("justification")
        if basis.get("agreement_ref"):
            out.append("agreement_ref")
        if self.holds_secrecy(basis):
            out.append("secrecy_ref")
        return out

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "basis": str(self.query_one("#basis", Select).value),
            "categories": list(self.query_one("#categories", SelectionList).selected),
            "recipients": list(self.query_one("#recipients", SelectionList).selected),
            "summary": self.query_one("#summary", Text).text.strip(),
        }
        if self.answering:
            body["request"] = self.answering["id"]
        for name in FIELD_LABELS:
            widget = self.query_one(f"#{name}", Field)
            if widget.display and widget.value.strip():
                body[name] = widget.value.strip()
        ground = self.query_one("#secrecy_ground", Select)
        if ground.display and isinstance(ground.value, str):
            body["secrecy_ground"] = ground.value
        return body

    def explain(self, exc: BaseException, body: dict[str, Any]) -> str:
        """A policy refusal in plain language, naming the rule; then its code."""
        api = self.capp.api
        if not isinstance(exc, ApiError) or not exc.remote_code.startswith("policy"):
            return describe(exc, api)
        basis = api.basis(body.get("basis", ""))
        org = api.org_name(api.me.get("org", ""))
        law, articles = basis.get("law", basis.get("id", "")), basis.get("articles", "")
        code = exc.remote_code
        detail = fmt.detail_text(exc.detail, api)
        if code == "policy.field_required":
            missing = [
                t(FIELD_LABELS[f])
                for f in self.required_fields(basis, body.get("categories"))
                if not body.get(f)
            ]
            reason = (
                t("policy.field_required", law=law, articles=articles, fields="; ".join(missing))
                if missing
                else fmt.lower_first(fmt.error_text(code, exc.message))
            )
        elif code == "policy.category":
            chosen, allowed = body.get("categories", []), set(self.categories_for(basis))
            refused = [c for c in chosen if c not in allowed] or [
                c for c in chosen if re.search(rf"\b{re.escape(c)}\b", exc.detail)
            ]
            reason = t("policy.category", law=law, org=org, detail=", ".join(refused) or detail)
        elif code == "policy.organisation":
            reason = t("policy.organisation", law=law, org=org)
        elif code == "policy.category_basis":
            reason = t("policy.category_basis", detail=detail)
        elif code == "policy.secrecy":
            reason = t("policy.secrecy")
        else:
            reason = fmt.lower_first(fmt.error_text(code, exc.message))
        return t("policy.refused", reason=reason) + f"\n[{code}]" + (f" {detail}" if detail else "")

    def local_problem(self, body: dict[str, Any]) -> str:
        if not body["categories"]:
            return t("compose.no_categories")
        if not body["summary"]:
            return t("compose.empty_summary")
        return ""

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
        self.message(t("app.working"), error=False)
        # A real send runs the same checks and refuses before anything is sealed, so
        # only Check asks for them alone.
        if not send:
            try:
                checked = await self.capp.post(f"/v1/rooms/{room}/shares?check=1", body)
            except (ApiError, NodeUnreachable) as exc:
                self.message(self.explain(exc, body))
                return
            recipients = [self.capp.api.node_name(n) for n in checked.get("recipients", [])]
            self.message(t("compose.ok", recipients=fmt.names(recipients)), error=False)
            return
        try:
            doc = await self.capp.post(f"/v1/rooms/{room}/shares", body)
        except (ApiError, NodeUnreachable) as exc:
            self.message(self.explain(exc, body))
            return
        self.notify(markup=False, message=t("compose.sent", id=fmt.short(doc["share"])))
        self.dismiss(doc["share"])
