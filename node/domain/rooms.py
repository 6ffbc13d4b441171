"""Room chains in the store: events, states (cached), room keys at rest.

A former member (removed, or left) stores the room's ``close`` alone, at its own
``seq`` after a gap (the close notice, ``docs/protocol.md`` 6.7.10); the state of
such a room is its chain up to the gap, closed by that notice.
"""

from __future__ import annotations

from collections import OrderedDict

from node.errors import NotFoundError
from node.store import rooms as tables
from node.store.db import Store
from node.store.keystore import MasterKey
from protocol import chain
from protocol.chain import RoomState
from protocol.keys import BoxKeyPair
from protocol.registry import Registry
from protocol.retention import purge_after
from protocol.revocation import verify_close_notice
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
    def __init__(
        self, store: Store, master: MasterKey, registry: Registry, roster: Roster, me: str
    ) -> None:
        self.store = store
        self.me = me
        self.master = master
        self.registry = registry
        self.roster = roster
        self.cache = RoomCache()
        self._touched: set[bytes] = set()

    def state(self, room: bytes, now: int) -> RoomState | None:
        """The room's state, from the cache or its stored chain.

        The stored chain is history this node accepted: it is replayed without the
        clock check (``now`` is not used for it), so a clock that ran ahead and was
        corrected never makes a room unloadable.
        """
        cached = self.cache.get(room)
        if cached is not None:
            return cached
        events = tables.events(self.store, room)
        if not events:
            return None
        notice = events.pop() if (tables.top_seq(self.store, room) or 0) >= len(events) else None
        state = chain.replay(events, roster=self.roster, registry=self.registry, now=None)
        if notice is not None:
            state = verify_close_notice(state, notice, node=self.me, roster=self.roster, now=None)
        self.cache.put(state)
        return state

    def events_after(self, room: bytes, after: int, limit: int = 500) -> list[bytes]:
        """The room's events with seq > ``after`` (at most ``limit``)."""
        return tables.events_after(self.store, room, after, limit)

    def apply(
        self, state: RoomState | None, event: bytes, now: int, *, own: bool = False
    ) -> RoomState:
        """Check an event and store it with the room's summary (caller's transaction).

        ``own``: the chair's own new event, stamped no earlier than the chain's last
        time (which a clock that was ahead may have put in the future): it is not
        checked against the clock, as stored history is not."""
        new = chain.apply(
            state, event, roster=self.roster, registry=self.registry, now=None if own else now,
            stored=False,
        )  # fmt: skip
        self._store(new, event, now)
        return new

    def apply_close_notice(self, state: RoomState, event: bytes, now: int) -> RoomState:
        """Check the room's ``close`` sent alone to this former member, and store it
        (caller's transaction)."""
        new = verify_close_notice(state, event, node=self.me, roster=self.roster, now=now)
        self._store(new, event, now)
        return new

    def _store(self, new: RoomState, event: bytes, now: int) -> None:
        tables.insert_event(self.store, new.room, new.seq, event)
        purge = purge_after(
            new.bases, self.registry, first_processing=new.first_time, last_processing=new.time
        )
        tables.upsert_summary(
            self.store,
            {
                "room": new.room,
                "case_ref": new.case,
                "chair": new.chair,
                "phase": new.phase,
                "epoch": new.epoch,
                "seq": new.seq,
                "created": new.first_time,
                "updated": now,
                "closed_at": new.closed_at,
                "outcome": new.outcome,
                "meeting": new.meeting,
                "bases": new.bases,
                "purge_after": purge,
            },
        )
        self.cache.put(new)
        if not self._touched:
            self.store.after_commit(self._touched.clear)
        self._touched.add(new.room)

    def forget_uncommitted(self) -> None:
        """After a rollback: drop the cached states changed since the last commit."""
        for room in self._touched:
            self.cache.drop(room)
        self._touched.clear()

    # -- room keys ------------------------------------------------------------------

    def new_key(self, room: bytes, pair: BoxKeyPair, now: int) -> None:
        tables.insert_key(
            self.store, room, pair.public, self.master.seal("room-key", pair.private), now
        )

    def key(self, room: bytes, public: bytes) -> BoxKeyPair | None:
        sealed = tables.sealed_key(self.store, room, public)
        if sealed is None:
            return None
        return BoxKeyPair(private=self.master.open("room-key", sealed), public=public)

    def destroy_keys(self, room: bytes, *, mark: bool = True) -> int:
        """Crypto-shredding: remove the room's private keys (caller's transaction);
        ``mark``: the room is flagged as shielded here once closed."""
        return tables.destroy_keys(self.store, room, mark=mark)

    def reload(self, roster: Roster) -> None:
        self.roster = roster
        self.cache = RoomCache()


def require(state: RoomState | None) -> RoomState:
    if state is None:
        raise NotFoundError("room")
    return state
