"""Information requests: ask a member, list a room's requests, read one, decline one.
(An answer is a share with ``request``: ``POST /v1/rooms/{room}/shares``.)"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest, request_id, room_of


async def ask(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    to, topic = body.get("to"), body.get("topic")
    categories = body.get("categories") or []
    if not isinstance(to, str) or not isinstance(topic, str):
        raise BadRequest("to and topic: strings")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise BadRequest("categories: a list of strings")
    ident = node.inquiries.ask(who, room, to, topic, categories)
    return {"request": ident.hex(), "to": to}


async def list_requests(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    return {"room": room.hex(), "requests": node.inquiries.list(room)}


async def view_request(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    return node.inquiries.view(who, room, request_id(request.match_info["request"]))


async def decline(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    reason = body.get("reason")
    if not isinstance(reason, str):
        raise BadRequest("reason: a string")
    ident = request_id(request.match_info["request"])
    node.inquiries.decline(who, room, ident, reason)
    return {"request": ident.hex(), "status": "declined"}
