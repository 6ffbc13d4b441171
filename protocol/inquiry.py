"""Information requests: a member asks another member for information on a topic.

- ``inquiry``: from the asking member (``sender``) to one other member (``to``) of
  an open room. The topic, the categories wished and the author's function travel
  encrypted: a sealed box to the asked member's room key for the epoch, with the
  header's hash inside (``docs/protocol.md`` section 15). Nobody but the two learns
  that the request was made; the chair only if it is one of them.
- the answer is an ordinary share whose header names the request (``Share.request``),
  addressed to the asker among its recipients;
- ``decline``: the asked member's refusal on zwaarwegende redenen, to the asker,
  carrying only the request id and the time. The reasoning stays with the partner
  that declined.

A request is answered once: :func:`settle` is the state machine both sides run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .chain import OPEN, RoomState
from .codec import (
    DEFAULT_LIMITS,
    PROTOCOL_VERSION,
    Bin,
    Const,
    Int,
    Limits,
    List,
    Message,
    Str,
    Struct,
    Version,
    decode,
    pack,
)
from .errors import (
    BindingError,
    DecryptionError,
    InquiryAnsweredError,
    InquiryPartyError,
    LocalProtocolError,
    RecipientError,
    RoomNotOpenError,
    SenderNotMemberError,
    SignatureError,
    UnknownSignerError,
)
from .keys import SEAL_OVERHEAD, BoxKeyPair, Rand, Signer, digest, seal, unseal
from .roster import Roster, open_member_signed
from .signed import Signed, node_id, sign

MAX_TOPIC = 2000  # characters
MAX_INQUIRY_CT = SEAL_OVERHEAD + 16_384  # bytes: the longest content in 4-byte UTF-8 fits
INQUIRY_LIMITS = Limits(max_size=32_768, max_str=16_384, max_bin=24_576, max_array=16, max_map=16)
category = Str(32, 1, pattern=r"[a-z_]+")

#: the states of a request; ``open`` until answered or declined, once
OUTCOMES = ("answered", "declined")


@dataclass(frozen=True)
class Inquiry(Message):
    t: str
    v: int
    room: bytes
    epoch: int
    id: bytes
    sender: str
    to: str
    created: int
    ct: bytes

    def header_hash(self) -> bytes:
        return header_hash(self)


Inquiry.SPEC = Struct(
    Inquiry,
    (
        ("t", Const("inquiry")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", Bin(32)),
        ("epoch", Int()),
        ("id", Bin(16)),
        ("sender", node_id),
        ("to", node_id),
        ("created", Int()),
        ("ct", Bin(max_len=MAX_INQUIRY_CT, min_len=SEAL_OVERHEAD + 1)),
    ),
)


def header_hash(inquiry: Inquiry) -> bytes:
    """SHA-256 over the label and the canonical header (every field but ``ct``)."""
    wire = Inquiry.SPEC.wire(inquiry)
    del wire["ct"]
    return digest(b"casusnet/v2/inquiry-header\x00" + pack(wire))


@dataclass(frozen=True)
class Topic(Message):
    """The plaintext inside an inquiry's ``ct``."""

    header: bytes
    topic: str
    categories: tuple[str, ...]
    author_function: str


Topic.SPEC = Struct(
    Topic,
    (
        ("header", Bin(32)),
        ("topic", Str(MAX_TOPIC, 1)),
        ("categories", List(category, 16, 0, strictly_sorted=True)),
        ("author_function", Str(100, 1)),
    ),
)


@dataclass(frozen=True)
class Decline(Message):
    t: str
    v: int
    room: bytes
    request: bytes
    sender: str
    to: str
    time: int


