"""The gemeente's register of meldingen: recorded, followed up, found again, destroyed
in time; the melder's identity sealed, opened only by the aandachtsfunctionaris for a
stated purpose, and never in a list, an audit entry, an error or another answer."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from aiohttp.test_utils import TestClient, TestServer
from fed import make_federation

from node.app import open_node
from node.domain import retention
from node.domain import staff as staffmod
from node.domain.meldingen import DAY, MeldingError
from node.domain.node import Node
from node.domain.staff import Staff
from node.faces.localapi import create_local_app
from node.store import audit
from node.store import db as storemod
from node.store.db import Store
from protocol.errors import CasusnetError

PASS = "lange-wachtzin-1"
SUMMARY = "Leerling deelt filmpjes van een extremistische groep in de klassenapp."
MELDER = "Mentor J. de Vries, 06-12345678"
CASE = "RAD-2026-021"


class Clock:
    def __init__(self) -> None:
        self.offset = 0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Register:
    node: Node
    politie: Node
    clock: Clock
    anna: Staff  # aandachtsfunctionaris
    fenna: Staff  # the FG
    ivo: Staff  # intake only

    def record(self, **kw: Any) -> int:
        fields: dict[str, Any] = {
            "received": self.node.now() - 3600,
            "source": "school",
            "summary": SUMMARY,
        }
        fields.update(kw)
        return self.node.meldingen.record(self.anna, **fields)

    def files(self) -> bytes:
        db = self.node.config.db_path
        return b"".join(p.read_bytes() for p in sorted(db.parent.glob("node.db*")))

    def audit_text(self) -> str:
        return json.dumps(audit.entries(self.node.store, limit=10_000))


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    fed = make_federation(
        tmp_path, {"gemeente": "gemeente", "politie": "politie"}, int(time.time())
    )
    clock = Clock()
    node, politie = open_node(fed.config("gemeente")), open_node(fed.config("politie"))
    node.ctx.clock = clock

    def add(name: str, function: str, *roles: str) -> Staff:
        return staffmod.add(
            node.store,
            name,
            function,
            PASS,
            intake="intake" in roles,
            now=node.now(),
            capacity="burgemeester",
            roles=roles,
        )

    yield Register(
        node,
        politie,
        clock,
        add("anna", "aandachtsfunctionaris radicalisering", "aandachtsfunctionaris"),
        add("fenna", "functionaris gegevensbescherming", "fg"),
        add("ivo", "intake OOV", "intake"),
    )
    node.store.close()
    politie.store.close()


# --- recording and reading ---------------------------------------------------------------


def test_a_melding_is_recorded_sealed_and_read_back_with_its_history(register: Register) -> None:
    r = register
    number = r.record(melder=MELDER)
    shown = r.node.meldingen.show(r.anna, number)
    assert shown["summary"] == SUMMARY
    assert (shown["source"], shown["follow_up"], shown["case_ref"]) == ("school", "volgen", None)
    assert shown["has_melder"] is True
    assert "melder" not in shown
    assert [h["change"] for h in shown["history"]] == ["recorded"]
    assert shown["keep_until"] == shown["updated"] + 365 * DAY
    # at rest: neither the summary nor the melder is in the node's files
    r.node.store.checkpoint()
    files = r.files()
    assert SUMMARY.encode() not in files
    assert MELDER.encode() not in files
    assert b"J. de Vries" not in files
    actions = [e["action"] for e in audit.entries(r.node.store, actor="anna")]
    assert actions[:2] == ["melding_viewed", "melding_recorded"]
    assert SUMMARY not in r.audit_text()
    assert "de Vries" not in r.audit_text()


def test_without_a_date_a_melding_is_received_now(register: Register) -> None:
    r = register
    r.clock.offset = 5000
    number = r.node.meldingen.record(r.anna, source="eigen_waarneming", summary=SUMMARY)
    assert r.node.meldingen.listing(r.anna)[0]["received"] == r.node.now()
    assert r.node.meldingen.show(r.anna, number)["source"] == "eigen_waarneming"


def test_numbers_are_never_reused_after_a_purge(register: Register) -> None:
    r = register
    first = r.record(follow_up="geen")
    r.clock.offset = 200 * DAY
    assert retention.run_once(r.node)["meldingen"] == 1
    assert r.record() == first + 1


def test_the_melder_is_opened_only_for_a_purpose_and_only_by_the_aandachtsfunctionaris(
    register: Register,
) -> None:
    r = register
    number = r.record(melder=MELDER)
    assert r.node.meldingen.melder(r.anna, number, "contact_melder") == MELDER
    with pytest.raises(MeldingError):
        r.node.meldingen.melder(r.anna, number, "nieuwsgierigheid")
    for other in (r.fenna, r.ivo):
        with pytest.raises(CasusnetError) as exc:
            r.node.meldingen.melder(other, number, "contact_melder")
        assert exc.value.code == "melding.forbidden"
        with pytest.raises(CasusnetError) as exc:
            r.node.meldingen.show(other, number)
        assert exc.value.code == "melding.forbidden"
    opened = [e for e in audit.entries(r.node.store, limit=100) if e["action"] == "melder_viewed"]
    assert [(e["actor"], e["detail"]["purpose"]) for e in opened] == [("anna", "contact_melder")]
    assert "de Vries" not in r.audit_text()


def test_the_fg_lists_the_register_without_content_and_intake_staff_not_at_all(
    register: Register,
) -> None:
    r = register
    r.record(melder=MELDER)
    rows = r.node.meldingen.listing(r.fenna)
    assert len(rows) == 1
    assert "summary" not in rows[0]
    assert "melder" not in rows[0]
    assert SUMMARY not in json.dumps(rows)
    assert "Vries" not in json.dumps(rows)
    with pytest.raises(CasusnetError) as exc:
        r.node.meldingen.listing(r.ivo)
    assert exc.value.code == "melding.forbidden"
    with pytest.raises(CasusnetError) as exc:
        r.node.meldingen.record(r.fenna, received=r.node.now(), source="burger", summary="x")
    assert exc.value.code == "melding.forbidden"


def test_the_register_is_the_gemeentes_only(register: Register) -> None:
    r = register
    agent = staffmod.add(
        r.politie.store,
        "piet",
        "wijkagent",
        PASS,
        intake=False,
        now=r.politie.now(),
        roles=["aandachtsfunctionaris"],
    )
    with pytest.raises(CasusnetError) as exc:
        r.politie.meldingen.record(agent, received=r.politie.now(), source="burger", summary="x")
    assert exc.value.code == "melding.not_gemeente"


BAD = [
    {"source": "buurman"},
    {"source": None},
    {"summary": ""},
    {"summary": "   "},
    {"summary": "x" * 2001},
    {"summary": 17},
    {"received": "gisteren"},
    {"received": True},
    {"received": int(time.time()) + 3 * DAY},
    {"melder": ""},
    {"melder": MELDER * 20},
    {"melder": "Jan \ud800"},
    {"follow_up": "later"},
    {"follow_up": "aanmelding"},
    {"follow_up": "aanmelding", "case": "jan jansen"},
    {"follow_up": "volgen", "case": CASE},
]


@pytest.mark.parametrize("bad", BAD)
def test_bad_input_is_refused_with_a_code_and_changes_nothing(
    register: Register, bad: dict[str, Any]
) -> None:
    r = register
    before = (r.node.store.one("SELECT COUNT(*) FROM meldingen"), len(r.audit_text()))
    with pytest.raises(MeldingError) as exc:
        r.record(**bad)
    assert exc.value.code == "melding.invalid"
    assert "Vries" not in str(exc.value)
    assert SUMMARY not in str(exc.value)
    assert (r.node.store.one("SELECT COUNT(*) FROM meldingen"), len(r.audit_text())) == before
    assert r.node.store.get_meta("melding_seq") is None


def test_a_bad_update_changes_nothing(register: Register) -> None:
    r = register
    number = r.record()
    before = r.node.meldingen.show(r.anna, number)
    for changes in (
        {"follow_up": "aanmelding"},
        {"case": CASE},
        {"summary": ""},
        {"colour": "rood"},
        {},
    ):
        with pytest.raises(MeldingError):
            r.node.meldingen.update(r.anna, number, changes)
    after = r.node.meldingen.show(r.anna, number)
    assert after == before
    with pytest.raises(CasusnetError) as exc:
        r.node.meldingen.update(r.anna, 999, {"follow_up": "geen"})
    assert exc.value.code == "melding.not_found"
    for bad_number in ("abc", -1, True, None, "1e3"):
        with pytest.raises(MeldingError):
            r.node.meldingen.show(r.anna, bad_number)


def test_a_follow_up_is_recorded_in_the_history_and_the_melder_can_be_removed(
    register: Register,
) -> None:
    r = register
    number = r.record(melder=MELDER)
    doc = r.node.meldingen.update(
        r.anna, number, {"follow_up": "aanmelding", "case": "rad-2026-021"}
    )
    assert (doc["follow_up"], doc["case_ref"], doc["phase"]) == ("aanmelding", CASE, None)
    r.node.meldingen.update(r.anna, number, {"summary": SUMMARY + " Gecorrigeerd."})
    r.node.meldingen.update(r.anna, number, {"melder": None})
    shown = r.node.meldingen.show(r.anna, number)
    assert shown["summary"].endswith("Gecorrigeerd.")
    assert shown["has_melder"] is False
    assert r.node.meldingen.melder(r.anna, number, "correctie") is None
    changes = [(h["change"], h["follow_up"], h["case_ref"]) for h in shown["history"]]
    assert changes == [
        ("recorded", "volgen", None),
        ("follow_up", "aanmelding", CASE),
        ("summary", "aanmelding", CASE),
        ("melder_removed", "aanmelding", CASE),
    ]
    back = r.node.meldingen.update(r.anna, number, {"follow_up": "geen"})
    assert (back["follow_up"], back["case_ref"]) == ("geen", None)


# --- what never reached an intake, and retention ----------------------------------------------


def convene(r: Register, case: str) -> None:
    r.node.members.convene(
        r.anna, case=case, purpose="Weging en aanpak", bases=["pga-r"], meeting=r.node.now()
    )


def test_the_list_of_meldingen_that_never_reached_an_intake(register: Register) -> None:
    r = register
    watched = r.record()
    dropped = r.record(follow_up="geen")
    waiting = r.record(follow_up="aanmelding", case="RAD-2026-030")
    taken = r.record(follow_up="aanmelding", case=CASE)
    convene(r, CASE)
    rows = r.node.meldingen.listing(r.anna, no_intake=True)
    assert sorted(row["id"] for row in rows) == [watched, dropped, waiting]
    every = {row["id"]: row for row in r.node.meldingen.listing(r.anna)}
    assert every[taken]["phase"] == "intake"
    assert every[taken]["keep_until"] is None  # it follows the case
    assert [row["id"] for row in r.node.meldingen.listing(r.anna, follow_up="geen")] == [dropped]
    with pytest.raises(MeldingError):
        r.node.meldingen.listing(r.anna, follow_up="alles")


def test_retention_destroys_each_follow_up_after_its_term_and_an_aanmelding_with_its_case(
    register: Register,
) -> None:
    r = register
    dropped = r.record(follow_up="geen")
    watched = r.record(melder=MELDER)
    orphan = r.record(follow_up="aanmelding", case="RAD-2026-030")
    taken = r.record(follow_up="aanmelding", case=CASE)
    convene(r, CASE)
    assert retention.run_once(r.node)["meldingen"] == 0

    r.clock.offset = 184 * DAY  # past the term of "geen", within that of "volgen"
    assert retention.run_once(r.node)["meldingen"] == 1
    left = {row["id"] for row in r.node.meldingen.listing(r.anna)}
    assert left == {watched, orphan, taken}
    with pytest.raises(CasusnetError) as exc:
        r.node.meldingen.show(r.anna, dropped)
    assert exc.value.code == "melding.not_found"
    assert (
        r.node.store.one("SELECT COUNT(*) FROM melding_history WHERE melding = ?", (dropped,)) == 0
    )

    r.clock.offset = 366 * DAY
    assert retention.run_once(r.node)["meldingen"] == 2  # volgen, and the aanmelding without a room
    assert {row["id"] for row in r.node.meldingen.listing(r.anna)} == {taken}

    r.clock.offset = 3 * 365 * DAY  # the room of its case is still held here
    assert retention.run_once(r.node)["meldingen"] == 0
    purged = [e for e in audit.entries(r.node.store, limit=100) if e["action"] == "melding_purged"]
    assert sorted(e["detail"]["melding"] for e in purged) == [dropped, watched, orphan]
    assert all(e["actor"] == "gemeente" for e in purged)
    r.node.store.checkpoint()
    assert MELDER.encode() not in r.files()


def test_a_change_restarts_the_term(register: Register) -> None:
    r = register
    number = r.record(follow_up="geen")
    r.clock.offset = 100 * DAY
    r.node.meldingen.update(r.anna, number, {"follow_up": "volgen"})
    r.clock.offset = 300 * DAY
    assert retention.run_once(r.node)["meldingen"] == 0
    r.clock.offset = 466 * DAY
    assert retention.run_once(r.node)["meldingen"] == 1


def test_a_version_8_store_gets_the_register(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for version in range(1, 9):
        storemod.MIGRATIONS[version](db)
    conn.execute("PRAGMA user_version=8")
    conn.execute("INSERT INTO meta (key, value) VALUES ('kept', 'yes')")
    conn.close()
    store = Store(path)
    try:
        assert store.one("PRAGMA user_version") == storemod.SCHEMA_VERSION
        assert store.get_meta("kept") == "yes"
        assert store.one("SELECT COUNT(*) FROM meldingen") == 0
        assert store.one("SELECT COUNT(*) FROM melding_history") == 0
    finally:
        store.close()


# --- the local API ---------------------------------------------------------------------------


@pytest.fixture
async def api(register: Register) -> AsyncIterator[dict[str, Any]]:
    client = TestClient(TestServer(create_local_app(register.node)))
    await client.start_server()
    tokens = {}
    for name in ("anna", "fenna", "ivo"):
        r = await client.post("/v1/login", json={"name": name, "passphrase": PASS})
        tokens[name] = {"Authorization": f"Bearer {(await r.json())['token']}"}
    yield {"client": client, **tokens}
    await client.close()


async def call(api: dict[str, Any], who: str, method: str, path: str, body: Any = None) -> Any:
    r = await api["client"].request(method, path, json=body, headers=api[who])
    return r.status, await r.text()


async def test_the_local_api_keeps_the_melder_out_of_every_answer_but_its_own(
    register: Register, api: dict[str, Any]
) -> None:
    body = {
        "received": register.node.now() - 60,
        "source": "burger",
        "summary": SUMMARY,
        "melder": MELDER,
    }
    status, text = await call(api, "anna", "POST", "/v1/meldingen", body)
    assert status == 200
    number = json.loads(text)["melding"]
    answers = []
    for who in ("anna", "fenna", "ivo"):
        answers.append(await call(api, who, "GET", "/v1/meldingen"))
        answers.append(await call(api, who, "GET", "/v1/meldingen?no_intake=1"))
        answers.append(await call(api, who, "GET", f"/v1/meldingen/{number}"))
        answers.append(
            await call(api, who, "POST", f"/v1/meldingen/{number}", {"follow_up": "geen"})
        )
    for who in ("fenna", "ivo"):
        answers.append(
            await call(
                api, who, "POST", f"/v1/meldingen/{number}/melder", {"purpose": "contact_melder"}
            )
        )
    answers.append(await call(api, "anna", "GET", "/v1/audit?limit=5000"))
    assert all("Vries" not in text for _, text in answers)
    statuses = [status for status, _ in answers]
    assert statuses[:4] == [200, 200, 200, 200]  # the aandachtsfunctionaris
    assert statuses[4:8] == [200, 200, 403, 403]  # the FG lists, no more
    assert statuses[8:12] == [403, 403, 403, 403]  # intake staff: nothing
    assert statuses[12:14] == [403, 403]
    assert json.loads(answers[2][1])["summary"] == SUMMARY
    listed = json.loads(answers[0][1])
    assert "ambtsbericht" in listed["sources"]
    assert listed["purposes"] == ["contact_melder", "correctie", "verzoek_melder"]
    assert SUMMARY not in answers[4][1]
    assert json.loads(answers[6][1])["error"] == "melding.forbidden"
    status, text = await call(
        api, "anna", "POST", f"/v1/meldingen/{number}/melder", {"purpose": "contact_melder"}
    )
    assert (status, json.loads(text)) == (200, {"melder": MELDER})


async def test_the_local_api_refuses_bad_requests_with_their_codes(
    register: Register, api: dict[str, Any]
) -> None:
    now = register.node.now()
    cases = [
        ("POST", "/v1/meldingen", {"received": now, "source": "buurman", "summary": "x"}, 422),
        ("POST", "/v1/meldingen", {"received": now, "source": "burger"}, 400),
        (
            "POST",
            "/v1/meldingen",
            {"received": now, "source": "burger", "summary": "x", "naam": 1},
            400,
        ),
        ("GET", "/v1/meldingen?no_intake=ja", None, 400),
        ("GET", "/v1/meldingen?follow_up=alles", None, 422),
        ("GET", "/v1/meldingen/12", None, 404),
        ("GET", "/v1/meldingen/abc", None, 422),
        ("POST", "/v1/meldingen/12/melder", {"purpose": "correctie"}, 404),
    ]
    for method, path, body, expected in cases:
        status, text = await call(api, "anna", method, path, body)
        assert status == expected, (path, body, text)
    codes = [json.loads((await call(api, "anna", m, p, b))[1])["error"] for m, p, b, _ in cases[:1]]
    assert codes == ["melding.invalid"]
    assert register.node.store.one("SELECT COUNT(*) FROM meldingen") == 0
