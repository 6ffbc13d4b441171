"""The intake's sealed content: each organisation's assessment and each ruling's
reasoning, sealed to the intake's organisations (``chain.intake_nodes``) with their
room keys of the epoch, so that no deelnemer or derde who joins later can read them
(``docs/protocol.md`` section 6.4.1).

The content key is fresh per item and wrapped for each of those nodes, as for plan
items; the content carries a header hash that binds it to its room, epoch, item id and
kind, so content moved to another event is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from .chain import RoomState, intake_nodes
from .codec import Limits, decode, pack
from .errors import BindingError, DecryptionError, LocalProtocolError
from .events import CRITERIA, AssessContent, Criteria, RulingContent, Sealed
from .keys import BoxKeyPair, Rand, digest, seal, secretbox, secretbox_open, unseal
from .registry import Grondslag

INTAKE_LIMITS = Limits(max_size=65_536, max_str=32_768, max_bin=65_536, max_array=80, max_map=16)


def intake_header(room: bytes, epoch: int, item: bytes, kind: str) -> bytes:
    return digest(b"casusnet/v2/intake-header\x00" + pack([room, epoch, item, kind]))


def _seal(
    state: RoomState,
    basis: Grondslag | None,
    content: bytes,
    rand: Rand,
    item: bytes,
    to_members: bool = False,
) -> Sealed:
    """Sealed to the intake's nodes, or (a closure's note, a re-assessment, the plan's
    content) to every member not leaving."""
    nodes = sorted(
        {n for n in state.members if n not in state.leaving}
        if to_members or basis is None
        else intake_nodes(state, basis)
    )
    key = rand(32)
    ct = secretbox(key, rand(24), content)
    wraps = tuple((n, seal(state.members[n].key, key, rand(32))) for n in nodes)
    return Sealed(item, state.epoch, ct, wraps)


def seal_assessment(
    state: RoomState,
    basis: Grondslag,
    *,
    criteria: Mapping[str, int | None],
    verdict: str,
    reasoning: str,
    rand: Rand,
    to_members: bool = False,
) -> Sealed:
    """An assessment's content sealed to the intake's organisations; a re-assessment at
    a follow-up meeting (``to_members``) to the members at the table."""
    if not reasoning.strip():
        raise LocalProtocolError("an assessment needs a reasoning")
    item = rand(16)
    scores = Criteria(**{c: criteria.get(c) for c in CRITERIA})
    content = AssessContent(
        intake_header(state.room, state.epoch, item, "assess"), scores, verdict, reasoning
    )
    return _seal(state, basis, content.encode(), rand, item, to_members)


def seal_to_members(state: RoomState, content: bytes, rand: Rand, item: bytes) -> Sealed:
    """``content`` sealed to every member not leaving (the living plan's content)."""
    return _seal(state, None, content, rand, item)


def seal_ruling(
    state: RoomState,
    basis: Grondslag,
    *,
    reasoning: str,
    reasons: Mapping[str, str],
    rand: Rand,
    to_members: bool = False,
) -> Sealed:
    """A ruling's reasoning (and each derde's reason) sealed to the intake's
    organisations; a closure's note and evaluation (``to_members``) to every member."""
    if not reasoning.strip():
        raise LocalProtocolError("a ruling needs a reasoning")
    item = rand(16)
    content = RulingContent(
        intake_header(state.room, state.epoch, item, "ruling"),
        reasoning,
        tuple(sorted(reasons.items())),
    )
    return _seal(state, basis, content.encode(), rand, item, to_members)


def _open(sealed: Sealed, *, me: str, room_key: BoxKeyPair) -> bytes:
    wraps = dict(sealed.wraps)
    if me not in wraps:
        raise DecryptionError("not sealed to this node")
    key = unseal(room_key, wraps[me])
    return secretbox_open(key, sealed.ct)


def open_assessment(sealed: Sealed, *, me: str, room_key: BoxKeyPair, room: bytes) -> AssessContent:
    raw = _open(sealed, me=me, room_key=room_key)
    content: AssessContent = decode(raw, AssessContent.SPEC, INTAKE_LIMITS)
    if content.header != intake_header(room, sealed.epoch, sealed.item, "assess"):
        raise BindingError("assessment content belongs to another item")
    return content


def open_ruling(sealed: Sealed, *, me: str, room_key: BoxKeyPair, room: bytes) -> RulingContent:
    raw = _open(sealed, me=me, room_key=room_key)
    content: RulingContent = decode(raw, RulingContent.SPEC, INTAKE_LIMITS)
    if content.header != intake_header(room, sealed.epoch, sealed.item, "ruling"):
        raise BindingError("ruling content belongs to another item")
    return content
