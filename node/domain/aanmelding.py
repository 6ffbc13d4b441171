"""Aanmeldingen (Wet PGA art. 5): a deelnemer registers a case with politie, the OM
or the gemeente van verblijf; that node brings in the other two; the gemeente (or a
ZVH on its mandate) convenes the room from it; and when the case is not put to the
casusoverleg (``niet_voorgelegd``) the chair's node tells the aanmelder (lid 6).

Owns the ``aanmeldingen`` table (``node/store/aanmeldingen.py``) and the audit
actions ``aanmelding_sent``, ``aanmelding_received``, ``aanmelding_forwarded``,
``aanmelding_viewed``, ``aanmelding_convened``, ``notice_sent``, ``notice_received``
and ``aanmelding_purged``. Retention (``docs/law.md``, "Aanmelding"): an aanmelding
no room took up goes :data:`KEEP_UNDECIDED` after it arrived; one not put to the
casusoverleg goes :data:`KEEP_NOT_PUT` after that decision; one a room was convened
from (or a room of its case holds) follows that room.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import ForbiddenError, Staff
from node.errors import (
    AanmeldingExistsError,
    NotAllowedError,
    NotFoundError,
    NotOwnError,
    NotRecipientError,
)
from node.store import aanmeldingen as tables
from node.store import rooms as room_tables
from protocol.aanmelding import (
    NOT_PUT,
    Aanmelding,
    Notice,
    intake_basis,
    make_notice,
    open_aanmelding,
    peek_aanmelding,
    seal_aanmelding,
    verify_aanmelding,
    verify_notice,
)
from protocol.chain import RoomState
from protocol.codec import decode
from protocol.keys import digest
from protocol.revocation import make_receipt
from protocol.signed import Signed

DAY = 86400
#: an aanmelding that no room took up is kept this long after it arrived
KEEP_UNDECIDED = 91 * DAY
#: an aanmelding not put to the casusoverleg is kept this long after that decision
KEEP_NOT_PUT = 28 * DAY
#: staff roles that handle aanmeldingen (besides the intake role)
ROLES = frozenset({"intake", "aandachtsfunctionaris", "procesregisseur"})


def require_role(staff: Staff) -> None:
    if not staff.roles & ROLES:
        raise ForbiddenError("aanmeldingen are for the intake staff")


class Aanmeldingen:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members

    # -- staff actions -----------------------------------------------------------------

    def register(
        self, staff: Staff, *, case: str, verblijf: str, to_org: str, summary: str, reason: str,
        author_function: str | None = None, then: Callable[[Aanmelding], None] | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Register ``case`` with the ``to_org`` node (politie, om or gemeente) that
        serves the gemeente van verblijf; sealed for the three who judge it. A ZVH
        prepares it on the burgemeester's behalf with the mandate that gemeente sent
        it for the case (``casusnet mandate``). ``author_function`` defaults to the
        staff member's function; ``then`` runs in the same transaction (a referral's
        record)."""
        require_role(staff)
        ctx = self.ctx
        function = author_function or staff.function
        mandate = None
        if ctx.config.org in intake_basis(ctx.registry).chair_on_behalf:
            mandate = room_tables.mandate(ctx.store, case, verblijf)
            if mandate is None:
                raise NotAllowedError(
                    f"no mandate of {verblijf} for {case}: the gemeente van verblijf grants it"
                )
        envelope = seal_aanmelding(
            ctx.identity.signer,
            ctx.me,
            case=case,
            verblijf=verblijf,
            to_org=to_org,
            summary=summary,
            reason=reason,
            author_function=function,
            roster=ctx.roster,
            registry=ctx.registry,
            now=ctx.now(),
            rand=ctx.rand,
            mandate=mandate,
        )
        a = peek_aanmelding(envelope)
        content = {"summary": summary, "reason": reason, "author_function": function}
        with ctx.store.transaction():
            keep(ctx, a, envelope, via=ctx.me, own=True, content=content)
            ctx.enqueue(a.to, "aanmelding", None, envelope)
            if a.to == ctx.me:  # registered with itself: it brings in the other two now
                self._forward(a, envelope)
            ctx.audit(
                actor=staff.name,
                action="aanmelding_sent",
                case_ref=case,
                aanmelding=a.id.hex(),
                to=a.to,
            )
            if then is not None:
                then(a)
        ctx.flush_wakeups()
        return self.show(staff, a.id, audit=False)

    def share_with_chair(self, staff: Staff, aid: bytes, chair: str) -> None:
        """The gemeente van verblijf hands an aanmelding to the node that chairs on its
        behalf (a ZVH): the same signed envelope, whose content that node cannot open
        (no wrap is its own): it learns the case, the aanmelder and the three."""
        require_role(staff)
        ctx = self.ctx
        row = self._row(aid)
        a = peek_aanmelding(row["envelope"])
        basis = intake_basis(ctx.registry)
        member = ctx.roster.by_node.get(chair)
        if ctx.me != a.verblijf or member is None or member.org not in basis.chair_on_behalf:
            raise NotAllowedError("only the gemeente van verblijf hands it to its ZVH chair")
        with ctx.store.transaction():
            ctx.enqueue(chair, "aanmelding", None, row["envelope"])
            ctx.audit(
                actor=staff.name,
                action="aanmelding_forwarded",
                case_ref=a.case,
                aanmelding=aid.hex(),
                to=[chair],
            )
        ctx.flush_wakeups()

    def convene(
        self, staff: Staff, aid: bytes, *, purpose: str, bases: Sequence[str], meeting: int
    ) -> RoomState:
        """Convene the casusoverleg of an aanmelding: its case and gemeente van verblijf;
        the room records the aanmelding and its aanmelder."""
        require_role(staff)
        ctx = self.ctx
        row = self._row(aid)
        if row["room"] is not None:
            raise NotAllowedError("a room was already convened from this aanmelding")
        with ctx.store.transaction():
            state = self.members.convene(
                staff, case=row["case_ref"], purpose=purpose, bases=bases, meeting=meeting,
                verblijf=row["verblijf"],
            )  # fmt: skip
            tables.link_room(ctx.store, aid, state.room)
            ctx.audit(
                actor=staff.name,
                action="aanmelding_convened",
                room=state.room,
                case_ref=state.case,
                aanmelding=aid.hex(),
                aanmelder=row["aanmelder"],
            )
        return state

    # -- what staff read -----------------------------------------------------------------

    def listing(self, staff: Staff) -> list[dict[str, Any]]:
        require_role(staff)
        return [_public(r) for r in tables.listing(self.ctx.store)]

    def notices(self, staff: Staff) -> list[dict[str, Any]]:
        """The notices this node received as aanmelder: its cases not put to the
        casusoverleg."""
        require_role(staff)
        return [_public(r) for r in tables.listing(self.ctx.store) if r["own"] and r["notice_at"]]

    def show(self, staff: Staff, aid: bytes, *, audit: bool = True) -> dict[str, Any]:
        """One aanmelding with its content (where this node holds it); viewing is audited."""
        require_role(staff)
        ctx = self.ctx
        row = self._row(aid)
        out = _public(row)
        out["content"] = None
        if row["sealed"] is not None:
            out["content"] = json.loads(ctx.master.open("aanmelding", row["sealed"]))
            if audit:
                with ctx.store.transaction():
                    ctx.audit(
                        actor=staff.name,
                        action="aanmelding_viewed",
                        case_ref=row["case_ref"],
                        aanmelding=aid.hex(),
                    )
        return out

    def resolve(self, prefix: str) -> bytes:
        """An aanmelding id from its hex or a unique prefix of it."""
        ids = tables.by_prefix(self.ctx.store, prefix.lower()) if prefix else []
        if len(ids) != 1:
            raise NotFoundError(f"no single aanmelding starts with {prefix[:32]!r}")
        return ids[0]

    # -- envelopes from partners (inside the inbox's transaction) -------------------------

    def receive(self, caller: str, envelope: bytes) -> bytes:
        """An aanmelding from its aanmelder, forwarded by the node it was registered
        with, or handed to a ZVH chair by the gemeente van verblijf; answered with a
        ``delivered`` receipt to ``caller``."""
        ctx = self.ctx
        a = verify_aanmelding(envelope, roster=ctx.roster, registry=ctx.registry)
        content = None
        if ctx.me in a.recipients:
            if caller not in (a.aanmelder, a.to):
                raise NotOwnError("an aanmelding comes from its aanmelder or the node it went to")
            if caller == a.aanmelder and ctx.me != a.to:
                raise NotRecipientError("the aanmelder registers with one node, which forwards")
            opened = open_aanmelding(a, me=ctx.me, box=ctx.identity.box)
            content = {
                "summary": opened.summary,
                "reason": opened.reason,
                "author_function": opened.author_function,
            }
        else:
            org = ctx.roster.member(ctx.me).org
            if caller != a.verblijf or org not in intake_basis(ctx.registry).chair_on_behalf:
                raise NotRecipientError("this aanmelding is not addressed to this node")
        old = tables.get(ctx.store, a.id)
        if old is not None:
            if old["envelope"] != envelope:
                raise AanmeldingExistsError(a.id.hex())
        else:
            keep(ctx, a, envelope, via=caller, own=a.aanmelder == ctx.me, content=content)
            ctx.audit(
                actor=caller,
                action="aanmelding_received",
                case_ref=a.case,
                aanmelding=a.id.hex(),
                aanmelder=a.aanmelder,
            )
        if old is None and caller == a.aanmelder and ctx.me == a.to:
            self._forward(a, envelope)
        return delivered(self.ctx, envelope, caller)

    def receive_notice(self, caller: str, envelope: bytes) -> bytes:
        """The notice that a case this node registered was not put to the casusoverleg."""
        ctx = self.ctx
        body: Notice = decode(decode(envelope, Signed.SPEC).body, Notice.SPEC)
        row = tables.get(ctx.store, body.aanmelding)
        if row is None or not row["own"] or row["envelope"] is None:
            raise NotFoundError("no aanmelding of this node with that id")
        notice = verify_notice(
            envelope,
            roster=ctx.roster,
            registry=ctx.registry,
            me=ctx.me,
            aanmelding=peek_aanmelding(row["envelope"]),
        )
        if notice.issuer != caller:
            raise NotOwnError("a node sends only its own notices")
        now = ctx.now()
        tables.decide(
            ctx.store, notice.aanmelding, outcome=notice.outcome, at=notice.time,
            purge_after=now + KEEP_NOT_PUT, notice=envelope, notice_from=caller, notice_at=now,
        )  # fmt: skip
        ctx.audit(
            actor=caller,
            action="notice_received",
            case_ref=notice.case,
            aanmelding=notice.aanmelding.hex(),
            outcome=notice.outcome,
        )
        return delivered(self.ctx, envelope, caller)

    def room_closed(self, state: RoomState) -> None:
        """A room closed at this node (a ``Closure`` hook, inside its transaction). Not
        put to the casusoverleg: its aanmeldingen here are kept only for the short term,
        and the chair's node tells the aanmelder of the one it was convened from. A
        room on another basis (the Wgs room a referral came from) decides nothing
        about them."""
        ctx = self.ctx
        if state.outcome != NOT_PUT or intake_basis(ctx.registry).id not in state.bases:
            return
        at = state.closed_at or ctx.now()
        linked = tables.of_room(ctx.store, state.room) if state.chair == ctx.me else None
        for row in tables.of_case(ctx.store, state.case):
            notice = None
            if linked is not None and row["id"] == linked["id"] and not row["own"]:
                a = peek_aanmelding(tables.get(ctx.store, row["id"])["envelope"])  # type: ignore[index]
                notice = make_notice(ctx.identity.signer, ctx.me, aanmelding=a, now=ctx.now())
                ctx.enqueue(a.aanmelder, "notice", None, notice)
                ctx.audit(
                    actor=ctx.me,
                    action="notice_sent",
                    room=state.room,
                    case_ref=state.case,
                    aanmelding=a.id.hex(),
                    to=a.aanmelder,
                )
            tables.decide(
                ctx.store, row["id"], outcome=NOT_PUT, at=at, purge_after=at + KEEP_NOT_PUT,
                notice=notice, notice_from=ctx.me if notice else None,
                notice_at=ctx.now() if notice else None,
            )  # fmt: skip

    # -- retention -------------------------------------------------------------------------

    def purge_due(self) -> int:
        """Delete the aanmeldingen whose short term ended (one transaction); one that a
        room of its case now holds follows that room instead. Returns how many went."""
        ctx = self.ctx
        gone = 0
        with ctx.store.transaction():
            for row in tables.due(ctx.store, ctx.now()):
                basis = intake_basis(ctx.registry).id
                room = tables.room_of_case(ctx.store, row["case_ref"], basis)
                if room is not None and row["outcome"] is None:
                    tables.link_room(ctx.store, row["id"], room)
                    continue
                tables.delete(ctx.store, row["id"])
                ctx.audit(
                    actor=ctx.me,
                    action="aanmelding_purged",
                    case_ref=row["case_ref"],
                    aanmelding=row["id"].hex(),
                )
                gone += 1
        return gone

    # -- helpers ---------------------------------------------------------------------------

    def _row(self, aid: bytes) -> dict[str, Any]:
        row = tables.get(self.ctx.store, aid)
        if row is None or row["envelope"] is None:
            raise NotFoundError("no such aanmelding here")
        return row

    def _forward(self, a: Aanmelding, envelope: bytes) -> None:
        """The node it was registered with brings in the other two (the same envelope)."""
        ctx = self.ctx
        peers = [n for n in a.recipients if n not in (ctx.me, a.aanmelder)]
        for peer in peers:
            ctx.enqueue(peer, "aanmelding", None, envelope)
        tables.mark_forwarded(ctx.store, a.id)
        if peers:
            ctx.audit(
                actor=ctx.me,
                action="aanmelding_forwarded",
                case_ref=a.case,
                aanmelding=a.id.hex(),
                to=peers,
            )


