"""The living plan van aanpak's chain rules (Wet PGA art. 6 lid 1-2): measures that a
deelnemer proposes, the chair adopts, adjusts and withdraws and the uitvoerder carries
out; follow-up meetings the chair plans, with the members' agenda points and the
chair's node's verslag; and the re-assessment of the criteria at a meeting
(``docs/protocol.md`` 6.7.13-6.7.14). Every step is a member's ``plan`` statement (an
``assess`` with a ``meeting`` for a re-assessment) carried in the chair's event;
``chain.apply`` calls :func:`plan_rule` like its other rules.
"""

from __future__ import annotations

from dataclasses import replace

from .codec import Limits
from .errors import ChainError, ChainReplayError, ChainStateError, MeasureError, MeetingError
from .events import Assess, Event, PlanAct, Sealed
from .registry import Grondslag
from .roomstate import (
    OPEN,
    Measure,
    Member,
    RoomState,
    carried_statement,
    check_fresh,
    frozen_map,
    require_member,
)
from .roster import Roster

DAY = 86_400
#: how far ahead a due date or a meeting may lie
MAX_AHEAD = 5 * 366 * DAY
#: a measure's status until the chair adopts it, and after a withdrawal
PROPOSED, WITHDRAWN = "voorgesteld", "ingetrokken"
MEETING_ACTIONS = ("meeting", "agenda", "verslag")

#: per action: the fields of a ``plan`` statement it carries (all others absent), and
#: those it must carry
_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    a: (frozenset(allowed.split()), frozenset(required.split()))
    for a, allowed, required in (
        ("propose", "sealed uitvoerder due", "sealed uitvoerder due"),
        ("adopt", "item", "item"),
        ("adjust", "item sealed uitvoerder due", "item sealed"),
        ("status", "item status sealed", "item status"),
        ("withdraw", "item sealed", "item sealed"),
        ("meeting", "at", "at"),
        ("agenda", "meeting sealed", "meeting sealed"),
        ("verslag", "meeting sealed", "meeting sealed"),
    )
}
_OPTIONAL = ("item", "meeting", "uitvoerder", "due", "status", "at", "sealed")


def plan_rule(
    state: RoomState, event: Event, roster: Roster, basis: Grondslag, limits: Limits
) -> RoomState:
    body: PlanAct
    body, org, state = carried_statement(state, event, roster, "plan", limits)
    error: type[ChainError] = MeetingError if body.action in MEETING_ACTIONS else MeasureError
    if state.phase != OPEN:
        raise ChainStateError("the plan belongs to an open room")
    member = require_member(state, body.node, "plan")
    check_fresh(body, member.since, "plan statement")
    allowed, required = _FIELDS[body.action]
    present = {f for f in _OPTIONAL if getattr(body, f) is not None}
    if present - allowed or required - present:
        raise error(f"a {body.action} carries {', '.join(sorted(required)) or 'nothing more'}")
    if body.sealed is not None:
        state = sealed_to_table(state, body.sealed, error)
    if body.action in MEETING_ACTIONS:
        return _meeting_step(state, body)
    return _measure_step(state, body, member)


def sealed_to_table(state: RoomState, sealed: Sealed, error: type[ChainError]) -> RoomState:
    """Plan content sealed to exactly the members at the table, with their keys of the
    current epoch; its item id is new."""
    if sealed.epoch != state.epoch:
        raise error("plan content is sealed for the current epoch")
    table = {n for n in state.members if n not in state.leaving}
    wrapped = [n for n, _ in sealed.wraps]
    if wrapped != sorted(set(wrapped)) or set(wrapped) != table:
        raise error("plan content is sealed to the members at the table, and only them")
    if sealed.item in state.items:
        raise ChainReplayError("item id already used")
    items = dict(state.items)
    items[sealed.item] = ("plan", sealed.epoch)
    return replace(state, items=frozen_map(items))


def _due(body: PlanAct) -> None:
    if body.due is not None and not body.time - DAY <= body.due <= body.time + MAX_AHEAD:
        raise MeasureError("a due date lies between today and five years ahead")


