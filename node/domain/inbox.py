"""Receiving: what an envelope from another node does to this node.

``Receiving.receive`` applies one envelope (event, member statement, share,
revocation, receipt) in a savepoint of the caller's transaction: idempotent by the
envelope's hash, every refusal audited, every accepted envelope answered with the
signed receipt it asks for. Mixed into :class:`node.domain.node.Node`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from node.domain import staff as staffmod
from node.errors import NotAllowedError
from protocol.codec import decode, decode_map
from protocol.errors import CasusnetError, SchemaError
from protocol.events import Event, StatementData
from protocol.keys import digest
from protocol.revocation import make_receipt, verify_receipt, verify_revoke
from protocol.share import Share, verify_share
from protocol.signed import PURPOSE_OF_TYPE, Signed

if TYPE_CHECKING:
    pass

_SHARE_SPEC = Share.SPEC


class RetryLater(CasusnetError):
    """The envelope cannot be applied yet (the room's chain is behind); send it again later."""

    code = "node.retry"

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
    from protocol.codec import decode_map

    wrapper = decode(envelope, Signed.SPEC)
    body = decode_map(wrapper.body)
    kind = body.get("t")
    if type(kind) is not str or kind not in PURPOSE_OF_TYPE or kind in ("roster", "request"):
        raise SchemaError("$.t: not an envelope a node accepts")
    return kind, wrapper, body


class Receiving:
    """The receiving half of :class:`node.domain.node.Node`."""

    def receive(self, caller: str, envelope: bytes) -> Result:
        """Apply one envelope from ``caller``; idempotent by the envelope's hash.

        A refusal (of any kind: undecodable, badly signed, against the chain or the
        policy) changes nothing but an audit entry, and raises.
        """
        env_hash = digest(envelope)
        seen = self.store.row("SELECT receipt FROM inbox WHERE env_hash = ?", (env_hash,))
        if seen is not None:
            return Result(receipt=seen["receipt"], kind="duplicate")
        kind = "?"
        try:
            kind, wrapper, _ = message_type(envelope)
            handler = {
                "event": self._rx_event,
                "share": self._rx_share,
                "revoke": self._rx_revoke,
                "receipt": self._rx_receipt,
            }.get(kind, self._rx_statement)
            with self.store.transaction(), self.store.savepoint():
                result = handler(caller, envelope, kind)
                self.store.execute(
                    "INSERT INTO inbox (env_hash, sender, kind, room, receipt, received_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (env_hash, wrapper.signer, kind, result.room, result.receipt, self.now()),
                )
        except RetryLater:
            raise
        except CasusnetError as exc:
            with self.store.transaction():
                self._audit(
                    actor=caller,
                    action="refused",
                    code=exc.code,
                    kind=kind,
                    detail=exc.detail[:200],
                )
            raise
        self.flush_wakeups()
        return result

    def _delivered(self, envelope: bytes, room: bytes, to: str) -> bytes:
        return make_receipt(
            self.identity.signer,
            self.me,
            kind="delivered",
            room=room,
            envelope=envelope,
            to=to,
            now=self.now(),
        )

    def _rx_event(self, caller: str, envelope: bytes, kind: str) -> Result:
        wrapper = decode(envelope, Signed.SPEC)
        event = decode(wrapper.body, Event.SPEC)
        # the signature first: an unverified event never starts a catch-up
        self.roster.member(wrapper.signer).verify("event", wrapper.body, wrapper.sig, event.time)
        room = digest(envelope) if event.kind == "convene" else event.room
        state = self.rooms.state(room, self.now())
        if state is not None and event.seq <= state.seq:
            stored = self.store.one(
                "SELECT data FROM events WHERE room = ? AND seq = ?", (room, event.seq)
            )
            if stored == envelope:  # already have it (e.g. fetched while filling a gap)
                return Result(self._delivered(envelope, room, caller), "event", room)
        if state is not None and event.seq > state.seq + 1:
            raise RetryLater("gap in the room's chain", room, state.seq, wrapper.signer)
        if state is None and event.kind != "convene":
            raise RetryLater("unknown room", room, -1, wrapper.signer)
        new = self.rooms.apply(state, envelope, self.now())
        if event.kind == "invite" and event.data.node == self.me:
            # only a room this node is invited to reaches its staff (a convener cannot
            # push rooms at a node); the intake staff get it
            staffmod.assign_intake(self.store, room)
            self._join(new)
        if event.kind == "close":
            self._after_close(new)
        self._audit(
            actor=wrapper.signer,
            action=_audit_action(event.kind),
            room=room,
            case_ref=new.case,
            seq=event.seq,
        )
        return Result(self._delivered(envelope, room, caller), "event", room)

    def _rx_statement(self, caller: str, envelope: bytes, kind: str) -> Result:
        from protocol.events import STATEMENT_SPECS

        wrapper = decode(envelope, Signed.SPEC)
        body = decode(wrapper.body, STATEMENT_SPECS[kind])
        state = self._state(body.room)
        if state.chair != self.me:
            raise NotAllowedError("statements go to the chair")
        if wrapper.signer != caller:
            raise NotAllowedError("a node sends only its own statements")
        self._chair_event(state, kind, StatementData(envelope))
        return Result(self._delivered(envelope, state.room, caller), kind, state.room)

    def _rx_share(self, caller: str, envelope: bytes, kind: str) -> Result:
        wrapper = decode(envelope, Signed.SPEC)
        body = decode(wrapper.body, _SHARE_SPEC)
        state = self.rooms.state(body.room, self.now())
        if state is None or body.epoch > state.epoch:
            chair = state.chair if state else ""
            raise RetryLater(
                "the room's chain is behind this share",
                body.room,
                state.seq if state else -1,
                chair,
            )
        share = verify_share(envelope, state=state, roster=self.roster, registry=self.registry)
        if self.me not in share.recipients:
            raise NotAllowedError("this share is not addressed to this node")
        if self.store.one(
            "SELECT 1 FROM shares WHERE sender = ? AND id = ?", (share.sender, share.id)
        ):
            raise NotAllowedError("a share with this id exists")
        self._store_share(share, envelope, own=False)
        self._note_seq(share.room, share.sender, share.seq)
        self._audit(
            actor=share.sender,
            action="share_received",
            room=share.room,
            case_ref=state.case,
            share=share.id.hex(),
            basis=share.basis,
            categories=list(share.categories),
        )
        return Result(self._delivered(envelope, share.room, share.sender), "share", share.room)

    def _note_seq(self, room: bytes, sender: str, seq: int) -> None:
        """Track the sender's sequence in the room; a jump is a gap to ask the sender about.

        The sequence counts all the sender's shares and revocations in the room, also
        those addressed to others, so a jump may be legitimate: the sender answers
        with what it sent to this node after the last number seen, and only what is
        missing is applied (see ``federation.fill_gap``).
        """
        last = self.store.one("SELECT seq FROM seqs WHERE room = ? AND sender = ?", (room, sender))
        if seq > (last or 0) + 1:
            self.gaps.add((room, sender, last or 0))
        self.store.execute(
            "INSERT OR REPLACE INTO seqs (room, sender, seq) VALUES (?, ?, ?)",
            (room, sender, max(seq, last or 0)),
        )

    def take_gaps(self) -> set[tuple[bytes, str, int]]:
        gaps, self.gaps = self.gaps, set()
        return gaps

    def sent_to(self, caller: str, room: bytes, after: int, limit: int = 200) -> list[bytes]:
        """Shares and revocations this node sent to ``caller`` in a room, seq > ``after``."""
        out: list[tuple[int, bytes]] = []
        for (envelope,) in self.store.execute(
            "SELECT envelope FROM outbox WHERE peer = ? AND room = ?"
            " AND kind IN ('share', 'revoke') ORDER BY id",
            (caller, room),
        ):
            seq = decode_map(decode(envelope, Signed.SPEC).body).get("seq")
            if isinstance(seq, int) and seq > after:
                out.append((seq, envelope))
        return [e for _, e in sorted(out)[:limit]]

    def _rx_revoke(self, caller: str, envelope: bytes, kind: str) -> Result:
        from protocol.revocation import Revoke

        body = decode(decode(envelope, Signed.SPEC).body, Revoke.SPEC)
        state = self._state(body.room)
        revoke = verify_revoke(envelope, state=state, roster=self.roster)
        rows = self.store.rows(
            "SELECT id FROM shares WHERE room = ? AND sender = ? AND own = 0",
            (revoke.room, revoke.sender),
        )
        ids = [r["id"] for r in rows if revoke.all or r["id"] in set(revoke.shares)]
        for share_id in ids:
            self.store.execute(
                "UPDATE shares SET envelope = NULL, revoked_at = ?, deleted_at = ?"
                " WHERE sender = ? AND id = ?",
                (revoke.time, self.now(), revoke.sender, share_id),
            )
        self._note_seq(revoke.room, revoke.sender, revoke.seq)
        self._audit(
            actor=revoke.sender,
            action="revoke_received",
            room=revoke.room,
            case_ref=state.case,
            shares=[i.hex() for i in ids],
        )
        self.store.after_commit(self._shred)  # the deleted ciphertext leaves the WAL too
        receipt = make_receipt(
            self.identity.signer,
            self.me,
            kind="deleted",
            room=revoke.room,
            envelope=envelope,
            to=revoke.sender,
            items=ids,
            now=self.now(),
        )
        return Result(receipt, "revoke", revoke.room)

    def _rx_receipt(self, caller: str, envelope: bytes, kind: str) -> Result:
        receipt = verify_receipt(envelope, roster=self.roster, me=self.me)
        self.record_receipt(receipt, envelope)
        return Result(None, "receipt", receipt.room)

    def record_receipt(self, receipt: Any, data: bytes) -> None:
        """Store a verified receipt and move the delivery states it confirms."""
        self.record_receipts([(receipt, data)])

    def record_receipts(self, receipts: list[tuple[Any, bytes]]) -> None:
        """Store verified receipts (one batch from one peer), one audit entry per kind."""
        by_kind: dict[tuple[str, str, bytes], list[str]] = {}
        for receipt, data in receipts:
            self._store_receipt(receipt, data)
            key = (receipt.issuer, receipt.kind, receipt.room)
            by_kind.setdefault(key, []).append(receipt.ref.hex())
        for (issuer, kind, room), refs in by_kind.items():
            self._audit(
                actor=issuer,
                action="receipt",
                room=room,
                kind=kind,
                refs=refs,
            )

    def _store_receipt(self, receipt: Any, data: bytes) -> None:
        self.store.execute(
            "INSERT OR IGNORE INTO receipts (env_hash, issuer, kind, room, data, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (receipt.ref, receipt.issuer, receipt.kind, receipt.room, data, self.now()),
        )
        now = self.now()
        if receipt.kind == "delivered":
            self.store.execute(
                "UPDATE deliveries SET state = 'delivered', updated = ? WHERE peer = ?"
                " AND state = 'pending' AND share = (SELECT id FROM shares WHERE env_hash = ?)",
                (now, receipt.issuer, receipt.ref),
            )
        elif receipt.kind in ("deleted", "closed"):
            items = list(receipt.items)
            if receipt.kind == "closed":
                items = [
                    r[0]
                    for r in self.store.execute(
                        "SELECT id FROM shares WHERE room = ? AND own = 1", (receipt.room,)
                    )
                ]
            for share_id in items:
                self.store.execute(
                    "UPDATE deliveries SET state = 'deleted', updated = ? WHERE share = ?"
                    " AND peer = ?",
                    (now, share_id, receipt.issuer),
                )
        ref = receipt.ref if receipt.kind == "delivered" else None
        self.store.after_commit(lambda: self.receipts_changed(ref))

    def events_for(self, caller: str, room: bytes, after: int) -> list[bytes]:
        """A room's events for a caller that is (or was invited as) a member."""
        from node.domain.node import followers

        state = self.rooms.state(room, self.now())
        # the same answer for an unknown room and one the caller may not follow
        if state is None or caller not in followers(self.registry, state):
            raise NotAllowedError("only the room's members may fetch its events")
        return self.rooms.events_after(room, after)


def _audit_action(kind: str) -> str:
    return {"agenda": "plan", "decision": "plan"}.get(kind, kind)
