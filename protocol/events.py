"""Wire messages of the room chain: chair-signed events and members' statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .codec import (
    PROTOCOL_VERSION,
    Bin,
    Const,
    Int,
    List,
    Message,
    Omit,
    Opt,
    Spec,
    Str,
    Struct,
    Tup,
    Version,
    _within,
)
from .errors import SchemaError
from .keys import KEY_SIZE
from .plan_events import AUTHORITIES as AUTHORITIES
from .plan_events import MAX_REASONING as MAX_REASONING
from .plan_events import MAX_ROOM_MEMBERS as MAX_ROOM_MEMBERS
from .plan_events import MEASURE_KINDS as MEASURE_KINDS
from .plan_events import MEASURE_STATUSES as MEASURE_STATUSES
from .plan_events import PLAN_ACTIONS as PLAN_ACTIONS
from .plan_events import PlanAct as PlanAct
from .plan_events import PlanContent as PlanContent
from .plan_events import Sealed as Sealed
from .plan_events import _struct, room_id, seq_spec, time_spec
from .plan_events import capacity_spec as capacity_spec
from .signed import node_id

ROLES = ("deelnemer", "derde")
OUTCOMES = ("afgeschaald", "overgedragen", "afgesloten", "niet_voorgelegd")
#: outcome ids an earlier release wrote -> the id that replaced them. A stored chain
#: keeps its signed bytes, so these still decode; the chain accepts them only when it
#: replays stored history (``chain.apply`` with ``now=None``) and reads them as the new id.
LEGACY_OUTCOMES = {"niet_opgenomen": "niet_voorgelegd"}
#: an intake assessment's view and a ``beoordeling`` ruling's outcome (Wet PGA art. 5 lid 3)
VERDICTS = ("voorleggen", "niet_voorleggen")
#: the verdicts of the plaintext assessments an earlier release put in the chain; they
#: load from stored history only (``chain.apply`` with ``now=None``)
LEGACY_VERDICTS = ("opnemen", "niet_opnemen")
#: the two joint decisions of an intake: whether the case fits the law's purpose (lid 3),
#: then who joins (lid 5)
RULING_STAGES = ("beoordeling", "samenstelling", "afsluiting")
#: the outcomes a closure can be proposed with in an open room (Wet PGA art. 6 lid 3)
CLOSURE_OUTCOMES = ("afgeschaald", "overgedragen", "afgesloten")
CRITERIA = (
    "geweldsbereidheid",
    "ideologie",
    "sociale_relaties",
    "identificatie",
    "zelfredzaamheid",
)
EVENT_KINDS = (
    "convene",
    "assess",
    "ruling",
    "endorse",
    "invite",
    "consent",
    "join",
    "epoch",
    "remove",
    "leave",
    "agenda",
    "decision",
    "close",
    "plan",
)
MAX_STATEMENT = 2048

# A case reference is a pseudonym: upper-case letters, digits and . _ / -, at least
# one digit, no whitespace (so no names), and no run of nine digits (so no BSN).
CASE_REF = r"(?=.*[0-9])(?!.*[0-9]{9})[A-Z0-9][A-Z0-9._/-]{2,39}"

statement_bytes = Bin(max_len=MAX_STATEMENT, min_len=1)


# --- statements signed by a member (purpose "statement") ----------------------------


@dataclass(frozen=True)
class Criteria(Message):
    geweldsbereidheid: int | None
    ideologie: int | None
    sociale_relaties: int | None
    identificatie: int | None
    zelfredzaamheid: int | None


#: a score per criterion: 0 (geen zorg) to 3 (ernstige zorg), or absent: onbekend
Criteria.SPEC = _struct(Criteria, tuple((c, Opt(Int(0, 3))) for c in CRITERIA))


@dataclass(frozen=True, kw_only=True)
class Assess(Message):
    """An intake organisation's assessment. Its scores, view and reasoning travel
    sealed to the intake's organisations (``sealed``: an :class:`AssessContent`).
    ``criteria`` and ``verdict`` are the plaintext of an earlier release, which only
    stored history still carries (the wire order keeps their place)."""

    t: str = "assess"
    v: int = PROTOCOL_VERSION
    room: bytes
    seq: int
    node: str
    capacity: str | None
    criteria: Criteria | None = None
    verdict: str | None = None
    time: int
    sealed: Sealed | None = None
    #: a re-assessment at follow-up meeting ``meeting`` of an open room (sealed to the
    #: members at the table); absent for the intake's assessment
    meeting: int | None = None


Assess.SPEC = _struct(
    Assess,
    (
        ("t", Const("assess")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("capacity", capacity_spec),
        ("criteria", Omit(Criteria.SPEC)),
        ("verdict", Omit(Str(16, choices=LEGACY_VERDICTS))),
        ("time", time_spec),
        ("sealed", Omit(Sealed.SPEC)),
        ("meeting", Omit(Int(1, 1000))),
    ),
)


@dataclass(frozen=True)
class Endorse(Message):
    """An intake organisation's signature under the ruling the chair put in the chain
    at ``ruling`` (its seq): the eensluidende beoordeling or the samenstelling."""

    t: str
    v: int
    room: bytes
    seq: int
    node: str
    capacity: str | None
    ruling: int
    time: int


Endorse.SPEC = _struct(
    Endorse,
    (
        ("t", Const("endorse")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("capacity", capacity_spec),
        ("ruling", Int(1)),
        ("time", time_spec),
    ),
)


@dataclass(frozen=True)
class Consent(Message):
    t: str
    v: int
    room: bytes
    seq: int
    node: str
    capacity: str | None
    subject: str
    time: int


Consent.SPEC = _struct(
    Consent,
    (
        ("t", Const("consent")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("capacity", capacity_spec),
        ("subject", node_id),
        ("time", time_spec),
    ),
)


@dataclass(frozen=True)
class Join(Message):
    t: str
    v: int
    room: bytes
    seq: int
    node: str
    key: bytes
    time: int


Join.SPEC = _struct(
    Join,
    (
        ("t", Const("join")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("key", Bin(KEY_SIZE)),
        ("time", time_spec),
    ),
)


@dataclass(frozen=True)
class Leave(Message):
    t: str
    v: int
    room: bytes
    seq: int
    node: str
    time: int


Leave.SPEC = _struct(
    Leave,
    (
        ("t", Const("leave")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("time", time_spec),
    ),
)


@dataclass(frozen=True)
class Mandate(Message):
    """The burgemeester's mandate for a ZVH procesregisseur to chair one case on the
    burgemeester's behalf (Wet PGA art. 2; art. 12 lid 3), signed by the node of the
    gemeente van verblijf and carried in the ``convene``."""

    t: str
    v: int
    case: str
    chair: str
    node: str  # the gemeente van verblijf (the signer)
    time: int


Mandate.SPEC = _struct(
    Mandate,
    (
        ("t", Const("mandate")),
        ("v", Version(PROTOCOL_VERSION)),
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("chair", node_id),
        ("node", node_id),
        ("time", time_spec),
    ),
)


STATEMENT_SPECS: dict[str, Struct[Any]] = {
    "plan": PlanAct.SPEC,
    "assess": Assess.SPEC,
    "endorse": Endorse.SPEC,
    "consent": Consent.SPEC,
    "join": Join.SPEC,
    "leave": Leave.SPEC,
}


# --- event data, one shape per kind -----------------------------------------------------


@dataclass(frozen=True)
class ConveneData(Message):
    case: str
    purpose: str
    bases: tuple[str, ...]
    retention: int
    meeting: int
    chair_key: bytes
    registry: int  # the registry version the room is validated under, for good
    verblijf: str | None  # the node of the gemeente van verblijf (pga-r)
    mandate: bytes | None  # a signed Mandate when the chair acts on another's behalf


ConveneData.SPEC = _struct(
    ConveneData,
    (
        ("case", Str(40, 3, pattern=CASE_REF)),
        ("purpose", Str(1000, 1)),
        ("bases", List(Str(32, 1, pattern=r"[a-z0-9-]+"), 8, 1, strictly_sorted=True)),
        ("retention", Int(0, 100)),
        ("meeting", time_spec),
        ("chair_key", Bin(KEY_SIZE)),
        ("registry", Int(1, 1 << 31)),
        ("verblijf", Opt(node_id)),
        ("mandate", Opt(statement_bytes)),
    ),
)


@dataclass(frozen=True)
class StatementData(Message):
    """``assess``, ``consent``, ``join``, ``leave``: a member's signed statement, whole."""

    statement: bytes


