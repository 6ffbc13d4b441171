"""The nonces of verified federation requests, kept until they expire (table ``nonces``).

The replay guard (``protocol.request.ReplayGuard``) lives in memory; this table lets
it survive a restart of the node. A row is written in the transaction of the
request it belongs to (``POST /v1/inbox``: with the envelopes it applies, in the
same commit), and expired rows are deleted whenever a row is written and when the
node starts.
"""

from __future__ import annotations

import sqlite3

from node.store.db import Store
from protocol.errors import StorageError


def remember(store: Store, caller: str, nonce: bytes, expires: int, now: int) -> None:
    """Keep ``caller``'s ``nonce`` until ``expires`` (in the caller's transaction);
    the rows expired at ``now`` go. Raises StorageError (a full disk)."""
    try:
        prune(store, now)
        store.execute(
            "INSERT OR REPLACE INTO nonces (caller, nonce, expires) VALUES (?, ?, ?)",
            (caller, nonce, expires),
        )
    except sqlite3.Error as exc:
        raise StorageError(f"nonces: {exc}") from None


def prune(store: Store, now: int) -> int:
    """Delete the nonces that expired before ``now``; how many there were."""
    return store.execute("DELETE FROM nonces WHERE expires < ?", (now,)).rowcount


def live(store: Store, now: int) -> list[tuple[str, bytes, int]]:
    """The nonces still remembered at ``now`` as (caller, nonce, expires), soonest
    expiry first."""
    rows = store.execute(
        "SELECT caller, nonce, expires FROM nonces WHERE expires >= ? ORDER BY expires, rowid",
        (now,),
    ).fetchall()
    return [(str(c), bytes(n), int(e)) for c, n, e in rows]
