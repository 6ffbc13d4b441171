"""The audit log: this node's entries for a room (or the staff member's own)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, DataTable, Static

from .. import fmt
from ..api import Api, ApiError, NodeUnreachable
from ..fmt import describe
from ..i18n import ACTIONS, CATALOGUE, language, t
from ..widgets import Field, plain, table
from .base import Base, Modal

LIMIT = 5000  # the newest entries the screen reads; the node counts them all


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
        self.total = 0  # the entries of this scope the node holds (it sends the newest)

    def compose_body(self) -> ComposeResult:
        scope = self.case or t("audit.scope_me")
        yield Static(t("audit.title", scope=scope), classes="title")
        yield Field(placeholder=t("audit.filter_words"), id="filter")
        columns = [("audit.col.seq", "seq"), ("audit.col.at", "at"),
                   ("audit.col.actor", "actor"), ("audit.col.action", "action")]  # fmt: skip
        if not self.room:  # a room's log is of one case, named in the title
            columns.append(("audit.col.case", "case"))
        columns.append(("audit.col.about", "about"))
        yield table("audit", *columns)
        yield Static("", id="audit-note")

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).focus()
        self.load()

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        path = f"/v1/audit?limit={LIMIT}" + (f"&room={self.room}" if self.room else "")
        try:
            doc = await self.capp.get(path)
        except (ApiError, NodeUnreachable) as exc:
            self.query_one("#audit-note", Static).update(plain(describe(exc, self.capp.api)))
            return
        self.entries = [e for e in doc.get("entries", []) if isinstance(e, dict)]
        total = doc.get("total")  # a node of an earlier release does not count
        self.total = total if isinstance(total, int) else len(self.entries)
        self.show()

    def show(self) -> None:
        words = search_words(self.query_one("#filter", Field).value)
        grid = self.query_one("#audit", DataTable)
        grid.clear()
        shown = 0
        for e in self.entries:
            if words and not matches(e, words):
                continue
            row = cells(e, self.capp.api)
            if self.room:
                del row[4]
            grid.add_row(*map(plain, row), key=str(e.get("seq")))
            shown += 1
        self.query_one("#audit-note", Static).update(
            count_text(shown, len(self.entries), self.total, bool(words))
        )

    @on(DataTable.RowSelected, "#audit")
    def open_entry(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: the entry with all its fields."""
        seq = str(event.row_key.value)
        for e in self.entries:
            if str(e.get("seq")) == seq:
                self.app.push_screen(AuditEntryScreen(e))
                return

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
            note.update(plain(broken(exc, self.capp.api)))
            return
        except NodeUnreachable:
            note.update(t("app.offline"))
            return
        # the whole chain of this node is verified, not only the entries of this view
        note.update(t("audit.ok_node", n=doc.get("entries", 0), total=self.total))


def cells(e: dict[str, Any], api: Api | None = None) -> list[str]:
    """One entry's row: seq, time, actor, action, case, and the basis and the
    verstrekking (or request, transfer) it was about."""
    return [
        str(e.get("seq", "")),
        fmt.when(e.get("at")),
        str(e.get("actor", "")),
        action_text(str(e.get("action", ""))),
        str(e.get("case_ref") or ""),
        about(e),
    ]


#: the detail fields that name what an entry was about, shown in the table
ABOUT = ("basis", "share", "request", "transfer", "aanmelding", "melding", "record")


def about(e: dict[str, Any]) -> str:
    """The basis and the short id of the verstrekking (request, …) of an entry."""
    detail = detail_of(e)
    parts: list[str] = []
    for key in ABOUT:
        value = detail.get(key)
        if isinstance(value, str) and value:
            parts.append(value if key == "basis" else fmt.short(value))
    return " · ".join(parts)


def detail_of(e: dict[str, Any]) -> dict[str, Any]:
    detail = e.get("detail")
    return detail if isinstance(detail, dict) else {}