StatementData.SPEC = _struct(StatementData, (("statement", statement_bytes),))


@dataclass(frozen=True)
class InviteData(Message):
    node: str
    role: str
    from_epoch: int


InviteData.SPEC = _struct(
    InviteData,
    (("node", node_id), ("role", Str(16, choices=ROLES)), ("from_epoch", Int(1))),
)


@dataclass(frozen=True)
class EpochMember(Message):
    node: str
    role: str
    key: bytes


EpochMember.SPEC = _struct(
    EpochMember,
    (("node", node_id), ("role", Str(16, choices=ROLES)), ("key", Bin(KEY_SIZE))),
)


@dataclass(frozen=True)
class EpochData(Message):
    epoch: int
    members: tuple[EpochMember, ...]


EpochData.SPEC = _struct(
    EpochData, (("epoch", Int(1)), ("members", List(EpochMember.SPEC, MAX_ROOM_MEMBERS, 1)))
)


@dataclass(frozen=True)
class RemoveData(Message):
    node: str


RemoveData.SPEC = _struct(RemoveData, (("node", node_id),))


#: ``agenda`` and ``decision``: an item whose content is sealed for the epoch's members
ItemData = Sealed


@dataclass(frozen=True)
class RulingData(Message):
    """``ruling``: a joint decision of the intake, proposed by the chair and in force
    once every intake organisation endorsed it. ``beoordeling``: ``outcome`` says
    whether the case is put to the casusoverleg (art. 5 lid 3); ``samenstelling``: the
    deelnemers and derden that join (lid 5). The reasoning (and each derde's reason)
    is sealed to the intake's organisations (a :class:`RulingContent`).
    ``afsluiting``: the closure of an open room with its ``outcome`` (art. 6 lid 3),
    its closing note and evaluation sealed to the members of the epoch; in force once
    every deelnemer at the table signed it, and then the chair's ``close`` follows."""

    stage: str
    outcome: str | None
    deelnemers: tuple[str, ...]
    derden: tuple[str, ...]
    sealed: Sealed


