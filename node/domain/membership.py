"""Room chains and membership: convening, inviting, removing, leaving, joining,
epochs, and who follows a room.

The chair's node is the one writer of a room's chain (:meth:`Membership.chair_event`);
members send it signed statements (:meth:`Membership.statement`). Owns the audit
actions of chain events (``convene``, ``invite``, ``join``, ...) and the staff
assignment of a new room.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from node.domain import staff as staffmod
from node.domain.context import Context
from node.domain.staff import Staff
from node.errors import NotAllowedError, NotOwnError
from node.store import rooms as room_tables
from protocol import chain
from protocol.chain import RoomState
from protocol.codec import PROTOCOL_VERSION, decode, decode_map
from protocol.errors import ChainFutureError, NotChairError
from protocol.events import (
    ConveneData,
    EpochData,
    EpochMember,
    InviteData,
    Join,
    Leave,
    Mandate,
    RemoveData,
    StatementData,
)
from protocol.keys import BoxKeyPair
from protocol.registry import Grondslag, Registry, registry_for
from protocol.revocation import former_member
from protocol.signed import Signed
from protocol.verblijf import VERBLIJF_CAPACITY, verify_mandate

MEMBERSHIP_KINDS = ("join", "consent", "remove", "leave", "assess", "endorse")
"""Events after which the chair checks whether a new epoch is due."""


def followers(registry: Registry, state: RoomState) -> set[str]:
    """Who may receive and fetch a room's chain.

    The members, those leaving (they learn they are removed), and invitees; but a
    third party invited under a basis that asks for joint consent only once that
    consent is complete, so that it never sees the intake before it is admitted. A
    node removed earlier follows no more.
    """
    basis = registry_for(state.registry, registry).bases[state.room_basis]
    invited = {node for node in state.invited if chain.entitled(state, basis, node)}
    return set(state.members) | set(state.leaving) | invited


def former_members(state: RoomState) -> set[str]:
    """The nodes that were a member of some epoch and follow the room no more (removed,
    or left): the chair sends them the ``close`` alone (``docs/protocol.md`` 6.7.10)."""
    ever = {n for members in state.epochs.values() for n in members}
    return {n for n in ever if former_member(state, n)}


def epoch_peers(state: RoomState, node: str) -> set[str]:
    """The other nodes that shared an epoch with ``node``: those it may have sent shares
    to or received shares from. Each of them gets its ``closed`` receipt."""
    return {n for members in state.epochs.values() if node in members for n in members} - {node}


def taken_out(before: RoomState, after: RoomState, node: str) -> bool:
    """Whether the event from ``before`` to ``after`` took ``node`` out of the room: a
    ``remove`` or ``leave`` that makes a member leaving or withdraws its invitation."""
    if node in after.leaving:
        return node not in before.leaving
    return node in before.invited and node not in after.invited and node not in after.members


def with_supply_bases(registry: Registry, bases: Sequence[str]) -> list[str]:
    """The bases a convene names and the supply bases in force that serve its room
    basis: politie's Wpg and the OM's Wjsg come with a Wet PGA or Wgs casusoverleg."""
    chosen = set(bases)
    supply = {
        b.id
        for b in registry.bases.values()
        if b.kind == "supply" and b.in_force and b.requires_room & chosen
    }
    return sorted(chosen | supply)


def audit_action(kind: str) -> str:
    """The audit action of a chain event kind (plan items are audited as ``plan``)."""
    return {"agenda": "plan", "decision": "plan"}.get(kind, kind)


class Membership:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.after_event: list[Callable[[RoomState, str], RoomState]] = []
        """Called with the state after each event the chair put in a chain (inside
        the transaction): a follow-up event of its own (``Closure``: the close once
        the deelnemers signed it)."""

    # -- the chair's side of the chain -------------------------------------------------

    def as_chair(self, room: bytes) -> RoomState:
        state = self.ctx.state(room)
        if state.chair != self.ctx.me:
            raise NotChairError("only the chair's node can do this")
        return state

    def chair_event(self, state: RoomState, kind: str, data: Any) -> RoomState:
        """Sign, apply, store and send one event; then cut an epoch if membership moved."""
        ctx = self.ctx
        event = chain.next_event(ctx.identity.signer, state, kind, data, self._stamp(state, data))
        before = self._audience(state)
        new = ctx.rooms.apply(state, event, ctx.now(), own=True)
        audience = self._audience(new) | before
        if kind == "close":  # every node that was ever a member hears the close
            audience |= former_members(new) - {ctx.me}
        for peer in sorted(audience):
            if peer not in before and kind != "close":  # a new follower gets the whole chain
                for old in ctx.rooms.events_after(new.room, -1, limit=1 << 30):
                    ctx.enqueue(peer, "event", new.room, old)
            else:
                ctx.enqueue(peer, "event", new.room, event)
        ctx.audit(
            actor=ctx.me, action=audit_action(kind), room=new.room, case_ref=new.case, seq=new.seq
        )
        if kind in MEMBERSHIP_KINDS and new.phase != chain.CLOSED:
            new = self._maybe_epoch(new)
        for hook in self.after_event:
            new = hook(new, kind)
        return new

    def _stamp(self, state: RoomState, data: Any) -> int:
        """The time of the chair's next event: now, but never before the chain's last
        event (stored events may be dated ahead by a clock that was corrected since)
        nor before the statement it carries (a member's clock a little ahead).
        A statement beyond the allowed skew waits (transient ``chain.future``)."""
        now = self.ctx.now()
        when = max(now, state.time)
        if isinstance(data, StatementData):
            made = decode_map(decode(data.statement, Signed.SPEC).body).get("time")
            if isinstance(made, int) and made > when:
                if made > now + chain.MAX_SKEW:
                    raise ChainFutureError(f"statement {made - now:+d} s")
                when = made
        return when

    def _maybe_epoch(self, state: RoomState) -> RoomState:
        basis = self.ctx.basis(state)
        admitted = chain.admitted(state, basis)
        if admitted == dict(state.members) and not state.leaving:
            return state
        members = tuple(EpochMember(n, m.role, m.key) for n, m in sorted(admitted.items()))
        return self.chair_event(state, "epoch", EpochData(state.epoch + 1, members))

    def _audience(self, state: RoomState) -> set[str]:
        """Who receives the room's events (see :func:`followers`), but this node."""
        return followers(self.ctx.registry, state) - {self.ctx.me}

    # -- staff actions -----------------------------------------------------------------

    def convene(
        self,
        staff: Staff,
        *,
        case: str,
        purpose: str,
        bases: Sequence[str],
        meeting: int,
        verblijf: str | None = None,
    ) -> RoomState:
        """A new casusoverleg chaired by this node. Under a basis that names the gemeente
        van verblijf, a chair on its behalf (the ZVH) needs the mandate that gemeente
        sent it (:meth:`grant_mandate`)."""
        ctx = self.ctx
        bases = with_supply_bases(ctx.registry, bases)
        basis_objs = [ctx.registry.get(b) for b in bases]
        room_bases = [b for b in basis_objs if b.kind == "room"]
        room_basis = room_bases[0] if room_bases else None
        if room_basis and ctx.config.org not in room_basis.conveners:
            raise NotAllowedError(f"a {ctx.config.org} node cannot convene under {room_basis.id}")
        verblijf, mandate = self._verblijf(room_basis, case, verblijf)
        pair = BoxKeyPair.generate(ctx.rand)
        data = ConveneData(
            case,
            purpose,
            tuple(sorted(set(bases))),
            chain.retention_years(basis_objs),
            meeting,
            pair.public,
            ctx.registry.version,
            verblijf,
            mandate,
        )
        event = chain.convene(ctx.identity.signer, ctx.me, data, ctx.now())
        with ctx.store.transaction():
            state = ctx.rooms.apply(None, event, ctx.now())
            ctx.rooms.new_key(state.room, pair, ctx.now())
            staffmod.assign(ctx.store, state.room, staff.name)
            ctx.audit(
                actor=staff.name,
                action="convene",
                room=state.room,
                case_ref=state.case,
                bases=list(data.bases),
            )
        return state

    def _verblijf(
        self, basis: Grondslag | None, case: str, verblijf: str | None
    ) -> tuple[str | None, bytes | None]:
        """The gemeente van verblijf a convene names, and the mandate it carries."""
        ctx = self.ctx
        if basis is None or not basis.verblijf:
            if verblijf:
                raise NotAllowedError("this basis names no gemeente van verblijf")
            return None, None
        if ctx.config.org not in basis.chair_on_behalf:
            return verblijf or ctx.me, None  # the gemeente van verblijf itself
        if not verblijf:
            raise NotAllowedError(f"{basis.id}: name the gemeente van verblijf")
        mandate = room_tables.mandate(ctx.store, case, verblijf)
        if mandate is None:
            raise NotAllowedError(
                f"no mandate of {verblijf} for {case}: the gemeente van verblijf grants it"
            )
        return verblijf, mandate

    def grant_mandate(self, staff: Staff, chair: str, case: str) -> None:
        """The burgemeester's mandate for ``chair`` (a ZVH node) to chair ``case`` on the
        burgemeester's behalf: signed here and sent to the chair."""
        ctx = self.ctx
        if staff.capacity != VERBLIJF_CAPACITY:
            raise NotAllowedError("only the burgemeester gives a mandate to chair")
        member = ctx.roster.by_node.get(chair)
        if member is None or not any(
            b.chair_on_behalf.get(member.org) == ctx.config.org for b in ctx.registry.bases.values()
        ):
            raise NotAllowedError(f"{chair} does not chair on a gemeente's behalf")
        body = Mandate("mandate", PROTOCOL_VERSION, case, chair, ctx.me, ctx.now())
        signed = chain.statement(ctx.identity.signer, ctx.me, body)
        with ctx.store.transaction():
            ctx.enqueue(chair, "mandate", None, signed)
            ctx.audit(actor=staff.name, action="mandate_granted", chair=chair, case_ref=case)
        ctx.flush_wakeups()

    def keep_mandate(self, caller: str, envelope: bytes) -> None:
        """A mandate received from a gemeente (caller's transaction): kept for the
        convene of that case."""
        ctx = self.ctx
        body = decode(decode(envelope, Signed.SPEC).body, Mandate.SPEC)
        mandate = verify_mandate(envelope, roster=ctx.roster, chair=ctx.me, case=body.case)
        if mandate.node != caller:
            raise NotOwnError("a node sends only its own mandates")
        room_tables.keep_mandate(ctx.store, mandate.case, mandate.node, envelope, ctx.now())
        ctx.audit(actor=caller, action="mandate_received", case_ref=mandate.case)

    def invite(self, staff: Staff, room: bytes, node: str, role: str) -> RoomState:
        ctx = self.ctx
        if node not in ctx.roster.by_node:
            raise NotAllowedError(f"{node} is not in the federation roster")
        with ctx.store.transaction():
            state = self.as_chair(room)
            new = self.chair_event(state, "invite", InviteData(node, role, state.epoch + 1))
            ctx.audit(
                actor=staff.name,
                action="invite",
                room=room,
                case_ref=state.case,
                node=node,
                role=role,
            )
        ctx.flush_wakeups()
        return new

    def remove(self, staff: Staff, room: bytes, node: str) -> RoomState:
        with self.ctx.store.transaction():
            new = self.chair_event(self.as_chair(room), "remove", RemoveData(node))
        self.ctx.flush_wakeups()
        return new

    def leave(self, staff: Staff, room: bytes) -> None:
        ctx = self.ctx
        state = ctx.state(room)
        body = Leave("leave", PROTOCOL_VERSION, room, state.seq, ctx.me, ctx.now())
        self.statement(staff, state, "leave", body)

    def basis_as_member(self, state: RoomState) -> Grondslag:
        """The room's basis, for an action only a member may take."""
        if self.ctx.me not in state.members:
            raise NotAllowedError("this node is not (yet) a member of the room")
        return self.ctx.basis(state)

    def statement(
        self, staff: Staff, state: RoomState, kind: str, body: Any, **detail: Any
    ) -> None:
        """Sign a member statement and apply it (as chair) or send it to the chair."""
        ctx = self.ctx
        signed = chain.statement(ctx.identity.signer, ctx.me, body)
        with ctx.store.transaction():
            if state.chair == ctx.me:
                self.chair_event(state, kind, StatementData(signed))
            else:
                ctx.enqueue(state.chair, kind, state.room, signed)
            ctx.audit(actor=staff.name, action=kind, room=state.room, case_ref=state.case, **detail)
        ctx.flush_wakeups()

    # -- the member's side -----------------------------------------------------------------

    def join(self, state: RoomState) -> None:
        """Answer an invite (or rotate the room key): a fresh room key and a join."""
        ctx = self.ctx
        pair = BoxKeyPair.generate(ctx.rand)
        ctx.rooms.new_key(state.room, pair, ctx.now())
        body = Join("join", PROTOCOL_VERSION, state.room, state.seq, ctx.me, pair.public, ctx.now())
        ctx.enqueue(
            state.chair, "join", state.room, chain.statement(ctx.identity.signer, ctx.me, body)
        )
        ctx.audit(actor=ctx.me, action="join", room=state.room, case_ref=state.case)

    def events_for(self, caller: str, room: bytes, after: int) -> list[bytes]:
        """A room's events for a caller that is (or was invited as) a member."""
        ctx = self.ctx
        state = ctx.rooms.state(room, ctx.now())
        # the same answer for an unknown room and one the caller may not follow
        if state is None or caller not in followers(ctx.registry, state):
            raise NotAllowedError("only the room's members may fetch its events")
        return ctx.rooms.events_after(room, after)
