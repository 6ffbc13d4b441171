"""The intake's chain rules (Wet PGA art. 5 lid 3-5; Wgs art. 2.31 lid 2-4): sealed
assessments, the chair's rulings and the intake organisations' endorsements, an
earlier release's plaintext assessments from stored history, and the same ruling and
endorsements for the closure of an open room (Wet PGA art. 6 lid 3; Wgs art. 2.31
lid 8) (``docs/protocol.md``
6.7.2, 6.7.11, 6.7.12). ``chain.apply`` calls them like its other rules."""

from __future__ import annotations

from dataclasses import replace

from .codec import Limits, decode
from .errors import (
    ChainReplayError,
    ClosureError,
    IntakeError,
    MembershipError,
    StatementError,
)
from .events import (
    CLOSURE_OUTCOMES,
    STATEMENT_SPECS,
    VERDICTS,
    Assess,
    Endorse,
    Event,
    RulingData,
    Sealed,
)
from .plan_chain import reassess_rule
from .registry import Grondslag
from .roomstate import (
    AFGEWEZEN,
    ANALYSE,
    INTAKE,
    OPEN,
    VERZAMELEN,
    RoomState,
    Ruling,
    carried_statement,
    check_fresh,
    deciding,
    frozen_map,
    intake_nodes,
    require_member,
)
from .roster import Roster
from .signed import Signed
from .verblijf import acting_for_verblijf


