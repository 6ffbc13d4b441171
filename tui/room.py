"""One case room: members, intake, timeline, shares, plan and the revocation matrix."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent, TabPane

from . import fmt
from .api import ApiError, NodeUnreachable
from .fmt import describe
from .i18n import t
from .screens import AuditScreen, Base
from .widgets import plain

TABS = ("members", "intake", "timeline", "shares", "plan", "revocation")


def _table(id_: str, *columns: tuple[str, str]) -> DataTable[Any]:
    table: DataTable[Any] = DataTable(id=id_, cursor_type="row")
    for label, key in columns:
        table.add_column(t(label), key=key)
    return table


class RoomScreen(Base):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "app.back"),
        Binding("d", "share", "room.share"),
        Binding("w", "assess", "room.assess"),
        Binding("t", "consent", "room.consent"),
        Binding("i", "invite", "room.invite", show=False),
        Binding("m", "plan", "room.plan"),
        Binding("x", "export", "room.export", show=False),
        Binding("s", "close_room", "room.close"),
        Binding("r", "revoke", "room.revoke", show=False),
        Binding("a", "audit", "room.audit", show=False),
        *(Binding(str(n + 1), f"tab('{tab}')", show=False) for n, tab in enumerate(TABS)),
    ]

    def __init__(self, room: str) -> None:
        super().__init__()
        self.room = room
        self.doc: dict[str, Any] = {}
        self.stale = False
        self.drawn: dict[str, Any] = {}  # what each part was drawn from

    # -- layout --------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        yield Static("", id="room-header")
        with TabbedContent(id="tabs", initial="members"):
            with TabPane(t("room.tab.members"), id="members"):
                yield _table(
                    "members-table",
                    ("room.col.node", "node"),
                    ("room.col.org", "org"),
                    ("room.col.role", "role"),
                    ("room.col.fingerprint", "fp"),
                    ("room.col.epoch", "since"),
                )
            with TabPane(t("room.tab.intake"), id="intake"):
                yield Static("", id="intake-text")
                yield _table(
                    "intake-table", ("intake.col.org", "org"), ("intake.col.verdict", "verdict")
                )
                yield Static("", id="consent-text")
            with TabPane(t("room.tab.timeline"), id="timeline"):
                yield _table(
                    "timeline-table",
                    ("timeline.col.seq", "seq"),
                    ("timeline.col.at", "at"),
                    ("timeline.col.by", "by"),
                    ("timeline.col.what", "what"),
                )
            with TabPane(t("room.tab.shares"), id="shares"):
                yield _table(
                    "shares-table",
                    ("shares.col.id", "id"),
                    ("shares.col.sender", "sender"),
                    ("shares.col.basis", "basis"),
                    ("shares.col.state", "state"),
                    ("shares.col.categories", "cats"),
                )
                yield Static("", id="shares-note")
            with TabPane(t("room.tab.plan"), id="plan"):
                yield _table(
                    "plan-table",
                    ("plan.col.title", "title"),
                    ("plan.col.kind", "kind"),
                    ("plan.col.owner", "owner"),
                    ("plan.col.due", "due"),
                )
                yield Static("", id="plan-note")
            with TabPane(t("room.tab.revocation"), id="revocation"):
                yield Static("", id="matrix-text")
                yield ProgressBar(id="matrix-progress", show_eta=False)
                yield _table("matrix-table", ("matrix.col.share", "share"))
                yield Static("", id="matrix-outstanding")
                yield Static(t("matrix.legend"), classes="note")

    def on_mount(self) -> None:
        self.load()
        self.set_interval(self.capp.poll, self.load)

    def on_screen_resume(self) -> None:
        if self.stale and self.doc:
            self.render_room()
        self.load()

    @on(TabbedContent.TabActivated)
    def tab_shown(self) -> None:
        if self.doc:
            self.render_room()

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    # -- data ------------------------------------------------------------------------------

    @work(exit_on_error=False, exclusive=True, group="poll")
    async def load(self) -> None:
        if not self.capp.api.logged_in:
            return
        await self.capp.api.ensure_context()
        try:
            doc = await self.capp.get(f"/v1/rooms/{self.room}")
        except NodeUnreachable:
            return
        except ApiError as exc:
            self.query_one("#room-header", Static).update(plain(describe(exc)))
            return
        if doc == self.doc:
            return
        self.doc = doc
        if self.is_current:
            self.render_room()
        else:  # under a form: draw when the room shows again, not now
            self.stale = True

    @property
    def me(self) -> str:
        return str(self.capp.api.me.get("node", ""))

    @property
    def my_org(self) -> str:
        return str(self.capp.api.me.get("org", ""))

    @property
    def status(self) -> str:
        return str(self.doc.get("status") or self.doc.get("phase", ""))

    def room_basis(self) -> dict[str, Any]:
        api = self.capp.api
        for b in self.doc.get("bases", []):
            basis = api.basis(b)
            if basis.get("kind") == "room":
                return basis
        return {}

    def render_room(self) -> None:
        d = self.doc
        header = t(
            "room.header",
            case=d.get("case", ""),
            status=fmt.status_word(self.status),
            chair=d.get("chair", ""),
            epoch=d.get("epoch", 0),
            meeting=fmt.when(d.get("meeting")),
            outcome=t("room.outcome", outcome=fmt.word("outcome", d["outcome"]))
            if d.get("outcome")
            else "",
        )
        self.query_one("#room-header", Static).update(plain(header))
        self.stale = False
        # Only the tab on screen is drawn, and only when what it shows changed: a
        # room with many shares and a burst of receipts must not stall the keyboard.
        d = self.doc
        sources = {
            "members": (d.get("members"), d.get("invited")),
            "intake": (
                d.get("phase"),
                d.get("assessments"),
                d.get("consents"),
                d.get("invited"),
                d.get("members"),
            ),
            "timeline": (
                d.get("timeline"),
                [(s["id"], s.get("created")) for s in d.get("shares", [])],
            ),
            "shares": d.get("shares"),
            "plan": d.get("plan"),
            "revocation": (
                d.get("phase"),
                d.get("shares"),
                d.get("closed_receipts"),
                d.get("members"),
            ),
        }
        active = self.query_one("#tabs", TabbedContent).active or "members"
        if self.drawn.get(active) != sources[active]:
            getattr(self, f"render_{active}")()
            self.drawn[active] = sources[active]

    @staticmethod
    def _refill(table: DataTable[Any], rows: list[tuple[str, list[Any], int]]) -> None:
        row = table.cursor_row
        table.clear()
        for key, cells, height in rows:
            table.add_row(*(plain(c) for c in cells), key=key, height=height)
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))

    def render_members(self) -> None:
        rows: list[tuple[str, list[Any], int]] = []
        for m in self.doc.get("members", []):
            rows.append(
                (
                    m["node"],
                    [
                        m["node"],
                        str(m.get("name", ""))[:18],
                        fmt.word("role", m.get("role")),
                        fmt.fingerprint_lines(m.get("fingerprint")),
                        str(m.get("epoch_since", "")),
                    ],
                    2,
                )
            )
        for m in self.doc.get("invited", []):
            rows.append(
                (
                    "invited:" + m["node"],
                    [
                        m["node"],
                        str(m.get("name", ""))[:18],
                        f"{t('room.invited')}: {fmt.word('role', m.get('role'))}",
                        fmt.fingerprint_lines(m.get("fingerprint")),
                        "–",
                    ],
                    2,
                )
            )
        self._refill(self.query_one("#members-table", DataTable), rows)

    def intake_orgs(self) -> list[str]:
        intake = self.room_basis().get("intake") or {}
        return list(intake.get("by") or [])

    def render_intake(self) -> None:
        d = self.doc
        orgs = self.intake_orgs()
        assessments = d.get("assessments", {})
        text = self.query_one("#intake-text", Static)
        if not orgs:
            text.update(t("intake.no_intake"))
        elif d.get("phase") == "intake":
            text.update(t("intake.open_when", orgs=", ".join(orgs)))
        else:
            text.update(t("intake.is_open"))
        rows = [
            (
                org,
                [
                    org,
                    fmt.word("verdict", assessments[org])
                    if org in assessments
                    else t("intake.waiting"),
                ],
                1,
            )
            for org in orgs
        ]
        self._refill(self.query_one("#intake-table", DataTable), rows)
        needed = list(self.room_basis().get("third_party_consent") or [])
        lines = []
        consents = d.get("consents", {})
        for m in [*d.get("invited", []), *d.get("members", [])]:
            if m.get("role") != "derde":
                continue
            given = consents.get(m["node"], [])
            lines.append(
                t(
                    "intake.consent_line",
                    subject=m["node"],
                    role=fmt.word("role", "derde"),
                    given=", ".join(given) or t("app.none"),
                    needed=", ".join(needed) or t("app.none"),
                )
            )
        body = t("intake.consents") + ":\n" + "\n".join(lines) if lines else ""
        self.query_one("#consent-text", Static).update(body)

    def render_timeline(self) -> None:
        entries: list[tuple[int, str, list[Any]]] = []
        for e in self.doc.get("timeline", []):
            detail = dict(e.get("detail") or {})
            kind = str(e.get("kind", ""))
            entries.append(
                (
                    int(e.get("at") or 0),
                    f"e{e.get('seq')}",
                    [
                        str(e.get("seq", "")),
                        fmt.when(e.get("at")),
                        e.get("by", ""),
                        self.event_text(kind, detail),
                    ],
                )
            )
        for s in self.doc.get("shares", []):
            entries.append(
                (
                    int(s.get("created") or 0),
                    f"s{s['sender']}/{s['id']}",
                    [
                        "",
                        fmt.when(s.get("created")),
                        s["sender"],
                        t("event.share", id=fmt.short(s["id"]), basis=s.get("basis", "")),
                    ],
                )
            )
        entries.sort(key=lambda e: e[0])
        self._refill(
            self.query_one("#timeline-table", DataTable), [(k, c, 1) for _, k, c in entries]
        )

    @staticmethod
    def event_text(kind: str, detail: dict[str, Any]) -> str:
        fields = {
            "node": detail.get("node", "?"),
            "role": fmt.word("role", detail.get("role", "deelnemer")),
            "epoch": detail.get("epoch", "?"),
            "verdict": fmt.word("verdict", detail.get("verdict", "?")),
            "subject": detail.get("subject", "?"),
            "outcome": fmt.word("outcome", detail.get("outcome", "?")),
            "kind": kind,
        }
        try:
            return t(f"event.{kind}", **fields)
        except KeyError:
            return t("event.other", kind=kind)

    def share_state(self, s: dict[str, Any]) -> str:
        if s.get("own"):
            deliveries = s.get("deliveries", {})
            total = len(deliveries)
            if s.get("revoked_at"):
                done = sum(1 for v in deliveries.values() if v == "deleted")
                return t("shares.own_revoked", done=done, total=total)
            done = sum(1 for v in deliveries.values() if v in ("delivered", "deleted"))
            return t("shares.own_state", done=done, total=total)
        if not s.get("readable"):
            return t("shares.gone")
        return t("shares.read") if s.get("viewed") else t("shares.unread")

    def render_shares(self) -> None:
        rows = []
        for s in self.doc.get("shares", []):
            sender = s["sender"] + (" (*)" if s.get("own") else "")
            rows.append(
                (
                    f"{s['sender']}/{s['id']}",
                    [
                        fmt.short(s["id"]),
                        sender,
                        s.get("basis", ""),
                        self.share_state(s),
                        ", ".join(s.get("categories", [])),
                    ],
                    1,
                )
            )
        self._refill(self.query_one("#shares-table", DataTable), rows)
        self.query_one("#shares-note", Static).update("" if rows else t("shares.empty"))

    def render_plan(self) -> None:
        rows = []
        for p in self.doc.get("plan", []):
            rows.append(
                (
                    p["item"],
                    [
                        p.get("title", ""),
                        fmt.word("measure", p.get("measure") or p.get("kind", "")),
                        p.get("owner") or "",
                        fmt.day(p.get("due")),
                    ],
                    1,
                )
            )
        self._refill(self.query_one("#plan-table", DataTable), rows)
        self.query_one("#plan-note", Static).update("" if rows else t("plan.empty"))

    # -- the revocation matrix ---------------------------------------------------------

    def matrix(self) -> tuple[list[str], list[tuple[str, list[str]]], int, int, list[str]]:
        """Columns, rows, confirmations done, expected, and the partners outstanding."""
        d = self.doc
        closed = d.get("phase") == "closed"
        own = [s for s in d.get("shares", []) if s.get("own")]
        others = sorted(
            {m["node"] for m in d.get("members", []) if m["node"] != self.me}
            | {r for s in own for r in s.get("deliveries", {})}
        )
        receipts = set(d.get("closed_receipts", []))
        rows: list[tuple[str, list[str]]] = []
        done = total = 0
        outstanding: set[str] = set()
        for s in own:
            deliveries = s.get("deliveries", {})
            cells = [fmt.short(s["id"])]
            for node in others:
                state = deliveries.get(node)
                cells.append(fmt.word("matrix", state) if state else "–")
                if state is None:
                    continue
                if closed or s.get("revoked_at"):
                    total += 1
                    if state == "deleted":
                        done += 1
                    else:
                        outstanding.add(node)
            rows.append((s["id"], cells))
        if closed:
            cells = [t("matrix.closed_row")]
            for node in others:
                total += 1
                if node in receipts:
                    done += 1
                    cells.append(t("matrix.closed_yes"))
                else:
                    outstanding.add(node)
                    cells.append(t("matrix.closed_no"))
            rows.append(("closed", cells))
        return others, rows, done, total, sorted(outstanding)

    def render_revocation(self) -> None:
        columns, rows, done, total, outstanding = self.matrix()
        closed = self.doc.get("phase") == "closed"
        table = self.query_one("#matrix-table", DataTable)
        keys = [str(c.key.value) for c in table.columns.values()]
        if keys != ["share", *columns]:
            table.clear(columns=True)
            table.add_column(t("matrix.col.share"), key="share")
            for node in columns:
                table.add_column(node, key=node)
        self._refill(table, [(k, c, 1) for k, c in rows])
        bar = self.query_one("#matrix-progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done if total else 0)
        text = self.query_one("#matrix-text", Static)
        out = self.query_one("#matrix-outstanding", Static)
        if closed:
            text.update(t("matrix.progress", done=done, total=total))
            out.update(
                t("matrix.complete")
                if not outstanding
                else t("matrix.outstanding", nodes=", ".join(outstanding))
            )
        else:
            text.update(t("matrix.not_closed") if rows else t("matrix.none"))
            out.update(t("matrix.progress", done=done, total=total) if total else "")

    # -- actions -----------------------------------------------------------------------

    def _chair_only(self) -> bool:
        if self.doc.get("chair") != self.me:
            self.notify(
                markup=False,
                message=t("room.not_chair", chair=self.doc.get("chair", "?")),
                severity="warning",
            )
            return False
        return True

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_share(self) -> None:
        await self.capp.api.ensure_context()
        from .forms import ComposeScreen

        if self.doc.get("phase") != "open":
            self.notify(markup=False, message=t("room.not_open"), severity="warning")
            return
        self.app.push_screen(ComposeScreen(self.doc), lambda _: self.load())

    def action_assess(self) -> None:
        from .forms import AssessScreen

        if self.my_org not in self.intake_orgs():
            self.notify(
                markup=False, message=t("assess.not_yours", org=self.my_org), severity="warning"
            )
            return
        self.app.push_screen(AssessScreen(self.doc), lambda _: self.load())

    def action_consent(self) -> None:
        from .forms import ConsentScreen

        needed = self.room_basis().get("third_party_consent") or []
        consents = self.doc.get("consents", {})
        waiting = [
            m["node"]
            for m in self.doc.get("invited", [])
            if m.get("role") == "derde"
            and self.my_org in needed
            and self.my_org not in consents.get(m["node"], [])
        ]
        if not waiting:
            self.notify(markup=False, message=t("consent.none"))
            return
        self.app.push_screen(ConsentScreen(self.doc, waiting), lambda _: self.load())

    @work(exit_on_error=False, exclusive=True, group="form")
    async def action_invite(self) -> None:
        await self.capp.api.ensure_context()
        from .forms import InviteScreen

        if self._chair_only():
            self.app.push_screen(InviteScreen(self.doc), lambda _: self.load())

    def action_plan(self) -> None:
        from .forms import PlanItemScreen

        if not self._chair_only():
            return
        if self.doc.get("phase") != "open":
            self.notify(markup=False, message=t("room.not_open"), severity="warning")
            return
        self.app.push_screen(PlanItemScreen(self.doc), lambda _: self.load())

    def action_close_room(self) -> None:
        from .forms import CloseScreen

        if self._chair_only() and self.doc.get("phase") != "closed":

            def closed(result: Any) -> None:
                if result:
                    self.action_tab("revocation")
                self.load()

            self.app.push_screen(CloseScreen(self.doc), closed)

    def selected_share(self) -> dict[str, Any] | None:
        table = self.query_one("#shares-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        for s in self.doc.get("shares", []):
            if f"{s['sender']}/{s['id']}" == key:
                return dict(s)
        return None

    def action_revoke(self) -> None:
        from .forms import ConfirmScreen

        on_shares = self.query_one("#tabs", TabbedContent).active == "shares"
        share = self.selected_share() if on_shares else None
        if not share or not share.get("own") or share.get("revoked_at"):
            self.action_tab("shares")
            self.notify(markup=False, message=t("revoke.pick"), severity="warning")
            return

        def confirmed(yes: Any) -> None:
            if yes:
                self.revoke(share["id"])

        self.app.push_screen(
            ConfirmScreen(t("revoke.confirm", id=fmt.short(share["id"]))), confirmed
        )

    @work(exit_on_error=False, group="action")
    async def revoke(self, share_id: str) -> None:
        try:
            doc = await self.capp.post(f"/v1/rooms/{self.room}/revoke", {"shares": [share_id]})
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc), severity="error")
            return
        self.notify(markup=False, message=t("revoke.done", n=doc.get("revoked", 0)))
        self.load()

    @on(DataTable.RowSelected, "#shares-table")
    def view_share(self, event: DataTable.RowSelected) -> None:
        from .forms import ViewScreen

        key = str(event.row_key.value)
        sender, _, share_id = key.partition("/")
        self.app.push_screen(ViewScreen(self.room, sender, share_id), lambda _: self.load())

    def action_audit(self) -> None:
        self.app.push_screen(AuditScreen(self.room, str(self.doc.get("case", ""))))

    @work(exclusive=True, group="action", exit_on_error=False)
    async def action_export(self) -> None:
        try:  # the node records the export in its audit log
            doc = await self.capp.post(f"/v1/rooms/{self.room}/plan/export")
            path = self.export_plan(Path.cwd(), doc)
        except (ApiError, NodeUnreachable) as exc:
            self.notify(markup=False, message=describe(exc), severity="error")
            return
        except OSError as exc:
            self.notify(
                markup=False, message=t("error.generic", message=str(exc)), severity="error"
            )
            return
        self.notify(markup=False, message=t("plan.exported", path=path))

    @staticmethod
    def export_plan(folder: Path, d: dict[str, Any]) -> Path:
        """The plan van aanpak as Markdown for the ZVH's file: case reference, no names."""
        case = str(d.get("case", "casus"))
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", case)
        path = folder / f"plan-van-aanpak-{safe}.md"
        lines = [
            f"# {t('plan.md_title', case=case)}",
            "",
            t(
                "plan.md_meta",
                case=case,
                chair=d.get("chair", ""),
                bases=", ".join(d.get("bases", [])),
                at=fmt.when(int(time.time())),
            ),
            "",
            "| " + " | ".join(t(f"plan.col.{c}") for c in ("title", "kind", "owner", "due")) + " |",
            "|---|---|---|---|",
        ]
        for p in d.get("plan", []):
            title = str(p.get("title", "")).replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {title} | {fmt.word('measure', p.get('measure') or p.get('kind', ''))}"
                f" | {p.get('owner') or ''} | {fmt.day(p.get('due'))} |"
            )
        lines += ["", f"_{t('plan.md_note')}_", ""]
        # plan titles are free text: readable by this user only
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        return path
