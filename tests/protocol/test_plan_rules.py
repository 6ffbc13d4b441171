"""The living plan's chain rules (Wet PGA art. 6 lid 1-2): a deelnemer proposes a
measure, the chair adopts, adjusts and withdraws it, its uitvoerder sets the status; the
chair plans follow-up meetings, members add agenda points, the chair's node records the
verslag; a deelnemer assesses the criteria again at a meeting. Every step's content is
sealed to the members at the table; every refusal is checked by its code and leaves the
state as it was; an earlier release's agenda items and decisions still replay."""

from __future__ import annotations

from typing import Any

import pytest
from test_intake_rules import refused
from world import World

from protocol import chain
from protocol.errors import (
    ChainStateError,
    MeasureError,
    MeetingError,
    SchemaError,
    StatementError,
)
from protocol.events import Assess, CloseData, PlanAct, StatementData
from protocol.intake import open_assessment, seal_assessment
from protocol.plan import open_plan, seal_plan
from protocol.share import seal_item

DAY = 86_400
TITLE = "Gesprek met de jongere over zijn online contacten"
RISK = "Verdere isolatie"
MEASURE: dict[str, str | None] = {"title": TITLE, "kind": "zorg", "authority": None, "risk": RISK}


def room() -> World:
    w = World()
    w.open_room()  # gemeente chairs; politie, OM, reclassering, RvdK; GGZ as derde
    return w


def proposed(w: World, by: str = "politie", uitvoerder: str = "politie") -> bytes:
    w.plan(by, "propose", MEASURE, uitvoerder=uitvoerder, due=w.now + 30 * DAY)
    assert w.state is not None
    return next(reversed(w.state.measures))


def plan_event(w: World, node: str, action: str, content: Any = None, **fields: Any) -> bytes:
    return w.event("plan", w.plan_act(node, action, content, **fields))


def test_a_measure_lives_from_proposal_to_completion() -> None:
    w = room()
    item = proposed(w, by="om", uitvoerder="reclassering")
    assert w.state is not None
    assert w.state.measures[item].status == "voorgesteld"
    w.plan("gemeente", "adopt", item=item)
    assert w.state.measures[item].status == "gepland"
    due = w.now + 10 * DAY
    w.plan("gemeente", "adjust", {"note": "Eerder nodig"}, item=item, due=due)
    assert w.state.measures[item].due == due
    w.plan("reclassering", "status", {"note": "Loopt"}, item=item, status="lopend")
    w.plan("reclassering", "status", item=item, status="uitgevoerd")
    assert w.state.measures[item].status == "uitgevoerd"
    # the content is sealed to every member at the table, a derde too
    state = chain.replay(w.events, roster=w.roster, registry=w.registry)
    assert state.measures == w.state.measures


def test_who_may_take_which_step() -> None:
    w = room()
    item = proposed(w)
    e = MeasureError, "chain.measure"
    refused(w, plan_event(w, "politie", "adopt", item=item), *e)  # the chair adopts
    refused(w, plan_event(w, "politie", "status", item=item, status="lopend"), *e)  # not adopted
    refused(w, plan_event(w, "ggz", "propose", MEASURE, uitvoerder="ggz", due=w.now + DAY), *e)
    w.plan("gemeente", "adopt", item=item)
    refused(w, plan_event(w, "gemeente", "adopt", item=item), *e)  # adopted already
    refused(w, plan_event(w, "om", "status", item=item, status="lopend"), *e)  # not its uitvoerder
    refused(w, plan_event(w, "politie", "withdraw", {"note": "weg"}, item=item), *e)  # adopted
    refused(w, plan_event(w, "om", "adjust", {"note": "x"}, item=item, due=w.now + DAY), *e)
    refused(  # the uitvoerder must be at the table
        w, plan_event(w, "gemeente", "adjust", {"note": "x"}, item=item, uitvoerder="zvh"), *e
    )
    refused(  # a due date in the past, or too far ahead
        w, plan_event(w, "gemeente", "adjust", {"note": "x"}, item=item, due=w.now - 3 * DAY), *e
    )
    refused(
        w,
        plan_event(w, "gemeente", "adjust", {"note": "x"}, item=item, due=w.now + 6 * 366 * DAY),
        *e,
    )
    refused(  # nor a derde: the execution of the plan is the deelnemers' (art. 6 lid 2)
        w, plan_event(w, "gemeente", "adjust", {"note": "x"}, item=item, uitvoerder="ggz"), *e
    )
    refused(w, plan_event(w, "gemeente", "adopt", item=b"\x07" * 16), *e)  # no such measure
    refused(w, plan_event(w, "gemeente", "adopt"), *e)  # names no measure
    w.plan("gemeente", "withdraw", {"note": "Niet meer nodig"}, item=item)
    refused(w, plan_event(w, "politie", "status", item=item, status="lopend"), *e)
    refused(w, plan_event(w, "gemeente", "adjust", {"note": "x"}, item=item, due=w.now), *e)


