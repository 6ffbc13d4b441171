"""A Wgs room's referral to the Wet PGA casusoverleg (Wgs art. 2.31 lid 13): refer the
room's case as an aanmelding, and the referrals this node made from the room."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.node import Node
from node.domain.staff import Staff
from node.faces.localapi.aanmeldingen import what_is_sent
from node.faces.localapi.route import NODE, room_of


async def refer(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    return node.referrals.refer(who, room, **what_is_sent(body))


async def referrals(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    room = room_of(request, who)
    return {"room": room.hex(), "referrals": room_referrals(request.app[NODE], room)}


def room_referrals(node: Node, room: bytes) -> list[dict[str, Any]]:
    """What ``GET /v1/rooms/{room}`` shows as ``referrals``."""
    return node.referrals.of_room(room)


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_post("/v1/rooms/{room}/refer", route(refer))
    r.add_get("/v1/rooms/{room}/referrals", route(referrals))
