"""The tables of room chains: ``events``, the ``rooms`` summary, ``room_keys``.

``node.domain.rooms`` is their one writer (and ``node.domain.membership`` keeps the
``mandates`` a gemeente gave this node); the retention job reads which rooms are
due (:func:`due_for_closure`, :func:`due_for_purge`) and :func:`purge` removes one.
"""

from __future__ import annotations

import json
from typing import Any

from node.store.db import Store


def events(store: Store, room: bytes) -> list[bytes]:
    """Every stored event of a room, in chain order."""
    return [
        r[0] for r in store.execute("SELECT data FROM events WHERE room = ? ORDER BY seq", (room,))
    ]


def events_after(store: Store, room: bytes, after: int, limit: int) -> list[bytes]:
    """The room's events with seq > ``after`` (at most ``limit``)."""
    return [
        r[0]
        for r in store.execute(
            "SELECT data FROM events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?",
            (room, after, limit),
        )
    ]


def top_seq(store: Store, room: bytes) -> int | None:
    """The highest stored ``seq`` of a room (``None``: no events). Above the number of
    events less one only where a former member stored the close alone (a close notice)."""
    value = store.one("SELECT MAX(seq) FROM events WHERE room = ?", (room,))
    return None if value is None else int(value)


def event_at(store: Store, room: bytes, seq: int) -> bytes | None:
    data = store.one("SELECT data FROM events WHERE room = ? AND seq = ?", (room, seq))
    return None if data is None else bytes(data)


def insert_event(store: Store, room: bytes, seq: int, data: bytes) -> None:
    store.execute("INSERT INTO events (room, seq, data) VALUES (?, ?, ?)", (room, seq, data))


def upsert_summary(store: Store, summary: dict[str, Any]) -> None:
    """Insert or update a room's summary row (the columns the lists and jobs read)."""
    store.execute(
        "INSERT INTO rooms (room, case_ref, chair, phase, epoch, seq, created, updated,"
        " closed_at, outcome, meeting, bases, purge_after, keys_destroyed,"
        " closed_receipt_sent) VALUES (:room, :case_ref, :chair, :phase, :epoch, :seq,"
        " :created, :updated, :closed_at, :outcome, :meeting, :bases, :purge_after, 0, 0)"
        " ON CONFLICT(room) DO UPDATE SET phase=excluded.phase, epoch=excluded.epoch,"
        " seq=excluded.seq, updated=excluded.updated, closed_at=excluded.closed_at,"
        " outcome=excluded.outcome, purge_after=excluded.purge_after",
        {**summary, "bases": json.dumps(list(summary["bases"]))},
    )


def keep_mandate(store: Store, case_ref: str, gemeente: str, data: bytes, now: int) -> None:
    """Keep the newest mandate a gemeente gave this node for a case."""
    store.execute(
        "INSERT OR REPLACE INTO mandates (case_ref, gemeente, data, received_at)"
        " VALUES (?, ?, ?, ?)",
        (case_ref, gemeente, data, now),
    )


def mandate(store: Store, case_ref: str, gemeente: str) -> bytes | None:
    data = store.one(
        "SELECT data FROM mandates WHERE case_ref = ? AND gemeente = ?", (case_ref, gemeente)
    )
    return None if data is None else bytes(data)


def insert_key(store: Store, room: bytes, public: bytes, sealed: bytes, now: int) -> None:
    store.execute(
        "INSERT INTO room_keys (room, public, sealed, created) VALUES (?, ?, ?, ?)",
        (room, public, sealed, now),
    )


def sealed_key(store: Store, room: bytes, public: bytes) -> bytes | None:
    sealed = store.one("SELECT sealed FROM room_keys WHERE room = ? AND public = ?", (room, public))
    return None if sealed is None else bytes(sealed)


def destroy_keys(store: Store, room: bytes, *, mark: bool = True) -> int:
    """Delete the room's private keys and (``mark``) flag the room's keys destroyed;
    returns how many went. A node taken out of a room deletes its keys unflagged: it
    may be invited and join again with a new key."""
    n = store.execute("DELETE FROM room_keys WHERE room = ?", (room,)).rowcount
    if mark:
        store.execute("UPDATE rooms SET keys_destroyed = 1 WHERE room = ?", (room,))
    return int(n)


def closure_sent(store: Store, room: bytes) -> bool:
    """Whether this node has finished the room's closure (its receipts are queued)."""
    return bool(store.one("SELECT closed_receipt_sent FROM rooms WHERE room = ?", (room,)))


def mark_closure_sent(store: Store, room: bytes) -> None:
    store.execute("UPDATE rooms SET closed_receipt_sent = 1 WHERE room = ?", (room,))


def due_for_closure(store: Store, closed_before: int) -> list[bytes]:
    """Closed rooms whose closure this node has not finished, closed at or before a time."""
    return [
        r["room"]
        for r in store.rows(
            "SELECT room FROM rooms WHERE phase = 'closed' AND closed_receipt_sent = 0"
            " AND closed_at <= ?",
            (closed_before,),
        )
    ]


def due_for_purge(store: Store, now: int) -> list[tuple[bytes, str]]:
    """Rooms (and their case reference) whose retention term has ended."""
    return [
        (r["room"], r["case_ref"])
        for r in store.rows("SELECT room, case_ref FROM rooms WHERE purge_after < ?", (now,))
    ]


PURGED_BY_ROOM = (
    "events", "room_keys", "receipts", "assignments", "outbox", "inbox", "views", "aanmeldingen",
    "inquiries",
)  # fmt: skip


def purge(store: Store, room: bytes) -> int:
    """Remove everything the node holds of a room but its audit entries; returns the
    number of share rows removed (caller's transaction)."""
    for table in PURGED_BY_ROOM:
        store.execute(f"DELETE FROM {table} WHERE room = ?", (room,))
    ids = [r[0] for r in store.execute("SELECT id FROM shares WHERE room = ?", (room,))]
    for share_id in ids:
        store.execute("DELETE FROM deliveries WHERE share = ?", (share_id,))
        store.execute("DELETE FROM plaintext WHERE share = ?", (share_id,))
    store.execute("DELETE FROM shares WHERE room = ?", (room,))
    store.execute("DELETE FROM rooms WHERE room = ?", (room,))
    return len(ids)
