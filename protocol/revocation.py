"""Revocation and receipts.

- ``revoke``: the sharing node withdraws some of its shares in a room (or all of
  them, ``all = true``). Recipients delete ciphertext and wraps and answer with a
  signed ``deleted`` receipt listing the share ids they deleted.
- ``receipt``: ``delivered`` (an envelope is durably stored), ``deleted`` (shares
  deleted after a revoke, or everything received and the room keys after the
  issuer's removal), ``closed`` (after ``close``: the node deleted the room's
  shares it received and destroyed its room private keys). ``ref`` is the SHA-256
  of the acknowledged envelope's bytes (share, revoke, the ``close`` event, or the
  ``remove``/``leave`` event that took the issuer out of the room). ``items`` names
  only shares the addressee itself sent (``docs/protocol.md`` 9.2).
- the close notice: a node removed from a room (or that left it) follows its chain
  no more, so the chair sends it the ``close`` event alone;
  :func:`verify_close_notice` accepts it without the events in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .chain import CLOSED, RoomState, legacy_outcome, signed_event
from .codec import (
    DEFAULT_LIMITS,
    PROTOCOL_VERSION,
    Bin,
    Bool,
    Const,
    Int,
    Limits,
    List,
    Message,
    Str,
    Struct,
    Version,
)
from .errors import (
    BindingError,
    ChainError,
    ChainLinkError,
    ChainReplayError,
    ChainStateError,
    LocalProtocolError,
    MembershipError,
    NotChairError,
    SchemaError,
    SignatureError,
)
from .keys import Rand, Signer, digest
from .roster import Roster, open_member_signed
from .signed import node_id, sign

MAX_ITEMS = 1000
REASONS = ("ingetrokken", "gesloten")
RECEIPT_KINDS = ("delivered", "deleted", "closed")


@dataclass(frozen=True)
class Revoke(Message):
    t: str
    v: int
    room: bytes
    id: bytes
    sender: str
    seq: int
    all: bool
    shares: tuple[bytes, ...]
    reason: str
    time: int


Revoke.SPEC = Struct(
    Revoke,
    (
        ("t", Const("revoke")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", Bin(32)),
        ("id", Bin(16)),
        ("sender", node_id),
        ("seq", Int(1)),
        ("all", Bool()),
        ("shares", List(Bin(16), MAX_ITEMS, 0, strictly_sorted=True)),
        ("reason", Str(16, choices=REASONS)),
        ("time", Int()),
    ),
)


@dataclass(frozen=True)
class Receipt(Message):
    t: str
    v: int
    kind: str
    room: bytes
    ref: bytes
    issuer: str
    to: str
    items: tuple[bytes, ...]
    time: int


Receipt.SPEC = Struct(
    Receipt,
    (
        ("t", Const("receipt")),
        ("v", Version(PROTOCOL_VERSION)),
        ("kind", Str(16, choices=RECEIPT_KINDS)),
        ("room", Bin(32)),
        ("ref", Bin(32)),
        ("issuer", node_id),
        ("to", node_id),
        ("items", List(Bin(16), MAX_ITEMS, 0, strictly_sorted=True)),
        ("time", Int()),
    ),
)


def make_revoke(
    signer: Signer,
    sender: str,
    *,
    room: bytes,
    seq: int,
    shares: Sequence[bytes] = (),
    revoke_all: bool = False,
    reason: str = "ingetrokken",
    now: int,
    rand: Rand,
) -> bytes:
    """A signed revocation of ``shares`` (or of every own share in the room)."""
    if revoke_all == bool(shares):
        raise LocalProtocolError("name the shares to revoke, or revoke all, not both")
    body = Revoke(
        "revoke",
        PROTOCOL_VERSION,
        room,
        rand(16),
        sender,
        seq,
        revoke_all,
        tuple(sorted(set(shares))),
        reason,
        now,
    )
    return sign(signer, sender, body)


def verify_revoke(
    data: bytes, *, state: RoomState, roster: Roster, limits: Limits = DEFAULT_LIMITS
) -> Revoke:
    """A recipient's checks on a revocation; valid in every phase, also after closure.

    The node then deletes only those shares whose stored sender is ``revoke.sender``.
    """
    revoke: Revoke
    revoke, wrapper = open_member_signed(data, Revoke.SPEC, roster, limits)
    if revoke.sender != wrapper.signer:
        raise SignatureError("revoke signed by another node than its sender")
    if revoke.room != state.room:
        raise BindingError("revoke is for another room")
    if revoke.all == bool(revoke.shares):
        raise SchemaError("a revoke names shares or says all, not both")
    if not any(revoke.sender in members for members in state.epochs.values()):
        raise ChainStateError("the sender was never a member of this room")
    return revoke


def make_receipt(
    signer: Signer,
    issuer: str,
    *,
    kind: str,
    room: bytes,
    envelope: bytes,
    to: str,
    items: Sequence[bytes] = (),
    now: int,
) -> bytes:
    """A signed receipt for ``envelope`` (the exact bytes received)."""
    body = Receipt(
        "receipt",
        PROTOCOL_VERSION,
        kind,
        room,
        digest(envelope),
        issuer,
        to,
        tuple(sorted(set(items))),
        now,
    )
    return sign(signer, issuer, body)


def verify_receipt(
    data: bytes,
    *,
    roster: Roster,
    me: str,
    envelope: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Receipt:
    """Check a receipt addressed to ``me`` (and, if given, for ``envelope``)."""
    receipt: Receipt
    receipt, wrapper = open_member_signed(data, Receipt.SPEC, roster, limits)
    if receipt.issuer != wrapper.signer:
        raise SignatureError("receipt signed by another node than its issuer")
    if receipt.to != me:
        raise SignatureError("receipt is addressed to another node")
    if envelope is not None and receipt.ref != digest(envelope):
        raise SignatureError("receipt is for another envelope")
    return receipt


def former_member(state: RoomState, node: str) -> bool:
    """Whether ``node`` was a member of some epoch of the room and is now neither a
    member, nor leaving, nor invited: it was removed or left, and follows the room's
    chain no more."""
    if node in state.members or node in state.leaving or node in state.invited:
        return False
    return any(node in members for members in state.epochs.values())


def verify_close_notice(
    state: RoomState,
    data: bytes,
    *,
    node: str,
    roster: Roster,
    now: int | None,
    limits: Limits = DEFAULT_LIMITS,
) -> RoomState:
    """A former member's checks on a ``close`` event that the chair sent it alone
    (``docs/protocol.md`` 6.7.10); returns ``state`` closed at that event.

    The events between ``state`` and the close are not known to ``node`` (it may not
    fetch them), so the hash link cannot be checked; the chair's signature on a
    ``close`` of this room, later than anything ``node`` saw, is what counts.
    """
    wrapper, event = signed_event(data, roster=roster, now=now, limits=limits)
    if event.room != state.room:
        raise ChainLinkError("event belongs to another room")
    if event.seq <= state.seq:
        raise ChainReplayError(f"seq {event.seq} <= {state.seq}")
    if wrapper.signer != state.chair:
        raise NotChairError(wrapper.signer)
    if event.time < state.time:
        raise ChainError("event time before the last event seen")
    if state.phase == CLOSED:
        raise ChainStateError("the room is closed")
    if event.kind != "close":
        raise ChainStateError("a former member accepts only the close")
    if not former_member(state, node):
        raise MembershipError(f"{node} is not a former member: it follows the chain")
    return replace(
        state,
        seq=event.seq,
        head=digest(data),
        time=event.time,
        phase=CLOSED,
        outcome=legacy_outcome(event, now is None).data.outcome,
        closed_at=event.time,
    )
