"""The intake (Wet PGA art. 5 lid 3-5; Wgs art. 2.31 lid 2-4): sealed assessments, the
rulings the intake's organisations endorse, the samenstelling, and what the room allows
in each stage. Every refusal is checked by its code, and leaves the state as it was."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world import PARTNERS, World

from protocol import chain
from protocol.codec import decode
from protocol.errors import (
    CasusnetError,
    CategoryNotAllowedError,
    ChainStateError,
    ConsentError,
    DecryptionError,
    IntakeError,
    RecipientError,
    StatementError,
)
from protocol.events import (
    STATEMENT_SPECS,
    CloseData,
    EpochData,
    EpochMember,
    Event,
    InviteData,
    RulingData,
    Sealed,
    StatementData,
)
from protocol.intake import open_assessment, open_ruling
from protocol.keys import seal
from protocol.registry import shipped_registry
from protocol.signed import Signed

THREE = ("gemeente", "politie", "om")


def refused(w: World, event: bytes, error: type[CasusnetError], code: str) -> None:
    """``event`` is refused with ``error`` (its ``code``) and the state is as before."""
    before, snapshot = w.state, repr(w.state)
    with pytest.raises(error) as info:
        chain.apply(before, event, roster=w.roster, registry=w.registry, now=w.now)
    assert info.value.code == code
    assert w.state is before
    assert repr(before) == snapshot


def consulted(w: World, *nodes: str) -> World:
    """A pga-r room in stage analyse: the three, and ``nodes`` consulted as deelnemers."""
    w.convene()
    w.intake_table((*THREE, *nodes))
    return w


def bodies(w: World, kind: str) -> list[object]:
    """The data of the chain's events of ``kind``."""
    out = []
    for raw in w.events:
        event = decode(decode(raw, Signed.SPEC).body, Event.SPEC)
        if event.kind == kind:
            out.append(event.data)
    return out


def sealed_of(data: object) -> Sealed:
    """The sealed content a ruling or an assessment statement carries."""
    if isinstance(data, RulingData):
        return data.sealed
    assert isinstance(data, StatementData)
    body = decode(decode(data.statement, Signed.SPEC).body, STATEMENT_SPECS["assess"])
    assert body.sealed is not None
    return body.sealed


# --- sealed assessments -----------------------------------------------------------------


def test_an_assessment_is_sealed_to_the_intake_nodes_and_opens_for_them_only() -> None:
    w = consulted(World(), "rvdk")
    assert w.intake_nodes() == ["gemeente", "om", "politie"]
    w.assess("politie", "niet_voorleggen")
    assert w.state is not None
    assert w.state.assessments["politie"][0] is None  # no verdict in the state: sealed
    sealed = sealed_of(bodies(w, "assess")[0])
    content = open_assessment(
        sealed,
        me="om",
        room_key=w.room_keys["om"],
        room=w.state.room,
    )
    assert (content.verdict, content.reasoning) == (
        "niet_voorleggen",
        "Aanhoudende signalen; de criteria wegen samen zwaar genoeg.",
    )
    with pytest.raises(DecryptionError) as info:  # the consulted RvdK holds no wrap
        open_assessment(sealed, me="rvdk", room_key=w.room_keys["rvdk"], room=w.state.room)
    assert info.value.code == "crypto.decrypt"


@pytest.mark.parametrize("change", ["wrap-for-rvdk", "missing-wrap", "unsorted"])
def test_an_assessment_sealed_to_others_than_the_intake_nodes_is_refused(change: str) -> None:
    w = consulted(World(), "rvdk")
    assert w.state is not None
    sealed = w.sealed_assessment()
    wraps = list(sealed.wraps)
    if change == "wrap-for-rvdk":
        extra = seal(w.state.members["rvdk"].key, b"\x07" * 32, b"\x01" * 32)
        wraps = sorted([*wraps, ("rvdk", extra)])
    elif change == "missing-wrap":
        wraps = [wr for wr in wraps if wr[0] != "om"]
    else:
        wraps = wraps[::-1]
    data = w.assess_data("politie", sealed=replace(sealed, wraps=tuple(wraps)))
    refused(w, w.event("assess", data), IntakeError, "chain.intake")


def test_an_assessment_sealed_for_another_epoch_is_refused() -> None:
    w = consulted(World())
    sealed = w.sealed_assessment()
    data = w.assess_data("om", sealed=replace(sealed, epoch=0))
    refused(w, w.event("assess", data), StatementError, "chain.statement")


