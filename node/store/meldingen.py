"""The tables of the register of meldingen: ``meldingen`` and ``melding_history``.

The summary and the melder's identity arrive here sealed (``node.domain.meldingen``
seals them with the master key); this module never sees them in plaintext. Numbers
are never reused: the last one given is kept in ``meta`` (``melding_seq``), so an
audit entry about a purged melding never names a later one.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store

COLUMNS = "id, received, source, follow_up, case_ref, recorded_by, created, updated"
"""What a list shows: everything but the sealed summary and melder."""


def next_id(store: Store) -> int:
    """The next melding number (caller's transaction)."""
    number = int(store.get_meta("melding_seq") or 0) + 1
    store.set_meta("melding_seq", str(number))
    return number


def insert(store: Store, row: dict[str, Any]) -> None:
    store.execute(
        "INSERT INTO meldingen (id, received, source, summary, melder, follow_up, case_ref,"
        " recorded_by, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            row["id"],
            row["received"],
            row["source"],
            row["summary"],
            row["melder"],
            row["follow_up"],
            row["case_ref"],
            row["recorded_by"],
            row["created"],
            row["updated"],
        ),
    )


def add_history(
    store: Store,
    melding: int,
    *,
    at: int,
    actor: str,
    change: str,
    follow_up: str,
    case_ref: str | None,
) -> None:
    store.execute(
        "INSERT INTO melding_history (melding, at, actor, change, follow_up, case_ref)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (melding, at, actor, change, follow_up, case_ref),
    )


def get(store: Store, melding: int) -> dict[str, Any] | None:
    """One melding with its sealed summary (``melder`` is only whether one is kept)."""
    return store.row(
        f"SELECT {COLUMNS}, summary, melder IS NOT NULL AS has_melder,"
        " (SELECT phase FROM rooms WHERE rooms.case_ref = meldingen.case_ref LIMIT 1) AS phase"
        " FROM meldingen WHERE id = ?",
        (melding,),
    )


def sealed_melder(store: Store, melding: int) -> bytes | None:
    sealed = store.one("SELECT melder FROM meldingen WHERE id = ?", (melding,))
    return None if sealed is None else bytes(sealed)


def history(store: Store, melding: int) -> list[dict[str, Any]]:
    return store.rows(
        "SELECT at, actor, change, follow_up, case_ref FROM melding_history"
        " WHERE melding = ? ORDER BY rowid",
        (melding,),
    )


def update(store: Store, melding: int, fields: dict[str, Any]) -> None:
    """Set some of ``summary``, ``melder``, ``follow_up``, ``case_ref``, ``updated``."""
    allowed = ("summary", "melder", "follow_up", "case_ref", "updated")
    names = [n for n in allowed if n in fields]
    if not names:
        return
    assignments = ", ".join(f"{n} = ?" for n in names)
    store.execute(
        f"UPDATE meldingen SET {assignments} WHERE id = ?",
        (*(fields[n] for n in names), melding),
    )


def listing(
    store: Store, *, follow_up: str | None = None, no_intake: bool = False, limit: int = 1000
) -> list[dict[str, Any]]:
    """Meldingen, newest received first, without their sealed fields.

    ``phase`` is that of this node's room with the melding's case reference (none:
    no intake here yet). ``no_intake``: only those that never reached an intake: no
    aanmelding, or an aanmelding whose case has no room here.
    """
    where: list[str] = []
    params: list[Any] = []
    if follow_up is not None:
        where.append("follow_up = ?")
        params.append(follow_up)
    if no_intake:
        where.append("phase IS NULL")
    sql = (
        f"SELECT * FROM (SELECT {COLUMNS}, melder IS NOT NULL AS has_melder,"
        " (SELECT phase FROM rooms WHERE rooms.case_ref = meldingen.case_ref LIMIT 1) AS phase"
        " FROM meldingen)"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY received DESC, id DESC LIMIT ?"
    return store.rows(sql, (*params, limit))


def due_for_purge(store: Store, horizons: dict[str, int]) -> list[dict[str, Any]]:
    """Meldingen whose follow-up's term has passed: last changed before the horizon of
    their follow-up, and (an aanmelding) with no room of their case here any more."""
    due: list[dict[str, Any]] = []
    for follow_up, before in horizons.items():
        due += store.rows(
            "SELECT id, follow_up, case_ref, updated FROM meldingen WHERE follow_up = ?"
            " AND updated < ? AND (case_ref IS NULL OR NOT EXISTS"
            " (SELECT 1 FROM rooms WHERE rooms.case_ref = meldingen.case_ref))"
            " ORDER BY id",
            (follow_up, before),
        )
    return due


def delete(store: Store, melding: int) -> None:
    """Remove a melding and its history (``secure_delete`` overwrites the rows)."""
    store.execute("DELETE FROM melding_history WHERE melding = ?", (melding,))
    store.execute("DELETE FROM meldingen WHERE id = ?", (melding,))
