"""The referral of a Wgs case to the Wet PGA (Wgs art. 2.31 lid 13), in-process: a
member of the ``wgs`` room whose organisation is a Wet PGA deelnemer registers the
room's case as an ordinary aanmelding; the room records it at that node only; the
ZVH (no Wet PGA deelnemer) and rooms of other bases or closed ones are refused.

No share is made in the Wgs room: the room may still be in its intake.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
import test_aanmeldingen
from aiohttp.test_utils import TestClient, TestServer
from test_aanmeldingen import CASE, Fed, row
from test_review import PASS

from node.domain import staff as staffmod
from node.domain.aanmelding import KEEP_UNDECIDED
from node.domain.staff import ForbiddenError
from node.errors import NotFoundError, NotPgaDeelnemerError, ReferralRoomError
from node.faces.localapi import create_local_app
from node.store import aanmeldingen as tables
from node.store import audit
from node.store import db as storemod
from node.store.db import Store

fed = test_aanmeldingen.fed  # the fixture

TYPED = "Signalen: uitingen over geweld, gezien door de wijkagent."
REASON = "Vermoeden van radicalisering (art. 2.31 lid 13 Wgs)."


def wgs_room(f: Fed, members: tuple[str, ...] = ("politie", "gemeente")) -> bytes:
    """A ``wgs`` room convened by the ZVH with ``members`` invited; nothing shared."""
    zvh, staff = f.nodes["zvh"], f.staff["zvh"]
    state = zvh.members.convene(
        staff, case=CASE, purpose="Zorg en veiligheid", bases=["wgs"], meeting=zvh.now()
    )
    for n in members:
        zvh.members.invite(staff, state.room, n, "deelnemer")
    f.pump()
    return state.room


def refer(f: Fed, node: str, room: bytes, to: str = "gemeente", **kw: Any) -> dict[str, Any]:
    return f.nodes[node].referrals.refer(
        f.staff[node], room, to_org=to, verblijf="gemeente", summary=TYPED, reason=REASON, **kw
    )


def test_politie_refers_the_case_and_the_gemeente_gets_an_ordinary_aanmelding(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    doc = refer(f, "politie", room, author_function="wijkagent radicalisering")
    aid = bytes.fromhex(doc["id"])
    assert (doc["case_ref"], doc["aanmelder"], doc["to_node"]) == (CASE, "politie", "gemeente")
    assert doc["referred_from"] == room.hex()
    f.pump()
    for node in ("gemeente", "om"):  # the gemeente brings in the OM, as for any aanmelding
        got = row(f, node, aid)
        assert got["case_ref"] == CASE
        assert got["content"] == {
            "summary": TYPED,
            "reason": REASON,
            "author_function": "wijkagent radicalisering",
        }
        assert got["referred_from"] is None  # the referral is politie's own record
    # the room view at politie; nothing at the gemeente, though it is in the room
    referrals = f.nodes["politie"].referrals.of_room(room)
    assert [(r["aanmelding"], r["to"], r["verblijf"]) for r in referrals] == [
        (aid.hex(), "gemeente", "gemeente")
    ]
    assert f.nodes["gemeente"].referrals.of_room(room) == []
    entry = [e for e in audit.entries(f.nodes["politie"].store) if e["action"] == "referral"]
    assert len(entry) == 1
    assert (entry[0]["room"], entry[0]["case_ref"]) == (room.hex(), CASE)
    assert {"aanmelding_sent", "referral"} <= set(f.actions("politie"))


def test_the_function_defaults_to_the_staff_members(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    doc = refer(f, "politie", room, to="om")
    assert doc["content"]["author_function"] == "politie · regisseur"
    assert doc["to_node"] == "om"


def test_the_zvh_is_no_wet_pga_deelnemer_and_cannot_refer(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    with pytest.raises(NotPgaDeelnemerError) as caught:
        refer(f, "zvh", room)
    assert caught.value.code == "node.not_pga_deelnemer"
    zvh = f.nodes["zvh"].store
    assert zvh.one("SELECT COUNT(*) FROM aanmeldingen") == 0
    assert zvh.one("SELECT COUNT(*) FROM outbox WHERE kind = 'aanmelding'") == 0
    assert "referral" not in f.actions("zvh")


def test_only_a_member_of_a_wgs_room_that_is_not_closed_refers(fed: Fed) -> None:
    f = fed
    g = f.nodes["gemeente"]
    pga = g.members.convene(
        f.staff["gemeente"], case="RAD-2026-040", purpose="Weging", bases=["pga-r"],
        meeting=g.now(), verblijf="gemeente",
    )  # fmt: skip
    with pytest.raises(ReferralRoomError) as caught:
        refer(f, "gemeente", pga.room)
    assert caught.value.code == "node.referral_room"
    room = wgs_room(f)
    with pytest.raises(NotFoundError):  # the OM does not hold the room
        refer(f, "om", room)
    f.nodes["zvh"].closure.close(f.staff["zvh"], room, "afgesloten")
    f.pump()
    with pytest.raises(ReferralRoomError):
        refer(f, "politie", room)
    assert f.nodes["politie"].store.one("SELECT COUNT(*) FROM aanmeldingen") == 0


def test_only_the_intake_staff_refer(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    clerk = staffmod.add(f.nodes["politie"].store, "dhr-b", "politie · baliemedewerker", PASS,
                         intake=False, now=f.nodes["politie"].now())  # fmt: skip
    with pytest.raises(ForbiddenError):
        f.nodes["politie"].referrals.refer(
            clerk, room, to_org="gemeente", verblijf="gemeente", summary=TYPED, reason=REASON
        )


def test_the_wgs_room_decides_nothing_about_the_referred_aanmelding(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    aid = bytes.fromhex(refer(f, "politie", room)["id"])
    f.pump()
    # a Wgs room closed in its intake, not put to the casusoverleg (the close hook)
    for node in ("politie", "gemeente"):
        n = f.nodes[node]
        closed = dataclasses.replace(n.ctx.state(room), outcome="niet_voorgelegd", phase="closed")
        with n.store.transaction():
            n.aanmeldingen.room_closed(closed)
        assert row(f, node, aid)["outcome"] is None  # the Wet PGA intake decides it
    assert "notice_sent" not in f.actions("politie") + f.actions("gemeente")
    # not taken up at the Wet PGA table: it goes after the short term, the Wgs room of
    # its case does not hold it
    f.later(KEEP_UNDECIDED + 60)
    for node in ("politie", "gemeente", "om"):
        assert f.nodes[node].aanmeldingen.purge_due() == 1
    assert f.nodes["politie"].referrals.of_room(room) == []
    assert "referral" in f.actions("politie")  # the audit entry stays


def test_a_version_11_store_gains_the_referral_column(tmp_path: Path) -> None:
    path = tmp_path / "v11.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for version in range(1, 12):
        storemod.MIGRATIONS[version](db)
    conn.execute("PRAGMA user_version=11")
    conn.execute(
        "INSERT INTO aanmeldingen (id, case_ref, aanmelder, verblijf, to_node, recipients,"
        " time, own, via, received_at, forwarded) VALUES"
        " (?, 'RAD-1', 'politie', 'gemeente', 'gemeente', '[]', 1, 1, 'politie', 1, 0)",
        (b"\x01" * 16,),
    )
    conn.close()
    store = Store(path)
    try:
        assert store.one("PRAGMA user_version") == storemod.SCHEMA_VERSION >= 12
        assert tables.get(store, b"\x01" * 16)["referred_from"] is None  # type: ignore[index]
        tables.mark_referred(store, b"\x01" * 16, b"\x02" * 32)
        assert [r["id"] for r in tables.referrals(store, b"\x02" * 32)] == [b"\x01" * 16]
    finally:
        store.close()


# --- the local API ------------------------------------------------------------------------


async def test_the_local_api_refers_and_lists_and_types_its_refusals(fed: Fed) -> None:
    f = fed
    room = wgs_room(f)
    clients: list[TestClient] = []

    async def api(node: str) -> tuple[TestClient, dict[str, str]]:
        client = TestClient(TestServer(create_local_app(f.nodes[node])))
        await client.start_server()
        clients.append(client)
        r = await client.post("/v1/login", json={"name": f.staff[node].name, "passphrase": PASS})
        return client, {"Authorization": f"Bearer {(await r.json())['token']}"}

    body = {"to": "gemeente", "verblijf": "gemeente", "summary": TYPED, "reason": REASON,
            "author_function": "wijkagent"}  # fmt: skip
    try:
        politie, auth = await api("politie")
        r = await politie.post(f"/v1/rooms/{room.hex()}/refer", json=body, headers=auth)
        assert r.status == 200
        doc = await r.json()
        assert (doc["case_ref"], doc["referred_from"]) == (CASE, room.hex())
        assert doc["content"]["author_function"] == "wijkagent"
        r = await politie.get(f"/v1/rooms/{room.hex()}/referrals", headers=auth)
        listed = (await r.json())["referrals"]
        assert [(x["aanmelding"], x["to"]) for x in listed] == [(doc["id"], "gemeente")]
        r = await politie.post(
            f"/v1/rooms/{room.hex()}/refer", json=dict(body, summary=""), headers=auth
        )
        assert (r.status, (await r.json())["error"]) == (400, "api.bad_request")

        zvh, auth = await api("zvh")
        r = await zvh.post(f"/v1/rooms/{room.hex()}/refer", json=body, headers=auth)
        assert (r.status, (await r.json())["error"]) == (403, "node.not_pga_deelnemer")
    finally:
        for client in clients:
            await client.close()
