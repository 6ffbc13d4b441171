"""The outbox as the delivery worker reads and settles it.

Every envelope for a partner waits in the ``outbox`` table until the partner has
answered it (``done_at`` set). An open entry's ``attempts`` counts the failed tries
since the peer last answered and ``last_error`` what went wrong last (a transient
refusal's code, such as ``chain.future``, or why the peer could not be reached).
When to try again is the delivery worker's, timed on the monotonic clock; the
``next_at`` column is no longer read (kept for stores made before). Envelopes are
queued by the domain (:func:`enqueue`), in the transaction of the change that causes them; the
delivery worker reads the queue and records what became of each entry.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store


def depths(store: Store) -> dict[str, int]:
    """Undelivered envelopes per peer (peers with none are left out)."""
    return {
        str(peer): int(n)
        for peer, n in store.execute(
            "SELECT peer, COUNT(*) FROM outbox INDEXED BY outbox_open_peer"
            " WHERE done_at IS NULL GROUP BY peer"
        )
    }


def peers_with_work(store: Store) -> list[str]:
    """The peers with at least one undelivered envelope."""
    return [
        str(r[0]) for r in store.execute("SELECT DISTINCT peer FROM outbox WHERE done_at IS NULL")
    ]


def pending(store: Store, peer: str | None = None) -> int:
    """Undelivered envelopes, for one peer or (``peer=None``) for all."""
    if peer is None:
        return int(store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"))
    return int(store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND peer = ?", (peer,)))


def pending_in_room(store: Store, room: bytes) -> int:
    """Undelivered envelopes of one room, to any peer."""
    return int(store.one("SELECT COUNT(*) FROM outbox WHERE room = ? AND done_at IS NULL", (room,)))


def waiting_errors(store: Store, env_hash: bytes | None) -> dict[str, str]:
    """Per peer, the last error of an envelope still undelivered (peers without one left out)."""
    rows = store.rows(
        "SELECT peer, last_error FROM outbox WHERE env_hash = ? AND done_at IS NULL",
        (env_hash,),
    )
    return {r["peer"]: r["last_error"] for r in rows if r["last_error"]}


def backing_off(store: Store, peer: str) -> bool:
    """Whether an undelivered envelope for ``peer`` has failed at least once."""
    return bool(
        store.one(
            "SELECT 1 FROM outbox WHERE peer = ? AND done_at IS NULL AND attempts > 0", (peer,)
        )
    )


def reset_backoff(store: Store, peer: str) -> None:
    """Make every undelivered envelope for ``peer`` due now, its failures forgotten.

    Commits without waiting for the disk: the backoff is bookkeeping a crash may lose.
    """
    with store.transaction(durable=False):
        store.execute(
            "UPDATE outbox SET next_at = 0, attempts = 0 WHERE peer = ? AND done_at IS NULL",
            (peer,),
        )


def next_batch(store: Store, peer: str, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` undelivered entries for ``peer``, in the order they were queued.

    Each row has ``id``, ``kind``, ``room``, ``envelope``, ``env_hash``, ``attempts``
    and ``next_at``.
    """
    return store.rows(
        "SELECT id, kind, room, envelope, env_hash, attempts, next_at FROM outbox"
        " WHERE peer = ? AND done_at IS NULL ORDER BY id LIMIT ?",
        (peer, limit),
    )


def back_off(store: Store, peer: str, *, error: str) -> None:
    """A failed attempt: count it on every undelivered entry for ``peer``.

    ``error`` is cut to 200 characters. Commits without waiting for the disk.
    """
    with store.transaction(durable=False):
        store.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?"
            " WHERE peer = ? AND done_at IS NULL",
            (error[:200], peer),
        )


def mark_done(store: Store, entry: int, *, at: int, error: str | None) -> None:
    """The peer answered entry ``entry``: it is done (``error``: the refusal's code, if any).

    Runs in the caller's transaction.
    """
    store.execute("UPDATE outbox SET done_at = ?, last_error = ? WHERE id = ?", (at, error, entry))


def refuse_delivery(store: Store, peer: str, env_hash: bytes, *, at: int) -> None:
    """``peer`` refused the share sent as envelope ``env_hash``: its delivery is ``refused``.

    Runs in the caller's transaction.
    """
    store.execute(
        "UPDATE deliveries SET state = 'refused', updated = ? WHERE peer = ?"
        " AND share = (SELECT id FROM shares WHERE env_hash = ?)",
        (at, peer, env_hash),
    )


def enqueue(
    store: Store,
    peer: str,
    kind: str,
    room: bytes | None,
    envelope: bytes,
    env_hash: bytes,
    now: int,
) -> None:
    """Queue an envelope for ``peer`` (in the caller's transaction)."""
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
