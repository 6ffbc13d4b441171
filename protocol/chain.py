"""The room chain: ``apply(state, event) -> state``.

A room is an append-only chain of chair-signed events, each carrying the hash of
the one before; the room id is the hash of the signed ``convene``. ``apply`` checks
an event completely on the side and returns a new :class:`RoomState`, or raises a
typed :class:`~protocol.errors.ChainError` (or crypto/policy/decode error); the old
state is never changed.

Rules (see ``docs/protocol.md`` section 6 for the full table):

- Only the chair signs events. A member's ``assess``, ``consent``, ``join`` and
  ``leave`` statements travel whole inside the chair's event; both signatures count.
- Under a basis with an intake (``pga-r``: gemeente van verblijf, politie and OM;
  ``wgs``: the public deelnemers at the table), the room starts in ``intake``, stage
  ``analyse`` (Wet PGA art. 5 lid 3). Each intake organisation records a sealed
  assessment; the chair proposes a ``ruling`` and every intake organisation endorses
  it: a positive ``beoordeling`` moves the intake to ``verzamelen`` (lid 4), a negative
  one to ``afgewezen`` (only a close with ``niet_voorgelegd`` follows); the
  ``samenstelling`` (lid 5) names the deelnemers and derden who join and opens the
  room. During the intake only deelnemers enter (the intake organisations, and those
  consulted); a deelnemer or derde invited after the samenstelling that did not name
  it enters only with the consent statements of every consenting organisation.
- ``epoch`` must list exactly the membership that the invites, joins, consents,
  removals and leaves since the last epoch give; after ``remove``/``leave`` the next
  membership event must be that ``epoch``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .codec import DEFAULT_LIMITS, PROTOCOL_VERSION, Limits, decode
from .errors import (
    ChainError,
    ChainFutureError,
    ChainLinkError,
    ChainReplayError,
    ChainStateError,
    ConsentError,
    ConvenerError,
    IntakeError,
    MembershipError,
    NotChairError,
    UnknownSignerError,
)
from .events import (
    CLOSURE_OUTCOMES,
    LEGACY_OUTCOMES,
    CloseData,
    ConveneData,
    EpochData,
    EpochMember,
    Event,
    InviteData,
    ItemData,
    Join,
    Leave,
    RemoveData,
)
from .events import Consent as ConsentStatement
from .intake_chain import (
    assess_rule,
    endorse_rule,
    require_closure,
    require_sealed,
    ruling_rule,
)
from .intake_chain import closed_jointly as closed_jointly
from .intake_chain import closure_orgs as closure_orgs
from .keys import Signer, check_box_public, digest
from .plan_chain import plan_rule
from .registry import Grondslag, Registry, registry_for
from .roomstate import AFGEWEZEN as AFGEWEZEN
from .roomstate import ANALYSE as ANALYSE
from .roomstate import CLOSED as CLOSED
from .roomstate import INTAKE as INTAKE
from .roomstate import OPEN as OPEN
from .roomstate import VERZAMELEN as VERZAMELEN
from .roomstate import Invite as Invite
from .roomstate import Member as Member
from .roomstate import RoomState as RoomState
from .roomstate import Ruling as Ruling
from .roomstate import carried_statement as _statement
from .roomstate import check_fresh as _fresh
from .roomstate import deciding as deciding
from .roomstate import entitled as entitled
from .roomstate import frozen_map as _frozen
from .roomstate import intake_nodes as intake_nodes
from .roomstate import require_member as _require_member
from .roster import Roster
from .signed import Signed, sign
from .verblijf import acting_for_verblijf, check_verblijf

MAX_SKEW = 300  # seconds an event may lie in the future of the verifier's clock


# --- building events (the chair's side) ------------------------------------------------


def convene(
    chair: Signer,
    chair_id: str,
    data: ConveneData,
    time: int,
) -> bytes:
    """The signed ``convene`` event; its hash (``room_id``) is the room id."""
    event = Event("event", PROTOCOL_VERSION, b"", 0, b"", "convene", time, data)
    return sign(chair, chair_id, event)


def room_id(convene_event: bytes) -> bytes:
    return digest(convene_event)


def next_event(chair: Signer, state: RoomState, kind: str, data: Any, time: int) -> bytes:
    """A signed event that follows ``state``'s head (to be checked with :func:`apply`)."""
    event = Event(
        "event", PROTOCOL_VERSION, state.room, state.seq + 1, state.head, kind, time, data
    )
    return sign(chair, state.chair, event)


