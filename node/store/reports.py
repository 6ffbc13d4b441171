"""Read-only summaries for the local API and the metrics: what they show, counted in SQL.

Nothing here changes the database. Rows come back as plain dicts with the columns
named in each function's docstring; turning them into JSON (hex ids, booleans) is
the caller's business.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store


def rooms_of_staff(store: Store, staff: str) -> list[dict[str, Any]]:
    """The rooms ``staff`` is assigned to, most recently changed first.

    Each row has the room's ``room``, ``case_ref``, ``chair``, ``phase``, ``epoch``,
    ``meeting``, ``updated``, ``outcome`` and ``keys_destroyed``, and the counts
    ``shares_received`` (received shares still held), ``unread`` (those of them
    ``staff`` has not viewed) and ``pending`` (deliveries of own shares waiting for a
    receipt).
    """
    rows = store.rows(
        "SELECT r.room, r.case_ref, r.chair, r.phase, r.epoch, r.meeting, r.updated, r.outcome,"
        " r.keys_destroyed FROM rooms r JOIN assignments a ON a.room = r.room AND a.staff = ?"
        " ORDER BY r.updated DESC",
        (staff,),
    )
    # two aggregates over partial indexes instead of two subqueries per room
    received = dict(
        store.execute(
            "SELECT room, COUNT(*) FROM shares WHERE own = 0 AND envelope IS NOT NULL GROUP BY room"
        ).fetchall()
    )
    pending = dict(
        store.execute(
            # CROSS JOIN: driven by the few pending deliveries, not by all shares
            "SELECT s.room, COUNT(*) FROM deliveries d"
            " CROSS JOIN shares s ON s.id = d.share AND s.own = 1"
            " WHERE d.state = 'pending' GROUP BY s.room"
        ).fetchall()
    )
    # received shares still held that this staff member viewed (a partial index)
    viewed = dict(
        store.execute(
            "SELECT room, COUNT(*) FROM views WHERE staff = ? AND held = 1 GROUP BY room",
            (staff,),
        ).fetchall()
    )
    for r in rows:
        room = r["room"]
        r["shares_received"] = received.get(room, 0)
        r["unread"] = max(0, received.get(room, 0) - viewed.get(room, 0))
        r["pending"] = pending.get(room, 0)
    return rows


def keys_destroyed(store: Store, room: bytes) -> int | None:
    """The room's ``keys_destroyed`` flag: ``1`` once its keys are destroyed (``None`` or
    ``0`` while they are held, ``None`` for no such room)."""
    value = store.one("SELECT keys_destroyed FROM rooms WHERE room = ?", (room,))
    return None if value is None else int(value)


def room_shares(store: Store, room: bytes) -> list[dict[str, Any]]:
    """The room's shares, own and received, in the order they were made.

    Each row has ``id``, ``sender``, ``basis``, ``categories`` and ``recipients``
    (JSON text), ``created``, ``own``, ``revoked_at``, ``deleted_at``, ``readable``
    (its content is still here: the plaintext of an own share, the envelope of a
    received one) and ``author``.
    """
    return store.rows(
        "SELECT id, sender, basis, categories, recipients, created, own, revoked_at,"
        " deleted_at, CASE WHEN own = 1 THEN EXISTS (SELECT 1 FROM plaintext p"
        " WHERE p.share = shares.id) ELSE envelope IS NOT NULL END AS readable, author"
        " FROM shares WHERE room = ?"
        " ORDER BY created, seq",
        (room,),
    )


def room_waiting(store: Store, room: bytes) -> dict[bytes, dict[str, str]]:
    """Own shares of the room still waiting for a peer after a failed or transiently
    refused attempt: ``{share: {peer: last error code or reason}}``."""
    by_share: dict[bytes, dict[str, str]] = {}
    for r in store.rows(
        "SELECT s.id, o.peer, o.last_error FROM outbox o"
        " JOIN shares s ON s.env_hash = o.env_hash AND s.own = 1"
        " WHERE o.room = ? AND o.kind = 'share' AND o.done_at IS NULL"
        " AND o.last_error IS NOT NULL",
        (room,),
    ):
        by_share.setdefault(r["id"], {})[r["peer"]] = r["last_error"]
    return by_share


def room_deliveries(store: Store, room: bytes) -> dict[bytes, dict[str, str]]:
    """The delivery state of every own share of the room: ``{share: {peer: state}}``."""
    by_share: dict[bytes, dict[str, str]] = {}
    for d in store.rows(
        "SELECT d.share, d.peer, d.state FROM deliveries d"
        " JOIN shares s ON s.id = d.share AND s.own = 1"
        " WHERE s.room = ?",
        (room,),
    ):
        by_share.setdefault(d["share"], {})[d["peer"]] = d["state"]
    return by_share


def viewed_shares(store: Store, staff: str, room: bytes) -> set[tuple[str, bytes]]:
    """The ``(sender, share)`` pairs of the room that ``staff`` has viewed."""
    return {
        (r[0], r[1])
        for r in store.execute(
            "SELECT sender, share FROM views WHERE staff = ? AND room = ?", (staff, room)
        )
    }


def closed_receipts(store: Store, room: bytes) -> list[str]:
    """The nodes that confirmed the room's closure, sorted."""
    rows = store.rows("SELECT issuer FROM receipts WHERE room = ? AND kind = 'closed'", (room,))
    return sorted(r["issuer"] for r in rows)


