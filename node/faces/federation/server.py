"""The federation endpoints: one handler per request a partner node may make.

- ``POST /v1/inbox``: a batch of envelopes; the answer has one result per envelope,
  in the same order: ``ok`` (receipt attached when the envelope asks for one),
  ``retry`` with a transient code (the node's view of the room is behind, the
  envelope is dated ahead of its clock, its store is busy: send again later; the
  envelopes after it in the batch are ``retry`` too, to keep the sender's order) or
  ``refused`` with a permanent code (never send again).
- ``GET /v1/rooms/{room}/events?after=N``: the room's events for its members.
- ``GET /v1/rooms/{room}/sent?after=N``: what this node sent the caller in the room.
- ``GET /v1/roster``: the current signed roster.
- ``GET /v1/health``: liveness, unauthenticated.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Coroutine
from typing import Any

from aiohttp import web

from node.domain.inbox import RetryLater
from node.domain.node import Node
from node.faces.federation.auth import audit_refusal, authenticated, error
from node.faces.federation.client import FederationClient
from node.faces.federation.messages import BATCH_LIMITS, Batch, events_answer
from node.faces.federation.state import CLIENT_KEY, GUARD_KEY, NODE_KEY, TASKS_KEY
from node.store import audit
from protocol.codec import decode, pack
from protocol.errors import CasusnetError, SchemaError

log = logging.getLogger("casusnet.federation")

# Fault injection for the fault tests (never set in production): a crash right after
# an envelope is stored, before the answer.
FAULT = os.environ.get("CASUSNET_FAULT", "")


async def rx_inbox(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        batch = decode(body, Batch.SPEC, BATCH_LIMITS)
    except CasusnetError as exc:
        audit_refusal(node, caller, exc, request.path)
        return error(400, exc)
    client = request.app.get(CLIENT_KEY)
    results: list[list[Any]] = []
    stored_share = False
    # the whole batch in one transaction (one fsync); each envelope in a savepoint, so
    # a refused one changes nothing; the first that must wait for the chain ends it.
    # The request's nonce goes in the same commit: a replay is refused after a restart
    with node.store.transaction():
        request.app[GUARD_KEY].keep(request, node)
        for envelope in batch.envelopes:
            try:
                result = node.inbox.receive(caller, envelope)
            except RetryLater:
                break  # may be answered after a catch-up below
            except CasusnetError as exc:
                results.append([answer_status(exc), None, exc.code])
                if exc.transient:
                    break
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
            return [answer_status(exc), None, exc.code]
    return ["retry", None, "node.retry"]


def answer_status(exc: CasusnetError) -> str:
    """``retry`` for a transient refusal, ``refused`` for a final one."""
    return "retry" if exc.transient else "refused"


def _background(app: web.Application, job: Coroutine[Any, Any, Any]) -> None:
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


def _room_after(request: web.Request, lowest: int) -> tuple[bytes, int]:
    """The path's room (hex) and the query's ``after`` (``lowest`` when absent)."""
    try:
        room = bytes.fromhex(request.match_info["room"])
        after = int(request.query.get("after", str(lowest)))
    except ValueError:
        raise SchemaError("room not hex or after not an integer") from None
    if not lowest <= after < 2**62:
        raise SchemaError("after out of range")
    return room, after


async def rx_sent(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        room, after = _room_after(request, 0)
    except CasusnetError as exc:
        return error(400, exc)
    envelopes = node.inbox.sent_to(caller, room, after)
    return web.Response(body=events_answer(envelopes), content_type="application/msgpack")


async def rx_events(request: web.Request, caller: str, body: bytes) -> web.StreamResponse:
    node = request.app[NODE_KEY]
    try:
        room, after = _room_after(request, -1)
    except CasusnetError as exc:
        audit_refusal(node, caller, exc, request.path)
        return error(400, exc)
    try:
        events = node.members.events_for(caller, room, after)
    except CasusnetError as exc:
        audit_refusal(node, caller, exc, request.path)
        return error(403, exc)
    return web.Response(body=events_answer(events), content_type="application/msgpack")


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
