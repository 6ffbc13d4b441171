"""Node-to-node HTTP: the federation endpoints, the client, and the outbox worker.

Endpoints (every request but ``/v1/health`` signed with ``Casusnet-Auth``):

- ``POST /v1/inbox``: a batch ``{"envelopes": [bin, ...]}``; the answer
  ``{"results": [[status, receipt, code], ...]}`` in the same order, status one of
  ``ok`` (receipt attached when the envelope asks for one), ``retry`` (the node's
  view of the room is behind; send again later) or ``refused`` (never send again).
- ``GET /v1/rooms/{room}/events?after=N``: the room's events for its members.
- ``GET /v1/roster``: the current signed roster.
- ``GET /v1/health``: liveness, unauthenticated.

The caller is read from the signed header before anything else: a caller that is
not in the roster gets 403 before its body is read.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from node.domain.inbox import RetryLater
from node.domain.node import Node
from node.store import audit
from protocol.codec import Bin, Limits, List, Message, Str, Struct, decode, pack
from protocol.errors import CasusnetError, TransportError, UnknownSignerError
from protocol.request import (
    HEADER,
    ReplayGuard,
    read_request_header,
    sign_request,
    verify_request,
)
from protocol.revocation import verify_receipt

log = logging.getLogger("casusnet.federation")

MAX_BATCH = 64
# Fault injection for the fault tests (never set in production): the batch size the
# outbox sends, and a crash right after an envelope is stored, before the answer.
OUTBOX_BATCH = max(1, min(MAX_BATCH, int(os.environ.get("CASUSNET_OUTBOX_BATCH", MAX_BATCH))))
FAULT = os.environ.get("CASUSNET_FAULT", "")
BATCH_LIMITS = Limits(max_size=8 << 20, max_bin=2 << 20, max_array=MAX_BATCH, max_map=4)


@dataclass(frozen=True)
class Batch(Message):
    envelopes: tuple[bytes, ...]


Batch.SPEC = Struct(Batch, (("envelopes", List(Bin(max_len=2 << 20, min_len=1), MAX_BATCH, 1)),))


@dataclass(frozen=True)
class Events(Message):
    events: tuple[bytes, ...]


Events.SPEC = Struct(Events, (("events", List(Bin(max_len=1 << 20), 500)),))

NODE_KEY = web.AppKey("node", Node)
TASKS_KEY = web.AppKey("tasks", set)
GUARD_KEY = web.AppKey("guard", ReplayGuard)
LIMITER_KEY = web.AppKey("limiter", "RateLimiter")
CLIENT_KEY = web.AppKey("client", "FederationClient")


class RateLimiter:
    """A token bucket per peer."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate, self.burst = rate, burst or 2 * rate
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, peer: str, now: float, factor: float = 1) -> bool:
        burst, rate = self.burst * factor, self.rate * factor
        tokens, last = self._buckets.get(peer, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        if tokens < 1:
            self._buckets[peer] = (tokens, now)
            return False
        self._buckets[peer] = (tokens - 1, now)
        return True


Handler = Callable[[web.Request, str, bytes], Awaitable[web.StreamResponse]]


def authenticated(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        node = request.app[NODE_KEY]
        node.rosters.refresh_roster()
        try:
            pending = read_request_header(request.headers.get(HEADER))
        except CasusnetError as exc:
            return _error(401, exc)
        now = node.now()
        try:
            node.roster.member(pending.caller, now)
        except UnknownSignerError as exc:
            return _error(403, exc)  # before the body is read
        limiter = request.app[LIMITER_KEY]
        # unverified requests are limited by address (generously: partners may share
        # one); a peer's own budget is charged only once its signature checks out
        if not limiter.allow(f"addr {request.remote}", time.monotonic(), factor=10):
            return web.Response(status=429, text="rate limit")
        if (request.content_length or 0) > node.config.max_body:
            return web.Response(status=413, text="body too large")
        try:
            body = await request.read()  # bounded by the app's client_max_size
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="body too large")
        if len(body) > node.config.max_body:
            return web.Response(status=413, text="body too large")
        try:
            caller = verify_request(
                pending,
                me=node.me,
                method=request.method,
                path=request.path_qs,
                body=body,
                roster=node.roster,
                now=now,
                guard=request.app[GUARD_KEY],
            )
        except CasusnetError as exc:
            _audit_refusal(node, pending.caller, exc, request.path)
            return _error(401, exc)
        if not limiter.allow(caller, time.monotonic()):
            return web.Response(status=429, text="rate limit")
        outbox = request.app.get(OUTBOX_KEY)
        if outbox is not None:
            outbox.peer_contacted(caller)
        return await handler(request, caller, body)

    return wrapped


def _error(status: int, exc: CasusnetError) -> web.Response:
    return web.json_response({"error": exc.code, "message": exc.user_text()}, status=status)


def _audit_refusal(node: Node, caller: str, exc: CasusnetError, path: str) -> None:
    try:
        with node.store.transaction():
            audit.append(
                node.store, at=node.now(), actor=caller, action="refused", code=exc.code, path=path
            )
    except CasusnetError:
        log.warning("could not write the audit entry for a refused request")


async def rx_inbox(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        batch = decode(body, Batch.SPEC, BATCH_LIMITS)
    except CasusnetError as exc:
        _audit_refusal(node, caller, exc, request.path)
        return _error(400, exc)
    client = request.app.get(CLIENT_KEY)
    results: list[list[Any]] = []
    stored_share = False
    # the whole batch in one transaction (one fsync); each envelope in a savepoint, so
    # a refused one changes nothing; the first that must wait for the chain ends it
    with node.store.transaction():
        for envelope in batch.envelopes:
            try:
                result = node.inbox.receive(caller, envelope)
            except RetryLater:
                break
            except CasusnetError as exc:
                results.append(["refused", None, exc.code])
            else:
                results.append(["ok", result.receipt, None])
                stored_share = stored_share or result.kind == "share"
    if FAULT == "crash_after_store" and stored_share:
        os._exit(70)  # stored and committed, never answered
    for envelope in batch.envelopes[len(results) :]:
        if results and results[-1][0] == "retry":  # keep the sender's order
            results.append(["retry", None, "node.retry"])
            continue
        results.append(await _receive_one(node, client, caller, envelope))
    if client is not None:
        for room, sender, after in node.inbox.take_gaps():
            _background(request.app, fill_gap(node, client, sender, room, after))
    return web.Response(body=pack({"results": results}), content_type="application/msgpack")


async def _receive_one(
    node: Node, client: FederationClient | None, caller: str, envelope: bytes
) -> list[Any]:
    for attempt in range(2):
        try:
            result = node.inbox.receive(caller, envelope)
            return ["ok", result.receipt, None]
        except RetryLater as later:
            if attempt or client is None or not later.chair or later.chair == node.me:
                return ["retry", None, later.code]
            try:
                await client.catch_up(later.chair, later.room or b"", later.after)
            except CasusnetError:
                return ["retry", None, later.code]
        except CasusnetError as exc:
            return ["refused", None, exc.code]
    return ["retry", None, "node.retry"]


def _background(app: web.Application, job: Any) -> None:
    tasks = app[TASKS_KEY]
    task = asyncio.get_running_loop().create_task(job)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def fill_gap(
    node: Node, client: FederationClient, sender: str, room: bytes, after: int
) -> int:
    """Ask ``sender`` for what it sent to this node after ``after``; apply what is missing."""
    try:
        envelopes = await client.fetch_sent(sender, room, after)
    except CasusnetError as exc:
        log.info("gap at %s not filled now: %s", sender, exc.code)
        return 0
    filled = 0
    for envelope in envelopes:
        try:
            result = node.inbox.receive(sender, envelope)
        except CasusnetError:
            continue
        if result.kind != "duplicate":
            filled += 1
    if filled:
        with node.store.transaction():
            audit.append(
                node.store,
                at=node.now(),
                actor=sender,
                action="received_gap",
                room=room,
                filled=filled,
            )
    node.inbox.take_gaps()  # the envelopes just applied may have noted the same gap again
    return filled


async def rx_sent(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        room = bytes.fromhex(request.match_info["room"])
        after = int(request.query.get("after", "0"))
        if not 0 <= after < 2**62:
            raise ValueError("after out of range")
    except ValueError:
        return _error(400, CasusnetError("bad room or after"))
    envelopes = node.inbox.sent_to(caller, room, after)
    return web.Response(body=Events(tuple(envelopes)).encode(), content_type="application/msgpack")


async def rx_events(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        room = bytes.fromhex(request.match_info["room"])
        after = int(request.query.get("after", "-1"))
        if not -1 <= after < 2**62:
            raise ValueError("after out of range")
        events = node.members.events_for(caller, room, after)
    except (ValueError, CasusnetError) as exc:
        err = exc if isinstance(exc, CasusnetError) else CasusnetError("bad room or after")
        _audit_refusal(node, caller, err, request.path)
        return _error(403, err)
    return web.Response(body=Events(tuple(events)).encode(), content_type="application/msgpack")


async def rx_roster(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    return web.Response(body=node.rosters.roster_bytes(), content_type="application/msgpack")


async def health(request: web.Request) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    return web.json_response(
        {"status": "ok", "node": node.me, "roster_version": node.roster.version}
    )


def add_routes(app: web.Application) -> None:
    app.router.add_post("/v1/inbox", authenticated(rx_inbox))
    app.router.add_get("/v1/rooms/{room}/events", authenticated(rx_events))
    app.router.add_get("/v1/rooms/{room}/sent", authenticated(rx_sent))
    app.router.add_get("/v1/roster", authenticated(rx_roster))
    app.router.add_get("/v1/health", health)


# --- client -----------------------------------------------------------------------------


class FederationClient:
    def __init__(self, node: Node, session: aiohttp.ClientSession) -> None:
        self.node = node
        self.session = session

    def _url(self, peer: str, path: str) -> str:
        return self.node.roster.member(peer).url.rstrip("/") + path

    def _headers(self, peer: str, method: str, path: str, body: bytes) -> dict[str, str]:
        node = self.node
        header = sign_request(
            node.identity.signer,
            node.me,
            to=peer,
            method=method,
            path=path,
            body=body,
            now=node.now(),
            rand=node.ctx.rand,
        )
        return {HEADER: header, "Content-Type": "application/msgpack"}

    async def post_batch(self, peer: str, envelopes: list[bytes]) -> list[list[Any]]:
        body = Batch(tuple(envelopes)).encode()
        path = "/v1/inbox"
        data = await self._request(peer, "POST", path, body)
        answer = decode(data, _ANSWER_SPEC, BATCH_LIMITS)
        if len(answer.results) != len(envelopes):
            raise TransportError(f"{peer} answered {len(answer.results)} of {len(envelopes)}")
        return [list(r) for r in answer.results]

    async def fetch_events(self, peer: str, room: bytes, after: int) -> list[bytes]:
        path = f"/v1/rooms/{room.hex()}/events?after={after}"
        data = await self._request(peer, "GET", path, b"")
        return list(decode(data, Events.SPEC, BATCH_LIMITS).events)

    async def fetch_sent(self, peer: str, room: bytes, after: int) -> list[bytes]:
        path = f"/v1/rooms/{room.hex()}/sent?after={after}"
        data = await self._request(peer, "GET", path, b"")
        return list(decode(data, Events.SPEC, BATCH_LIMITS).events)

    async def catch_up(self, chair: str, room: bytes, after: int, rounds: int = 20) -> int:
        """Fetch and apply the events of a room this node is missing, from its chair.

        Stops when the chair has nothing more, when a round brings the chain no
        further (a chair that repeats itself), or after ``rounds`` rounds.
        """
        state = self.node.rooms.state(room, self.node.now())
        if state is not None:
            chair = state.chair  # never whoever claimed to be the chair
        applied = 0
        for _ in range(rounds):
            events = await self.fetch_events(chair, room, after)
            for raw in events:
                try:
                    self.node.inbox.receive(chair, raw)
                except (RetryLater, CasusnetError):
                    break
            state = self.node.rooms.state(room, self.node.now())
            head = state.seq if state is not None else -1
            if not events or head <= after:
                return applied
            applied += head - after
            after = head
        return applied

    async def _request(self, peer: str, method: str, path: str, body: bytes) -> bytes:
        try:
            url = self._url(peer, path)
        except CasusnetError as exc:
            raise TransportError(f"{peer} is not in the roster") from exc
        timeout = aiohttp.ClientTimeout(total=self.node.config.timers.request_timeout)
        try:
            async with self.session.request(
                method,
                url,
                data=body or None,
                timeout=timeout,
                headers=self._headers(peer, method, path, body),
            ) as r:
                data = await r.read()
                if r.status != 200:
                    raise TransportError(f"{peer} answered {r.status}")
                return data
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransportError(f"{peer}: {type(exc).__name__}") from None


@dataclass(frozen=True)
class Answer(Message):
    results: tuple[Any, ...]


class _ResultSpec(List):  # type: ignore[type-arg]
    """``[status, receipt | nil, code | nil]``."""

    def __init__(self) -> None:
        super().__init__(Str(16), 3)

    def check(self, value: Any) -> Any:
        if type(value) is not list or len(value) != 3:
            self.fail("expected [status, receipt, code]")
        status, receipt, code = value
        if status not in ("ok", "retry", "refused"):
            self.fail("unknown status")
        if receipt is not None and (type(receipt) is not bytes or len(receipt) > 4096):
            self.fail("receipt")
        if code is not None and (type(code) is not str or len(code) > 64):
            self.fail("code")
        return tuple(value)


_ANSWER_SPEC = Struct(Answer, (("results", List(_ResultSpec(), MAX_BATCH)),))


# --- the outbox worker --------------------------------------------------------------------


def outbox_depths(node: Node) -> dict[str, int]:
    """Undelivered envelopes per peer (peers with none are left out)."""
    return {
        str(peer): int(n)
        for peer, n in node.store.execute(
            "SELECT peer, COUNT(*) FROM outbox INDEXED BY outbox_open_peer"
            " WHERE done_at IS NULL GROUP BY peer"
        )
    }


@dataclass
class Contact:
    """What this node has seen of one peer since it started (kept in memory only).

    ``reachable``: ``True`` when the last delivery attempt to the peer or the last
    signed request from it succeeded, ``False`` when the last delivery attempt
    failed, ``None`` before any contact. ``last_contact``: the time of the last
    success of either kind. ``failures``: failed delivery attempts since the last
    successful one; ``failures_total``: all failed delivery attempts since start.
    """

    reachable: bool | None = None
    last_contact: int | None = None
    failures: int = 0
    failures_total: int = 0


class Outbox:
    """Delivers queued envelopes per peer, in order, until each is answered.

    One task per peer with work; a failed attempt backs off exponentially with
    jitter (``backoff_base`` doubling up to ``backoff_cap``); any request from the
    peer resets its backoff. Each peer's :class:`Contact` is kept up to date.
    """

    def __init__(self, node: Node, client: FederationClient) -> None:
        self.node = node
        self.client = client
        self.timers = node.config.timers
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._events: dict[str, asyncio.Event] = {}
        self._closing = False
        self.contacts: dict[str, Contact] = {}
        node.ctx.wake = self.wake

    def contact(self, peer: str) -> Contact:
        """The peer's contact record (a fresh, empty one before any contact)."""
        return self.contacts.get(peer) or Contact()

    def _succeeded(self, peer: str, *, delivery: bool) -> None:
        contact = self.contacts.setdefault(peer, Contact())
        contact.reachable, contact.last_contact = True, self.node.now()
        if delivery:
            contact.failures = 0

    def _failed(self, peer: str) -> None:
        contact = self.contacts.setdefault(peer, Contact())
        contact.reachable = False
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
        store = self.node.store
        if store.one(
            "SELECT 1 FROM outbox WHERE peer = ? AND done_at IS NULL AND attempts > 0", (peer,)
        ):
            with store.transaction(durable=False):
                store.execute(
                    "UPDATE outbox SET next_at = 0, attempts = 0"
                    " WHERE peer = ? AND done_at IS NULL",
                    (peer,),
                )
            self.wake(peer)

    def start(self) -> None:
        peers = [
            r[0]
            for r in self.node.store.execute(
                "SELECT DISTINCT peer FROM outbox WHERE done_at IS NULL"
            )
        ]
        for peer in peers:
            self.wake(peer)

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def pending(self, peer: str | None = None) -> int:
        if peer is None:
            return int(self.node.store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"))
        return int(
            self.node.store.one(
                "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL AND peer = ?", (peer,)
            )
        )

    async def _run(self, peer: str) -> None:
        event = self._events.setdefault(peer, asyncio.Event())
        while not self._closing:
            event.clear()
            rows = self.node.store.rows(
                "SELECT id, kind, room, envelope, env_hash, attempts, next_at FROM outbox"
                " WHERE peer = ? AND done_at IS NULL ORDER BY id LIMIT ?",
                (peer, OUTBOX_BATCH),
            )
            if not rows:
                return
            wait = rows[0]["next_at"] - time.time()
            if wait > 0:
                try:
                    await asyncio.wait_for(event.wait(), timeout=wait)
                except TimeoutError:
                    pass
                continue
            try:
                results = await self.client.post_batch(peer, [r["envelope"] for r in rows])
            except CasusnetError as exc:
                self._failed(peer)
                self._backoff(peer, rows[0]["attempts"], str(exc.detail or exc.code))
                continue
            self._succeeded(peer, delivery=True)
            self._settle(peer, rows, results)

    def _backoff(self, peer: str, attempts: int, error: str) -> None:
        delay = min(self.timers.backoff_cap, self.timers.backoff_base * 2**attempts)
        delay *= random.uniform(0.5, 1.0)
        with self.node.store.transaction(durable=False):
            self.node.store.execute(
                "UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ?"
                " WHERE peer = ? AND done_at IS NULL",
                (time.time() + delay, error[:200], peer),
            )

    def _settle(self, peer: str, rows: list[dict[str, Any]], results: list[list[Any]]) -> None:
        node = self.node
        retry_from: int | None = None
        # recording receipts promises nothing to anybody: a lost record means a re-send
        # and the same receipt again, so this commit need not wait for the disk
        verified: list[tuple[Any, bytes]] = []
        with node.store.transaction(durable=False):
            for row, (status, receipt, code) in zip(rows, results, strict=True):
                if status == "retry":
                    retry_from = row["attempts"]
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
                    node.store.execute(
                        "UPDATE deliveries SET state = 'refused', updated = ? WHERE peer = ?"
                        " AND share = (SELECT id FROM shares WHERE env_hash = ?)",
                        (node.now(), peer, row["env_hash"]),
                    )
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
                node.store.execute(
                    "UPDATE outbox SET done_at = ?, last_error = ? WHERE id = ?",
                    (node.now(), None if status == "ok" else code, row["id"]),
                )
            if verified:
                node.receipts.record_receipts(verified)
        if retry_from is not None:
            self._backoff(peer, retry_from, "retry")


OUTBOX_KEY = web.AppKey("outbox", Outbox)
