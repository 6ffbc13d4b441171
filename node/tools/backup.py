"""Backup and restore of a node, and the resynchronisation a restored node needs.

A bundle (``casusnet backup``) is one file, mode 0600::

    MAGIC                          16 bytes, b"CASUSNET-BACKUP\\n"
    header length                  4 bytes, big endian
    header                         canonical JSON (sorted keys, no spaces)
    payload                        SecretBox(master.derive("casusnet/backup"))

The header is public (format, node id, creation time, schema version, how the master
key is obtained and the Argon2 salt, the payload's SHA-256 and size); the payload is
msgpack ``{"header": bytes, "files": {name: bytes}}`` with a consistent copy of
``node.db`` (SQLite's online backup API, so the node may keep running), the
configuration, the sealed identity and its key history, and the newest roster. It
never holds the master key: the operator keeps the key file (or the passphrase)
apart, and a restore needs it. The payload repeats the header, so an edited header
is found when the payload opens.

A restore is to an older state of the node while its partners moved on. What the
node does about that (``node.faces.federation.resync``; the decision is in ``docs/decisions.md``):

- its own per-sender ``seq`` in every room jumps to a floor above anything the lost
  incarnation can have used (:func:`seq_floor`), so no number is used twice for
  different envelopes; receivers treat the jump as a gap and ask, which is harmless;
- its outbox continues as it was at the backup: what was already delivered is
  answered as a duplicate with the same receipt, the rest is delivered;
- at start it fetches each room's chain from the chair (or, for rooms it chairs,
  from the members) and asks every other sender for what it sent after the last
  ``seq`` seen, so events, shares and revocations received after the backup are
  applied again;
- a room whose member key was made after the backup (and so is lost) gets a fresh
  key through a new join.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.secret import SecretBox

from node.config import CONFIG_NAME, Config, load
from node.faces.federation.resync import RESYNC_KEY
from node.store import audit, keystore, maintenance
from node.store.db import SCHEMA_VERSION, Store
from protocol.errors import CasusnetError

log = logging.getLogger("casusnet.backup")

MAGIC = b"CASUSNET-BACKUP\n"
FORMAT = 1
MAX_HEADER = 64 << 10
#: the files of a data dir a restore needs besides node.db (those that exist)
DATA_FILES = (
    CONFIG_NAME,
    "identity.sealed",
    keystore.HISTORY_NAME,
    keystore.NEXT_NAME,
    "member.json",
    "member-rotate.json",
)
#: meta keys a restored node keeps until its resynchronisation is complete
RESTORED_KEY = "restored_at"
SEQ_FLOOR_KEY = "seq_floor"
SEQ_SHIFT = 20


class BackupError(CasusnetError):
    """The backup could not be made or restored."""

    code = "backup"


class BackupFormatError(BackupError):
    """This file is not a casusnet backup, or it is truncated."""

    code = "backup.format"


class BackupVersionError(BackupError):
    """This backup was made in a format or schema this software does not read."""

    code = "backup.version"


class BackupIntegrityError(BackupError):
    """The backup is damaged or was changed after it was made; nothing was restored."""

    code = "backup.integrity"


class BackupKeyError(BackupError):
    """The backup does not open with this master key (key file or passphrase)."""

    code = "backup.key"


class RestoreTargetError(BackupError):
    """The data dir for the restore is not empty; give an empty one, or --force."""

    code = "backup.target"


# --- making a backup ---------------------------------------------------------------------


def _copy_db(db_path: Path, dest: Path) -> None:
    """A consistent copy of the live database (SQLite online backup; WAL included)."""
    try:
        maintenance.online_copy(db_path, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"copying node.db: {exc}") from None


def _bundle_key(master: keystore.MasterKey) -> bytes:
    return master.derive("casusnet/backup")


def make_backup(
    config: Config, master: keystore.MasterKey, out: Path, *, now: int
) -> dict[str, Any]:
    """Write a bundle of the node to ``out`` (mode 0600); returns its header."""
    files: dict[str, bytes] = {}
    for name in DATA_FILES:
        path = config.data_dir / name
        if path.exists():
            files[name] = path.read_bytes()
    if "identity.sealed" not in files:
        raise BackupError("no identity in the data dir")
    keystore.load_identity(config, master)  # the master key given is this node's
    for label, tls in (("tls_cert", config.tls_cert), ("tls_key", config.tls_key)):
        if tls is not None and tls.exists():
            files[label] = tls.read_bytes()
    with tempfile.TemporaryDirectory(prefix="casusnet-backup-") as tmp:
        os.chmod(tmp, 0o700)
        copy = Path(tmp) / "node.db"
        _copy_db(config.db_path, copy)
        with contextlib.closing(sqlite3.connect(str(copy))) as conn:
            schema = maintenance.schema_version(conn)
            roster = maintenance.newest_roster(conn)
        files["node.db"] = copy.read_bytes()
    if roster is not None:
        files["roster"] = roster
    header = {
        "format": FORMAT,
        "node": config.node_id,
        "org": config.org,
        "created": now,
        "schema": schema,
        "master": config.master,
        "salt": config.salt.hex(),
    }
    header_bytes = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    plain = msgpack.packb({"header": header_bytes, "files": files}, use_bin_type=True)
    payload = bytes(SecretBox(_bundle_key(master)).encrypt(plain))
    header["payload_sha256"] = hashlib.sha256(payload).hexdigest()
    header["payload_size"] = len(payload)
    outer = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    keystore.write_private(out, MAGIC + struct.pack(">I", len(outer)) + outer + payload)
    return header


# --- reading and restoring -------------------------------------------------------------------


def read_header(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The public header and the payload; checks format, version, size and hash."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        raise BackupFormatError("no casusnet backup header")
    (size,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if size > MAX_HEADER or len(data) < start + size:
        raise BackupFormatError("truncated header")
    try:
        header = json.loads(data[start : start + size])
        if not isinstance(header, dict):
            raise ValueError
        version = header["format"]
        expected_size = int(header["payload_size"])
        expected_hash = str(header["payload_sha256"])
    except (ValueError, KeyError, TypeError):
        raise BackupFormatError("unreadable header") from None
    if version != FORMAT:
        raise BackupVersionError(f"format {version!r}; this software reads {FORMAT}")
    if not isinstance(header.get("schema"), int) or header["schema"] > SCHEMA_VERSION:
        raise BackupVersionError(f"schema {header.get('schema')!r} is newer than this software")
    payload = data[start + size :]
    if len(payload) != expected_size:
        raise BackupFormatError(f"payload is {len(payload)} bytes, expected {expected_size}")
    if hashlib.sha256(payload).hexdigest() != expected_hash:
        raise BackupIntegrityError("payload hash does not match")
    return header, payload


def open_payload(
    header: dict[str, Any], payload: bytes, master: keystore.MasterKey
) -> dict[str, bytes]:
    try:
        plain = SecretBox(_bundle_key(master)).decrypt(payload)
    except NaclCryptoError:
        raise BackupKeyError() from None
    try:
        doc = msgpack.unpackb(plain, raw=False)
        inner = json.loads(doc["header"])
        files = doc["files"]
        if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, bytes) for k, v in files.items()
        ):
            raise ValueError
    except (ValueError, KeyError, TypeError, msgpack.UnpackException):
        raise BackupIntegrityError("payload does not decode") from None
    outer = {k: v for k, v in header.items() if k not in ("payload_sha256", "payload_size")}
    if inner != outer:
        raise BackupIntegrityError("the header was changed")
    for name in ("node.db", CONFIG_NAME, "identity.sealed"):
        if name not in files:
            raise BackupIntegrityError(f"{name} missing from the bundle")
    return files


def master_for(
    header: dict[str, Any], *, key_file: Path | None, passphrase: str | None
) -> keystore.MasterKey:
    """The master key a restore uses: the operator's kept key file, or the passphrase."""
    if header.get("master") == "passphrase":
        if not passphrase:
            raise keystore.KeyError_("this node's master key needs its passphrase")
        try:
            salt = bytes.fromhex(str(header.get("salt", "")))
        except ValueError:
            raise BackupFormatError("bad salt") from None
        return keystore.derive(passphrase, salt)
    cred = os.environ.get("CREDENTIALS_DIRECTORY")
    if key_file is None and cred and (Path(cred) / "master.key").exists():
        key_file = Path(cred) / "master.key"
    if key_file is None:
        raise keystore.KeyError_("give the node's master key file with --master-key")
    return keystore.read_key_file(key_file, check_mode=True)


