"""Information requests: the inquiry, the answering share, the decline, and settle."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world import World, default_draft

from protocol.codec import PROTOCOL_VERSION, decode, pack, unpack
from protocol.errors import (
    BindingError,
    DecodeLimitError,
    DecryptionError,
    InquiryAnsweredError,
    InquiryPartyError,
    LocalProtocolError,
    RecipientError,
    RoomNotOpenError,
    SchemaError,
    SenderNotMemberError,
    SignatureError,
)
from protocol.inquiry import (
    MAX_TOPIC,
    Asked,
    Decline,
    Inquiry,
    make_decline,
    open_inquiry,
    seal_inquiry,
    settle,
    verify_decline,
    verify_inquiry,
)
from protocol.share import Share, open_share, seal_share, verify_share
from protocol.signed import Signed, sign

TOPIC = "Is betrokkene bekend bij de reclassering, en met welk toezicht?"


@pytest.fixture
def w() -> World:
    world = World()
    world.open_room()
    return world


def ask(w: World, sender: str = "politie", to: str = "reclassering", **kw: object) -> bytes:
    assert w.state is not None
    args: dict[str, object] = {
        "topic": TOPIC, "categories": ("justitieel",), "author_function": "politie · wijkagent",
    }  # fmt: skip
    args.update(kw)
    return seal_inquiry(
        state=w.state, sender=sender, signer=w.signer(sender), to=to, now=w.tick(),
        rand=w.rand, **args,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_asked_member_alone_opens_the_topic(w: World) -> None:
    assert w.state is not None
    envelope = ask(w)
    inquiry = verify_inquiry(envelope, state=w.state, roster=w.roster)
    assert (inquiry.sender, inquiry.to, inquiry.epoch) == ("politie", "reclassering", w.state.epoch)
    topic = open_inquiry(inquiry, me="reclassering", room_key=w.room_keys["reclassering"],
                         state=w.state)  # fmt: skip
    assert (topic.topic, topic.categories) == (TOPIC, ("justitieel",))
    assert TOPIC.encode() not in envelope  # the federation does not read the topic
    with pytest.raises(DecryptionError):  # the chair is no party to it
        open_inquiry(inquiry, me="gemeente", room_key=w.room_keys["gemeente"], state=w.state)
    with pytest.raises(DecryptionError):  # another key than the asked member's
        open_inquiry(inquiry, me="reclassering", room_key=w.room_keys["om"], state=w.state)


def test_the_inquiry_round_trips_and_its_signature_binds_every_field(w: World) -> None:
    assert w.state is not None
    envelope = ask(w)
    wrapper = decode(envelope, Signed.SPEC)
    inquiry = decode(wrapper.body, Inquiry.SPEC)
    assert inquiry.encode() == wrapper.body
    for field, value in (("to", "om"), ("epoch", 0), ("created", 5), ("id", bytes(16))):
        forged = Signed(pack({**unpack(wrapper.body), field: value}), "politie", wrapper.sig)
        with pytest.raises(SignatureError):
            verify_inquiry(forged.encode(), state=w.state, roster=w.roster)


def test_a_topic_moved_under_another_header_is_refused(w: World) -> None:
    """The sender re-signs another header over the same sealed topic: the header
    hash inside the topic no longer matches."""
    assert w.state is not None
    inquiry = decode(decode(ask(w), Signed.SPEC).body, Inquiry.SPEC)
    moved = replace(inquiry, id=bytes(16))
    resigned = sign(w.signer("politie"), "politie", moved)
    checked = verify_inquiry(resigned, state=w.state, roster=w.roster)
    with pytest.raises(BindingError):
        open_inquiry(checked, me="reclassering", room_key=w.room_keys["reclassering"],
                     state=w.state)  # fmt: skip


def test_the_parties_must_be_members_of_an_open_room(w: World) -> None:
    with pytest.raises(RecipientError):
        ask(w, to="politie")  # not to itself
    with pytest.raises(RecipientError):
        ask(w, to="jeugdzorg")  # not a member
    with pytest.raises(SenderNotMemberError):
        ask(w, sender="jeugdzorg")
    # a forged inquiry to a non-member is refused by the receiver as well
    assert w.state is not None
    honest = decode(decode(ask(w), Signed.SPEC).body, Inquiry.SPEC)
    forged = sign(w.signer("politie"), "politie", replace(honest, to="jeugdzorg"))
    with pytest.raises(RecipientError) as refused:
        verify_inquiry(forged, state=w.state, roster=w.roster)
    assert refused.value.side == "recipient"
    before_close = ask(w)
    w.close_jointly("afgesloten")
    with pytest.raises(RoomNotOpenError):
        verify_inquiry(before_close, state=w.state, roster=w.roster)
    with pytest.raises(RoomNotOpenError):
        ask(w)


def test_limits_the_topic_and_the_envelope(w: World) -> None:
    ask(w, topic="\U0001f600" * MAX_TOPIC)  # the longest topic in 4-byte characters fits
    with pytest.raises(LocalProtocolError):
        ask(w, topic="x" * (MAX_TOPIC + 1))
    with pytest.raises(LocalProtocolError):
        ask(w, topic="")
    huge = Signed(b"\x80" * 40_000, "politie", bytes(64)).encode()
    assert w.state is not None
    with pytest.raises(DecodeLimitError):
        verify_inquiry(huge, state=w.state, roster=w.roster)
    body = unpack(decode(ask(w), Signed.SPEC).body)
    body["extra"] = 1
    with pytest.raises(SchemaError):
        verify_inquiry(Signed(pack(body), "politie", bytes(64)).encode(), state=w.state,
                       roster=w.roster)  # fmt: skip


def test_a_decline_carries_no_reason_and_is_signed_by_the_asked(w: World) -> None:
    assert w.state is not None
    envelope = make_decline(w.signer("reclassering"), "reclassering", room=w.state.room,
                            request=b"\x07" * 16, to="politie", now=w.tick())  # fmt: skip
    decline = verify_decline(envelope, roster=w.roster)
    body = unpack(decode(envelope, Signed.SPEC).body)
    assert set(body) == {"t", "v", "room", "request", "sender", "to", "time"}
    assert decline == Decline("decline", PROTOCOL_VERSION, w.state.room, b"\x07" * 16,
                              "reclassering", "politie", w.now)  # fmt: skip
    other = Signed(decode(envelope, Signed.SPEC).body, "om", decode(envelope, Signed.SPEC).sig)
    with pytest.raises(SignatureError):
        verify_decline(other.encode(), roster=w.roster)
    with pytest.raises(LocalProtocolError):
        make_decline(w.signer("politie"), "politie", room=w.state.room, request=bytes(16),
                     to="politie", now=w.now)  # fmt: skip


def test_a_request_is_settled_once_and_only_by_the_asked() -> None:
    record = Asked(b"\x01" * 16, b"\x02" * 32, "politie", "reclassering")
    room = record.room
    answered = settle(record, by="reclassering", to="politie", room=room, outcome="answered")
    assert answered.status == "answered"
    assert record.status == "open"
    with pytest.raises(InquiryAnsweredError):
        settle(answered, by="reclassering", to="politie", room=room, outcome="declined")
    with pytest.raises(InquiryPartyError):
        settle(record, by="om", to="politie", room=room, outcome="answered")
    with pytest.raises(InquiryPartyError):
        settle(record, by="reclassering", to="om", room=room, outcome="declined")
    with pytest.raises(InquiryPartyError):
        settle(record, by="reclassering", to="politie", room=bytes(32), outcome="declined")


def test_a_share_names_the_request_it_answers_and_old_shares_are_unchanged(w: World) -> None:
    assert w.state is not None
    draft = default_draft(w.state, "reclassering", recipients=["politie"])
    plain = seal_share(draft, state=w.state, registry=w.registry, sender="reclassering",
                       signer=w.signer("reclassering"), seq=1, now=w.tick(),
                       rand=w.rand)  # fmt: skip
    body = unpack(decode(plain, Signed.SPEC).body)
    assert "request" not in body  # a share without it is the bytes of before
    answer = seal_share(replace(draft, request=b"\x09" * 16), state=w.state, registry=w.registry,
                        sender="reclassering", signer=w.signer("reclassering"), seq=2,
                        now=w.tick(), rand=w.rand)  # fmt: skip
    share = verify_share(answer, state=w.state, roster=w.roster, registry=w.registry)
    assert share.request == b"\x09" * 16
    content = open_share(share, me="politie", room_key=w.room_keys["politie"], state=w.state,
                         registry=w.registry)  # fmt: skip
    # the request is in the header hash: moved to another request, the content refuses it
    moved = replace(share, request=b"\x0a" * 16)
    assert moved.header_hash() != share.header_hash() == content.header
    # an explicit nil is not a share without a request: refused, not read as none
    raw = unpack(decode(answer, Signed.SPEC).body)
    raw["request"] = None
    with pytest.raises(SchemaError):
        decode(pack(raw), Share.SPEC)
