"""Closure and revocation: the chair closes a room; every node revokes its own
shares, deletes what it received, destroys the room keys (crypto-shredding) and
confirms with ``closed`` receipts; the WAL is truncated so that nothing deleted keeps
a copy. A node taken out of a room (removed, or left) deletes what it received and
its room keys at once and confirms with ``deleted`` receipts, and hears the close
later as a former member (the close notice). Owns the ``close``, ``revoke_sent``,
``removal_deleted`` and ``keys_destroyed`` audit actions.

The ``items`` of a ``deleted`` or ``closed`` receipt name only shares its addressee
sent this node: a partner never learns the ids of verstrekkingen it did not make.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from node.domain.context import Context
from node.domain.membership import Membership, epoch_peers
from node.domain.shares import next_seq
from node.domain.staff import Staff
from node.errors import NotAllowedError
from node.store import inquiries as inquiry_tables
from node.store import receipts as receipt_tables
from node.store import rooms as room_tables
from node.store import shares as share_tables
from protocol import chain
from protocol.chain import RoomState
from protocol.errors import ClosureError, StorageError
from protocol.events import CloseData, RulingData
from protocol.intake import seal_ruling
from protocol.keys import digest
from protocol.revocation import former_member, make_receipt, make_revoke


class Closure:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members
        self.shred_pending = False
        """A WAL truncation failed; the retention job tries again."""
        members.after_event.append(self.close_when_agreed)
        self.closed_hooks: list[Callable[[RoomState], None]] = []
        """Called with a room's state when it closes at this node (inside the
        transaction), before the closure itself (``Aanmeldingen.room_closed``)."""
        self.finishing_hooks: list[Callable[[RoomState], None]] = []
        """Called with a room's state when this node finishes its closure (inside the
        transaction), before its own shares are revoked and its room keys destroyed
        (``Shielded.seal_at_closure``: what remains is sealed, not dropped)."""

    def close(self, staff: Staff, room: bytes, outcome: str, note: str = "") -> RoomState:
        """Close a room. An open room whose deelnemers decide its closure (Wet PGA art. 6
        lid 3; Wgs art. 2.31 lid 8) gets a proposed closure with the closing note and
        evaluation, sealed to the members; it closes when every deelnemer at the table
        signed it (``Intake.endorse``, then :meth:`close_when_agreed`). A room in intake,
        or under a basis where the chair closes alone, closes at once."""
        ctx = self.ctx
        with ctx.store.transaction():
            state = self.members.as_chair(room)
            basis = ctx.basis(state)
            if chain.closed_jointly(state, basis):
                if not note.strip():
                    self._refuse_without_note(state)
                sealed = seal_ruling(
                    state, basis, reasoning=note, reasons={}, rand=ctx.rand, to_members=True
                )
                data = RulingData("afsluiting", outcome, (), (), sealed)
                new = self.members.chair_event(state, "ruling", data)
                ctx.audit(
                    actor=staff.name, action="close_proposed", room=room, case_ref=state.case,
                    outcome=outcome, seq=new.seq,
                )  # fmt: skip
            else:
                new = self.members.chair_event(state, "close", CloseData(outcome))
                ctx.audit(
                    actor=staff.name, action="close", room=room, case_ref=state.case,
                    outcome=outcome,
                )  # fmt: skip
                self.after_close(new)
        ctx.flush_wakeups()
        return new

    @staticmethod
    def _refuse_without_note(state: RoomState) -> None:
        """A close of an open room without a closing note: refused. While a proposed
        closure waits for signatures, the chair cannot close it alone (chain.closure);
        a new note proposes it again (the signatures start over)."""
        pending = state.ruling
        if pending is not None and pending.stage == "afsluiting" and not pending.done:
            missing = ", ".join(sorted(pending.required - pending.endorsed))
            raise ClosureError(f"the closure waits for the signatures of {missing}")
        raise NotAllowedError("give the closing note with the evaluation")

    def close_when_agreed(self, state: RoomState, kind: str) -> RoomState:
        """After an endorsement at the chair: once every deelnemer signed the proposed
        closure, the chair's node closes the room as agreed (caller's transaction)."""
        ruling = state.ruling
        if (
            kind != "endorse"
            or state.phase != chain.OPEN
            or ruling is None
            or ruling.stage != "afsluiting"
            or not ruling.done
            or ruling.outcome is None
        ):
            return state
        new = self.members.chair_event(state, "close", CloseData(ruling.outcome))
        self.ctx.audit(
            actor=self.ctx.me, action="close", room=new.room, case_ref=new.case,
            outcome=ruling.outcome,
        )  # fmt: skip
        self.after_close(new)
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
        for hook in self.closed_hooks:
            hook(state)
        if self.ctx.config.closure_grace > 0:
            return  # the retention job finishes it when the grace period ends
        self.finish(state)

    def close_notice(self, state: RoomState, event: bytes, kind: str, seq: int) -> bool:
        """A ``close`` the chair sent this former member alone (caller's transaction):
        applied without the events in between, and the closure follows as for every
        member. False (nothing done) for any other event, or when this node still
        follows the room: then the event takes the ordinary way."""
        ctx = self.ctx
        if kind != "close" or seq <= state.seq + 1 or not former_member(state, ctx.me):
            return False
        new = ctx.rooms.apply_close_notice(state, event, ctx.now())
        ctx.audit(actor=new.chair, action="close", room=new.room, case_ref=new.case, seq=seq)
        self.after_close(new)
        return True

    def taken_out(self, state: RoomState, event: bytes) -> None:
        """This node was removed from the room or left it, by ``event`` (caller's
        transaction): it deletes the ciphertext of what it received there and its room
        keys, and confirms with a ``deleted`` receipt for that event to every node it
        shared an epoch with (the chair among them; nobody, for a withdrawn invitation
        that was never a member). Its own shares stay as they are until the close
        revokes them, as for every member."""
        self._delete_and_confirm(state, "deleted", event, "removal_deleted", shielded=False)

    def finish(self, state: RoomState) -> None:
        """Finish the room's closure at this node (caller's transaction); idempotent."""
        ctx = self.ctx
        room = state.room
        if room_tables.closure_sent(ctx.store, room):
            return
        for hook in self.finishing_hooks:
            hook(state)
        if share_tables.own_unrevoked(ctx.store, room):
            self.revoke(None, room, reason="gesloten")
        close_event = ctx.rooms.events_after(room, state.seq - 1, limit=1)[0]
        self._delete_and_confirm(state, "closed", close_event, "keys_destroyed", shielded=True)
        room_tables.mark_closure_sent(ctx.store, room)

    def _delete_and_confirm(
        self, state: RoomState, kind: str, event: bytes, action: str, *, shielded: bool
    ) -> None:
        """Delete the ciphertext of every share received in the room and the room keys
        (``shielded``: flag the room shielded here), truncate the WAL after the commit,
        and send a ``kind`` receipt for ``event`` to every node this one shared an
        epoch with, naming only the addressee's own shares it deleted."""
        ctx = self.ctx
        room = state.room
        received = share_tables.received_with_content(ctx.store, room)
        share_tables.delete_received(ctx.store, room, ctx.now())
        inquiry_tables.forget_received(ctx.store, room)
        destroyed = ctx.rooms.destroy_keys(room, mark=shielded)
        ctx.store.after_commit(self.shred)
        for peer in sorted(epoch_peers(state, ctx.me) | set(received)):
            self._receipt(kind, state, event, peer, received.get(peer, []))
        ctx.audit(
            actor=ctx.me,
            action=action,
            room=room,
            case_ref=state.case,
            keys=destroyed,
            deleted=sum(len(ids) for ids in received.values()),
        )

    def removals(self, state: RoomState) -> dict[str, bool]:
        """The former members this node shared an epoch with, and for each whether it
        confirmed (a ``deleted`` receipt for a room event: its removal or leave) that
        it deleted what it received and its room keys."""
        ctx = self.ctx
        former = sorted(n for n in epoch_peers(state, ctx.me) if former_member(state, n))
        if not former:
            return {}
        events = {digest(e) for e in ctx.rooms.events_after(state.room, -1, limit=1 << 30)}
        confirmed = {
            issuer
            for issuer, ref in receipt_tables.issued(ctx.store, state.room, "deleted")
            if ref in events
        }
        return {n: n in confirmed for n in former}

    def _receipt(
        self, kind: str, state: RoomState, envelope: bytes, peer: str, items: Sequence[bytes]
    ) -> None:
        """Queue a signed ``kind`` receipt for ``envelope`` to ``peer``; ``items`` are
        ``peer``'s own shares that this node deleted."""
        ctx = self.ctx
        receipt = make_receipt(
            ctx.identity.signer,
            ctx.me,
            kind=kind,
            room=state.room,
            envelope=envelope,
            to=peer,
            items=items,
            now=ctx.now(),
        )
        ctx.enqueue(peer, "receipt", state.room, receipt)

    def shred(self) -> None:
        """Truncate the WAL so that destroyed keys and deleted content leave no copy."""
        try:
            self.ctx.store.checkpoint()
            self.shred_pending = False
        except StorageError:
            self.shred_pending = True  # the retention job tries again
