"""Shares: a case summary sealed for the members of one epoch (or a subset).

Construction (``docs/protocol.md`` section 7):

1. ``header_hash = SHA-256("casusnet/v2/share-header\\x00" || canonical(header))`` where
   the header is the share map without ``ct`` and ``wraps``;
2. ``content = canonical({"header": header_hash, "summary", ...})``;
3. ``ct = nonce || crypto_secretbox(content, nonce, content_key)`` with a fresh key;
4. ``wraps[i] = seal(room_key(recipients[i]), content_key)``;
5. the whole share map is signed by the sender (purpose ``share``).

A recipient verifies the signature and the policy on the header, unseals its wrap
with its room key for that epoch, decrypts, and checks the content's header hash
against the header it received: a header moved to other content, or content moved
under another header, is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .chain import RoomState
from .codec import (
    DEFAULT_LIMITS,
    PROTOCOL_VERSION,
    Bin,
    Const,
    Int,
    Limits,
    List,
    Message,
    Omit,
    Opt,
    Str,
    Struct,
    Version,
    decode,
    pack,
)
from .errors import (
    BindingError,
    DecryptionError,
    LocalProtocolError,
    SchemaError,
    SenderNotMemberError,
    SignatureError,
    UnknownSignerError,
)
from .events import MAX_ROOM_MEMBERS, ItemData, PlanItem, capacity_spec
from .keys import BoxKeyPair, Rand, Signer, digest, seal, secretbox, secretbox_open, unseal
from .policy import check_content, check_header
from .registry import Registry, registry_for
from .roster import Roster
from .signed import Signed, node_id

WRAP_SIZE = 32 + 48
MAX_SUMMARY = 1 << 16  # characters
MAX_CT = 1 << 19  # bytes: the longest summary in 4-byte UTF-8 plus the other fields
category = Str(32, 1, pattern=r"[a-z_]+")


@dataclass(frozen=True)
class Share(Message):
    t: str
    v: int
    room: bytes
    epoch: int
    id: bytes
    sender: str
    seq: int
    recipients: tuple[str, ...]
    basis: str
    capacity: str | None
    categories: tuple[str, ...]
    created: int
    ct: bytes
    wraps: tuple[bytes, ...]
    request: bytes | None = None
    """The information request this share answers (``protocol.inquiry``); left out
    of the map when none, so a share without it is the same bytes as before."""

    def header_hash(self) -> bytes:
        return header_hash(self)


Share.SPEC = Struct(
    Share,
    (
        ("t", Const("share")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", Bin(32)),
        ("epoch", Int()),
        ("id", Bin(16)),
        ("sender", node_id),
        ("seq", Int(1)),
        ("recipients", List(node_id, MAX_ROOM_MEMBERS, 1, strictly_sorted=True)),
        ("basis", Str(32, 1, pattern=r"[a-z0-9-]+")),
        ("capacity", capacity_spec),
        ("categories", List(category, 16, 1, strictly_sorted=True)),
        ("created", Int()),
        ("ct", Bin(max_len=MAX_CT, min_len=40)),
        ("wraps", List(Bin(WRAP_SIZE), MAX_ROOM_MEMBERS, 1)),
        ("request", Omit(Bin(16))),
    ),
)
_HEADER_KEYS = Share.SPEC.keys[:-3]


def header_hash(share: Share) -> bytes:
    wire = {
        "t": share.t, "v": share.v, "room": share.room, "epoch": share.epoch, "id": share.id,
        "sender": share.sender, "seq": share.seq, "recipients": list(share.recipients),
        "basis": share.basis, "capacity": share.capacity, "categories": list(share.categories),
        "created": share.created,
    }  # fmt: skip
    assert tuple(wire) == _HEADER_KEYS
    if share.request is not None:  # an answer: bound like every header field
        wire["request"] = share.request
    return digest(b"casusnet/v2/share-header\x00" + pack(wire))


@dataclass(frozen=True)
class Content(Message):
    header: bytes
    summary: str
    justification: str | None
    agreement_ref: str | None
    secrecy_ground: str | None
    secrecy_ref: str | None
    conditions: str | None
    author_function: str


Content.SPEC = Struct(
    Content,
    (
        ("header", Bin(32)),
        ("summary", Str(MAX_SUMMARY, 1)),
        ("justification", Opt(Str(8000, 1))),
        ("agreement_ref", Opt(Str(200, 1))),
        ("secrecy_ground", Opt(Str(32, 1, pattern=r"[a-z_]+"))),
        ("secrecy_ref", Opt(Str(500, 1))),
        ("conditions", Opt(Str(2000, 1))),
        ("author_function", Str(100, 1)),
    ),
)


@dataclass(frozen=True)
class Draft:
    """What a sender fills in; ``seal_share`` turns it into a signed share."""

    basis: str
    categories: Sequence[str]
    recipients: Sequence[str]
    summary: str
    author_function: str
    justification: str | None = None
    agreement_ref: str | None = None
    secrecy_ground: str | None = None
    secrecy_ref: str | None = None
    conditions: str | None = None
    capacity: str | None = None
    request: bytes | None = None
    """The id of the information request this share answers, if it answers one."""


@dataclass(frozen=True)
class Opened:
    share: Share
    content: Content


def seal_share(
    draft: Draft,
    *,
    state: RoomState,
    registry: Registry,
    sender: str,
    signer: Signer,
    seq: int,
    now: int,
    rand: Rand,
) -> bytes:
    """Check the draft against the policy and return the signed share's bytes."""
    recipients, categories = _check_policy(draft, state=state, registry=registry, sender=sender)
    members = state.members
    keys = [members[r].key for r in recipients]
    content_key = rand(32)
    share = Share(
        "share", PROTOCOL_VERSION, state.room, state.epoch, rand(16), sender, seq, recipients,
        draft.basis, draft.capacity, categories, now, b"", (), draft.request,
    )  # fmt: skip
    content = _content(share.header_hash(), draft)
    ct = secretbox(content_key, rand(24), content.encode())
    wraps = tuple(seal(key, content_key, rand(32)) for key in keys)
    body = Share.SPEC.wire(share)
    body["ct"], body["wraps"] = ct, list(wraps)
    try:
        Share.SPEC.check(body)
    except SchemaError as exc:
        raise LocalProtocolError(f"the share would be refused: {exc.detail}") from None
    raw = pack(body)
    if len(raw) > DEFAULT_LIMITS.max_size - 256:
        raise LocalProtocolError("share too large")
    return Signed(raw, sender, signer.sign("share", raw)).encode()


