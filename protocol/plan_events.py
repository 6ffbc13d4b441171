"""The living plan van aanpak's wire messages (``docs/protocol.md`` 4.9): a member's
``plan`` statement and the content it seals to the members at the table; and
:class:`Sealed`, the shape of all content sealed to named members (the intake's and
the plan's). ``protocol.events`` re-exports them."""

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
    Opt,
    Spec,
    Str,
    Struct,
    Tup,
    Version,
)
from .signed import node_id

MEASURE_KINDS = ("strafrechtelijk", "bestuurlijk", "zorg")
MAX_ROOM_MEMBERS = 64
MAX_REASONING = 8000  # characters
room_id = Bin(32)
time_spec = Int()
#: in a statement: the chain's ``seq`` the member saw when it signed (freshness)
seq_spec = Int()
#: the capacity a node acts in (a gemeente: "burgemeester" or "college"); absent for
#: organisations that act as themselves
capacity_spec = Opt(Str(16, 1, pattern=r"[a-z_]+"))


def _struct(cls: Any, fields: tuple[tuple[str, Spec[Any]], ...]) -> Struct[Any]:
    return Struct(cls, fields)


@dataclass(frozen=True)
class Sealed(Message):
    """Content sealed to named members: ``ct`` under a fresh key, wrapped per node with
    its room key of ``epoch`` (the intake's assessments and rulings, plan items)."""

    item: bytes
    epoch: int
    ct: bytes
    wraps: tuple[tuple[str, bytes], ...]


Sealed.SPEC = _struct(
    Sealed,
    (
        ("item", Bin(16)),
        ("epoch", Int()),
        ("ct", Bin(max_len=1 << 16, min_len=40)),
        ("wraps", List(Tup(node_id, Bin(80)), MAX_ROOM_MEMBERS, 1)),
    ),
)


# --- the living plan van aanpak: a member's plan statement (``protocol/plan_chain.py``) ---

#: what a ``plan`` statement does: a measure's life (any deelnemer proposes, the chair
#: adopts, adjusts and withdraws, the uitvoerder updates its status; a proposer withdraws
#: its own proposal before adoption), and the follow-up meetings (the chair plans one,
#: members add agenda points, the chair's node records the verslag)
PLAN_ACTIONS = (
    "propose",
    "adopt",
    "adjust",
    "status",
    "withdraw",
    "meeting",
    "agenda",
    "verslag",
)
#: the statuses an uitvoerder sets on an adopted measure
MEASURE_STATUSES = ("gepland", "lopend", "uitgevoerd", "gestopt")
#: the competent authority of a measure where that is not the uitvoerder
AUTHORITIES = ("minister_jenv", "nctv", "burgemeester", "om")


@dataclass(frozen=True, kw_only=True)
class PlanAct(Message):
    """One step of the living plan, signed by the member that takes it and carried in
    the chair's ``plan`` event. ``item`` names the measure an ``adopt``, ``adjust``,
    ``status`` or ``withdraw`` concerns (a ``propose`` or ``agenda`` creates the item
    ``sealed.item``); ``meeting`` the meeting of an ``agenda`` or ``verslag`` (a
    ``meeting`` plans the next one at ``at``). ``uitvoerder``, ``due`` and ``status``
    are plaintext because the chain checks them; titles, risks, notes, reasons and
    verslagen travel only in ``sealed`` (a :class:`PlanContent`) to the members."""

    t: str = "plan"
    v: int = PROTOCOL_VERSION
    room: bytes
    seq: int
    node: str
    capacity: str | None
    action: str
    time: int
    item: bytes | None = None
    meeting: int | None = None
    uitvoerder: str | None = None
    due: int | None = None
    status: str | None = None
    at: int | None = None
    sealed: Sealed | None = None


PlanAct.SPEC = _struct(
    PlanAct,
    (
        ("t", Const("plan")),
        ("v", Version(PROTOCOL_VERSION)),
        ("room", room_id),
        ("seq", seq_spec),
        ("node", node_id),
        ("capacity", capacity_spec),
        ("action", Str(16, choices=PLAN_ACTIONS)),
        ("time", time_spec),
        ("item", Opt(Bin(16))),
        ("meeting", Opt(Int(1, 1000))),
        ("uitvoerder", Opt(node_id)),
        ("due", Opt(time_spec)),
        ("status", Opt(Str(16, choices=MEASURE_STATUSES))),
        ("at", Opt(time_spec)),
        ("sealed", Opt(Sealed.SPEC)),
    ),
)


# --- living plan content (sealed to the members at the table) --------------------------


@dataclass(frozen=True)
class PlanContent(Message):
    """What a ``plan`` statement seals: a measure's title, kind, competent authority and
    the risk it addresses (``propose``; the changed ones of an ``adjust``), an agenda
    point's title, and ``note``: a status update's note, the reason of an ``adjust`` or
    ``withdraw``, or a meeting's verslag."""

    header: bytes
    title: str | None
    kind: str | None
    authority: str | None
    risk: str | None
    note: str | None


PlanContent.SPEC = _struct(
    PlanContent,
    (
        ("header", Bin(32)),
        ("title", Opt(Str(2000, 1))),
        ("kind", Opt(Str(16, choices=MEASURE_KINDS))),
        # "geen" in an adjust: the uitvoerder is the competent authority again
        ("authority", Opt(Str(16, choices=AUTHORITIES + ("geen",)))),
        ("risk", Opt(Str(MAX_REASONING, 1))),
        ("note", Opt(Str(MAX_REASONING * 4, 1))),
    ),
)
