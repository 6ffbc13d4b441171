"""What every domain service shares: the store, the clock, the keys, the audit log and
the outbox. One :class:`Context` per node, passed in; services hold no other state
of the node.

The clock is the node's single seam to time (:attr:`Context.clock`): tests and the
demo pass their own, and nothing in the domain calls ``time.time`` directly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nacl.utils

from node.config import Config
from node.domain.changes import Changes
from node.domain.rooms import Rooms, require
from node.store import audit
from node.store import outbox as outbox_table
from node.store.db import Store
from node.store.keystore import MasterKey
from protocol.chain import RoomState
from protocol.keys import NodeIdentity, digest
from protocol.registry import Grondslag, Registry, registry_for
from protocol.roster import Roster

Clock = Callable[[], float]
"""Seconds since the epoch, as ``time.time`` gives them."""

Rand = Callable[[int], bytes]


@dataclass
class Context:
    config: Config
    store: Store
    master: MasterKey
    registry: Registry
    identity: NodeIdentity
    roster: Roster
    rooms: Rooms
    clock: Clock = time.time
    rand: Rand = nacl.utils.random
    wake: Callable[[str], None] = lambda peer: None
    """Called after a commit for each peer that has new envelopes in the outbox."""
    receipts_changed: Callable[[bytes | None], None] = lambda ref: None
    """Called after a commit that stored receipts (with the share's hash for a delivery)."""
    _woken: set[str] = field(default_factory=set)
    changes: Changes = field(init=False)
    """The change bus the local API's event stream listens to (``node.domain.changes``)."""

    def __post_init__(self) -> None:
        self.changes = Changes(self.store)

    @property
    def me(self) -> str:
        return self.config.node_id

    def now(self) -> int:
        return int(self.clock())

    def audit(self, *, actor: str, action: str, room: bytes | None = None, **detail: Any) -> int:
        """An audit entry now (with the room's case reference), in the current transaction."""
        seq = audit.append(
            self.store, at=self.now(), actor=actor, action=action, room=room, **detail
        )
        self.store.after_commit(self.changes.kick)  # the event stream tells what changed
        return seq

    def state(self, room: bytes) -> RoomState:
        """The room's current state; ``NotFoundError`` for a room this node does not hold."""
        return require(self.rooms.state(room, self.now()))

    def basis(self, state: RoomState) -> Grondslag:
        """The room's basis under the registry version its convene pinned."""
        return registry_for(state.registry, self.registry).bases[state.room_basis]

    def enqueue(self, peer: str, kind: str, room: bytes | None, envelope: bytes) -> None:
        """Queue an envelope for ``peer`` (inside the caller's transaction)."""
        if peer == self.me:
            return
        outbox_table.enqueue(self.store, peer, kind, room, envelope, digest(envelope), self.now())
        self._woken.add(peer)

    def flush_wakeups(self) -> None:
        """Wake the delivery of every peer that got envelopes (after the commit)."""
        woken, self._woken = self._woken, set()
        for peer in woken:
            self.wake(peer)
