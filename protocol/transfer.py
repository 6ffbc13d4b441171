"""Transfer to the casusoverleg of another gemeente (Wet PGA art. 7).
``docs/protocol.md`` section 17.

The gemeente of a case (the origin: the gemeente van verblijf of the room) transfers
it to another gemeente (the receiver) on one of three grounds (:data:`GROUNDS`). Three
messages, all signed and none of a room:

- ``transfer``: origin → receiver. Names the aanmelding the origin registered for the
  case with the receiver (section 15: the receiving gemeente takes it in as any
  aanmelding, and politie and OM judge it with it), the ground, the deadline for the
  suppliers and the **index**: per supplier the ids of the verstrekkingen it is asked
  about. ``ct`` is a sealed box to the receiver's node box key (section 3.2) of
  :class:`TransferContent`: the origin's note and the plan it carries over.
- ``transfer_request``: origin → one supplier. Only that supplier's own
  verstrekkingen, by id; nothing about another supplier's.
- ``transfer_answer``: supplier → receiver and (a second envelope) → origin, per
  verstrekking: ``supply`` (to the receiver only with ``ct``: the content re-sealed to
  the receiver's node box key, :class:`Supplied`) or ``object`` (zwaarwegende
  redenen: the reasoning stays with the supplier; the answer carries none).

After the deadline no answer counts as not supplied, and an answer dated after it is
refused (``transfer.expired``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .codec import (
    PROTOCOL_VERSION,
    Bin,
    Const,
    Int,
    Limits,
    List,
    Message,
    Opt,
    Str,
    Struct,
    Tup,
    Version,
    decode,
    pack,
)
from .errors import (
    BindingError,
    LocalProtocolError,
    SchemaError,
    SignatureError,
    TransferExpiredError,
    TransferPartyError,
    UnknownSignerError,
)
from .events import CASE_REF
from .keys import SEAL_OVERHEAD, BoxKeyPair, Rand, Signer, digest, seal, unseal
from .roster import Roster, open_member_signed
from .share import Content
from .signed import node_id, sign
from .verblijf import VERBLIJF_ORG

#: where the case goes (art. 7): the person now lives there, the effects of the
#: radicalisation are felt there, people with whom the person has social relations live there
GROUNDS = ("woonplaats", "effecten", "sociale_relaties")
DECISIONS = ("supply", "object")
DAY = 86400
MIN_DEADLINE_DAYS, MAX_DEADLINE_DAYS, DEFAULT_DEADLINE_DAYS = 1, 60, 14
#: an answer dated before the deadline is still taken in this long after it (delivery)
DELIVERY_GRACE = DAY
MAX_SHARES = 256  # verstrekkingen asked of one supplier
MAX_SUPPLIERS = 32
MAX_NOTE = 4000  # characters
MAX_PLAN = 1 << 17  # characters of the plan (canonical JSON text)
MAX_TRANSFER_CT = SEAL_OVERHEAD + (1 << 20)
MAX_SUPPLY_CT = SEAL_OVERHEAD + (1 << 19)
TRANSFER_LIMITS = Limits(
    max_size=2 << 20, max_str=1 << 19, max_bin=(1 << 20) + 4096, max_array=MAX_SHARES,
    max_map=16,
)  # fmt: skip
category = Str(32, 1, pattern=r"[a-z_]+")
share_id = Bin(16)
M = TypeVar("M")


@dataclass(frozen=True)
class Transfer(Message):
    t: str
    v: int
    id: bytes
    room: bytes
    case: str
    origin: str
    to: str
    ground: str
    aanmelding: bytes
    deadline: int
    time: int
    index: tuple[tuple[str, tuple[bytes, ...]], ...]
    ct: bytes


Transfer.SPEC = Struct(
    Transfer,
    (
        ("t", Const("transfer")),
        ("v", Version(PROTOCOL_VERSION)),
        ("id", Bin(16)),
        ("room", Bin(32)),
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("origin", node_id),
        ("to", node_id),
        ("ground", Str(32, choices=GROUNDS)),
        ("aanmelding", Bin(16)),
        ("deadline", Int()),
        ("time", Int()),
        (
            "index",
            List(Tup(node_id, List(share_id, MAX_SHARES, 1, strictly_sorted=True)), MAX_SUPPLIERS),
        ),  # fmt: skip
        ("ct", Bin(max_len=MAX_TRANSFER_CT, min_len=SEAL_OVERHEAD + 1)),
    ),
)


@dataclass(frozen=True)
class TransferContent(Message):
    """Inside a transfer's ``ct``: the note and the plan (canonical JSON text)."""

    header: bytes
    note: str
    plan: str


