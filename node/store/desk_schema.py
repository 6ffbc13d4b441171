"""Schema v16, access from a workstation (``node/domain/staff.py``): a session is bound
to the operating-system account that logged in (its uid, from the local API socket's
peer credentials; NULL where none were given), and a staff account may name the one OS
account it logs in from. Registered in ``node/store/db.py``."""

from __future__ import annotations

import sqlite_utils


def v16(db: sqlite_utils.Database) -> None:
    db.table("sessions").add_column("uid", int)
    db.table("staff").add_column("os_user", str)
