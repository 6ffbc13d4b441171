"""The federation endpoints of one node, as its peers (and strangers) meet them.

One node (politie) is served through aiohttp's test server; the gemeente and OM nodes
of the same federation run in-process, unserved, and call it with signed requests. The
gemeente node convenes a room and invites politie, so the room's chain (convene, invite)
is what gemeente delivers to politie's inbox.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import msgpack
import nacl.utils
import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from fed import Federation, make_federation

from node.app import create_app, open_node
from node.domain import staff as staffmod
from node.domain.node import Node
from node.faces.federation import Batch, Events
from node.faces.federation.messages import (
    EVENTS_LIMITS,
    EVENTS_MAX_SIZE,
    MAX_EVENT,
    MAX_EVENTS,
    events_answer,
)
from node.store import nonces
from protocol.codec import decode
from protocol.keys import digest
from protocol.request import HEADER, WINDOW, sign_request
from protocol.revocation import verify_receipt

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
SERVED = "politie"
INBOX = "/v1/inbox"
ROSTER = "/v1/roster"
COUNTED = ("events", "rooms", "shares", "inbox", "room_keys", "outbox", "receipts")


def header(
    node: Node,
    *,
    method: str,
    path: str,
    body: bytes,
    to: str = SERVED,
    when: int | None = None,
) -> dict[str, str]:
    value = sign_request(
        node.identity.signer,
        node.me,
        to=to,
        method=method,
        path=path,
        body=body,
        now=int(time.time()) if when is None else when,
        rand=nacl.utils.random,
    )
    return {HEADER: value}


def batch(*envelopes: bytes) -> bytes:
    return Batch(tuple(envelopes)).encode()


def results(raw: bytes) -> list[list[Any]]:
    answer = msgpack.unpackb(raw, raw=False)
    return [list(r) for r in answer["results"]]


def counts(node: Node) -> dict[str, int]:
    return {t: int(node.store.one(f"SELECT COUNT(*) FROM {t}")) for t in COUNTED}


def refusals(node: Node) -> list[dict[str, Any]]:
    rows = node.store.rows(
        "SELECT actor, detail FROM audit WHERE action = 'refused' ORDER BY seq", ()
    )
    return [dict(json.loads(r["detail"]), actor=r["actor"]) for r in rows]


@dataclass
class World:
    fed: Federation
    nodes: dict[str, Node]
    room: bytes
    chain: list[bytes]  # gemeente's events: convene, invite politie
    clients: list[TestClient] = field(default_factory=list)

    @property
    def served(self) -> Node:
        return self.nodes[SERVED]

    async def serve(self, **config: Any) -> TestClient:
        """Serve politie, with ``config`` changed (e.g. ``rate_per_peer``, ``max_body``)."""
        cfg = replace(self.fed.config(SERVED), **config)
        self.served.ctx.config = cfg
        client = TestClient(TestServer(create_app(cfg, self.served, local_api=False)))
        await client.start_server()
        self.clients.append(client)
        return client

    async def call(
        self,
        client: TestClient,
        caller: str | Node,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        send: bytes | None = None,
    ) -> ClientResponse:
        """A request signed by ``caller`` for ``body``; ``send`` goes over the wire instead."""
        node = self.nodes[caller] if isinstance(caller, str) else caller
        headers = header(node, method=method, path=path, body=body)
        data = body if send is None else send
        return await client.request(method, path, data=data or None, headers=headers)

    async def deliver(self, client: TestClient, *envelopes: bytes) -> list[list[Any]]:
        r = await self.call(client, "gemeente", "POST", INBOX, batch(*envelopes))
        assert r.status == 200, await r.text()
        return results(await r.read())


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    fed = make_federation(tmp_path, NODES, int(time.time()))
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    g = nodes["gemeente"]
    anna = staffmod.add(
        g.store,
        "anna",
        "casusregisseur",
        "lange-wachtzin-1",
        intake=True,
        now=g.now(),
        capacity="burgemeester",
    )
    state = g.members.convene(
        anna, case="RAD-2026-017", purpose="Weging", bases=["pga-r"], meeting=g.now()
    )
    g.members.invite(anna, state.room, SERVED, "deelnemer")
    w = World(fed, nodes, state.room, g.rooms.events_after(state.room, -1))
    assert len(w.chain) == 2
    yield w
    for client in w.clients:
        await client.close()  # also closes politie's store
    for node in nodes.values():
        node.store.close()


# --- health and authentication ----------------------------------------------------------


async def test_health_answers_without_authentication(world: World) -> None:
    client = await world.serve()
    r = await client.get("/v1/health")
    assert r.status == 200
    assert await r.json() == {"status": "ok", "node": SERVED, "roster_version": 1}


def _unpadded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not base64 at all!",
        _unpadded(b"\x93garbage that is no signed wrapper"),
        "A" * 2000,
    ],
    ids=["missing", "empty", "not-base64", "not-a-wrapper", "oversized"],
)
async def test_a_request_without_a_well_formed_auth_header_gets_401(
    world: World, value: str | None
) -> None:
    client = await world.serve()
    headers = {} if value is None else {HEADER: value}
    for method, path, body in (("POST", INBOX, batch(world.chain[0])), ("GET", ROSTER, None)):
        r = await client.request(method, path, data=body, headers=headers)
        assert r.status == 401
        assert (await r.json())["error"] == "request.auth"
    assert counts(world.served)["events"] == 0


async def test_a_header_cut_short_gets_401(world: World) -> None:
    client = await world.serve()
    good = header(world.nodes["gemeente"], method="GET", path=ROSTER, body=b"")[HEADER]
    r = await client.get(ROSTER, headers={HEADER: good[:-10]})
    assert r.status == 401


async def test_a_caller_outside_the_roster_gets_403_and_its_body_is_never_read(
    world: World, tmp_path: Path
) -> None:
    stranger_fed = make_federation(tmp_path / "elders", {"rvdk": "rvdk"}, int(time.time()))
    stranger = open_node(stranger_fed.config("rvdk"))
    try:
        client = await world.serve(max_body=1024)
        garbage = b"\xc1 this is not msgpack"
        # a roster member sending the same body is answered 400: the body was parsed
        r = await world.call(client, "gemeente", "POST", INBOX, garbage)
        assert r.status == 400
        before = counts(world.served)
        r = await world.call(client, stranger, "POST", INBOX, garbage)
        assert r.status == 403
        assert (await r.json())["error"] == "crypto.unknown_signer"
        # a body over the cap would be 413 if it were looked at: it is not
        r = await world.call(client, stranger, "POST", INBOX, b"\x00" * 4096)
        assert r.status == 403
        assert counts(world.served) == before
    finally:
        stranger.store.close()


async def test_a_stranger_using_a_members_name_gets_401(world: World, tmp_path: Path) -> None:
    """A key from another federation signing as 'gemeente' does not pass as gemeente."""
    other = make_federation(tmp_path / "elders", {"gemeente": "gemeente"}, int(time.time()))
    impostor = open_node(other.config("gemeente"))
    try:
        client = await world.serve()
        r = await world.call(client, impostor, "POST", INBOX, batch(*world.chain))
        assert r.status == 401
        assert (await r.json())["error"] == "request.auth"
        assert counts(world.served)["events"] == 0
        assert refusals(world.served)[-1]["code"] == "request.auth"
    finally:
        impostor.store.close()


async def test_a_body_changed_after_signing_gets_401(world: World) -> None:
    client = await world.serve()
    signed_for = batch(world.chain[0])
    sent = batch(*world.chain)
    r = await world.call(client, "gemeente", "POST", INBOX, signed_for, send=sent)
    assert r.status == 401
    assert (await r.json())["error"] == "request.auth"
    assert counts(world.served)["events"] == 0
    last = refusals(world.served)[-1]
    assert (last["actor"], last["code"], last["path"]) == ("gemeente", "request.auth", INBOX)


async def test_the_same_request_sent_twice_is_refused_the_second_time(world: World) -> None:
    client = await world.serve()
    body = batch(world.chain[0])
    headers = header(world.nodes["gemeente"], method="POST", path=INBOX, body=body)
    first = await client.post(INBOX, data=body, headers=headers)
    assert first.status == 200
    assert refusals(world.served) == []
    again = await client.post(INBOX, data=body, headers=headers)
    assert again.status == 401
    assert (await again.json())["error"] == "request.replay"
    entry = refusals(world.served)[-1]
    assert (entry["actor"], entry["code"], entry["path"]) == ("gemeente", "request.replay", INBOX)


async def test_a_request_replayed_to_the_restarted_node_is_refused(world: World) -> None:
    """The nonces are in the store: a new app on the same node (a restart) still
    refuses the replay; the inbox's in the batch's own commit, a fetch's too."""
    client = await world.serve()
    body = batch(world.chain[0])
    posted = header(world.nodes["gemeente"], method="POST", path=INBOX, body=body)
    fetched = header(world.nodes["gemeente"], method="GET", path=ROSTER, body=b"")
    assert (await client.post(INBOX, data=body, headers=posted)).status == 200
    assert (await client.get(ROSTER, headers=fetched)).status == 200
    before = counts(world.served)
    restarted = await world.serve()
    again = await restarted.post(INBOX, data=body, headers=posted)
    assert (again.status, (await again.json())["error"]) == (401, "request.replay")
    again = await restarted.get(ROSTER, headers=fetched)
    assert (again.status, (await again.json())["error"]) == (401, "request.replay")
    assert counts(world.served) == before
    kept = world.served.store.rows("SELECT caller, expires FROM nonces", ())
    assert [r["caller"] for r in kept] == ["gemeente", "gemeente"]
    assert all(0 < r["expires"] - time.time() <= 2 * WINDOW + 5 for r in kept)


