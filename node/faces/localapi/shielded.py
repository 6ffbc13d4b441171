"""Afscherming: ``/v1/shielded`` (the shielded records this node keeps) and the plan
export into the node's exports folder.

Thin: each handler reads its fields and calls ``node.shielded``, which checks the
staff member's role, the purpose and the reason.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.shielded import PURPOSES
from node.domain.staff import Staff
from node.faces.localapi.route import NODE, request_id, room_of


def _record(request: web.Request) -> bytes:
    return request_id(request.match_info["record"], "record")


async def list_shielded(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return {"records": node.shielded.listing(who), "purposes": list(PURPOSES)}


async def open_record(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.shielded.open(
        who, _record(request), purpose=body.get("purpose"), reason=body.get("reason")
    )


async def hold(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.shielded.hold(who, _record(request), reason=body.get("reason"))


async def release(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.shielded.release(who, _record(request))


async def destroy(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    record = _record(request)
    node.shielded.destroy(who, record, reason=body.get("reason"))
    return {"record": record.hex(), "destroyed": True}


async def plan_export(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.exports.export(
        who, room_of(request, who), purpose=body.get("purpose"), reason=body.get("reason")
    )


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_get("/v1/shielded", route(list_shielded))
    r.add_post("/v1/shielded/{record}/open", route(open_record))
    r.add_post("/v1/shielded/{record}/hold", route(hold))
    r.add_post("/v1/shielded/{record}/release", route(release))
    r.add_post("/v1/shielded/{record}/destroy", route(destroy))