def test_a_later_joiner_holds_no_wrap_for_the_assessments_and_rulings() -> None:
    w = World()
    state = w.open_room()  # the RvdK enters after the samenstelling
    assert "rvdk" in state.members
    sealed = [sealed_of(d) for d in bodies(w, "assess") + bodies(w, "ruling")]
    assert len(sealed) == 5  # three assessments, the beoordeling, the samenstelling
    for item in sealed:
        for late in ("rvdk", "reclassering", "ggz"):
            opener = open_ruling if item in sealed[3:] else open_assessment
            with pytest.raises(DecryptionError):
                opener(item, me=late, room_key=w.room_keys[late], room=state.room)
    reasoning = open_ruling(sealed[4], me="om", room_key=w.room_keys["om"], room=state.room)
    assert reasoning.reasons == (("ggz", "Expertise forensische psychiatrie nodig"),)


# --- rulings and endorsements -----------------------------------------------------------


def test_a_beoordeling_before_all_three_assessed_is_refused() -> None:
    w = consulted(World())
    w.assess("gemeente")
    w.assess("politie")
    refused(w, w.event("ruling", w.ruling_data()), IntakeError, "chain.intake")
    w.assess("om")
    w.rule()
    assert w.state is not None
    assert w.state.ruling is not None
    assert w.state.ruling.required == frozenset(THREE)


def test_a_samenstelling_before_the_beoordeling_and_a_ruling_after_it_are_refused() -> None:
    w = consulted(World())
    for node in THREE:
        w.assess(node)
    samenstelling = w.ruling_data("samenstelling", deelnemers=("reclassering",))
    refused(w, w.event("ruling", samenstelling), IntakeError, "chain.intake")
    w.rule()
    w.endorse_all()
    refused(w, w.event("ruling", w.ruling_data()), IntakeError, "chain.intake")
    w.samenstelling(("reclassering",))
    refused(w, w.event("ruling", w.ruling_data("samenstelling")), IntakeError, "chain.intake")


def test_the_endorsement_of_a_replaced_ruling_is_refused() -> None:
    w = consulted(World())
    for node in THREE:
        w.assess(node)
    w.rule("beoordeling", "niet_voorleggen")
    assert w.state is not None
    first = w.state.seq
    w.endorse("politie")
    w.rule("beoordeling", "voorleggen")  # the chair proposes another: it replaces the first
    refused(w, w.event("endorse", w.endorse_data("om", first)), IntakeError, "chain.intake")
    assert w.state.ruling is not None
    assert w.state.ruling.endorsed == frozenset()  # politie's endorsement went with it
    w.endorse_all()
    assert w.state.stage == "verzamelen"


def test_an_organisation_endorses_a_ruling_once() -> None:
    w = consulted(World())
    for node in THREE:
        w.assess(node)
    w.rule()
    w.endorse("om")
    refused(w, w.event("endorse", w.endorse_data("om")), IntakeError, "chain.intake")


def test_only_the_intake_organisations_endorse() -> None:
    w = consulted(World(), "reclassering")
    for node in THREE:
        w.assess(node)
    w.rule()
    refused(w, w.event("endorse", w.endorse_data("reclassering")), IntakeError, "chain.intake")


def test_the_gemeente_endorses_as_burgemeester_of_the_gemeente_van_verblijf() -> None:
    w = World(nodes={**PARTNERS, "rvdk": "rvdk", "gemeente2": "gemeente"})
    consulted(w, "gemeente2")
    assert "gemeente2" not in w.intake_nodes()
    for node in THREE:
        w.assess(node)
    w.rule()
    refused(w, w.event("endorse", w.endorse_data("gemeente2")), IntakeError, "chain.intake")
    college = w.endorse_data("gemeente", capacity="college")
    refused(w, w.event("endorse", college), IntakeError, "chain.intake")
    refused(
        w,
        w.event("endorse", w.endorse_data("om", capacity="burgemeester")),
        IntakeError,
        "chain.intake",
    )
    w.endorse_all()
    assert w.state is not None
    assert w.state.stage == "verzamelen"