def statement(signer: Signer, node: str, body: Any) -> bytes:
    """A member's signed statement (``Assess``, ``Consent``, ``Join``, ``Leave``)."""
    return sign(signer, node, body)


# --- checking events --------------------------------------------------------------------


def signed_event(
    data: bytes, *, roster: Roster, now: int | None, limits: Limits = DEFAULT_LIMITS
) -> tuple[Signed, Event]:
    """Steps 1–6 of :func:`apply`, which a former member's close notice shares
    (``revocation.verify_close_notice``): decode, the signer in the roster, the event
    signature, the signer valid at the event's time, not too far in the future
    (unless ``now`` is ``None``: stored history)."""
    wrapper = decode(data, Signed.SPEC, limits)
    signer = roster.member(wrapper.signer)
    event = decode(wrapper.body, Event.SPEC, limits)
    signer.verify("event", wrapper.body, wrapper.sig, event.time)
    if not signer.active(event.time):
        raise UnknownSignerError(f"{wrapper.signer}: not in the roster at the event's time")
    if now is not None and event.time > now + MAX_SKEW:
        raise ChainFutureError(f"{event.time - now:+d} s")
    return wrapper, event


def apply(
    state: RoomState | None,
    data: bytes,
    *,
    roster: Roster,
    registry: Registry,
    now: int | None,
    limits: Limits = DEFAULT_LIMITS,
    stored: bool | None = None,
) -> RoomState:
    """Check a signed event against ``state`` and return the state after it.

    Order: decode the wrapper; the signer is a roster member; decode the event;
    event signature; the signer's roster validity at the event's time; not in the
    future; for ``convene`` the rules of a new room, else room, sequence (replay),
    hash link, chair signature, time not before the previous event, room not
    closed, a due epoch; then the kind's own rules. Raises a typed error and leaves
    ``state`` as it was.

    ``now`` is the verifier's clock for a newly received event; an event more than
    ``MAX_SKEW`` ahead of it is refused with the transient :class:`ChainFutureError`.
    ``now=None`` replays stored history: events this node accepted once stay
    loadable whatever its clock says now (a clock that ran ahead and was corrected).
    ``stored`` (default: ``now is None``) says whether the event is stored history; the
    chair's own new event is checked with ``now=None, stored=False``: not against the
    clock, but as new (sealed assessments, current outcomes, a closure decided).
    """
    stored = now is None if stored is None else stored
    wrapper, event = signed_event(data, roster=roster, now=now, limits=limits)
    signer = roster.member(wrapper.signer)
    if state is None:
        if event.kind != "convene":
            raise ChainStateError("a room starts with convene")
        if event.seq != 0 or event.room or event.prev:
            raise ChainLinkError("convene must have seq 0, no room and no prev")
        return _convene(event, wrapper.signer, signer.org, digest(data), registry, roster)
    if event.room != state.room:
        raise ChainLinkError("event belongs to another room")
    if event.seq <= state.seq:
        raise ChainReplayError(f"seq {event.seq} <= {state.seq}")
    if event.seq != state.seq + 1 or event.prev != state.head:
        raise ChainLinkError(f"expected seq {state.seq + 1} after the head")
    if wrapper.signer != state.chair:
        raise NotChairError(wrapper.signer)
    if event.time < state.time:
        raise ChainError("event time before the previous event")
    if state.phase == CLOSED:
        raise ChainStateError("the room is closed")
    if event.kind == "convene":
        raise ChainStateError("convene only starts a room")
    if state.epoch_due and event.kind not in ("epoch", "remove", "leave", "close"):
        raise ChainStateError("a new epoch must follow remove or leave")
    basis = registry_for(state.registry, registry).bases[state.room_basis]
    event = legacy_outcome(event, stored)
    if event.kind == "assess" and not stored:
        require_sealed(event, limits)
    if event.kind == "close" and not stored:
        require_closure(state, basis, event.data.outcome)
    new = _RULES[event.kind](state, event, roster, basis, limits)
    return replace(new, seq=event.seq, head=digest(data), time=event.time)


