"""The partners: the roster's nodes, their fingerprints and whether they are reachable."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from .. import fmt
from ..api import ApiError, NodeUnreachable
from ..i18n import t
from ..widgets import plain, table
from .base import Base


class PartnersScreen(Base):
    BINDINGS = [Binding("escape", "app.pop_screen", "app.back")]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="partners-title", classes="title")
        yield table(
            "partners",
            ("partners.col.node", "node"),
            ("partners.col.name", "name"),
            ("partners.col.fingerprint", "fp"),
            ("partners.col.reach", "reach"),
        )
        yield Static(t("partners.compare"), classes="note")

    def on_mount(self) -> None:
        self.load()
        self.live(("partners", "share", "receipt"), self.load)

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
        grid = self.query_one("#partners", DataTable)
        grid.clear()
        members = doc.get("members", [])
        rows = [(m["node"], fmt.fingerprint_lines(m.get("fingerprint")), reach(m)) for m in members]
        others = [max((len(line) for r in rows for line in r[i].split("\n")), default=0)
                  for i in range(3)]  # fmt: skip
        width = fmt.room_for(self.app.size.width, *others, minimum=14)
        for m, (node, fp, reached) in zip(members, rows, strict=True):
            cells = (node, fmt.fit(m.get("name", ""), width), fp, reached)
            grid.add_row(*map(plain, cells), key=m["node"], height=2)

    def on_resize(self) -> None:
        self.load()


def reach(member: dict[str, Any]) -> str:
    if member.get("self"):
        return t("partners.self")
    if member.get("reachable") is True:
        return t("partners.reach_yes")
    if member.get("reachable") is False:
        if member.get("unreachable_since"):
            since = fmt.since(member["unreachable_since"])
            return t("partners.unreachable_since", since=since, n=member.get("failures", 0))
        return t("partners.reach_no", n=member.get("failures", 0))
    return t("partners.reach_unknown")
