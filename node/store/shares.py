"""The tables of verstrekkingen: ``shares``, the sender's own sealed ``plaintext``,
``deliveries`` per recipient, staff ``views`` and the per-sender sequence ``seqs``.

``node.domain.shares`` writes them when sending and viewing, ``node.domain.inbox``
when receiving, ``node.domain.closure`` when revoking and deleting.
"""

from __future__ import annotations

import json
from typing import Any

from node.store.db import Store

# -- sequence numbers ------------------------------------------------------------------


def last_seq(store: Store, room: bytes, sender: str) -> int:
    seq = store.one("SELECT seq FROM seqs WHERE room = ? AND sender = ?", (room, sender))
    return int(seq or 0)


def set_seq(store: Store, room: bytes, sender: str, seq: int) -> None:
    store.execute(
        "INSERT OR REPLACE INTO seqs (room, sender, seq) VALUES (?, ?, ?)", (room, sender, seq)
    )


# -- share rows ------------------------------------------------------------------------


def insert(
    store: Store, share: Any, envelope: bytes, env_hash: bytes, *, own: bool, author: str, now: int
) -> None:
    """Store a verified (or own, just sealed) share."""
    store.execute(
        "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories, recipients,"
        " created, envelope, env_hash, own, received_at, author, capacity)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            share.id,
            share.room,
            share.sender,
            share.seq,
            share.epoch,
            share.basis,
            json.dumps(list(share.categories)),
            json.dumps(list(share.recipients)),
            share.created,
            envelope,
            env_hash,
            int(own),
            now,
            author,
            share.capacity,
        ),
    )


def exists(store: Store, sender: str, share_id: bytes) -> bool:
    return bool(store.one("SELECT 1 FROM shares WHERE sender = ? AND id = ?", (sender, share_id)))


def find(store: Store, room: bytes, share_id: bytes, sender: str | None) -> dict[str, Any] | None:
    """One share of a room (own first when both copies exist), optionally by sender."""
    return store.row(
        "SELECT * FROM shares WHERE id = ? AND room = ? AND (? IS NULL OR sender = ?)"
        " ORDER BY own DESC, received_at LIMIT 1",
        (share_id, room, sender, sender),
    )


def own_unrevoked(store: Store, room: bytes) -> list[dict[str, Any]]:
    """Own shares of a room not yet revoked: id and recipients (a JSON list)."""
    return store.rows(
        "SELECT id, recipients FROM shares WHERE room = ? AND own = 1 AND revoked_at IS NULL",
        (room,),
    )


def own_ids(store: Store, room: bytes) -> list[bytes]:
    return [
        r[0] for r in store.execute("SELECT id FROM shares WHERE room = ? AND own = 1", (room,))
    ]


def received_ids(store: Store, room: bytes, sender: str) -> list[bytes]:
    return [
        r["id"]
        for r in store.rows(
            "SELECT id FROM shares WHERE room = ? AND sender = ? AND own = 0", (room, sender)
        )
    ]


def received_with_content(store: Store, room: bytes) -> dict[str, list[bytes]]:
    """Received shares of a room whose ciphertext this node still holds, by sender."""
    by_sender: dict[str, list[bytes]] = {}
    for r in store.rows(
        "SELECT sender, id FROM shares WHERE room = ? AND own = 0 AND envelope IS NOT NULL"
        " ORDER BY sender, id",
        (room,),
    ):
        by_sender.setdefault(r["sender"], []).append(r["id"])
    return by_sender


def delete_received(store: Store, room: bytes, now: int) -> None:
    """Delete the ciphertext of every received share of a room (closure)."""
    store.execute(
        "UPDATE shares SET envelope = NULL, deleted_at = ? WHERE room = ?"
        " AND own = 0 AND envelope IS NOT NULL",
        (now, room),
    )


def delete_revoked(store: Store, sender: str, share_id: bytes, revoked_at: int, now: int) -> None:
    """Delete the ciphertext of a received share its sender revoked."""
    store.execute(
        "UPDATE shares SET envelope = NULL, revoked_at = ?, deleted_at = ?"
        " WHERE sender = ? AND id = ?",
        (revoked_at, now, sender, share_id),
    )


def revoke_own(store: Store, share_id: bytes, now: int) -> None:
    """Mark an own share revoked, drop its kept plaintext and close its deliveries."""
    store.execute("UPDATE shares SET revoked_at = ? WHERE id = ? AND own = 1", (now, share_id))
    store.execute("DELETE FROM plaintext WHERE share = ?", (share_id,))
    store.execute(
        "UPDATE deliveries SET state = 'revoked', updated = ? WHERE share = ?"
        " AND state IN ('pending', 'delivered')",
        (now, share_id),
    )


# -- the sender's own copy ---------------------------------------------------------------


def keep_plaintext(store: Store, share_id: bytes, sealed: bytes) -> None:
    store.execute("INSERT INTO plaintext (share, sealed) VALUES (?, ?)", (share_id, sealed))


def kept_plaintext(store: Store, share_id: bytes) -> bytes | None:
    sealed = store.one("SELECT sealed FROM plaintext WHERE share = ?", (share_id,))
    return None if sealed is None else bytes(sealed)


# -- deliveries and views ---------------------------------------------------------------


def add_delivery(store: Store, share_id: bytes, peer: str, now: int) -> None:
    store.execute(
        "INSERT INTO deliveries (share, peer, state, updated) VALUES (?, ?, 'pending', ?)",
        (share_id, peer, now),
    )


def mark_delivered(store: Store, peer: str, env_hash: bytes, now: int) -> None:
    """A ``delivered`` receipt from ``peer`` for the share with this envelope hash."""
    store.execute(
        "UPDATE deliveries SET state = 'delivered', updated = ? WHERE peer = ?"
        " AND state = 'pending' AND share = (SELECT id FROM shares WHERE env_hash = ?)",
        (now, peer, env_hash),
    )


def mark_deleted(store: Store, share_id: bytes, peer: str, now: int) -> None:
    """A ``deleted`` or ``closed`` receipt from ``peer`` covers this share."""
    store.execute(
        "UPDATE deliveries SET state = 'deleted', updated = ? WHERE share = ? AND peer = ?",
        (now, share_id, peer),
    )


def record_view(
    store: Store, staff: str, room: bytes, sender: str, share_id: bytes, now: int
) -> None:
    store.execute(
        "INSERT OR IGNORE INTO views (staff, room, sender, share, at, held)"
        " VALUES (?, ?, ?, ?, ?, 1)",
        (staff, room, sender, share_id, now),
    )
