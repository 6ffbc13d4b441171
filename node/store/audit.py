"""The audit log: append-only and hash-chained, with a key only the node has.

Each entry's hash is ``BLAKE2b-256(prev || canonical([seq, at, actor, action, room,
case_ref, detail]), key=audit_key)``, where the audit key is derived from the node's
master key; the first entry's ``prev`` is 32 zero bytes. Someone who can edit the
database but lacks the master key cannot recompute the chain; the head (and, after a
purge, the base) of the chain are kept as keyed markers, so a removed tail shows too.
:func:`verify` recomputes the chain and reports the first entry that was edited,
removed or reordered. Staff names appear here (this log never leaves the node); case
content never does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from node.store.db import Store
from protocol.codec import pack
from protocol.errors import CasusnetError

GENESIS = bytes(32)

# The acts the log records (design section 8).
ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "staff_added",
        "convene",
        "assess",
        "ruling",
        "endorse",
        "intake_viewed",
        "invite",
        "consent",
        "join",
        "epoch",
        "remove",
        "leave",
        "plan",
        "plan_exported",
        "close",
        "close_proposed",
        "share_sent",
        "share_received",
        "share_viewed",
        "refused",
        "revoke_sent",
        "revoke_received",
        "receipt",
        "keys_destroyed",
        "removal_deleted",
        "purge",
        "roster_imported",
        "assigned",
        "received_gap",
        "restored",
        "resynced",
        "key_rotated",
        "mandate_granted",
        "inquiry_sent",
        "inquiry_received",
        "inquiry_answered",
        "inquiry_declined",
        "inquiry_viewed",
        "mandate_received",
        "melding_recorded",
        "melding_viewed",
        "melding_updated",
        "melder_viewed",
        "melding_purged",
        # aanmelding (Wet PGA art. 5), node/domain/aanmelding.py
        "aanmelding_sent",
        "aanmelding_received",
        "aanmelding_forwarded",
        "aanmelding_viewed",
        "aanmelding_convened",
        "aanmelding_purged",
        "notice_sent",
        "notice_received",
        # the Wgs room's referral to the Wet PGA (art. 2.31 lid 13), node/domain/referral.py
        "referral",
        # the living plan van aanpak (issue 13), node/domain/plan.py
        "plan_viewed",
        # transfer to another gemeente (Wet PGA art. 7), node/domain/transfer.py
        "transfer_started",
        "transfer_requested",
        "transfer_supplied",
        "transfer_objected",
        "transfer_received",
        "transfer_answer_received",
        "transfer_viewed",
        "transfer_share_viewed",
        "transfer_expired",
        "transfer_purged",
        # afscherming, exports and retention as a ceiling, node/domain/shielded.py
        "shielded_sealed",
        "shielded_opened",
        "shielded_held",
        "shielded_released",
        "shielded_destroyed",
        "export_destroyed",
        "retention_warning",
        # notices by e-mail (issue 14), node/faces/mail.py
        "mail_notice_sent",
        "mail_notice_failed",
        # access from a workstation: another OS account's use of a session, refused
        "session_refused",
    }
)


class AuditError(CasusnetError):
    """The audit log does not verify: an entry was edited, removed or reordered."""

    code = "node.audit"


@dataclass(frozen=True)
class Entry:
    seq: int
    at: int
    actor: str
    action: str
    room: bytes | None
    case_ref: str | None
    detail: str

    def digest(self, prev: bytes, key: bytes) -> bytes:
        fields = [
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.room or b"",
            self.case_ref or "",
            self.detail,
        ]
        return hashlib.blake2b(prev + pack(fields), key=key, digest_size=32).digest()


def _key(store: Store) -> bytes:
    key: bytes | None = getattr(store, "audit_key", None)
    if key is None:
        raise AuditError("the audit key (from the node's master key) is needed")
    return key


def _mark(store: Store, name: str, seq: int, digest_: bytes) -> str:
    """``seq:hash:mac`` for the head and base markers, so they cannot be rewritten."""
    mac = hashlib.blake2b(f"{name}:{seq}:".encode() + digest_, key=_key(store), digest_size=16)
    return f"{seq}:{digest_.hex()}:{mac.hexdigest()}"


def _read_mark(store: Store, name: str) -> tuple[int, bytes] | None:
    value = store.get_meta(name)
    if value is None:
        return None
    try:
        seq_text, hash_hex, _ = value.split(":")
        seq, digest_ = int(seq_text), bytes.fromhex(hash_hex)
    except ValueError:
        raise AuditError(f"the {name} marker is damaged") from None
    if _mark(store, name, seq, digest_) != value:
        raise AuditError(f"the {name} marker was changed")
    return seq, digest_


def append(
    store: Store,
    *,
    at: int,
    actor: str,
    action: str,
    room: bytes | None = None,
    case_ref: str | None = None,
    **detail: Any,
) -> int:
    """Add one entry (inside the caller's transaction, if there is one)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if room is not None and case_ref is None:
        case_ref = store.one("SELECT case_ref FROM rooms WHERE room = ?", (room,))
    with store.transaction():
        # always read (an index lookup): other processes (the CLI) append entries too
        last = store.row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        head = (last["seq"], last["hash"]) if last else (0, GENESIS)
        seq, prev = head[0] + 1, head[1]
        text = json.dumps(detail, sort_keys=True, separators=(",", ":"), default=str)
        entry = Entry(seq, at, actor, action, room, case_ref, text)
        digest_ = entry.digest(prev, _key(store))
        store.execute(
            "INSERT INTO audit (seq, at, actor, action, room, case_ref, detail, prev, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, actor, action, room, case_ref, text, prev, digest_),
        )
        # the head, kept apart from the entries, shows a removed tail
        store.before_commit(
            "audit_head",
            lambda: store.set_meta("audit_head", _mark(store, "audit_head", seq, digest_)),
        )
    return seq


def verify(store: Store) -> int:
    """Recompute the chain; returns the number of entries or raises AuditError."""
    key = _key(store)
    prev, expected_seq = GENESIS, 1
    base = _read_mark(store, "audit_base")
    if base is not None:  # entries purged by retention: the chain continues from there
        prev, expected_seq = base[1], base[0] + 1
    count = 0
    for row in store.conn.execute(
        "SELECT seq, at, actor, action, room, case_ref, detail, prev, hash FROM audit ORDER BY seq"
    ):
        seq, at, actor, action, room, case_ref, detail, stored_prev, stored_hash = row
        if seq != expected_seq:
            raise AuditError(f"entry {expected_seq} is missing")
        if stored_prev != prev:
            raise AuditError(f"entry {seq} does not follow entry {seq - 1}")
        entry = Entry(seq, at, actor, action, room, case_ref, detail)
        if entry.digest(prev, key) != stored_hash:
            raise AuditError(f"entry {seq} was changed")
        prev = stored_hash
        expected_seq += 1
        count += 1
    head = _read_mark(store, "audit_head")
    if head is None and count:
        raise AuditError("the head marker of the log is missing")
    if head is not None and head != (expected_seq - 1, prev):
        raise AuditError(f"the log ends at entry {expected_seq - 1}; entries after it were removed")
    return count


def purge_before(store: Store, seq: int) -> int:
    """Remove entries before ``seq`` (retention), keeping the chain verifiable."""
    with store.transaction():
        last = store.row(
            "SELECT seq, hash FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT 1", (seq,)
        )
        if last is None:
            return 0
        n = store.execute("DELETE FROM audit WHERE seq <= ?", (last["seq"],)).rowcount
        store.set_meta("audit_base", _mark(store, "audit_base", last["seq"], last["hash"]))
    return int(n)


def _where(
    room: bytes | None, case_ref: str | None, actor: str | None, actions: list[str] | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (with its leading space) of a scope, and its parameters."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("actor", actor), ("room", room), ("case_ref", case_ref)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if actions is not None:
        where.append(f"action IN ({', '.join('?' * len(actions))})" if actions else "0")
        params.extend(actions)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def entries(
    store: Store,
    *,
    room: bytes | None = None,
    case_ref: str | None = None,
    actor: str | None = None,
    actions: list[str] | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """The newest ``limit`` entries of a scope (a room, a case, an actor; ``actions``
    of these kinds only), newest first."""
    where, params = _where(room, case_ref, actor, actions)
    sql = "SELECT seq, at, actor, action, room, case_ref, detail FROM audit" + where
    rows = store.rows(sql + " ORDER BY seq DESC LIMIT ?", (*params, limit))
    for r in rows:
        r["room"] = r["room"].hex() if r["room"] else None
        r["detail"] = json.loads(r["detail"])
    return rows


def count(
    store: Store,
    *,
    room: bytes | None = None,
    case_ref: str | None = None,
    actor: str | None = None,
    actions: list[str] | None = None,
) -> int:
    """How many entries the scope of :func:`entries` holds, without its limit."""
    where, params = _where(room, case_ref, actor, actions)
    return int(store.one("SELECT COUNT(*) FROM audit" + where, tuple(params)) or 0)


def first_needed(store: Store, horizon: int) -> int | None:
    """The first audit entry that names a room still kept, or is younger than ``horizon``."""
    seq = store.one(
        "SELECT MIN(seq) FROM audit WHERE room IN (SELECT room FROM rooms)"
        " OR case_ref IN (SELECT case_ref FROM rooms) OR at >= ?",
        (horizon,),
    )
    return None if seq is None else int(seq)
