"""How a local API request is read, authenticated and answered.

:func:`route` wraps a handler ``(request, staff, body) -> JSON``: it reads the JSON
body, checks the session token, and turns a :class:`CasusnetError` into
``{"error": code, "message": text, "detail": detail}`` with the status of its class.
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from node.domain import staff as staffmod
from node.domain.node import Node
from node.domain.staff import (
    AuthError,
    ForbiddenError,
    SessionAccountError,
    SessionError,
    Staff,
)
from node.errors import NotAllowedError, NotFoundError, RevokedError
from node.faces.federation import Outbox
from node.store import audit
from protocol.errors import (
    CasusnetError,
    InquiryAnsweredError,
    InquiryUnknownError,
    LocalProtocolError,
    NotChairError,
    PolicyError,
    RemoteProtocolError,
    StorageError,
    TransferAnsweredError,
    TransferUnknownError,
)

NODE = web.AppKey("node", Node)
OUTBOX = web.AppKey("outbox", Outbox)

_STATUS: list[tuple[type[CasusnetError], int]] = [
    (AuthError, 401),
    (SessionError, 401),
    (ForbiddenError, 403),
    (NotChairError, 403),
    (NotAllowedError, 403),
    (NotFoundError, 404),
    (InquiryUnknownError, 404),
    (InquiryAnsweredError, 409),
    (TransferUnknownError, 404),  # transfers to another gemeente (Wet PGA art. 7)
    (TransferAnsweredError, 409),
    (RevokedError, 410),
    (PolicyError, 422),
    (LocalProtocolError, 422),
    (RemoteProtocolError, 422),
    (StorageError, 503),
]


def _status(exc: CasusnetError) -> int:
    return next((s for cls, s in _STATUS if isinstance(exc, cls)), 400)


def error(exc: CasusnetError) -> web.Response:
    body = {"error": exc.code, "message": exc.user_text(), "detail": exc.detail}
    return web.json_response(body, status=_status(exc))


class BadRequest(CasusnetError):
    """The request is incomplete or malformed."""

    code = "api.bad_request"


Route = Callable[[web.Request, Staff, dict[str, Any]], Awaitable[Any]]


def route(
    handler: Route, *, login: bool = True
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        node = request.app[NODE]
        try:
            body: dict[str, Any] = {}
            if request.can_read_body:
                raw = await request.read()  # whole body; over client_max_size is a 413
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise BadRequest("body is not JSON") from None
                if not isinstance(body, dict):
                    raise BadRequest("body must be a JSON object")
            node.rosters.refresh_roster()  # a roster imported by the CLI counts at once
            who = _session(request, node) if login else Staff("", "", False)
            result = await handler(request, who, body)
        except CasusnetError as exc:
            return error(exc)
        except (KeyError, TypeError, ValueError) as exc:
            return error(BadRequest(f"missing or invalid field: {exc}"[:200]))
        return web.json_response(result)

    return wrapped


def _session(request: web.Request, node: Node) -> Staff:
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        raise SessionError(SessionError.MISSING)
    uid = peer_uid(request)
    try:
        return staffmod.session(
            node.store, auth[7:], now=node.now(), idle=node.config.timers.session_idle, uid=uid
        )
    except SessionAccountError as exc:  # another account's token: refused, and kept
        with node.store.transaction():
            audit.append(
                node.store,
                at=node.now(),
                actor=exc.owner,
                action="session_refused",
                uid=uid,
                path=request.path[:80],
            )
        raise


def peer_uid(request: web.Request) -> int | None:
    """The operating-system account (uid) at the other end of the local API's unix
    socket, from the kernel (``SO_PEERCRED``); None for a client on another transport
    (a test server over TCP), whose sessions are then bound to no account."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None or sock.family != socket.AF_UNIX:
        return None
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def session_left(request: web.Request, node: Node) -> int:
    """Seconds until the caller's session ends for want of use, without using it (the
    event stream checks a session it already let in by :func:`_session`)."""
    auth = request.headers.get("Authorization", "")
    return staffmod.session_left(
        node.store, auth[7:], now=node.now(), idle=node.config.timers.session_idle
    )


def room_of(request: web.Request, who: Staff) -> bytes:
    """The ``{room}`` of the path, once ``who`` is known to be assigned to it."""
    node = request.app[NODE]
    try:
        room = bytes.fromhex(request.match_info["room"])
    except ValueError:
        raise BadRequest("room id is not hex") from None
    staffmod.require_room(node.store, room, who)
    return room


def request_id(value: Any, field: str = "request") -> bytes:
    """An information request's id (or the id named ``field``, a verstrekking's, say):
    32 hex digits."""
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 16:
        raise BadRequest(f"{field}: an id of 32 hex digits")
    return raw


def clock_report(request: web.Request) -> dict[str, Any]:
    """The node's clock against its partners' (``clocks.Clocks.report``); unmeasured
    when the node runs without its federation (tests of the local API alone)."""
    outbox = request.app.get(OUTBOX)
    if outbox is None:
        return {"offset": None, "peers": 0, "off": False, "expired_by": []}
    return outbox.client.clocks.report()
