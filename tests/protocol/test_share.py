"""Shares: who can open what, and the policy both sides enforce."""

from __future__ import annotations

from typing import Any

import pytest
from world import SHARE_TEXT, World, default_draft

from protocol.codec import PROTOCOL_VERSION, pack
from protocol.errors import (
    BasisNotDeclaredError,
    BasisNotInForceError,
    BasisUnknownError,
    CapacityError,
    CategoryBoundError,
    CategoryNotAllowedError,
    DecryptionError,
    FieldRequiredError,
    OrganisationNotAllowedError,
    PolicyError,
    RecipientError,
    RoomNotOpenError,
    SecrecyError,
    SenderNotMemberError,
)
from protocol.keys import seal, secretbox
from protocol.share import Content, Share, open_share, receive_share, seal_share, verify_share
from protocol.signed import Signed


def receive(w: World, envelope: bytes, me: str) -> str:
    assert w.state is not None
    opened = receive_share(
        envelope,
        me=me,
        room_key=w.room_keys[me],
        state=w.state,
        roster=w.roster,
        registry=w.registry,
    )
    return opened.content.summary


def forge(w: World, sender: str, **kw: Any) -> bytes:
    """A share made by a correctly signing sender that skipped its own policy checks."""
    assert w.state is not None
    epoch = kw.pop("epoch", w.state.epoch)
    draft = default_draft(w.state, sender, **kw)
    recipients = tuple(sorted(draft.recipients))
    epochs = w.state.epochs
    share = Share(
        "share",
        PROTOCOL_VERSION,
        w.state.room,
        epoch,
        w.rand(16),
        sender,
        w.next_seq(sender),
        recipients,
        draft.basis,
        draft.capacity,
        tuple(sorted(draft.categories)),
        w.now,
        b"",
        (),
    )
    content = Content(
        share.header_hash(),
        draft.summary,
        draft.justification,
        draft.agreement_ref,
        draft.secrecy_ground,
        draft.secrecy_ref,
        draft.conditions,
        draft.author_function,
    )
    key = w.rand(32)
    body = Share.SPEC.wire(share)
    body["ct"] = secretbox(key, w.rand(24), content.encode())
    body["wraps"] = [
        seal(epochs[epoch][r].key if r in epochs[epoch] else w.room_key(r).public, key, w.rand(32))
        for r in recipients
    ]
    raw = pack(body)
    return Signed(raw, sender, w.signer(sender).sign("share", raw)).encode()


def test_every_partner_shares_and_every_recipient_reads() -> None:
    w = World()
    state = w.open_room()
    for sender in state.members:
        envelope = w.share(sender)
        for me in state.members:
            if me != sender:
                assert receive(w, envelope, me) == SHARE_TEXT


def test_a_roster_member_outside_the_room_cannot_open() -> None:
    w = World()
    w.open_room()
    envelope = w.share("politie")
    # jeugdzorg is in the federation roster, never in the room: no wrap and no room key
    w.room_key("jeugdzorg")
    with pytest.raises(DecryptionError):
        receive(w, envelope, "jeugdzorg")


def test_a_removed_member_cannot_open_shares_of_the_next_epoch() -> None:
    w = World()
    w.open_room()
    w.remove("reclassering")
    w.epoch()
    envelope = w.share("politie")
    with pytest.raises(DecryptionError):
        receive(w, envelope, "reclassering")
    # nor by trying its old key on someone else's wrap
    assert w.state is not None
    share = verify_share(envelope, state=w.state, roster=w.roster, registry=w.registry)
    with pytest.raises(DecryptionError):
        open_share(
            share, me="om", room_key=w.room_keys["reclassering"], state=w.state, registry=w.registry
        )


def test_a_newcomer_cannot_open_shares_from_before_it_joined() -> None:
    w = World()
    w.open_room(third_party=False)
    before = w.share("politie")
    w.invite("ggz", "derde")
    w.join("ggz")
    for node in ("gemeente", "politie", "om"):
        w.consent(node, "ggz")
    w.epoch()
    with pytest.raises(DecryptionError):
        receive(w, before, "ggz")


def test_a_third_party_opens_only_what_is_addressed_to_it() -> None:
    w = World()
    w.open_room()
    to_ggz = w.share("gemeente", recipients=["ggz", "om", "politie"])
    not_to_ggz = w.share("gemeente", recipients=["om", "politie"])
    assert receive(w, to_ggz, "ggz") == SHARE_TEXT
    with pytest.raises(DecryptionError):
        receive(w, not_to_ggz, "ggz")


def test_default_recipients_leave_out_third_parties() -> None:
    from protocol.policy import default_recipients

    w = World()
    state = w.open_room()
    assert default_recipients(state, "politie") == ["gemeente", "om", "reclassering", "rvdk"]