def fold(text: str) -> str:
    """Lower case without accents: ``Verifiëren`` matches ``verifieren``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(text: str) -> list[str]:
    return [fold(w) for w in text.split()]


def haystack(e: dict[str, Any]) -> str:
    """What the filter reads of an entry: the action in Dutch and English and its code,
    who, the case, and the fields of its detail (basis, verstrekking, ...)."""
    action = str(e.get("action", ""))
    labels = ACTIONS.get(action, ())
    detail = detail_of(e)
    values = [str(v) for v in detail.values() if isinstance(v, str | int)]
    values += [str(x) for v in detail.values() if isinstance(v, list) for x in v]
    parts = [action, *labels, action_text(action), str(e.get("actor", "")),
             str(e.get("case_ref") or ""), fmt.when(e.get("at")), *values]  # fmt: skip
    return fold(" ".join(parts))


def matches(e: dict[str, Any], words: list[str]) -> bool:
    """Whether every word of the filter occurs in the entry (in any order)."""
    seen = haystack(e)
    return all(w in seen for w in words)


def count_text(shown: int, loaded: int, total: int, filtered: bool) -> str:
    """How many rows show, of how many the node holds: with a filter the matches, of
    the entries read; the newest ``loaded`` of ``total`` when the node holds more."""
    if loaded < total:
        key = "audit.count_found_newest" if filtered else "audit.count_newest"
        return t(key, shown=shown, loaded=loaded, total=total)
    return t("audit.count_found" if filtered else "audit.count", shown=shown, total=total)


#: the detail fields in the user's words (others are shown by their name)
FIELDS = ("basis", "share", "categories", "recipients", "request", "transfer", "code", "kind",
          "staff", "items", "to", "outcome", "reason", "purpose")  # fmt: skip


def entry_lines(e: dict[str, Any], api: Api | None = None) -> list[str]:
    """Every field of one entry, one a line, in the user's words."""
    action = str(e.get("action", ""))
    lines = [
        t("audit.field.seq", value=e.get("seq", "")),
        t("audit.field.at", value=fmt.when(e.get("at"))),
        t("audit.field.actor", value=e.get("actor", "")),
        t("audit.field.action", value=f"{action_text(action)} ({action})"),
        t("audit.field.case", value=e.get("case_ref") or "–"),
        t("audit.field.room", value=e.get("room") or "–"),
    ]
    detail = detail_of(e)
    for key in sorted(detail, key=lambda k: (FIELDS.index(k) if k in FIELDS else 99, k)):
        value = detail[key]
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        if key == "basis" and api is not None and value:
            basis = api.basis(str(value))
            value = f"{value} ({basis.get('law', value)})"
        label = t(f"audit.detail.{key}") if f"audit.detail.{key}" in CATALOGUE else key
        lines.append(f"{label}: {value}")
    return lines


class AuditEntryScreen(Modal):
    """One audit entry with all its fields (Enter in the audit view); Esc closes it."""

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Static(t("audit.entry_title", seq=self.entry.get("seq", "")), classes="title")
            yield Static(plain("\n".join(entry_lines(self.entry, self.capp.api))), id="entry")
            yield Button(t("app.ok"), id="cancel")


def action_text(action: str) -> str:
    """An audit action (an English id in the log) in the user's words."""
    key = f"audit.action.{action}"
    return t(key) if key in CATALOGUE else t("audit.other", action=action)


def broken(exc: ApiError, api: Api) -> str:
    """The verification's refusal: where the chain breaks, and why, in the user's words."""
    if exc.remote_code != "node.audit":
        return t("audit.broken", detail=fmt.describe(exc, api))
    text = fmt.error_text(exc.remote_code, exc.message)
    if language() == "en" and exc.detail:
        text += f" ({exc.detail})"
    text += f" [{exc.remote_code}]"
    entry = re.search(r"\d+", exc.detail or "")  # "entry 17 was changed" and the like
    if entry:
        return t("audit.broken_at", seq=entry.group(), detail=text)
    return t("audit.broken", detail=text)