RulingData.SPEC = _struct(
    RulingData,
    (
        ("stage", Str(16, choices=RULING_STAGES)),
        ("outcome", Opt(Str(16, choices=VERDICTS + CLOSURE_OUTCOMES))),
        ("deelnemers", List(node_id, MAX_ROOM_MEMBERS, 0, strictly_sorted=True)),
        ("derden", List(node_id, MAX_ROOM_MEMBERS, 0, strictly_sorted=True)),
        ("sealed", Sealed.SPEC),
    ),
)


@dataclass(frozen=True)
class CloseData(Message):
    outcome: str


CloseData.SPEC = _struct(
    CloseData, (("outcome", Str(16, choices=OUTCOMES + tuple(LEGACY_OUTCOMES))),)
)

DATA_SPECS: dict[str, Struct[Any]] = {
    "convene": ConveneData.SPEC,
    "assess": StatementData.SPEC,
    "invite": InviteData.SPEC,
    "consent": StatementData.SPEC,
    "join": StatementData.SPEC,
    "epoch": EpochData.SPEC,
    "remove": RemoveData.SPEC,
    "leave": StatementData.SPEC,
    "ruling": RulingData.SPEC,
    "endorse": StatementData.SPEC,
    "agenda": ItemData.SPEC,
    "decision": ItemData.SPEC,
    "close": CloseData.SPEC,
    "plan": StatementData.SPEC,
}


class _Data(Spec[Any]):
    """The ``data`` field: checked against the shape of the event's kind afterwards."""

    def check(self, value: Any) -> Any:
        if type(value) is not dict:
            self.fail("expected map")
        return value

    def wire(self, value: Any) -> Any:
        return value.to_wire() if isinstance(value, Message) else value


@dataclass(frozen=True)
class Event(Message):
    t: str
    v: int
    room: bytes
    seq: int
    prev: bytes
    kind: str
    time: int
    data: Any


def _check_data(fields: dict[str, Any]) -> None:
    try:
        fields["data"] = DATA_SPECS[fields["kind"]].check(fields["data"])
    except SchemaError as exc:
        raise _within(exc, "data") from None


Event.SPEC = Struct(
    Event,
    (
        ("t", Const("event")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", Bin(max_len=32)),
        ("seq", Int()),
        ("prev", Bin(max_len=32)),
        ("kind", Str(16, choices=EVENT_KINDS)),
        ("time", time_spec),
        ("data", _Data()),
    ),
    _check_data,
)


# --- plan items (the encrypted content of agenda and decision) ---------------------------


@dataclass(frozen=True)
class PlanItem(Message):
    header: bytes
    title: str
    measure: str | None
    owner: str | None
    due: int | None


PlanItem.SPEC = _struct(
    PlanItem,
    (
        ("header", Bin(32)),
        ("title", Str(2000, 1)),
        ("measure", Opt(Str(16, choices=MEASURE_KINDS))),
        ("owner", Opt(node_id)),
        ("due", Opt(time_spec)),
    ),
)


# --- intake content (sealed to the intake's organisations) ----------------------------


@dataclass(frozen=True)
class AssessContent(Message):
    """An intake organisation's assessment: a score per criterion (absent: onbekend),
    its view (voorleggen or not) and its reasoning; the criteria are not exhaustive."""

    header: bytes
    criteria: Criteria
    verdict: str
    reasoning: str


AssessContent.SPEC = _struct(
    AssessContent,
    (
        ("header", Bin(32)),
        ("criteria", Criteria.SPEC),
        ("verdict", Str(16, choices=VERDICTS)),
        ("reasoning", Str(MAX_REASONING, 1)),
    ),
)


@dataclass(frozen=True)
class RulingContent(Message):
    """A ruling's reasoning, and for a ``samenstelling`` the reason each derde is needed."""

    header: bytes
    reasoning: str
    reasons: tuple[tuple[str, str], ...]


RulingContent.SPEC = _struct(
    RulingContent,
    (
        ("header", Bin(32)),
        ("reasoning", Str(MAX_REASONING, 1)),
        ("reasons", List(Tup(node_id, Str(2000, 1)), MAX_ROOM_MEMBERS)),
    ),
)
