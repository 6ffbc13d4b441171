"""The ``inbox`` (every envelope applied, by hash, with the receipt it was answered
with) and the ``receipts`` partners signed for this node's envelopes."""

from __future__ import annotations

from node.store.db import Store


def answered(store: Store, env_hash: bytes) -> tuple[bool, bytes | None]:
    """Whether an envelope was applied before, and the receipt it was answered with."""
    row = store.row("SELECT receipt FROM inbox WHERE env_hash = ?", (env_hash,))
    if row is None:
        return False, None
    receipt = row["receipt"]
    return True, None if receipt is None else bytes(receipt)


def note_applied(
    store: Store,
    env_hash: bytes,
    sender: str,
    kind: str,
    room: bytes | None,
    receipt: bytes | None,
    now: int,
) -> None:
    store.execute(
        "INSERT INTO inbox (env_hash, sender, kind, room, receipt, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (env_hash, sender, kind, room, receipt, now),
    )


def insert(
    store: Store, ref: bytes, issuer: str, kind: str, room: bytes, data: bytes, now: int
) -> None:
    store.execute(
        "INSERT OR IGNORE INTO receipts (env_hash, issuer, kind, room, data, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (ref, issuer, kind, room, data, now),
    )


def issued(store: Store, room: bytes, kind: str) -> list[tuple[str, bytes]]:
    """``(issuer, ref)`` of the room's receipts of one kind that partners sent this node."""
    return [
        (r["issuer"], bytes(r["env_hash"]))
        for r in store.rows(
            "SELECT issuer, env_hash FROM receipts WHERE room = ? AND kind = ?", (room, kind)
        )
    ]
