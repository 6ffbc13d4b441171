"""The outbox worker: delivers queued envelopes to each partner, in order, until answered."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from dataclasses import dataclass
from typing import Any

from node.domain.node import Node
from node.faces.federation.client import FederationClient
from node.faces.federation.messages import BATCH_LIMITS, MAX_BATCH
from node.store import audit
from node.store import outbox as queue
from protocol.errors import CasusnetError
from protocol.revocation import verify_receipt

log = logging.getLogger("casusnet.delivery")

# Fault injection for the fault tests (never set in production): the batch size the
# outbox sends.
OUTBOX_BATCH = max(1, min(MAX_BATCH, int(os.environ.get("CASUSNET_OUTBOX_BATCH", MAX_BATCH))))


BODY_MARGIN = 64 << 10
"""Room left in a request body for the batch's own encoding."""


def fit_body(rows: list[dict[str, Any]], max_body: int) -> list[dict[str, Any]]:
    """The first rows whose envelopes fit one request body (at least one row): a
    partner answers a larger body with 413, and the same batch would never pass."""
    budget = min(max_body, BATCH_LIMITS.max_size) - BODY_MARGIN
    total, fitted = 0, list[dict[str, Any]]()
    for row in rows:
        total += len(row["envelope"]) + 8
        if fitted and total > budget:
            break
        fitted.append(row)
    return fitted


def outbox_depths(node: Node) -> dict[str, int]:
    """Undelivered envelopes per peer (peers with none are left out)."""
    return queue.depths(node.store)


@dataclass
class Contact:
    """What this node has seen of one peer since it started (kept in memory only).

    ``reachable``: ``True`` when the last delivery attempt to the peer or the last
    signed request from it succeeded, ``False`` when the last delivery attempt
    failed, ``None`` before any contact. ``last_contact``: the time of the last
    success of either kind. ``failures``: failed delivery attempts since the last
    successful one; ``failures_total``: all failed delivery attempts since start.
    ``unreachable_since``: when the peer stopped answering (the first failed or
    unanswered attempt after a success), ``None`` while it answers.
    """

    reachable: bool | None = None
    last_contact: int | None = None
    failures: int = 0
    failures_total: int = 0
    unreachable_since: int | None = None


#: seconds an attempt may go unanswered before the peer counts as unreachable (the
#: attempt itself runs on until the request timeout: a late answer makes it reachable)
NO_ANSWER = 2.0


