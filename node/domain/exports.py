"""The plan export: the node writes the plan van aanpak into its private exports
folder (``<data dir>/exports``, mode 0700; files 0600; never the working directory)
and registers it (``exports``). After closure it exports only from the gemeente's
integrated record, for a purpose and a reason (an audited opening). Exports go with
the room's shielded record or metadata; a recipient's at its closure.

Also the warning before an open room's term ends (``retention_warning``): an open
room is never purged silently. Owns the ``retention_warning`` audit action.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from node.domain.context import Context
from node.domain.shielded import EXPORTS, Shielded, check_purpose
from node.domain.staff import Staff
from node.errors import NotAllowedError
from node.store import shielded as tables

DAY = 86400
WARN_BEFORE = 90 * DAY
"""An open room's term warning comes this long before the term ends; a room that is
not closed is purged no earlier than this long after its warning."""


class ExportClosedError(NotAllowedError):
    """After closure the plan is exported only from the gemeente's integrated record,
    with a purpose and a reason."""

    code = "shielded.export_closed"


class PlanExport(Protocol):
    def export(self, staff: Staff, room: bytes) -> dict[str, Any]: ...


class Exports:
    def __init__(self, ctx: Context, shielded: Shielded, plan: PlanExport) -> None:
        self.ctx = ctx
        self.shielded = shielded
        self.plan = plan

    def export(
        self, staff: Staff, room: bytes, *, purpose: Any = None, reason: Any = None
    ) -> dict[str, Any]:
        """Write the plan van aanpak into the node's exports folder and register it.
        A room that is not closed exports as it stands; after closure only the gemeente's
        integrated record exports, for a purpose and a reason (an audited opening)."""
        ctx = self.ctx
        state = ctx.state(room)
        if state.phase != "closed":
            doc = self.plan.export(staff, room)
            purpose = check_purpose(purpose) if purpose not in (None, "") else None
        else:
            if not self.shielded.keeps_record(room, "gemeente"):
                raise ExportClosedError()
            record = self.shielded.integrated(staff, room, purpose=purpose, reason=reason)
            doc = {
                "case": state.case, "chair": state.chair,
                "controller": state.verblijf or state.chair, "bases": list(state.bases),
                "phase": state.phase, "plan": [],
                "measures": _plan_items(record.get("plan", {})),
                "meetings": (record.get("plan") or {}).get("meetings", []),
                "closing": record.get("closing"),
            }  # fmt: skip
        export = ctx.rand(16)
        folder = exports_folder(ctx.config.data_dir)
        name = _file_name(state.case, ctx.now(), export)
        _write_private(folder / name, render_markdown(doc, ctx.now()))
        with ctx.store.transaction():
            tables.add_export(
                ctx.store,
                {"id": export, "room": room, "case_ref": state.case, "file": name,
                 "created": ctx.now(), "staff": staff.name, "purpose": purpose},
            )  # fmt: skip
        return dict(doc, export=export.hex(), path=str(folder / name), file=name)

    def kept_from_purge(self, now: int) -> set[bytes]:
        """Rooms the metadata purge must leave: those with a record under a legal hold,
        and rooms not closed whose term warning is younger than :data:`WARN_BEFORE` (an
        open room is never purged silently)."""
        kept = tables.held_rooms(self.ctx.store)
        for row in tables.open_past_term(self.ctx.store, now):
            if row["term_warned"] is None or row["term_warned"] + WARN_BEFORE > now:
                kept.add(bytes(row["room"]))
        return kept

    def warn_terms(self) -> int:
        """Record a ``retention_warning`` once for each room not closed whose term ends
        within :data:`WARN_BEFORE`; returns how many."""
        ctx = self.ctx
        now = ctx.now()
        rows = tables.unwarned_open_before(ctx.store, now + WARN_BEFORE)
        if not rows:
            return 0
        with ctx.store.transaction():
            for row in rows:
                tables.mark_warned(ctx.store, row["room"], now)
                ctx.audit(
                    actor=ctx.me, action="retention_warning", room=row["room"],
                    case_ref=row["case_ref"], term_ends=row["purge_after"],
                )  # fmt: skip
        return len(rows)


def exports_folder(data_dir: Path) -> Path:
    """The node's private exports folder (mode 0700), made when missing."""
    folder = data_dir / EXPORTS
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _file_name(case: str, now: int, export: bytes) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", case)
    day = datetime.fromtimestamp(now, dutch_time()).strftime("%Y%m%d")
    return f"plan-van-aanpak-{safe}-{day}-{export.hex()[:8]}.md"


def _plan_items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    items = plan.get("measures", plan.get("items", []))
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


AUTHORITY_NAMES = {
    "minister_jenv": "Minister van JenV",
    "nctv": "NCTV",
    "burgemeester": "burgemeester",
    "om": "Openbaar Ministerie",
}
"""The competent authority of a measure, as the export names it (none: the uitvoerder)."""


def _measures(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The living plan's measures (withdrawn ones left out), else an earlier node's plan
    items."""
    measures = doc.get("measures")
    if isinstance(measures, list):
        return [m for m in measures if isinstance(m, dict) and m.get("status") != "ingetrokken"]
    return [p for p in doc.get("plan", []) if isinstance(p, dict)]


def dutch_time() -> tzinfo:
    """Dates in the export are Dutch time (``CASUSNET_TZ`` overrides, as in the CLI)."""
    try:
        return ZoneInfo(os.environ.get("CASUSNET_TZ", "Europe/Amsterdam"))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def render_markdown(doc: dict[str, Any], now: int) -> str:
    """The plan van aanpak as Markdown, in Dutch: the case reference, never a name."""

    def cell(value: Any) -> str:
        return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")

    def day(value: Any) -> str:
        if not isinstance(value, int):
            return ""
        return datetime.fromtimestamp(value, dutch_time()).strftime("%Y-%m-%d")

    lines = [
        f"# Integraal plan van aanpak {doc.get('case', '')}",
        "",
        f"Casus {doc.get('case', '')}; voorzitter {doc.get('chair', '')};"
        f" grondslagen {', '.join(doc.get('bases', []))}; geëxporteerd {day(now)}.",
        "",
        "| Onderwerp | Soort | Uitvoerder | Uiterlijk | Status | Bevoegd gezag |",
        "|---|---|---|---|---|---|",
    ]
    for p in _measures(doc):
        lines.append(
            f"| {cell(p.get('title'))} | {cell(p.get('measure') or p.get('kind'))}"
            f" | {cell(p.get('uitvoerder') or p.get('owner'))} | {day(p.get('due'))}"
            f" | {cell(p.get('status'))}"
            f" | {cell(AUTHORITY_NAMES.get(p.get('authority') or '', p.get('authority')))} |"
        )
    meetings = [g for g in doc.get("meetings") or [] if isinstance(g, dict)]
    if meetings:
        lines += ["", "## Overleggen", ""]
        for g in meetings:
            lines.append(f"- Overleg {cell(g.get('meeting'))}, {day(g.get('at'))}")
            for point in g.get("agenda") or []:
                lines.append(f"  - agendapunt: {cell(point.get('title'))}")
            verslag = g.get("verslag")
            if isinstance(verslag, dict):
                lines.append(f"  - verslag: {cell(verslag.get('text'))}")
    closing = doc.get("closing")
    if isinstance(closing, dict):
        outcome, at = cell(closing.get("outcome")), day(closing.get("closed_at"))
        lines += ["", f"Afgesloten: {outcome} op {at}."]
    lines += ["", "_Vertrouwelijk: alleen voor het dossier van de casus._", ""]
    return "\n".join(lines)
