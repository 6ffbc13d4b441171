"""The room state a chain's events build (``chain.apply``), and what the chain's rules
read from it: who the intake's sealed content goes to, who decides, who may enter, and
the checks every carried member statement passes (``docs/protocol.md`` 6.4, 6.6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .codec import Limits, decode
from .errors import ChainReplayError, MembershipError, StatementError, UnknownSignerError
from .events import STATEMENT_SPECS, Event, StatementData
from .keys import digest
from .registry import Grondslag
from .roster import Roster
from .signed import PURPOSE_OF_TYPE, Signed
from .verblijf import VERBLIJF_ORG

INTAKE, OPEN, CLOSED = "intake", "open", "closed"
#: the stages of an intake: analysing the aanmelding (Wet PGA art. 5 lid 3); after a
#: positive beoordeling, gathering what decides who joins (lid 4); after a negative
#: one, waiting for the close (``niet_voorgelegd``)
ANALYSE, VERZAMELEN, AFGEWEZEN = "analyse", "verzamelen", "afgewezen"


@dataclass(frozen=True)
class Member:
    node: str
    org: str
    role: str
    key: bytes
    since: int = 0  # seq of the invite that brought the node in (0: the chair)


@dataclass(frozen=True)
class Ruling:
    """The intake's latest ruling: proposed at ``seq``, in force once every organisation
    in ``required`` endorsed it."""

    seq: int
    stage: str
    outcome: str | None
    deelnemers: tuple[str, ...]
    derden: tuple[str, ...]
    required: frozenset[str]
    endorsed: frozenset[str]

    @property
    def done(self) -> bool:
        return self.endorsed >= self.required


@dataclass(frozen=True)
class Measure:
    """A measure of the living plan as the chain checks it: who proposed it, who carries
    it out, its due date and status (``voorgesteld`` until the chair adopts it;
    ``ingetrokken`` after a withdrawal). Its title and risk are sealed, never here."""

    proposer: str
    uitvoerder: str
    due: int
    status: str
    seq: int  # the event that proposed it


@dataclass(frozen=True)
class Invite:
    node: str
    org: str
    role: str
    from_epoch: int
    seq: int  # seq of the invite event


def frozen_map(d: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(d)


@dataclass(frozen=True)
class RoomState:
    room: bytes
    case: str
    purpose: str
    bases: tuple[str, ...]
    room_basis: str
    chair: str
    verblijf: str | None  # the node of the gemeente van verblijf (pga-r)
    registry: int  # the registry version the room is validated under
    meeting: int
    retention: int
    seq: int
    head: bytes
    time: int
    first_time: int
    phase: str
    epoch: int
    epochs: Mapping[int, Mapping[str, Member]]
    invited: Mapping[str, Invite]
    joins: Mapping[str, bytes]
    #: org -> (verdict, statement seq); the verdict is None for a sealed assessment
    assessments: Mapping[str, tuple[str | None, int]]
    consents: Mapping[str, frozenset[str]]  # subject node -> consenting orgs
    used: frozenset[bytes]  # hashes of member statements already in the chain
    leaving: frozenset[str]  # removed or left, until the next epoch
    items: Mapping[bytes, tuple[str, int]]  # item id -> (kind, epoch)
    outcome: str | None
    closed_at: int | None
    stage: str | None = None  # the intake's stage (ANALYSE, VERZAMELEN, AFGEWEZEN)
    ruling: Ruling | None = None  # the intake's latest ruling
    #: the samenstelling: node -> role
    named: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    rulings: tuple[Ruling, ...] = ()  # the rulings in force, in order
    legacy: bool = False  # opened by an earlier release's plaintext intake
    opened_at: int | None = None  # the time of the event that ended the intake
    #: the living plan's measures, by item id (``protocol/plan_chain.py``)
    measures: Mapping[bytes, Measure] = field(default_factory=lambda: MappingProxyType({}))
    #: the times of the follow-up meetings: meeting 2, 3, ... (meeting 1 is ``meeting``)
    meetings: tuple[int, ...] = ()
    #: the meetings whose verslag is recorded (held)
    reported: frozenset[int] = frozenset()

    @property
    def members(self) -> Mapping[str, Member]:
        """The members of the current epoch."""
        return self.epochs[self.epoch]

    def member_of(self, node: str, epoch: int) -> Member | None:
        return self.epochs.get(epoch, {}).get(node)

    @property
    def meeting_times(self) -> tuple[int, ...]:
        """Every meeting's time, meeting 1 (the convene's) first."""
        return (self.meeting, *self.meetings)

    def next_meeting(self, now: int) -> int | None:
        """The number of the next meeting: the first one not past whose verslag is not
        recorded yet; None in a room not open."""
        if self.phase != OPEN:
            return None
        for n, at in enumerate(self.meeting_times, 1):
            if at >= now and n not in self.reported:
                return n
        return None

    @property
    def epoch_due(self) -> bool:
        return bool(self.leaving)


def carried_statement(
    state: RoomState, event: Event, roster: Roster, kind: str, limits: Limits
) -> tuple[Any, str, RoomState]:
    """Decode and verify the statement carried by an event.

    Returns the statement, its author's organisation, and ``state`` with the
    statement recorded as used: the same statement never enters the chain twice,
    and a statement must be made against the chain as it is now (its ``seq``
    between the relevant invite or earlier statement and the current head).
    """
    raw: StatementData = event.data
    wrapper = decode(raw.statement, Signed.SPEC, limits)
    author = roster.member(wrapper.signer)
    body = decode(wrapper.body, STATEMENT_SPECS[kind], limits)
    author.verify(PURPOSE_OF_TYPE[kind], wrapper.body, wrapper.sig, body.time)
    if body.node != wrapper.signer:
        raise StatementError("statement names another node than its signer")
    if body.room != state.room:
        raise StatementError("statement is for another room")
    if body.time > event.time:
        raise StatementError("statement is dated after the event")
    if not author.active(body.time):
        raise UnknownSignerError(f"{wrapper.signer}: not in the roster at the statement's time")
    if body.seq > state.seq:
        raise StatementError("statement refers to a future state of the room")
    fingerprint_ = digest(raw.statement)
    if fingerprint_ in state.used:
        raise ChainReplayError("this statement is already in the chain")
    return body, author.org, replace(state, used=state.used | {fingerprint_})


def check_fresh(body: Any, since: int, what: str) -> None:
    if body.seq < since:
        raise StatementError(f"{what} was signed before the invite or statement it must follow")


def require_member(state: RoomState, node: str, what: str) -> Member:
    member = state.members.get(node)
    if member is None or node in state.leaving:
        raise MembershipError(f"{what}: {node} is not a member")
    return member


def intake_nodes(state: RoomState, basis: Grondslag) -> set[str]:
    """Who the intake's sealed content goes to: the chair (it runs the intake; a ZVH on
    the burgemeester's behalf) and the members of the intake organisations (under a
    ``verblijf`` basis, of the gemeenten only the gemeente van verblijf)."""
    nodes = {state.chair}
    for node, m in state.members.items():
        if node in state.leaving or m.role != "deelnemer" or m.org not in basis.intake_by:
            continue
        if basis.verblijf and m.org == VERBLIJF_ORG and node != state.verblijf:
            continue
        nodes.add(node)
    return nodes


def deciding(state: RoomState, basis: Grondslag, orgs: frozenset[str]) -> frozenset[str]:
    """The organisations whose signatures a ruling or an admission needs: all of
    ``orgs`` (the Wet PGA's burgemeester, politie and OM), or under quorum ``present``
    those of them at the table (the Wgs's public deelnemers); never nobody."""
    if basis.intake_quorum == "all":
        return orgs
    present = frozenset(
        m.org for n, m in state.members.items() if n not in state.leaving and m.role == "deelnemer"
    )
    return (orgs & present) or orgs


def entitled(state: RoomState, basis: Grondslag, node: str) -> bool:
    """Whether an invitee may enter the room (and so follow its chain): during an
    intake a deelnemer (an intake organisation, or one consulted), never a derde;
    after it, an intake organisation (it decides admissions itself: one removed and
    invited again must not need its own consent), who the samenstelling named, or
    whoever the deciding organisations consented to. A basis without an intake admits
    deelnemers on the chair's invite, and derden with the consent its basis asks for
    (none, or an earlier release's)."""
    invite = state.invited.get(node)
    if invite is None:
        return False
    consents = state.consents.get(node, frozenset())
    if not basis.intake_by or state.legacy:
        return invite.role != "derde" or basis.third_party_consent <= consents
    if state.phase == INTAKE:
        return invite.role == "deelnemer"
    if state.named.get(node) == invite.role:
        return True
    if invite.role == "deelnemer" and invite.org in basis.intake_by:
        return not (basis.verblijf and invite.org == VERBLIJF_ORG and node != state.verblijf)
    return deciding(state, basis, basis.third_party_consent) <= consents
