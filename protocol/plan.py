"""The living plan's sealed content: a measure's title, kind, authority and risk, the
notes and reasons of its steps, agenda points and verslagen, sealed to
the members at the table with their room keys of the epoch (``docs/protocol.md``
6.4.2). A fresh content key per item, wrapped for each member; the content carries a
header hash binding it to its room, epoch, item id and action, so content moved to
another statement is refused. A re-assessment at a meeting is sealed to the same
members with ``protocol.intake.seal_assessment(..., to_members=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping

from .codec import decode, pack
from .errors import BindingError, DecryptionError, LocalProtocolError, SchemaError
from .events import PlanContent, Sealed
from .intake import INTAKE_LIMITS, seal_to_members
from .keys import BoxKeyPair, Rand, digest, secretbox_open, unseal
from .roomstate import RoomState

#: the content fields each action seals, and those it must seal
CONTENT: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "propose": (
        frozenset({"title", "kind", "authority", "risk"}),
        frozenset({"title", "kind", "risk"}),
    ),
    "adjust": (frozenset({"title", "kind", "authority", "risk", "note"}), frozenset({"note"})),
    "status": (frozenset({"note"}), frozenset({"note"})),
    "withdraw": (frozenset({"note"}), frozenset({"note"})),
    "agenda": (frozenset({"title"}), frozenset({"title"})),
    "verslag": (frozenset({"note"}), frozenset({"note"})),
}


def plan_header(room: bytes, epoch: int, item: bytes, action: str) -> bytes:
    return digest(b"casusnet/v2/plan-header\x00" + pack([room, epoch, item, action]))


def seal_plan(
    state: RoomState, action: str, fields: Mapping[str, str | None], rand: Rand
) -> Sealed:
    """A plan step's content (``fields``: title, kind, authority, risk, note) sealed to
    the members at the table."""
    allowed, required = CONTENT[action]
    given = {k for k, v in fields.items() if v is not None}
    if given - allowed:
        raise LocalProtocolError(f"a {action} seals no {sorted(given - allowed)[0]}")
    missing = [k for k in sorted(required) if not (fields.get(k) or "").strip()]
    if missing:
        raise LocalProtocolError(f"a {action} needs a {missing[0]}")
    item = rand(16)
    content = PlanContent(
        plan_header(state.room, state.epoch, item, action),
        *(fields.get(k) for k in ("title", "kind", "authority", "risk", "note")),
    )
    return seal_to_members(state, content.encode(), rand, item)


def _open(sealed: Sealed, me: str, room_key: BoxKeyPair) -> bytes:
    wraps = dict(sealed.wraps)
    if me not in wraps:
        raise DecryptionError("not sealed to this node")
    return secretbox_open(unseal(room_key, wraps[me]), sealed.ct)


def open_plan(
    sealed: Sealed, action: str, *, me: str, room_key: BoxKeyPair, room: bytes
) -> PlanContent:
    content: PlanContent = decode(_open(sealed, me, room_key), PlanContent.SPEC, INTAKE_LIMITS)
    if content.header != plan_header(room, sealed.epoch, sealed.item, action):
        raise BindingError("plan content belongs to another item")
    allowed, required = CONTENT[action]
    given = {k for k in ("title", "kind", "authority", "risk", "note") if getattr(content, k)}
    if given - allowed or required - given:
        raise SchemaError(f"$: not the content of a {action}")
    return content
