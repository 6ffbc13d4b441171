"""Receiving: what an envelope from another node does to this node.

:meth:`Inbox.receive` applies one envelope (event, member statement, share,
revocation, receipt) in a savepoint of the caller's transaction: idempotent by the
envelope's hash, every refusal audited, every accepted envelope answered with the
signed receipt it asks for. Owns the ``inbox`` table, the per-sender sequence
tracking of received shares (gaps) and the ``*_received`` and ``refused`` audit
actions of received envelopes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from node.domain import staff as staffmod
from node.domain.closure import Closure
from node.domain.context import Context
from node.domain.inquiries import Inquiries, decode_inquiry
from node.domain.membership import Membership, audit_action, taken_out
from node.domain.receipts import Receipts
from node.domain.shares import decode_share
from node.errors import (
    EnvelopeKindError,
    NotAllowedError,
    NotOwnError,
    NotRecipientError,
    NotTheChairError,
    ShareExistsError,
)
from node.store import outbox as outbox_table
from node.store import receipts as receipt_tables
from node.store import rooms as room_tables
from node.store import shares as share_tables
from protocol.chain import RoomState
from protocol.codec import decode, decode_map
from protocol.errors import CasusnetError, SchemaError
from protocol.events import STATEMENT_SPECS, Event, StatementData
from protocol.keys import digest
from protocol.revocation import Revoke, make_receipt, verify_receipt, verify_revoke
from protocol.share import open_share, verify_share
from protocol.signed import PURPOSE_OF_TYPE, Signed

Gap = tuple[bytes, str, int]
"""A jump in a sender's sequence in a room: (room, sender, last number seen)."""


class RetryLater(CasusnetError):
    """The envelope cannot be applied yet (the room's chain is behind); send it again later."""

    code = "node.retry"
    transient = True

    def __init__(
        self, detail: str = "", room: bytes | None = None, after: int = -1, chair: str = ""
    ) -> None:
        self.room, self.after, self.chair = room, after, chair
        super().__init__(detail)


@dataclass
class Result:
    """What an inbox envelope produced: a receipt for the sender, and follow-up work."""

    receipt: bytes | None = None
    kind: str = ""
    room: bytes | None = None
    notes: list[str] = field(default_factory=list)


def message_type(envelope: bytes) -> tuple[str, Signed, Any]:
    """The type of a signed envelope (``t`` of its body), its wrapper and the raw body map."""
    wrapper = decode(envelope, Signed.SPEC)
    body = decode_map(wrapper.body)
    kind = body.get("t")
    if type(kind) is not str or kind not in PURPOSE_OF_TYPE:
        raise SchemaError("$.t: not an envelope a node accepts")
    if kind in ("roster", "request"):
        raise EnvelopeKindError(kind)
    return kind, wrapper, body


