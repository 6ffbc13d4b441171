"""The room's other dialogs: invite, close, a share's text, and a yes/no."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Select, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import t
from ..widgets import Text, choice, plain, words
from .base import Modal, RoomModal, form_end


class InviteScreen(RoomModal):
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
            yield from form_end(t("room.invite"))

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
            t("invite.done", node=self.capp.api.node_name(str(node)), role=fmt.word("role", role)),
        )


class CloseScreen(RoomModal):
    def compose(self) -> ComposeResult:
        if self.room.get("phase") == "intake":
            outcomes = ["niet_voorgelegd", "afgesloten"]
        else:
            outcomes = ["afgeschaald", "overgedragen", "afgesloten"]
        with Vertical(classes="dialog"):
            yield Static(t("close.title", case=self.room.get("case", "")), classes="title")
            yield Static(t("close.warning"), classes="warning")
            yield Label(t("close.outcome"))
            yield words("outcome", outcomes, id="outcome")
            if self.jointly:
                yield Label(t("close.note"))
                yield Text(id="note")
            yield from form_end(t("close.propose" if self.jointly else "close.submit"))

    @property
    def jointly(self) -> bool:
        """An open room closes by a decision the deelnemers sign; the node says which
        rooms (``closed_jointly``: not one pinned at registry v2, nor a legacy room)."""
        return bool(self.room.get("closed_jointly", self.room.get("phase") == "open"))

    @on(Button.Pressed, "#submit")
    @work(exit_on_error=False, exclusive=True, group="action")
    async def submit(self) -> None:
        body: dict[str, Any] = {"outcome": self.query_one("#outcome", Select).value}
        if self.jointly:
            body["note"] = self.query_one("#note", Text).text.strip()
            if not body["note"]:
                self.message(t("close.no_note"))
                return
        done = t("close.proposed" if self.jointly else "close.done")
        await self.send(f"/v1/rooms/{self.room['room']}/close", body, done)


class ViewScreen(Modal):
    def __init__(self, room: str, sender: str, share: str) -> None:
        super().__init__()
        self.room, self.sender, self.share = room, sender, share

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            sender = self.capp.api.node_name(self.sender)
            yield Static(t("view.title", id=fmt.short(self.share), sender=sender), classes="title")
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
                plain(
                    t("view.revoked")
                    if exc.remote_code == "node.revoked"
                    else describe(exc, self.capp.api)
                )
            )
            return
        except NodeUnreachable as exc:
            body.update(plain(describe(exc, self.capp.api)))
            return
        body.update(plain("\n".join(share_lines(doc))))


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


def share_lines(doc: dict[str, Any]) -> list[str]:
    """A share as read: who sent it under which basis, the text, the fields, the notice."""
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
    fields = ("article", "capacity", "justification", "agreement_ref", "secrecy_ground")
    for key in (*fields, "secrecy_ref", "conditions"):
        if doc.get(key):
            lines.append(f"{t('view.' + key)}: {doc[key]}")
    lines += ["", t("view.audited")]
    return lines