TransferContent.SPEC = Struct(
    TransferContent,
    (("header", Bin(32)), ("note", Str(MAX_NOTE, 1)), ("plan", Str(MAX_PLAN))),
)


@dataclass(frozen=True)
class TransferRequest(Message):
    t: str
    v: int
    transfer: bytes
    room: bytes
    case: str
    origin: str
    to: str
    receiver: str
    ground: str
    deadline: int
    time: int
    shares: tuple[bytes, ...]


TransferRequest.SPEC = Struct(
    TransferRequest,
    (
        ("t", Const("transfer_request")),
        ("v", Version(PROTOCOL_VERSION)),
        ("transfer", Bin(16)),
        ("room", Bin(32)),
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("origin", node_id),
        ("to", node_id),
        ("receiver", node_id),
        ("ground", Str(32, choices=GROUNDS)),
        ("deadline", Int()),
        ("time", Int()),
        ("shares", List(share_id, MAX_SHARES, 1, strictly_sorted=True)),
    ),
)


@dataclass(frozen=True)
class TransferAnswer(Message):
    t: str
    v: int
    transfer: bytes
    share: bytes
    supplier: str
    to: str
    receiver: str
    origin: str
    decision: str
    basis: str | None
    categories: tuple[str, ...]
    time: int
    ct: bytes | None


TransferAnswer.SPEC = Struct(
    TransferAnswer,
    (
        ("t", Const("transfer_answer")),
        ("v", Version(PROTOCOL_VERSION)),
        ("transfer", Bin(16)),
        ("share", share_id),
        ("supplier", node_id),
        ("to", node_id),
        ("receiver", node_id),
        ("origin", node_id),
        ("decision", Str(8, choices=DECISIONS)),
        ("basis", Opt(Str(32, 1, pattern=r"[a-z0-9-]+"))),
        ("categories", List(category, 16, 0, strictly_sorted=True)),
        ("time", Int()),
        ("ct", Opt(Bin(max_len=MAX_SUPPLY_CT, min_len=SEAL_OVERHEAD + 1))),
    ),
)


#: inside a ``supply`` answer's ``ct``: the verstrekking's content as its share had it
#: (section 7.3's content; ``header`` is the answer's header hash)
Supplied = Content
SUPPLIED_FIELDS = Supplied.SPEC.keys[1:]


def _header(label: bytes, spec: Struct[object], message: Message) -> bytes:
    wire = spec.wire(message)
    del wire["ct"]
    return digest(label + b"\x00" + pack(wire))


def transfer_header(t: Transfer) -> bytes:
    return _header(b"casusnet/v2/transfer-header", Transfer.SPEC, t)


def answer_header(a: TransferAnswer) -> bytes:
    return _header(b"casusnet/v2/transfer-answer-header", TransferAnswer.SPEC, a)


# --- who may take part -------------------------------------------------------------------


def _gemeente(roster: Roster, node: str, what: str, error: type[Exception]) -> None:
    member = roster.by_node.get(node)
    if member is None or member.org != VERBLIJF_ORG:
        raise error(f"the {what} {node} is not a gemeente of the roster")


def check_deadline(time: int, deadline: int, error: type[Exception]) -> None:
    if not time + MIN_DEADLINE_DAYS * DAY <= deadline <= time + MAX_DEADLINE_DAYS * DAY:
        raise error(f"the deadline lies {MIN_DEADLINE_DAYS} to {MAX_DEADLINE_DAYS} days ahead")


def deadline_after(now: int, days: int) -> int:
    """The suppliers' deadline ``days`` from ``now`` (bounded: ``LocalProtocolError``)."""
    if not MIN_DEADLINE_DAYS <= days <= MAX_DEADLINE_DAYS:
        raise LocalProtocolError(
            f"the deadline lies {MIN_DEADLINE_DAYS} to {MAX_DEADLINE_DAYS} days ahead"
        )
    return now + days * DAY


# --- making ------------------------------------------------------------------------------


