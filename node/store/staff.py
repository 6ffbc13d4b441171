"""The tables of local staff: accounts, sessions and room assignments.

Nothing here leaves the node (staff names are local; see ``node.domain.staff``).
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store


def exists(store: Store, name: str) -> bool:
    return bool(store.one("SELECT 1 FROM staff WHERE name = ?", (name,)))


def insert(
    store: Store,
    name: str,
    function: str,
    pwhash: str,
    intake: bool,
    now: int,
    capacity: str | None = None,
    roles: list[str] | None = None,
) -> None:
    store.execute(
        "INSERT INTO staff (name, function, pwhash, intake, created, capacity, roles)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (name, function, pwhash, int(intake), now, capacity, ",".join(roles or [])),
    )


def account(store: Store, name: str) -> dict[str, Any] | None:
    """Name, function label, intake flag, capacity and roles of one account."""
    return store.row(
        "SELECT name, function, intake, capacity, roles FROM staff WHERE name = ?", (name,)
    )


def pwhash(store: Store, name: str) -> str | None:
    value = store.one("SELECT pwhash FROM staff WHERE name = ?", (name,))
    return None if value is None else str(value)


def intake_names(store: Store) -> list[str]:
    return [str(r[0]) for r in store.execute("SELECT name FROM staff WHERE intake = 1")]


def insert_session(
    store: Store, token_hash: bytes, name: str, now: int, uid: int | None = None
) -> None:
    store.execute(
        "INSERT INTO sessions (token_hash, staff, expires, last_seen, uid)"
        " VALUES (?, ?, ?, ?, ?)",
        (token_hash, name, 0, now, uid),
    )


def session(store: Store, token_hash: bytes) -> dict[str, Any] | None:
    """The staff name, last use and bound OS account (uid) of a session."""
    return store.row(
        "SELECT staff, last_seen, uid FROM sessions WHERE token_hash = ?", (token_hash,)
    )


def os_user(store: Store, name: str) -> str | None:
    """The operating-system account a staff member logs in from, when one is named."""
    value = store.one("SELECT os_user FROM staff WHERE name = ?", (name,))
    return None if value is None else str(value)


def set_os_user(store: Store, name: str, account: str | None) -> None:
    store.execute("UPDATE staff SET os_user = ? WHERE name = ?", (account, name))


def touch_session(store: Store, token_hash: bytes, now: int) -> None:
    store.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (now, token_hash))


def delete_session(store: Store, token_hash: bytes) -> None:
    store.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))


def assign(store: Store, room: bytes, name: str) -> None:
    store.execute("INSERT OR IGNORE INTO assignments (room, staff) VALUES (?, ?)", (room, name))


def is_assigned(store: Store, room: bytes, name: str) -> bool:
    return bool(store.one("SELECT 1 FROM assignments WHERE room = ? AND staff = ?", (room, name)))