def assess_rule(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: Assess
    body, org, state = carried_statement(state, event, roster, "assess", limits)
    if body.meeting is not None:  # a re-assessment at a follow-up meeting
        return reassess_rule(state, body, org, basis)
    if state.phase != INTAKE:
        raise IntakeError("the intake is over")
    if org not in basis.intake_by:
        raise IntakeError(f"a {org} node does not take part in the intake")
    acting_for_verblijf(state.verblijf, basis, org, body, IntakeError)
    member = require_member(state, body.node, "assess")
    previous = state.assessments.get(org)
    check_fresh(body, max(member.since, previous[1] + 1 if previous else 0), "assessment")
    assessments = dict(state.assessments)
    if body.sealed is None:
        return _legacy_assess(state, body, org, basis, assessments, event.time)
    if body.criteria is not None or body.verdict is not None:
        raise StatementError("an assessment travels sealed, never in plaintext")
    if state.stage != ANALYSE:
        raise IntakeError("assessments come before the beoordeling")
    state = _sealed(state, body.sealed, intake_nodes(state, basis), "assess")
    assessments[org] = (None, body.seq)
    return replace(state, assessments=frozen_map(assessments))


def _legacy_assess(
    state: RoomState,
    body: Assess,
    org: str,
    basis: Grondslag,
    assessments: dict[str, tuple[str | None, int]],
    event_time: int,
) -> RoomState:
    """An earlier release's plaintext assessment (stored history only): the room opened
    when every intake organisation assessed ``opnemen``."""
    if body.verdict is None or body.criteria is None:
        raise StatementError("an assessment carries sealed content")
    assessments[org] = (body.verdict, body.seq)
    unanimous = set(assessments) >= basis.intake_by and all(
        verdict == "opnemen" for verdict, _ in assessments.values()
    )
    if not unanimous:
        return replace(state, assessments=frozen_map(assessments))
    return replace(
        state, assessments=frozen_map(assessments), phase=OPEN, stage=None, legacy=True,
        opened_at=event_time,
    )  # fmt: skip


def require_sealed(event: Event, limits: Limits) -> None:
    """A newly received assessment carries its content sealed (an earlier release's
    plaintext scores load only from stored history)."""
    wrapper = decode(event.data.statement, Signed.SPEC, limits)
    body: Assess = decode(wrapper.body, STATEMENT_SPECS["assess"], limits)
    if body.sealed is None:
        raise StatementError("an assessment travels sealed, never in plaintext")


def _sealed(state: RoomState, sealed: Sealed, nodes: set[str], kind: str) -> RoomState:
    """Intake content sealed to exactly ``nodes`` with their keys of the current epoch."""
    if sealed.epoch != state.epoch:
        raise StatementError("intake content is sealed for the current epoch")
    wrapped = [n for n, _ in sealed.wraps]
    if wrapped != sorted(set(wrapped)) or set(wrapped) != nodes:
        raise IntakeError("intake content is sealed to the intake's organisations, and only them")
    if sealed.item in state.items:
        raise ChainReplayError("item id already used")
    items = dict(state.items)
    items[sealed.item] = (kind, sealed.epoch)
    return replace(state, items=frozen_map(items))


def ruling_rule(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    data: RulingData = event.data
    if data.stage == "afsluiting":
        return _closure_ruling(state, event, basis)
    if state.phase != INTAKE or not basis.intake_by:
        raise IntakeError("a ruling belongs to an intake")
    expected = {ANALYSE: "beoordeling", VERZAMELEN: "samenstelling"}.get(state.stage or "")
    if data.stage != expected:
        raise IntakeError(f"the intake in stage {state.stage} takes no {data.stage}")
    nodes = intake_nodes(state, basis)
    present = {state.members[n].org for n in nodes if n in state.members} & basis.intake_by
    required = deciding(state, basis, basis.intake_by)
    if not required <= present:
        raise IntakeError(f"not at the table yet: {', '.join(sorted(required - present))}")
    if data.stage == "beoordeling":
        if data.outcome not in VERDICTS or data.deelnemers or data.derden:
            raise IntakeError("a beoordeling has a verdict as its outcome and names nobody")
        missing = required - state.assessments.keys()
        if missing:
            raise IntakeError(f"no assessment yet of {', '.join(sorted(missing))}")
    else:
        if data.outcome is not None:
            raise IntakeError("a samenstelling names who joins, not an outcome")
        for node in data.deelnemers:
            if roster.member(node).org not in basis.deelnemers:
                raise MembershipError(f"a {roster.member(node).org} node is no deelnemer")
        if data.derden and not basis.third_parties:
            raise MembershipError(f"{basis.id} admits no third parties")
        for node in data.derden:
            roster.member(node)
            if node in data.deelnemers or node == state.chair:
                raise MembershipError(f"{node} is named twice")
    state = _sealed(state, data.sealed, nodes, "ruling")
    ruling = Ruling(
        event.seq, data.stage, data.outcome, data.deelnemers, data.derden, required, frozenset()
    )
    return replace(state, ruling=ruling)


def endorse_rule(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: Endorse
    body, org, state = carried_statement(state, event, roster, "endorse", limits)
    ruling = state.ruling
    closure = ruling is not None and ruling.stage == "afsluiting"
    error = ClosureError if closure else IntakeError
    if (
        ruling is None
        or ruling.done
        or body.ruling != ruling.seq
        or state.phase != (OPEN if closure else INTAKE)
    ):
        raise error("this is not the ruling the room waits for")
    if org not in ruling.required:
        raise error(f"a {org} node does not sign this ruling")
    acting_for_verblijf(state.verblijf, basis, org, body, error)
    require_member(state, body.node, "endorse")
    check_fresh(body, ruling.seq, "endorsement")
    if org in ruling.endorsed:
        raise error(f"{org} already endorsed this ruling")
    ruling = replace(ruling, endorsed=ruling.endorsed | {org})
    state = replace(state, ruling=ruling)
    if not ruling.done:
        return state
    state = replace(state, rulings=state.rulings + (ruling,))
    if closure:  # the chair's close follows (chain._close)
        return state
    if ruling.stage == "beoordeling":
        return replace(state, stage=VERZAMELEN if ruling.outcome == "voorleggen" else AFGEWEZEN)
    named = {n: "deelnemer" for n in ruling.deelnemers} | {n: "derde" for n in ruling.derden}
    # who the samenstelling does not name leaves: a deelnemer only consulted, an
    # invitation it did not confirm; the intake's organisations stay
    keep = intake_nodes(state, basis) | named.keys()
    invited = {n: i for n, i in state.invited.items() if named.get(n) == i.role}
    joins = {n: k for n, k in state.joins.items() if n in invited or n in state.members}
    leaving = state.leaving | {n for n in state.members if n not in keep}
    return replace(
        state,
        phase=OPEN,
        opened_at=event.time,
        stage=None,
        named=frozen_map(named),
        invited=frozen_map(invited),
        joins=frozen_map(joins),
        leaving=frozenset(leaving),
    )


def closed_jointly(state: RoomState, basis: Grondslag) -> bool:
    """Whether the deelnemers decide this room's closure now: an open room whose basis
    does not leave it to the chair (registry v2), not opened the earlier release's way."""
    return state.phase == OPEN and basis.closure_by != "chair" and not state.legacy


def closure_orgs(state: RoomState, basis: Grondslag) -> frozenset[str]:
    """Who signs a proposed closure: every deelnemer organisation at the table (not the
    derden, not a ZVH chairing on the burgemeester's behalf: Wet PGA art. 6 lid 3), or
    under ``closure: intake`` those who decide the intake (the Wgs's public deelnemers
    at the table, art. 2.31 lid 8)."""
    if basis.closure_by == "intake":
        return deciding(state, basis, basis.intake_by)
    return frozenset(
        m.org
        for n, m in state.members.items()
        if n not in state.leaving and m.role == "deelnemer" and m.org in basis.deelnemers
    )


def _closure_ruling(state: RoomState, event: Event, basis: Grondslag) -> RoomState:
    data: RulingData = event.data
    if not closed_jointly(state, basis):
        raise ClosureError("a closure is proposed for an open room whose deelnemers decide it")
    if data.outcome not in CLOSURE_OUTCOMES or data.deelnemers or data.derden:
        raise ClosureError("a closure has an outcome of an open room and names nobody")
    members = {n for n in state.members if n not in state.leaving}
    state = _sealed(state, data.sealed, members, "ruling")
    required = closure_orgs(state, basis)
    if not required:
        raise ClosureError("no deelnemer at the table to decide the closure")
    ruling = Ruling(event.seq, data.stage, data.outcome, (), (), required, frozenset())
    return replace(state, ruling=ruling)


def require_closure(state: RoomState, basis: Grondslag, outcome: str) -> None:
    """An open room whose deelnemers decide its closure closes only as the proposed
    closure they all signed says (stored history of an earlier release excepted:
    ``chain.apply`` calls this for events received now)."""
    if not closed_jointly(state, basis):
        return
    if outcome not in CLOSURE_OUTCOMES:
        return  # not an open room's outcome: ``chain._close`` refuses it (chain.state)
    ruling = state.ruling
    if ruling is None or ruling.stage != "afsluiting" or not ruling.done:
        raise ClosureError("the closure waits for the signatures of the deelnemers")
    if ruling.outcome != outcome:
        raise ClosureError(f"the deelnemers agreed to close as {ruling.outcome}")
