"""The change bus: what changed on this node, told to the local API's event stream.

A client is told WHAT changed, never the content: ``{"seq", "topic", "room"}``. The
events come from the audit log's tail (every state change writes an audit entry in
its own transaction, in this process or in another, such as the CLI): after a commit
that audited something (:meth:`Changes.kick`) the bus waits :data:`COALESCE` seconds,
reads the new entries and publishes each distinct (topic, room) once, so a burst (a
hundred receipts) becomes a few events. What is not audited is noted directly
(:meth:`Changes.note`: a partner became reachable or not). While anyone listens, the
tail is also read every :data:`FALLBACK` seconds for the changes of other processes.

Each subscriber (one open stream) gets only what it may see: a room's events only
when its staff member is assigned to the room, node-wide topics by role (see
:func:`visible`); reads (``*_viewed``) and sessions are no events. Its queue is
bounded (:attr:`Changes.queue_limit`): on overflow the backlog is dropped and the
subscriber gets one ``resync``. The last :data:`KEEP` events are kept for a client
that reconnects with the id of the last event it saw (:meth:`Changes.subscribe`).

Nothing here touches the network; the bus schedules on the running asyncio loop, and
in a process without one (the CLI) it does nothing.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from node.domain.staff import Staff
from node.store import changes as tables
from node.store.db import Store

COALESCE = 0.01
"""Seconds a commit waits for the ones that follow it before the bus reads the log."""
FALLBACK = 2.0
"""Seconds between reads of the log's tail while anyone listens (other processes)."""
KEEP = 512
"""Events kept for a client that resumes (``Last-Event-ID``)."""
QUEUE_LIMIT = 256
"""Events one subscriber may have waiting before its backlog becomes one ``resync``."""
TAIL_BATCH = 2000

#: audit actions that are reads or sessions: no client needs to redraw for them
QUIET = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "staff_added",
        "shielded_opened",
    }
)
#: the topic of an audit action, where it is not ``room`` (a chain event)
TOPICS: dict[str, str] = {
    "share_sent": "share",
    "share_received": "share",
    "revoke_sent": "share",
    "revoke_received": "share",
    "refused": "share",
    "receipt": "receipt",
    "inquiry_sent": "request",
    "inquiry_received": "request",
    "inquiry_answered": "request",
    "inquiry_declined": "request",
    "plan": "plan",
    "convene": "rooms",
    "join": "rooms",
    "assigned": "rooms",
    "close": "rooms",
    "purge": "rooms",
    "referral": "rooms",
    "mandate_granted": "rooms",
    "mandate_received": "rooms",
    "roster_imported": "partners",
    "key_rotated": "partners",
    "restored": "resync",
    "resynced": "resync",
    "received_gap": "room",
    "export_destroyed": "shielded",
    "plan_exported": "shielded",
}
#: topics by the start of their audit actions
PREFIXES = (
    ("melding", "meldingen"),
    ("melder", "meldingen"),
    ("aanmelding", "aanmeldingen"),
    ("notice", "aanmeldingen"),
    ("transfer", "transfers"),
    ("shielded", "shielded"),
)
#: node-wide topics and the roles that see them (None: every staff member)
NODE_WIDE: dict[str, frozenset[str] | None] = {
    "partners": None,
    "resync": None,
    "rooms": None,
    "meldingen": frozenset({"aandachtsfunctionaris", "procesregisseur", "fg"}),
    "aanmeldingen": frozenset({"intake", "aandachtsfunctionaris", "procesregisseur"}),
    "transfers": frozenset({"intake", "aandachtsfunctionaris", "procesregisseur"}),
    "shielded": frozenset({"fg"}),
}


def topic_of(action: str) -> str | None:
    """The event topic of an audit action; ``None`` for a read or a session."""
    if action in QUIET or action.endswith("_viewed"):
        return None
    if action in TOPICS:
        return TOPICS[action]
    for prefix, topic in PREFIXES:
        if action.startswith(prefix):
            return topic
    return "room"


def visible(topic: str, room: bytes | None, who: Staff, assigned: set[bytes]) -> bool:
    """May ``who`` hear of this change? A room's only when assigned to it; a node-wide
    topic by role."""
    if room is not None:
        return room in assigned
    if topic not in NODE_WIDE:
        return False
    roles = NODE_WIDE[topic]
    return roles is None or bool(who.roles & roles)


@dataclass
class Change:
    seq: int
    topic: str
    room: bytes | None

    def event(self, boot: str) -> dict[str, Any]:
        doc: dict[str, Any] = {"seq": self.seq, "topic": self.topic, "id": f"{boot}-{self.seq}"}
        if self.room is not None:
            doc["room"] = self.room.hex()
        return doc


