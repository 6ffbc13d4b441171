"""The local API routes and fields the TUI relies on (docs/api.md).

A casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM, the intake opened it); each node's local API is
served with aiohttp's test server and called as its staff member.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from test_review import PASS, Meeting, meeting, politie_share  # noqa: F401

from node.localapi import create_local_app

Call = Callable[..., Awaitable[tuple[int, Any]]]


class Local:
    """One node's local API, logged in as that node's staff member."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.auth = client, {"Authorization": f"Bearer {token}"}

    async def get(self, path: str) -> tuple[int, Any]:
        r = await self.client.get(path, headers=self.auth)
        return r.status, await r.json()

    async def post(self, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        r = await self.client.post(path, json=body or {}, headers=self.auth)
        return r.status, await r.json()


@pytest.fixture
async def local(meeting: Meeting) -> AsyncIterator[Callable[[str], Awaitable[Local]]]:  # noqa: F811
    clients: list[TestClient] = []

    async def open_api(node: str, staff: str | None = None) -> Local:
        client = TestClient(TestServer(create_local_app(meeting.nodes[node])))
        await client.start_server()
        clients.append(client)
        name = staff or meeting.staff[node].name
        r = await client.post("/v1/login", json={"name": name, "passphrase": PASS})
        assert r.status == 200
        return Local(client, (await r.json())["token"])

    yield open_api
    for client in clients:
        await client.close()


# --- the registry --------------------------------------------------------------------------


async def test_the_registry_is_the_one_the_node_applies(meeting: Meeting, local: Any) -> None:  # noqa: F811
    api = await local("politie")
    status, body = await api.get("/v1/registry")
    assert status == 200
    assert (body["node"], body["org"]) == ("politie", "politie")
    shipped = json.loads(resources.files("protocol").joinpath("grondslagen.json").read_bytes())
    assert body["registry"] == shipped
    assert {b["id"] for b in body["registry"]["bases"]} >= {"pga-r", "wgs", "wpg-20"}
    anonymous = await api.client.get("/v1/registry")
    assert anonymous.status == 401