def test_a_negative_beoordeling_leaves_only_the_close_niet_voorgelegd() -> None:
    w = consulted(World())
    w.beoordeling("niet_voorleggen")
    assert w.state is not None
    assert (w.state.phase, w.state.stage) == ("intake", "afgewezen")
    assert w.state.rulings[-1].outcome == "niet_voorleggen"
    refused(w, w.event("invite", InviteData("rvdk", "deelnemer", 2)), IntakeError, "chain.intake")
    refused(w, w.event("ruling", w.ruling_data("samenstelling")), IntakeError, "chain.intake")
    refused(w, w.event("close", CloseData("afgesloten")), ChainStateError, "chain.state")
    w.add("close", CloseData("niet_voorgelegd"))
    assert w.state.outcome == "niet_voorgelegd"


# --- who enters, and when ----------------------------------------------------------------


def test_a_derde_is_not_invited_during_the_intake() -> None:
    w = consulted(World())
    refused(w, w.event("invite", InviteData("ggz", "derde", 2)), IntakeError, "chain.intake")
    w.beoordeling()
    refused(w, w.event("invite", InviteData("ggz", "derde", 2)), IntakeError, "chain.intake")
    w.invite("rvdk")  # a deelnemer may be consulted in both stages


def test_after_the_samenstelling_a_named_node_enters_on_its_join_and_another_needs_consent() -> (
    None
):
    w = consulted(World())
    w.beoordeling()
    w.samenstelling(("reclassering",), {"ggz": "Expertise"})
    assert w.state is not None
    assert dict(w.state.named) == {"reclassering": "deelnemer", "ggz": "derde"}
    for node, role in (("reclassering", "deelnemer"), ("ggz", "derde"), ("rvdk", "deelnemer")):
        w.invite(node, role)
        w.join(node)
    entering = [m.node for m in w.epoch_data().members]
    assert entering == sorted([*THREE, "ggz", "reclassering"])
    early = w.epoch_data()
    listed = tuple(
        sorted(
            (*early.members, EpochMember("rvdk", "deelnemer", w.room_key("rvdk").public)),
            key=lambda m: m.node,
        )
    )
    refused(w, w.event("epoch", EpochData(early.epoch, listed)), ConsentError, "chain.consent")
    w.consent("gemeente", "rvdk")
    w.consent("politie", "rvdk")
    refused(w, w.event("epoch", EpochData(early.epoch, listed)), ConsentError, "chain.consent")
    w.consent("om", "rvdk")
    w.epoch()
    assert set(w.state.members) == {*THREE, "reclassering", "ggz", "rvdk"}


def test_a_named_derde_invited_as_deelnemer_needs_consent() -> None:
    w = consulted(World())
    w.beoordeling()
    w.samenstelling((), {"ggz": "Expertise"})
    w.invite("rvdk")
    w.join("rvdk")
    assert "rvdk" not in [m.node for m in w.epoch_data().members]


def test_consent_to_a_deelnemer_only_after_the_intake() -> None:
    w = consulted(World())
    w.invite("rvdk")
    refused(w, w.event("consent", w.consent_data("politie", "rvdk")), ConsentError, "chain.consent")


def test_a_consulted_deelnemer_not_named_leaves_with_the_samenstelling() -> None:
    w = consulted(World(), "rvdk", "reclassering")
    w.beoordeling()
    w.samenstelling(("reclassering",))
    assert w.state is not None
    assert w.state.phase == "open"
    assert w.state.leaving == frozenset({"rvdk"})
    refused(w, w.event("invite", InviteData("ggz", "derde", 2)), ChainStateError, "chain.state")
    w.epoch()
    assert set(w.state.members) == {*THREE, "reclassering"}


def test_an_invitation_the_samenstelling_does_not_name_is_withdrawn() -> None:
    w = consulted(World())
    w.beoordeling()
    w.invite("rvdk")  # consulted, but not yet joined
    w.samenstelling(("reclassering",))
    assert w.state is not None
    assert "rvdk" not in w.state.invited


# --- shares during the intake ---------------------------------------------------------------


def test_in_stage_analyse_only_the_aanmelding_s_own_categories_are_shared() -> None:
    w = consulted(World())
    to_three = {"recipients": ["gemeente", "om"]}
    with pytest.raises(CategoryNotAllowedError) as info:
        w.share("politie", basis="wpg-20", categories=["politie"], **to_three)
    assert info.value.code == "policy.category"
    with pytest.raises(CategoryNotAllowedError):
        w.share("gemeente", categories=["sociale_relaties"], recipients=["politie", "om"])
    w.share("gemeente", categories=["signalen", "identificerend"], recipients=["politie", "om"])
    w.beoordeling()  # verzamelen (art. 5 lid 4): the further data may now be collected
    w.share("politie", basis="wpg-20", categories=["politie"], **to_three)
    w.share("gemeente", categories=["sociale_relaties"], recipients=["politie", "om"])


