"""Afscherming (Wet PGA art. 6 lid 3, art. 7, art. 9): what a closure leaves at this
node, sealed, opened only for a recorded purpose, and destroyed at the latest at the
art. 9 date unless a legal hold is recorded. Also the plan exports in the node's
exports folder, and the warning before an open room's term ends.

At closure (``Closure.finish``, before the own plaintext is dropped and the room keys
are destroyed) the node seals:

- its **supplier record** of the room: per verstrekking it supplied and had not
  revoked, its id, time, basis, categories, recipients and content;
- at the gemeente van verblijf (``state.verblijf``, or the chair when it is the
  gemeente; also when the ZVH chairs), the **integrated record**: the intake decision
  (the rulings and their reasoning it can open), the plan with its history and the
  verslagen (``Plan.record``), the closing decision (outcome, closing note, who
  signed) and the index of verstrekkingen (metadata, no content).

Each record is sealed under a fresh random key that is stored only wrapped under a
key derived from the node's master key; :meth:`Shielded.open` unwraps it only with a
purpose (:data:`PURPOSES`) and a reason, and audits the opening
(``shielded_opened``: record, room, case, purpose; never the content). The FG (staff
role ``fg``) lists the records and their openings, records and lifts a legal hold,
and decides destruction; staff of the chair's node assigned to the room may decide
destruction too. The FG never sees content.

Owns the ``shielded_sealed``, ``shielded_opened``, ``shielded_held``,
``shielded_released``, ``shielded_destroyed``, ``export_destroyed`` and
``retention_warning`` audit actions.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox

from node.domain import staff as staffmod
from node.domain.context import Context
from node.domain.staff import ForbiddenError, Staff
from node.errors import NotAllowedError, NotFoundError
from node.store import shares as share_tables
from node.store import shielded as tables
from protocol.chain import RoomState
from protocol.errors import LocalProtocolError, StorageError
from protocol.verblijf import VERBLIJF_ORG

PURPOSES = ("overdracht", "rechtsvordering", "inzageverzoek", "nieuwe_aanmelding")
"""Why a shielded record is opened: a transfer to another gemeente (art. 7), a legal
claim, an access request of the person, a new aanmelding of the same person."""

FG_ROLE = "fg"
DAY = 86400
WARN_BEFORE = 90 * DAY
"""An open room's term warning comes this long before the term ends; a room that is
not closed is purged no earlier than this long after its warning."""
MAX_REASON = 500
KINDS = ("supplier", "gemeente")
EXPORTS = "exports"


class ShieldedError(LocalProtocolError):
    """Opening or deciding on a shielded record needs a purpose and a reason; nothing
    was opened or changed."""

    code = "shielded.invalid"


class ShieldedForbiddenError(ForbiddenError):
    """Only staff assigned to the room open a shielded record (never the FG); only the
    FG records or lifts a legal hold; only the FG or the chair's staff destroy."""

    code = "shielded.forbidden"


class ShieldedNotFoundError(NotFoundError):
    """There is no such shielded record here (it may have been destroyed)."""

    code = "shielded.not_found"


class ShieldedHeldError(NotAllowedError):
    """A legal hold is recorded on this shielded record: it is not destroyed until the
    hold is lifted."""

    code = "shielded.held"


class ExportClosedError(NotAllowedError):
    """After closure the plan is exported only from the gemeente's integrated record,
    with a purpose and a reason."""

    code = "shielded.export_closed"


class IntakeView(Protocol):
    def view(self, staff: Staff, room: bytes) -> dict[str, Any]: ...


class PlanRecord(Protocol):
    def record(self, room: bytes) -> dict[str, Any]: ...

    def export(self, staff: Staff, room: bytes) -> dict[str, Any]: ...


