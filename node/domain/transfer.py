"""Transfer of a case to the casusoverleg of another gemeente (Wet PGA art. 7).

The gemeente of the case (the gemeente van verblijf of the room, the origin) starts a
transfer to another gemeente (the receiver) on one of the three grounds. In one
transaction it registers an **aanmelding** of the case with the receiver (the
receiving gemeente takes it in as any aanmelding: politie and OM serving it judge it
with it, ``node/domain/aanmelding.py``), sends the receiver the ``transfer`` (the
note and the plan it carries over, sealed to the receiver's node box key, and the
index of what is asked of whom), and asks every supplier of the room, itself
included, about **its own** verstrekkingen (``transfer_request``).

Each supplier's staff answer per verstrekking: **supply** (the node re-seals its own
content to the receiver's node box key, from the plaintext it kept of its share) or
**object** on zwaarwegende redenen (the reasons stay here, sealed with the master
key; the answer carries none). Both answers go to the receiver and, without content,
to the origin. After the deadline what was not answered counts as not supplied, on
every side (:meth:`Transfers.expire_due`), and later answers are refused.

Owns (with :mod:`node.domain.transfer_records`, which stores what arrives and shows
what is held) the ``transfers``, ``transfer_requests`` and ``transfer_items`` tables
and the audit actions ``transfer_started``, ``transfer_requested``, ``transfer_supplied``,
``transfer_objected``, ``transfer_received``, ``transfer_answer_received``,
``transfer_viewed``, ``transfer_expired`` and ``transfer_purged``.

Retention: the receiver's transfer follows the aanmelding it came with (it goes when
that aanmelding goes); the origin keeps only metadata (no note, no plan, no
content), as long as it holds the room; a supplier's request as long as it holds the
room.
"""

from __future__ import annotations

import json
from typing import Any

from node.domain import staff as staffmod
from node.domain.aanmelding import ROLES as INTAKE_ROLES
from node.domain.aanmelding import Aanmeldingen
from node.domain.context import Context
from node.domain.plan import Plan
from node.domain.shielded import Shielded
from node.domain.staff import ForbiddenError, Staff
from node.domain.transfer_records import TransferRecords, require_intake_role
from node.errors import NotAllowedError, RevokedError
from node.store import shares as share_tables
from node.store import transfers as tables
from protocol.aanmelding import Aanmelding
from protocol.chain import OPEN, RoomState
from protocol.errors import (
    LocalProtocolError,
    TransferAnsweredError,
    TransferExpiredError,
    TransferPartyError,
    TransferUnknownError,
)
from protocol.keys import digest
from protocol.transfer import (
    DEFAULT_DEADLINE_DAYS,
    GROUNDS,
    Transfer,
    TransferRequest,
    deadline_after,
    make_answer,
    make_request,
    peek,
    seal_transfer,
    verify_request,
)
from protocol.verblijf import VERBLIJF_ORG

MAX_REASON = 4000  # characters of an objection's reasons
MAX_NOTE = 4000
PURPOSE = "overdracht"


class TransferUnavailableError(NotAllowedError):
    """The transfer of a closed case needs its afgeschermde record, and this node keeps
    none with that verstrekking (or the record was destroyed)."""

    code = "node.transfer_unavailable"