def _is_empty(target: Path, keep: set[Path]) -> bool:
    if not target.exists():
        return True
    return all(p.resolve() in keep for p in target.iterdir())


#: what a forced restore removes from the target besides the data files it replaces
STALE_FILES = ("node.db", "node.db-wal", "node.db-shm", "api.sock", "session.token")


def restore(
    bundle: Path,
    target: Path,
    *,
    key_file: Path | None = None,
    passphrase: str | None = None,
    force: bool = False,
    now: int | None = None,
) -> dict[str, Any]:
    """Restore a bundle into ``target``; checks everything before writing anything."""
    now = int(time.time()) if now is None else now
    try:
        data = bundle.read_bytes()
    except OSError as exc:
        raise BackupFormatError(f"cannot read {bundle.name}: {exc.strerror}") from None
    header, payload = read_header(data)
    master = master_for(header, key_file=key_file, passphrase=passphrase)
    files = open_payload(header, payload, master)
    _check_target(target, files, key_file=key_file, force=force)
    # check the contents in a private scratch dir before touching the target
    with tempfile.TemporaryDirectory(prefix="casusnet-restore-") as tmp:
        scratch = Path(tmp)
        os.chmod(scratch, 0o700)
        db = _checked_scratch(scratch, header, files, master)
        _prepare_db(db, master, now, int(header["created"]))
        _place(target, db, files, force=force)
    _place_outside(load(target), files, key_file)
    return {"node": header["node"], "created": header["created"], "restored_at": now}


