"""Health and Prometheus metrics for operations, on a local TCP port (``[metrics] listen``).

``GET /metrics`` answers the Prometheus text format (version 0.0.4); ``GET /v1/health``
a JSON summary, ``503`` when the database cannot be read. No login: bind it to
loopback or a monitoring network. Labels carry only node ids and room states, never
a case reference, room id, staff name or content.
"""

from __future__ import annotations

import logging
import sqlite3
from importlib import metadata
from typing import Any

from aiohttp import web

from node.config import parse_listen
from node.domain.node import Node
from node.http.federation import Outbox, outbox_depths
from node.http.localapi import room_status
from protocol.errors import CasusnetError

log = logging.getLogger("casusnet.metrics")

NODE = web.AppKey("node", Node)
OUTBOX = web.AppKey("outbox", Outbox)
STATES = ("intake", "open", "closed", "shielded")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def software_version() -> str:
    try:
        return metadata.version("casusnet")
    except metadata.PackageNotFoundError:
        return "unknown"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def collect(node: Node, outbox: Outbox | None) -> list[tuple[str, str, str, list[Any]]]:
    """``(name, type, help, [(labels, value), ...])`` for every metric."""
    store = node.store
    depths = outbox_depths(node)
    peers = sorted(({m.node for m in node.roster.members} | set(depths)) - {node.me})
    contacts = outbox.contacts if outbox is not None else {}
    rooms = dict.fromkeys(STATES, 0)
    for phase, destroyed, n in store.execute(
        "SELECT phase, keys_destroyed, COUNT(*) FROM rooms GROUP BY phase, keys_destroyed"
    ):
        state = room_status(phase, destroyed)
        rooms[state] = rooms.get(state, 0) + int(n)
    outstanding = store.one(
        "SELECT COUNT(*) FROM deliveries d JOIN shares s ON s.id = d.share AND s.own = 1"
        " WHERE d.state IN ('pending', 'revoked')"
    )
    inbox = store.one("SELECT COUNT(*) FROM inbox")
    return [
        ("casusnet_up", "gauge", "1 while the node runs and can read its database", [({}, 1)]),
        (
            "casusnet_roster_version",
            "gauge",
            "version of the federation roster in force",
            [({}, node.roster.version)],
        ),
        (
            "casusnet_outbox_depth",
            "gauge",
            "envelopes queued for a partner node, not yet delivered",
            [({"peer": p}, depths.get(p, 0)) for p in peers],
        ),
        (
            "casusnet_delivery_failures_total",
            "counter",
            "failed delivery attempts to a partner node since the node started",
            [({"peer": p}, contacts[p].failures_total if p in contacts else 0) for p in peers],
        ),
        (
            "casusnet_receipts_outstanding",
            "gauge",
            "deliveries of own shares still waiting for a receipt (pending, or revoked"
            " and not yet confirmed deleted)",
            [({}, outstanding)],
        ),
        (
            "casusnet_rooms",
            "gauge",
            "rooms held by this node, by state",
            [({"state": s}, n) for s, n in rooms.items()],
        ),
        (
            "casusnet_inbox_envelopes",
            "gauge",
            "envelopes from partner nodes held in the inbox (a retention purge lowers it)",
            [({}, inbox)],
        ),
    ]


def render(node: Node, outbox: Outbox | None) -> str:
    lines = []
    for name, kind, help_, samples in collect(node, outbox):
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            tags = ",".join(f'{k}="{_label(str(v))}"' for k, v in labels.items())
            lines.append(f"{name}{{{tags}}} {int(value)}" if tags else f"{name} {int(value)}")
    return "\n".join(lines) + "\n"


async def metrics(request: web.Request) -> web.Response:
    node = request.app[NODE]
    try:
        text = render(node, request.app.get(OUTBOX))
    except (sqlite3.Error, CasusnetError) as exc:
        log.warning("metrics: the database cannot be read (%s)", type(exc).__name__)
        return web.Response(status=503, text="casusnet_up 0\n", content_type="text/plain")
    return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE})


async def health(request: web.Request) -> web.Response:
    node = request.app[NODE]
    doc: dict[str, Any] = {
        "ok": True,
        "node": node.me,
        "version": software_version(),
        "roster_version": node.roster.version,
    }
    try:
        doc["outbox"] = int(node.store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL"))
    except (sqlite3.Error, CasusnetError) as exc:
        doc.update(ok=False, outbox=None, error=f"database: {type(exc).__name__}")
        return web.json_response(doc, status=503)
    return web.json_response(doc)


def create_metrics_app(node: Node, outbox: Outbox | None = None) -> web.Application:
    app = web.Application(client_max_size=1024)
    app[NODE] = node
    if outbox is not None:
        app[OUTBOX] = outbox
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/v1/health", health)
    return app


async def start_metrics(node: Node, outbox: Outbox, listen: str) -> web.AppRunner:
    host, port = parse_listen(listen)
    runner = web.AppRunner(create_metrics_app(node, outbox), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
