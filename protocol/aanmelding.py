"""The aanmelding and the notice: a case registered before any room exists (Wet PGA
art. 5), and the word to its aanmelder when the case is not put to the casusoverleg
(art. 5 lid 6). ``docs/protocol.md`` section 15.

An **aanmelding** is signed by the aanmelder (a deelnemer of the basis) and sealed
for the three who judge it: the gemeente van verblijf and the politie and OM nodes
that the roster says serve that gemeente (``RosterMember.serves``). Construction as a
share (section 7) but to the nodes' long-term box keys (section 3.2), since no room
keys exist yet:

1. ``header_hash = SHA-256("casusnet/v2/aanmelding-header\\x00" || canonical(header))``
   where the header is the aanmelding map without ``ct`` and ``wraps``;
2. ``content = canonical({"header": header_hash, "summary", "reason", "author_function"})``;
3. ``ct = nonce || crypto_secretbox(content, nonce, content_key)``;
4. ``wraps[i] = seal(box key of recipients[i], content_key)``.

The node it is sent to (``to``) brings in the other two by forwarding the same
envelope; every one of the three opens it with its own wrap.

A **notice** says that the case of an aanmelding was not put to the casusoverleg:
signed by the node that closed the room (``niet_voorgelegd``), to the aanmelder. It
carries the case reference, the outcome and the time, nothing of the reasoning.
"""

from __future__ import annotations

from dataclasses import dataclass

from .codec import (
    DEFAULT_LIMITS,
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
    Version,
    decode,
    pack,
)
from .errors import (
    AanmelderError,
    AanmeldingRecipientsError,
    BindingError,
    CasusnetError,
    ChainError,
    LocalProtocolError,
    NoticeError,
    SchemaError,
    SignatureError,
    UnknownSignerError,
)
from .events import CASE_REF, MAX_STATEMENT
from .keys import BoxKeyPair, Rand, Signer, digest, seal, secretbox, secretbox_open, unseal
from .registry import Grondslag, Registry
from .roster import Roster, open_member_signed
from .signed import node_id, sign
from .verblijf import VERBLIJF_ORG, verify_mandate

WRAP_SIZE = 32 + 48
MAX_SUMMARY = 1 << 14  # characters: an aanmelding names the signals, the file follows later
MAX_REASON = 4000
MAX_CT = 1 << 17  # bytes: the longest summary and reason in 4-byte UTF-8, and the rest
MAX_RECIPIENTS = 3  # gemeente van verblijf, politie, OM
#: the one outcome a notice reports (Wet PGA art. 5 lid 6)
NOT_PUT = "niet_voorgelegd"


@dataclass(frozen=True)
class Aanmelding(Message):
    t: str
    v: int
    id: bytes
    case: str
    aanmelder: str
    verblijf: str
    to: str
    recipients: tuple[str, ...]
    mandate: bytes | None  # a ZVH registering on the burgemeester's behalf: its mandate
    time: int
    ct: bytes
    wraps: tuple[bytes, ...]


Aanmelding.SPEC = Struct(
    Aanmelding,
    (
        ("t", Const("aanmelding")),
        ("v", Version(PROTOCOL_VERSION)),
        ("id", Bin(16)),
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("aanmelder", node_id),
        ("verblijf", node_id),
        ("to", node_id),
        ("recipients", List(node_id, MAX_RECIPIENTS, 1, strictly_sorted=True)),
        ("mandate", Opt(Bin(max_len=MAX_STATEMENT, min_len=1))),
        ("time", Int()),
        ("ct", Bin(max_len=MAX_CT, min_len=40)),
        ("wraps", List(Bin(WRAP_SIZE), MAX_RECIPIENTS, 1)),
    ),
)
_HEADER_KEYS = Aanmelding.SPEC.keys[:-2]


@dataclass(frozen=True)
class AanmeldingContent(Message):
    header: bytes
    summary: str
    reason: str
    author_function: str


AanmeldingContent.SPEC = Struct(
    AanmeldingContent,
    (
        ("header", Bin(32)),
        ("summary", Str(MAX_SUMMARY, 1)),
        ("reason", Str(MAX_REASON, 1)),
        ("author_function", Str(100, 1)),
    ),
)


@dataclass(frozen=True)
class Notice(Message):
    t: str
    v: int
    aanmelding: bytes
    case: str
    outcome: str
    issuer: str
    to: str
    time: int


Notice.SPEC = Struct(
    Notice,
    (
        ("t", Const("notice")),
        ("v", Version(PROTOCOL_VERSION)),
        ("aanmelding", Bin(16)),
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("outcome", Str(16, choices=(NOT_PUT,))),
        ("issuer", node_id),
        ("to", node_id),
        ("time", Int()),
    ),
)


