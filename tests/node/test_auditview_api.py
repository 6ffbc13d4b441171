"""``GET /v1/audit`` counts what it holds: ``total`` is the whole scope (a room's log or
the caller's own), whatever ``limit`` returns, and ``action`` narrows both alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from test_store_audit_staff import add_staff, api, convene, fed, nodes

from node.domain.node import Node
from node.store import audit

__all__ = ["api", "fed", "nodes"]


async def test_the_audit_listing_counts_its_whole_scope(
    nodes: dict[str, Node], api: Callable[[str], Any]
) -> None:
    g = nodes["gemeente"]
    anna = add_staff(g, "anna")
    room = convene(g, anna)
    for n in ("politie", "om"):
        g.members.invite(anna, room, n, "deelnemer")
    local = await api("gemeente")
    token = await local.token("anna")
    held = audit.count(g.store, room=room)
    assert held == len(audit.entries(g.store, room=room, limit=1000)) >= 3

    status, doc = await local.get(token, f"/v1/audit?room={room.hex()}&limit=2")
    assert status == 200
    assert (len(doc["entries"]), doc["total"]) == (2, held)  # the newest two of all

    status, doc = await local.get(token, f"/v1/audit?room={room.hex()}&action=invite")
    assert status == 200
    assert {e["action"] for e in doc["entries"]} == {"invite"}
    assert doc["total"] == len(doc["entries"]) >= 2  # each invite: two entries

    status, doc = await local.get(token, "/v1/audit?action=invite,login")
    assert {e["action"] for e in doc["entries"]} <= {"invite", "login"}
    assert doc["total"] == len(doc["entries"])  # the caller's own entries

    status, doc = await local.get(token, "/v1/audit?action=not_an_action")
    assert (status, doc["error"]) == (400, "api.bad_request")
