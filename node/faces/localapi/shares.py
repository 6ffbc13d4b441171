"""Shares: making one (checked, group-committed), viewing one, and its delivery states.

``POST /v1/rooms/{room}/shares?wait=delivered|deleted&timeout=S`` and ``GET
.../shares/{share}/status`` can wait (at most a minute) until every recipient has
confirmed; :class:`ReceiptSignal` wakes them when a receipt arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from typing import Any

from aiohttp import web

from node.domain.node import Node
from node.domain.staff import Staff
from node.errors import NotFoundError
from node.faces.localapi.route import NODE, BadRequest, request_id, room_of
from node.store import outbox as queue
from node.store import reports
from protocol.errors import CasusnetError, StorageError

SHARE_FIELDS = (
    "basis",
    "categories",
    "recipients",
    "summary",
    "justification",
    "agreement_ref",
    "secrecy_ground",
    "secrecy_ref",
    "conditions",
)


class ShareBatcher:
    """Group commit: share requests that arrive together are committed together."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._pending: list[tuple[Staff, bytes, dict[str, Any], asyncio.Future[bytes]]] = []

    async def share(self, who: Staff, room: bytes, fields: dict[str, Any]) -> bytes:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((who, room, fields, future))
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            results = self.node.shares.share_many([(w, r, f) for w, r, f, _ in batch])
        except CasusnetError as exc:
            results = [exc] * len(batch)
        except Exception as exc:  # never leave a waiting request without an answer
            error = StorageError(f"{type(exc).__name__}")
            error.__cause__ = exc
            results = [error] * len(batch)
        for (_, _, _, future), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


BATCHER = web.AppKey("batcher", ShareBatcher)


class ReceiptSignal:
    """Wakes the waiters of one share when its receipts change (``None``: any share)."""

    def __init__(self) -> None:
        self._events: dict[bytes | None, asyncio.Event] = {}

    def fire(self, env_hash: bytes | None) -> None:
        keys = list(self._events) if env_hash is None else [env_hash, None]
        for key in keys:
            event = self._events.pop(key, None)
            if event is not None:
                event.set()

    async def wait(self, key: bytes | None) -> None:
        await self._events.setdefault(key, asyncio.Event()).wait()


SIGNAL = web.AppKey("signal", ReceiptSignal)
DONE = {"delivered": {"delivered", "deleted"}, "deleted": {"deleted"}}


async def share(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    room = room_of(request, who)
    fields = {k: body[k] for k in SHARE_FIELDS if body.get(k) is not None}
    for key in ("basis", "summary"):
        if not isinstance(fields.get(key), str):
            raise BadRequest(f"{key}: a string is required")
    for key in ("categories", "recipients"):
        value = fields.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadRequest(f"{key}: a list of strings")
    for key in SHARE_FIELDS[4:]:
        if key in fields and not isinstance(fields[key], str):
            raise BadRequest(f"{key}: a string")
    if body.get("request") is not None:  # the information request this share answers
        fields["request"] = request_id(body["request"])
    if _check_only(request):
        node = request.app[NODE]
        return {"ok": True, "recipients": node.shares.check_share(who, room, fields)}
    wait, timeout = _wait_args(request)  # before anything is committed
    share_id = await request.app[BATCHER].share(who, room, fields)
    if not wait:
        return {"share": share_id.hex()}
    return await _deliveries(request, room, share_id, wait, timeout)


def _check_only(request: web.Request) -> bool:
    """``?check=1``: run the checks of a share, send nothing."""
    value = request.query.get("check", "0").lower()
    if value not in ("0", "1", "false", "true"):
        raise BadRequest("check: 1 (only check) or 0 (send)")
    return value in ("1", "true")


async def view(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    sender = request.query.get("sender")  # ids are the sender's: name it if two collide
    return node.shares.view_share(who, room, bytes.fromhex(request.match_info["share"]), sender)


async def share_status(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    room = room_of(request, who)
    share_id = bytes.fromhex(request.match_info["share"])
    wait, timeout = _wait_args(request)
    node = request.app[NODE]
    if not reports.own_share_exists(node.store, room, share_id):
        raise NotFoundError("no own share with this id in the room")
    return await _deliveries(request, room, share_id, wait, timeout)


async def _deliveries(
    request: web.Request, room: bytes, share_id: bytes, wait: str, seconds: float
) -> dict[str, Any]:
    """Delivery states of an own share; with ``wait``, until they are reached or timeout."""
    node = request.app[NODE]
    wanted = DONE.get(wait, set())
    loop = asyncio.get_running_loop()
    if not math.isfinite(seconds):
        raise BadRequest("timeout: a number of seconds")
    deadline = loop.time() + max(0.0, min(seconds, 60.0))
    key = reports.own_share_env_hash(node.store, share_id)
    while True:
        states = reports.share_deliveries(node.store, room, share_id)
        done = bool(states) and set(states.values()) <= wanted
        remaining = deadline - loop.time()
        if not wanted or done or remaining <= 0:
            errors = {} if done else queue.waiting_errors(node.store, key)
            return {"share": share_id.hex(), "deliveries": states, "done": done, "errors": errors}
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(remaining):
                await request.app[SIGNAL].wait(key if wait == "delivered" else None)


def _wait_args(request: web.Request) -> tuple[str, float]:
    wait = request.query.get("wait", "")
    if wait not in ("", *DONE):
        raise BadRequest(f"wait: one of {', '.join(DONE)}")
    try:
        timeout = float(request.query.get("timeout", 10))
    except ValueError:
        raise BadRequest("timeout: a number of seconds") from None
    if not math.isfinite(timeout):
        raise BadRequest("timeout: a number of seconds")
    return wait, timeout
