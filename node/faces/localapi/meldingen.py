"""The register of meldingen (the gemeente): ``/v1/meldingen``.

Thin: each handler reads its fields and calls ``node.meldingen``, which checks the
staff member's role and every value.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest

FIELDS = ("received", "source", "summary", "melder", "follow_up", "case")


async def list_meldingen(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    no_intake = request.query.get("no_intake", "0")
    if no_intake not in ("0", "1"):
        raise BadRequest("no_intake: 0 or 1")
    rows = node.meldingen.listing(
        who, follow_up=request.query.get("follow_up"), no_intake=no_intake == "1"
    )
    return {"meldingen": rows, **node.meldingen.vocabulary()}


async def record_melding(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    unknown = set(body) - set(FIELDS)
    if unknown:
        raise BadRequest(f"unknown field: {sorted(unknown)[0][:40]}")
    number = node.meldingen.record(who, **body)
    return {"melding": number}


async def show_melding(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.meldingen.show(who, request.match_info["melding"])


async def update_melding(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.meldingen.update(who, request.match_info["melding"], body)


async def open_melder(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    number = request.match_info["melding"]
    return {"melder": node.meldingen.melder(who, number, body.get("purpose"))}
