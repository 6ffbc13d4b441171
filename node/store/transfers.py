"""The tables of transfers to another gemeente (Wet PGA art. 7): ``transfers`` (this
node's side as origin or as receiving gemeente), ``transfer_requests`` (what this
node was asked as a supplier, its own request included when it is the origin) and
``transfer_items`` (per verstrekking: ``open``, ``supplied``, ``objected`` or
``expired``). ``node.domain.transfer`` writes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from node.store.db import Store

OPEN, SUPPLIED, OBJECTED, EXPIRED = "open", "supplied", "objected", "expired"


def insert_transfer(store: Store, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    store.execute(f"INSERT INTO transfers ({cols}) VALUES ({marks})", tuple(row.values()))


def insert_request(store: Store, row: dict[str, Any]) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    store.execute(f"INSERT INTO transfer_requests ({cols}) VALUES ({marks})", tuple(row.values()))


def add_items(store: Store, transfer: bytes, supplier: str, shares: Iterable[bytes]) -> None:
    for share in shares:
        store.execute(
            "INSERT OR IGNORE INTO transfer_items (transfer, supplier, share, status)"
            " VALUES (?, ?, ?, 'open')",
            (transfer, supplier, share),
        )


def transfer(store: Store, ident: bytes) -> dict[str, Any] | None:
    return store.row("SELECT * FROM transfers WHERE id = ?", (ident,))


def request(store: Store, ident: bytes) -> dict[str, Any] | None:
    return store.row("SELECT * FROM transfer_requests WHERE transfer = ?", (ident,))


def item(store: Store, transfer: bytes, supplier: str, share: bytes) -> dict[str, Any] | None:
    return store.row(
        "SELECT * FROM transfer_items WHERE transfer = ? AND supplier = ? AND share = ?",
        (transfer, supplier, share),
    )


def items(store: Store, transfer: bytes, supplier: str | None = None) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT * FROM transfer_items WHERE transfer = ? AND (? IS NULL OR supplier = ?)"
        " ORDER BY supplier, share",
        (transfer, supplier, supplier),
    )


def answer(
    store: Store,
    transfer: bytes,
    supplier: str,
    share: bytes,
    *,
    status: str,
    at: int,
    by: str,
    basis: str | None = None,
    categories: Iterable[str] = (),
    reason: bytes | None = None,
    envelope: bytes | None = None,
    env_hash: bytes | None = None,
) -> None:
    store.execute(
        "UPDATE transfer_items SET status = ?, answered_at = ?, answered_by = ?, basis = ?,"
        " categories = ?, reason = ?, envelope = ?, env_hash = ?"
        " WHERE transfer = ? AND supplier = ? AND share = ? AND status = 'open'",
        (status, at, by, basis, json.dumps(sorted(categories)), reason, envelope, env_hash,
         transfer, supplier, share),
    )  # fmt: skip


def transfers(store: Store, role: str) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM transfers WHERE role = ? ORDER BY time, id", (role,))


def requests(store: Store) -> list[dict[str, Any]]:
    return store.rows("SELECT * FROM transfer_requests ORDER BY time, transfer")


def due_transfers(store: Store, before: int) -> list[dict[str, Any]]:
    """Transfers whose open items end now (origin and receiver: ``before`` is the time
    less the delivery grace)."""
    return store.rows(
        "SELECT * FROM transfers WHERE expired_at IS NULL AND deadline < ?", (before,)
    )


def due_requests(store: Store, now: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT * FROM transfer_requests WHERE expired_at IS NULL AND deadline < ?", (now,)
    )


def expire(store: Store, table: str, key: str, ident: bytes, supplier: str | None, now: int) -> int:
    """Mark the open items of a transfer (of one supplier: ``supplier``) expired."""
    assert (table, key) in (("transfers", "id"), ("transfer_requests", "transfer"))
    store.execute(f"UPDATE {table} SET expired_at = ? WHERE {key} = ?", (now, ident))
    cur = store.execute(
        "UPDATE transfer_items SET status = 'expired', answered_at = ?"
        " WHERE transfer = ? AND status = 'open' AND (? IS NULL OR supplier = ?)",
        (now, ident, supplier, supplier),
    )
    return int(cur.rowcount)


def delete(store: Store, ident: bytes) -> None:
    """A transfer at this node with everything of it (retention)."""
    store.execute("DELETE FROM transfer_items WHERE transfer = ?", (ident,))
    store.execute("DELETE FROM transfer_requests WHERE transfer = ?", (ident,))
    store.execute("DELETE FROM transfers WHERE id = ?", (ident,))


def by_prefix(store: Store, prefix: str) -> list[bytes]:
    return [
        r["id"]
        for r in store.rows(
            "SELECT id FROM transfers UNION SELECT transfer AS id FROM transfer_requests"
        )
        if r["id"].hex().startswith(prefix)
    ]


def room_index(store: Store, room: bytes) -> dict[str, list[bytes]]:
    """The verstrekkingen of a room this node knows of (its own and what it received),
    not revoked, by supplier: the index of a transfer."""
    out: dict[str, list[bytes]] = {}
    for r in store.rows(
        "SELECT DISTINCT sender, id FROM shares WHERE room = ? AND revoked_at IS NULL"
        " ORDER BY sender, id",
        (room,),
    ):
        out.setdefault(r["sender"], []).append(r["id"])
    return out


def own_share(store: Store, room: bytes, share: bytes) -> dict[str, Any] | None:
    return store.row("SELECT * FROM shares WHERE room = ? AND id = ? AND own = 1", (room, share))
