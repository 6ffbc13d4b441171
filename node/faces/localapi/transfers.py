"""Transfers to another gemeente (Wet PGA art. 7): start one from a room, the list (the
requests to answer, the transfers started and received), one in full, a supplier's
answer per verstrekking, and a supplied verstrekking read at the receiving gemeente."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.aanmeldingen import text_field
from node.faces.localapi.route import NODE, BadRequest, request_id, room_of
from protocol.transfer import DEFAULT_DEADLINE_DAYS


async def start(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    days = body.get("deadline_days", DEFAULT_DEADLINE_DAYS)
    if type(days) is not int:
        raise BadRequest("deadline_days: a whole number of days")
    ident = node.transfers.start(
        who, room, to=text_field(body, "to"), ground=text_field(body, "ground"),
        note=text_field(body, "note"), deadline_days=days,
    )  # fmt: skip
    return node.transfers.show(who, ident)


async def listing(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    return request.app[NODE].transfers.listing(who)


def _tid(request: web.Request) -> bytes:
    return bytes(request.app[NODE].transfers.resolve(request.match_info["transfer"]))


async def show(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    return request.app[NODE].transfers.show(who, _tid(request))


async def answer(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    decision = text_field(body, "decision")
    reason = body.get("reason") or ""
    if not isinstance(reason, str):
        raise BadRequest("reason: a string")
    share = request_id(body.get("share"), "share")
    return request.app[NODE].transfers.answer(who, _tid(request), share, decision, reason)


async def view_supplied(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    share = request_id(request.match_info["share"], "share")
    supplier = request.query.get("supplier")
    return request.app[NODE].transfers.view_supplied(who, _tid(request), share, supplier)


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_post("/v1/rooms/{room}/transfer", route(start))
    r.add_get("/v1/transfers", route(listing))
    r.add_get("/v1/transfers/{transfer}", route(show))
    r.add_post("/v1/transfers/{transfer}/answer", route(answer))
    r.add_get("/v1/transfers/{transfer}/shares/{share}", route(view_supplied))
