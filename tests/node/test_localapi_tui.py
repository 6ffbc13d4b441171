"""The local API routes and fields the TUI relies on (docs/api.md).

A casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM, the intake opened it); each node's local API is
served with aiohttp's test server and called as its staff member.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import test_review
from aiohttp.test_utils import TestClient, TestServer
from test_review import PASS, Meeting, politie_share

from node.domain import retention
from node.domain import staff as staffmod
from node.faces.localapi import create_local_app
from node.store import db as storemod
from node.store.db import Store

meeting = test_review.meeting  # the fixture


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
async def local(meeting: Meeting) -> AsyncIterator[Callable[[str], Awaitable[Local]]]:
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


async def test_the_registry_is_the_one_the_node_applies(meeting: Meeting, local: Any) -> None:
    api = await local("politie")
    status, body = await api.get("/v1/registry")
    assert status == 200
    assert (body["node"], body["org"]) == ("politie", "politie")
    shipped = json.loads(resources.files("protocol").joinpath("grondslagen.json").read_bytes())
    assert body["registry"] == shipped
    assert {b["id"] for b in body["registry"]["bases"]} >= {"pga-r", "wgs", "wpg-20"}
    anonymous = await api.client.get("/v1/registry")
    assert anonymous.status == 401


# --- checking a share without sending it ------------------------------------------------------


def body_with(**changes: Any) -> dict[str, Any]:
    return {**politie_share(), **changes}


def _stored(meeting: Meeting, node: str) -> dict[str, int]:
    store = meeting.nodes[node].store
    tables = ("shares", "plaintext", "deliveries", "outbox", "audit", "seqs")
    return {t: int(store.one(f"SELECT COUNT(*) FROM {t}")) for t in tables}


async def test_a_check_answers_as_a_send_would_and_changes_nothing(
    meeting: Meeting,
    local: Any,
) -> None:
    api = await local("politie")
    path = f"/v1/rooms/{meeting.room.hex()}/shares"
    before = _stored(meeting, "politie")

    status, body = await api.post(path + "?check=1", politie_share())
    assert (status, body) == (200, {"ok": True, "recipients": ["gemeente", "om"]})
    status, body = await api.post(path + "?check=1", body_with(recipients=["om"]))
    assert (status, body["recipients"]) == (200, ["om"])

    no_agreement = body_with(agreement_ref=None)
    status, refusal = await api.post(path + "?check=1", no_agreement)
    assert (status, refusal["error"]) == (422, "policy.field_required")
    answers: list[tuple[dict[str, Any], tuple[int, Any]]] = [(no_agreement, (status, refusal))]
    for bad in (
        body_with(summary=""),  # local.invalid: the content's schema
        body_with(recipients=["om", "om"]),  # local.invalid
        body_with(recipients=["rvdk"]),  # policy.recipient
        body_with(categories=["gezondheid"]),  # policy.category
        body_with(agreement_ref=""),  # the content's schema, after the policy
        {"basis": "wpg-20", "summary": "x"},  # local.invalid: categories missing
        {"basis": "wpg-20", "summary": 3},  # 400
    ):
        status, checked = await api.post(path + "?check=1", bad)
        assert status in (400, 422), checked
        assert checked["error"] != "ok"
        assert (status, checked) == await api.post(path + "?check=true", bad)
        answers.append((bad, (status, checked)))
    assert (await api.post(path + "?check=maybe", politie_share()))[0] == 400
    # nothing stored, sealed, queued or audited by any of these checks
    assert _stored(meeting, "politie") == before

    # a real send gives the same answers (and audits the refusals)
    for bad, answer in answers:
        assert await api.post(path, bad) == answer
    status, sent = await api.post(path, politie_share())
    assert status == 200
    assert _stored(meeting, "politie")["shares"] == before["shares"] + 1


async def test_a_check_refuses_what_the_room_state_refuses(
    meeting: Meeting,
    local: Any,
) -> None:
    api = await local("politie")
    path = f"/v1/rooms/{meeting.room.hex()}/shares?check=1"
    meeting.close("afgeschaald")
    status, body = await api.post(path, politie_share())
    assert (status, body["error"]) == (422, "policy.room_not_open")
    other = await local("rvdk")
    status, body = await other.post(path, politie_share())
    assert (status, body["error"]) == (403, "node.forbidden")


# --- room status: closed, then shielded (gemeente) or keys destroyed (a recipient) ------


async def _statuses(api: Local, room: bytes) -> tuple[str, str, str]:
    listed = (await api.get("/v1/rooms"))[1]["rooms"]
    shown = (await api.get(f"/v1/rooms/{room.hex()}"))[1]
    (entry,) = [r for r in listed if r["room"] == room.hex()]
    assert entry["phase"] == shown["phase"]
    return entry["status"], shown["status"], shown["phase"]


async def test_a_room_is_shielded_where_a_record_is_kept_and_keys_destroyed_elsewhere(
    meeting: Meeting, local: Any
) -> None:
    m = meeting
    om = m.nodes["om"]
    om.ctx.config = dataclasses.replace(om.config, closure_grace=3600)
    gemeente, om_api = await local("gemeente"), await local("om")
    assert await _statuses(om_api, m.room) == ("open", "open", "open")
    m.close("afgeschaald")
    assert await _statuses(gemeente, m.room) == ("shielded", "shielded", "closed")
    # OM's grace period: closed, its room keys still held
    assert await _statuses(om_api, m.room) == ("closed", "closed", "closed")
    later = om.now() + 3601
    om.ctx.clock = lambda: later
    assert retention.run_once(om)["finished"] == 1
    om_api = await local("om")  # the session idled out in the hour that passed
    # OM only received here: nothing is kept, its keys are destroyed (no afscherming)
    assert await _statuses(om_api, m.room) == ("keys_destroyed", "keys_destroyed", "closed")


# --- the timeline -------------------------------------------------------------------------------


async def test_the_timeline_shows_the_chain_without_content_or_keys(
    meeting: Meeting, local: Any
) -> None:
    m = meeting
    g, chair = m.nodes["gemeente"], m.staff["gemeente"]
    g.members.invite(chair, m.room, "ggz", "derde")
    m.pump()
    for n in ("gemeente", "politie", "om"):
        m.nodes[n].intake.consent(m.staff[n], m.room, "ggz")
        m.pump()
    title = "Gesprek met het moskeebestuur"
    g.plan.add(chair, m.room, kind="decision", title=title, measure="bestuurlijk",
           owner="gemeente", due=g.now() + 86400)  # fmt: skip
    g.members.remove(chair, m.room, "om")
    m.pump()
    state = m.state("politie")
    keys = {member.key for epoch in state.epochs.values() for member in epoch.values()}
    m.close("afgeschaald")

    api = await local("politie")
    r = await api.client.get(f"/v1/rooms/{m.room.hex()}", headers=api.auth)
    raw = await r.text()
    timeline = json.loads(raw)["timeline"]
    assert [e["seq"] for e in timeline] == list(range(len(timeline)))
    assert all(set(e) == {"seq", "kind", "by", "at", "detail"} for e in timeline)
    events = [(e["kind"], e["by"], e["detail"]) for e in timeline]
    assert events[0][:2] == ("convene", "gemeente")
    assert events[0][2]["case"] == test_review.CASE
    assert ("invite", "gemeente", {"node": "politie", "role": "deelnemer"}) in events
    assert ("join", "politie", {"node": "politie"}) in events
    # the assessment's view and scores are sealed: the timeline shows who, not what
    assert ("assess", "om", {"org": "om", "verdict": None}) in events
    rulings = [(by, d) for kind, by, d in events if kind == "ruling"]
    assert [d["stage"] for _, d in rulings] == ["beoordeling", "samenstelling", "afsluiting"]
    assert rulings[0] == (
        "gemeente",
        {"stage": "beoordeling", "outcome": "voorleggen", "deelnemers": [], "derden": []},
    )
    beoordeling = events.index(("ruling", *rulings[0]))  # the timeline's seq is its index
    assert ("endorse", "om", {"org": "om", "ruling": beoordeling}) in events
    assert ("invite", "gemeente", {"node": "ggz", "role": "derde"}) in events
    assert ("consent", "politie", {"org": "politie", "subject": "ggz"}) in events
    assert ("join", "ggz", {"node": "ggz"}) in events
    epochs = [d for kind, _, d in events if kind == "epoch"]
    assert epochs[-1] == {"epoch": epochs[-1]["epoch"], "members": ["gemeente", "ggz", "politie"]}
    assert {"epoch": epochs[-2]["epoch"], "members": ["gemeente", "ggz", "om", "politie"]} in epochs
    (item,) = [d for kind, _, d in events if kind == "decision"]
    assert set(item) == {"item", "epoch"}
    assert ("remove", "gemeente", {"node": "om"}) in events
    assert events[-1] == ("close", "gemeente", {"outcome": "afgeschaald"})
    assert [t["at"] for t in timeline] == sorted(t["at"] for t in timeline)
    # the plan item's title is encrypted in the chain: the timeline does not show it
    assert title not in raw
    assert len(keys) >= 4
    assert not any(key.hex() in raw for key in keys)


# --- unread shares ------------------------------------------------------------------------------


async def _unread(api: Local, room: bytes) -> tuple[int, int, dict[str, bool]]:
    (entry,) = [r for r in (await api.get("/v1/rooms"))[1]["rooms"] if r["room"] == room.hex()]
    shown = (await api.get(f"/v1/rooms/{room.hex()}"))[1]
    viewed = {s["id"]: s["viewed"] for s in shown["shares"]}
    return entry["unread"], entry["shares_received"], viewed


async def test_unread_counts_the_held_shares_this_staff_member_has_not_viewed(
    meeting: Meeting, local: Any
) -> None:
    m = meeting
    politie, g = m.nodes["politie"], m.nodes["gemeente"]
    first = politie.shares.share(m.staff["politie"], m.room, politie_share()).hex()
    second = politie.shares.share(m.staff["politie"], m.room, politie_share("Tweede.")).hex()
    m.pump()
    colleague = staffmod.add(g.store, "mw-collega", "regisseur", PASS, intake=False, now=g.now())
    staffmod.assign(g.store, m.room, colleague.name)
    anna, bert = await local("gemeente"), await local("gemeente", "mw-collega")
    assert await _unread(anna, m.room) == (2, 2, {first: False, second: False})

    assert (await anna.get(f"/v1/rooms/{m.room.hex()}/shares/{first}"))[0] == 200
    assert await _unread(anna, m.room) == (1, 2, {first: True, second: False})
    await anna.get(f"/v1/rooms/{m.room.hex()}/shares/{first}")  # again: counted once
    assert (await _unread(anna, m.room))[0] == 1
    assert await _unread(bert, m.room) == (2, 2, {first: False, second: False})  # per person

    # the sender's own shares count as viewed, and never as unread
    sender = await local("politie")
    assert await _unread(sender, m.room) == (0, 0, {first: True, second: True})

    # revoked: no longer held, so no longer unread; a view stays a view
    politie.closure.revoke(
        m.staff["politie"], m.room, [bytes.fromhex(first), bytes.fromhex(second)]
    )
    m.pump()
    assert await _unread(anna, m.room) == (0, 0, {first: True, second: False})
    assert await _unread(bert, m.room) == (0, 0, {first: False, second: False})


def test_a_version_4_store_is_upgraded_with_views(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for version in range(1, 5):
        storemod.MIGRATIONS[version](db)
    conn.execute("PRAGMA user_version=4")
    share = (b"\x01" * 16, b"\x02" * 32, b"envelope", b"\x03" * 32)
    conn.execute(
        "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories, recipients,"
        " created, envelope, env_hash, own, received_at) VALUES"
        " (?, ?, 'politie', 1, 1, 'wpg-20', '[]', '[]', 1, ?, ?, 0, 1)",
        share,
    )
    conn.close()

    store = Store(path)
    try:
        assert store.one("PRAGMA user_version") == storemod.SCHEMA_VERSION >= 12
        assert store.one("SELECT COUNT(*) FROM shares") == 1
        store.execute(
            "INSERT INTO views (staff, room, sender, share, at, held) VALUES (?, ?, ?, ?, 1, 1)",
            ("anna", share[1], "politie", share[0]),
        )
        # deleting the content (revocation, closure) marks the view as not held
        store.execute("UPDATE shares SET envelope = NULL WHERE id = ?", (share[0],))
        assert store.one("SELECT held FROM views") == 0
    finally:
        store.close()


# --- the roster with the partners' reachability -----------------------------------------------


async def test_the_roster_marks_this_node_and_counts_the_queued_envelopes(
    meeting: Meeting, local: Any
) -> None:
    m = meeting
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())  # not delivered
    api = await local("politie")
    status, body = await api.get("/v1/roster")
    assert status == 200
    members = {p["node"]: p for p in body["members"]}
    assert members["politie"]["self"] is True
    assert [n for n, p in members.items() if p["self"]] == ["politie"]
    assert (members["gemeente"]["outbox"], members["om"]["outbox"]) == (1, 1)
    # no outbox worker runs here: no contact since the start
    for node in ("gemeente", "om", "rvdk"):
        assert (members[node]["reachable"], members[node]["last_contact"]) == (None, None)
        assert members[node]["failures"] == 0


async def test_the_audit_list_refuses_a_limit_outside_its_range(
    meeting: Meeting, local: Any
) -> None:
    api = await local("gemeente")
    for query in ("limit=-1", "limit=0", "limit=5001", "limit=abc", "room=zz"):
        status, body = await api.get(f"/v1/audit?{query}")
        assert (status, body["error"]) == (400, "api.bad_request"), query
    status, body = await api.get("/v1/audit?limit=5000")
    assert status == 200
    assert body["entries"]
