"""Afscherming (Wet PGA art. 6 lid 3, art. 7, art. 9): what a closure leaves at this
node, sealed, opened only for a recorded purpose, and destroyed at the latest at the
art. 9 date unless a legal hold is recorded.

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

The plan exports and the term warning are in ``node.domain.exports``. Owns the
``shielded_sealed``, ``shielded_opened``, ``shielded_held``, ``shielded_released``,
``shielded_destroyed`` and ``export_destroyed`` audit actions.
"""

from __future__ import annotations

import contextlib
import json
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


class IntakeView(Protocol):
    def view(self, staff: Staff, room: bytes) -> dict[str, Any]: ...


class PlanRecord(Protocol):
    def record(self, room: bytes) -> dict[str, Any]: ...


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
            destroy_exports(ctx, room, reason="gesloten")

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
        destroy_by = tables.terms(ctx.store).get(state.room)
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
        purpose, reason = check_purpose(purpose), _reason(reason)
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
            check_purpose(purpose), _reason(reason)
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

    def keeps_record(self, room: bytes, kind: str) -> bool:
        return self._of_kind(room, kind) is not None

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
        held_here = row["room"] in tables.terms(ctx.store)
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
            destroy_exports(ctx, row["room"], reason=why)

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
        destroy_exports(self.ctx, room, reason="termijn")


def destroy_exports(ctx: Context, room: bytes, *, reason: str) -> None:
    """Remove the room's plan exports from the exports folder (caller's transaction):
    with the room's shielded record, its metadata, or a recipient's closure."""
    folder = ctx.config.data_dir / EXPORTS
    for row in tables.live_exports(ctx.store, room):
        (folder / row["file"]).unlink(missing_ok=True)
        tables.mark_export_destroyed(ctx.store, row["id"], ctx.now())
        ctx.audit(
            actor=ctx.me, action="export_destroyed", room=room,
            export=bytes(row["id"]).hex(), why=reason,
        )  # fmt: skip


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


def check_purpose(value: Any) -> str:
    if not isinstance(value, str) or value not in PURPOSES:
        raise ShieldedError(f"purpose: one of {', '.join(PURPOSES)}")
    return value


def _reason(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REASON:
        raise ShieldedError(f"reason: 1 to {MAX_REASON} characters")
    return value.strip()