Decline.SPEC = Struct(
    Decline,
    (
        ("t", Const("decline")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", Bin(32)),
        ("request", Bin(16)),
        ("sender", node_id),
        ("to", node_id),
        ("time", Int()),
    ),
)


def _check_parties(state: RoomState, sender: str, to: str, epoch: int, side: str) -> None:
    """Both are members of the epoch (the sender still a member), the room is open."""
    if state.phase != OPEN:
        raise RoomNotOpenError(state.phase, side)
    if state.member_of(sender, epoch) is None or epoch > state.epoch:
        raise SenderNotMemberError(f"{sender} in epoch {epoch}", side)
    if sender not in state.members or sender in state.leaving:
        raise SenderNotMemberError(f"{sender} is no longer a member", side)
    if to == sender or state.member_of(to, epoch) is None:
        raise RecipientError(f"{to} in epoch {epoch}", side)


def seal_inquiry(
    *,
    state: RoomState,
    sender: str,
    signer: Signer,
    to: str,
    topic: str,
    categories: Sequence[str] = (),
    author_function: str,
    now: int,
    rand: Rand,
) -> bytes:
    """The signed inquiry's bytes, sealed to ``to``'s room key in the current epoch.

    Draws the request id (16), then the sealed box's ephemeral seed (32).
    """
    _check_parties(state, sender, to, state.epoch, "sender")
    if to in state.leaving:
        raise RecipientError(f"{to} is leaving the room", "sender")
    cats = tuple(sorted(set(categories)))
    inquiry = Inquiry(
        "inquiry", PROTOCOL_VERSION, state.room, state.epoch, rand(16), sender, to, now, b""
    )
    content = Topic(header_hash(inquiry), topic, cats, author_function).encode()
    ct = seal(state.members[to].key, content, rand(32))
    if len(ct) > MAX_INQUIRY_CT:
        raise LocalProtocolError("topic too long")
    return sign(signer, sender, replace(inquiry, ct=ct))


def verify_inquiry(
    data: bytes, *, state: RoomState, roster: Roster, limits: Limits = INQUIRY_LIMITS
) -> Inquiry:
    """The asked node's checks before storing: decode, signature, parties, room open."""
    wrapper = decode(data, Signed.SPEC, limits)
    sender = roster.member(wrapper.signer)
    inquiry: Inquiry = decode(wrapper.body, Inquiry.SPEC, limits)
    sender.verify("inquiry", wrapper.body, wrapper.sig, inquiry.created)
    if inquiry.sender != wrapper.signer:
        raise SignatureError("inquiry signed by another node than its sender")
    if not sender.active(inquiry.created):
        raise UnknownSignerError(f"{inquiry.sender}: not in the roster when it was made")
    if inquiry.room != state.room:
        raise BindingError("inquiry is for another room")
    _check_parties(state, inquiry.sender, inquiry.to, inquiry.epoch, "recipient")
    return inquiry


def open_inquiry(inquiry: Inquiry, *, me: str, room_key: BoxKeyPair, state: RoomState) -> Topic:
    """Decrypt a verified inquiry with the asked node's room key for its epoch."""
    if inquiry.to != me:
        raise DecryptionError("not addressed to this node")
    member = state.member_of(me, inquiry.epoch)
    if member is None or member.key != room_key.public:
        raise DecryptionError("no room key for this epoch")
    topic: Topic = decode(unseal(room_key, inquiry.ct), Topic.SPEC, INQUIRY_LIMITS)
    if topic.header != inquiry.header_hash():
        raise BindingError("topic belongs to another inquiry")
    return topic


def make_decline(
    signer: Signer, sender: str, *, room: bytes, request: bytes, to: str, now: int
) -> bytes:
    """The asked node's signed refusal: the request id and the time, no reasons."""
    if to == sender:
        raise LocalProtocolError("a node does not decline its own request")
    decline = Decline("decline", PROTOCOL_VERSION, room, request, sender, to, now)
    return sign(signer, sender, decline)


def verify_decline(data: bytes, *, roster: Roster, limits: Limits = DEFAULT_LIMITS) -> Decline:
    """The asker's checks of the signature; :func:`settle` then checks it fits the request."""
    decline: Decline
    decline, wrapper = open_member_signed(data, Decline.SPEC, roster, limits)
    if decline.sender != wrapper.signer:
        raise SignatureError("decline signed by another node than its sender")
    return decline


@dataclass(frozen=True)
class Asked:
    """One request as either side holds it: who asked whom, and how it stands."""

    id: bytes
    room: bytes
    asker: str
    asked: str
    status: str = "open"


def settle(record: Asked, *, by: str, to: str, room: bytes, outcome: str) -> Asked:
    """The request after its answer (``answered``) or refusal (``declined``).

    Only the asked node answers, to the asker, in the request's room; and only once.
    """
    if outcome not in OUTCOMES:
        raise LocalProtocolError(f"outcome {outcome!r}")
    if by != record.asked or to != record.asker or room != record.room:
        raise InquiryPartyError(f"{by} to {to}")
    if record.status != "open":
        raise InquiryAnsweredError(record.status)
    return replace(record, status=outcome)