async def test_the_inbox_keeps_its_nonce_in_the_batchs_own_commit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = await world.serve()
    store = world.served.store
    commits: list[bool] = []
    real = store.transaction

    def counted(durable: bool = True) -> Any:
        if not store._depth:  # an outermost transaction: one commit
            commits.append(durable)
        return real(durable)

    monkeypatch.setattr(store, "transaction", counted)
    assert (
        await world.call(client, "gemeente", "POST", INBOX, batch(world.chain[0]))
    ).status == 200
    assert commits == [True]  # the envelope's, nonce included: no flush of its own
    assert store.one("SELECT COUNT(*) FROM nonces") == 1


async def test_expired_nonces_are_dropped_when_the_node_starts(world: World) -> None:
    store = world.served.store
    with store.transaction():
        nonces.remember(store, "gemeente", b"\x01" * 16, int(time.time()) - 1, 0)
        nonces.remember(store, "gemeente", b"\x02" * 16, int(time.time()) + 60, 0)
    await world.serve()
    assert store.rows("SELECT nonce FROM nonces", ()) == [{"nonce": b"\x02" * 16}]


@pytest.mark.parametrize(
    ("change", "code"),
    [({"to": "om"}, "request.auth"), ({"when": -1000}, "request.expired")],
    ids=["signed-for-another-node", "outside-the-time-window"],
)
async def test_a_request_for_another_node_or_time_gets_401(
    world: World, change: dict[str, Any], code: str
) -> None:
    client = await world.serve()
    body = batch(world.chain[0])
    if "when" in change:
        change = {"when": int(time.time()) + change["when"]}
    headers = header(world.nodes["gemeente"], method="POST", path=INBOX, body=body, **change)
    r = await client.post(INBOX, data=body, headers=headers)
    assert r.status == 401
    assert (await r.json())["error"] == code
    assert counts(world.served)["events"] == 0


