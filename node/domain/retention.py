"""The retention job: finishes closures after a grace period and purges metadata.

- Rooms closed longer ago than the organisation's grace period whose closure is not
  finished get it finished (own shares revoked, received content deleted, room keys
  destroyed, ``closed`` receipts sent).
- Rooms whose ``purge_after`` date (computed from the declared bases) has passed lose
  their metadata: events, share rows, receipts, deliveries, and audit entries that
  name only that room; a ``purge`` entry records it.
"""

from __future__ import annotations

import asyncio
import logging

from node.config import Config
from node.domain.node import Node
from node.store import audit
from protocol.errors import CasusnetError
from protocol.retention import add_years

log = logging.getLogger("casusnet.retention")


def run_once(node: Node) -> dict[str, int]:
    node.refresh_roster()
    now = node.now()
    finished = purged = 0
    grace = node.config.closure_grace
    for row in node.store.rows(
        "SELECT room FROM rooms WHERE phase = 'closed' AND closed_receipt_sent = 0"
        " AND closed_at <= ?",
        (now - grace,),
    ):
        try:
            state = node.rooms.state(row["room"], now)
            if state is not None:
                with node.store.transaction():
                    node.finish_closure(state)
                finished += 1
        except CasusnetError as exc:  # one room that fails does not stop the others
            log.warning("closure of a room could not be finished: %s", exc.code)
            with node.store.transaction():
                audit.append(
                    node.store,
                    at=now,
                    actor=node.me,
                    action="refused",
                    room=row["room"],
                    code=exc.code,
                    detail="closure not finished",
                )
    for row in node.store.rows("SELECT room, case_ref FROM rooms WHERE purge_after < ?", (now,)):
        room = row["room"]
        with node.store.transaction():
            for table in (
                "events",
                "room_keys",
                "receipts",
                "assignments",
                "outbox",
                "inbox",
                "views",
            ):
                node.store.execute(f"DELETE FROM {table} WHERE room = ?", (room,))
            ids = [
                r[0] for r in node.store.execute("SELECT id FROM shares WHERE room = ?", (room,))
            ]
            for share_id in ids:
                node.store.execute("DELETE FROM deliveries WHERE share = ?", (share_id,))
                node.store.execute("DELETE FROM plaintext WHERE share = ?", (share_id,))
            node.store.execute("DELETE FROM shares WHERE room = ?", (room,))
            node.store.execute("DELETE FROM rooms WHERE room = ?", (room,))
            audit.append(
                node.store,
                at=now,
                actor=node.me,
                action="purge",
                case_ref=row["case_ref"],
                shares=len(ids),
            )
        node.rooms.cache.drop(room)
        purged += 1
    if purged:
        purge_audit(node, now)
    if finished or purged:
        node.flush_wakeups()
    if finished or purged or node.shred_pending:
        node._shred()
    return {"finished": finished, "purged": purged}


def purge_audit(node: Node, now: int) -> int:
    """Drop the oldest audit entries that no retained room or term still needs.

    The chain is keyed and linked, so only a prefix can go: everything before the
    first entry that names a room still kept, or that is younger than the longest
    term of any basis in the registry.
    """
    longest = max(
        [b.retention_years or 0 for b in node.registry.bases.values()]
        + [b.log_min_years for b in node.registry.bases.values()]
    )
    horizon = add_years(now, -longest)
    keep_from = node.store.one(
        "SELECT MIN(seq) FROM audit WHERE room IN (SELECT room FROM rooms)"
        " OR case_ref IN (SELECT case_ref FROM rooms) OR at >= ?",
        (horizon,),
    )
    if keep_from is None:
        return 0
    return audit.purge_before(node.store, int(keep_from))


async def retention_loop(node: Node, config: Config) -> None:
    while True:
        try:
            run_once(node)
        except CasusnetError as exc:
            log.warning("retention run failed: %s", exc.code)
        await asyncio.sleep(config.timers.retention_every)