def _convene(
    event: Event, chair: str, chair_org: str, head: bytes, registry: Registry, roster: Roster
) -> RoomState:
    data: ConveneData = event.data
    registry = registry_for(data.registry, registry)  # a stored room keeps its version
    bases = [registry.get(b) for b in data.bases]
    room_bases = [b for b in bases if b.kind == "room"]
    if len(room_bases) != 1:
        raise ChainStateError("declare exactly one room basis (pga-r or wgs)")
    basis = room_bases[0]
    for b in bases:
        if b.kind == "supply" and basis.id not in b.requires_room:
            raise ChainStateError(f"{b.id} cannot be used in a {basis.id} room")
    if chair_org not in basis.conveners:
        raise ConvenerError(f"a {chair_org} node cannot convene under {basis.id}")
    check_verblijf(data, basis, chair, chair_org, roster, event.time)
    if data.retention != retention_years(bases):
        raise ChainStateError("retention does not match the declared bases")
    check_box_public(data.chair_key)
    chair_member = Member(chair, chair_org, "deelnemer", data.chair_key)
    return RoomState(
        room=head,
        case=data.case,
        purpose=data.purpose,
        bases=data.bases,
        room_basis=basis.id,
        chair=chair,
        verblijf=data.verblijf,
        registry=data.registry,
        meeting=data.meeting,
        retention=data.retention,
        seq=0,
        head=head,
        time=event.time,
        first_time=event.time,
        phase=INTAKE if basis.intake_by else OPEN,
        epoch=0,
        epochs=_frozen({0: _frozen({chair: chair_member})}),
        invited=_frozen({}),
        joins=_frozen({}),
        assessments=_frozen({}),
        consents=_frozen({}),
        used=frozenset(),
        leaving=frozenset(),
        items=_frozen({}),
        outcome=None,
        closed_at=None,
        stage=ANALYSE if basis.intake_by else None,
    )


def retention_years(bases: list[Grondslag]) -> int:
    """The longest retention or logging term of the declared bases, in years."""
    return max([b.retention_years or 0 for b in bases] + [b.log_min_years for b in bases])


