"""The schema of the afscherming tables (``node/store/shielded.py``), migration 13."""

from __future__ import annotations

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    """Afscherming (``node/store/shielded.py``): the records a closure leaves sealed at
    this node (a supplier's record of what it supplied; the gemeente's integrated
    record), their openings for a purpose, the plan exports written to the node's
    exports folder, and when an open room's term warning was given."""
    db.table("shielded").create(
        {
            "id": bytes,
            "room": bytes,
            "case_ref": str,
            "kind": str,
            "created": int,
            "destroy_by": int,
            "hold": str,
            "hold_at": int,
            "hold_by": str,
            "wrapped": bytes,
            "sealed": bytes,
        },
        pk="id",
    )
    db.table("shielded").create_index(["room"])
    db.table("shielded_openings").create(
        {"record": bytes, "at": int, "staff": str, "purpose": str, "reason": str}
    )
    db.table("shielded_openings").create_index(["record"])
    db.table("exports").create(
        {
            "id": bytes,
            "room": bytes,
            "case_ref": str,
            "file": str,
            "created": int,
            "staff": str,
            "purpose": str,
            "destroyed": int,
        },
        pk="id",
    )
    db.table("exports").create_index(["room"])
    db.table("rooms").add_column("term_warned", int)
