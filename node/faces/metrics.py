"""Health and Prometheus metrics for operations, on a local TCP port (``[metrics] listen``).

``GET /metrics`` answers the Prometheus text format (version 0.0.4), written by
``prometheus_client`` from a :class:`NodeCollector` that reads the store at scrape
time; each app has its own registry. ``GET /v1/health`` answers a JSON summary,
``503`` when the database cannot be read. No login: bind it to loopback or a
monitoring network. Labels carry only node ids and room states, never a case
reference, room id, staff name or content.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from node.config import parse_listen
from node.domain.node import Node
from node.faces.federation import Outbox
from node.faces.localapi import room_status
from node.store import outbox as queue
from node.store import reports
from node.store import shielded as shielded_tables
from protocol.errors import CasusnetError

log = logging.getLogger("casusnet.metrics")

NODE = web.AppKey("node", Node)
OUTBOX = web.AppKey("outbox", Outbox)
REGISTRY = web.AppKey("registry", CollectorRegistry)
STATES = ("intake", "open", "closed", "keys_destroyed", "shielded")
# what generate_latest writes (prometheus_client's CONTENT_TYPE_LATEST names version
# 1.0.0 in newer releases, for the same text; scrapers expect this one)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def software_version() -> str:
    try:
        return metadata.version("casusnet")
    except metadata.PackageNotFoundError:
        return "unknown"


class NodeCollector(Collector):
    """The node's metrics, read from its store (and the outbox's contacts) at each scrape."""

    def __init__(self, node: Node, outbox: Outbox | None) -> None:
        self.node = node
        self.outbox = outbox

    def collect(self) -> Iterable[Metric]:
        node, store = self.node, self.node.store
        depths = queue.depths(store)
        peers = sorted(({m.node for m in node.roster.members} | set(depths)) - {node.me})
        contacts = self.outbox.contacts if self.outbox is not None else {}
        rooms = dict.fromkeys(STATES, 0)
        for phase, destroyed, n in reports.rooms_by_phase(store):
            state = room_status(phase, destroyed)
            rooms[state] = rooms.get(state, 0) + n
        # of the closed rooms whose keys are destroyed, those that left a shielded record
        shielded = len(shielded_tables.rooms_with_record(store))
        moved = min(shielded, rooms["keys_destroyed"])
        rooms["keys_destroyed"] -= moved
        rooms["shielded"] += moved
        outstanding = reports.receipts_outstanding(store)
        inbox = reports.inbox_envelopes(store)

        up = GaugeMetricFamily(
            "casusnet_up", "1 while the node runs and can read its database", value=1
        )
        roster = GaugeMetricFamily(
            "casusnet_roster_version",
            "version of the federation roster in force",
            value=node.roster.version,
        )
        depth = GaugeMetricFamily(
            "casusnet_outbox_depth",
            "envelopes queued for a partner node, not yet delivered",
            labels=["peer"],
        )
        failures = CounterMetricFamily(
            "casusnet_delivery_failures_total",
            "failed delivery attempts to a partner node since the node started",
            labels=["peer"],
        )
        for p in peers:
            depth.add_metric([p], depths.get(p, 0))
            failures.add_metric([p], contacts[p].failures_total if p in contacts else 0)
        receipts = GaugeMetricFamily(
            "casusnet_receipts_outstanding",
            "deliveries of own shares still waiting for a receipt (pending, or revoked"
            " and not yet confirmed deleted)",
            value=outstanding,
        )
        by_state = GaugeMetricFamily(
            "casusnet_rooms", "rooms held by this node, by state", labels=["state"]
        )
        for s, count in rooms.items():
            by_state.add_metric([s], count)
        held = GaugeMetricFamily(
            "casusnet_inbox_envelopes",
            "envelopes from partner nodes held in the inbox (a retention purge lowers it)",
            value=inbox,
        )
        return [up, roster, depth, failures, receipts, by_state, held, *self._clock()]

    def _clock(self) -> list[Metric]:
        """The clock offset measured against the partners' answers (see ``clocks``)."""
        if self.outbox is None:
            return []
        clocks = self.outbox.client.clocks
        report = clocks.report()
        out: list[Metric] = []
        if report["offset"] is not None:
            out.append(
                GaugeMetricFamily(
                    "casusnet_clock_offset_seconds",
                    "how far this node's clock is ahead of its partners' (median of the"
                    " offsets measured from their answers; negative: behind)",
                    value=clocks.offset() or 0.0,
                )
            )
        per_peer = GaugeMetricFamily(
            "casusnet_peer_clock_offset_seconds",
            "a partner's clock minus this node's, measured from its last answer",
            labels=["peer"],
        )
        for peer, measured in sorted(clocks.peers.items()):
            per_peer.add_metric([peer], measured.offset)
        off = GaugeMetricFamily(
            "casusnet_clock_off",
            "1 when this node's clock is off: more than 30 s from its partners', or a"
            " partner refused its requests as expired",
            value=1 if report["off"] else 0,
        )
        expired = GaugeMetricFamily(
            "casusnet_clock_expired_peers",
            "partners whose last answer refused this node's request as expired",
            value=len(report["expired_by"]),
        )
        return [*out, per_peer, off, expired]


async def metrics(request: web.Request) -> web.Response:
    try:
        text = generate_latest(request.app[REGISTRY])
    except (sqlite3.Error, CasusnetError) as exc:
        log.warning("metrics: the database cannot be read (%s)", type(exc).__name__)
        return web.Response(status=503, text="casusnet_up 0\n", content_type="text/plain")
    return web.Response(body=text, headers={"Content-Type": CONTENT_TYPE})


async def health(request: web.Request) -> web.Response:
    node = request.app[NODE]
    doc: dict[str, Any] = {
        "ok": True,
        "node": node.me,
        "version": software_version(),
        "roster_version": node.roster.version,
    }
    try:
        doc["outbox"] = queue.pending(node.store)
    except (sqlite3.Error, CasusnetError) as exc:
        doc.update(ok=False, outbox=None, error=f"database: {type(exc).__name__}")
        return web.json_response(doc, status=503)
    return web.json_response(doc)


def create_metrics_app(node: Node, outbox: Outbox | None = None) -> web.Application:
    app = web.Application(client_max_size=1024)
    app[NODE] = node
    if outbox is not None:
        app[OUTBOX] = outbox
    registry = CollectorRegistry()  # per app, never the process-wide default
    registry.register(NodeCollector(node, outbox))
    app[REGISTRY] = registry
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/v1/health", health)
    return app


async def start_metrics(node: Node, outbox: Outbox, listen: str) -> web.AppRunner:
    host, port = parse_listen(listen)
    runner = web.AppRunner(create_metrics_app(node, outbox), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
