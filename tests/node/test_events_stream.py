"""The local API's event stream (``GET /v1/events``, docs/api.md "The event stream").

A casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM); each node's local API is served with aiohttp's test
server, and its staff open the stream as the TUI does. Nothing here depends on
speed: every wait is "eventually, within a generous timeout".
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import test_review
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from test_review import PASS, Meeting, politie_share

from node.domain import staff as staffmod
from node.faces.localapi import create_local_app
from node.faces.localapi import events as eventsmod

meeting = test_review.meeting  # the fixture
WAIT = 20.0


class Stream:
    """One open event stream, read event by event."""

    def __init__(self, response: ClientResponse) -> None:
        self.response = response
        self.seen: list[dict[str, Any]] = []

    async def next(self, within: float = WAIT) -> dict[str, Any] | None:
        """The next event (``None`` once the stream has ended)."""
        data = ""
        while True:
            line = await asyncio.wait_for(self.response.content.readline(), within)
            if not line:
                return None
            text = line.decode().rstrip("\n")
            if text.startswith("data: "):
                data = text[6:]
            elif not text and data:
                doc: dict[str, Any] = json.loads(data)
                self.seen.append(doc)
                return doc

    async def until(self, check: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        async def wait() -> dict[str, Any]:
            while True:
                doc = await self.next()
                assert doc is not None, f"the stream ended before {what}"
                if check(doc):
                    return doc

        return await asyncio.wait_for(wait(), WAIT)

    async def quiet(self, seconds: float) -> list[dict[str, Any]]:
        """What arrives within ``seconds`` (a negative check: nothing should)."""
        got: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(seconds):
                while (doc := await self.next()) is not None:
                    got.append(doc)
        except TimeoutError:
            pass
        return got


class Api:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.auth = client, {"Authorization": f"Bearer {token}"}

    async def stream(self, **headers: str) -> Stream:
        r = await self.client.get("/v1/events", headers=self.auth | headers)
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/event-stream")
        stream = Stream(r)
        hello = await stream.next()
        assert hello is not None
        assert hello["topic"] == "hello"
        return stream


@pytest.fixture
async def local(meeting: Meeting) -> AsyncIterator[Callable[..., Awaitable[Api]]]:
    clients: dict[str, TestClient] = {}

    async def open_api(node: str, staff: str | None = None) -> Api:
        if node not in clients:
            clients[node] = TestClient(TestServer(create_local_app(meeting.nodes[node])))
            await clients[node].start_server()
        client = clients[node]
        name = staff or meeting.staff[node].name
        r = await client.post("/v1/login", json={"name": name, "passphrase": PASS})
        assert r.status == 200
        return Api(client, (await r.json())["token"])

    yield open_api
    for client in clients.values():
        await client.close()


def colleague(m: Meeting, node: str, name: str = "mw-niet-toegewezen") -> None:
    """A staff member of ``node`` who is not assigned to the meeting's room."""
    staffmod.add(m.nodes[node].store, name, "collega", PASS, intake=False, now=m.nodes[node].now())


async def test_an_incoming_verstrekking_and_its_receipt_reach_only_assigned_staff(
    meeting: Meeting, local: Any
) -> None:
    m = meeting
    colleague(m, "om")
    om = await (await local("om")).stream()
    outsider = await (await local("om", "mw-niet-toegewezen")).stream()
    politie = await (await local("politie")).stream()
    room = m.room.hex()

    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()  # to OM and the gemeente; their receipts back to politie

    got = await om.until(lambda e: e["topic"] == "share", "the verstrekking at OM")
    assert got["room"] == room
    assert set(got) <= {"seq", "topic", "room", "id"}  # what changed, never content
    await politie.until(lambda e: e["topic"] == "receipt" and e["room"] == room, "a receipt")
    assert not [e for e in await outsider.quiet(1.0) if e.get("room") == room]
    assert not [e for e in outsider.seen if "room" in e]


async def test_a_burst_of_receipts_comes_as_few_events(meeting: Meeting, local: Any) -> None:
    m = meeting
    politie = await (await local("politie")).stream()
    node = m.nodes["politie"]
    for n in range(20):
        node.shares.share(m.staff["politie"], m.room, politie_share(f"Signaal {n}."))
    m.pump()
    await politie.until(lambda e: e["topic"] == "receipt", "the receipts")
    await politie.quiet(0.5)
    receipts = [e for e in politie.seen if e["topic"] == "receipt"]
    assert len(receipts) < 10  # 40 receipts (OM and the gemeente), a few events


async def test_the_stream_ends_with_a_session_event_when_the_session_expires(
    meeting: Meeting, local: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventsmod, "HEARTBEAT", 0.2)
    node = meeting.nodes["om"]
    api = await local("om")
    stream = await api.stream()
    assert not await stream.quiet(1.0)  # heartbeats are comments, no events
    idle = node.config.timers.session_idle
    start = node.now()
    node.ctx.clock = lambda: start + idle + 5  # the user left: the stream is no use
    ended = await stream.until(lambda e: e["topic"] == "session", "the session event")
    assert ended["topic"] == "session"
    assert await stream.next() is None  # and the stream is over
    r = await api.client.get("/v1/events", headers=api.auth)
    assert r.status == 401


async def test_a_logged_out_session_cannot_open_the_stream(meeting: Meeting, local: Any) -> None:
    api = await local("om")
    r = await api.client.post("/v1/logout", headers=api.auth)
    assert r.status == 200
    r = await api.client.get("/v1/events", headers=api.auth)
    assert r.status == 401
    assert (await r.json())["error"] == "node.session"
    r = await api.client.get("/v1/events")
    assert r.status == 401


async def test_a_reader_that_falls_behind_gets_one_resync(meeting: Meeting, local: Any) -> None:
    bus = meeting.nodes["om"].changes
    bus.queue_limit = 2
    stream = await (await local("om")).stream()
    for topic in ("partners", "rooms", "resync", "partners"):
        bus.note(topic)
        bus.note(topic, None)
    bus.note("rooms")
    bus.flush()  # partners, rooms, resync at once: more than the queue holds
    got = await stream.next()
    assert got is not None
    assert got["topic"] == "resync"
    bus.note("partners")
    got = await stream.next()  # and the stream goes on
    assert got is not None
    assert got["topic"] == "partners"
    assert len(bus.subscribers) == 1
    assert not next(iter(bus.subscribers)).queue


async def test_a_client_resumes_from_the_last_event_it_saw(meeting: Meeting, local: Any) -> None:
    m = meeting
    api = await local("om")
    first = await api.stream()
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()
    seen = await first.until(lambda e: e["topic"] == "share", "the verstrekking")
    first.response.close()
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share("Nog een."))
    m.pump()  # while nobody listens at OM... but the bus keeps what it told
    again = await api.stream(**{"Last-Event-ID": seen["id"]})
    got = await again.next()
    assert got is not None
    assert got["topic"] in ("share", "resync")
    stale = await api.stream(**{"Last-Event-ID": "00000000-1"})  # from before a restart
    got = await stale.next()
    assert got is not None
    assert got["topic"] == "resync"
