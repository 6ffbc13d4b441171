"""Review findings on the node daemon, as tests.

A strict ``xfail`` marks a real, reproducible problem (the reason says what goes wrong);
a plain test pins a property the other suites do not cover. Most tests run a
casusoverleg synchronously: the nodes are in-process and :func:`pump` hands each
outbox envelope to its peer's ``receive`` the way the delivery worker and the inbox
endpoint do. The tests of the federation endpoints serve one node with aiohttp's
test server on its roster port; a peer that misbehaves is a small fake app on its
own roster port.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import nacl.utils
import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from fed import (
    Federation,
    capacity_of,
    close_jointly,
    intake_steps,
    make_federation,
    run_intake,
)

from node.app import create_app, open_node
from node.domain import retention
from node.domain import staff as staffmod
from node.domain.inbox import RetryLater
from node.domain.node import Node
from node.domain.staff import Staff
from node.errors import NotAllowedError
from node.faces.federation import Batch, Events, FederationClient
from node.faces.federation.messages import MAX_EVENTS
from node.faces.localapi import create_local_app
from node.store import audit
from node.tools import provision
from protocol import chain
from protocol.codec import PROTOCOL_VERSION, decode, pack
from protocol.errors import CasusnetError
from protocol.events import CloseData, Event
from protocol.request import HEADER, sign_request
from protocol.revocation import verify_receipt
from protocol.share import WRAP_SIZE, Draft, Share, seal_share
from protocol.signed import Signed, sign

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om", "rvdk": "rvdk", "ggz": "ggz"}
MEMBERS = ("gemeente", "politie", "om")
CASE = "RAD-2026-017"
PASS = "lange-wachtzin-1"
JUSTIFICATION = "Noodzakelijk voor de weging; geen minder ingrijpend middel."


# --- a casusoverleg without a network ---------------------------------------------------


def pump(nodes: dict[str, Node], rounds: int = 50) -> None:
    """Deliver every outbox envelope to its peer, in order per peer, until all is quiet.

    What the outbox worker and ``POST /v1/inbox`` do, minus HTTP: a ``retry`` holds
    the peer's queue back, a receipt is verified and recorded, the row is settled.
    """
    for _ in range(rounds):
        moved = False
        for name, node in nodes.items():
            held: set[str] = set()
            for row in node.store.rows(
                "SELECT id, peer, envelope FROM outbox WHERE done_at IS NULL ORDER BY id"
            ):
                peer = nodes.get(row["peer"])
                if peer is None or row["peer"] in held:
                    continue
                try:
                    receipt = peer.inbox.receive(name, row["envelope"]).receipt
                except RetryLater:
                    held.add(row["peer"])
                    continue
                except CasusnetError:
                    receipt = None
                with node.store.transaction():
                    if receipt is not None:
                        checked = verify_receipt(
                            receipt, roster=node.roster, me=node.me, envelope=row["envelope"]
                        )
                        node.receipts.record_receipt(checked, receipt)
                    node.store.execute(
                        "UPDATE outbox SET done_at = ? WHERE id = ?", (node.now(), row["id"])
                    )
                moved = True
        if not moved:
            return
    raise AssertionError("the outboxes did not settle")


@dataclass
class Meeting:
    fed: Federation
    nodes: dict[str, Node]
    staff: dict[str, Staff]
    room: bytes

    def state(self, node: str) -> Any:
        return self.nodes[node].rooms.state(self.room, self.nodes[node].now())

    def pump(self) -> None:
        pump(self.nodes)

    def close(self, outcome: str = "afgesloten", room: bytes | None = None) -> None:
        """The gemeente closes the room; the deelnemers sign the closure of an open one."""
        room = self.room if room is None else room
        close_jointly(self.nodes, self.staff, room, self.pump, chair="gemeente", outcome=outcome)

    def files(self, node: str) -> bytes:
        """Everything in the node's SQLite files (database, WAL, shared memory)."""
        db = self.nodes[node].config.db_path
        return b"".join(p.read_bytes() for p in sorted(db.parent.glob("node.db*")))


