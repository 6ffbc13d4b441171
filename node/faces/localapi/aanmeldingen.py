"""Aanmeldingen (Wet PGA art. 5): register a case, the list and one in full, the room
convened from one, handing one to a ZVH chair, and the notices of cases not put to
the casusoverleg."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest


def text_field(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{key}: a non-empty string")
    return value


def optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise BadRequest(f"{key}: a non-empty string, or absent")
    return value


def what_is_sent(body: dict[str, Any]) -> dict[str, Any]:
    """An aanmelding's fields besides its case, as ``register`` takes them: ``to``,
    ``verblijf``, ``summary``, ``reason``, and ``author_function`` (optional: the staff
    member's function)."""
    return {
        "to_org": text_field(body, "to"),
        "verblijf": text_field(body, "verblijf"),
        "summary": text_field(body, "summary"),
        "reason": text_field(body, "reason"),
        "author_function": optional_text(body, "author_function"),
    }


async def list_aanmeldingen(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    return {"aanmeldingen": request.app[NODE].aanmeldingen.listing(who)}


async def register(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.aanmeldingen.register(who, case=text_field(body, "case"), **what_is_sent(body))


def _aid(request: web.Request) -> bytes:
    return request.app[NODE].aanmeldingen.resolve(request.match_info["aanmelding"])


async def show(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    return request.app[NODE].aanmeldingen.show(who, _aid(request))


async def convene(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    state = node.aanmeldingen.convene(
        who,
        _aid(request),
        purpose=str(body.get("purpose") or "Weging en aanpak"),
        bases=[str(b) for b in body.get("bases") or ["pga-r"]],
        meeting=int(body.get("meeting", node.now())),
    )
    return {"room": state.room.hex(), "case": state.case, "phase": state.phase}


async def forward(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    aid = _aid(request)
    node.aanmeldingen.share_with_chair(who, aid, text_field(body, "chair"))
    return {"ok": True, "aanmelding": aid.hex(), "chair": body["chair"]}


async def notices(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    return {"notices": request.app[NODE].aanmeldingen.notices(who)}


def add_routes(app: web.Application, route: Any) -> None:
    r = app.router
    r.add_get("/v1/aanmeldingen", route(list_aanmeldingen))
    r.add_post("/v1/aanmeldingen", route(register))
    r.add_get("/v1/aanmeldingen/{aanmelding}", route(show))
    r.add_post("/v1/aanmeldingen/{aanmelding}/convene", route(convene))
    r.add_post("/v1/aanmeldingen/{aanmelding}/forward", route(forward))
    r.add_get("/v1/notices", route(notices))
