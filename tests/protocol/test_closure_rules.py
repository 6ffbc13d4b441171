"""The closure of an open room is a decision of the deelnemers (Wet PGA art. 6 lid 3;
Wgs art. 2.31 lid 8): the chair proposes it (a ruling ``afsluiting`` with the outcome,
its closing note sealed to every member), every deelnemer organisation at the table
signs, and only then the chair's ``close``, with that outcome. A room in intake, a room
pinned at registry v2 and a room an earlier release opened close by the chair alone.
Every refusal is checked by its code and leaves the state as it was."""

from __future__ import annotations

import pytest
from test_intake_rules import legacy_chain, refused
from world import CLOSING_NOTE, World

from protocol import chain
from protocol.errors import ChainStateError, ClosureError, IntakeError
from protocol.events import CloseData
from protocol.intake import open_ruling
from protocol.registry import shipped_registry


def proposed(w: World, outcome: str = "afgesloten") -> World:
    w.propose_closure(outcome)
    return w


def test_an_open_room_does_not_close_without_the_signed_closure() -> None:
    w = World()
    w.open_room()
    refused(w, w.event("close", CloseData("afgesloten")), ClosureError, "chain.closure")
    proposed(w)
    assert w.state is not None
    assert w.state.ruling is not None
    assert w.state.ruling.required == {"gemeente", "politie", "om", "reclassering", "rvdk"}
    for node in w.closers()[:-1]:
        w.endorse(node)
        refused(w, w.event("close", CloseData("afgesloten")), ClosureError, "chain.closure")
    w.endorse(w.closers()[-1])
    assert w.state.phase == "open"  # agreed: the chair's close follows
    w.add("close", CloseData("afgesloten"))
    assert (w.state.phase, w.state.outcome) == ("closed", "afgesloten")


def test_the_closing_note_is_sealed_to_every_member_and_a_derde_does_not_sign() -> None:
    w = World()
    w.open_room()  # GGZ sits at the table as a derde
    proposed(w, "afgeschaald")
    assert w.state is not None
    ruling = w.state.ruling
    assert ruling is not None
    assert "ggz" not in ruling.required
    data = w.closure_data()
    assert [n for n, _ in data.sealed.wraps] == sorted(w.state.members)
    note = open_ruling(data.sealed, me="ggz", room_key=w.room_key("ggz"), room=w.state.room)
    assert note.reasoning == CLOSING_NOTE
    refused(w, w.event("endorse", w.endorse_data("ggz")), ClosureError, "chain.closure")
    for node in w.closers():
        w.endorse(node)
    refused(w, w.event("endorse", w.endorse_data("politie")), ClosureError, "chain.closure")


def test_the_zvh_chairing_on_behalf_of_the_burgemeester_does_not_sign() -> None:
    w = World()
    w.open_room(chair="zvh")
    proposed(w)
    assert w.state is not None
    assert w.state.ruling is not None
    assert "zvh" not in w.state.ruling.required
    assert "gemeente" in w.state.ruling.required
    refused(w, w.event("endorse", w.endorse_data("zvh")), ClosureError, "chain.closure")
    for node in w.closers():
        w.endorse(node)
    w.add("close", CloseData("afgesloten"))
    assert w.state.phase == "closed"


def test_the_gemeente_signs_as_burgemeester_of_the_gemeente_van_verblijf() -> None:
    w = World()
    w.open_room()
    proposed(w)
    wrong = w.endorse_data("gemeente", capacity="college")
    refused(w, w.event("endorse", wrong), ClosureError, "chain.closure")


def test_a_close_as_another_outcome_than_agreed_is_refused() -> None:
    w = World()
    w.open_room()
    proposed(w, "overgedragen")
    for node in w.closers():
        w.endorse(node)
    refused(w, w.event("close", CloseData("afgesloten")), ClosureError, "chain.closure")
    # an outcome no open room has is a phase error, as before
    refused(w, w.event("close", CloseData("niet_voorgelegd")), ChainStateError, "chain.state")
    w.add("close", CloseData("overgedragen"))
    assert w.state is not None
    assert w.state.outcome == "overgedragen"


