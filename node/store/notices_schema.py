"""The tables of notices by e-mail (schema version 15; ``node/store/notices.py``).

Each staff member's choice (the address, the kinds, the language, since when) and the
durable queue of notices, one row per staff member, kind and subject (the dedupe
key), kept once sent (or given up) so a notice is never sent twice.
"""

from __future__ import annotations

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    db.table("notice_settings").create({
        "staff": str, "address": str, "kinds": str, "lang": str, "since": int, "updated": int,
    }, pk="staff")  # fmt: skip
    db.table("notice_queue").create({
        "key": str, "staff": str, "kind": str, "room": bytes, "case_ref": str,
        "address": str, "subject": str, "body": str, "created": int, "attempts": int,
        "next_at": int, "sent_at": int, "expired_at": int, "last_error": str,
    }, pk="key")  # fmt: skip
    db.table("notice_queue").create_index(["sent_at", "next_at"])