def seal_transfer(
    signer: Signer,
    origin: str,
    *,
    room: bytes,
    case: str,
    to: str,
    ground: str,
    aanmelding: bytes,
    deadline: int,
    index: dict[str, list[bytes]],
    note: str,
    plan: str,
    roster: Roster,
    now: int,
    rand: Rand,
) -> bytes:
    """The signed transfer to ``to``; draws the id (16), then the sealed box's seed (32)."""
    _gemeente(roster, origin, "origin", LocalProtocolError)
    _gemeente(roster, to, "receiving gemeente", LocalProtocolError)
    if to == origin:
        raise LocalProtocolError("a gemeente does not transfer a case to itself")
    if to in index:
        raise LocalProtocolError("the receiving gemeente supplied in the room itself")
    check_deadline(now, deadline, LocalProtocolError)
    entries = tuple((s, tuple(sorted(set(ids)))) for s, ids in sorted(index.items()) if ids)
    draft = Transfer(
        "transfer", PROTOCOL_VERSION, rand(16), room, case, origin, to, ground, aanmelding,
        deadline, now, entries, b"\x00" * (SEAL_OVERHEAD + 1),
    )  # fmt: skip
    try:
        Transfer.SPEC.check(Transfer.SPEC.wire(draft))
        content = TransferContent(transfer_header(draft), note, plan)
        TransferContent.SPEC.check(TransferContent.SPEC.wire(content))
    except SchemaError as exc:
        raise LocalProtocolError(exc.detail) from None
    ct = seal(roster.member(to).box, content.encode(), rand(32))
    if len(ct) > MAX_TRANSFER_CT:
        raise LocalProtocolError("the note and the plan are too long")
    return sign(signer, origin, replace(draft, ct=ct))


def make_request(signer: Signer, t: Transfer, *, supplier: str, now: int) -> bytes:
    """The signed request to ``supplier`` for its own verstrekkingen of the index."""
    shares = dict(t.index).get(supplier)
    if not shares:
        raise LocalProtocolError(f"{supplier} supplied nothing in the index")
    body = TransferRequest(
        "transfer_request", PROTOCOL_VERSION, t.id, t.room, t.case, t.origin, supplier, t.to,
        t.ground, t.deadline, now, shares,
    )  # fmt: skip
    return sign(signer, t.origin, body)


def make_answer(
    signer: Signer,
    request: TransferRequest,
    *,
    share: bytes,
    to: str,
    decision: str,
    basis: str | None,
    categories: tuple[str, ...],
    content: dict[str, Any] | None,
    roster: Roster,
    now: int,
    rand: Rand,
) -> bytes:
    """A supplier's signed answer for one verstrekking of ``request``, to the receiver
    (with the content re-sealed, when it supplies) or to the origin (never content).
    Draws one seed (32) for a supply to the receiver."""
    if share not in request.shares:
        raise TransferPartyError("the request does not ask for this verstrekking")
    if to not in (request.receiver, request.origin):
        raise LocalProtocolError("an answer goes to the receiving and the origin gemeente")
    if now > request.deadline:
        raise TransferExpiredError("the deadline has passed: not supplied")
    supply = decision == "supply"
    if supply and (basis is None or content is None):
        raise LocalProtocolError("a supply names its basis and carries its content")
    body = TransferAnswer(
        "transfer_answer", PROTOCOL_VERSION, request.transfer, share, request.to, to,
        request.receiver, request.origin, decision, basis if supply else None,
        tuple(sorted(set(categories))) if supply else (), now, None,
    )  # fmt: skip
    if supply and to == request.receiver:
        assert content is not None
        try:
            fields: dict[str, Any] = {f: content.get(f) for f in SUPPLIED_FIELDS}
            inner = Supplied(answer_header(body), **fields)
            Supplied.SPEC.check(Supplied.SPEC.wire(inner))
        except (SchemaError, TypeError) as exc:
            raise LocalProtocolError(f"supplied content: {exc}"[:200]) from None
        body = replace(body, ct=seal(roster.member(to).box, inner.encode(), rand(32)))
    try:
        TransferAnswer.SPEC.check(TransferAnswer.SPEC.wire(body))
    except SchemaError as exc:
        raise LocalProtocolError(exc.detail) from None
    return sign(signer, request.to, body)


# --- checking ----------------------------------------------------------------------------


