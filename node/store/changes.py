"""What the change bus reads of the audit log: the entries after a sequence number.

The audit log is where every state change of the node leaves a line (in the same
transaction), whichever process made it; ``node.domain.changes`` turns its tail into
the local API's events. Only the action and the room are read, never the detail.
"""

from __future__ import annotations

from typing import Any

from node.store.db import Store


def head(store: Store) -> int:
    """The sequence number of the newest audit entry (0 for an empty log)."""
    return int(store.one("SELECT COALESCE(MAX(seq), 0) FROM audit") or 0)


def after(store: Store, seq: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` entries after ``seq``, oldest first: seq, actor, action, room."""
    return store.rows(
        "SELECT seq, actor, action, room FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    )


def assigned(store: Store, name: str, rooms: list[bytes]) -> set[bytes]:
    """Which of ``rooms`` the staff member ``name`` is assigned to."""
    if not rooms:
        return set()
    marks = ", ".join("?" * len(rooms))
    found = store.rows(
        f"SELECT room FROM assignments WHERE staff = ? AND room IN ({marks})", (name, *rooms)
    )
    return {bytes(r["room"]) for r in found}