class Shielded:
    def __init__(self, ctx: Context, intake: IntakeView, plan: PlanRecord) -> None:
        self.ctx = ctx
        self.intake = intake
        self.plan = plan

    # -- sealing at closure (Closure.finish, caller's transaction) ---------------------------

    def seal_at_closure(self, state: RoomState) -> None:
        """Seal this node's supplier record and, at the gemeente van verblijf, the
        integrated record; at a node that keeps no integrated record the room's plan
        exports go (a recipient's copy ends at closure)."""
        ctx = self.ctx
        room = state.room
        if tables.of_room(ctx.store, room):
            return  # sealed already (finish is idempotent)
        supplied = self._supplied_now(room)
        if supplied:
            self._seal(state, "supplier", {"supplied": supplied})
        if self.keeps_integrated(state):
            self._seal(state, "gemeente", self._integrated_now(state))
        else:
            self._destroy_exports(room, reason="gesloten")

    def keeps_integrated(self, state: RoomState) -> bool:
        """Whether this node is the gemeente van verblijf of the room (or, where the
        basis names none, its gemeente chair)."""
        me = self.ctx.me
        if state.verblijf is not None:
            return state.verblijf == me
        member = self.ctx.roster.by_node.get(me)
        return state.chair == me and member is not None and member.org == VERBLIJF_ORG

    def _supplied_now(self, room: bytes) -> list[dict[str, Any]]:
        ctx = self.ctx
        out = []
        for row in share_tables.own_unrevoked(ctx.store, room):
            sealed = share_tables.kept_plaintext(ctx.store, row["id"])
            if sealed is None:
                continue
            meta = tables.share_meta(ctx.store, row["id"])
            content = _kept(ctx.master.open("share", sealed))
            out.append(dict(meta, share=bytes(row["id"]).hex(), content=content))
        return out

    def _integrated_now(self, state: RoomState) -> dict[str, Any]:
        ctx = self.ctx
        room = state.room
        node_staff = Staff(name=ctx.me, function="node", intake=False)
        intake = self.intake.view(node_staff, room)
        rulings = intake.get("rulings", [])
        closing = next((r for r in reversed(rulings) if r.get("stage") == "afsluiting"), None)
        return {
            "intake": {k: intake.get(k) for k in ("stage", "assessments", "named")}
            | {"rulings": [r for r in rulings if r.get("stage") != "afsluiting"]},
            "plan": self.plan.record(room),
            "closing": {
                "outcome": state.outcome,
                "closed_at": state.closed_at,
                "note": closing.get("reasoning") if closing else None,
                "signed_by": closing.get("endorsed", []) if closing else [],
                "proposed_at": closing.get("at") if closing else None,
            },
            "verstrekkingen": tables.share_index(ctx.store, room),
        }

    def _seal(self, state: RoomState, kind: str, content: dict[str, Any]) -> bytes:
        ctx = self.ctx
        record = ctx.rand(16)
        key = ctx.rand(32)
        body = json.dumps(
            {"room": state.room.hex(), "case": state.case, "chair": state.chair,
             "bases": list(state.bases), **content},
            ensure_ascii=False, sort_keys=True,
        ).encode()  # fmt: skip
        destroy_by = ctx.store.one("SELECT purge_after FROM rooms WHERE room = ?", (state.room,))
        tables.insert(
            ctx.store,
            {
                "id": record,
                "room": state.room,
                "case_ref": state.case,
                "kind": kind,
                "created": ctx.now(),
                "destroy_by": int(destroy_by or ctx.now()),
                "wrapped": self._box().encrypt(record + key, ctx.rand(24)),
                "sealed": SecretBox(key).encrypt(record + body, ctx.rand(24)),
            },
        )
        ctx.audit(
            actor=ctx.me, action="shielded_sealed", room=state.room, case_ref=state.case,
            record=record.hex(), kind=kind,
        )  # fmt: skip
        return record

    def _box(self) -> SecretBox:
        return SecretBox(self.ctx.master.derive("casusnet/shielded"))

    def _unseal(self, row: dict[str, Any]) -> dict[str, Any]:
        record = bytes(row["id"])
        try:
            unwrapped = self._box().decrypt(bytes(row["wrapped"]))
            if unwrapped[:16] != record:
                raise NaclCryptoError()
            plain = SecretBox(unwrapped[16:]).decrypt(bytes(row["sealed"]))
        except NaclCryptoError:
            raise ShieldedNotFoundError("the record does not open with this node's key") from None
        if plain[:16] != record:
            raise ShieldedNotFoundError("the record does not open with this node's key")
        content: dict[str, Any] = json.loads(plain[16:])
        return content

    # -- opening for a purpose --------------------------------------------------------------

    def open(self, staff: Staff, record: bytes, *, purpose: Any, reason: Any) -> dict[str, Any]:
        """A record's content, for a purpose and a reason; audited (``shielded_opened``)."""
        ctx = self.ctx
        purpose, reason = _purpose(purpose), _reason(reason)
        row = self._row(record)
        if FG_ROLE in staff.roles:
            raise ShieldedForbiddenError("the FG sees the metadata, never the content")
        if not staffmod.may_see(ctx.store, row["room"], staff.name):
            raise ShieldedForbiddenError("only staff assigned to the room open its record")
        content = self._unseal(row)
        with ctx.store.transaction():
            tables.add_opening(
                ctx.store, record, at=ctx.now(), staff=staff.name, purpose=purpose, reason=reason
            )
            ctx.audit(
                actor=staff.name, action="shielded_opened", room=row["room"],
                case_ref=row["case_ref"], record=record.hex(), kind=row["kind"], purpose=purpose,
            )  # fmt: skip
        return dict(_meta(row), content=content)

    def supplied(
        self, staff: Staff, room: bytes, *, purpose: str, reason: str
    ) -> list[dict[str, Any]]:
        """This node's supplied verstrekkingen of a closed room (its supplier record),
        opened for a purpose (audited). Each: ``share`` (bytes), ``content`` (as
        ``Shares.view_share`` gives an own share's content), ``basis``, ``categories``,
        ``recipients``, ``at``. Empty when this node supplied nothing that was kept."""
        row = self._of_kind(room, "supplier")
        if row is None:
            _purpose(purpose), _reason(reason)
            return []
        opened = self.open(staff, bytes(row["id"]), purpose=purpose, reason=reason)
        return [dict(s, share=bytes.fromhex(s["share"])) for s in opened["content"]["supplied"]]

    def integrated(self, staff: Staff, room: bytes, *, purpose: str, reason: str) -> dict[str, Any]:
        """The gemeente's integrated record of a closed room, opened for a purpose
        (audited): ``intake``, ``plan``, ``closing``, ``verstrekkingen``, and the room's
        ``case``, ``chair``, ``bases``."""
        row = self._of_kind(room, "gemeente")
        if row is None:
            raise ShieldedNotFoundError("this node keeps no integrated record of the room")
        content: dict[str, Any] = self.open(
            staff, bytes(row["id"]), purpose=purpose, reason=reason
        )["content"]
        return content

    def _of_kind(self, room: bytes, kind: str) -> dict[str, Any] | None:
        return next((r for r in tables.of_room(self.ctx.store, room) if r["kind"] == kind), None)

    # -- the FG: the list, a legal hold, destruction ---------------------------------------

    def listing(self, staff: Staff) -> list[dict[str, Any]]:
        """The records' metadata (the FG: all of them, with their openings; other staff:
        those of rooms they are assigned to). Never content."""
        ctx = self.ctx
        fg = FG_ROLE in staff.roles
        out = []
        for row in tables.listing(ctx.store):
            if not fg and not staffmod.may_see(ctx.store, row["room"], staff.name):
                continue
            entry = dict(_meta(row), openings=row["openings"])
            if fg:
                entry["opened"] = tables.openings(ctx.store, bytes(row["id"]))
            out.append(entry)
        return out

    def hold(self, staff: Staff, record: bytes, *, reason: Any) -> dict[str, Any]:
        """Record a legal hold (the FG): no purge destroys the record, nor the room's
        metadata and audit entries it needs, until it is lifted."""
        reason = _reason(reason)
        self._require_fg(staff)
        row = self._row(record)
        with self.ctx.store.transaction():
            tables.set_hold(self.ctx.store, record, reason, self.ctx.now(), staff.name)
            self._audit(staff, row, "shielded_held")
        return _meta(self._row(record))

    def release(self, staff: Staff, record: bytes) -> dict[str, Any]:
        """Lift a legal hold (the FG); a record past its date goes at the next run."""
        self._require_fg(staff)
        row = self._row(record)
        with self.ctx.store.transaction():
            tables.set_hold(self.ctx.store, record, None, None, None)
            self._audit(staff, row, "shielded_released")
        return _meta(self._row(record))

    def destroy(self, staff: Staff, record: bytes, *, reason: Any) -> None:
        """Destroy a record no longer necessary (an FG or chair decision)."""
        ctx = self.ctx
        reason = _reason(reason)
        row = self._row(record)
        held_here = ctx.store.one("SELECT 1 FROM rooms WHERE room = ?", (row["room"],))
        state = ctx.state(row["room"]) if held_here else None
        chair_staff = (
            state is not None
            and state.chair == ctx.me
            and staffmod.may_see(ctx.store, row["room"], staff.name)
        )
        if FG_ROLE not in staff.roles and not chair_staff:
            raise ShieldedForbiddenError("the FG or the chair's staff decide destruction")
        if row["hold"] is not None:
            raise ShieldedHeldError()
        with ctx.store.transaction():
            self._destroy(row, actor=staff.name, why="besluit")
            ctx.store.after_commit(self.shred)

    def _destroy(self, row: dict[str, Any], *, actor: str, why: str) -> None:
        """Destroy a record (caller's transaction) and, once none of the room's records
        is left, the room's plan exports."""
        ctx = self.ctx
        tables.delete(ctx.store, bytes(row["id"]))
        ctx.audit(
            actor=actor, action="shielded_destroyed", room=row["room"], case_ref=row["case_ref"],
            record=bytes(row["id"]).hex(), kind=row["kind"], why=why,
        )  # fmt: skip
        if not tables.of_room(ctx.store, row["room"]):
            self._destroy_exports(row["room"], reason=why)

    def shred(self) -> None:
        """Truncate the WAL so that a destroyed record leaves no copy (the retention
        job tries again when it fails: ``Closure.shred``)."""
        with contextlib.suppress(StorageError):
            self.ctx.store.checkpoint()

    def _require_fg(self, staff: Staff) -> None:
        if FG_ROLE not in staff.roles:
            raise ShieldedForbiddenError("only the FG records or lifts a legal hold")

    def _row(self, record: bytes) -> dict[str, Any]:
        row = tables.get(self.ctx.store, record)
        if row is None:
            raise ShieldedNotFoundError()
        return row

    def _audit(self, staff: Staff, row: dict[str, Any], action: str) -> None:
        self.ctx.audit(
            actor=staff.name, action=action, room=row["room"], case_ref=row["case_ref"],
            record=bytes(row["id"]).hex(), kind=row["kind"],
        )  # fmt: skip

    # -- retention (the retention job) -----------------------------------------------------

    def purge_due(self) -> int:
        """Destroy the records past their art. 9 date that no legal hold keeps; returns
        how many."""
        ctx = self.ctx
        due = tables.due(ctx.store, ctx.now())
        if not due:
            return 0
        with ctx.store.transaction():
            for row in due:
                self._destroy(row, actor=ctx.me, why="termijn")
            ctx.store.after_commit(self.shred)
        return len(due)

    def room_purged(self, room: bytes) -> None:
        """The room's metadata is purged (caller's transaction): what is left of its
        records and exports goes with it."""
        for row in tables.of_room(self.ctx.store, room):
            self._destroy(row, actor=self.ctx.me, why="termijn")
        self._destroy_exports(room, reason="termijn")

    def kept_from_purge(self, now: int) -> set[bytes]:
        """Rooms the metadata purge must leave: those with a record under a legal hold,
        and rooms not closed whose term warning is younger than :data:`WARN_BEFORE` (an
        open room is never purged silently)."""
        kept = tables.held_rooms(self.ctx.store)
        for row in self.ctx.store.rows(
            "SELECT room, term_warned FROM rooms WHERE phase != 'closed' AND purge_after < ?",
            (now,),
        ):
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

    # -- the plan export ------------------------------------------------------------------

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
            purpose = _purpose(purpose) if purpose not in (None, "") else None
        else:
            if self._of_kind(room, "gemeente") is None:
                raise ExportClosedError()
            record = self.integrated(staff, room, purpose=purpose, reason=reason)
            doc = {
                "case": state.case, "chair": state.chair,
                "controller": state.verblijf or state.chair, "bases": list(state.bases),
                "phase": state.phase, "plan": _plan_items(record.get("plan", {})),
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

    def _destroy_exports(self, room: bytes, *, reason: str) -> None:
        ctx = self.ctx
        folder = ctx.config.data_dir / EXPORTS
        for row in tables.live_exports(ctx.store, room):
            (folder / row["file"]).unlink(missing_ok=True)
            tables.mark_export_destroyed(ctx.store, row["id"], ctx.now())
            ctx.audit(
                actor=ctx.me, action="export_destroyed", room=room,
                export=bytes(row["id"]).hex(), why=reason,
            )  # fmt: skip


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
    day = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d")
    return f"plan-van-aanpak-{safe}-{day}-{export.hex()[:8]}.md"


def _plan_items(plan: dict[str, Any]) -> list[dict[str, Any]]:
    items = plan.get("measures", plan.get("items", []))
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def render_markdown(doc: dict[str, Any], now: int) -> str:
    """The plan van aanpak as Markdown, in Dutch: the case reference, never a name."""

    def cell(value: Any) -> str:
        return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")

    def day(value: Any) -> str:
        if not isinstance(value, int):
            return ""
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%d")

    lines = [
        f"# Integraal plan van aanpak {doc.get('case', '')}",
        "",
        f"Casus {doc.get('case', '')}; voorzitter {doc.get('chair', '')};"
        f" grondslagen {', '.join(doc.get('bases', []))}; geëxporteerd {day(now)} (UTC).",
        "",
        "| Onderwerp | Soort | Uitvoerder | Uiterlijk |",
        "|---|---|---|---|",
    ]
    for p in doc.get("plan", []):
        lines.append(
            f"| {cell(p.get('title'))} | {cell(p.get('measure') or p.get('kind'))}"
            f" | {cell(p.get('owner'))} | {day(p.get('due'))} |"
        )
    closing = doc.get("closing")
    if isinstance(closing, dict):
        outcome, at = cell(closing.get("outcome")), day(closing.get("closed_at"))
        lines += ["", f"Afgesloten: {outcome} op {at}."]
    lines += ["", "_Vertrouwelijk: alleen voor het dossier van de casus._", ""]
    return "\n".join(lines)


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "record": bytes(row["id"]).hex(),
        "room": bytes(row["room"]).hex(),
        "case": row["case_ref"],
        "kind": row["kind"],
        "created": row["created"],
        "destroy_by": row["destroy_by"],
        "hold": row["hold"] is not None,
        "hold_reason": row["hold"],
        "hold_at": row["hold_at"],
    }


def _kept(plain: bytes) -> dict[str, Any]:
    try:
        content: dict[str, Any] = json.loads(plain)
    except ValueError:  # kept by an earlier version: the summary only
        return {"summary": plain.decode()}
    return content


def _purpose(value: Any) -> str:
    if not isinstance(value, str) or value not in PURPOSES:
        raise ShieldedError(f"purpose: one of {', '.join(PURPOSES)}")
    return value


def _reason(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REASON:
        raise ShieldedError(f"reason: 1 to {MAX_REASON} characters")
    return value.strip()
