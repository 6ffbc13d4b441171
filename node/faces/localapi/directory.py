"""What the node knows of its federation: the roster with each partner's reachability,
and the grondslagen registry it applies."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from node.domain.staff import Staff
from node.faces.federation import outbox_depths
from node.faces.localapi.route import NODE, OUTBOX, clock_report
from protocol.keys import fingerprint
from protocol.roster import RosterMember


async def roster(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    outbox = request.app.get(OUTBOX)
    contacts = outbox.contacts if outbox is not None else {}
    depths = outbox_depths(node)

    def member(m: RosterMember) -> dict[str, Any]:
        me = m.node == node.me
        contact = contacts.get(m.node)
        return {
            "node": m.node,
            "org": m.org,
            "name": m.name,
            "url": m.url,
            "fingerprint": fingerprint(m.sign),
            "self": me,
            "reachable": True if me else (contact.reachable if contact else None),
            "last_contact": None if me or not contact else contact.last_contact,
            "outbox": depths.get(m.node, 0),
            "failures": contact.failures if contact and not me else 0,
            # when it stopped answering (a failed or unanswered attempt), None while it does
            "unreachable_since": None if me or not contact else contact.unreachable_since,
        }

    return {
        "version": node.roster.version,
        "federation": node.roster.federation,
        "members": [member(m) for m in node.roster.members],
        "clock": clock_report(request),
    }


async def registry(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """The grondslagen registry this node applies (as in ``protocol/grondslagen.json``)."""
    node = request.app[NODE]
    return {"node": node.me, "org": node.config.org, "registry": json.loads(node.registry.source)}