def keep(
    ctx: Context, a: Aanmelding, envelope: bytes, *, via: str, own: bool, content: Any
) -> None:
    """Store an aanmelding (its content sealed under the master key, where this node
    may read it), to be deleted after :data:`KEEP_UNDECIDED` unless a room takes it."""
    sealed = None
    if content is not None:
        sealed = ctx.master.seal("aanmelding", json.dumps(content).encode())
    now = ctx.now()
    tables.insert(
        ctx.store,
        {
            "id": a.id, "case_ref": a.case, "aanmelder": a.aanmelder,
            "verblijf": a.verblijf, "to_node": a.to, "recipients": a.recipients,
            "time": a.time, "own": int(own), "via": via, "received_at": now,
            "forwarded": 0, "envelope": envelope, "env_hash": digest(envelope),
            "sealed": sealed, "purge_after": now + KEEP_UNDECIDED,
        },
    )  # fmt: skip


def delivered(ctx: Context, envelope: bytes, to: str) -> bytes:
    """A ``delivered`` receipt for an envelope of no room: ``room`` is its hash."""
    ref = digest(envelope)
    return make_receipt(
        ctx.identity.signer, ctx.me, kind="delivered", room=ref, envelope=envelope, to=to,
        now=ctx.now(),
    )  # fmt: skip


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """What the local API shows of a row: no envelope, no sealed content."""
    out = {k: v for k, v in row.items() if k not in ("envelope", "sealed", "notice")}
    out["id"] = row["id"].hex()
    out["room"] = row["room"].hex() if row["room"] is not None else None
    out["referred_from"] = row["referred_from"].hex() if row["referred_from"] else None
    return out