class Transfers(TransferRecords):
    def __init__(
        self, ctx: Context, aanmeldingen: Aanmeldingen, plan: Plan, shielded: Shielded
    ) -> None:
        self.ctx = ctx
        self.aanmeldingen = aanmeldingen
        self.plan = plan
        self.shielded = shielded

    # -- the origin ------------------------------------------------------------------------

    def start(
        self, staff: Staff, room: bytes, *, to: str, ground: str, note: str,
        deadline_days: int = DEFAULT_DEADLINE_DAYS,
    ) -> bytes:  # fmt: skip
        """Transfer the case of ``room`` to the gemeente ``to``; returns the transfer id."""
        ctx = self.ctx
        require_intake_role(staff)
        staffmod.require_room(ctx.store, room, staff)
        state = ctx.state(room)
        if origin_of(state, ctx) != ctx.me:
            raise NotAllowedError("only the gemeente van verblijf of the case transfers it")
        if ground not in GROUNDS:
            raise LocalProtocolError(f"ground: one of {', '.join(GROUNDS)}")
        note = note.strip()
        if not 1 <= len(note) <= MAX_NOTE:
            raise LocalProtocolError(f"a transfer states a note (1..{MAX_NOTE} characters)")
        member = ctx.roster.by_node.get(to)
        if member is None or member.org != VERBLIJF_ORG or to == ctx.me:
            raise LocalProtocolError(f"{to} is not another gemeente of the roster")
        deadline = deadline_after(ctx.now(), deadline_days)
        index, plan_record = self.source(staff, state, to)
        if to in index:
            raise LocalProtocolError("the receiving gemeente supplied in this room itself")
        plan = json.dumps(plan_record, ensure_ascii=False, sort_keys=True)
        made: list[bytes] = []

        def then(a: Aanmelding) -> None:
            made.append(self._send(staff, state, a, to=to, ground=ground, note=note,
                                   deadline=deadline, index=index, plan=plan))  # fmt: skip

        self.aanmeldingen.register(
            staff, case=state.case, verblijf=to, to_org=VERBLIJF_ORG,
            summary=summary_of(ctx, ground, index), reason=note, then=then,
        )  # fmt: skip
        return made[0]

    def source(
        self, staff: Staff, state: RoomState, to: str
    ) -> tuple[dict[str, list[bytes]], Any]:
        """What the gemeente carries over: the index of the verstrekkingen (not revoked)
        by supplier, and the plan. From the room while it is open; for a closed case from
        the gemeente's afgeschermde record, opened with the purpose ``overdracht``
        (audited there as ``shielded_opened``)."""
        if state.phase == OPEN:
            index = tables.room_index(self.ctx.store, state.room)
            return _of_deelnemers(state, index), carried_plan(self.plan.record(state.room))
        record = self.shielded.integrated(staff, state.room, purpose=PURPOSE,
                                          reason=reason_for(to))  # fmt: skip
        index = {}
        for entry in record.get("verstrekkingen", []):
            if not entry.get("revoked"):
                index.setdefault(entry["sender"], []).append(bytes.fromhex(entry["share"]))
        return _of_deelnemers(state, index), carried_plan(record.get("plan"))

    def _send(
        self, staff: Staff, state: RoomState, a: Aanmelding, *, to: str, ground: str,
        note: str, deadline: int, index: dict[str, list[bytes]], plan: str,
    ) -> bytes:  # fmt: skip
        ctx = self.ctx
        now = ctx.now()
        envelope = seal_transfer(
            ctx.identity.signer, ctx.me, room=state.room, case=state.case, to=to,
            ground=ground, aanmelding=a.id, deadline=deadline, index=index, note=note,
            plan=plan, roster=ctx.roster, now=now, rand=ctx.rand,
        )  # fmt: skip
        t: Transfer = peek(envelope, Transfer.SPEC)
        self._keep_transfer(t, "origin", envelope, author=staff.name)
        ctx.enqueue(to, "transfer", None, envelope)
        for supplier, _ in t.index:
            request = make_request(ctx.identity.signer, t, supplier=supplier, now=now)
            if supplier == ctx.me:
                self._keep_request(verify_request(request, roster=ctx.roster, me=ctx.me), request)
            else:
                ctx.enqueue(supplier, "transfer_request", None, request)
        ctx.audit(
            actor=staff.name, action="transfer_started", room=state.room, case_ref=state.case,
            transfer=t.id.hex(), to=to, ground=ground, deadline=deadline,
            aanmelding=a.id.hex(), suppliers=[s for s, _ in t.index],
            shares=sum(len(ids) for _, ids in t.index),
        )  # fmt: skip
        return bytes(t.id)

    # -- a supplier ------------------------------------------------------------------------

    def answer(
        self, staff: Staff, transfer: bytes, share: bytes, decision: str, reason: str = ""
    ) -> dict[str, Any]:
        """Supply one own verstrekking to the receiving gemeente, or object to it on
        zwaarwegende redenen (``reason``, kept here)."""
        ctx = self.ctx
        if decision not in ("supply", "object"):
            raise LocalProtocolError("decision: supply or object")
        row = tables.request(ctx.store, transfer)
        if row is None:
            raise TransferUnknownError(transfer.hex())
        self._may_answer(staff, row["room"])
        self.expire_due()
        item = tables.item(ctx.store, transfer, ctx.me, share)
        if item is None:
            raise TransferUnknownError(f"{transfer.hex()}/{share.hex()}")
        if item["status"] == tables.EXPIRED:
            raise TransferExpiredError("the deadline has passed: not supplied")
        if item["status"] != tables.OPEN:
            raise TransferAnsweredError(item["status"])
        reason = reason.strip()
        if decision == "object" and not 1 <= len(reason) <= MAX_REASON:
            raise LocalProtocolError(f"an objection states its reasons (1..{MAX_REASON} chars)")
        request: TransferRequest = peek(row["envelope"], TransferRequest.SPEC)
        own = tables.own_share(ctx.store, row["room"], share)
        if own is None:
            raise TransferPartyError("not a verstrekking of this node")
        content = (
            self.supplied_content(staff, row["room"], share, request.receiver)
            if decision == "supply" else None
        )  # fmt: skip
        basis, categories = own["basis"], tuple(json.loads(own["categories"]))
        with ctx.store.transaction():
            now = ctx.now()
            for to in dict.fromkeys((request.receiver, request.origin)):
                envelope = make_answer(
                    ctx.identity.signer, request, share=share, to=to, decision=decision,
                    basis=basis, categories=categories, content=content, roster=ctx.roster,
                    now=now, rand=ctx.rand,
                )  # fmt: skip
                if to != ctx.me:
                    ctx.enqueue(to, "transfer_answer", None, envelope)
            sealed = ctx.master.seal("transfer-reason", reason.encode()) if reason else None
            status = tables.SUPPLIED if decision == "supply" else tables.OBJECTED
            tables.answer(ctx.store, transfer, ctx.me, share, status=status, at=now,
                          by=staff.name, basis=basis if content else None,
                          categories=categories if content else (), reason=sealed)  # fmt: skip
            detail: dict[str, Any] = {"transfer": transfer.hex(), "share": share.hex(),
                                      "to": request.receiver}  # fmt: skip
            if decision == "supply":
                detail.update(basis=basis, categories=list(categories), purpose=PURPOSE)
            else:
                detail["reason_sha256"] = digest(reason.encode()).hex()
            action = "transfer_supplied" if content else "transfer_objected"
            ctx.audit(actor=staff.name, room=row["room"], case_ref=row["case_ref"],
                      action=action, **detail)  # fmt: skip
        ctx.flush_wakeups()
        return self.show(staff, transfer)

    def supplied_content(
        self, staff: Staff, room: bytes, share: bytes, receiver: str
    ) -> dict[str, Any]:
        """The content of an own verstrekking to re-seal: the plaintext this node kept
        of its share while the room is open; of a closed case this node's afgeschermde
        supplier record, opened with the purpose ``overdracht`` (audited there)."""
        ctx = self.ctx
        state = ctx.rooms.state(room, ctx.now())
        if state is not None and state.phase == OPEN:
            sealed = share_tables.kept_plaintext(ctx.store, share)
            if sealed is None:
                raise RevokedError()
            kept: dict[str, Any] = json.loads(ctx.master.open("share", sealed))
            return kept
        supplied = self.shielded.supplied(staff, room, purpose=PURPOSE,
                                          reason=reason_for(receiver))  # fmt: skip
        found = next((s for s in supplied if s["share"] == share), None)
        if found is None:
            raise TransferUnavailableError("this verstrekking is not in the afgeschermde record")
        content: dict[str, Any] = found["content"]
        return content

    def _may_answer(self, staff: Staff, room: bytes) -> None:
        if not (staff.roles & INTAKE_ROLES or staffmod.may_see(self.ctx.store, room, staff.name)):
            raise ForbiddenError("a transfer is answered by the staff of the case")