def header_hash(a: Aanmelding) -> bytes:
    wire = {
        "t": a.t, "v": a.v, "id": a.id, "case": a.case, "aanmelder": a.aanmelder,
        "verblijf": a.verblijf, "to": a.to, "recipients": list(a.recipients),
        "mandate": a.mandate, "time": a.time,
    }  # fmt: skip
    assert tuple(wire) == _HEADER_KEYS
    return digest(b"casusnet/v2/aanmelding-header\x00" + pack(wire))


# --- who registers, who judges ---------------------------------------------------------


def intake_basis(registry: Registry) -> Grondslag:
    """The basis whose aanmelding this is: the room basis in force that names a
    gemeente van verblijf and has an intake (``pga-r``)."""
    for basis in registry.bases.values():
        if basis.kind == "room" and basis.in_force and basis.verblijf and basis.intake_by:
            return basis
    raise LocalProtocolError("the registry has no basis with an aanmelding")


def judges(roster: Roster, basis: Grondslag, verblijf: str) -> dict[str, list[str]]:
    """Per organisation of the intake: the nodes that judge an aanmelding for the
    gemeente ``verblijf`` (that gemeente itself; every politie and OM node whose
    ``serves`` lists it)."""
    out: dict[str, list[str]] = {org: [] for org in sorted(basis.intake_by)}
    for m in roster.members:
        if m.org == VERBLIJF_ORG:
            if m.node == verblijf and m.org in out:
                out[m.org].append(m.node)
        elif m.org in out and verblijf in m.serves:
            out[m.org].append(m.node)
    return out


def check_aanmelder(
    roster: Roster, basis: Grondslag, a: Aanmelding, error: type[CasusnetError]
) -> None:
    """A deelnemer registers in its own name; a node that chairs on the gemeente's
    behalf (the ZVH) prepares an aanmelding only with the mandate of the gemeente van
    verblijf for this case (Wet PGA art. 2, art. 12 lid 3)."""
    org = roster.member(a.aanmelder).org
    if org in basis.deelnemers:
        if a.mandate is not None:
            raise error("a deelnemer registers in its own name, without a mandate")
        return
    principal = basis.chair_on_behalf.get(org)
    if principal is None:
        raise error(f"a {org} node is no deelnemer of {basis.id}")
    if a.mandate is None:
        raise error(f"a {org} node registers only with the mandate of the gemeente van verblijf")
    try:
        mandate = verify_mandate(a.mandate, roster=roster, chair=a.aanmelder, case=a.case)
    except ChainError as exc:
        raise error(exc.detail) from None
    if mandate.node != a.verblijf or roster.member(mandate.node).org != principal:
        raise error("the mandate is not the gemeente van verblijf's")


def recipients_for(roster: Roster, registry: Registry, verblijf: str) -> tuple[str, ...]:
    """The three an aanmelder seals an aanmelding for (sender side)."""
    basis = intake_basis(registry)
    member = roster.by_node.get(verblijf)
    if member is None or member.org != VERBLIJF_ORG:
        raise LocalProtocolError(f"{verblijf} is not a gemeente of the roster")
    chosen: list[str] = []
    for org, nodes in judges(roster, basis, verblijf).items():
        if len(nodes) != 1:
            raise LocalProtocolError(
                f"the roster lists {len(nodes)} {org} nodes for {verblijf}:"
                " ask the roster authority"
            )
        chosen.append(nodes[0])
    return tuple(sorted(chosen))


# --- making and checking ---------------------------------------------------------------


def seal_aanmelding(
    signer: Signer,
    aanmelder: str,
    *,
    case: str,
    verblijf: str,
    to_org: str,
    summary: str,
    reason: str,
    author_function: str,
    roster: Roster,
    registry: Registry,
    now: int,
    rand: Rand,
    mandate: bytes | None = None,
) -> bytes:
    """A signed aanmelding of ``case`` with the ``to_org`` node (politie, OM or the
    gemeente van verblijf) that serves ``verblijf``, sealed for the three.

    Draws: id (16), content key (32), nonce (24), one ephemeral seed (32) per
    recipient in ``recipients`` order.
    """
    basis = intake_basis(registry)
    recipients = recipients_for(roster, registry, verblijf)
    to = [n for n in recipients if roster.member(n).org == to_org]
    if len(to) != 1:
        raise LocalProtocolError(f"register with one of {', '.join(sorted(basis.intake_by))}")
    aid, key = rand(16), rand(32)
    draft = Aanmelding(
        "aanmelding", PROTOCOL_VERSION, aid, case, aanmelder, verblijf, to[0], recipients,
        mandate, now, b"\x00" * 40, (b"\x00" * WRAP_SIZE,) * len(recipients),
    )  # fmt: skip
    check_aanmelder(roster, basis, draft, LocalProtocolError)
    try:
        Aanmelding.SPEC.check(draft.to_wire())
        content = AanmeldingContent(header_hash(draft), summary, reason, author_function)
        AanmeldingContent.SPEC.check(content.to_wire())
    except SchemaError as exc:
        raise LocalProtocolError(exc.detail) from None
    ct = secretbox(key, rand(24), content.encode())
    wraps = tuple(seal(roster.member(n).box, key, rand(32)) for n in recipients)
    if len(ct) > MAX_CT:
        raise LocalProtocolError("the aanmelding is too long")
    body = Aanmelding(
        "aanmelding", PROTOCOL_VERSION, aid, case, aanmelder, verblijf, to[0], recipients,
        mandate, now, ct, wraps,
    )  # fmt: skip
    return sign(signer, aanmelder, body)


