"""The living plan van aanpak: measures, follow-up meetings, agenda points and
verslagen (``docs/api.md`` 6.27)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest, request_id, room_of
from protocol.events import AUTHORITIES, MEASURE_KINDS, MEASURE_STATUSES

_TEXTS = {"title": 2000, "risk": 8000, "reason": 8000, "note": 8000, "text": 32000}


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _TEXTS[name]:
        raise BadRequest(f"{name}: a text of at most {_TEXTS[name]} characters")
    return value


def _item(request: web.Request) -> bytes:
    return request_id(request.match_info["item"], "item")


def _int(value: Any, name: str) -> int:
    if type(value) is not int or value < 0:
        raise BadRequest(f"{name}: a time in seconds since 1970 (UTC)")
    return value


def _meeting(request: web.Request) -> int:
    try:
        n = int(request.match_info["n"])
    except ValueError:
        n = 0
    if not 1 <= n <= 1000:
        raise BadRequest("meeting: a meeting number from 1")
    return n


def _fields(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """A measure's fields from a request body (``partial``: only those given)."""
    fields: dict[str, Any] = {}
    for name in ("title", "risk"):
        if name in body or not partial:
            fields[name] = _text(body, name)
    if "kind" in body or not partial:
        if body.get("kind") not in MEASURE_KINDS:
            raise BadRequest(f"kind: one of {', '.join(MEASURE_KINDS)}")
        fields["kind"] = body["kind"]
    if "uitvoerder" in body or not partial:
        if not isinstance(body.get("uitvoerder"), str):
            raise BadRequest("uitvoerder: the node at the table that carries the measure out")
        fields["uitvoerder"] = body["uitvoerder"]
    if "authority" in body or not partial:
        authority = body.get("authority")
        if authority is not None and authority not in AUTHORITIES:
            raise BadRequest(f"authority: one of {', '.join(AUTHORITIES)}, or null")
        fields["authority"] = authority
    if "due" in body or not partial:
        fields["due"] = _int(body.get("due"), "due")
    return fields


async def show_plan(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.plan.view(who, room_of(request, who))


async def propose(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    item = node.plan.propose(who, room, _fields(body, partial=False))
    return {"item": item.hex()}


async def adopt(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    item = _item(request)
    return {"item": item.hex(), "seq": node.plan.adopt(who, room_of(request, who), item)}


async def adjust(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    item = _item(request)
    fields = _fields(body, partial=True)
    reason = str(_text(body, "reason"))
    if not fields:
        raise BadRequest("name a field to change: title, kind, uitvoerder, authority, risk, due")
    seq = node.plan.adjust(who, room_of(request, who), item, fields, reason)
    return {"item": item.hex(), "seq": seq}


async def status(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    item = _item(request)
    if body.get("status") not in MEASURE_STATUSES:
        raise BadRequest(f"status: one of {', '.join(MEASURE_STATUSES)}")
    note = _text(body, "note", required=False)
    seq = node.plan.set_status(who, room_of(request, who), item, body["status"], note)
    return {"item": item.hex(), "seq": seq}


async def withdraw(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    item = _item(request)
    reason = str(_text(body, "reason"))
    seq = node.plan.withdraw(who, room_of(request, who), item, reason)
    return {"item": item.hex(), "seq": seq}


async def plan_meeting(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    at = _int(body.get("at"), "at")
    return {"meeting": node.plan.plan_meeting(who, room_of(request, who), at)}


async def agenda(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    n = _meeting(request)
    item = node.plan.agenda(who, room_of(request, who), n, str(_text(body, "title")))
    return {"item": item.hex()}


async def verslag(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    n = _meeting(request)
    node.plan.verslag(who, room_of(request, who), n, str(_text(body, "text")))
    return {"meeting": n}


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_get("/v1/rooms/{room}/plan", route(show_plan))
    r.add_post("/v1/rooms/{room}/measures", route(propose))
    r.add_post("/v1/rooms/{room}/measures/{item}/adopt", route(adopt))
    r.add_post("/v1/rooms/{room}/measures/{item}/adjust", route(adjust))
    r.add_post("/v1/rooms/{room}/measures/{item}/status", route(status))
    r.add_post("/v1/rooms/{room}/measures/{item}/withdraw", route(withdraw))
    r.add_post("/v1/rooms/{room}/meetings", route(plan_meeting))
    r.add_post("/v1/rooms/{room}/meetings/{n}/agenda", route(agenda))
    r.add_post("/v1/rooms/{room}/meetings/{n}/verslag", route(verslag))