def verify_transfer(
    data: bytes, *, roster: Roster, me: str, limits: Limits = TRANSFER_LIMITS
) -> Transfer:
    """The receiver's checks (17.2), in order: the generic open (purpose ``transfer``,
    the signer's key at ``time``); ``origin`` is the signer, active at ``time``; ``to``
    is ``me``; both are gemeenten and not the same; the deadline lies 1 to 60 days
    after ``time``; every supplier of the index is in the roster, once, and is not the
    receiver."""
    t: Transfer
    t, wrapper = open_member_signed(data, Transfer.SPEC, roster, limits)
    if t.origin != wrapper.signer:
        raise SignatureError("transfer signed by another node than its origin")
    if not roster.member(t.origin).active(t.time):
        raise UnknownSignerError(f"{t.origin}: not in the roster at the transfer's time")
    if t.to != me:
        raise TransferPartyError("the transfer is addressed to another node")
    _gemeente(roster, t.origin, "origin", TransferPartyError)
    _gemeente(roster, t.to, "receiving gemeente", TransferPartyError)
    if t.to == t.origin:
        raise TransferPartyError("a gemeente does not transfer a case to itself")
    check_deadline(t.time, t.deadline, TransferPartyError)
    suppliers = [s for s, _ in t.index]
    if len(set(suppliers)) != len(suppliers) or t.to in suppliers:
        raise TransferPartyError("each supplier once, and not the receiver")
    for s in suppliers:
        roster.member(s)
    return t


def open_transfer(t: Transfer, *, box: BoxKeyPair) -> TransferContent:
    """Unseal the receiver's content and check its binding to the header."""
    content: TransferContent = decode(unseal(box, t.ct), TransferContent.SPEC, TRANSFER_LIMITS)
    if content.header != transfer_header(t):
        raise BindingError("transfer content belongs to another header")
    return content


def verify_request(
    data: bytes, *, roster: Roster, me: str, limits: Limits = TRANSFER_LIMITS
) -> TransferRequest:
    """The supplier's checks (17.3): the generic open (purpose ``transfer_request``);
    ``origin`` is the signer; ``to`` is ``me``; origin and receiver are different
    gemeenten and the receiver is not ``me``; the deadline lies 1 to 60 days ahead."""
    r: TransferRequest
    r, wrapper = open_member_signed(data, TransferRequest.SPEC, roster, limits)
    if r.origin != wrapper.signer:
        raise SignatureError("transfer request signed by another node than its origin")
    if r.to != me:
        raise TransferPartyError("the request is addressed to another node")
    _gemeente(roster, r.origin, "origin", TransferPartyError)
    _gemeente(roster, r.receiver, "receiving gemeente", TransferPartyError)
    if r.receiver in (r.origin, r.to):
        raise TransferPartyError("the receiving gemeente is neither the origin nor the supplier")
    check_deadline(r.time, r.deadline, TransferPartyError)
    return r


def verify_answer(
    data: bytes, *, roster: Roster, me: str, limits: Limits = TRANSFER_LIMITS
) -> TransferAnswer:
    """The receiver's and the origin's checks (17.4): the generic open (purpose
    ``transfer_answer``); ``supplier`` is the signer; ``to`` is ``me`` and is the
    receiver or the origin; a ``supply`` names a basis, an ``object`` names none and
    no categories; content only in a supply to the receiver. Whether the answer fits
    a transfer held here, in time and once, the node checks (17.4 steps 5-7)."""
    a: TransferAnswer
    a, wrapper = open_member_signed(data, TransferAnswer.SPEC, roster, limits)
    if a.supplier != wrapper.signer:
        raise SignatureError("transfer answer signed by another node than its supplier")
    if a.to != me or me not in (a.receiver, a.origin):
        raise TransferPartyError("the answer is addressed to another node")
    supply = a.decision == "supply"
    if supply != (a.basis is not None) or (not supply and a.categories):
        raise SchemaError("$.basis: a supply names its basis and categories, an objection none")
    if (a.ct is not None) != (supply and a.to == a.receiver):
        raise SchemaError("$.ct: content only in a supply to the receiving gemeente")
    return a


def open_supplied(a: TransferAnswer, *, box: BoxKeyPair) -> Supplied:
    """The receiver unseals a supplied verstrekking and checks its binding."""
    if a.ct is None:
        raise BindingError("this answer carries no content")
    content: Supplied = decode(unseal(box, a.ct), Supplied.SPEC, TRANSFER_LIMITS)
    if content.header != answer_header(a):
        raise BindingError("supplied content belongs to another answer")
    return content


def in_time(a: TransferAnswer, *, deadline: int, now: int) -> None:
    """An answer dated after the deadline, or arriving long after it, counts for nothing."""
    if a.time > deadline or now > deadline + DELIVERY_GRACE:
        raise TransferExpiredError("the deadline has passed: not supplied")


def peek(data: bytes, spec: Struct[M], limits: Limits = TRANSFER_LIMITS) -> M:
    """Decode a transfer message stored by this node (checked when it arrived)."""
    from .signed import Signed

    return decode(decode(data, Signed.SPEC, limits).body, spec, limits)
