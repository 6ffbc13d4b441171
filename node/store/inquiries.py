"""The table of information requests: ``inquiries``, keyed by (asker, id).

A row is either this node's own request (``own = 1``: the topic sealed with the
master key in ``sealed``, the staff member who asked in ``author``) or one it was
asked (``own = 0``: the signed envelope, opened with the room key on view). A
request another member asked a third member never reaches this node.
``node.domain.inquiries`` writes it.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store

_COLUMNS = (
    "id, room, asker, asked, epoch, created, own, author, status, answer, settled_at,"
    " settled_by, received_at, reason IS NOT NULL AS has_reason,"
    " EXISTS (SELECT 1 FROM receipts r WHERE r.env_hash = inquiries.env_hash"
    " AND r.kind = 'delivered') AS delivered"
)


def insert(
    store: Store,
    inquiry: Any,
    envelope: bytes,
    env_hash: bytes,
    *,
    own: bool,
    author: str,
    sealed: bytes | None,
    now: int,
) -> None:
    store.execute(
        "INSERT INTO inquiries (id, room, asker, asked, epoch, created, envelope, env_hash, own,"
        " author, sealed, status, received_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'open',?)",
        (
            inquiry.id,
            inquiry.room,
            inquiry.sender,
            inquiry.to,
            inquiry.epoch,
            inquiry.created,
            envelope,
            env_hash,
            int(own),
            author,
            sealed,
            now,
        ),
    )


def find(store: Store, asker: str, request: bytes) -> dict[str, Any] | None:
    return store.row(
        f"SELECT {_COLUMNS} FROM inquiries WHERE asker = ? AND id = ?", (asker, request)
    )


def find_in_room(store: Store, room: bytes, request: bytes) -> dict[str, Any] | None:
    """A request of the room by its id (own first, should two askers have drawn one id)."""
    return store.row(
        f"SELECT {_COLUMNS} FROM inquiries WHERE room = ? AND id = ? ORDER BY own DESC LIMIT 1",
        (room, request),
    )


def envelope_and_sealed(store: Store, asker: str, request: bytes) -> tuple[bytes | None, ...]:
    """The received envelope, the own sealed topic, the sealed reason of a decline."""
    row = store.row(
        "SELECT envelope, sealed, reason FROM inquiries WHERE asker = ? AND id = ?",
        (asker, request),
    )
    if row is None:
        return (None, None, None)
    return (row["envelope"], row["sealed"], row["reason"])


def of_room(store: Store, room: bytes) -> list[dict[str, Any]]:
    return store.rows(
        f"SELECT {_COLUMNS} FROM inquiries WHERE room = ? ORDER BY created, asker, id", (room,)
    )


def settle(
    store: Store,
    asker: str,
    request: bytes,
    *,
    status: str,
    at: int,
    by: str = "",
    answer: bytes | None = None,
    reason: bytes | None = None,
) -> None:
    """Record the outcome (only of a request still open: the caller has checked)."""
    store.execute(
        "UPDATE inquiries SET status = ?, settled_at = ?, settled_by = ?, answer = ?, reason = ?"
        " WHERE asker = ? AND id = ? AND status = 'open'",
        (status, at, by, answer, reason, asker, request),
    )


def forget_received(store: Store, room: bytes) -> None:
    """Delete the received requests' ciphertext of a room (its closure, a removal)."""
    store.execute(
        "UPDATE inquiries SET envelope = NULL WHERE room = ? AND own = 0 AND envelope IS NOT NULL",
        (room,),
    )
