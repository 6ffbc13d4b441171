"""Notices by e-mail: the staff member's own choice (``GET/POST /v1/me/notices``)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.notices import Notices
from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest


async def my_notices(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """The choice of the staff member logged in, and whether the node has a relay."""
    node = request.app[NODE]
    return {**Notices(node.ctx).settings(who), "relay": bool(node.config.mail.host)}


async def choose_notices(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """Set ``address``, ``kinds`` (a list) and ``lang`` (``nl`` or ``en``); a field left
    out stays as it was. No kinds, or an empty address: no notices."""
    node = request.app[NODE]
    address, kinds, lang = body.get("address"), body.get("kinds"), body.get("lang")
    if address is not None and not isinstance(address, str):
        raise BadRequest("address: a string")
    if kinds is not None and not (
        isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
    ):
        raise BadRequest("kinds: a list of strings")
    if lang is not None and not isinstance(lang, str):
        raise BadRequest("lang: a string")
    chosen = Notices(node.ctx).choose(who, address=address, kinds=kinds, lang=lang)
    return {**chosen, "relay": bool(node.config.mail.host)}


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_get("/v1/me/notices", route(my_notices))
    r.add_post("/v1/me/notices", route(choose_notices))
