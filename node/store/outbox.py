"""The ``outbox``: envelopes queued for a peer in the transaction that caused them."""

from __future__ import annotations

from node.store.db import Store


def enqueue(
    store: Store,
    peer: str,
    kind: str,
    room: bytes | None,
    envelope: bytes,
    env_hash: bytes,
    now: int,
) -> None:
    store.execute(
        "INSERT INTO outbox (peer, kind, room, envelope, env_hash, created, attempts,"
        " next_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
        (peer, kind, room, envelope, env_hash, now),
    )


def sent_shares_and_revokes(store: Store, peer: str, room: bytes) -> list[bytes]:
    """Every share and revocation queued for ``peer`` in a room, oldest first."""
    return [
        bytes(r[0])
        for r in store.execute(
            "SELECT envelope FROM outbox WHERE peer = ? AND room = ?"
            " AND kind IN ('share', 'revoke') ORDER BY id",
            (peer, room),
        )
    ]