def test_no_sharing_once_the_intake_put_the_case_aside() -> None:
    w = World()
    w.convene()
    w.intake_table()
    w.beoordeling("niet_voorleggen")
    with pytest.raises(RoomNotOpenError) as info:
        w.share("gemeente", categories=["signalen"], recipients=["politie"])
    assert info.value.code == "policy.room_not_open"


def test_no_sharing_after_close() -> None:
    w = World()
    w.open_room()
    w.close_jointly("afgesloten")
    with pytest.raises(RoomNotOpenError):
        w.share("gemeente")


#: refused by the header checks (before decryption at the recipient), in the policy's order
HEADER_REFUSALS = [
    ("politie", {"basis": "wgs"}, BasisNotDeclaredError),
    ("politie", {"basis": "wams"}, BasisNotInForceError),
    ("politie", {"basis": "nope"}, BasisUnknownError),
    ("reclassering", {"basis": "wpg-20", "categories": ["politie"]}, OrganisationNotAllowedError),
    ("om", {"basis": "wpg-20", "categories": ["politie"]}, OrganisationNotAllowedError),
    ("politie", {"basis": "wjsg-39fb", "categories": ["justitieel"]}, OrganisationNotAllowedError),
    # a gemeente supplies as burgemeester or as college; the others in no capacity
    ("gemeente", {"capacity": None}, CapacityError),
    ("gemeente", {"capacity": "wethouder"}, CapacityError),
    ("politie", {"capacity": "burgemeester"}, CapacityError),
    ("rvdk", {"capacity": "college"}, CapacityError),
    # politiegegevens only under the Wpg, justitiële gegevens only under the Wjsg
    ("politie", {"basis": "pga-r", "categories": ["politie"]}, CategoryBoundError),
    ("gemeente", {"categories": ["politie", "signalen"]}, CategoryBoundError),
    ("reclassering", {"categories": ["justitieel"]}, CategoryBoundError),
    ("reclassering", {"categories": ["tenuitvoerlegging"]}, CategoryBoundError),
    ("om", {"categories": ["justitieel", "politie"]}, CategoryBoundError),
    ("politie", {"categories": ["gezondheid"]}, CategoryNotAllowedError),
    # under the Wet PGA itself politie and OM bring in only the aanmelder (art. 4 sub d, f, g)
    ("politie", {"basis": "pga-r", "categories": ["signalen"]}, CategoryNotAllowedError),
    ("om", {"basis": "pga-r", "categories": ["plan"]}, CategoryNotAllowedError),
    ("rvdk", {"categories": ["huisvesting"]}, CategoryNotAllowedError),
    ("gemeente", {"recipients": ["jeugdzorg"]}, RecipientError),
    ("gemeente", {"recipients": ["gemeente", "om"]}, RecipientError),
]

#: refused by the content checks (after decryption at the recipient)
CONTENT_REFUSALS = [
    ("gemeente", {"justification": None}, FieldRequiredError),
    ("gemeente", {"justification": "   "}, FieldRequiredError),
    ("politie", {"agreement_ref": None}, FieldRequiredError),
    ("politie", {"agreement_ref": "  "}, FieldRequiredError),
    # a holder of a beroepsgeheim states its ground and a reference, for all its data
    ("ggz", {"secrecy_ground": None}, SecrecyError),
    ("ggz", {"secrecy_ref": None}, SecrecyError),
    ("ggz", {"secrecy_ref": " "}, SecrecyError),
    ("ggz", {"secrecy_ground": "noodzaak"}, SecrecyError),
    ("gemeente", {"secrecy_ground": "noodzaak", "secrecy_ref": "x"}, SecrecyError),
]

REFUSALS = HEADER_REFUSALS + CONTENT_REFUSALS


def _id(refusal: tuple[str, dict[str, Any], type]) -> str:
    sender, change, error = refusal
    return f"{sender}-{'-'.join(f'{k}={v}' for k, v in change.items())}"


@pytest.mark.parametrize(("sender", "change", "error"), REFUSALS, ids=map(_id, REFUSALS))
def test_policy_is_refused_at_the_sender(sender: str, change: dict[str, Any], error: type) -> None:
    w = World()
    w.open_room()
    with pytest.raises(PolicyError) as info:
        w.share(sender, **change)
    assert type(info.value) is error
    assert info.value.side == "sender"


@pytest.mark.parametrize(("sender", "change", "error"), REFUSALS, ids=map(_id, REFUSALS))
def test_policy_is_refused_again_at_the_recipient(
    sender: str, change: dict[str, Any], error: type
) -> None:
    """A sender that skips its own checks is refused by every recipient, with the same code."""
    w = World()
    w.open_room()
    envelope = forge(w, sender, **change)
    with pytest.raises(PolicyError) as info:
        receive(w, envelope, "om" if sender != "om" else "politie")
    assert type(info.value) is error
    assert info.value.side == "recipient"