class Outbox:
    """Delivers queued envelopes per peer, in order, until each is answered.

    One task per peer with work; a failed attempt backs off exponentially with
    jitter (``backoff_base`` doubling up to ``backoff_cap``); any request from the
    peer resets its backoff. Each peer's :class:`Contact` is kept up to date.

    A retry is due after a duration, on the monotonic clock (kept in memory; a
    restart makes everything due at once): a wall clock stepped forward or back
    never holds a delivery back or hurries it.
    """

    def __init__(self, node: Node, client: FederationClient) -> None:
        self.node = node
        self.client = client
        self.timers = node.config.timers
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._events: dict[str, asyncio.Event] = {}
        self._closing = False
        self._due: dict[str, float] = {}  # peer -> monotonic time of its next attempt
        # peers that answered and asked for a retry (a transient refusal): a request
        # from them says nothing about the refused envelope, so it does not end the wait
        self._answered: set[str] = set()
        self.contacts: dict[str, Contact] = {}
        node.ctx.wake = self.wake

    def contact(self, peer: str) -> Contact:
        """The peer's contact record (a fresh, empty one before any contact)."""
        return self.contacts.get(peer) or Contact()

    def _succeeded(self, peer: str, *, delivery: bool) -> None:
        contact = self.contacts.setdefault(peer, Contact())
        if contact.reachable is not True:
            self.node.changes.note("partners")  # the event stream: reachable again
        contact.reachable, contact.last_contact = True, self.node.now()
        contact.unreachable_since = None
        if delivery:
            contact.failures = 0

    def _unreachable(self, peer: str) -> Contact:
        """Mark ``peer`` unreachable at once (since now, unless it was already)."""
        contact = self.contacts.setdefault(peer, Contact())
        if contact.reachable is not False or contact.unreachable_since is None:
            contact.unreachable_since = self.node.now()
        contact.reachable = False
        self.node.changes.note("partners")  # the event stream: unreachable, or still
        return contact

    def _failed(self, peer: str) -> None:
        contact = self._unreachable(peer)
        contact.failures += 1
        contact.failures_total += 1

    def wake(self, peer: str) -> None:
        if self._closing:
            return
        self._events.setdefault(peer, asyncio.Event()).set()
        task = self._tasks.get(peer)
        if task is None or task.done():
            self._tasks[peer] = asyncio.get_running_loop().create_task(self._run(peer))

    def peer_contacted(self, peer: str) -> None:
        """A signed request from ``peer`` checked out: it is up, deliver to it now."""
        self._succeeded(peer, delivery=False)
        if peer in self._answered:
            return  # it is up, but asked to wait: that wait runs its course
        if self._due.pop(peer, None) is not None or queue.backing_off(self.node.store, peer):
            queue.reset_backoff(self.node.store, peer)
            self.wake(peer)

    def start(self) -> None:
        for peer in queue.peers_with_work(self.node.store):
            self.wake(peer)

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def pending(self, peer: str | None = None) -> int:
        return queue.pending(self.node.store, peer)

    async def _run(self, peer: str) -> None:
        event = self._events.setdefault(peer, asyncio.Event())
        while not self._closing:
            event.clear()
            rows = queue.next_batch(self.node.store, peer, OUTBOX_BATCH)
            if not rows:
                return
            wait = self._due.get(peer, 0.0) - time.monotonic()
            if wait > 0:
                try:
                    await asyncio.wait_for(event.wait(), timeout=wait)
                except TimeoutError:
                    pass
                continue
            rows = fit_body(rows, self.node.config.max_body)
            # a peer that accepts the connection but does not answer (stopped, hung)
            # shows as unreachable after NO_ANSWER seconds, not at the request timeout
            silent = asyncio.get_running_loop().call_later(NO_ANSWER, self._unreachable, peer)
            try:
                results = await self.client.post_batch(peer, [r["envelope"] for r in rows])
            except CasusnetError as exc:
                self._failed(peer)
                self._answered.discard(peer)
                self._backoff(peer, rows[0]["attempts"], str(exc.detail or exc.code))
                continue
            except Exception:  # a bug must not end this partner's deliveries for good
                log.exception("delivery to %s failed unexpectedly", peer)
                self._failed(peer)
                self._backoff(peer, rows[0]["attempts"], "transport")
                continue
            finally:
                silent.cancel()
            self._succeeded(peer, delivery=True)
            self._due.pop(peer, None)
            self._answered.discard(peer)
            self._settle(peer, rows, results)

    def _backoff(self, peer: str, attempts: int, error: str) -> None:
        delay = min(self.timers.backoff_cap, self.timers.backoff_base * 2**attempts)
        delay *= random.uniform(0.5, 1.0)
        self._due[peer] = time.monotonic() + delay
        queue.back_off(self.node.store, peer, error=error)

    def _settle(self, peer: str, rows: list[dict[str, Any]], results: list[list[Any]]) -> None:
        node = self.node
        retry_from: int | None = None
        retry_code = "node.retry"
        # recording receipts promises nothing to anybody: a lost record means a re-send
        # and the same receipt again, so this commit need not wait for the disk
        verified: list[tuple[Any, bytes]] = []
        with node.store.transaction(durable=False):
            for row, (status, receipt, code) in zip(rows, results, strict=True):
                if status == "retry":  # transient: this one and the rest wait
                    retry_from, retry_code = row["attempts"], code or retry_code
                    break
                if status == "ok" and receipt is not None:
                    try:
                        checked = verify_receipt(
                            receipt, roster=node.roster, me=node.me, envelope=row["envelope"]
                        )
                    except CasusnetError as exc:
                        code, status = exc.code, "refused"
                    else:
                        if checked.issuer != peer:
                            code, status = "crypto.signature", "refused"
                        else:
                            verified.append((checked, receipt))
                if status == "refused" and row["kind"] == "share":
                    queue.refuse_delivery(node.store, peer, row["env_hash"], at=node.now())
                if status == "refused":
                    audit.append(
                        node.store,
                        at=node.now(),
                        actor=peer,
                        action="refused",
                        code=code,
                        kind=row["kind"],
                        outbox=row["id"],
                        room=row["room"],
                    )
                error = None if status == "ok" else code
                queue.mark_done(node.store, row["id"], at=node.now(), error=error)
            if verified:
                node.receipts.record_receipts(verified)
        node.changes.kick()  # a refusal is audited here: the event stream tells it
        if retry_from is not None:
            self._answered.add(peer)
            self._backoff(peer, retry_from, retry_code)