def own_share_exists(store: Store, room: bytes, share: bytes) -> bool:
    """Whether the room has an own share with this id."""
    return bool(
        store.one("SELECT 1 FROM shares WHERE id = ? AND room = ? AND own = 1", (share, room))
    )


def own_share_env_hash(store: Store, share: bytes) -> bytes | None:
    """The envelope hash of an own share (``None``: no own share with this id)."""
    value = store.one("SELECT env_hash FROM shares WHERE id = ? AND own = 1", (share,))
    return None if value is None else bytes(value)


def share_deliveries(store: Store, room: bytes, share: bytes) -> dict[str, str]:
    """The delivery state of one own share of the room: ``{peer: state}``."""
    rows = store.rows(
        "SELECT d.peer, d.state FROM deliveries d"
        " JOIN shares s ON s.id = d.share AND s.own = 1"
        " WHERE d.share = ? AND s.room = ?",
        (share, room),
    )
    return {r["peer"]: r["state"] for r in rows}


def rooms_by_phase(store: Store) -> list[tuple[str, int | None, int]]:
    """``(phase, keys_destroyed, count)`` for every combination the rooms have."""
    return [
        (str(phase), destroyed, int(n))
        for phase, destroyed, n in store.execute(
            "SELECT phase, keys_destroyed, COUNT(*) FROM rooms GROUP BY phase, keys_destroyed"
        )
    ]


def receipts_outstanding(store: Store) -> int:
    """Deliveries of own shares still waiting for a receipt: pending, or revoked and not
    yet confirmed deleted."""
    return int(
        store.one(
            "SELECT COUNT(*) FROM deliveries d JOIN shares s ON s.id = d.share AND s.own = 1"
            " WHERE d.state IN ('pending', 'revoked')"
        )
    )


def inbox_envelopes(store: Store) -> int:
    """Envelopes from partner nodes held in the inbox."""
    return int(store.one("SELECT COUNT(*) FROM inbox"))


def room_aanmelding(store: Store, room: bytes) -> dict[str, Any] | None:
    """The aanmelding a room was convened from at this node: its id and aanmelder,
    and whether the aanmelder was told it was not put to the casusoverleg."""
    row = store.row("SELECT id, aanmelder, notice_at FROM aanmeldingen WHERE room = ?", (room,))
    if row is None:
        return None
    aid = bytes(row["id"]).hex()
    return {"id": aid, "aanmelder": row["aanmelder"], "notice_at": row["notice_at"]}
