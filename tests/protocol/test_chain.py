"""The room chain's rules, one by one: who may do what, and in which state."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from world import EXTRAS, PARTNERS, World

from protocol import chain
from protocol import registry as registry_module
from protocol.codec import PROTOCOL_VERSION, decode
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
    RegistryMismatchError,
    SignatureError,
    StatementError,
    UnknownSignerError,
)
from protocol.events import (
    CloseData,
    ConveneData,
    Criteria,
    EpochData,
    EpochMember,
    Event,
    InviteData,
    Join,
    Mandate,
)
from protocol.registry import Registry, default_registry
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
    assert set(state.members) == {"gemeente", "politie", "om", "reclassering", "rvdk", "ggz"}
    # the whole chain replays to the same state
    assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=w.now) == state


def test_only_the_chair_signs_events() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    forged = Event(
        "event",
        PROTOCOL_VERSION,
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
        PROTOCOL_VERSION,
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
        PROTOCOL_VERSION,
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
        PROTOCOL_VERSION,
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


def test_intake_needs_all_three_to_endorse() -> None:
    w = World()
    w.convene()
    w.intake_table()
    w.assess("gemeente")
    w.assess("politie", "niet_voorleggen")
    w.assess("om")
    w.assess("politie", "voorleggen")  # politie revises its assessment
    w.rule("beoordeling", "voorleggen")
    w.endorse("gemeente")
    w.endorse("politie")
    assert w.state is not None
    assert (w.state.phase, w.state.stage) == ("intake", "analyse")
    w.endorse("om")
    assert (w.state.phase, w.state.stage) == ("intake", "verzamelen")
    w.samenstelling()
    assert (w.state.phase, w.state.stage) == ("open", None)


def test_assessment_only_by_intake_organisations_that_are_members() -> None:
    w = World()
    w.convene()
    w.invite("reclassering")
    w.join("reclassering")
    w.epoch()
    rejected(w, w.event("assess", w.assess_data("reclassering")), IntakeError)
    # politie is in the roster but not (yet) in the room
    rejected(w, w.event("assess", w.assess_data("politie")), MembershipError)


def test_a_third_party_is_not_invited_during_the_intake() -> None:
    w = World()
    w.convene()
    w.intake_table()
    rejected(w, w.event("invite", InviteData("ggz", "derde", 2)), IntakeError)
    w.beoordeling()
    rejected(w, w.event("invite", InviteData("ggz", "derde", 2)), IntakeError)


def test_statement_signed_by_someone_else_is_refused() -> None:
    w = World()
    w.convene()
    w.invite("politie")
    assert w.state is not None
    body = Join(
        "join",
        PROTOCOL_VERSION,
        w.state.room,
        w.state.seq,
        "politie",
        w.room_key("politie").public,
        w.now,
    )
    from protocol.events import StatementData

    by_om = StatementData(chain.statement(w.signer("om"), "politie", body))
    rejected(w, w.event("join", by_om), Exception)
    other_room = Join(
        "join",
        PROTOCOL_VERSION,
        b"\x01" * 32,
        w.state.seq,
        "politie",
        w.room_key("politie").public,
        w.now,
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
    w.remove("rvdk")
    rejected(w, w.event("invite", InviteData("rvdk", "deelnemer", 3)), ChainStateError)
    w.epoch()
    assert w.state is not None
    assert "rvdk" not in w.state.members
    assert w.state.epoch == 3
    assert "rvdk" in w.state.epochs[2]


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
    w.close_jointly("afgeschaald")
    assert w.state is not None
    assert w.state.phase == "closed"
    assert w.state.outcome == "afgeschaald"
    rejected(w, w.event("invite", InviteData("rvdk", "deelnemer", 3)), ChainStateError)
    rejected(w, w.event("close", CloseData("afgesloten")), ChainStateError)


def convene_data(w: World, chair: str = "gemeente", **kw: Any) -> ConveneData:
    """A pga-r convene by ``chair`` with the gemeente as verblijf; ``kw`` overrides fields."""
    fields: dict[str, Any] = dict(
        case="RAD-2026-009",
        purpose="x",
        bases=("pga-r",),
        retention=5,
        meeting=w.now,
        chair_key=w.room_key(chair).public,
        registry=w.registry.version,
        verblijf="gemeente",
        mandate=None,
    )
    fields.update(kw)
    return ConveneData(**fields)


def try_convene(w: World, chair: str, data: ConveneData) -> None:
    """Sign and apply a convene; the caller expects it to be refused."""
    event = chain.convene(w.signer(chair), chair, data, w.tick())
    chain.apply(None, event, roster=w.roster, registry=w.registry, now=w.now)


def test_convene_refuses_wams_and_an_unknown_chair_org() -> None:
    w = World()
    with pytest.raises(BasisNotInForceError):
        try_convene(w, "gemeente", convene_data(w, bases=("wams",), retention=0))
    with pytest.raises(ConvenerError):
        try_convene(w, "politie", convene_data(w, "politie"))


def test_convene_by_a_node_outside_the_roster_is_refused() -> None:
    w = World()
    outsider = World(seed=b"another federation")
    data = convene_data(w)
    event = chain.convene(outsider.signer("gemeente"), "stranger", data, w.now)
    with pytest.raises(UnknownSignerError):
        chain.apply(None, event, roster=w.roster, registry=w.registry, now=w.now)


@pytest.mark.parametrize(
    "case", ["Jan Jansen", "123456782", "RAD-123456789", "rad-2026-1", "AB", "NODIGITS"]
)
def test_case_references_are_pseudonyms(case: str) -> None:
    from protocol.errors import LocalProtocolError

    w = World()
    with pytest.raises(LocalProtocolError):
        chain.convene(w.signer("gemeente"), "gemeente", convene_data(w, case=case), w.now)


# --- the gemeente van verblijf and the chair on its behalf (Wet PGA art. 2) -------------------

TWO_GEMEENTEN = {**PARTNERS, **EXTRAS, "gemeente2": "gemeente"}


def test_the_gemeente_van_verblijf_convenes_in_its_own_name_and_is_named_in_the_room() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    assert w.state.chair == "gemeente"
    assert w.state.verblijf == "gemeente"
    assert w.state.registry == w.registry.version == 3


@pytest.mark.parametrize(
    ("chair", "change"),
    [
        ("gemeente2", {}),  # another gemeente, in its own name, for the verblijf
        ("gemeente", {"verblijf": None}),  # no gemeente van verblijf named
        ("gemeente", {"verblijf": "gemeente2"}),  # names another gemeente as verblijf
        ("gemeente", {"verblijf": "politie"}),  # the verblijf must be a gemeente
    ],
    ids=["other-gemeente", "no-verblijf", "chair-not-verblijf", "verblijf-not-a-gemeente"],
)
def test_only_the_gemeente_van_verblijf_convenes_pga_r_in_its_own_name(
    chair: str, change: dict[str, Any]
) -> None:
    w = World(nodes=TWO_GEMEENTEN)
    with pytest.raises(ConvenerError) as info:
        try_convene(w, chair, convene_data(w, chair, **change))
    assert info.value.code == "chain.convener"


def test_a_chair_in_its_own_name_carries_no_mandate() -> None:
    w = World()
    mandate = w.mandate("gemeente", "RAD-2026-009")
    with pytest.raises(ConvenerError):
        try_convene(w, "gemeente", convene_data(w, mandate=mandate))


def test_a_zvh_chairs_pga_r_on_the_burgemeesters_behalf_with_a_mandate() -> None:
    """The ZVH chairs; the gemeente van verblijf, a member, assesses as burgemeester."""
    w = World()
    w.convene(chair="zvh")  # World signs the gemeente's mandate for the zvh and this case
    assert w.state is not None
    assert (w.state.chair, w.state.verblijf) == ("zvh", "gemeente")
    w.intake_table()
    assert w.intake_nodes() == ["gemeente", "om", "politie", "zvh"]
    assert w.deciders() == ["gemeente", "om", "politie"]
    w.beoordeling()
    w.samenstelling()
    assert w.state.phase == "open"
    assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=w.now) == w.state


def _mandate(w: World, signer: str, **kw: Any) -> bytes:
    fields: dict[str, Any] = dict(case="RAD-2026-009", chair="zvh", node=signer, time=w.now)
    fields.update(kw)
    return chain.statement(w.signer(signer), signer, Mandate("mandate", PROTOCOL_VERSION, **fields))


BAD_MANDATES: dict[str, Callable[[World], bytes | None]] = {
    "none": lambda w: None,
    "another-case": lambda w: w.mandate("zvh", "RAD-2026-010"),
    "another-chair": lambda w: w.mandate("zvh2", "RAD-2026-009"),
    "not-the-verblijf": lambda w: w.mandate("zvh", "RAD-2026-009", gemeente="gemeente2"),
    "by-politie": lambda w: _mandate(w, "politie"),
    "names-another-signer": lambda w: _mandate(w, "politie", node="gemeente"),
    "dated-after-convene": lambda w: _mandate(w, "gemeente", time=w.now + 60),
}


@pytest.mark.parametrize("bad", sorted(BAD_MANDATES))
def test_a_zvh_chair_without_the_verblijfs_mandate_for_this_case_is_refused(bad: str) -> None:
    w = World(nodes={**TWO_GEMEENTEN, "zvh2": "zvh"})
    data = convene_data(w, "zvh", mandate=BAD_MANDATES[bad](w))
    with pytest.raises(ConvenerError) as info:
        try_convene(w, "zvh", data)
    assert info.value.code == "chain.convener"


def test_a_mandate_with_a_forged_signature_is_refused() -> None:
    w = World()
    body = Mandate("mandate", PROTOCOL_VERSION, "RAD-2026-009", "zvh", "gemeente", w.now)
    forged = Signed(body.encode(), "gemeente", w.signer("zvh").sign("statement", body.encode()))
    with pytest.raises(SignatureError):
        try_convene(w, "zvh", convene_data(w, "zvh", mandate=forged.encode()))


def test_a_wgs_room_is_convened_by_the_zvh_and_names_no_verblijf() -> None:
    w = World()
    wgs = {"bases": ("wgs",), "verblijf": None}
    with pytest.raises(ConvenerError):  # the ZVH is the samenwerkingsverband (Wgs art. 2.24)
        try_convene(w, "gemeente", convene_data(w, **wgs))
    with pytest.raises(ConvenerError):
        try_convene(w, "zvh", convene_data(w, "zvh", **{**wgs, "verblijf": "gemeente"}))
    with pytest.raises(ConvenerError):
        try_convene(
            w, "zvh", convene_data(w, "zvh", **wgs, mandate=w.mandate("zvh", "RAD-2026-009"))
        )
    w.convene(chair="zvh", bases=("wgs",))
    assert w.state is not None
    assert w.state.verblijf is None
    assert (w.state.phase, w.state.stage) == ("intake", "analyse")  # the public deelnemers'


def _room_with_two_gemeenten() -> World:
    """A pga-r room of the verblijf "gemeente", with another gemeente as deelnemer."""
    w = World(nodes=TWO_GEMEENTEN)
    w.convene()
    for node in ("gemeente2", "politie", "om"):
        w.invite(node)
        w.join(node)
    w.epoch()
    return w


def test_only_the_verblijf_as_burgemeester_takes_part_in_the_intake() -> None:
    w = _room_with_two_gemeenten()
    # another gemeente is a deelnemer, but the intake is the verblijf's burgemeester's
    rejected(w, w.event("assess", w.assess_data("gemeente2")), IntakeError)
    rejected(w, w.event("assess", w.assess_data("gemeente", capacity="college")), IntakeError)
    rejected(w, w.event("assess", w.assess_data("gemeente", capacity=None)), IntakeError)
    # politie and OM act in no capacity
    rejected(w, w.event("assess", w.assess_data("politie", capacity="burgemeester")), IntakeError)
    assert w.deciders() == ["gemeente", "om", "politie"]
    assert "gemeente2" not in w.intake_nodes()
    w.beoordeling()
    assert w.state is not None
    assert w.state.stage == "verzamelen"


def test_only_the_verblijf_as_burgemeester_consents_to_a_third_party() -> None:
    w = _room_with_two_gemeenten()
    w.beoordeling()
    w.samenstelling(("gemeente2",))  # the other gemeente stays; ggz is not named
    w.invite("ggz", "derde")
    w.join("ggz")
    rejected(w, w.event("consent", w.consent_data("gemeente2", "ggz")), ConsentError)
    rejected(
        w, w.event("consent", w.consent_data("gemeente", "ggz", capacity="college")), ConsentError
    )
    rejected(w, w.event("consent", w.consent_data("om", "ggz", capacity="college")), ConsentError)
    for node in ("gemeente", "politie", "om"):
        w.consent(node, "ggz")
    w.epoch()
    assert w.state is not None
    assert w.state.members["ggz"].role == "derde"


@pytest.mark.parametrize(
    "criteria",
    [Criteria(None, None, None, None, None), Criteria(3, None, 0, None, 2)],
    ids=["all-onbekend", "some-onbekend"],
)
def test_an_assessment_may_leave_criteria_onbekend(criteria: Criteria) -> None:
    """Wet PGA art. 5 lid 3 prescribes no scoring: a criterion may be onbekend."""
    w = World()
    w.convene()
    w.intake_table()
    for node in ("gemeente", "politie", "om"):
        w.add("assess", w.assess_data(node, criteria=criteria))
    w.rule("beoordeling", "voorleggen")
    w.endorse_all()
    assert w.state is not None
    assert w.state.stage == "verzamelen"
    assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=w.now) == w.state


def test_a_criterion_scores_0_to_3() -> None:
    from protocol.errors import LocalProtocolError

    w = World()
    w.convene()
    with pytest.raises(LocalProtocolError):
        w.assess_data("gemeente", criteria=Criteria(4, 0, 0, 0, 0))


# --- the registry version a room is validated under -----------------------------------------


@pytest.mark.parametrize("version", [1, 4, 99])
def test_a_room_pinned_to_a_registry_version_this_node_does_not_know_is_refused(
    version: int,
) -> None:
    w = World()
    with pytest.raises(RegistryMismatchError) as info:
        try_convene(w, "gemeente", convene_data(w, registry=version))
    assert info.value.code == "roster.registry"


def test_a_convene_pinned_to_the_current_registry_replays() -> None:
    w = World()
    state = w.open_room()
    assert state.registry == w.registry.version
    assert chain.replay(w.events, roster=w.roster, registry=w.registry, now=w.now) == state


def _registry_v4(drop: str) -> Registry:
    """A later registry in which ``drop`` is no longer a deelnemer under pga-r."""
    doc = json.loads(default_registry().source)
    doc["version"] = 4
    pga = next(b for b in doc["bases"] if b["id"] == "pga-r")
    pga["deelnemers"].remove(drop)
    del pga["senders"][drop]
    return Registry.from_json(json.dumps(doc).encode())


def test_a_room_keeps_the_registry_version_its_convene_pinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After the federation moves to a new registry, an existing room is still judged by
    the rules it was convened under, and a new room by the new ones."""
    from protocol.share import receive_share

    v3 = default_registry()
    v4 = _registry_v4("rvdk")
    monkeypatch.setattr(registry_module, "shipped_registry", {3: v3}.__getitem__)
    w = World()
    state = w.open_room()  # pinned to v3, rvdk a deelnemer
    envelope = w.share("rvdk")
    # the same chain, checked by a node whose current registry is v4
    assert chain.replay(w.events, roster=w.roster, registry=v4, now=w.now) == state
    opened = receive_share(
        envelope, me="om", room_key=w.room_keys["om"], state=state, roster=w.roster, registry=v4
    )
    assert opened.share.sender == "rvdk"
    # a room convened under v4 cannot take the rvdk in
    new = World()
    new.registry = v4
    new.convene()
    assert new.state is not None
    assert new.state.registry == 4
    rejected(new, new.event("invite", InviteData("rvdk", "deelnemer", 1)), MembershipError)


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
    w.open_room(third_party=False)
    w.invite("ggz", "derde")  # not named by the samenstelling: three consents
    w.join("ggz")
    for node in ("gemeente", "politie", "om"):
        w.consent(node, "ggz")
    w.epoch()
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
    w.intake_table()
    first = w.assess_data("politie", "voorleggen")
    w.add("assess", first)
    w.assess("politie", "niet_voorleggen")
    rejected(w, w.event("assess", first), ChainReplayError)


@pytest.mark.parametrize(
    ("open_room", "outcome", "ok"),
    [
        (False, "niet_voorgelegd", True),
        (False, "afgeschaald", False),
        (True, "niet_voorgelegd", False),
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
        w.close_jointly(outcome)
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
