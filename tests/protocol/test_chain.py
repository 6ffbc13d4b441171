"""The room chain's rules, one by one: who may do what, and in which state."""

from __future__ import annotations

import pytest
from world import World

from protocol import chain
from protocol.codec import decode
from protocol.errors import (
    BasisNotInForceError,
    ChainLinkError,
    ChainReplayError,
    ChainStateError,
    ConsentError,
    ConvenerError,
    IntakeError,
    MembershipError,
    NotChairError,
    StatementError,
    UnknownSignerError,
)
from protocol.events import (
    CloseData,
    ConveneData,
    EpochData,
    EpochMember,
    Event,
    InviteData,
    Join,
)
from protocol.signed import Signed, sign


def rejected(w: World, event: bytes, error: type[Exception]) -> None:
    """The event is refused with ``error`` and the room state is exactly as before."""
    before = w.state
    snapshot = repr(before)
    with pytest.raises(error):
        chain.apply(before, event, roster=w.roster, registry=w.registry, now=w.now)
    assert w.state is before
    assert repr(before) == snapshot


def test_room_id_is_the_hash_of_the_signed_convene() -> None:
    w = World()
    convene = w.convene()
    assert w.state is not None
    assert w.state.room == chain.room_id(convene)
    assert w.state.phase == "intake"
    assert list(w.state.members) == ["gemeente"]


def test_whole_intake_opens_the_room_and_admits_the_third_party() -> None:
    w = World()
    state = w.open_room()
    assert state.phase == "open"
    assert state.epoch == 2
    assert state.members["ggz"].role == "derde"
    assert set(state.members) == {"gemeente", "politie", "om", "reclassering", "zvh", "ggz"}
    # the whole chain replays to the same state
    assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=w.now) == state


def test_only_the_chair_signs_events() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    forged = Event(
        "event",
        1,
        w.state.room,
        1,
        w.state.head,
        "invite",
        w.tick(),
        InviteData("politie", "deelnemer", 1),
    )
    rejected(w, sign(w.signer("politie"), "politie", forged), NotChairError)


def test_an_invite_not_signed_by_the_chair_but_claiming_to_be_is_refused() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    forged = Event(
        "event",
        1,
        w.state.room,
        1,
        w.state.head,
        "invite",
        w.tick(),
        InviteData("politie", "deelnemer", 1),
    )
    body = forged.encode()
    claimed = Signed(body, "gemeente", w.signer("politie").sign("event", body)).encode()
    rejected(w, claimed, Exception)


def test_replayed_and_misordered_events_are_refused() -> None:
    w = World()
    w.convene()
    first = w.invite("politie")
    rejected(w, first, ChainReplayError)
    assert w.state is not None
    skipped = Event(
        "event",
        1,
        w.state.room,
        w.state.seq + 2,
        w.state.head,
        "invite",
        w.tick(),
        InviteData("om", "deelnemer", 1),
    )
    rejected(w, sign(w.signer("gemeente"), "gemeente", skipped), ChainLinkError)
    wrong_prev = Event(
        "event",
        1,
        w.state.room,
        w.state.seq + 1,
        b"\x00" * 32,
        "invite",
        w.tick(),
        InviteData("om", "deelnemer", 1),
    )
    rejected(w, sign(w.signer("gemeente"), "gemeente", wrong_prev), ChainLinkError)


def test_an_event_of_another_room_is_refused() -> None:
    a, other = World(), World()
    a.convene(case="RAD-2026-001")
    other.convene(case="RAD-2026-002")
    event = other.event("invite", InviteData("politie", "deelnemer", 1))
    rejected(a, event, ChainLinkError)


def test_ggz_is_no_deelnemer_under_pga_r() -> None:
    w = World()
    w.convene()
    rejected(w, w.event("invite", InviteData("ggz", "deelnemer", 1)), MembershipError)


def test_a_third_party_needs_all_three_consents() -> None:
    w = World()
    w.open_room(third_party=False)
    w.invite("ggz", "derde")
    w.join("ggz")
    w.consent("gemeente", "ggz")
    w.consent("politie", "ggz")
    # without the OM's consent ggz is not admitted: an epoch listing it is refused
    forged = w.epoch_data()
    assert "ggz" not in [m.node for m in forged.members]
    listed = tuple(
        sorted(
            forged.members + (EpochMember("ggz", "derde", w.room_key("ggz").public),),
            key=lambda m: m.node,
        )
    )
    rejected(w, w.event("epoch", EpochData(forged.epoch, listed)), ConsentError)
    w.consent("om", "ggz")
    w.epoch()
    assert w.state is not None
    assert "ggz" in w.state.members


def test_consent_only_from_gemeente_politie_and_om() -> None:
    w = World()
    w.open_room(third_party=False)
    w.invite("ggz", "derde")
    rejected(w, w.event("consent", w.consent_data("reclassering", "ggz")), ConsentError)