def verify_aanmelding(
    data: bytes, *, roster: Roster, registry: Registry, limits: Limits = DEFAULT_LIMITS
) -> Aanmelding:
    """A receiver's checks (section 15.2), in order: the generic open (purpose
    ``aanmelding``, the signer's key at ``time``); ``aanmelder`` is the signer; the
    signer is active at ``time``; as many wraps as recipients; the aanmelder is a
    deelnemer; ``verblijf`` is a gemeente; the recipients are the judges the roster
    names for it, one per organisation of the intake; ``to`` is one of them."""
    a: Aanmelding
    a, wrapper = open_member_signed(data, Aanmelding.SPEC, roster, limits)
    if a.aanmelder != wrapper.signer:
        raise SignatureError("aanmelding signed by another node than its aanmelder")
    if not roster.member(a.aanmelder).active(a.time):
        raise UnknownSignerError(f"{a.aanmelder}: not in the roster at the aanmelding's time")
    if len(a.wraps) != len(a.recipients):
        raise SchemaError("$.wraps: one per recipient")
    basis = intake_basis(registry)
    check_aanmelder(roster, basis, a, AanmelderError)
    member = roster.by_node.get(a.verblijf)
    if member is None or member.org != VERBLIJF_ORG:
        raise AanmeldingRecipientsError(f"{a.verblijf} is not a gemeente")
    named = judges(roster, basis, a.verblijf)
    orgs = sorted(roster.member(n).org for n in a.recipients if n in roster.by_node)
    if orgs != sorted(named) or any(
        n not in named.get(roster.member(n).org, ()) for n in a.recipients
    ):
        raise AanmeldingRecipientsError("not the verblijf and the politie and OM serving it")
    if a.to not in a.recipients:
        raise AanmeldingRecipientsError("registered with a node that does not judge it")
    return a


def open_aanmelding(a: Aanmelding, *, me: str, box: BoxKeyPair) -> AanmeldingContent:
    """Unseal ``me``'s wrap with its node box key, decrypt, and check the content's
    header hash (``crypto.decrypt``, ``decode.*``, ``crypto.binding``)."""
    if me not in a.recipients:
        raise AanmeldingRecipientsError("this node is not among the recipients")
    key = unseal(box, a.wraps[a.recipients.index(me)])
    content: AanmeldingContent = decode(secretbox_open(key, a.ct), AanmeldingContent.SPEC)
    if content.header != header_hash(a):
        raise BindingError("aanmelding content belongs to another header")
    return content


def make_notice(signer: Signer, issuer: str, *, aanmelding: Aanmelding, now: int) -> bytes:
    """The signed notice to the aanmelder that the case was not put to the casusoverleg."""
    body = Notice(
        "notice", PROTOCOL_VERSION, aanmelding.id, aanmelding.case, NOT_PUT, issuer,
        aanmelding.aanmelder, now,
    )  # fmt: skip
    return sign(signer, issuer, body)


def verify_notice(
    data: bytes,
    *,
    roster: Roster,
    registry: Registry,
    me: str,
    aanmelding: Aanmelding | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Notice:
    """The aanmelder's checks (section 15.3), in order: the generic open (purpose
    ``notice``); ``issuer`` is the signer; ``to`` is ``me``; given the aanmelding it
    names: the same case, and the issuer is one of its recipients or a node that
    chairs on a gemeente's behalf (a ZVH)."""
    n: Notice
    n, wrapper = open_member_signed(data, Notice.SPEC, roster, limits)
    if n.issuer != wrapper.signer:
        raise SignatureError("notice signed by another node than its issuer")
    if n.to != me:
        raise SignatureError("notice is addressed to another node")
    if aanmelding is not None:
        if aanmelding.id != n.aanmelding or aanmelding.case != n.case:
            raise NoticeError("the notice names another aanmelding or case")
        basis = intake_basis(registry)
        org = roster.member(n.issuer).org
        if n.issuer not in aanmelding.recipients and org not in basis.chair_on_behalf:
            raise NoticeError(f"{n.issuer} does not handle this aanmelding")
    return n


def peek_aanmelding(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Aanmelding:
    """Decode an aanmelding stored by this node (checked when it arrived)."""
    from .signed import Signed

    a: Aanmelding = decode(decode(data, Signed.SPEC, limits).body, Aanmelding.SPEC, limits)
    return a
