"""What a node keeps at rest: the audit chain, staff sessions and rooms, the store, the keys."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fed import Federation, capacity_of, make_federation

from node.app import open_node
from node.config import load
from node.domain import staff as staffmod
from node.domain.node import Node
from node.domain.staff import AuthError, SessionError, Staff
from node.faces.localapi import create_local_app
from node.store import audit, keystore
from node.store import db as storemod
from node.store.audit import AuditError
from node.store.db import SCHEMA_VERSION, Store
from node.store.keystore import BadPassphraseError, KeyError_
from node.tools import provision
from protocol.errors import StorageError

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
PASS = "lange-wachtzin-1"
CASE = "RAD-2026-017"


@pytest.fixture(autouse=True)
def _no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.delenv("CASUSNET_PASSPHRASE", raising=False)


@pytest.fixture
def fed(tmp_path: Path) -> Federation:
    return make_federation(tmp_path, NODES, int(time.time()))


@pytest.fixture
def nodes(fed: Federation) -> Iterator[dict[str, Node]]:
    opened = {n: open_node(fed.config(n)) for n in NODES}
    yield opened
    for node in opened.values():
        node.store.close()


def add_staff(node: Node, name: str, *, intake: bool = False) -> Staff:
    return staffmod.add(
        node.store,
        name,
        f"{name} functie",
        PASS,
        intake=intake,
        now=node.now(),
        capacity=capacity_of(node),
    )


def convene(node: Node, staff: Staff) -> bytes:
    state = node.members.convene(
        staff, case=CASE, purpose="Weging", bases=["pga-r"], meeting=node.now()
    )
    return state.room


# --- the audit chain --------------------------------------------------------------------


@pytest.fixture
def logged(fed: Federation, nodes: dict[str, Node]) -> tuple[Node, Path]:
    """A gemeente node with a short log: convene, two invites (two entries each)."""
    g = nodes["gemeente"]
    anna = add_staff(g, "anna")
    room = convene(g, anna)
    g.members.invite(anna, room, "politie", "deelnemer")
    g.members.invite(anna, room, "om", "deelnemer")
    assert audit.verify(g.store) == 5
    return g, fed.config("gemeente").db_path


def test_verify_passes_on_a_fresh_and_on_a_growing_log(nodes: dict[str, Node]) -> None:
    g = nodes["gemeente"]
    assert audit.verify(g.store) == 0
    anna = add_staff(g, "anna")
    room = convene(g, anna)
    assert audit.verify(g.store) == 1
    g.members.invite(anna, room, "politie", "deelnemer")
    assert audit.verify(g.store) == 3
    entries = audit.entries(g.store)
    assert [e["action"] for e in entries] == ["invite", "invite", "convene"]
    assert entries[-1]["actor"] == "anna"


def _swap(db: sqlite3.Connection, a: int, b: int) -> None:
    db.execute("UPDATE audit SET seq = -1 WHERE seq = ?", (a,))
    db.execute("UPDATE audit SET seq = ? WHERE seq = ?", (a, b))
    db.execute("UPDATE audit SET seq = ? WHERE seq = -1", (b,))


TAMPERING: dict[str, tuple[Callable[[sqlite3.Connection], Any], str]] = {
    "detail-edited": (
        lambda db: db.execute(
            "UPDATE audit SET detail = ? WHERE seq = 3", (json.dumps({"node": "rvdk"}),)
        ),
        "entry 3 was changed",
    ),
    "actor-edited": (
        lambda db: db.execute("UPDATE audit SET actor = 'iemand-anders' WHERE seq = 1"),
        "entry 1 was changed",
    ),
    "entry-deleted": (lambda db: db.execute("DELETE FROM audit WHERE seq = 2"), "entry 2"),
    "entries-swapped": (lambda db: _swap(db, 2, 4), "entry 2"),
    "last-entry-removed": (
        lambda db: db.execute("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)"),
        "entries after it were removed",
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_verify_fails_when_the_log_is_changed_in_sqlite(
    logged: tuple[Node, Path], how: str
) -> None:
    node, db_path = logged
    change, message = TAMPERING[how]
    with sqlite3.connect(db_path, isolation_level=None) as db:  # as an operator would
        change(db)
    with pytest.raises(AuditError) as info:
        audit.verify(node.store)
    assert message in info.value.detail
    assert info.value.code == "node.audit"


def test_verify_still_passes_after_retention_purges_the_oldest_entries(
    logged: tuple[Node, Path],
) -> None:
    node, _ = logged
    assert audit.purge_before(node.store, 3) == 2
    assert audit.verify(node.store) == 3


# --- staff ------------------------------------------------------------------------------


def test_a_wrong_passphrase_or_unknown_name_does_not_log_in(nodes: dict[str, Node]) -> None:
    g = nodes["gemeente"]
    add_staff(g, "anna")
    with pytest.raises(AuthError):
        staffmod.login(g.store, "anna", PASS + "x", now=g.now())
    with pytest.raises(AuthError):
        staffmod.login(g.store, "bert", PASS, now=g.now())
    assert staffmod.login(g.store, "anna", PASS, now=g.now())
    assert g.store.one("SELECT COUNT(*) FROM sessions") == 1


def test_a_session_ends_after_the_idle_timeout(nodes: dict[str, Node]) -> None:
    g = nodes["gemeente"]
    add_staff(g, "anna")
    idle = 600
    t = 1_000_000
    token = staffmod.login(g.store, "anna", PASS, now=t)
    assert staffmod.session(g.store, token, now=t + idle, idle=idle).name == "anna"
    # use refreshes the session; idleness counts from the last use
    assert staffmod.session(g.store, token, now=t + 2 * idle, idle=idle).name == "anna"
    with pytest.raises(SessionError):
        staffmod.session(g.store, token, now=t + 3 * idle + 1, idle=idle)
    with pytest.raises(SessionError):
        staffmod.session(g.store, "a-token-never-given-out", now=t, idle=idle)


class Api:
    def __init__(self, client: TestClient, node: Node) -> None:
        self.client, self.node = client, node

    async def login(self, name: str, passphrase: str = PASS) -> tuple[int, dict[str, Any]]:
        r = await self.client.post("/v1/login", json={"name": name, "passphrase": passphrase})
        return r.status, await r.json()

    async def token(self, name: str) -> str:
        status, body = await self.login(name)
        assert status == 200, body
        return str(body["token"])

    async def get(self, token: str, path: str) -> tuple[int, dict[str, Any]]:
        r = await self.client.get(path, headers={"Authorization": f"Bearer {token}"})
        return r.status, await r.json()

    async def post(self, token: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = await self.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        return r.status, await r.json()


@pytest.fixture
async def api(nodes: dict[str, Node]) -> AsyncIterator[Callable[[str], Any]]:
    clients: list[TestClient] = []

    async def open_api(name: str) -> Api:
        client = TestClient(TestServer(create_local_app(nodes[name])))
        await client.start_server()
        clients.append(client)
        return Api(client, nodes[name])

    yield open_api
    for client in clients:
        await client.close()


async def test_a_wrong_passphrase_gets_401_and_is_audited(
    nodes: dict[str, Node], api: Callable[[str], Any]
) -> None:
    g = nodes["gemeente"]
    add_staff(g, "anna")
    local = await api("gemeente")
    status, body = await local.login("anna", "verkeerde-wachtzin")
    assert status == 401
    assert body["error"] == "node.auth"
    last = audit.entries(g.store, limit=1)[0]
    assert (last["actor"], last["action"]) == ("anna", "login_failed")
    assert g.store.one("SELECT COUNT(*) FROM sessions") == 0


async def test_an_idle_session_is_refused_by_the_local_api(
    nodes: dict[str, Node], api: Callable[[str], Any]
) -> None:
    g = nodes["gemeente"]
    add_staff(g, "anna")
    local = await api("gemeente")
    t = time.time()
    g.ctx.clock = lambda: t
    token = await local.token("anna")
    assert (await local.get(token, "/v1/me"))[0] == 200
    g.ctx.clock = lambda: t + g.config.timers.session_idle + 1
    status, body = await local.get(token, "/v1/rooms")
    assert status == 401
    assert body["error"] == "node.session"
    # logging in again works
    assert (await local.get(await local.token("anna"), "/v1/rooms"))[0] == 200


async def test_staff_not_assigned_to_a_room_can_neither_see_nor_act_in_it(
    nodes: dict[str, Node], api: Callable[[str], Any]
) -> None:
    g = nodes["gemeente"]
    anna, _ = add_staff(g, "anna"), add_staff(g, "bert")
    room = convene(g, anna)
    local = await api("gemeente")
    anna_token, bert_token = await local.token("anna"), await local.token("bert")

    status, body = await local.get(anna_token, f"/v1/rooms/{room.hex()}")
    assert (status, body["case"]) == (200, CASE)
    assert [r["room"] for r in (await local.get(anna_token, "/v1/rooms"))[1]["rooms"]] == [
        room.hex()
    ]

    status, body = await local.get(bert_token, f"/v1/rooms/{room.hex()}")
    assert (status, body["error"]) == (403, "node.forbidden")
    assert (await local.get(bert_token, "/v1/rooms"))[1]["rooms"] == []
    status, _ = await local.post(bert_token, f"/v1/rooms/{room.hex()}/invite", {"node": "politie"})
    assert status == 403
    assert "politie" not in g.rooms.state(room, g.now()).invited
    status, _ = await local.get(bert_token, f"/v1/audit?room={room.hex()}")
    assert status == 403

    # once assigned by a colleague in the room, bert sees it
    status, _ = await local.post(anna_token, f"/v1/rooms/{room.hex()}/assign", {"staff": "bert"})
    assert status == 200
    assert (await local.get(bert_token, f"/v1/rooms/{room.hex()}"))[0] == 200


async def test_incoming_rooms_go_to_the_intake_staff_only(
    nodes: dict[str, Node], api: Callable[[str], Any]
) -> None:
    g, p = nodes["gemeente"], nodes["politie"]
    add_staff(p, "ilse", intake=True)
    add_staff(p, "rik", intake=False)
    anna = add_staff(g, "anna")
    room = convene(g, anna)
    g.members.invite(anna, room, "politie", "deelnemer")
    for event in g.rooms.events_after(room, -1):
        p.inbox.receive("gemeente", event)

    local = await api("politie")
    ilse, rik = await local.token("ilse"), await local.token("rik")
    rooms = (await local.get(ilse, "/v1/rooms"))[1]["rooms"]
    assert [(r["room"], r["case_ref"], r["status"]) for r in rooms] == [
        (room.hex(), CASE, "intake")
    ]
    status, body = await local.get(ilse, f"/v1/rooms/{room.hex()}")
    assert (status, body["chair"]) == (200, "gemeente")
    assert (await local.get(rik, "/v1/rooms"))[1]["rooms"] == []
    assert (await local.get(rik, f"/v1/rooms/{room.hex()}"))[0] == 403


# --- the store --------------------------------------------------------------------------


def test_opening_a_store_sets_the_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "node.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"audit", "events", "shares", "outbox", "inbox", "staff"} <= tables


def test_reopening_a_store_does_not_run_the_migrations_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = storemod.MIGRATIONS[SCHEMA_VERSION]

    def counting(db: Any) -> None:
        calls.append(SCHEMA_VERSION)
        original(db)

    monkeypatch.setitem(storemod.MIGRATIONS, SCHEMA_VERSION, counting)
    path = tmp_path / "node.db"
    first = Store(path)
    first.set_meta("kept", "yes")
    first.close()
    assert calls == [SCHEMA_VERSION]
    again = Store(path)
    try:
        assert calls == [SCHEMA_VERSION]
        assert again.get_meta("kept") == "yes"
        assert again.migrate() == SCHEMA_VERSION
        assert calls == [SCHEMA_VERSION]
    finally:
        again.close()


def test_a_store_from_newer_software_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "node.db"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError, match="newer"):
        Store(path)
    with sqlite3.connect(path) as db:  # and left as it was
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


# --- the keystore -----------------------------------------------------------------------


def test_a_passphrase_node_opens_only_with_its_passphrase(tmp_path: Path) -> None:
    now = int(time.time())
    authority_dir = tmp_path / "authority"
    authority = bytes.fromhex(provision.create_authority(authority_dir, "testregio")["public"])
    roster = tmp_path / "roster.msgpack"
    data = tmp_path / "gemeente"
    entry = provision.init_node(
        data, node_id="gemeente", org="gemeente", listen="127.0.0.1:1",
        public_url="http://127.0.0.1:1", authority=authority, roster_path=roster,
        passphrase="de juiste wachtzin",
    )  # fmt: skip
    provision.add_member(authority_dir, entry, name="Gemeente Testregio", now=now)
    provision.sign(authority_dir, roster, now=now)
    config = load(data)
    assert config.master == "passphrase"
    assert config.master_file is None
    assert not (data / "master.key").exists()

    node = open_node(config, "de juiste wachtzin")
    try:
        assert node.identity.sign_public.hex() == entry["sign"]
    finally:
        node.store.close()
    with pytest.raises(BadPassphraseError) as info:
        open_node(config, "een verkeerde wachtzin")
    assert info.value.code == "node.passphrase"
    with pytest.raises(KeyError_):
        keystore.load_master(config, None)  # no passphrase given, none in the environment


def test_a_master_key_file_readable_by_others_is_refused(fed: Federation) -> None:
    config = fed.config("politie")
    assert config.master_file is not None
    assert config.master_file.stat().st_mode & 0o777 == 0o600
    os.chmod(config.master_file, 0o644)
    with pytest.raises(KeyError_) as info:
        open_node(config)
    assert info.value.code == "node.keys"
    assert "chmod 600" in info.value.detail
    os.chmod(config.master_file, 0o600)
    node = open_node(config)
    node.store.close()


def test_a_rewritten_tail_with_a_rewritten_head_marker_is_still_detected(tmp_path: Path) -> None:
    """Without the master key, nobody can make a shortened log look whole again."""
    from node.store import audit as auditmod

    fed = make_federation(tmp_path, {"gemeente": "gemeente"}, int(time.time()))
    node = open_node(fed.config("gemeente"))
    for i in range(4):
        with node.store.transaction():
            auditmod.append(node.store, at=i, actor="anna", action="login")
    assert auditmod.verify(node.store) == 4
    last = node.store.row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1 OFFSET 1")
    with node.store.transaction():
        node.store.execute("DELETE FROM audit WHERE seq = 4")
        node.store.set_meta("audit_head", f"{last['seq']}:{last['hash'].hex()}:00")
    with pytest.raises(auditmod.AuditError, match="marker was changed"):
        auditmod.verify(node.store)


def test_an_old_store_is_upgraded_and_keeps_its_shares(tmp_path: Path) -> None:
    """A version 1 database (as the first release wrote it) migrates to the current
    schema on opening, and its shares, deliveries and audit survive."""
    import sqlite_utils

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    storemod.MIGRATIONS[1](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version=1")
    conn.execute(
        "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories, recipients,"
        " created, envelope, env_hash, own, received_at) VALUES"
        " (?, ?, 'politie', 1, 1, 'wpg-20', '[]', '[\"om\"]', 1, ?, ?, 0, 1)",
        (b"\x01" * 16, b"\x02" * 32, b"envelope", b"\x03" * 32),
    )
    conn.execute("INSERT INTO deliveries VALUES (?, 'om', 'pending', 1)", (b"\x01" * 16,))
    conn.close()

    store = Store(path)
    assert store.one("PRAGMA user_version") == SCHEMA_VERSION
    row = store.row("SELECT sender, envelope FROM shares WHERE id = ?", (b"\x01" * 16,))
    assert row == {"sender": "politie", "envelope": b"envelope"}
    assert store.one("SELECT COUNT(*) FROM deliveries") == 1
    # (sender, id) is the key now: the same id from another sender is another share
    store.execute(
        "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories, recipients,"
        " created, envelope, env_hash, own, received_at) VALUES"
        " (?, ?, 'om', 1, 1, 'wjsg-39fb', '[]', '[]', 1, NULL, ?, 0, 1)",
        (b"\x01" * 16, b"\x02" * 32, b"\x04" * 32),
    )
    assert store.one("SELECT COUNT(*) FROM shares WHERE id = ?", (b"\x01" * 16,)) == 2
    store.close()


def test_the_authority_adds_only_the_key_whose_fingerprint_it_reads_out(tmp_path: Path) -> None:
    """A member file whose key was swapped on its way keeps the fingerprint the operator
    reads out on the phone: the authority refuses it instead of adding the other key."""
    authority_dir = tmp_path / "authority"
    authority = bytes.fromhex(provision.create_authority(authority_dir, "testregio")["public"])
    entries = [
        provision.init_node(
            tmp_path / node,
            node_id=node,
            org=node,
            listen="127.0.0.1:1",
            public_url="http://127.0.0.1:1",
            authority=authority,
            roster_path=tmp_path / "roster.msgpack",
        )  # fmt: skip
        for node in ("gemeente", "politie")
    ]
    genuine, other = entries
    swapped = {**genuine, **{k: other[k] for k in ("sign", "box", "box_sig")}}
    with pytest.raises(provision.ProvisionError, match="fingerprint"):
        provision.add_member(authority_dir, swapped, name="Gemeente", now=int(time.time()))
    for broken in ({**genuine, "box_sig": other["box_sig"]}, {**genuine, "sign": "zz"}, {}):
        with pytest.raises(provision.ProvisionError, match="not a valid member file"):
            provision.add_member(authority_dir, broken, name="Gemeente", now=int(time.time()))
    provision.add_member(authority_dir, genuine, name="Gemeente", now=int(time.time()))


def test_an_fg_account_on_a_gemeente_node_needs_no_capacity(nodes: dict[str, Node]) -> None:
    from node.tools import provision

    g = nodes["gemeente"]
    fg = provision.add_staff(g, "fenna", "functionaris gegevensbescherming", PASS,
                             intake=False, roles=["fg"])  # fmt: skip
    assert (fg.capacity, fg.roles) == (None, frozenset({"fg"}))
    # who acts in rooms still names the capacity
    with pytest.raises(staffmod.StaffError, match="burgemeester"):
        provision.add_staff(g, "bert", "beleidsmedewerker", PASS, intake=False)