@pytest.mark.parametrize(
    ("sender", "change", "error"),
    [
        # the organisation is checked before the capacity, the capacity before the categories
        ("reclassering", {"basis": "wpg-20", "capacity": "college"}, OrganisationNotAllowedError),
        ("gemeente", {"capacity": None, "categories": ["politie"]}, CapacityError),
        # per category in sorted order: bound to another basis, else not allowed
        (
            "politie",
            {"basis": "pga-r", "categories": ["huisvesting", "politie"]},
            CategoryNotAllowedError,
        ),
        ("politie", {"basis": "pga-r", "categories": ["justitieel", "zorg"]}, CategoryBoundError),
        # the header before the content
        ("gemeente", {"recipients": ["jeugdzorg"], "justification": None}, RecipientError),
    ],
)
def test_the_first_rule_broken_names_the_refusal(
    sender: str, change: dict[str, Any], error: type
) -> None:
    """Both sides check in the documented order, so sender and recipient give one code."""
    w = World()
    w.open_room()
    with pytest.raises(PolicyError) as info:
        w.share(sender, **change)
    assert type(info.value) is error
    with pytest.raises(PolicyError) as info:
        receive(w, forge(w, sender, **change), "om")
    assert type(info.value) is error


def test_a_sender_that_left_can_no_longer_share() -> None:
    w = World()
    w.open_room()
    w.leave("reclassering")
    w.epoch()
    envelope = forge(w, "reclassering", epoch=2, recipients=["om"])
    with pytest.raises(SenderNotMemberError):
        receive(w, envelope, "om")


def _wgs_room() -> World:
    """A Wgs room of the ZVH with the Wpg and the Wjsg (art. 39fa) declared."""
    w = World()
    w.convene(chair="zvh", bases=("wgs", "wjsg-39fa", "wpg-20"))
    w.intake_table(("gemeente", "ggz", "politie", "om"))
    w.beoordeling()  # by the public deelnemers at the table: gemeente, politie, OM
    w.samenstelling(("ggz",))
    assert w.state is not None
    assert w.state.phase == "open"
    return w


def test_under_wgs_a_beroepsgeheim_holder_states_its_ground_for_all_its_data() -> None:
    """Wgs art. 2.29 lid 2: not only for health data; here housing."""
    w = _wgs_room()
    draft: dict[str, Any] = {"basis": "wgs", "categories": ["huisvesting"]}
    with pytest.raises(SecrecyError) as info:
        w.share("ggz", secrecy_ground=None, secrecy_ref=None, **draft)
    assert info.value.code == "policy.secrecy"
    with pytest.raises(SecrecyError) as info:
        receive(w, forge(w, "ggz", secrecy_ground=None, secrecy_ref=None, **draft), "zvh")
    assert info.value.side == "recipient"
    envelope = w.share(
        "ggz", secrecy_ground="goed_hulpverlenerschap", secrecy_ref="Overweging 2026-11", **draft
    )
    assert w.state is not None
    opened = receive_share(
        envelope, me="zvh", room_key=w.room_keys["zvh"], state=w.state, roster=w.roster,
        registry=w.registry,
    )  # fmt: skip
    assert opened.content.summary == SHARE_TEXT
    assert (opened.content.secrecy_ground, opened.content.secrecy_ref) == (
        "goed_hulpverlenerschap",
        "Overweging 2026-11",
    )
    # no beroepsgeheim, no ground needed
    assert receive(w, w.share("gemeente", **draft), "zvh") == SHARE_TEXT


@pytest.mark.parametrize(
    "ground",
    ["toestemming", "wettelijke_plicht", "wettelijke_bevoegdheid", "goed_hulpverlenerschap"],
)
def test_a_third_party_with_a_beroepsgeheim_supplies_on_any_stated_ground(ground: str) -> None:
    w = World()
    w.open_room()
    envelope = w.share("ggz", secrecy_ground=ground, secrecy_ref="Dossier 2026-7")
    assert receive(w, envelope, "gemeente") == SHARE_TEXT


def test_under_wgs_politie_and_om_supply_under_their_own_laws() -> None:
    """Politiegegevens under Wpg art. 20 lid 3, justitiële gegevens under Wjsg art. 39fa."""
    from protocol.policy import supply_article

    w = _wgs_room()
    with pytest.raises(CategoryBoundError):
        w.share("politie", basis="wgs", categories=["politie"])
    with pytest.raises(CategoryBoundError):
        w.share("om", basis="wgs", categories=["justitieel"])
    with pytest.raises(BasisNotDeclaredError):  # 39fb is the Wet PGA's
        w.share("om", basis="wjsg-39fb", categories=["justitieel"])
    assert receive(w, w.share("politie", basis="wpg-20"), "zvh") == SHARE_TEXT
    assert receive(w, w.share("om", basis="wjsg-39fa"), "zvh") == SHARE_TEXT
    assert w.state is not None
    assert supply_article(w.registry.bases["wpg-20"], w.state.room_basis) == "Wpg art. 20 lid 3"


