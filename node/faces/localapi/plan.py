"""What a meeting settles: plan items, closing the room, revoking shares (the plan
export is in ``shielded``: it lands in the node's exports folder)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest, room_of


async def plan(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    item = node.plan.add(
        who,
        room,
        kind=str(body.get("kind", "decision")),
        title=str(body["title"]),
        measure=body.get("measure"),
        owner=body.get("owner"),
        due=body.get("due"),
    )
    return {"item": item.hex()}


async def close(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    note = body.get("note", "")
    if not isinstance(note, str):
        raise BadRequest("note: the closing note with the evaluation")
    state = node.closure.close(who, room, str(body["outcome"]), note)
    ruling = state.ruling
    proposed = state.phase == "open" and ruling is not None and ruling.stage == "afsluiting"
    return {"room": room.hex(), "phase": state.phase, "proposed": proposed, "seq": state.seq}


async def revoke(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    ids = [bytes.fromhex(s) for s in body.get("shares", [])]
    if not ids and body.get("all") is not True:
        raise BadRequest('name the shares to revoke, or send "all": true')
    return {"revoked": node.closure.revoke(who, room, ids)}
