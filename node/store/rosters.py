"""The ``rosters`` table: every roster version this node accepted, as signed."""

from __future__ import annotations

from node.store.db import Store


def latest(store: Store) -> bytes | None:
    data = store.one("SELECT data FROM rosters ORDER BY version DESC LIMIT 1")
    return None if data is None else bytes(data)


def newest_first(store: Store) -> list[bytes]:
    return [bytes(r[0]) for r in store.execute("SELECT data FROM rosters ORDER BY version DESC")]


def newest_version(store: Store) -> int | None:
    version = store.one("SELECT MAX(version) FROM rosters")
    return None if version is None else int(version)


def version(store: Store, number: int) -> bytes | None:
    data = store.one("SELECT data FROM rosters WHERE version = ?", (number,))
    return None if data is None else bytes(data)


def insert(store: Store, number: int, data: bytes, now: int, *, replace_none: bool = False) -> None:
    """Store an accepted roster; ``replace_none`` keeps an existing row of that version."""
    verb = "INSERT OR IGNORE" if replace_none else "INSERT"
    store.execute(f"{verb} INTO rosters VALUES (?, ?, ?)", (number, data, now))