@pytest.fixture
def meeting(tmp_path: Path) -> Iterator[Meeting]:
    """gemeente convenes a pga-r room with politie and OM; the intake opens it (its
    samenstelling names rvdk as deelnemer).

    rvdk and ggz are in the roster but not in the room.
    """
    fed = make_federation(tmp_path, NODES, int(time.time()))
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    staff = {
        n: staffmod.add(
            nodes[n].store,
            f"mw-{n}",
            f"{n} · regisseur",
            PASS,
            intake=True,
            now=nodes[n].now(),
            capacity=capacity_of(nodes[n]),
        )
        for n in NODES
    }
    g = nodes["gemeente"]
    state = g.members.convene(
        staff["gemeente"],
        case=CASE,
        purpose="Weging en aanpak",
        bases=["pga-r", "wjsg-39fb", "wpg-20"],
        meeting=g.now(),
    )
    m = Meeting(fed, nodes, staff, state.room)
    for n in ("politie", "om"):
        g.members.invite(staff["gemeente"], m.room, n, "deelnemer")
    m.pump()
    # the samenstelling names rvdk, which joins when invited later
    run_intake(m.pump, intake_steps(nodes, staff, m.room, chair="gemeente", deelnemers=("rvdk",)))
    assert all(m.state(n).phase == "open" for n in MEMBERS)
    yield m
    for node in nodes.values():
        node.store.close()


def politie_share(summary: str = "Signalen van isolatie en online contacten.", **more: Any) -> Any:
    return dict(
        basis="wpg-20",
        categories=["politie", "signalen"],
        summary=summary,
        justification=JUSTIFICATION,
        agreement_ref="Afspraak bevoegd gezag 2026-004",
        **more,
    )


def ciphertext(envelope: bytes) -> bytes:
    return bytes(decode(decode(envelope, Signed.SPEC).body, Share.SPEC).ct)


# --- authorization in the federation ------------------------------------------------------


def test_a_removed_member_cannot_fetch_what_happens_after_its_removal(meeting: Meeting) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    g.members.remove(m.staff["gemeente"], m.room, "om")
    m.pump()
    seen_by_om = m.state("om").seq
    assert "om" not in m.state("om").members
    # the meeting goes on without OM: RvdK is invited
    g.members.invite(m.staff["gemeente"], m.room, "rvdk", "deelnemer")
    m.pump()
    assert m.state("gemeente").seq > seen_by_om
    # what GET /v1/rooms/{room}/events?after=N answers OM
    with pytest.raises(NotAllowedError):
        g.members.events_for("om", m.room, seen_by_om)


def test_a_third_party_sees_no_intake_scores_before_the_joint_consent(meeting: Meeting) -> None:
    """Until gemeente, politie and OM have all consented, a third party invited under
    pga-r receives nothing of the room: not the intake, not even that it exists."""
    m = meeting
    m.nodes["gemeente"].members.invite(m.staff["gemeente"], m.room, "ggz", "derde")
    m.pump()
    ggz = m.nodes["ggz"]
    assert ggz.rooms.state(m.room, ggz.now()) is None
    assert ggz.rooms.events_after(m.room, -1) == []


def test_a_statement_relayed_by_another_node_is_refused_by_the_chair(meeting: Meeting) -> None:
    """Statements are bound to their caller: OM cannot hand the chair politie's leave."""
    m = meeting
    politie, g = m.nodes["politie"], m.nodes["gemeente"]
    politie.members.leave(m.staff["politie"], m.room)
    leave = politie.store.one(
        "SELECT envelope FROM outbox WHERE kind = 'leave' AND done_at IS NULL"
    )
    before = m.state("gemeente").seq
    with pytest.raises(NotAllowedError):
        g.inbox.receive("om", leave)
    assert m.state("gemeente").seq == before
    assert "politie" in m.state("gemeente").members


# --- revocation, closure and retention ------------------------------------------------------