def test_a_consent_cannot_be_given_twice() -> None:
    w = World()
    w.open_room(third_party=False)
    w.invite("ggz", "derde")
    w.consent("politie", "ggz")
    rejected(w, w.event("consent", w.consent_data("politie", "ggz")), ConsentError)


def test_intake_needs_all_three_to_agree() -> None:
    w = World()
    w.convene()
    for node in ("politie", "om"):
        w.invite(node)
        w.join(node)
    w.epoch()
    w.assess("gemeente")
    w.assess("politie", "niet_opnemen")
    w.assess("om")
    assert w.state is not None
    assert w.state.phase == "intake"
    w.assess("politie", "opnemen")  # politie revises its assessment
    assert w.state.phase == "open"


def test_assessment_only_by_intake_organisations_that_are_members() -> None:
    w = World()
    w.convene()
    w.invite("reclassering")
    w.join("reclassering")
    w.epoch()
    rejected(w, w.event("assess", w.assess_data("reclassering")), IntakeError)
    # politie is in the roster but not (yet) in the room
    rejected(w, w.event("assess", w.assess_data("politie")), MembershipError)


def test_a_third_party_enters_only_after_the_intake() -> None:
    w = World()
    w.convene()
    for node in ("politie", "om"):
        w.invite(node)
        w.join(node)
    w.epoch()
    w.invite("ggz", "derde")
    w.join("ggz")
    for node in ("gemeente", "politie", "om"):
        w.consent(node, "ggz")
    expected = w.epoch_data()
    assert "ggz" not in [m.node for m in expected.members]


def test_statement_signed_by_someone_else_is_refused() -> None:
    w = World()
    w.convene()
    w.invite("politie")
    assert w.state is not None
    body = Join(
        "join", 1, w.state.room, w.state.seq, "politie", w.room_key("politie").public, w.now
    )
    from protocol.events import StatementData

    by_om = StatementData(chain.statement(w.signer("om"), "politie", body))
    rejected(w, w.event("join", by_om), Exception)
    other_room = Join(
        "join", 1, b"\x01" * 32, w.state.seq, "politie", w.room_key("politie").public, w.now
    )
    wrong_room = StatementData(chain.statement(w.signer("politie"), "politie", other_room))
    rejected(w, w.event("join", wrong_room), StatementError)


def test_epoch_must_list_exactly_the_admitted_members() -> None:
    w = World()
    w.convene()
    w.invite("politie")
    w.join("politie")
    w.invite("om")  # invited, not joined: cannot be in the epoch
    good = w.epoch_data()
    assert [m.node for m in good.members] == ["gemeente", "politie"]
    with_om = tuple(
        sorted(good.members + (EpochMember("om", "deelnemer", b"\x09" * 32),), key=lambda m: m.node)
    )
    rejected(w, w.event("epoch", EpochData(good.epoch, with_om)), MembershipError)
    rejected(w, w.event("epoch", EpochData(good.epoch + 1, good.members)), ChainLinkError)
    w.add("epoch", good)
    rejected(w, w.event("epoch", w.epoch_data()), ChainStateError)  # changes nothing


def test_remove_is_followed_at_once_by_a_new_epoch() -> None:
    w = World()
    w.open_room()
    w.remove("zvh")
    rejected(w, w.event("invite", InviteData("rvdk", "deelnemer", 3)), ChainStateError)
    w.epoch()
    assert w.state is not None
    assert "zvh" not in w.state.members
    assert w.state.epoch == 3
    assert "zvh" in w.state.epochs[2]


def test_a_member_leaves_with_its_own_statement_and_the_chair_cannot_leave() -> None:
    w = World()
    w.open_room()
    w.leave("reclassering")
    w.epoch()
    assert w.state is not None
    assert "reclassering" not in w.state.members
    rejected(w, w.event("remove", chain.RemoveData("gemeente")), MembershipError)


def test_key_rotation_through_a_new_join() -> None:
    w = World()
    state = w.open_room()
    old = state.members["politie"].key
    w.join("politie", rotate=True)
    w.epoch()
    assert w.state is not None
    assert w.state.members["politie"].key != old
    assert w.state.epochs[2]["politie"].key == old


def test_nothing_after_close() -> None:
    w = World()
    w.open_room()
    w.add("close", CloseData("afgeschaald"))
    assert w.state is not None
    assert w.state.phase == "closed"
    assert w.state.outcome == "afgeschaald"
    rejected(w, w.event("invite", InviteData("rvdk", "deelnemer", 3)), ChainStateError)
    rejected(w, w.event("close", CloseData("afgesloten")), ChainStateError)