def test_a_consulted_deelnemer_shares_only_with_the_intake_nodes() -> None:
    w = consulted(World(), "rvdk", "reclassering")
    w.share("gemeente", categories=["signalen"], recipients=["rvdk"])  # the intake asks
    w.share("rvdk", categories=["signalen"], recipients=["gemeente", "om", "politie"])
    with pytest.raises(RecipientError) as info:
        w.share("rvdk", categories=["signalen"], recipients=["gemeente", "reclassering"])
    assert info.value.code == "policy.recipient"


# --- the Wgs intake, and the registry a room pinned ------------------------------------------


def test_under_wgs_the_public_deelnemers_present_decide() -> None:
    w = World()
    w.convene(chair="zvh", bases=("wgs",))
    assert w.state is not None
    assert (w.state.phase, w.state.stage) == ("intake", "analyse")
    w.intake_table(("gemeente", "politie", "reclassering"))
    assert w.deciders() == ["gemeente", "politie"]  # the OM, RvdK, ... are not at the table
    assert w.intake_nodes() == ["gemeente", "politie", "zvh"]
    refused(w, w.event("assess", w.assess_data("reclassering")), IntakeError, "chain.intake")
    w.assess("gemeente")
    refused(w, w.event("ruling", w.ruling_data()), IntakeError, "chain.intake")
    w.assess("politie")
    w.rule()
    assert w.state.ruling is not None
    assert w.state.ruling.required == frozenset({"gemeente", "politie"})
    refused(w, w.event("endorse", w.endorse_data("reclassering")), IntakeError, "chain.intake")
    w.endorse_all()
    w.samenstelling(("reclassering",))
    assert w.state.phase == "open"


def test_a_room_pinned_at_registry_v2_opens_a_wgs_room_at_once() -> None:
    w = World()
    current = w.registry
    w.registry = shipped_registry(2)  # the convene pins version 2
    w.convene(chair="zvh", bases=("wgs",))
    w.registry = current
    assert w.state is not None
    assert (w.state.registry, w.state.phase, w.state.stage) == (2, "open", None)
    w.invite("ggz", "derde")  # Wgs v2: no intake, derden without consent
    w.join("ggz")
    w.epoch()
    assert w.state.members["ggz"].role == "derde"


# --- an earlier release's plaintext assessments ---------------------------------------------


def legacy_chain() -> World:
    """A room whose intake an earlier release recorded: three plaintext ``opnemen``."""
    w = consulted(World())
    for node in THREE:
        event = w.event("assess", w.legacy_assess_data(node))
        w.state = chain.apply(w.state, event, roster=w.roster, registry=w.registry, now=None)
        w.events.append(event)
    return w


def test_a_stored_plaintext_intake_replays_and_opens_the_room() -> None:
    w = legacy_chain()
    state = chain.replay(w.events, roster=w.roster, registry=w.registry, now=None)
    assert (state.phase, state.stage, state.legacy) == ("open", None, True)
    assert state.assessments["om"][0] == "opnemen"
    # after it, derden enter as they did then: with the three consents
    w.invite("ggz", "derde")
    w.join("ggz")
    assert "ggz" not in [m.node for m in w.epoch_data().members]
    for node in THREE:
        w.consent(node, "ggz")
    w.epoch()
    assert w.state is not None
    assert w.state.members["ggz"].role == "derde"


def test_a_plaintext_assessment_received_now_is_refused() -> None:
    w = consulted(World())
    refused(w, w.event("assess", w.legacy_assess_data("om")), StatementError, "chain.statement")
    stored = legacy_chain()
    with pytest.raises(StatementError) as info:
        chain.replay(stored.events, roster=stored.roster, registry=stored.registry, now=stored.now)
    assert info.value.code == "chain.statement"


def test_a_stored_plaintext_niet_opnemen_keeps_the_intake_open() -> None:
    w = consulted(World())
    for node, verdict in (("gemeente", "opnemen"), ("politie", "niet_opnemen"), ("om", "opnemen")):
        event = w.event("assess", w.legacy_assess_data(node, verdict))
        w.state = chain.apply(w.state, event, roster=w.roster, registry=w.registry, now=None)
    assert (w.state.phase, w.state.legacy) == ("intake", False)