def test_a_revoked_share_leaves_no_ciphertext_in_the_recipients_files(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    share_id = politie.shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()
    ct = ciphertext(om.store.one("SELECT envelope FROM shares WHERE id = ?", (share_id,)))
    assert om.store.one("SELECT COUNT(*) FROM room_keys") == 1  # the room stays open
    politie.closure.revoke(m.staff["politie"], m.room, [share_id])
    m.pump()
    states = dict(politie.store.execute("SELECT peer, state FROM deliveries").fetchall())
    assert states["om"] == "deleted"  # OM signed that it deleted the share
    assert ct[48:112] not in m.files("om")


def test_closure_after_the_grace_period_leaves_no_key_or_content_on_disk(
    meeting: Meeting,
) -> None:
    """OM finishes closure in the retention job, after its grace period: nothing survives."""
    m = meeting
    om, politie = m.nodes["om"], m.nodes["politie"]
    om.ctx.config = dataclasses.replace(om.config, closure_grace=3600)
    received = politie.shares.share(m.staff["politie"], m.room, politie_share())
    own = om.shares.share(
        m.staff["om"],
        m.room,
        dict(basis="wjsg-39fb", categories=["justitieel"], summary="Lopend onderzoek.",
             justification=JUSTIFICATION),
    )  # fmt: skip
    m.pump()
    ct = ciphertext(om.store.one("SELECT envelope FROM shares WHERE id = ?", (received,)))
    keys = [r[0] for r in om.store.execute("SELECT sealed FROM room_keys")]
    plain = om.store.one("SELECT sealed FROM plaintext WHERE share = ?", (own,))
    m.close()
    assert om.store.one("SELECT COUNT(*) FROM room_keys") == 1  # within the grace period
    assert retention.run_once(om) == {"finished": 0, "purged": 0, "meldingen": 0, "shielded": 0}
    later = om.now() + 3601
    om.ctx.clock = lambda: later
    assert retention.run_once(om) == {"finished": 1, "purged": 0, "meldingen": 0, "shielded": 0}
    m.pump()
    raw = m.files("om")
    assert not any(k in raw for k in keys)
    assert ct[48:112] not in raw
    assert plain not in raw
    closed = politie.store.rows("SELECT issuer FROM receipts WHERE kind = 'closed'")
    assert "om" in {r["issuer"] for r in closed}


def _past_retention(m: Meeting) -> None:
    m.close()
    far = int(time.time()) + 6 * 366 * 86400  # pga-r: five years after the last processing
    for node in m.nodes.values():
        node.ctx.clock = lambda: far


def test_the_purge_removes_the_rooms_envelopes_from_the_outbox(meeting: Meeting) -> None:
    m = meeting
    share_id = m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()
    ct = ciphertext(
        m.nodes["politie"].store.one("SELECT envelope FROM shares WHERE id = ?", (share_id,))
    )
    _past_retention(m)
    for n in ("politie", "gemeente"):
        assert retention.run_once(m.nodes[n])["purged"] == 1
    assert m.nodes["politie"].store.one("SELECT COUNT(*) FROM shares") == 0
    for n in ("politie", "gemeente"):
        left = m.nodes[n].store.one("SELECT COUNT(*) FROM outbox WHERE room = ?", (m.room,))
        assert left == 0, f"{n}: {left} envelopes of the purged room"
    assert ct[48:112] not in m.files("politie")


def test_the_purge_removes_the_audit_entries_of_the_room(meeting: Meeting) -> None:
    m = meeting
    _past_retention(m)
    om = m.nodes["om"]
    assert retention.run_once(om)["purged"] == 1
    left = om.store.one("SELECT COUNT(*) FROM audit WHERE room = ?", (m.room,))
    assert left == 0
    assert audit.verify(om.store) > 0


def _roster_without(m: Meeting, node: str) -> bytes:
    authority = m.fed.root / "authority"
    provision.remove_member(authority, node)
    out = m.fed.root / f"roster-without-{node}.msgpack"
    provision.sign(authority, out, now=int(time.time()))
    return out.read_bytes()


def test_a_revoke_still_deletes_after_the_roster_drops_a_former_member(meeting: Meeting) -> None:
    m = meeting
    g, politie = m.nodes["gemeente"], m.nodes["politie"]
    share_id = politie.shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()
    roster = _roster_without(m, "om")  # OM leaves the federation
    for n in ("gemeente", "politie"):
        m.nodes[n].rosters.import_roster(roster)
    politie.closure.revoke(m.staff["politie"], m.room, [share_id])
    pump({n: m.nodes[n] for n in ("gemeente", "politie")})
    assert g.store.one("SELECT envelope FROM shares WHERE id = ?", (share_id,)) is None


def test_one_room_that_does_not_replay_does_not_stop_closure_of_the_others(
    meeting: Meeting,
) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    g.ctx.config = dataclasses.replace(g.config, closure_grace=60)
    other = g.members.convene(
        m.staff["gemeente"], case="RAD-2026-018", purpose="Weging", bases=["pga-r"], meeting=g.now()
    ).room
    m.close()
    g.closure.close(m.staff["gemeente"], other, "afgesloten")  # in intake: the chair alone
    g.rosters.import_roster(_roster_without(m, "om"))
    later = g.now() + 61
    g.ctx.clock = lambda: later
    try:
        retention.run_once(g)
    except CasusnetError:
        pass
    finished = g.store.one("SELECT closed_receipt_sent FROM rooms WHERE room = ?", (other,))
    assert finished == 1


# --- delivery and the audit -------------------------------------------------------------------


def test_a_share_to_some_members_logs_no_false_gap_at_the_others(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    politie.shares.share(
        m.staff["politie"], m.room, politie_share("een", recipients=["gemeente", "om"])
    )
    politie.shares.share(m.staff["politie"], m.room, politie_share("twee", recipients=["gemeente"]))
    politie.shares.share(
        m.staff["politie"], m.room, politie_share("drie", recipients=["gemeente", "om"])
    )
    m.pump()
    assert om.store.one("SELECT COUNT(*) FROM shares WHERE own = 0") == 2  # nothing missing
    refused = om.store.rows("SELECT detail FROM audit WHERE action = 'refused'")
    assert refused == []


def test_a_member_cannot_block_anothers_share_by_reusing_its_id(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = m.nodes["gemeente"], m.nodes["politie"], m.nodes["om"]
    fields = dict(basis="pga-r", categories=["signalen"], summary="Melding van de school.")
    share_id = g.shares.share(
        m.staff["gemeente"], m.room, dict(fields, justification=JUSTIFICATION)
    )
    to = {
        r["peer"]: r["envelope"]
        for r in g.store.rows("SELECT peer, envelope FROM outbox WHERE kind = 'share'")
    }
    politie.inbox.receive("gemeente", to["politie"])  # politie has it before OM does

    def same_id(n: int) -> bytes:
        return share_id if n == 16 else nacl.utils.random(n)

    decoy = seal_share(
        Draft(author_function="wijkagent", recipients=["om"], **politie_share("Geen signalen.")),
        state=m.state("politie"), registry=politie.registry, sender="politie",
        signer=politie.identity.signer, seq=1, now=politie.now(), rand=same_id,
    )  # fmt: skip
    om.inbox.receive("politie", decoy)
    m.pump()  # gemeente's own delivery to OM comes after
    senders = [r[0] for r in om.store.execute("SELECT sender FROM shares WHERE own = 0")]
    assert "gemeente" in senders


# --- the local API ----------------------------------------------------------------------------


@pytest.fixture
async def api(meeting: Meeting) -> AsyncIterator[tuple[TestClient, dict[str, str]]]:
    """politie's local API, logged in as its staff member."""
    client = TestClient(TestServer(create_local_app(meeting.nodes["politie"])))
    await client.start_server()
    r = await client.post("/v1/login", json={"name": "mw-politie", "passphrase": PASS})
    token = (await r.json())["token"]
    yield client, {"Authorization": f"Bearer {token}"}
    await client.close()


async def test_a_locked_database_gives_the_share_request_an_answer(
    meeting: Meeting, api: tuple[TestClient, dict[str, str]]
) -> None:
    client, auth = api
    politie = meeting.nodes["politie"]
    politie.store.execute("PRAGMA busy_timeout=50")
    # e.g. `casusnet staff add` or a backup tool holding the write lock a moment too long
    other = sqlite3.connect(str(politie.config.db_path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        path = f"/v1/rooms/{meeting.room.hex()}/shares"
        request = client.post(path, json=politie_share(), headers=auth)
        try:
            r = await asyncio.wait_for(request, 3)
        except TimeoutError:
            pytest.fail("the share request hangs")
        assert 400 <= r.status < 600
        assert "error" in await r.json()
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_a_status_wait_with_timeout_nan_still_ends(
    meeting: Meeting, api: tuple[TestClient, dict[str, str]]
) -> None:
    client, auth = api
    room = meeting.room.hex()
    r = await client.post(f"/v1/rooms/{room}/shares", json=politie_share(), headers=auth)
    share = (await r.json())["share"]  # nothing delivers it: no outbox worker runs here
    path = f"/v1/rooms/{room}/shares/{share}/status?wait=delivered&timeout=nan"
    try:
        r = await asyncio.wait_for(client.get(path, headers=auth), 3)
    except TimeoutError:
        pytest.fail("the status request waits for ever")
    assert r.status in (200, 400)


# --- the federation endpoints ------------------------------------------------------------------


@dataclass
class Served:
    m: Meeting
    session: ClientSession

    async def request(
        self, caller: str, to: str, method: str, path: str, body: bytes = b""
    ) -> tuple[int, bytes]:
        node = self.m.nodes[caller]
        value = sign_request(
            node.identity.signer, caller, to=to, method=method, path=path, body=body,
            now=int(time.time()), rand=nacl.utils.random,
        )  # fmt: skip
        url = f"http://127.0.0.1:{self.m.fed.ports[to]}{path}"
        async with self.session.request(
            method, url, data=body or None, headers={HEADER: value}
        ) as r:
            return r.status, await r.read()

    async def post(self, caller: str, to: str, *envelopes: bytes) -> list[list[Any]]:
        status, raw = await self.request(caller, to, "POST", "/v1/inbox", Batch(envelopes).encode())
        assert status == 200, raw
        return [list(r) for r in msgpack.unpackb(raw)["results"]]


@pytest.fixture
async def served(meeting: Meeting) -> AsyncIterator[Served]:
    """politie's federation endpoints on its roster port (the others are not served)."""
    m = meeting
    app = create_app(m.fed.config("politie"), m.nodes["politie"], local_api=False)
    server = TestServer(app, host="127.0.0.1", port=m.fed.ports["politie"])
    await server.start_server()
    async with ClientSession() as session:
        yield Served(m, session)
    await server.close()  # also closes politie's store (closing it again is harmless)


class FakePeer:
    """A roster member's port answered by a small app: the events it hands out, counted."""

    def __init__(self, events: list[bytes]) -> None:
        self.events = events
        self.fetches = 0
        self.server: TestServer | None = None

    async def _events(self, request: web.Request) -> web.Response:
        self.fetches += 1
        return web.Response(body=Events(tuple(self.events)).encode())

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_get("/v1/rooms/{room}/events", self._events)
        self.server = TestServer(app, host="127.0.0.1", port=port)
        await self.server.start_server()

    async def close(self) -> None:
        assert self.server is not None
        await self.server.close()


def gap_event(m: Meeting, signer: str, ahead: int) -> bytes:
    """An event ``ahead`` seqs beyond politie's head, correctly signed by ``signer``."""
    state = m.state("politie")
    event = Event(
        "event", PROTOCOL_VERSION, m.room, state.seq + ahead, state.head, "close", int(time.time()),
        CloseData("afgesloten"),
    )  # fmt: skip
    return sign(m.nodes[signer].identity.signer, signer, event)


async def test_catch_up_ends_when_the_chair_makes_no_progress(served: Served) -> None:
    m = served.m
    convene = m.nodes["gemeente"].rooms.events_after(m.room, -1, limit=1)
    chair = FakePeer(convene)  # a compromised or buggy chair node
    await chair.start(m.fed.ports["gemeente"])
    try:
        request = served.post("gemeente", "politie", gap_event(m, "gemeente", 5))
        try:
            [(status, _, _)] = await asyncio.wait_for(request, 3)
        except TimeoutError:
            pytest.fail(f"no answer after {chair.fetches} fetches of the same events")
        assert status == "retry"
    finally:
        chair.events = []  # lets the loop in politie end, so the servers can close
        await asyncio.sleep(0.1)
        await chair.close()


async def test_a_gap_claimed_by_a_non_chair_is_not_fetched_from_it(served: Served) -> None:
    m = served.m
    outsider = FakePeer([])  # rvdk: in the roster, not in the room
    await outsider.start(m.fed.ports["rvdk"])
    try:
        [(status, _, _)] = await served.post("rvdk", "politie", gap_event(m, "rvdk", 5))
        assert status in ("retry", "refused")
        assert outsider.fetches == 0
    finally:
        await outsider.close()


async def test_an_events_request_with_a_huge_after_is_refused_cleanly(served: Served) -> None:
    m = served.m
    path = f"/v1/rooms/{m.room.hex()}/events?after={10**20}"
    status, raw = await served.request("om", "politie", "GET", path)
    assert (status, json.loads(raw)["error"]) == (400, "decode.schema")
    for query in ("after=-2", "after=x"):
        status, raw = await served.request("om", "politie", "GET", f"/v1/rooms/ab/sent?{query}")
        assert (status, json.loads(raw)["error"]) == (400, "decode.schema")


async def test_a_chair_answering_more_events_than_a_batch_holds_is_understood(
    served: Served,
) -> None:
    """An events answer holds up to 500 envelopes, a batch 64: decoded under its own
    limits (EVENTS_LIMITS), not the batch's."""
    m = served.m
    chair = FakePeer([b"an event" * 4] * MAX_EVENTS)
    await chair.start(m.fed.ports["gemeente"])
    try:
        client = FederationClient(m.nodes["politie"], served.session)
        assert len(await client.fetch_events("gemeente", m.room, -1)) == MAX_EVENTS
    finally:
        await chair.close()


def outsider_share(m: Meeting) -> bytes:
    """A well-signed share by rvdk, which is no member: refused after the room is loaded."""
    state = m.state("politie")
    share = Share(
        "share", PROTOCOL_VERSION, m.room, state.epoch, nacl.utils.random(16), "rvdk", 1,
        ("politie",), "pga-r", None, ("signalen",), int(time.time()), bytes(64),
        (bytes(WRAP_SIZE),),
    )  # fmt: skip
    raw = pack(Share.SPEC.wire(share))
    return Signed(raw, "rvdk", m.nodes["rvdk"].identity.signer.sign("share", raw)).encode()


async def test_refused_envelopes_do_not_force_a_chain_replay_each(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = served.m
    replays = 0
    original = chain.replay

    def counting(events: list[bytes], **kw: Any) -> Any:
        nonlocal replays
        replays += 1
        return original(events, **kw)

    monkeypatch.setattr(chain, "replay", counting)
    envelope = outsider_share(m)
    results = await served.post("rvdk", "politie", *[envelope] * 64)
    assert {r[0] for r in results} == {"refused"}
    assert replays <= 1


# --- helpers ------------------------------------------------------------------------------


def test_the_pump_delivers_like_the_outbox(meeting: Meeting) -> None:
    """The synchronous harness above: a share reaches both members with signed receipts."""
    m = meeting
    share_id = m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()
    states = m.nodes["politie"].store.rows("SELECT peer, state FROM deliveries")
    assert {(r["peer"], r["state"]) for r in states} == {
        ("gemeente", "delivered"),
        ("om", "delivered"),
    }
    seen = m.nodes["om"].shares.view_share(m.staff["om"], m.room, share_id)
    assert seen["author_function"] == "politie · regisseur"
    assert json.dumps(seen).find("mw-politie") == -1  # the name stays at politie