def _of_deelnemers(state: RoomState, index: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """Art. 7 lets the *deelnemers* that hold data supply it to another gemeente's
    casusoverleg: a derde (art. 3 lid 3-4, e.g. a GGZ under its beroepsgeheim, whose
    ground covered only this table) is not asked, whatever it supplied here."""
    derden = {
        node for members in state.epochs.values() for node, m in members.items()
        if m.role == "derde"
    }  # fmt: skip
    return {supplier: ids for supplier, ids in index.items() if supplier not in derden}


def carried_plan(plan: Any) -> Any:
    """What of the plan the gemeente carries over: the measures with their history and
    the meetings' dates and agenda points. Not the assessments of the criteria (each is
    the data of the organisation that assessed it, which decides per verstrekking) nor
    the verslagen; their fields stay, empty, so the plan reads as any other."""
    if not isinstance(plan, dict):
        return plan
    out = dict(plan, criteria_history=[])
    out["meetings"] = [
        dict(g, verslag=None, verslagen=[])
        for g in plan.get("meetings") or [] if isinstance(g, dict)
    ]  # fmt: skip
    return out


def origin_of(state: RoomState, ctx: Context) -> str | None:
    """The gemeente of the case: the gemeente van verblijf, or a chair that is a gemeente."""
    if state.verblijf:
        return str(state.verblijf)
    member = ctx.roster.by_node.get(state.chair)
    return state.chair if member is not None and member.org == VERBLIJF_ORG else None


def reason_for(receiver: str) -> str:
    """The reason recorded when an afgeschermde record is opened for a transfer."""
    return f"Overdracht aan {receiver} (Wet PGA art. 7)"


def summary_of(ctx: Context, ground: str, index: dict[str, list[bytes]]) -> str:
    """The aanmelding's summary: what it is, from whom, on which ground (no content)."""
    words = {"woonplaats": "betrokkene woont nu in uw gemeente",
             "effecten": "de gevolgen van de radicalisering doen zich in uw gemeente voor",
             "sociale_relaties": "personen met wie betrokkene sociale relaties onderhoudt"
                                 " wonen in uw gemeente"}  # fmt: skip
    name = ctx.roster.member(ctx.me).name
    count = sum(len(v) for v in index.values())
    return (
        f"Overdracht (Wet PGA art. 7) door {name}: {words[ground]}. Aan {len(index)}"
        f" verstrekker(s) wordt gevraagd {count} verstrekking(en) opnieuw te verstrekken."
    )
