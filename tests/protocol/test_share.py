"""Shares: who can open what, and the policy both sides enforce."""

from __future__ import annotations

from typing import Any

import pytest
from world import SHARE_TEXT, World, default_draft

from protocol.codec import pack
from protocol.errors import (
    BasisNotDeclaredError,
    BasisNotInForceError,
    BasisUnknownError,
    CategoryNotAllowedError,
    DecryptionError,
    FieldRequiredError,
    OrganisationNotAllowedError,
    PolicyError,
    RecipientError,
    RoomNotOpenError,
    SenderNotMemberError,
)
from protocol.events import CloseData
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
        1,
        w.state.room,
        epoch,
        w.rand(16),
        sender,
        w.next_seq(sender),
        recipients,
        draft.basis,
        tuple(sorted(draft.categories)),
        w.now,
        b"",
        (),
    )
    content = Content(
        share.header_hash(),
        draft.summary,
        draft.justification,
        draft.decision_ref,
        draft.consent,
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
    # rvdk is in the federation roster, never in the room: it has no wrap and no room key
    w.room_key("rvdk")
    with pytest.raises(DecryptionError):
        receive(w, envelope, "rvdk")


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
    assert default_recipients(state, "politie") == ["gemeente", "om", "reclassering", "zvh"]


def test_no_sharing_before_the_intake_is_unanimous() -> None:
    w = World()
    w.convene()
    w.invite("politie")
    w.join("politie")
    w.epoch()
    with pytest.raises(RoomNotOpenError):
        w.share("gemeente", recipients=["politie"])


def test_no_sharing_after_close() -> None:
    w = World()
    w.open_room()
    w.add("close", CloseData("afgesloten"))
    with pytest.raises(RoomNotOpenError):
        w.share("gemeente")


SENDER_REFUSALS = [
    ("politie", {"basis": "wgs"}, BasisNotDeclaredError),
    ("politie", {"basis": "wams"}, BasisNotInForceError),
    ("politie", {"basis": "nope"}, BasisUnknownError),
    ("reclassering", {"basis": "wpg-20", "categories": ["politie"]}, OrganisationNotAllowedError),
    ("om", {"basis": "wpg-20", "categories": ["politie"]}, OrganisationNotAllowedError),
    ("politie", {"basis": "wjsg-39fb", "categories": ["justitieel"]}, OrganisationNotAllowedError),
    ("politie", {"categories": ["gezondheid"]}, CategoryNotAllowedError),
    ("zvh", {"categories": ["justitieel"]}, CategoryNotAllowedError),
    ("gemeente", {"justification": None}, FieldRequiredError),
    ("gemeente", {"justification": "   "}, FieldRequiredError),
    ("politie", {"decision_ref": None}, FieldRequiredError),
    ("gemeente", {"conditions": "niet verder verstrekken"}, PolicyError),
    ("gemeente", {"recipients": ["rvdk"]}, RecipientError),
    ("gemeente", {"recipients": ["gemeente", "om"]}, RecipientError),
]


@pytest.mark.parametrize(("sender", "change", "error"), SENDER_REFUSALS)
def test_policy_is_refused_at_the_sender(sender: str, change: dict[str, Any], error: type) -> None:
    w = World()
    w.open_room()
    with pytest.raises(error) as info:
        w.share(sender, **change)
    assert info.value.side == "sender"


@pytest.mark.parametrize(("sender", "change", "error"), SENDER_REFUSALS[:8] + SENDER_REFUSALS[12:])
def test_policy_is_refused_again_at_the_recipient(
    sender: str, change: dict[str, Any], error: type
) -> None:
    w = World()
    w.open_room()
    envelope = forge(w, sender, **change)
    with pytest.raises(error) as info:
        receive(w, envelope, "om" if sender != "om" else "politie")
    assert info.value.side == "recipient"


@pytest.mark.parametrize(
    ("sender", "change"),
    [
        ("politie", {"justification": None}),
        ("politie", {"decision_ref": None}),
        ("gemeente", {"conditions": "geen doorlevering"}),
    ],
)
def test_content_rules_are_checked_again_after_decryption(
    sender: str, change: dict[str, Any]
) -> None:
    w = World()
    w.open_room()
    envelope = forge(w, sender, **change)
    with pytest.raises(PolicyError) as info:
        receive(w, envelope, "om")
    assert info.value.side == "recipient"


def test_a_sender_that_left_can_no_longer_share() -> None:
    w = World()
    w.open_room()
    w.leave("reclassering")
    w.epoch()
    envelope = forge(w, "reclassering", epoch=2, recipients=["om"])
    with pytest.raises(SenderNotMemberError):
        receive(w, envelope, "om")


def test_wgs_asks_ggz_for_consent_when_it_shares_health_data() -> None:
    w = World()
    w.convene(chair="zvh", bases=("wgs",))
    for node in ("gemeente", "ggz", "politie"):
        w.invite(node)
        w.join(node)
    w.epoch()
    assert w.state is not None
    assert w.state.phase == "open"
    draft = {"basis": "wgs", "categories": ["gezondheid"], "decision_ref": None}
    with pytest.raises(FieldRequiredError):
        w.share("ggz", **draft)
    envelope = w.share("ggz", consent="Toestemming betrokkene 2026-03-02", **draft)
    assert receive(w, envelope, "zvh") == SHARE_TEXT
    # a supplier may set conditions under wgs
    envelope = w.share("politie", basis="wgs", categories=["politie"], conditions="Niet delen")
    assert receive(w, envelope, "ggz") == SHARE_TEXT


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


def test_conditions_where_the_basis_has_none_get_their_own_code() -> None:
    w = World()
    w.open_room()
    with pytest.raises(PolicyError) as info:
        w.share("gemeente", conditions="niet verder verstrekken")
    assert info.value.code == "policy.conditions"