def _invite(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    data: InviteData = event.data
    target = roster.member(data.node)
    if data.node in state.members or data.node in state.invited:
        raise MembershipError(f"{data.node} is already a member or invited")
    if data.role == "deelnemer" and target.org not in basis.deelnemers:
        raise MembershipError(f"a {target.org} node is no deelnemer under {basis.id}")
    if data.role == "derde" and not basis.third_parties:
        raise MembershipError(f"{basis.id} admits no third parties")
    if data.from_epoch != state.epoch + 1:
        raise MembershipError("an invite is for the next epoch")
    if state.phase == INTAKE and basis.intake_by and not state.legacy:
        if data.role == "derde":
            raise IntakeError("a derde joins only after the intake's samenstelling")
        if state.stage == AFGEWEZEN:
            raise IntakeError("the case is not put to the casusoverleg")
    invited = dict(state.invited)
    invited[data.node] = Invite(data.node, target.org, data.role, data.from_epoch, event.seq)
    return replace(state, invited=_frozen(invited))


def _consent(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: ConsentStatement
    body, org, state = _statement(state, event, roster, "consent", limits)
    if org not in basis.third_party_consent:
        raise ConsentError(f"a {org} node does not consent to third parties under {basis.id}")
    acting_for_verblijf(state.verblijf, basis, org, body, ConsentError)
    _require_member(state, body.node, "consent")
    invite = state.invited.get(body.subject)
    if invite is None:
        raise ConsentError(f"{body.subject} is not invited")
    if invite.role != "derde" and (not basis.intake_by or state.legacy or state.phase != OPEN):
        raise ConsentError(f"{body.subject} is invited as a deelnemer that needs no consent")
    _fresh(body, invite.seq, "consent")
    given = state.consents.get(body.subject, frozenset())
    if org in given:
        raise ConsentError(f"{org} already consented")
    consents = dict(state.consents)
    consents[body.subject] = given | {org}
    return replace(state, consents=_frozen(consents))


def _join(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: Join
    body, _, state = _statement(state, event, roster, "join", limits)
    invite, member = state.invited.get(body.node), state.members.get(body.node)
    if invite is None and member is None:
        raise MembershipError(f"{body.node} is not invited")
    _fresh(body, invite.seq if invite is not None else member.since if member else 0, "join")
    if body.node in state.leaving:
        raise MembershipError(f"{body.node} is leaving")
    check_box_public(body.key)
    joins = dict(state.joins)
    joins[body.node] = body.key
    return replace(state, joins=_frozen(joins))


def admitted(state: RoomState, basis: Grondslag) -> dict[str, Member]:
    """The membership the next ``epoch`` event must list."""
    members = {
        node: replace(m, key=state.joins.get(node, m.key))
        for node, m in state.members.items()
        if node not in state.leaving
    }
    for node, inv in state.invited.items():
        key = state.joins.get(node)
        if key is None or not entitled(state, basis, node):
            continue
        members[node] = Member(node, inv.org, inv.role, key, inv.seq)
    return members


def _epoch(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    data: EpochData = event.data
    if data.epoch != state.epoch + 1:
        raise ChainLinkError(f"expected epoch {state.epoch + 1}")
    expected = admitted(state, basis)
    listed = {m.node: m for m in data.members}
    if len(listed) != len(data.members):
        raise MembershipError("a member is listed twice")
    if [m.node for m in data.members] != sorted(listed):
        raise MembershipError("members are not sorted by node id")
    if listed != {n: EpochMember(n, m.role, m.key) for n, m in expected.items()}:
        _explain_epoch_mismatch(state, basis, listed, expected)
    if expected == dict(state.members) and not state.leaving:
        raise ChainStateError("the epoch changes nothing")
    invited = {n: i for n, i in state.invited.items() if n not in expected}
    joins = {n: k for n, k in state.joins.items() if n not in expected}
    epochs = dict(state.epochs)
    epochs[data.epoch] = _frozen(expected)
    return replace(
        state,
        epoch=data.epoch,
        epochs=_frozen(epochs),
        invited=_frozen(invited),
        joins=_frozen(joins),
        leaving=frozenset(),
    )


def _explain_epoch_mismatch(
    state: RoomState, basis: Grondslag, listed: dict[str, EpochMember], expected: dict[str, Member]
) -> None:
    for node in sorted(listed.keys() - expected.keys()):
        invite = state.invited.get(node)
        if invite is not None and node in state.joins:
            if basis.intake_by and state.phase == INTAKE:
                raise IntakeError(f"{node}: a third party enters only after the intake")
            raise ConsentError(f"{node} was not named by the intake and lacks its consent")
        raise MembershipError(f"{node} may not be a member of this epoch")
    for node in sorted(expected.keys() - listed.keys()):
        raise MembershipError(f"{node} is missing from the epoch")
    raise MembershipError("a member's role or key differs from its invite and join")


def _remove(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    data: RemoveData = event.data
    return _drop(state, data.node)


def _leave(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: Leave
    body, _, state = _statement(state, event, roster, "leave", limits)
    member = state.members.get(body.node)
    invite = state.invited.get(body.node)
    _fresh(body, member.since if member else invite.seq if invite else 0, "leave")
    return _drop(state, body.node)


def _drop(state: RoomState, node: str) -> RoomState:
    if node == state.chair:
        raise MembershipError("the chair cannot leave; close the room instead")
    invited = {n: i for n, i in state.invited.items() if n != node}
    joins = {n: k for n, k in state.joins.items() if n != node}
    consents = {n: c for n, c in state.consents.items() if n != node}
    member = state.members.get(node)
    if member is not None:
        # a consent is the organisation's: it lapses when no node of it remains
        others = {m.org for n, m in state.members.items() if n != node and n not in state.leaving}
        if member.org not in others:
            consents = {n: c - {member.org} for n, c in consents.items()}
    if node in state.members and node not in state.leaving:
        leaving = state.leaving | {node}
    elif node in state.invited:
        leaving = state.leaving
    else:
        raise MembershipError(f"{node} is not a member or invited")
    return replace(
        state,
        invited=_frozen(invited),
        joins=_frozen(joins),
        consents=_frozen(consents),
        leaving=leaving,
    )


def _item(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    data: ItemData = event.data
    if state.phase != OPEN:
        raise ChainStateError("plan items need an open room")
    if data.epoch != state.epoch:
        raise ChainStateError("plan items are sealed for the current epoch")
    if data.item in state.items:
        raise ChainReplayError("item id already used")
    nodes = [n for n, _ in data.wraps]
    if nodes != sorted(set(nodes)) or not set(nodes) <= state.members.keys():
        raise MembershipError("item recipients must be sorted members of the epoch")
    items = dict(state.items)
    items[data.item] = (event.kind, data.epoch)
    return replace(state, items=_frozen(items))


CLOSE_OUTCOMES = {
    INTAKE: frozenset({"niet_voorgelegd", "afgesloten"}),
    OPEN: frozenset(CLOSURE_OUTCOMES),
}


def legacy_outcome(event: Event, stored: bool) -> Event:
    """A ``close`` with an outcome id of an earlier release: read as its new id in stored
    history (``stored``); refused in an event received now (``chain.state``)."""
    if event.kind != "close" or event.data.outcome not in LEGACY_OUTCOMES:
        return event
    if not stored:
        raise ChainStateError(f"outcome {event.data.outcome} is now called niet_voorgelegd")
    return replace(event, data=CloseData(LEGACY_OUTCOMES[event.data.outcome]))


def _close(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    outcome = event.data.outcome
    if outcome not in CLOSE_OUTCOMES[state.phase]:
        raise ChainStateError(f"outcome {outcome} does not fit a room in {state.phase}")
    if state.stage == AFGEWEZEN and outcome != "niet_voorgelegd":
        raise ChainStateError("the intake put the case aside: close it as niet_voorgelegd")
    return replace(state, phase=CLOSED, outcome=outcome, closed_at=event.time)


_RULES = {
    "assess": assess_rule,
    "ruling": ruling_rule,
    "endorse": endorse_rule,
    "invite": _invite,
    "consent": _consent,
    "join": _join,
    "epoch": _epoch,
    "remove": _remove,
    "leave": _leave,
    "agenda": _item,
    "decision": _item,
    "close": _close,
    "plan": plan_rule,
}


def replay(
    events: list[bytes], *, roster: Roster, registry: Registry, now: int | None = None
) -> RoomState:
    """Apply a whole chain from its ``convene`` (``now=None``: stored history, see
    :func:`apply`)."""
    state: RoomState | None = None
    for data in events:
        state = apply(state, data, roster=roster, registry=registry, now=now)
    if state is None:
        raise ChainStateError("empty chain")
    return state
