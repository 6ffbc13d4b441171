"""The node's SQLite store (through sqlite-utils): schema, migrations, transactions.

WAL mode with ``synchronous=FULL``: a commit is on disk before the node answers
with a receipt that promises it. Every state change and the envelopes it causes
are written in one transaction (:meth:`Store.transaction`), which is what makes
the outbox transactional. The schema has a version; :data:`MIGRATIONS` bring an
older file up to date at start.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from node.store.desk_schema import v16 as desk_v16
from node.store.notices_schema import create_tables as create_notice_tables
from node.store.shielded_schema import create_tables as create_shielded_tables
from protocol.errors import StorageError

SCHEMA_VERSION = 13


def _v1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("rosters").create({"version": int, "data": bytes, "accepted_at": int}, pk="version")
    db.table("rooms").create(
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
    db.table("events").create({"room": bytes, "seq": int, "data": bytes}, pk=("room", "seq"))
    db.table("room_keys").create(
        {"room": bytes, "public": bytes, "sealed": bytes, "created": int}, pk=("room", "public")
    )
    db.table("shares").create(
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
    db.table("shares").create_index(["room", "sender", "seq"])
    db.table("shares").create_index(["env_hash"])
    db.table("plaintext").create({"share": bytes, "sealed": bytes}, pk="share")
    db.table("deliveries").create(
        {"share": bytes, "peer": str, "state": str, "updated": int}, pk=("share", "peer")
    )
    db.table("outbox").create(
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
    db.table("outbox").create_index(["peer", "done_at", "id"])
    db.table("inbox").create(
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
    db.table("receipts").create(
        {"env_hash": bytes, "issuer": str, "kind": str, "room": bytes, "data": bytes, "at": int},
        pk=("env_hash", "issuer", "kind"),
    )
    db.table("receipts").create_index(["room", "kind"])
    db.table("seqs").create({"room": bytes, "sender": str, "seq": int}, pk=("room", "sender"))
    db.table("staff").create(
        {"name": str, "function": str, "pwhash": str, "intake": int, "created": int}, pk="name"
    )
    db.table("sessions").create(
        {"token_hash": bytes, "staff": str, "expires": int, "last_seen": int}, pk="token_hash"
    )
    db.table("assignments").create({"room": bytes, "staff": str}, pk=("room", "staff"))
    db.table("audit").create(
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
    db.table("audit").create_index(["case_ref"])


def _v2(db: sqlite_utils.Database) -> None:
    """Partial indexes for the room list: readable received shares, pending deliveries."""
    db.execute(
        "CREATE INDEX shares_readable ON shares (room) WHERE own = 0 AND envelope IS NOT NULL"
    )
    db.execute("CREATE INDEX deliveries_pending ON deliveries (share) WHERE state = 'pending'")


def _v3(db: sqlite_utils.Database) -> None:
    """Envelopes still waiting, by envelope hash (a share's delivery errors)."""
    db.execute("CREATE INDEX outbox_waiting ON outbox (env_hash) WHERE done_at IS NULL")


def _v4(db: sqlite_utils.Database) -> None:
    """Shares are keyed by (sender, id): a share id is only the sender's to choose, so
    another member re-using it (to have the real share refused) finds no collision."""
    columns = {c.name: c.type for c in db.table("shares").columns}
    kinds = {"BLOB": bytes, "TEXT": str, "INTEGER": int}
    db.table("shares_v4").create(
        {n: kinds.get(t.upper(), str) for n, t in columns.items()}, pk=("sender", "id")
    )
    names = ", ".join(columns)
    db.execute(f"INSERT INTO shares_v4 ({names}) SELECT {names} FROM shares")
    db.execute("DROP TABLE shares")
    db.execute("ALTER TABLE shares_v4 RENAME TO shares")
    db.table("shares").create_index(["room", "sender", "seq"])
    db.table("shares").create_index(["env_hash"])
    db.table("shares").create_index(["id"])
    db.execute(
        "CREATE INDEX shares_readable ON shares (room) WHERE own = 0 AND envelope IS NOT NULL"
    )


def _v5(db: sqlite_utils.Database) -> None:
    """Which staff member viewed which received share, for the unread counts.

    ``held`` is 1 while the share's content is held here; a trigger clears it when
    the content is deleted (revocation, closure), so that the room list counts the
    views of held shares from this table alone, without reading the shares.
    """
    db.table("views").create(
        {"staff": str, "room": bytes, "sender": str, "share": bytes, "at": int, "held": int},
        pk=("staff", "sender", "share"),
    )
    db.table("views").create_index(["sender", "share"])
    db.execute("CREATE INDEX views_held ON views (staff, room) WHERE held = 1")
    db.execute(
        "CREATE TRIGGER views_not_held AFTER UPDATE OF envelope ON shares"
        " WHEN NEW.envelope IS NULL AND OLD.envelope IS NOT NULL BEGIN"
        " UPDATE views SET held = 0 WHERE sender = NEW.sender AND share = NEW.id; END"
    )


def _v6(db: sqlite_utils.Database) -> None:
    """Indexes for what is polled: the open outbox per peer (partners screen, metrics)
    and one staff member's views in one room (the room screen, every second)."""
    db.execute("CREATE INDEX outbox_open_peer ON outbox (peer) WHERE done_at IS NULL")
    db.execute("CREATE INDEX views_staff_room ON views (staff, room)")


def _v7(db: sqlite_utils.Database) -> None:
    """Protocol v2 and the staff role model: the capacity a staff member acts in (a
    gemeente: burgemeester or college) and their roles, the capacity a share was
    supplied in; and the mandates a gemeente van
    verblijf gave this node to chair a case on its behalf."""
    db.execute("ALTER TABLE staff ADD COLUMN capacity TEXT")
    db.execute("ALTER TABLE staff ADD COLUMN roles TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE staff SET roles = 'intake' WHERE intake = 1")
    db.execute("ALTER TABLE shares ADD COLUMN capacity TEXT")
    db.table("mandates").create(
        {"case_ref": str, "gemeente": str, "data": bytes, "received_at": int},
        pk=("case_ref", "gemeente"),
    )


def _v8(db: sqlite_utils.Database) -> None:
    """The federation's replay guard across a restart: each verified request's nonce
    until it expires (``node/store/nonces.py``)."""
    db.table("nonces").create(
        {"caller": str, "nonce": bytes, "expires": int}, pk=("caller", "nonce")
    )
    db.table("nonces").create_index(["expires"])


def _v9(db: sqlite_utils.Database) -> None:
    """The gemeente's register of meldingen (``node/store/meldingen.py``): each signal
    with its summary and the melder's identity sealed at rest, and its history."""
    db.table("meldingen").create(
        {
            "id": int,
            "received": int,
            "source": str,
            "summary": bytes,
            "melder": bytes,
            "follow_up": str,
            "case_ref": str,
            "recorded_by": str,
            "created": int,
            "updated": int,
        },
        pk="id",
    )
    db.table("meldingen").create_index(["follow_up", "updated"])
    db.table("melding_history").create(
        {
            "melding": int,
            "at": int,
            "actor": str,
            "change": str,
            "follow_up": str,
            "case_ref": str,
        }
    )
    db.table("melding_history").create_index(["melding"])


def _v10(db: sqlite_utils.Database) -> None:
    """Aanmeldingen (Wet PGA art. 5): cases registered with this node, forwarded to it
    or registered by it, the room convened from one, and the notice that a case was
    not put to the casusoverleg (``node/store/aanmeldingen.py``)."""
    db.table("aanmeldingen").create(
        {
            "id": bytes,
            "case_ref": str,
            "aanmelder": str,
            "verblijf": str,
            "to_node": str,
            "recipients": str,
            "time": int,
            "own": int,
            "via": str,
            "received_at": int,
            "forwarded": int,
            "envelope": bytes,
            "env_hash": bytes,
            "sealed": bytes,
            "room": bytes,
            "outcome": str,
            "decided_at": int,
            "notice": bytes,
            "notice_from": str,
            "notice_at": int,
            "delivered": str,
            "purge_after": int,
        },
        pk="id",
    )
    db.table("aanmeldingen").create_index(["case_ref"])
    db.table("aanmeldingen").create_index(["env_hash"])


def _v11(db: sqlite_utils.Database) -> None:
    """Information requests (``node/store/inquiries.py``): the ones this node asked and
    those it was asked, with how each was settled; a decline's reasons only at the
    node that declined, sealed with the master key."""
    db.table("inquiries").create(
        {
            "id": bytes,
            "room": bytes,
            "asker": str,
            "asked": str,
            "epoch": int,
            "created": int,
            "envelope": bytes,
            "env_hash": bytes,
            "own": int,
            "author": str,
            "sealed": bytes,
            "status": str,
            "answer": bytes,
            "settled_at": int,
            "settled_by": str,
            "reason": bytes,
            "received_at": int,
        },
        pk=("asker", "id"),
    )
    db.table("inquiries").create_index(["room", "created"])


def _v12(db: sqlite_utils.Database) -> None:
    """A Wgs room's referral to the Wet PGA (art. 2.31 lid 13): the aanmelding this
    node registered from that room records the room (``node/domain/referral.py``)."""
    db.table("aanmeldingen").add_column("referred_from", bytes)
    db.table("aanmeldingen").create_index(["referred_from"])


def _v13(db: sqlite_utils.Database) -> None:
    """Afscherming: the shielded records, their openings, the plan exports and the term
    warning (``node/store/shielded.py``; the schema in ``shielded_schema``)."""
    create_shielded_tables(db)


#: version -> migration to that version from the one before
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _v1,
    2: _v2,
    3: _v3,
    4: _v4,
    5: _v5,
    6: _v6,
    7: _v7,
    8: _v8,
    9: _v9,
    10: _v10,
    11: _v11,
    12: _v12,
    13: _v13,
}


