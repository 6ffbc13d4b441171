"""The ``aanmeldingen`` table: cases registered with this node, forwarded to it, or
registered by it (``own``), with their content sealed under the master key, the
room convened from one, the notice that a case was not put to the casusoverleg, and
the Wgs room an own aanmelding was referred from (``referred_from``)."""

from __future__ import annotations

import json
from typing import Any

from node.store.db import Store

COLUMNS = (
    "id, case_ref, aanmelder, verblijf, to_node, recipients, time, own, via, received_at,"
    " forwarded, room, outcome, decided_at, notice_from, notice_at, delivered, purge_after,"
    " referred_from"
)


def insert(store: Store, row: dict[str, Any]) -> None:
    row = dict(row, recipients=json.dumps(list(row["recipients"])))
    names = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    store.execute(f"INSERT INTO aanmeldingen ({names}) VALUES ({marks})", row)


def exists(store: Store, aid: bytes) -> bool:
    return store.one("SELECT 1 FROM aanmeldingen WHERE id = ?", (aid,)) is not None


def get(store: Store, aid: bytes) -> dict[str, Any] | None:
    row = store.row(f"SELECT {COLUMNS}, envelope, sealed FROM aanmeldingen WHERE id = ?", (aid,))
    return None if row is None else _loaded(row)


def by_prefix(store: Store, prefix: str) -> list[bytes]:
    """The ids whose hex starts with ``prefix``."""
    rows = store.rows("SELECT id FROM aanmeldingen WHERE hex(id) LIKE ?", (prefix.upper() + "%",))
    return [bytes(r["id"]) for r in rows]


def listing(store: Store) -> list[dict[str, Any]]:
    """Every aanmelding this node holds, newest first (no envelope, no content)."""
    rows = store.rows(f"SELECT {COLUMNS} FROM aanmeldingen ORDER BY received_at DESC, id")
    return [_loaded(r) for r in rows]


def of_case(store: Store, case_ref: str) -> list[dict[str, Any]]:
    rows = store.rows(f"SELECT {COLUMNS} FROM aanmeldingen WHERE case_ref = ?", (case_ref,))
    return [_loaded(r) for r in rows]


def of_room(store: Store, room: bytes) -> dict[str, Any] | None:
    row = store.row(f"SELECT {COLUMNS} FROM aanmeldingen WHERE room = ?", (room,))
    return None if row is None else _loaded(row)


def link_room(store: Store, aid: bytes, room: bytes) -> None:
    """A room was convened from the aanmelding (or holds its case): it follows that
    room's retention from now on."""
    store.execute("UPDATE aanmeldingen SET room = ?, purge_after = NULL WHERE id = ?", (room, aid))


def mark_referred(store: Store, aid: bytes, room: bytes) -> None:
    """The aanmelding is this node's referral from the Wgs room ``room``."""
    store.execute("UPDATE aanmeldingen SET referred_from = ? WHERE id = ?", (room, aid))


def referrals(store: Store, room: bytes) -> list[dict[str, Any]]:
    """The aanmeldingen this node referred from ``room``, oldest first."""
    return store.rows(
        "SELECT id, to_node, verblijf, time FROM aanmeldingen WHERE referred_from = ?"
        " ORDER BY time, id",
        (room,),
    )


def mark_forwarded(store: Store, aid: bytes) -> None:
    store.execute("UPDATE aanmeldingen SET forwarded = 1 WHERE id = ?", (aid,))


def decide(
    store: Store,
    aid: bytes,
    *,
    outcome: str,
    at: int,
    purge_after: int,
    notice: bytes | None = None,
    notice_from: str | None = None,
    notice_at: int | None = None,
) -> None:
    """The case was not put to the casusoverleg: kept only until ``purge_after``."""
    store.execute(
        "UPDATE aanmeldingen SET outcome = ?, decided_at = ?, purge_after = ?,"
        " notice = coalesce(?, notice), notice_from = coalesce(?, notice_from),"
        " notice_at = coalesce(?, notice_at) WHERE id = ?",
        (outcome, at, purge_after, notice, notice_from, notice_at, aid),
    )


def mark_delivered(store: Store, issuer: str, env_hash: bytes) -> None:
    """A ``delivered`` receipt for an aanmelding this node sent or forwarded."""
    row = store.row("SELECT id, delivered FROM aanmeldingen WHERE env_hash = ?", (env_hash,))
    if row is None:
        return
    nodes = set(json.loads(row["delivered"] or "[]")) | {issuer}
    store.execute(
        "UPDATE aanmeldingen SET delivered = ? WHERE id = ?",
        (json.dumps(sorted(nodes)), row["id"]),
    )


def due(store: Store, now: int) -> list[dict[str, Any]]:
    """Aanmeldingen whose short term has ended."""
    rows = store.rows(
        f"SELECT {COLUMNS} FROM aanmeldingen WHERE purge_after IS NOT NULL AND purge_after < ?",
        (now,),
    )
    return [_loaded(r) for r in rows]


def delete(store: Store, aid: bytes) -> None:
    store.execute("DELETE FROM aanmeldingen WHERE id = ?", (aid,))


def room_of_case(store: Store, case_ref: str, basis: str) -> bytes | None:
    """A room on ``basis`` (the aanmelding's own, ``pga-r``) this node holds for the
    case that did not end ``niet_voorgelegd``; a Wgs room of the same case (the one a
    referral came from) is another regime and does not hold the aanmelding."""
    value = store.one(
        "SELECT room FROM rooms WHERE case_ref = ? AND coalesce(outcome, '') != 'niet_voorgelegd'"
        " AND EXISTS (SELECT 1 FROM json_each(rooms.bases) WHERE value = ?)"
        " ORDER BY created DESC LIMIT 1",
        (case_ref, basis),
    )
    return None if value is None else bytes(value)


def _loaded(row: dict[str, Any]) -> dict[str, Any]:
    row["recipients"] = json.loads(row["recipients"])
    row["delivered"] = json.loads(row["delivered"] or "[]")
    row["own"] = bool(row["own"])
    row["forwarded"] = bool(row["forwarded"])
    return row