# --- limits -----------------------------------------------------------------------------


async def test_a_body_over_the_cap_gets_413(world: World) -> None:
    client = await world.serve(max_body=1024)
    big = batch(b"\x01" * 2000)
    r = await world.call(client, "gemeente", "POST", INBOX, big)
    assert (r.status, (await r.json())["error"]) == (413, "request.too_large")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the read is capped
        for i in range(0, len(big), 256):
            yield big[i : i + 256]

    headers = header(world.nodes["gemeente"], method="POST", path=INBOX, body=big)
    r = await client.post(INBOX, data=chunks(), headers=headers)
    assert r.status == 413
    # a body under the cap still goes through
    r = await world.call(client, "gemeente", "POST", INBOX, batch(world.chain[0]))
    assert r.status == 200


async def test_more_requests_than_the_peer_rate_get_429(world: World) -> None:
    client = await world.serve(rate_per_peer=1.0)  # a burst of two, then one a second
    answers = [await world.call(client, "gemeente", "GET", ROSTER) for _ in range(4)]
    assert [r.status for r in answers[:2]] == [200, 200]
    assert answers[-1].status == 429
    assert (await answers[-1].json())["error"] == "request.rate_limited"
    # the limit is per peer: OM is not held back by gemeente's requests
    assert (await world.call(client, "om", "GET", ROSTER)).status == 200


async def test_forged_headers_in_a_peers_name_do_not_use_up_its_rate(world: World) -> None:
    client = await world.serve(rate_per_peer=1.0)
    forger = world.nodes["om"]
    for _ in range(3):
        value = sign_request(
            forger.identity.signer,  # om's key, claiming to be gemeente
            "gemeente",
            to=SERVED,
            method="GET",
            path=ROSTER,
            body=b"",
            now=int(time.time()),
            rand=nacl.utils.random,
        )
        r = await client.get(ROSTER, headers={HEADER: value})
        assert r.status in (401, 429)
    r = await world.call(client, "gemeente", "GET", ROSTER)
    assert r.status == 200


# --- the inbox --------------------------------------------------------------------------