def test_a_proposer_withdraws_its_own_proposal_only() -> None:
    w = room()
    mine, theirs = proposed(w, by="politie"), proposed(w, by="om")
    refused(w, plan_event(w, "politie", "withdraw", {"note": "x"}, item=theirs), MeasureError,
            "chain.measure")  # fmt: skip
    w.plan("politie", "withdraw", {"note": "Dubbel"}, item=mine)
    assert w.state is not None
    assert w.state.measures[mine].status == "ingetrokken"


def test_plan_content_is_sealed_to_the_table_and_never_plaintext() -> None:
    w = room()
    item = proposed(w)
    event = w.events[-1]
    assert TITLE.encode() not in event
    assert RISK.encode() not in event
    assert w.state is not None
    state = w.state
    act = w.plan_act("politie", "propose", MEASURE, uitvoerder="politie", due=w.now + DAY)
    sealed = _body(act).sealed
    assert sealed is not None
    assert [n for n, _ in sealed.wraps] == sorted(state.members)
    content = open_plan(sealed, "propose", me="ggz", room_key=w.room_key("ggz"), room=state.room)
    assert (content.title, content.kind, content.risk) == (TITLE, "zorg", RISK)
    # content moved to another action is refused
    with pytest.raises(Exception, match="another item"):
        open_plan(sealed, "agenda", me="ggz", room_key=w.room_key("ggz"), room=state.room)
    # sealed to fewer than the table: refused
    short = seal_plan(state, "propose", MEASURE, w.rand)
    partial = short.__class__(short.item, short.epoch, short.ct, short.wraps[:-1])
    refused(
        w, plan_event(w, "politie", "propose", uitvoerder="politie", due=w.now + DAY,
                      sealed=partial), MeasureError, "chain.measure",
    )  # fmt: skip
    assert item in state.measures


def test_follow_up_meetings_agenda_and_verslag() -> None:
    w = room()
    assert w.state is not None
    first = w.state.meeting
    e = MeetingError, "chain.meeting"
    refused(w, plan_event(w, "politie", "meeting", at=first + 14 * DAY), *e)  # the chair plans
    refused(w, plan_event(w, "gemeente", "meeting", at=first), *e)  # after the last one
    refused(w, plan_event(w, "politie", "agenda", {"title": "School"}, meeting=2), *e)
    w.plan("gemeente", "meeting", at=first + 14 * DAY)
    assert w.state.meeting_times == (first, first + 14 * DAY)
    w.plan("ggz", "agenda", {"title": "Behandeling"}, meeting=2)  # a derde adds a point too
    refused(w, plan_event(w, "gemeente", "verslag", {"note": "Verslag"}, meeting=1), *e)  # early
    w.tick(8 * DAY)
    refused(w, plan_event(w, "politie", "verslag", {"note": "Verslag"}, meeting=1), *e)
    w.plan("gemeente", "verslag", {"note": "Verslag van de eerste"}, meeting=1)
    assert w.state.reported == {1}
    assert w.state.next_meeting(w.now) == 2
    refused(w, plan_event(w, "gemeente", "meeting"), *e)  # no time


