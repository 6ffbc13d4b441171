"""The tables of notices by e-mail: each staff member's choice and the durable queue.

A queued notice is one row keyed by staff member, kind and subject (the dedupe key):
queued once, retried until sent, and kept once sent so it is never sent again. Its
subject and body hold the case reference and what happened, nothing else (see
``node.domain.notices``). Nothing here leaves the node but the mail itself.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store

#: a notice not sent yet and not given up
WAITING = "sent_at IS NULL AND expired_at IS NULL"


def settings(store: Store, staff: str) -> dict[str, Any] | None:
    """The staff member's choice: ``address``, ``kinds`` (comma-separated), ``lang``,
    ``since`` (when they opted in) and ``updated``; None when never set."""
    return store.row(
        "SELECT staff, address, kinds, lang, since, updated FROM notice_settings WHERE staff = ?",
        (staff,),
    )


def save_settings(
    store: Store, staff: str, address: str, kinds: list[str], lang: str, since: int, now: int
) -> None:
    store.execute(
        "INSERT OR REPLACE INTO notice_settings (staff, address, kinds, lang, since, updated)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (staff, address, ",".join(kinds), lang, since, now),
    )


def subscribers(store: Store) -> list[dict[str, Any]]:
    """Every staff member with an address and at least one kind chosen, whose account
    still exists."""
    return store.rows(
        "SELECT n.staff, n.address, n.kinds, n.lang, n.since FROM notice_settings n"
        " JOIN staff s ON s.name = n.staff WHERE n.address != '' AND n.kinds != ''"
        " ORDER BY n.staff"
    )


def queued(store: Store, key: str) -> bool:
    return bool(store.one("SELECT 1 FROM notice_queue WHERE key = ?", (key,)))


def enqueue(store: Store, row: dict[str, Any]) -> bool:
    """Queue a notice unless its key is queued or sent already; True when queued."""
    cur = store.execute(
        "INSERT OR IGNORE INTO notice_queue (key, staff, kind, room, case_ref, address, subject,"
        " body, created, attempts, next_at, sent_at, last_error)"
        " VALUES (:key, :staff, :kind, :room, :case_ref, :address, :subject, :body, :created,"
        " 0, :created, NULL, NULL)",
        row,
    )
    return cur.rowcount == 1


def due(store: Store, now: int, limit: int = 50) -> list[dict[str, Any]]:
    """Notices not sent whose next attempt is due, oldest first."""
    return store.rows(
        "SELECT key, staff, kind, room, case_ref, address, subject, body, attempts"
        f" FROM notice_queue WHERE {WAITING} AND next_at <= ? ORDER BY created, key"
        " LIMIT ?",
        (now, limit),
    )


def next_attempt(store: Store) -> int | None:
    """When the earliest unsent notice is due (None: nothing waits)."""
    value = store.one(f"SELECT MIN(next_at) FROM notice_queue WHERE {WAITING}")
    return None if value is None else int(value)


def mark_sent(store: Store, key: str, now: int) -> None:
    store.execute(
        "UPDATE notice_queue SET sent_at = ?, attempts = attempts + 1, last_error = NULL"
        " WHERE key = ?",
        (now, key),
    )


def mark_failed(store: Store, key: str, next_at: int, reason: str) -> int:
    """Record a failed attempt; returns the number of attempts so far."""
    store.execute(
        "UPDATE notice_queue SET attempts = attempts + 1, next_at = ?, last_error = ?"
        " WHERE key = ?",
        (next_at, reason, key),
    )
    return int(store.one("SELECT attempts FROM notice_queue WHERE key = ?", (key,)) or 0)


def pending(store: Store, staff: str | None = None) -> int:
    """How many notices wait to be sent (of ``staff``, or of all)."""
    if staff is None:
        return int(store.one(f"SELECT COUNT(*) FROM notice_queue WHERE {WAITING}"))
    return int(
        store.one(f"SELECT COUNT(*) FROM notice_queue WHERE {WAITING} AND staff = ?", (staff,))
    )


def recent(store: Store, staff: str, limit: int = 20) -> list[dict[str, Any]]:
    """The staff member's latest notices: kind, case, when queued, sent or given up,
    attempts."""
    return store.rows(
        "SELECT kind, case_ref, created, sent_at, expired_at, attempts FROM notice_queue"
        " WHERE staff = ?"
        " ORDER BY created DESC, key LIMIT ?",
        (staff, limit),
    )


def drop_unsent(store: Store, staff: str, kinds: list[str] | None = None) -> int:
    """Forget the unsent notices of ``staff`` (of kinds not in ``kinds``, or all): a
    staff member who opts out gets nothing more."""
    keep = kinds or []
    marks = ",".join("?" for _ in keep) or "''"
    cur = store.execute(
        f"DELETE FROM notice_queue WHERE staff = ? AND {WAITING} AND kind NOT IN ({marks})",
        (staff, *keep),
    )
    return int(cur.rowcount)


def assigned_rooms(store: Store, staff: str) -> list[dict[str, Any]]:
    """The rooms ``staff`` is assigned to that are not closed: room and case reference."""
    return store.rows(
        "SELECT r.room, r.case_ref FROM rooms r JOIN assignments a ON a.room = r.room"
        " AND a.staff = ? WHERE r.phase != 'closed' ORDER BY r.room",
        (staff,),
    )


def received_shares(store: Store, room: bytes, since: int) -> list[bytes]:
    """The verstrekkingen received in ``room`` at or after ``since`` and still held."""
    return [
        bytes(r[0])
        for r in store.execute(
            "SELECT id FROM shares WHERE room = ? AND own = 0 AND envelope IS NOT NULL"
            " AND received_at >= ? AND revoked_at IS NULL ORDER BY received_at, id",
            (room, since),
        )
    ]


def readdress_unsent(store: Store, staff: str, address: str) -> None:
    """Send what waits of ``staff`` to the address they chose now."""
    store.execute(
        f"UPDATE notice_queue SET address = ? WHERE staff = ? AND {WAITING}", (address, staff)
    )


def change_mark(store: Store) -> tuple[int, int]:
    """Changes with every event and verstrekking the node stores (the newest rows of
    ``events`` and ``shares``): cheap to read, so the notices follow events quickly."""
    row = store.row(
        "SELECT (SELECT MAX(rowid) FROM events) AS e, (SELECT MAX(rowid) FROM shares) AS s"
    )
    return (int(row["e"] or 0), int(row["s"] or 0)) if row else (0, 0)


def expire(store: Store, before: int, now: int) -> list[dict[str, Any]]:
    """Give up the notices queued before ``before`` and not sent (their news is stale);
    returns them (staff, kind, room)."""
    rows = store.rows(
        f"SELECT key, staff, kind, room, attempts FROM notice_queue WHERE {WAITING}"
        " AND created < ?",
        (before,),
    )
    store.execute(
        f"UPDATE notice_queue SET expired_at = ? WHERE {WAITING} AND created < ?", (now, before)
    )
    return rows
