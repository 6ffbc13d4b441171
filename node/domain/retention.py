"""The retention job: finishes closures after a grace period and purges metadata.

- Rooms closed longer ago than the organisation's grace period whose closure is not
  finished get it finished (own shares revoked, received content deleted, room keys
  destroyed, ``closed`` receipts sent).
- Rooms whose ``purge_after`` date (computed from the declared bases) has passed lose
  their metadata: events, share rows, receipts, deliveries, and audit entries that
  name only that room; a ``purge`` entry records it.
- Shielded records (``node.domain.shielded``) past their art. 9 date go unless a legal
  hold is recorded; a held record keeps its room's metadata and audit entries too. A
  room that is not closed gets a ``retention_warning`` 90 days before its term ends and
  is purged no earlier than 90 days after it: never silently. The room's plan exports
  go with its record or its metadata.
- Meldingen in the gemeente's register whose term has passed are destroyed
  (``node.domain.meldingen``, ``melding_purged``).
"""

from __future__ import annotations

import asyncio
import logging

from node.config import Config
from node.domain.node import Node
from node.store import audit
from node.store import rooms as room_tables
from protocol.errors import CasusnetError
from protocol.retention import add_years

log = logging.getLogger("casusnet.retention")


def run_once(node: Node) -> dict[str, int]:
    """One pass of the job; returns how many closures it finished, rooms it purged,
    meldingen it destroyed and shielded records it destroyed."""
    node.rosters.refresh_roster()
    now = node.now()
    finished = _finish_closures(node, now)
    node.aanmeldingen.purge_due()
    node.exports.warn_terms()
    shielded = node.shielded.purge_due()
    kept = node.exports.kept_from_purge(now)
    purged = 0
    for room, case_ref in room_tables.due_for_purge(node.store, now):
        if room in kept:
            continue
        with node.store.transaction():
            node.shielded.room_purged(room)
            shares = room_tables.purge(node.store, room)
            node.ctx.audit(actor=node.me, action="purge", case_ref=case_ref, shares=shares)
        node.rooms.cache.drop(room)
        purged += 1
    if purged:
        purge_audit(node, now)
    if finished or purged:
        node.ctx.flush_wakeups()
    meldingen = node.meldingen.purge_due()  # after the rooms: an aanmelding follows its case
    node.transfers.expire_due()  # unanswered by the deadline: not supplied
    node.transfers.purge_due()  # after the aanmeldingen and the rooms it follows
    if finished or purged or meldingen or shielded or node.closure.shred_pending:
        node.closure.shred()
    return {"finished": finished, "purged": purged, "meldingen": meldingen, "shielded": shielded}


def _finish_closures(node: Node, now: int) -> int:
    """Finish the closures whose grace period has ended; returns how many."""
    finished = 0
    for room in room_tables.due_for_closure(node.store, now - node.config.closure_grace):
        try:
            state = node.rooms.state(room, now)
            if state is not None:
                with node.store.transaction():
                    node.closure.finish(state)
                finished += 1
        except CasusnetError as exc:  # one room that fails does not stop the others
            log.warning("closure of a room could not be finished: %s", exc)
            with node.store.transaction():
                node.ctx.audit(
                    actor=node.me,
                    action="refused",
                    room=room,
                    code=exc.code,
                    detail="closure not finished",
                )
    return finished


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
    keep_from = audit.first_needed(node.store, add_years(now, -longest))
    if keep_from is None:
        return 0
    return audit.purge_before(node.store, keep_from)


async def retention_loop(node: Node, config: Config) -> None:
    while True:
        try:
            run_once(node)
        except CasusnetError as exc:
            log.warning("retention run failed: %s", exc)
        except Exception:  # a full disk (sqlite3) too: logged, and the loop goes on
            log.exception("retention run failed")
        await asyncio.sleep(config.timers.retention_every)
