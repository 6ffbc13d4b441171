"""Staff and the audit log: assigning a colleague to a room, reading and verifying the log."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from node.domain import staff as staffmod
from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest, room_of
from node.store import audit


async def assign(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    with node.store.transaction():
        staffmod.assign(node.store, room, str(body["staff"]))
        audit.append(
            node.store,
            at=node.now(),
            actor=who.name,
            action="assigned",
            room=room,
            staff=str(body["staff"]),
        )
    node.changes.kick()  # the colleague's event stream: a room of theirs now
    return {"ok": True}


MAX_AUDIT_LIMIT = 5000


async def audit_list(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """A room's audit entries (assigned staff), or else the caller's own entries; with
    ``action`` (codes, comma-separated) only those kinds. ``total`` counts the whole
    scope, ``entries`` are its newest ``limit``."""
    node = request.app[NODE]
    room = request.query.get("room")
    raw = request.query.get("limit", "500")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_AUDIT_LIMIT:
        raise BadRequest(f"limit: 1 to {MAX_AUDIT_LIMIT}")
    limit = int(raw)
    actions: list[str] | None = None
    if "action" in request.query:
        actions = [a for a in request.query["action"].split(",") if a]
        unknown = [a for a in actions if a not in audit.ACTIONS]
        if unknown:
            raise BadRequest(f"action: unknown {', '.join(sorted(unknown))[:200]}")
    scope: dict[str, Any] = {"actor": who.name}
    if room:
        try:
            room_id = bytes.fromhex(room)
        except ValueError:
            raise BadRequest("room: a room id in hex") from None
        staffmod.require_room(node.store, room_id, who)
        scope = {"room": room_id}
    return {
        "entries": audit.entries(node.store, actions=actions, limit=limit, **scope),
        "total": audit.count(node.store, actions=actions, **scope),
    }


async def audit_verify(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return {"ok": True, "entries": audit.verify(node.store)}