def test_a_new_proposal_replaces_the_agreed_one_and_the_signatures_start_over() -> None:
    w = World()
    w.open_room()
    proposed(w, "afgeschaald")
    for node in w.closers():
        w.endorse(node)
    proposed(w, "overgedragen")
    refused(w, w.event("close", CloseData("afgeschaald")), ClosureError, "chain.closure")
    refused(w, w.event("close", CloseData("overgedragen")), ClosureError, "chain.closure")


@pytest.mark.parametrize("outcome", ["voorleggen", "niet_voorleggen"])
def test_a_closure_has_the_outcome_of_an_open_room_and_names_nobody(outcome: str) -> None:
    w = World()
    w.open_room()
    data = w.closure_data(outcome)
    refused(w, w.event("ruling", data), ClosureError, "chain.closure")
    named = w.closure_data()
    named = type(named)(named.stage, named.outcome, ("reclassering",), (), named.sealed)
    refused(w, w.event("ruling", named), ClosureError, "chain.closure")


def test_in_the_intake_no_closure_is_proposed_and_the_chair_closes_alone() -> None:
    w = World()
    w.convene()
    w.intake_table()
    refused(w, w.event("ruling", w.closure_data()), ClosureError, "chain.closure")
    for node in w.deciders():
        w.assess(node)
    # nor is a closure's outcome a beoordeling's
    beoordeling = w.ruling_data("beoordeling", "afgesloten")
    refused(w, w.event("ruling", beoordeling), IntakeError, "chain.intake")
    w.add("close", CloseData("afgesloten"))
    assert w.state is not None
    assert w.state.phase == "closed"


def test_under_wgs_the_public_deelnemers_at_the_table_sign() -> None:
    w = World()
    w.convene(chair="zvh", bases=("wgs",))
    w.intake_table(("gemeente", "politie", "reclassering"))
    w.beoordeling()
    w.samenstelling(("reclassering",))
    assert w.state is not None
    assert w.state.phase == "open"
    proposed(w)
    assert w.state.ruling is not None
    assert w.state.ruling.required == {"gemeente", "politie"}  # not reclassering, not the ZVH
    refused(w, w.event("endorse", w.endorse_data("reclassering")), ClosureError, "chain.closure")
    for node in w.closers():
        w.endorse(node)
    w.add("close", CloseData("afgesloten"))
    assert w.state.phase == "closed"


def test_a_room_pinned_at_registry_v2_still_closes_by_the_chair_alone() -> None:
    w = World()
    current = w.registry
    w.registry = shipped_registry(2)  # the convene pins version 2
    w.convene(chair="zvh", bases=("wgs",))
    w.registry = current
    assert w.state is not None
    assert (w.state.registry, w.state.phase) == (2, "open")
    assert w.basis.closure_by == "chair"
    w.invite("politie")
    w.join("politie")
    w.epoch()
    refused(w, w.event("ruling", w.closure_data()), ClosureError, "chain.closure")
    w.add("close", CloseData("afgeschaald"))
    assert (w.state.phase, w.state.outcome) == ("closed", "afgeschaald")


def test_a_room_an_earlier_release_opened_closes_by_the_chair_alone() -> None:
    w = legacy_chain()
    assert w.state is not None
    assert (w.state.phase, w.state.legacy) == ("open", True)
    w.add("close", CloseData("afgesloten"))
    assert w.state.phase == "closed"


def test_a_stored_chain_replays_and_an_old_close_loads_from_stored_history() -> None:
    w = World()
    w.open_room()
    w.close_jointly("afgeschaald")
    assert w.state is not None
    for now in (None, w.now):
        assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=now) == w.state
    # a close an earlier release signed without the deelnemers' signatures: refused when
    # received now, but stored history stays loadable
    old = World()
    old.open_room()
    assert old.state is not None
    close = old.event("close", CloseData("afgesloten"))
    with pytest.raises(ClosureError):
        chain.apply(old.state, close, roster=old.roster, registry=old.registry, now=old.now)
    stored = chain.replay([*old.events, close], roster=old.roster, registry=old.registry)
    assert (stored.phase, stored.outcome) == ("closed", "afgesloten")


def test_an_endorsement_of_an_intake_ruling_in_an_open_room_is_still_an_intake_error() -> None:
    w = World()
    w.open_room()
    assert w.state is not None
    samenstelling = w.state.rulings[-1].seq
    data = w.endorse_data("politie", samenstelling)
    refused(w, w.event("endorse", data), IntakeError, "chain.intake")