def _check_target(
    target: Path, files: dict[str, bytes], *, key_file: Path | None, force: bool
) -> None:
    """Refuse a non-empty target, and under ``force`` one with keys the bundle lacks."""
    keep = {key_file.resolve()} if key_file is not None else set()
    if not _is_empty(target, keep) and not force:
        raise RestoreTargetError(str(target))
    if force:  # never overwrite keys the bundle does not hold: a rotation may be newer
        for name in ("identity.sealed", keystore.HISTORY_NAME, keystore.NEXT_NAME):
            existing = target / name
            if existing.exists() and existing.read_bytes() != files.get(name):
                raise RestoreTargetError(
                    f"{target / name} differs from the backup's (keys newer than the backup?);"
                    " move the directory aside and restore into an empty one"
                )


def _checked_scratch(
    scratch: Path, header: dict[str, Any], files: dict[str, bytes], master: keystore.MasterKey
) -> Path:
    """Unpack the database, configuration and identity into ``scratch`` and check
    them: SQLite integrity, the node named in the header, the identity and the audit
    chain opening with this master key. Returns the scratch copy of ``node.db``."""
    db = scratch / "node.db"
    db.write_bytes(files["node.db"])
    if maintenance.integrity_check(db) != "ok":
        raise BackupIntegrityError("node.db fails SQLite's integrity check")
    (scratch / CONFIG_NAME).write_bytes(files[CONFIG_NAME])
    (scratch / "identity.sealed").write_bytes(files["identity.sealed"])
    config = load(scratch)
    if config.node_id != header.get("node"):
        raise BackupIntegrityError("the bundle's configuration is for another node")
    keystore.load_identity(config, master)  # the identity opens with this key
    _check_audit(db, master)
    return db


def _place(target: Path, db: Path, files: dict[str, bytes], *, force: bool) -> None:
    """Write the data files and the prepared database into the data dir."""
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    if force:
        for name in STALE_FILES + tuple(n for n in DATA_FILES if n not in files):
            with contextlib.suppress(FileNotFoundError):
                (target / name).unlink()
    for name, content in files.items():
        if name in DATA_FILES:
            keystore.write_private(target / name, content)
    shutil.copyfile(db, target / "node.db")
    os.chmod(target / "node.db", 0o600)


def _place_outside(restored: Config, files: dict[str, bytes], key_file: Path | None) -> None:
    """What the configuration names outside the data dir, where it is missing: the
    master key file, the TLS certificate and key, the roster file."""
    master_file = restored.master_file
    if key_file is not None and restored.master == "file" and master_file is not None:
        if not master_file.exists():
            keystore.write_private(master_file, key_file.read_bytes())
    for label, path in (("tls_cert", restored.tls_cert), ("tls_key", restored.tls_key)):
        if label in files and path is not None and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            keystore.write_private(path, files[label])
    if "roster" in files and not restored.roster_path.exists():
        with contextlib.suppress(OSError):  # the database holds it too
            restored.roster_path.parent.mkdir(parents=True, exist_ok=True)
            restored.roster_path.write_bytes(files["roster"])


def _check_audit(db: Path, master: keystore.MasterKey) -> None:
    store = Store(db)
    try:
        store.audit_key = master.derive("casusnet/audit")
        try:
            audit.verify(store)
        except CasusnetError as exc:
            raise BackupIntegrityError(f"the audit log does not verify ({exc.code})") from None
    finally:
        store.close()


def _prepare_db(db: Path, master: keystore.MasterKey, now: int, created: int) -> None:
    """What the restored database changes before it first runs (see the module doc).

    Own sequence numbers start above any the lost incarnation used (``seq_floor`` in
    ``meta``, read by ``node.domain.shares.next_seq``); staff sessions from before the backup end;
    the node remembers to resynchronise at start.
    """
    store = Store(db)
    try:
        store.audit_key = master.derive("casusnet/audit")
        with store.transaction():
            maintenance.end_all_sessions(store)
            store.set_meta(RESYNC_KEY, "1")
            store.set_meta(RESTORED_KEY, str(now))
            store.set_meta(SEQ_FLOOR_KEY, str(seq_floor(now)))
            audit.append(store, at=now, actor="operator", action="restored", backup=created)
        maintenance.fold_into_one_file(store)
    finally:
        store.close()


def seq_floor(now: int) -> int:
    """The lowest own ``seq`` a node restored at ``now`` may use in any room.

    ``now * 2**20``: above every number a previous incarnation restored earlier can
    have reached unless it sent more than a million envelopes per second in one room,
    and far below the protocol's limit (2**63) for the next 8 million years.
    """
    return now << SEQ_SHIFT
