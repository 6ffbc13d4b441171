"""Who is calling: the signed ``Casusnet-Auth`` header, checked before a handler runs.

The caller is read from the header before anything else: a caller that is not in
the roster gets 403 before its body is read. Unverified requests are rate-limited
by address, verified ones by peer; a body over ``max_body`` is a 413.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from node.domain.node import Node
from node.faces.federation.state import GUARD_KEY, LIMITER_KEY, NODE_KEY, OUTBOX_KEY
from node.store import audit
from protocol.errors import (
    CasusnetError,
    RateLimitedError,
    RequestTooLargeError,
    UnknownSignerError,
)
from protocol.request import HEADER, read_request_header, verify_request

log = logging.getLogger("casusnet.federation")

Handler = Callable[[web.Request, str, bytes], Awaitable[web.StreamResponse]]


def authenticated(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """``handler(request, caller, body)`` for signed requests from roster members only."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        node = request.app[NODE_KEY]
        node.rosters.refresh_roster()
        try:
            pending = read_request_header(request.headers.get(HEADER))
        except CasusnetError as exc:
            return error(401, exc)
        now = node.now()
        try:
            node.roster.member(pending.caller, now)
        except UnknownSignerError as exc:
            return error(403, exc)  # before the body is read
        limiter = request.app[LIMITER_KEY]
        # unverified requests are limited by address (generously: partners may share
        # one); a peer's own budget is charged only once its signature checks out
        if not limiter.allow(f"addr {request.remote}", time.monotonic(), factor=10):
            return error(429, RateLimitedError("per address"))
        if (request.content_length or 0) > node.config.max_body:
            return too_large(node.config.max_body)
        try:
            body = await request.read()  # bounded by the app's client_max_size
        except web.HTTPRequestEntityTooLarge:
            return too_large(node.config.max_body)
        if len(body) > node.config.max_body:
            return too_large(node.config.max_body)
        guard = request.app[GUARD_KEY]
        try:
            caller = verify_request(
                pending,
                me=node.me,
                method=request.method,
                path=request.path_qs,
                body=body,
                roster=node.roster,
                now=now,
                guard=guard,
            )
        except CasusnetError as exc:
            audit_refusal(node, pending.caller, exc, request.path)
            return error(401, exc)
        guard.accepted(request, pending, now)
        try:
            return await _verified(request, caller, body, handler)
        finally:
            guard.keep_late(request, node)  # the nonce, unless the handler kept it

    return wrapped


async def _verified(
    request: web.Request, caller: str, body: bytes, handler: Handler
) -> web.StreamResponse:
    limiter = request.app[LIMITER_KEY]
    if not limiter.allow(caller, time.monotonic()):
        return error(429, RateLimitedError("per peer"))
    outbox = request.app.get(OUTBOX_KEY)
    if outbox is not None:
        outbox.peer_contacted(caller)
    return await handler(request, caller, body)


def too_large(cap: int) -> web.Response:
    return error(413, RequestTooLargeError(f"over {cap} bytes"))


def error(status: int, exc: CasusnetError) -> web.Response:
    """``{"error": code, "message": text}`` with ``status``."""
    return web.json_response({"error": exc.code, "message": exc.user_text()}, status=status)


def audit_refusal(node: Node, caller: str, exc: CasusnetError, path: str) -> None:
    """Record a refused request in the audit log (a failure to do so is only logged)."""
    try:
        with node.store.transaction():
            audit.append(
                node.store, at=node.now(), actor=caller, action="refused", code=exc.code, path=path
            )
    except CasusnetError:
        log.warning("could not write the audit entry for a refused request")
