"""Closure and revocation: the chair closes a room; every node revokes its own
shares, deletes what it received, destroys the room keys (crypto-shredding) and
confirms with ``closed`` receipts; the WAL is truncated so that nothing deleted keeps
a copy. Owns the ``close``, ``revoke_sent`` and ``keys_destroyed`` audit actions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.shares import next_seq
from node.domain.staff import Staff
from node.errors import NotAllowedError
from node.store import rooms as room_tables
from node.store import shares as share_tables
from protocol.chain import RoomState
from protocol.errors import StorageError
from protocol.events import CloseData
from protocol.revocation import make_receipt, make_revoke


class Closure:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members
        self.shred_pending = False
        """A WAL truncation failed; the retention job tries again."""

    def close(self, staff: Staff, room: bytes, outcome: str) -> RoomState:
        ctx = self.ctx
        with ctx.store.transaction():
            state = self.members.as_chair(room)
            new = self.members.chair_event(state, "close", CloseData(outcome))
            ctx.audit(
                actor=staff.name, action="close", room=room, case_ref=state.case, outcome=outcome
            )
            self.after_close(new)
        ctx.flush_wakeups()
        return new

    def revoke(
        self,
        staff: Staff | None,
        room: bytes,
        share_ids: Sequence[bytes] = (),
        *,
        reason: str = "ingetrokken",
    ) -> int:
        """Revoke own shares (all of them when ``share_ids`` is empty)."""
        ctx = self.ctx
        actor = staff.name if staff else ctx.me
        with ctx.store.transaction():
            rows = share_tables.own_unrevoked(ctx.store, room)
            if share_ids:
                wanted = set(share_ids)
                rows = [r for r in rows if r["id"] in wanted]
                if len(rows) != len(wanted):
                    raise NotAllowedError("only own, not yet revoked shares can be revoked")
            if not rows:
                return 0
            peers = sorted({p for r in rows for p in json.loads(r["recipients"])})
            envelope = make_revoke(
                ctx.identity.signer,
                ctx.me,
                room=room,
                seq=next_seq(ctx, room),
                shares=[] if not share_ids else [r["id"] for r in rows],
                revoke_all=not share_ids,
                reason=reason,
                now=ctx.now(),
                rand=ctx.rand,
            )
            for r in rows:
                share_tables.revoke_own(ctx.store, r["id"], ctx.now())
            ctx.store.after_commit(self.shred)  # own plaintext leaves the WAL too
            for peer in peers:
                ctx.enqueue(peer, "revoke", room, envelope)
            ctx.audit(
                actor=actor,
                action="revoke_sent",
                room=room,
                shares=[r["id"].hex() for r in rows],
                reason=reason,
            )
        ctx.flush_wakeups()
        return len(rows)

    def after_close(self, state: RoomState) -> None:
        """Closure at this node (inside a transaction): revoke, shred, confirm."""
        if self.ctx.config.closure_grace > 0:
            return  # the retention job finishes it when the grace period ends
        self.finish(state)

    def finish(self, state: RoomState) -> None:
        """Finish the room's closure at this node (caller's transaction); idempotent."""
        ctx = self.ctx
        room = state.room
        if room_tables.closure_sent(ctx.store, room):
            return
        if share_tables.own_unrevoked(ctx.store, room):
            self.revoke(None, room, reason="gesloten")
        received = share_tables.received_with_content(ctx.store, room)
        share_tables.delete_received(ctx.store, room, ctx.now())
        destroyed = ctx.rooms.destroy_keys(room)
        ctx.store.after_commit(self.shred)
        close_event = ctx.rooms.events_after(room, state.seq - 1, limit=1)[0]
        everyone = {n for members in state.epochs.values() for n in members} - {ctx.me}
        for peer in sorted(everyone):
            receipt = make_receipt(
                ctx.identity.signer,
                ctx.me,
                kind="closed",
                room=room,
                envelope=close_event,
                to=peer,
                items=received,
                now=ctx.now(),
            )
            ctx.enqueue(peer, "receipt", room, receipt)
        room_tables.mark_closure_sent(ctx.store, room)
        ctx.audit(
            actor=ctx.me,
            action="keys_destroyed",
            room=room,
            case_ref=state.case,
            keys=destroyed,
            deleted=len(received),
        )

    def shred(self) -> None:
        """Truncate the WAL so that destroyed keys and deleted content leave no copy."""
        try:
            self.ctx.store.checkpoint()
            self.shred_pending = False
        except StorageError:
            self.shred_pending = True  # the retention job tries again