async def test_each_envelope_in_a_batch_gets_a_signed_delivered_receipt(world: World) -> None:
    client = await world.serve()
    answer = await world.deliver(client, *world.chain)
    assert [r[0] for r in answer] == ["ok", "ok"]
    g = world.nodes["gemeente"]
    for envelope, (_, receipt, code) in zip(world.chain, answer, strict=True):
        assert code is None
        checked = verify_receipt(receipt, roster=g.roster, me="gemeente", envelope=envelope)
        assert (checked.kind, checked.issuer, checked.room) == ("delivered", SERVED, world.room)
    assert world.served.rooms.state(world.room, world.served.now()).seq == 1


async def test_an_envelope_delivered_again_gets_the_same_receipt_and_is_stored_once(
    world: World,
) -> None:
    client = await world.serve()
    first = await world.deliver(client, *world.chain)
    before = counts(world.served)
    again = await world.deliver(client, *world.chain)
    assert again == first  # byte for byte the same receipts
    assert counts(world.served) == before
    for envelope in world.chain:
        sql = "SELECT COUNT(*) FROM inbox WHERE env_hash = ?"
        assert world.served.store.one(sql, (digest(envelope),)) == 1
    # the invite was acted on once: one room key, one join queued for the chair
    assert before["room_keys"] == 1
    assert world.served.store.one("SELECT COUNT(*) FROM outbox WHERE kind = 'join'") == 1


def _flip(envelope: bytes, where: str) -> bytes:
    data = bytearray(envelope)
    if where == "signature":
        i = len(data) - 1
    elif where == "body":
        i = envelope.index(SERVED.encode()) + 2  # a letter of the invited node's id
    else:  # "framing": the wrapper's first byte
        i = 0
    data[i] ^= 0x01
    assert bytes(data) != envelope
    return bytes(data)


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("signature", "crypto.signature"),
        ("body", "crypto.signature"),
        pytest.param(
            "framing",
            "decode.",
        ),
    ],
)
async def test_a_tampered_envelope_is_refused_changes_nothing_and_is_audited(
    world: World, where: str, code: str
) -> None:
    client = await world.serve()
    convene, invite = world.chain
    assert (await world.deliver(client, convene))[0][0] == "ok"
    before = counts(world.served)
    refused_before = len(refusals(world.served))
    tampered = _flip(invite, where)
    (status, receipt, got), ok = await world.deliver(client, tampered, convene)
    assert (status, receipt) == ("refused", None)
    assert got is not None
    assert got.startswith(code)
    assert ok[0] == "ok"  # the rest of the batch is answered on its own merits
    assert counts(world.served) == before
    assert world.served.rooms.state(world.room, world.served.now()).seq == 0
    new = refusals(world.served)[refused_before:]
    assert [(e["actor"], e["code"]) for e in new] == [("gemeente", got)]


async def test_a_batch_that_is_not_a_batch_gets_400_and_is_audited(world: World) -> None:
    client = await world.serve()
    r = await world.call(client, "gemeente", "POST", INBOX, msgpack.packb({"envelopes": []}))
    assert r.status == 400
    assert refusals(world.served)[-1]["code"].startswith("decode.")


# --- room events ------------------------------------------------------------------------


async def test_room_events_are_served_to_members_only(world: World) -> None:
    client = await world.serve()
    await world.deliver(client, *world.chain)
    path = f"/v1/rooms/{world.room.hex()}/events?after=-1"
    r = await world.call(client, "gemeente", "GET", path)
    assert r.status == 200
    assert list(decode(await r.read(), Events.SPEC).events) == world.chain
    r = await world.call(client, "gemeente", "GET", path.replace("after=-1", "after=0"))
    assert list(decode(await r.read(), Events.SPEC).events) == world.chain[1:]
    # om is in the roster, but not in this room
    r = await world.call(client, "om", "GET", path)
    assert r.status == 403
    assert (await r.json())["error"] == "node.not_allowed"
    assert refusals(world.served)[-1]["actor"] == "om"


def test_an_events_answer_holds_at_most_500_envelopes_and_8_mib() -> None:
    many = decode(events_answer([b"e" * 100] * 600), Events.SPEC, EVENTS_LIMITS).events
    assert len(many) == MAX_EVENTS == 500
    big = [bytes([i]) * MAX_EVENT for i in range(10)]  # 1 MiB each
    answer = events_answer(big)
    assert len(answer) <= EVENTS_MAX_SIZE
    assert decode(answer, Events.SPEC, EVENTS_LIMITS).events == tuple(big[:7])
    assert decode(events_answer([]), Events.SPEC, EVENTS_LIMITS).events == ()


async def test_events_of_an_unknown_room_get_403(world: World) -> None:
    client = await world.serve()
    r = await world.call(client, "gemeente", "GET", f"/v1/rooms/{'ab' * 32}/events?after=-1")
    assert r.status == 403
