"""``GET /v1/events``: the event stream, what changed on the node, as Server-Sent Events.

A long-lived ``text/event-stream`` response on the local API's socket, opened with
the session token like every route. Each event names what changed, never the
content (``node.domain.changes``)::

    id: 3f9a01c2-17
    data: {"seq": 17, "topic": "share", "room": "<hex>", "id": "3f9a01c2-17"}

The first event is ``hello``; a comment line (``: ping``) follows every
:data:`HEARTBEAT` seconds of quiet. ``resync`` means the client missed events (its
queue overflowed, or it resumed from an id no longer kept): reload what is shown.
``session`` is the last event when the session ended (logged out, or idle for the
node's ``session_idle``): the stream is no use of the session, so it never keeps an
idle user logged in. A client resumes with ``Last-Event-ID`` (or ``?since=``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from node.domain.changes import Changes, Subscriber
from node.faces.localapi.route import NODE, _session, error, session_left
from protocol.errors import CasusnetError

HEARTBEAT = 15.0
"""Seconds of quiet after which the stream sends a comment line."""


def frame(doc: dict[str, Any]) -> bytes:
    """One event in the Server-Sent Events format."""
    head = f"id: {doc['id']}\n" if "id" in doc else ""
    return f"{head}data: {json.dumps(doc, separators=(',', ':'))}\n\n".encode()


async def events(request: web.Request) -> web.StreamResponse:
    node = request.app[NODE]
    try:
        node.rosters.refresh_roster()
        who = _session(request, node)
    except CasusnetError as exc:
        return error(exc)
    since = request.headers.get("Last-Event-ID") or request.query.get("since")
    bus = node.changes
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    sub = bus.subscribe(who, since)
    try:
        await response.write(frame(_now(bus, "hello")))
        await _serve(request, response, sub)
    except (ConnectionError, asyncio.CancelledError):
        pass  # the client went away, or the node stops
    finally:
        bus.unsubscribe(sub)
    return response


async def _serve(request: web.Request, response: web.StreamResponse, sub: Subscriber) -> None:
    node = request.app[NODE]
    bus = node.changes
    while True:
        if sub.ended:  # the node stops: the client finds it gone and reconnects
            return
        left = session_left(request, node)
        if left <= 0:  # why, as the reason of a refused session: idle, or unknown
            ended = _now(bus, "session") | {"reason": "idle" if left == 0 else "unknown"}
            await response.write(frame(ended))
            return
        try:
            await asyncio.wait_for(sub.woken.wait(), timeout=min(HEARTBEAT, left + 1))
        except TimeoutError:
            await response.write(b": ping\n\n")
            continue
        changes, overflowed = sub.take()
        if overflowed:
            changes = []
            await response.write(frame(_now(bus, "resync")))
        if changes:
            await response.write(b"".join(frame(c.event(bus.boot)) for c in changes))


def _now(bus: Changes, topic: str) -> dict[str, Any]:
    """An event of the stream itself, with the id of the bus's last event (a client
    that resumes from it misses nothing it was not told to reload)."""
    return {"seq": bus.seq, "topic": topic, "id": f"{bus.boot}-{bus.seq}"}


async def end_streams(app: web.Application) -> None:
    """On shutdown: end every stream, so that the node does not wait for them."""
    app[NODE].changes.close()
