"""Room chains in the store: events, states (cached), room keys at rest."""

from __future__ import annotations

import json
from collections import OrderedDict

from node.errors import NotFoundError
from node.store.db import Store
from node.store.keystore import MasterKey
from protocol import chain
from protocol.chain import RoomState
from protocol.keys import BoxKeyPair
from protocol.registry import Registry
from protocol.retention import purge_after
from protocol.roster import Roster


class RoomCache:
    """The states of recently used rooms; rebuilt from the stored chain on a miss."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._states: OrderedDict[bytes, RoomState] = OrderedDict()

    def get(self, room: bytes) -> RoomState | None:
        state = self._states.get(room)
        if state is not None:
            self._states.move_to_end(room)
        return state

    def put(self, state: RoomState) -> None:
        self._states[state.room] = state
        self._states.move_to_end(state.room)
        while len(self._states) > self.size:
            self._states.popitem(last=False)

    def drop(self, room: bytes) -> None:
        self._states.pop(room, None)

    def clear(self) -> None:
        self._states.clear()


class Rooms:
    def __init__(self, store: Store, master: MasterKey, registry: Registry, roster: Roster) -> None:
        self.store = store
        self.master = master
        self.registry = registry
        self.roster = roster
        self.cache = RoomCache()
        self._touched: set[bytes] = set()

    def state(self, room: bytes, now: int) -> RoomState | None:
        cached = self.cache.get(room)
        if cached is not None:
            return cached
        events = [
            r[0]
            for r in self.store.execute(
                "SELECT data FROM events WHERE room = ? ORDER BY seq", (room,)
            )
        ]
        if not events:
            return None
        state = chain.replay(events, roster=self.roster, registry=self.registry, now=now)
        self.cache.put(state)
        return state

    def events_after(self, room: bytes, after: int, limit: int = 500) -> list[bytes]:
        """The room's events with seq > ``after`` (at most ``limit``)."""
        return [
            r[0]
            for r in self.store.execute(
                "SELECT data FROM events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?",
                (room, after, limit),
            )
        ]

    def apply(self, state: RoomState | None, event: bytes, now: int) -> RoomState:
        """Check an event and store it with the room's summary (caller's transaction)."""
        new = chain.apply(state, event, roster=self.roster, registry=self.registry, now=now)
        self.store.execute(
            "INSERT INTO events (room, seq, data) VALUES (?, ?, ?)", (new.room, new.seq, event)
        )
        purge = purge_after(
            new.bases, self.registry, first_processing=new.first_time, last_processing=new.time
        )
        self.store.execute(
            "INSERT INTO rooms (room, case_ref, chair, phase, epoch, seq, created, updated,"
            " closed_at, outcome, meeting, bases, purge_after, keys_destroyed,"
            " closed_receipt_sent) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0,0)"
            " ON CONFLICT(room) DO UPDATE SET phase=excluded.phase, epoch=excluded.epoch,"
            " seq=excluded.seq, updated=excluded.updated, closed_at=excluded.closed_at,"
            " outcome=excluded.outcome, purge_after=excluded.purge_after",
            (
                new.room,
                new.case,
                new.chair,
                new.phase,
                new.epoch,
                new.seq,
                new.first_time,
                now,
                new.closed_at,
                new.outcome,
                new.meeting,
                json.dumps(list(new.bases)),
                purge,
            ),
        )
        self.cache.put(new)
        if not self._touched:
            self.store.after_commit(self._touched.clear)
        self._touched.add(new.room)
        return new

    def forget_uncommitted(self) -> None:
        """After a rollback: drop the cached states changed since the last commit."""
        for room in self._touched:
            self.cache.drop(room)
        self._touched.clear()

    # -- room keys ------------------------------------------------------------------

    def new_key(self, room: bytes, pair: BoxKeyPair, now: int) -> None:
        self.store.execute(
            "INSERT INTO room_keys (room, public, sealed, created) VALUES (?, ?, ?, ?)",
            (room, pair.public, self.master.seal("room-key", pair.private), now),
        )

    def key(self, room: bytes, public: bytes) -> BoxKeyPair | None:
        sealed = self.store.one(
            "SELECT sealed FROM room_keys WHERE room = ? AND public = ?", (room, public)
        )
        if sealed is None:
            return None
        return BoxKeyPair(private=self.master.open("room-key", sealed), public=public)

    def destroy_keys(self, room: bytes) -> int:
        """Crypto-shredding: remove the room's private keys (caller's transaction)."""
        n = self.store.execute("DELETE FROM room_keys WHERE room = ?", (room,)).rowcount
        self.store.execute("UPDATE rooms SET keys_destroyed = 1 WHERE room = ?", (room,))
        return int(n)

    def reload(self, roster: Roster) -> None:
        self.roster = roster
        self.cache = RoomCache()


def require(state: RoomState | None) -> RoomState:
    if state is None:
        raise NotFoundError("room")
    return state