class DamagedStoreError(StorageError):
    """The node's database is damaged. The node does not start on it and changes
    nothing: keep the file, and restore the last backup (docs/operations.md,
    "Backup and restore")."""

    code = "storage.damaged"


@dataclass(frozen=True)
class StoreCheck:
    """What :meth:`Store.check` found: SQLite's messages (empty: nothing wrong), whether
    every page was read, and how long it took."""

    problems: list[str]
    complete: bool
    seconds: float


class Store:
    """One node's database. Not shared between threads."""

    def __init__(self, path: Path | str) -> None:
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open {path}: {exc}") from None
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:  # "file is not a database": a damaged header
            conn.close()
            raise DamagedStoreError(f"{path}: {exc}") from None
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        # deleted rows (revoked ciphertext, destroyed keys) are overwritten, not left behind
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._before_commit: dict[str, Callable[[], None]] = {}
        self._on_rollback: list[Callable[[], None]] = []
        self.audit_key: bytes | None = None  # set by whoever holds the master key
        self._savepoints = 0
        try:
            self.migrate()
        except sqlite3.DatabaseError as exc:  # a damaged page met on the way
            conn.close()
            raise DamagedStoreError(f"{path}: {exc}") from None
        except BaseException:
            conn.close()
            raise

    def check(self, *, full: bool, budget: float | None = None) -> StoreCheck:
        """SQLite's own check of every page: ``integrity_check`` (``full``) or the
        cheaper ``quick_check``, stopped after ``budget`` seconds when one is given (a
        start-up on a large store stays fast; what was read was checked)."""
        start = time.monotonic()
        deadline = None if budget is None else start + budget

        def out_of_time() -> int:
            return int(deadline is not None and time.monotonic() > deadline)

        self.conn.set_progress_handler(out_of_time, 10_000)
        try:
            pragma = "integrity_check(20)" if full else "quick_check(20)"
            rows = [str(r[0]) for r in self.conn.execute(f"PRAGMA {pragma}")]
            complete = True
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                rows, complete = [str(exc)], True
            else:
                rows, complete = ["ok"], False
        except sqlite3.DatabaseError as exc:
            rows, complete = [str(exc)], True
        finally:
            self.conn.set_progress_handler(None, 0)
        problems = [] if rows == ["ok"] else rows
        return StoreCheck(problems, complete, time.monotonic() - start)

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
    def transaction(self, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` (nested calls join the outer one).

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL``:
        safe against a crash of the node, not of the machine), for bookkeeping that
        promises nobody anything and is rebuilt by a retry, such as recording a
        receipt; the default (``FULL``) is for what a receipt of ours promises.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        if not durable:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageError(f"the database is busy or unavailable: {exc}") from None
            self._depth = 1
            try:
                yield self.conn
                for hook in self._before_commit.values():
                    hook()
            except BaseException:
                self.conn.execute("ROLLBACK")
                self._rolled_back()
                raise
            finally:
                self._depth = 0
                self._before_commit.clear()
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self.conn.execute("ROLLBACK")
                self._rolled_back()
                raise StorageError(str(exc)) from None
        finally:
            if not durable:
                self.conn.execute("PRAGMA synchronous=FULL")
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: undo only this block's changes if it raises."""
        self._savepoints += 1
        name = f"sp{self._savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            for hook in self._on_rollback:
                hook()
            raise
        else:
            self.conn.execute(f"RELEASE {name}")
        finally:
            self._savepoints -= 1

    def _rolled_back(self) -> None:
        self._after_commit.clear()
        for hook in self._on_rollback:
            hook()

    def before_commit(self, key: str, hook: Callable[[], None]) -> None:
        """Run ``hook`` once, just before the current transaction commits."""
        self._before_commit[key] = hook

    def on_rollback(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` whenever a transaction or savepoint is rolled back (for caches)."""
        self._on_rollback.append(hook)

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


def _v14(db: sqlite_utils.Database) -> None:
    """Transfers to another gemeente, Wet PGA art. 7 (``node/store/transfers.py``): this
    node's side as origin or receiver, what it was asked as a supplier, and the status
    of each verstrekking; an objection's reason sealed at the supplier only, supplied
    content (the answer envelope, sealed to its box key) at the receiver only."""
    db.table("transfers").create({
        "id": bytes, "role": str, "room": bytes, "case_ref": str, "origin": str,
        "receiver": str, "ground": str, "aanmelding": bytes, "deadline": int, "time": int,
        "envelope": bytes, "env_hash": bytes, "author": str, "created_at": int,
        "expired_at": int,
    }, pk="id")  # fmt: skip
    db.table("transfer_requests").create({
        "transfer": bytes, "origin": str, "receiver": str, "room": bytes, "case_ref": str,
        "ground": str, "deadline": int, "time": int, "envelope": bytes, "env_hash": bytes,
        "received_at": int, "expired_at": int,
    }, pk="transfer")  # fmt: skip
    db.table("transfer_items").create({
        "transfer": bytes, "supplier": str, "share": bytes, "status": str, "basis": str,
        "categories": str, "answered_at": int, "answered_by": str, "reason": bytes,
        "envelope": bytes, "env_hash": bytes,
    }, pk=("transfer", "supplier", "share"))  # fmt: skip


MIGRATIONS[14] = _v14
MIGRATIONS[15] = create_notice_tables  # notices by e-mail (notices_schema.py)
MIGRATIONS[16] = desk_v16  # sessions bound to an OS account (desk_schema.py)
SCHEMA_VERSION = max(SCHEMA_VERSION, 16)
