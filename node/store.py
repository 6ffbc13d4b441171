"""The node's SQLite store (through sqlite-utils): schema, migrations, transactions.

WAL mode with ``synchronous=FULL``: a commit is on disk before the node answers
with a receipt that promises it. Every state change and the envelopes it causes
are written in one transaction (:meth:`Store.transaction`), which is what makes
the outbox transactional. The schema has a version; :data:`MIGRATIONS` bring an
older file up to date at start.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from protocol.errors import StorageError

SCHEMA_VERSION = 1


def _v1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["rosters"].create({"version": int, "data": bytes, "accepted_at": int}, pk="version")
    db["rooms"].create(
        {
            "room": bytes,
            "case_ref": str,
            "chair": str,
            "phase": str,
            "epoch": int,
            "seq": int,
            "created": int,
            "updated": int,
            "closed_at": int,
            "outcome": str,
            "meeting": int,
            "bases": str,
            "purge_after": int,
            "keys_destroyed": int,
            "closed_receipt_sent": int,
        },
        pk="room",
    )
    db["events"].create({"room": bytes, "seq": int, "data": bytes}, pk=("room", "seq"))
    db["room_keys"].create(
        {"room": bytes, "public": bytes, "sealed": bytes, "created": int}, pk=("room", "public")
    )
    db["shares"].create(
        {
            "id": bytes,
            "room": bytes,
            "sender": str,
            "seq": int,
            "epoch": int,
            "basis": str,
            "categories": str,
            "recipients": str,
            "created": int,
            "envelope": bytes,
            "env_hash": bytes,
            "own": int,
            "received_at": int,
            "revoked_at": int,
            "deleted_at": int,
            "author": str,
        },
        pk="id",
    )
    db["shares"].create_index(["room", "sender", "seq"])
    db["plaintext"].create({"share": bytes, "sealed": bytes}, pk="share")
    db["deliveries"].create(
        {"share": bytes, "peer": str, "state": str, "updated": int}, pk=("share", "peer")
    )
    db["outbox"].create(
        {
            "id": int,
            "peer": str,
            "kind": str,
            "room": bytes,
            "envelope": bytes,
            "env_hash": bytes,
            "created": int,
            "attempts": int,
            "next_at": float,
            "done_at": int,
            "last_error": str,
        },
        pk="id",
    )
    db["outbox"].create_index(["peer", "done_at", "id"])
    db["inbox"].create(
        {
            "env_hash": bytes,
            "sender": str,
            "kind": str,
            "room": bytes,
            "receipt": bytes,
            "received_at": int,
        },
        pk="env_hash",
    )
    db["receipts"].create(
        {"env_hash": bytes, "issuer": str, "kind": str, "room": bytes, "data": bytes, "at": int},
        pk=("env_hash", "issuer", "kind"),
    )
    db["receipts"].create_index(["room", "kind"])
    db["seqs"].create({"room": bytes, "sender": str, "seq": int}, pk=("room", "sender"))
    db["staff"].create(
        {"name": str, "function": str, "pwhash": str, "intake": int, "created": int}, pk="name"
    )
    db["sessions"].create(
        {"token_hash": bytes, "staff": str, "expires": int, "last_seen": int}, pk="token_hash"
    )
    db["assignments"].create({"room": bytes, "staff": str}, pk=("room", "staff"))
    db["audit"].create(
        {
            "seq": int,
            "at": int,
            "actor": str,
            "action": str,
            "room": bytes,
            "case_ref": str,
            "detail": str,
            "prev": bytes,
            "hash": bytes,
        },
        pk="seq",
    )
    db["audit"].create_index(["case_ref"])


#: version -> migration to that version from the one before
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _v1}


class Store:
    """One node's database. Not shared between threads."""

    def __init__(self, path: Path | str) -> None:
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from None
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # deleted rows (revoked ciphertext, destroyed keys) are overwritten, not left behind
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self.migrate()

    def migrate(self) -> int:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(f"database schema {version} is newer than this software")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                MIGRATIONS[target](self.db)
                self.conn.execute(f"PRAGMA user_version={target}")
        return SCHEMA_VERSION

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (nested calls join the outer one)."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self._after_commit.clear()
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.conn.execute("ROLLBACK")
            self._after_commit.clear()
            raise StorageError(str(exc)) from None
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def one(self, sql: str, params: Any = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def row(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def checkpoint(self) -> None:
        """Fold the WAL into the database and truncate it (after secure deletes).

        With ``secure_delete`` the deleted rows are zeroed in the database file; the
        WAL still holds the old pages until this runs.
        """
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise StorageError("the WAL could not be truncated: a reader is active")

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the current transaction has committed."""
        if self._depth:
            if callback not in self._after_commit:
                self._after_commit.append(callback)
        else:
            callback()

    def get_meta(self, key: str) -> str | None:
        value = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def close(self) -> None:
        self.conn.close()
