"""The SQL behind the operator's tools: backup and restore, resync, doctor, case export.

The tools in ``node/tools/`` write no SQL of their own; what they read or change in
a node's database is named here. Most functions take a :class:`Store`; the backup
works on plain ``sqlite3`` connections to copies of the database file, so those take
a path or a connection.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from node.store.db import Store

# --- the database file (backup and restore) -----------------------------------------------


def online_copy(db_path: Path, dest: Path) -> None:
    """A consistent copy of a live database into ``dest`` (SQLite online backup).

    The source is opened read-only and may be in use by the running node (WAL
    included); the copy is left in rollback-journal mode, one self-contained file.
    Raises ``sqlite3.Error`` when the copy fails.
    """
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        src.execute("PRAGMA busy_timeout=5000")
        dst = sqlite3.connect(str(dest))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version of a database file (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def newest_roster(conn: sqlite3.Connection) -> bytes | None:
    """The newest signed roster a node took in, as stored (None before the first)."""
    row = conn.execute("SELECT data FROM rosters ORDER BY version DESC LIMIT 1").fetchone()
    return None if row is None else bytes(row[0])


def integrity_check(db_path: Path) -> str:
    """SQLite's ``integrity_check`` of a database file: ``"ok"``, its first finding,
    or ``"unreadable"`` when the file does not open as a database."""
    try:
        with contextlib.closing(sqlite3.connect(str(db_path))) as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.Error:
        return "unreadable"


def end_all_sessions(store: Store) -> None:
    """Log every staff member out (a restored node honours no session from before)."""
    store.execute("DELETE FROM sessions")


def fold_into_one_file(store: Store) -> None:
    """Fold the WAL into the database and leave it a single file, ready to be copied."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.conn.execute("PRAGMA journal_mode=DELETE")


# --- resynchronising a restored node ---------------------------------------------------------


def room_ids(store: Store) -> list[bytes]:
    """Every room this node holds a chain of."""
    return [bytes(r[0]) for r in store.execute("SELECT room FROM rooms").fetchall()]


def last_seq(store: Store, room: bytes, sender: str) -> int:
    """The highest ``seq`` taken in from ``sender`` in ``room`` (0 for none)."""
    value = store.one("SELECT seq FROM seqs WHERE room = ? AND sender = ?", (room, sender))
    return int(value or 0)


def delete_meta(store: Store, key: str) -> None:
    """Forget a ``meta`` setting (the counterpart of :meth:`Store.set_meta`)."""
    store.execute("DELETE FROM meta WHERE key = ?", (key,))


# --- doctor ----------------------------------------------------------------------------------


def pending_envelopes(store: Store) -> int:
    """How many envelopes in the outbox still wait for their receipt."""
    return int(store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"))


# --- the export of a case (``casusnet audit export``) ----------------------------------------


def case_rooms(store: Store, case_ref: str) -> list[dict[str, Any]]:
    """The rooms held for a case: room id, phase, chair, closed_at and outcome."""
    return store.rows(
        "SELECT room, phase, chair, closed_at, outcome FROM rooms WHERE case_ref = ?", (case_ref,)
    )


def room_shares(store: Store, room: bytes) -> list[dict[str, Any]]:
    """The shares of a room, oldest first, without their content.

    ``categories`` and ``recipients`` are decoded from their JSON column; ``own`` is
    true for shares this node sent.
    """
    shares = store.rows(
        "SELECT id, sender, own, basis, categories, recipients, created, revoked_at,"
        " deleted_at FROM shares WHERE room = ? ORDER BY created",
        (room,),
    )
    for s in shares:
        s["categories"] = json.loads(s["categories"])
        s["recipients"] = json.loads(s["recipients"])
    return shares


def share_deliveries(store: Store, share: bytes) -> dict[str, str]:
    """Where an own share stands with each recipient: ``{peer: state}``."""
    return {
        d["peer"]: d["state"]
        for d in store.rows("SELECT peer, state FROM deliveries WHERE share = ?", (share,))
    }
