"""Closure with a grace period, and the purge of metadata when the bases' terms end."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from aiohttp.test_utils import TestServer
from fed import capacity_of, make_federation

from node.app import create_app, open_node
from node.domain import retention
from node.domain import staff as staffmod
from node.domain.node import Node
from node.store import audit

NODES = {"zvh": "zvh", "ggz": "ggz"}


async def until(what: str, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class Clock:
    def __init__(self) -> None:
        self.offset = 0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest_asyncio.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[dict[str, Node], Clock]]:
    fed = make_federation(tmp_path, NODES, int(time.time()))
    clock = Clock()
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    nodes["ggz"].ctx.config = dataclasses.replace(nodes["ggz"].config, closure_grace=3600)
    servers = []
    for n, node in nodes.items():
        node.ctx.clock = clock
        staffmod.add(
            node.store,
            f"staf-{n}",
            f"{n} functie",
            "lange-wachtzin-1",
            intake=True,
            now=node.now(),
            capacity=capacity_of(node),
        )
        server = TestServer(
            create_app(fed.config(n), node, local_api=False), host="127.0.0.1", port=fed.ports[n]
        )
        await server.start_server()
        servers.append(server)
    try:
        yield nodes, clock
    finally:
        for server in servers:
            await server.close()


async def test_closure_waits_for_the_grace_period_then_revokes_and_shreds(
    pair: tuple[dict[str, Node], Clock],
) -> None:
    nodes, clock = pair
    zvh, ggz = nodes["zvh"], nodes["ggz"]
    chair, member = staffmod.get(zvh.store, "staf-zvh"), staffmod.get(ggz.store, "staf-ggz")
    assert chair is not None
    assert member is not None
    room = zvh.members.convene(
        chair,
        case="ZVH-2026-031",
        purpose="Afstemming zorg en veiligheid",
        bases=["wgs"],
        meeting=zvh.now(),
    ).room
    zvh.members.invite(chair, room, "ggz", "deelnemer")
    await until("ggz in the room", lambda: "ggz" in zvh.ctx.state(room).members)
    await until(
        "ggz knows",
        lambda: (s := ggz.rooms.state(room, ggz.now())) is not None and "ggz" in s.members,
    )
    share = ggz.shares.share(
        member,
        room,
        {
            "basis": "wgs",
            "categories": ["zorg"],
            "summary": "Behandeling loopt.",
            "justification": "Nodig.",
            "secrecy_ground": "toestemming",
            "secrecy_ref": "Toestemming betrokkene 2026-04-01",
        },
    )
    await until(
        "delivered",
        lambda: (
            zvh.store.one(
                "SELECT COUNT(*) FROM shares WHERE id = ? AND envelope IS NOT NULL", (share,)
            )
            == 1
        ),
    )
    # no public deelnemer at this table judges the case (Wgs art. 2.31 lid 2): the room
    # is still in intake, where a deelnemer consulted may answer the chair; it closes so
    zvh.closure.close(chair, room, "afgesloten")
    await until("ggz sees the close", lambda: ggz.rooms.state(room, ggz.now()).phase == "closed")

    retention.run_once(ggz)  # within the grace period: nothing happens yet
    assert ggz.store.one("SELECT COUNT(*) FROM room_keys WHERE room = ?", (room,)) == 1
    assert ggz.store.one("SELECT revoked_at FROM shares WHERE id = ?", (share,)) is None

    clock.offset = 3601
    assert retention.run_once(ggz)["finished"] == 1
    assert ggz.store.one("SELECT COUNT(*) FROM room_keys WHERE room = ?", (room,)) == 0
    await until(
        "the share deleted at the chair",
        lambda: zvh.store.one("SELECT envelope FROM shares WHERE id = ?", (share,)) is None,
    )
    await until(
        "ggz confirms the deletion",
        lambda: (
            ggz.store.one("SELECT state FROM deliveries WHERE share = ?", (share,)) == "deleted"
        ),
    )
    assert retention.run_once(ggz)["finished"] == 0  # once only

    # five years and a day later the room's metadata goes; the audit chain still holds
    clock.offset = 5 * 366 * 86400
    assert retention.run_once(zvh)["purged"] == 1
    for table in ("rooms", "events", "shares", "receipts"):
        assert zvh.store.one(f"SELECT COUNT(*) FROM {table}") == 0, table
    assert zvh.store.one("SELECT COUNT(*) FROM audit WHERE action = 'purge'") == 1
    assert audit.verify(zvh.store) > 0
