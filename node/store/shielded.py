"""The tables of afscherming: ``shielded`` (the records a closure leaves sealed at this
node), ``shielded_openings`` (each opening for a purpose) and ``exports`` (the plan
exports written to the node's exports folder). ``node.domain.shielded`` writes them.
"""

from __future__ import annotations

import json
from typing import Any

from node.store.db import Store

META = "id, room, case_ref, kind, created, destroy_by, hold, hold_at, hold_by"


def insert(store: Store, record: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO shielded (id, room, case_ref, kind, created, destroy_by, wrapped, sealed)"
        " VALUES (:id, :room, :case_ref, :kind, :created, :destroy_by, :wrapped, :sealed)",
        record,
    )


def get(store: Store, record: bytes) -> dict[str, Any] | None:
    return store.row(f"SELECT {META}, wrapped, sealed FROM shielded WHERE id = ?", (record,))


def of_room(store: Store, room: bytes) -> list[dict[str, Any]]:
    return store.rows(f"SELECT {META} FROM shielded WHERE room = ? ORDER BY kind", (room,))


def listing(store: Store) -> list[dict[str, Any]]:
    """Every record's metadata with its number of openings, newest first."""
    return store.rows(
        f"SELECT {META}, (SELECT COUNT(*) FROM shielded_openings o WHERE o.record = s.id)"
        " AS openings FROM shielded s ORDER BY created DESC, kind"
    )


def rooms_with_record(store: Store) -> set[bytes]:
    return {bytes(r[0]) for r in store.execute("SELECT DISTINCT room FROM shielded")}


def held_rooms(store: Store) -> set[bytes]:
    return {bytes(r[0]) for r in store.execute("SELECT room FROM shielded WHERE hold IS NOT NULL")}


def due(store: Store, now: int) -> list[dict[str, Any]]:
    """Records past their latest destruction date and not under a legal hold."""
    return store.rows(f"SELECT {META} FROM shielded WHERE destroy_by < ? AND hold IS NULL", (now,))


def set_hold(
    store: Store, record: bytes, reason: str | None, at: int | None, by: str | None
) -> None:
    store.execute(
        "UPDATE shielded SET hold = ?, hold_at = ?, hold_by = ? WHERE id = ?",
        (reason, at, by, record),
    )


def delete(store: Store, record: bytes) -> None:
    """Destroy a record: its sealed content, its wrapped key and its openings
    (``secure_delete`` overwrites the rows)."""
    store.execute("DELETE FROM shielded WHERE id = ?", (record,))
    store.execute("DELETE FROM shielded_openings WHERE record = ?", (record,))


def add_opening(
    store: Store, record: bytes, *, at: int, staff: str, purpose: str, reason: str
) -> None:
    store.execute(
        "INSERT INTO shielded_openings (record, at, staff, purpose, reason) VALUES (?,?,?,?,?)",
        (record, at, staff, purpose, reason),
    )


def openings(store: Store, record: bytes) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT at, staff, purpose, reason FROM shielded_openings WHERE record = ? ORDER BY at",
        (record,),
    )


def share_meta(store: Store, share: bytes) -> dict[str, Any]:
    """What a record keeps of an own verstrekking besides its content."""
    row = store.row(
        "SELECT basis, categories, recipients, created FROM shares WHERE id = ? AND own = 1",
        (share,),
    )
    assert row is not None
    return {
        "basis": row["basis"],
        "categories": json.loads(row["categories"]),
        "recipients": json.loads(row["recipients"]),
        "at": row["created"],
    }


def share_index(store: Store, room: bytes) -> list[dict[str, Any]]:
    """The index of a room's verstrekkingen this node knows: metadata, no content."""
    return [
        {
            "share": bytes(r["id"]).hex(),
            "sender": r["sender"],
            "basis": r["basis"],
            "categories": json.loads(r["categories"]),
            "recipients": json.loads(r["recipients"]),
            "at": r["created"],
            "revoked": r["revoked_at"] is not None,
        }
        for r in store.rows(
            "SELECT id, sender, basis, categories, recipients, created, revoked_at"
            " FROM shares WHERE room = ? ORDER BY created, sender, id",
            (room,),
        )
    ]


# -- exports ------------------------------------------------------------------------------


def add_export(store: Store, row: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO exports (id, room, case_ref, file, created, staff, purpose)"
        " VALUES (:id, :room, :case_ref, :file, :created, :staff, :purpose)",
        row,
    )


def live_exports(store: Store, room: bytes) -> list[dict[str, Any]]:
    return store.rows("SELECT id, file FROM exports WHERE room = ? AND destroyed IS NULL", (room,))


def exports(store: Store) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT id, room, case_ref, file, created, staff, purpose, destroyed FROM exports"
        " ORDER BY created DESC"
    )


def mark_export_destroyed(store: Store, export: bytes, now: int) -> None:
    store.execute("UPDATE exports SET destroyed = ? WHERE id = ?", (now, export))


# -- the warning before an open room's term ends ---------------------------------------------


def unwarned_open_before(store: Store, horizon: int) -> list[dict[str, Any]]:
    """Rooms not closed whose term ends before ``horizon`` and that got no warning yet."""
    return store.rows(
        "SELECT room, case_ref, purge_after FROM rooms WHERE phase != 'closed'"
        " AND purge_after < ? AND term_warned IS NULL",
        (horizon,),
    )


def open_past_term(store: Store, now: int) -> list[dict[str, Any]]:
    """Rooms not closed whose term has ended, with when their warning was given."""
    return store.rows(
        "SELECT room, term_warned FROM rooms WHERE phase != 'closed' AND purge_after < ?",
        (now,),
    )


def mark_warned(store: Store, room: bytes, now: int) -> None:
    store.execute("UPDATE rooms SET term_warned = ? WHERE room = ?", (now, room))


def terms(store: Store) -> dict[bytes, int]:
    """Every room's end of term (``purge_after``)."""
    return {bytes(r[0]): int(r[1]) for r in store.execute("SELECT room, purge_after FROM rooms")}


def warned_at(store: Store, room: bytes) -> int | None:
    value = store.one("SELECT term_warned FROM rooms WHERE room = ?", (room,))
    return None if value is None else int(value)