def test_reclassering_supplies_tenuitvoerlegging_only_under_the_wjsg() -> None:
    w = World()
    w.open_room(bases=("pga-r", "wjsg-39fb", "wjsg-tul", "wpg-20"))
    with pytest.raises(CategoryBoundError):
        w.share("reclassering", categories=["tenuitvoerlegging"])
    envelope = w.share("reclassering", basis="wjsg-tul", categories=["tenuitvoerlegging"])
    assert receive(w, envelope, "gemeente") == SHARE_TEXT
    with pytest.raises(OrganisationNotAllowedError):
        w.share("politie", basis="wjsg-tul", categories=["tenuitvoerlegging"])


@pytest.mark.parametrize("capacity", ["burgemeester", "college"])
def test_a_gemeente_supplies_as_burgemeester_or_as_college(capacity: str) -> None:
    """Wet PGA art. 3 lid 1 sub a and b: one node, two deelnemers; the header says which."""
    w = World()
    state = w.open_room()
    envelope = w.share("gemeente", capacity=capacity)
    opened = receive_share(
        envelope, me="om", room_key=w.room_keys["om"], state=state, roster=w.roster,
        registry=w.registry,
    )  # fmt: skip
    assert opened.share.capacity == capacity


def test_politie_records_its_agreement_with_the_bevoegd_gezag_and_no_decision() -> None:
    """Wpg art. 20 lid 4: a duty in agreement with the bevoegd gezag, no written decision."""
    from protocol.policy import supply_article

    w = World()
    state = w.open_room()
    envelope = w.share("politie", agreement_ref="Driehoek 2026-02")
    opened = receive_share(
        envelope, me="gemeente", room_key=w.room_keys["gemeente"], state=state,
        roster=w.roster, registry=w.registry,
    )  # fmt: skip
    assert opened.content.agreement_ref == "Driehoek 2026-02"
    assert supply_article(w.registry.bases[opened.share.basis], state.room_basis) == (
        "Wpg art. 20 lid 4"
    )


def test_the_zvh_chairing_for_the_burgemeester_supplies_nothing_in_its_own_name() -> None:
    """Wet PGA art. 2, 3: the ZVH is no deelnemer; a share from it is refused on both sides."""
    w = World()
    state = w.open_room(chair="zvh")
    assert state.chair == "zvh"
    with pytest.raises(OrganisationNotAllowedError) as info:
        w.share("zvh")
    assert info.value.side == "sender"
    with pytest.raises(OrganisationNotAllowedError) as info:
        receive(w, forge(w, "zvh"), "gemeente")
    assert info.value.side == "recipient"
    # the gemeente van verblijf, a member, supplies as burgemeester
    assert receive(w, w.share("gemeente"), "politie") == SHARE_TEXT


def test_seal_share_refuses_a_recipient_listed_twice() -> None:
    from protocol.errors import LocalProtocolError

    w = World()
    state = w.open_room()
    draft = default_draft(state, "gemeente", recipients=["om", "om"])
    with pytest.raises(LocalProtocolError):
        seal_share(
            draft,
            state=state,
            registry=w.registry,
            sender="gemeente",
            signer=w.signer("gemeente"),
            seq=1,
            now=w.now,
            rand=w.rand,
        )


def test_the_longest_summary_in_four_byte_characters_is_accepted_by_both_sides() -> None:
    from protocol.share import MAX_SUMMARY

    w = World()
    w.open_room()
    text = "\U0001f4c4" * MAX_SUMMARY
    envelope = w.share("gemeente", summary=text)
    assert receive(w, envelope, "om") == text


def test_every_supplier_may_set_conditions_and_the_recipient_sees_them() -> None:
    """Wet PGA art. 7 lid 2, Wgs art. 2.29 lid 3: conditions are no basis's privilege."""
    w = World()
    state = w.open_room()
    conditions = "Niet verder verstrekken zonder overleg met de verstrekker."
    for sender in state.members:
        envelope = w.share(sender, conditions=conditions)
        me = "om" if sender != "om" else "politie"
        opened = receive_share(
            envelope, me=me, room_key=w.room_keys[me], state=state, roster=w.roster,
            registry=w.registry,
        )  # fmt: skip
        assert opened.content.conditions == conditions, sender