def _uitvoerder(state: RoomState, body: PlanAct) -> None:
    if body.uitvoerder is not None:
        if body.uitvoerder not in state.members or body.uitvoerder in state.leaving:
            raise MeasureError(f"the uitvoerder {body.uitvoerder} is not at the table")
        if state.members[body.uitvoerder].role != "deelnemer":
            raise MeasureError("a derde carries out no measure: execution is the deelnemers'")


def _measure_step(state: RoomState, body: PlanAct, member: Member) -> RoomState:
    measures = dict(state.measures)
    _due(body)
    _uitvoerder(state, body)
    if body.action == "propose":
        assert body.sealed is not None
        assert body.uitvoerder is not None
        assert body.due is not None
        if member.role != "deelnemer":
            raise MeasureError("a derde proposes no measure: the plan is the deelnemers'")
        measures[body.sealed.item] = Measure(
            body.node, body.uitvoerder, body.due, PROPOSED, body.seq
        )
        return replace(state, measures=frozen_map(measures))
    assert body.item is not None
    measure = measures.get(body.item)
    if measure is None:
        raise MeasureError("no such measure in this room")
    if measure.status == WITHDRAWN:
        raise MeasureError("the measure was withdrawn")
    chair = body.node == state.chair
    if body.action == "adopt":
        if not chair:
            raise MeasureError("only the chair adopts a measure for the table")
        if measure.status != PROPOSED:
            raise MeasureError("the measure was adopted already")
        measure = replace(measure, status="gepland")
    elif body.action == "adjust":
        if not chair:
            raise MeasureError("only the chair adjusts a measure")
        measure = replace(
            measure,
            uitvoerder=body.uitvoerder or measure.uitvoerder,
            due=body.due if body.due is not None else measure.due,
        )
    elif body.action == "status":
        assert body.status is not None
        if body.node != measure.uitvoerder:
            raise MeasureError("only the uitvoerder updates a measure's status")
        if measure.status == PROPOSED:
            raise MeasureError("the measure is not adopted yet")
        measure = replace(measure, status=body.status)
    else:  # withdraw
        own = body.node == measure.proposer and measure.status == PROPOSED
        if not chair and not own:
            raise MeasureError("the chair withdraws a measure; a proposer only its proposal")
        measure = replace(measure, status=WITHDRAWN)
    measures[body.item] = measure
    return replace(state, measures=frozen_map(measures))


def _meeting_step(state: RoomState, body: PlanAct) -> RoomState:
    times = state.meeting_times
    if body.action == "meeting":
        assert body.at is not None
        if body.node != state.chair:
            raise MeetingError("only the chair plans a meeting")
        if body.at <= max(times) or body.at > body.time + MAX_AHEAD:
            raise MeetingError("a meeting is planned after the last one, within five years")
        return replace(state, meetings=(*state.meetings, body.at))
    assert body.meeting is not None
    if body.meeting > len(times):
        raise MeetingError(f"meeting {body.meeting} is not planned")
    if body.action == "verslag":
        if body.node != state.chair:
            raise MeetingError("the chair's node records the verslag")
        if body.time < times[body.meeting - 1]:
            raise MeetingError("a verslag follows its meeting")
        return replace(state, reported=state.reported | {body.meeting})
    return state


def reassess_rule(state: RoomState, body: Assess, org: str, basis: Grondslag) -> RoomState:
    """A deelnemer's re-assessment of the criteria at a planned meeting of an open room,
    sealed to the members at the table (``body`` carried and checked as a statement)."""
    assert body.meeting is not None
    if state.phase != OPEN:
        raise MeetingError("a re-assessment belongs to an open room")
    member = require_member(state, body.node, "assess")
    if member.role != "deelnemer" or org not in basis.deelnemers:
        raise MeetingError("a deelnemer at the table assesses the criteria again")
    check_fresh(body, member.since, "re-assessment")
    if body.meeting > len(state.meeting_times):
        raise MeetingError(f"meeting {body.meeting} is not planned")
    if body.sealed is None or body.criteria is not None or body.verdict is not None:
        raise MeetingError("a re-assessment travels sealed, never in plaintext")
    return sealed_to_table(state, body.sealed, MeetingError)