class Inbox:
    def __init__(
        self,
        ctx: Context,
        members: Membership,
        closure: Closure,
        receipts: Receipts,
        inquiries: Inquiries | None = None,
    ) -> None:
        self.ctx = ctx
        self.inquiries = inquiries or Inquiries(ctx)
        self.members = members
        self.closure = closure
        self.receipts = receipts
        self.gaps: set[Gap] = set()
        self.handlers: dict[str, Callable[[str, bytes], bytes]] = {}
        """Envelopes of no room, by type: ``(caller, envelope) -> receipt`` (the
        aanmelding and the notice, ``node/domain/aanmelding.py``)."""

    def receive(self, caller: str, envelope: bytes) -> Result:
        """Apply one envelope from ``caller``; idempotent by the envelope's hash.

        A refusal (of any kind: undecodable, badly signed, against the chain or the
        policy) changes nothing but an audit entry, and raises.
        """
        ctx = self.ctx
        env_hash = digest(envelope)
        seen, receipt = receipt_tables.answered(ctx.store, env_hash)
        if seen:
            return Result(receipt=receipt, kind="duplicate")
        kind = "?"
        try:
            kind, wrapper, _ = message_type(envelope)
            handler = self._handler(kind)
            with ctx.store.transaction(), ctx.store.savepoint():
                result = handler(caller, envelope, kind)
                receipt_tables.note_applied(
                    ctx.store,
                    env_hash,
                    wrapper.signer,
                    kind,
                    result.room,
                    result.receipt,
                    ctx.now(),
                )
        except CasusnetError as exc:
            if exc.transient:  # not a refusal: the sender sends it again
                raise
            with ctx.store.transaction():
                ctx.audit(
                    actor=caller,
                    action="refused",
                    code=exc.code,
                    kind=kind,
                    detail=exc.detail[:200],
                )
            raise
        ctx.flush_wakeups()
        return result

    def _handler(self, kind: str) -> Callable[[str, bytes, str], Result]:
        if kind in self.handlers:
            return self._rx_roomless
        return {
            "event": self._rx_event,
            "share": self._rx_share,
            "revoke": self._rx_revoke,
            "receipt": self._rx_receipt,
            "mandate": self._rx_mandate,
            "inquiry": self._rx_inquiry,
            "decline": self._rx_decline,
        }.get(kind, self._rx_statement)

    def take_gaps(self) -> set[Gap]:
        gaps, self.gaps = self.gaps, set()
        return gaps

    def sent_to(self, caller: str, room: bytes, after: int, limit: int = 200) -> list[bytes]:
        """Shares and revocations this node sent to ``caller`` in a room, seq > ``after``."""
        out: list[tuple[int, bytes]] = []
        for envelope in outbox_table.sent_shares_and_revokes(self.ctx.store, caller, room):
            seq = decode_map(decode(envelope, Signed.SPEC).body).get("seq")
            if isinstance(seq, int) and seq > after:
                out.append((seq, envelope))
        return [e for _, e in sorted(out)[:limit]]

    # -- one handler per envelope type -------------------------------------------------

    def _delivered(self, envelope: bytes, room: bytes, to: str) -> bytes:
        ctx = self.ctx
        return make_receipt(
            ctx.identity.signer,
            ctx.me,
            kind="delivered",
            room=room,
            envelope=envelope,
            to=to,
            now=ctx.now(),
        )

    def _rx_event(self, caller: str, envelope: bytes, kind: str) -> Result:
        ctx = self.ctx
        wrapper = decode(envelope, Signed.SPEC)
        event = decode(wrapper.body, Event.SPEC)
        # the signature first: an unverified event never starts a catch-up
        ctx.roster.member(wrapper.signer).verify("event", wrapper.body, wrapper.sig, event.time)
        room = digest(envelope) if event.kind == "convene" else event.room
        state = ctx.rooms.state(room, ctx.now())
        if state is not None and self.closure.close_notice(state, envelope, event.kind, event.seq):
            return Result(self._delivered(envelope, room, caller), "event", room)
        if state is not None and event.seq <= state.seq:
            # already have it (e.g. fetched while filling a gap)
            if room_tables.event_at(ctx.store, room, event.seq) == envelope:
                return Result(self._delivered(envelope, room, caller), "event", room)
        if state is not None and event.seq > state.seq + 1:
            raise RetryLater("gap in the room's chain", room, state.seq, wrapper.signer)
        if state is None and event.kind != "convene":
            raise RetryLater("unknown room", room, -1, wrapper.signer)
        new = ctx.rooms.apply(state, envelope, ctx.now())
        if state is not None and taken_out(state, new, ctx.me):
            self.closure.taken_out(new, envelope)  # removed or left: delete and confirm
        if event.kind == "invite" and event.data.node == ctx.me:
            # only a room this node is invited to reaches its staff (a convener cannot
            # push rooms at a node); the intake staff get it
            staffmod.assign_intake(ctx.store, room)
            self.members.join(new)
        if event.kind == "close":
            self.closure.after_close(new)
        ctx.audit(
            actor=wrapper.signer,
            action=audit_action(event.kind),
            room=room,
            case_ref=new.case,
            seq=event.seq,
        )
        return Result(self._delivered(envelope, room, caller), "event", room)

    def _rx_statement(self, caller: str, envelope: bytes, kind: str) -> Result:
        wrapper = decode(envelope, Signed.SPEC)
        body = decode(wrapper.body, STATEMENT_SPECS[kind])
        state = self.ctx.state(body.room)
        if state.chair != self.ctx.me:
            raise NotTheChairError("statements go to the chair")
        if wrapper.signer != caller:
            raise NotOwnError("a node sends only its own statements")
        self.members.chair_event(state, kind, StatementData(envelope))
        return Result(self._delivered(envelope, state.room, caller), kind, state.room)

    def _rx_share(self, caller: str, envelope: bytes, kind: str) -> Result:
        ctx = self.ctx
        body = decode_share(envelope)
        state = self._state_at(body.room, body.epoch, "share")
        share = verify_share(envelope, state=state, roster=ctx.roster, registry=ctx.registry)
        if ctx.me not in share.recipients:
            raise NotRecipientError("this share is not addressed to this node")
        if ctx.me not in state.members or ctx.me in state.leaving:
            # removed or left: it deleted what it received there and keeps nothing new
            raise NotAllowedError("this node is no longer a member of the room")
        if share_tables.exists(ctx.store, share.sender, share.id):
            raise ShareExistsError("a share with this id exists")
        self._open_before_answering(state, share)
        share_tables.insert(
            ctx.store, share, envelope, digest(envelope), own=False, author="", now=ctx.now()
        )
        self._note_seq(share.room, share.sender, share.seq)
        self.inquiries.rx_answer(share)  # a share that answers a request of this node
        ctx.audit(
            actor=share.sender,
            action="share_received",
            room=share.room,
            case_ref=state.case,
            share=share.id.hex(),
            basis=share.basis,
            categories=list(share.categories),
        )
        return Result(self._delivered(envelope, share.room, share.sender), "share", share.room)

    def _state_at(self, room: bytes, epoch: int, what: str) -> RoomState:
        """The room's state, once this node's chain has the envelope's epoch; before
        that the sender sends it again (and this node fetches the chain meanwhile)."""
        state = self.ctx.rooms.state(room, self.ctx.now())
        if state is None or epoch > state.epoch:
            raise RetryLater(
                f"the room's chain is behind this {what}",
                room,
                state.seq if state else -1,
                state.chair if state else "",
            )
        return state

    def _open_before_answering(self, state: RoomState, share: Any) -> None:
        """What is acknowledged can be opened: decrypt and check the content (its
        binding to the header, the fields its basis asks for) before the receipt, so a
        verstrekking that could never be read is refused now, with its code. Without
        this node's key for the share's epoch (lost in a restore) it is kept unopened,
        as before."""
        ctx = self.ctx
        member = state.member_of(ctx.me, share.epoch)
        key = ctx.rooms.key(share.room, member.key) if member else None
        if key is not None:
            open_share(share, me=ctx.me, room_key=key, state=state, registry=ctx.registry)

    def _note_seq(self, room: bytes, sender: str, seq: int) -> None:
        """Track the sender's sequence in the room; a jump is a gap to ask the sender about.

        The sequence counts all the sender's shares and revocations in the room, also
        those addressed to others, so a jump may be legitimate: the sender answers
        with what it sent to this node after the last number seen, and only what is
        missing is applied (see ``federation.fill_gap``).
        """
        last = share_tables.last_seq(self.ctx.store, room, sender)
        if seq > last + 1:
            self.gaps.add((room, sender, last))
        share_tables.set_seq(self.ctx.store, room, sender, max(seq, last))

    def _rx_revoke(self, caller: str, envelope: bytes, kind: str) -> Result:
        ctx = self.ctx
        body = decode(decode(envelope, Signed.SPEC).body, Revoke.SPEC)
        state = ctx.state(body.room)
        revoke = verify_revoke(envelope, state=state, roster=ctx.roster)
        ids = [
            i
            for i in share_tables.received_ids(ctx.store, revoke.room, revoke.sender)
            if revoke.all or i in set(revoke.shares)
        ]
        for share_id in ids:
            share_tables.delete_revoked(ctx.store, revoke.sender, share_id, revoke.time, ctx.now())
        self._note_seq(revoke.room, revoke.sender, revoke.seq)
        ctx.audit(
            actor=revoke.sender,
            action="revoke_received",
            room=revoke.room,
            case_ref=state.case,
            shares=[i.hex() for i in ids],
        )
        ctx.store.after_commit(self.closure.shred)  # the deleted ciphertext leaves the WAL too
        receipt = make_receipt(
            ctx.identity.signer,
            ctx.me,
            kind="deleted",
            room=revoke.room,
            envelope=envelope,
            to=revoke.sender,
            items=ids,
            now=ctx.now(),
        )
        return Result(receipt, "revoke", revoke.room)

    def _rx_inquiry(self, caller: str, envelope: bytes, kind: str) -> Result:
        body = decode_inquiry(envelope)
        state = self._state_at(body.room, body.epoch, "request")
        inquiry = self.inquiries.rx_inquiry(caller, envelope, state)
        return Result(self._delivered(envelope, body.room, inquiry.sender), kind, body.room)

    def _rx_decline(self, caller: str, envelope: bytes, kind: str) -> Result:
        room, sender = self.inquiries.rx_decline(caller, envelope)
        return Result(self._delivered(envelope, room, sender), kind, room)

    def _rx_mandate(self, caller: str, envelope: bytes, kind: str) -> Result:
        self.members.keep_mandate(caller, envelope)
        return Result(None, "mandate", None)

    def _rx_roomless(self, caller: str, envelope: bytes, kind: str) -> Result:
        return Result(self.handlers[kind](caller, envelope), kind, None)

    def _rx_receipt(self, caller: str, envelope: bytes, kind: str) -> Result:
        receipt = verify_receipt(envelope, roster=self.ctx.roster, me=self.ctx.me)
        self.receipts.record_receipt(receipt, envelope)
        return Result(None, "receipt", receipt.room)
