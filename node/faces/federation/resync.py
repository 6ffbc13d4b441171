"""Catching up after a restore: a node restored from a backup is older than the
federation's state, and asks its partners for what it missed.

``casusnet restore`` sets ``resync_pending`` in the store's ``meta``; while it is set,
the daemon runs :func:`resync_loop`: each room's chain is fetched from the chair (or,
for rooms this node chairs, from the members), every other sender is asked for what
it sent after the last ``seq`` seen, and a member key made after the backup (and so
lost) is replaced through a new join. The design is in ``node/tools/backup.py`` and
``docs/decisions.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from node.domain.inbox import RetryLater
from node.domain.membership import followers
from node.domain.node import Node
from node.faces.federation.client import FederationClient
from node.store import audit, maintenance
from protocol import chain
from protocol.errors import CasusnetError

log = logging.getLogger("casusnet.resync")

RESYNC_KEY = "resync_pending"
"""The ``meta`` key a restore sets; the daemon resynchronises while it is there."""


async def resync(node: Node, client: FederationClient) -> bool:
    """One round of catching up with the partners; True when nothing is left to do."""
    if node.store.get_meta(RESYNC_KEY) is None:
        return True
    complete = True
    now = node.now()
    for room in maintenance.room_ids(node.store):
        state = node.rooms.state(room, now)
        if state is None:
            continue
        # 1. the chain: from the chair, or (for rooms this node chairs) from the members
        try:
            if state.chair != node.me:
                await client.catch_up(state.chair, room, state.seq)
            else:
                for peer in sorted(followers(node.registry, state) - {node.me}):
                    events = await client.fetch_events(peer, room, state.seq)
                    with node.store.transaction():
                        for raw in events:
                            try:
                                node.inbox.receive(peer, raw)
                            except (RetryLater, CasusnetError):
                                break
                    node.ctx.flush_wakeups()
                    state = node.rooms.state(room, node.now()) or state
        except CasusnetError as exc:
            log.info("resync: chain of a room not complete now: %s", exc.code)
            complete = False
        state = node.rooms.state(room, node.now()) or state
        # 2. what other senders sent to this node after the last seq it has
        senders = {n for members in state.epochs.values() for n in members} - {node.me}
        for sender in sorted(senders):
            last = maintenance.last_seq(node.store, room, sender)
            try:
                envelopes = await client.fetch_sent(sender, room, last)
            except CasusnetError:
                complete = False
                continue
            for envelope in envelopes:
                with contextlib.suppress(CasusnetError):
                    node.inbox.receive(sender, envelope)
            node.inbox.take_gaps()  # asked just now
        # 3. a member key made after the backup is lost: join again with a fresh one
        _rekey(node, room)
    if complete:
        with node.store.transaction():
            maintenance.delete_meta(node.store, RESYNC_KEY)
            audit.append(node.store, at=node.now(), actor=node.me, action="resynced")
        log.info("resync after the restore complete")
    return complete


def _rekey(node: Node, room: bytes) -> None:
    """Join again with a fresh key when this node's member key of the room is lost."""
    state = node.rooms.state(room, node.now())
    if state is None or state.phase == chain.CLOSED or state.chair == node.me:
        return
    key = state.joins.get(node.me)
    member = state.members.get(node.me)
    if key is None and member is not None:
        key = member.key
    if key is None and node.me not in state.invited:
        return
    if key is not None and node.rooms.key(room, key) is not None:
        return
    with node.store.transaction():
        node.members.join(state)
    node.ctx.flush_wakeups()


async def resync_loop(node: Node, client: FederationClient) -> None:
    """Resynchronise a restored node, retrying (with backoff) until it is complete."""
    delay = node.config.timers.backoff_base
    while True:
        try:
            if await resync(node, client):
                return
        except CasusnetError as exc:
            log.warning("resync round failed: %s", exc.code)
        await asyncio.sleep(delay)
        delay = min(node.config.timers.backoff_cap, delay * 2)