def test_a_re_assessment_at_a_meeting() -> None:
    w = room()
    assert w.state is not None
    state = w.state
    scores = {"geweldsbereidheid": 2, "ideologie": 3}

    def reassess(node: str, meeting: int, sealed: Any = None) -> bytes:
        assert w.state is not None
        sealed = sealed or seal_assessment(
            w.state, w.basis, criteria=scores, verdict="voorleggen", reasoning="Zorgen",
            rand=w.rand, to_members=True,
        )  # fmt: skip
        body = Assess(
            room=state.room, seq=w.state.seq, node=node, capacity=None, time=w.now,
            sealed=sealed, meeting=meeting,
        )  # fmt: skip
        return w.event("assess", w.statement(node, body))

    e = MeetingError, "chain.meeting"
    refused(w, reassess("om", 2), *e)  # meeting 2 is not planned
    refused(w, reassess("ggz", 1), *e)  # a derde does not assess
    event = reassess("om", 1)
    w.apply(event)
    assert b"Zorgen" not in event
    body = _body(_statement(event))
    content = open_assessment(body.sealed, me="ggz", room_key=w.room_key("ggz"), room=state.room)
    assert content.criteria.ideologie == 3


def test_no_plan_step_in_an_intake_or_a_closed_room() -> None:
    w = World()
    w.convene()
    w.intake_table()
    refused(w, plan_event(w, "gemeente", "meeting", at=w.now + 30 * DAY), ChainStateError,
            "chain.state")  # fmt: skip
    w = room()
    w.close_jointly("afgesloten")
    refused(w, plan_event(w, "gemeente", "meeting", at=w.now + 30 * DAY), ChainStateError,
            "chain.state")  # fmt: skip


def test_a_plan_statement_carries_only_its_action_s_fields() -> None:
    w = room()
    refused(w, plan_event(w, "gemeente", "meeting", at=w.now + 30 * DAY, status="lopend"),
            MeetingError, "chain.meeting")  # fmt: skip
    refused(w, plan_event(w, "politie", "propose", MEASURE, uitvoerder="politie"),
            MeasureError, "chain.measure")  # fmt: skip
    # a plan statement signed by another node than it names
    assert w.state is not None
    body = PlanAct(room=w.state.room, seq=w.state.seq, node="om", capacity=None,
                   action="meeting", time=w.now, at=w.now + DAY)  # fmt: skip
    forged = StatementData(chain.statement(w.signer("politie"), "politie", body))
    refused(w, w.event("plan", forged), StatementError, "chain.statement")
    with pytest.raises(SchemaError):
        PlanAct.SPEC.check({**body.to_wire(), "action": "delete"})


def test_an_earlier_release_s_agenda_and_decision_still_replay() -> None:
    w = room()
    assert w.state is not None
    w.add("agenda", seal_item(w.state, "agenda", title="Netwerkanalyse", measure=None,
                              owner=None, due=None, rand=w.rand))  # fmt: skip
    w.add("decision", seal_item(w.state, "decision", title="Meldplicht", measure="bestuurlijk",
                                owner="gemeente", due=w.now + DAY, rand=w.rand))  # fmt: skip
    proposed(w)
    w.close_jointly("afgesloten")
    state = chain.replay(w.events, roster=w.roster, registry=w.registry)
    assert state.phase == "closed"
    assert len(state.measures) == 1
    refused(w, w.event("close", CloseData("afgesloten")), ChainStateError, "chain.state")


def _statement(event: bytes) -> StatementData:
    from protocol.codec import decode
    from protocol.events import Event
    from protocol.signed import Signed

    data: StatementData = decode(decode(event, Signed.SPEC).body, Event.SPEC).data
    return data


def _body(data: StatementData) -> Any:
    from protocol.codec import decode, decode_map
    from protocol.events import STATEMENT_SPECS
    from protocol.signed import Signed

    wrapper = decode(data.statement, Signed.SPEC)
    kind = decode_map(wrapper.body)["t"]
    return decode(wrapper.body, STATEMENT_SPECS[str(kind)])