@dataclass(eq=False)
class Subscriber:
    """One open stream: its staff member, its bounded queue, and a wake-up."""

    who: Staff
    limit: int
    queue: deque[Change] = field(default_factory=deque)
    overflowed: bool = False
    woken: asyncio.Event = field(default_factory=asyncio.Event)
    ended: bool = False

    def push(self, changes: list[Change]) -> None:
        if not changes:
            return
        if self.overflowed or len(self.queue) + len(changes) > self.limit:
            self.queue.clear()  # a slow reader: its backlog becomes one resync
            self.overflowed = True
        else:
            self.queue.extend(changes)
        self.woken.set()

    def end(self) -> None:
        self.ended = True
        self.woken.set()

    def take(self) -> tuple[list[Change], bool]:
        """What waits (and whether it overflowed), emptying the queue."""
        changes, overflowed = list(self.queue), self.overflowed
        self.queue.clear()
        self.overflowed = False
        self.woken.clear()
        return changes, overflowed


class Changes:
    """The node's change bus (one per node, ``Context.changes``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.boot = secrets.token_hex(4)
        self.seq = 0
        self.seen = 0  # the audit seq read up to
        self.queue_limit = QUEUE_LIMIT
        self.subscribers: set[Subscriber] = set()
        self.kept: deque[Change] = deque(maxlen=KEEP)
        self._notes: dict[tuple[str, bytes | None], None] = {}
        self._scheduled: asyncio.TimerHandle | None = None
        self._fallback: asyncio.Task[None] | None = None

    # -- what the domain and the faces call --------------------------------------------

    def kick(self) -> None:
        """Something was audited (or noted): read the log's tail soon."""
        if not self.subscribers or self._scheduled is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: a CLI process, nobody listens here
            return
        self._scheduled = loop.call_later(COALESCE, self.flush)

    def note(self, topic: str, room: bytes | None = None) -> None:
        """A change the audit log does not show (a partner's reachability, say)."""
        if not self.subscribers:
            return
        self._notes[(topic, room)] = None
        self.kick()

    def flush(self) -> None:
        """Publish what changed since the last read, each (topic, room) once."""
        self._scheduled = None
        found: dict[tuple[str, bytes | None], None] = dict(self._notes)
        self._notes.clear()
        head = tables.head(self.store)
        if head < self.seen:  # the log's tail was purged: start again at its head
            self.seen = head
        while head > self.seen:
            rows = tables.after(self.store, self.seen, TAIL_BATCH)
            if not rows:
                break
            for row in rows:
                topic = topic_of(str(row["action"]))
                if topic is not None:
                    room = bytes(row["room"]) if row["room"] is not None else None
                    found[(topic, room)] = None
            self.seen = int(rows[-1]["seq"])
        if not found:
            return
        changes = []
        for topic, room in found:
            self.seq += 1
            changes.append(Change(self.seq, topic, room))
        self.kept.extend(changes)
        for sub in list(self.subscribers):
            sub.push(self.visible_to(sub.who, changes))

    def visible_to(self, who: Staff, changes: Iterable[Change]) -> list[Change]:
        changes = list(changes)
        rooms = sorted({c.room for c in changes if c.room is not None})
        assigned = tables.assigned(self.store, who.name, rooms)
        return [c for c in changes if visible(c.topic, c.room, who, assigned)]

    # -- subscribers ---------------------------------------------------------------------

    def subscribe(self, who: Staff, since: str | None = None) -> Subscriber:
        """A new subscriber; ``since`` (an event id it saw) replays what it missed, or
        gives it a ``resync`` when that is no longer kept (or from before a restart)."""
        sub = Subscriber(who, self.queue_limit)
        unheard = False
        if not self.subscribers:  # nobody listened: what changed since was not told
            head = tables.head(self.store)
            unheard, self.seen = head != self.seen, head
            self._start_fallback()
        self.subscribers.add(sub)
        if since and unheard:
            sub.overflowed = True
            sub.woken.set()
        elif since:
            boot, _, number = since.partition("-")
            missed = [c for c in self.kept if number.isdigit() and c.seq > int(number)]
            oldest = self.kept[0].seq if self.kept else self.seq + 1
            if boot != self.boot or not number.isdigit() or int(number) + 1 < oldest:
                sub.overflowed = True
                sub.woken.set()
            else:
                sub.push(self.visible_to(who, missed))
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)
        if not self.subscribers and self._fallback is not None:
            self._fallback.cancel()
            self._fallback = None

    def close(self) -> None:
        """End every stream (the node stops)."""
        for sub in list(self.subscribers):
            sub.end()
            self.unsubscribe(sub)

    def _start_fallback(self) -> None:
        if self._fallback is not None:
            return
        try:
            self._fallback = asyncio.get_running_loop().create_task(self._read_every())
        except RuntimeError:
            pass

    async def _read_every(self) -> None:
        while True:
            await asyncio.sleep(FALLBACK)
            if tables.head(self.store) != self.seen:
                self.kick()