def test_convene_refuses_wams_and_an_unknown_chair_org() -> None:
    w = World()
    data = ConveneData("RAD-2026-009", "x", ("wams",), 0, w.now, w.room_key("gemeente").public)
    with pytest.raises(BasisNotInForceError):
        chain.apply(
            None,
            chain.convene(w.signer("gemeente"), "gemeente", data, w.now),
            roster=w.roster,
            registry=w.registry,
            now=w.now,
        )
    data = ConveneData("RAD-2026-009", "x", ("pga-r",), 5, w.now, w.room_key("politie").public)
    with pytest.raises(ConvenerError):
        chain.apply(
            None,
            chain.convene(w.signer("politie"), "politie", data, w.now),
            roster=w.roster,
            registry=w.registry,
            now=w.now,
        )


def test_convene_by_a_node_outside_the_roster_is_refused() -> None:
    w = World()
    outsider = World(seed=b"another federation")
    data = ConveneData("RAD-2026-009", "x", ("pga-r",), 5, w.now, w.room_key("gemeente").public)
    event = chain.convene(outsider.signer("gemeente"), "stranger", data, w.now)
    with pytest.raises(UnknownSignerError):
        chain.apply(None, event, roster=w.roster, registry=w.registry, now=w.now)


@pytest.mark.parametrize(
    "case", ["Jan Jansen", "123456782", "RAD-123456789", "rad-2026-1", "AB", "NODIGITS"]
)
def test_case_references_are_pseudonyms(case: str) -> None:
    from protocol.errors import LocalProtocolError

    w = World()
    data = ConveneData(case, "x", ("pga-r",), 5, w.now, w.room_key("gemeente").public)
    with pytest.raises(LocalProtocolError):
        chain.convene(w.signer("gemeente"), "gemeente", data, w.now)


def test_events_from_the_future_are_refused() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    event = chain.next_event(
        w.signer("gemeente"), w.state, "invite", InviteData("politie", "deelnemer", 1), w.now + 3600
    )
    rejected(w, event, Exception)


def test_a_member_whose_roster_entry_ended_can_no_longer_sign() -> None:
    from dataclasses import replace

    from world import member_entry

    from protocol.roster import accept_roster, build_roster, sign_roster

    w = World()
    w.convene()
    w.invite("politie")
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    members = [replace(m, valid_until=w.now - 1) if m.node == "politie" else m for m in members]
    data = sign_roster(w.authority, build_roster("testregio", 2, w.now, w.registry, members))
    w.roster = accept_roster(data, w.authority.public, w.registry, current=w.roster)
    rejected(w, w.event("join", w.join_data("politie")), UnknownSignerError)


def test_old_consents_do_not_admit_a_re_invited_third_party() -> None:
    w = World()
    w.open_room()  # ggz admitted with three consents
    consents = [e for e in w.events if b"consent" in e][-3:]
    w.remove("ggz")
    w.epoch()
    w.invite("ggz", "derde")
    w.join("ggz")
    for old in consents:  # the chair re-sends the old consent events' statements
        data = decode(decode(old, Signed.SPEC).body, Event.SPEC).data
        rejected(w, w.event("consent", data), ChainReplayError)
    assert w.state is not None
    assert w.state.consents.get("ggz", frozenset()) == frozenset()
    assert "ggz" not in [m.node for m in w.epoch_data().members]


def test_a_consent_signed_before_the_invite_is_refused() -> None:
    w = World()
    w.open_room(third_party=False)
    early = w.consent_data("politie", "ggz")  # signed against the chain before the invite
    w.invite("ggz", "derde")
    rejected(w, w.event("consent", early), StatementError)


def test_a_revised_assessment_cannot_be_undone_by_replaying_the_old_one() -> None:
    w = World()
    w.convene()
    for node in ("politie", "om"):
        w.invite(node)
        w.join(node)
    w.epoch()
    first = w.assess_data("politie", "opnemen")
    w.add("assess", first)
    w.assess("politie", "niet_opnemen")
    rejected(w, w.event("assess", first), ChainReplayError)


@pytest.mark.parametrize(
    ("open_room", "outcome", "ok"),
    [
        (False, "niet_opgenomen", True),
        (False, "afgeschaald", False),
        (True, "niet_opgenomen", False),
        (True, "overgedragen", True),
    ],
)
def test_close_outcome_fits_the_phase(open_room: bool, outcome: str, ok: bool) -> None:
    w = World()
    if open_room:
        w.open_room()
    else:
        w.convene()
    if ok:
        w.add("close", CloseData(outcome))
        assert w.state is not None
        assert w.state.outcome == outcome
    else:
        rejected(w, w.event("close", CloseData(outcome)), ChainStateError)


def test_a_consent_lapses_when_its_organisation_leaves() -> None:
    w = World()
    w.open_room(third_party=False)
    w.invite("ggz", "derde")
    for node in ("gemeente", "politie", "om"):
        w.consent(node, "ggz")
    w.leave("om")
    assert w.state is not None
    assert w.state.consents["ggz"] == {"gemeente", "politie"}