def _check_policy(
    draft: Draft, *, state: RoomState, registry: Registry, sender: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sender's policy checks of a draft; returns its recipients and categories, sorted."""
    registry = registry_for(state.registry, registry)
    recipients = tuple(sorted(set(draft.recipients)))
    if len(recipients) != len(draft.recipients):
        raise LocalProtocolError("a recipient is listed twice")
    categories = tuple(sorted(set(draft.categories)))
    basis, member = check_header(
        state, registry, sender=sender, epoch=state.epoch, basis_id=draft.basis,
        capacity=draft.capacity, categories=categories, recipients=recipients, side="sender",
    )  # fmt: skip
    check_content(
        basis, registry, member.org, justification=draft.justification,
        agreement_ref=draft.agreement_ref, secrecy_ground=draft.secrecy_ground,
        secrecy_ref=draft.secrecy_ref, side="sender",
    )  # fmt: skip
    return recipients, categories


def _content(header: bytes, draft: Draft) -> Content:
    return Content(
        header, draft.summary, draft.justification, draft.agreement_ref, draft.secrecy_ground,
        draft.secrecy_ref, draft.conditions, draft.author_function,
    )  # fmt: skip


def check_draft(
    draft: Draft, *, state: RoomState, registry: Registry, sender: str
) -> tuple[str, ...]:
    """Every check :func:`seal_share` makes, without sealing; returns the recipients.

    The policy checks, then the schema of the content and of the header, with
    placeholders for what sealing adds (ids, ciphertext, wraps): the same errors as
    sealing, and nothing random, encrypted or signed.
    """
    recipients, categories = _check_policy(draft, state=state, registry=registry, sender=sender)
    content = _content(bytes(32), draft).encode()
    body = Share.SPEC.wire(
        Share(
            "share", PROTOCOL_VERSION, state.room, state.epoch, bytes(16), sender, 1, recipients,
            draft.basis, draft.capacity, categories, 0, bytes(24 + 16 + len(content)),
            tuple(bytes(WRAP_SIZE) for _ in recipients), draft.request,
        )
    )  # fmt: skip
    try:
        Share.SPEC.check(body)
    except SchemaError as exc:
        raise LocalProtocolError(f"the share would be refused: {exc.detail}") from None
    if len(pack(body)) > DEFAULT_LIMITS.max_size - 256:
        raise LocalProtocolError("share too large")
    return recipients


def verify_share(
    data: bytes,
    *,
    state: RoomState,
    roster: Roster,
    registry: Registry,
    limits: Limits = DEFAULT_LIMITS,
) -> Share:
    """A recipient's checks before storing: decode, signature, header policy."""
    wrapper = decode(data, Signed.SPEC, limits)
    sender = roster.member(wrapper.signer)
    share: Share = decode(wrapper.body, Share.SPEC, limits)
    sender.verify("share", wrapper.body, wrapper.sig, share.created)
    if share.sender != wrapper.signer:
        raise SignatureError("share signed by another node than its sender")
    if not sender.active(share.created):
        raise UnknownSignerError(f"{share.sender}: not in the roster when the share was made")
    if share.room != state.room:
        raise BindingError("share is for another room")
    if len(share.wraps) != len(share.recipients):
        raise BindingError("one wrap per recipient")
    registry = registry_for(state.registry, registry)
    check_header(
        state, registry, sender=share.sender, epoch=share.epoch, basis_id=share.basis,
        capacity=share.capacity, categories=share.categories, recipients=share.recipients,
        side="recipient",
    )  # fmt: skip
    return share


def open_share(
    share: Share,
    *,
    me: str,
    room_key: BoxKeyPair,
    state: RoomState,
    registry: Registry,
    limits: Limits = DEFAULT_LIMITS,
) -> Content:
    """Decrypt a verified share with this node's room key for the share's epoch."""
    try:
        index = share.recipients.index(me)
    except ValueError:
        raise DecryptionError("not addressed to this node") from None
    member = state.member_of(me, share.epoch)
    if member is None or member.key != room_key.public:
        raise DecryptionError("no room key for this epoch")
    content_key = unseal(room_key, share.wraps[index])
    content: Content = decode(secretbox_open(content_key, share.ct), Content.SPEC, limits)
    if content.header != share.header_hash():
        raise BindingError("content belongs to another header")
    sender = state.member_of(share.sender, share.epoch)
    if sender is None:
        raise SenderNotMemberError(f"{share.sender} in epoch {share.epoch}", "recipient")
    registry = registry_for(state.registry, registry)
    check_content(
        registry.bases[share.basis], registry, sender.org, justification=content.justification,
        agreement_ref=content.agreement_ref, secrecy_ground=content.secrecy_ground,
        secrecy_ref=content.secrecy_ref, side="recipient",
    )  # fmt: skip
    return content


def receive_share(
    data: bytes,
    *,
    me: str,
    room_key: BoxKeyPair,
    state: RoomState,
    roster: Roster,
    registry: Registry,
) -> Opened:
    """``verify_share`` then ``open_share``."""
    share = verify_share(data, state=state, roster=roster, registry=registry)
    return Opened(
        share, open_share(share, me=me, room_key=room_key, state=state, registry=registry)
    )


# --- plan items (agenda, decision) -----------------------------------------------------


def item_header(room: bytes, epoch: int, item: bytes, kind: str) -> bytes:
    return digest(b"casusnet/v2/item-header\x00" + pack([room, epoch, item, kind]))


def seal_item(
    state: RoomState,
    kind: str,
    *,
    title: str,
    measure: str | None,
    owner: str | None,
    due: int | None,
    rand: Rand,
    recipients: Sequence[str] | None = None,
) -> ItemData:
    """Plan-van-aanpak content (``agenda``/``decision``) sealed for the epoch's members."""
    nodes = sorted(set(recipients if recipients is not None else state.members))
    outside = [n for n in nodes if n not in state.members]
    if outside or not nodes:
        raise LocalProtocolError(f"plan items go to members of the room only ({outside[:1]})")
    if kind == "decision" and (measure is None or owner is None or due is None):
        raise LocalProtocolError("a decision needs a measure kind, an owner and a date")
    if owner is not None and owner not in state.members:
        raise LocalProtocolError("the owner must be a member of the room")
    item = rand(16)
    content = PlanItem(item_header(state.room, state.epoch, item, kind), title, measure, owner, due)
    key = rand(32)
    ct = secretbox(key, rand(24), content.encode())
    wraps = tuple((n, seal(state.members[n].key, key, rand(32))) for n in nodes)
    return ItemData(item, state.epoch, ct, wraps)


def open_item(
    kind: str, data: ItemData, *, me: str, room_key: BoxKeyPair, state: RoomState
) -> PlanItem:
    wraps: dict[str, Any] = dict(data.wraps)
    if me not in wraps:
        raise DecryptionError("not addressed to this node")
    key = unseal(room_key, wraps[me])
    content: PlanItem = decode(secretbox_open(key, data.ct), PlanItem.SPEC)
    if content.header != item_header(state.room, data.epoch, data.item, kind):
        raise BindingError("item content belongs to another item")
    if kind == "decision" and None in (content.measure, content.owner, content.due):
        raise SchemaError("a decision needs a measure kind, an owner and a date")
    return content
