"""Afscherming across real node processes (Wet PGA art. 6 lid 3, 7, 9), driven through
the CLI: after a joint closure no recipient holds content or room keys; what remains
(the supplier's record, the gemeente's integrated record) is sealed, opens only with a
purpose and the opening is audited; the plan export lands in the node's exports
folder; at the art. 9 date the records are gone, except where the FG recorded a legal
hold, which stops the purge until it is lifted.

The purge moves **every node's clock**: each node runs under libfaketime
(``fakeclock``), and the test stops all nodes, sets each clock file past the term, and
starts them again, so the clock is set through the environment at start (never
through an API route). The registry is the real one (no short test term).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster import Cluster
from fakeclock import FakeClock, available
from test_removed_member import ciphertext, column, files

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="faketime is not installed (make installs it)"),
]

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-213"
MARKER = "Contacten-met-wervers-MARKER-5af3"
MEASURE = "Gesprek-met-school-MARKER-77b1"


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Cluster, dict[str, FakeClock]]]:
    """One federation per module, each node under its own clock (the real time at first)."""
    root = tmp_path_factory.mktemp("afscherming")
    c = Cluster(root, dict(NODES))
    c.setup()
    clocks = {n: FakeClock(root / f"{n}.faketime") for n in NODES}
    try:
        for node in NODES:
            c.start(node, clocks[node].env)
        c.open_pga_room(CASE, STAFF)
        yield c, clocks
    finally:
        c.stop_all()


def actions(c: Cluster, node: str, action: str) -> list[dict[str, Any]]:
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        rows = conn.execute("SELECT detail FROM audit WHERE action = ?", (action,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def records(c: Cluster, node: str) -> list[dict[str, Any]]:
    return list(c.json(node, "shielded", "list")["records"])


def test_closure_leaves_sealed_records_that_open_only_for_a_purpose(
    cluster: tuple[Cluster, dict[str, FakeClock]],
) -> None:
    c, _ = cluster
    c.cli("politie", "share", CASE, "--basis", "wpg-20", "--categories", "politie,signalen",
          "--agreement-ref", "WPG20-2026-213", "--justification",
          "Noodzakelijk voor de aanpak.", "--wait", "20", stdin=MARKER)  # fmt: skip
    c.cli("gemeente", "plan", "add", CASE, "--title", MEASURE, "--measure", "zorg",
          "--owner", "gemeente", "--due", "2027-03-01")  # fmt: skip
    export = c.json("gemeente", "room", "export", CASE)
    folder = c.data("gemeente") / "exports"
    assert Path(export["path"]).parent == folder
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert MEASURE in Path(export["path"]).read_text()
    received = {n: column(c.data(n), "SELECT envelope FROM shares WHERE own = 0") for n in NODES}
    keys = {n: column(c.data(n), "SELECT sealed FROM room_keys") for n in NODES}

    c.close("gemeente", CASE, "afgeschaald")
    c.wait_for(
        "closed and confirmed everywhere",
        lambda: (
            all(c.room(n, CASE)["phase"] == "closed" for n in NODES)
            and set(c.room("politie", CASE)["closed_receipts"]) == {"gemeente", "om"}
        ),
        timeout=40,
    )
    # no recipient holds content or keys; the words say what is kept where
    for node in NODES:
        assert column(c.data(node), "SELECT sealed FROM room_keys") == []
        assert column(c.data(node), "SELECT envelope FROM shares WHERE own = 0") == []
        raw = files(c, node)
        for blob in keys[node] + [ciphertext(e) for e in received[node]]:
            assert blob not in raw, f"{node}: a room key or received ciphertext survives"
        # no plaintext of a shielded record in the database files, WAL included
        assert MARKER.encode() not in raw, node
        assert MEASURE.encode() not in raw, node
    status = {n: c.room(n, CASE)["status"] for n in NODES}
    assert status == {"gemeente": "shielded", "politie": "shielded", "om": "keys_destroyed"}
    assert [r["kind"] for r in records(c, "politie")] == ["supplier"]
    assert [r["kind"] for r in records(c, "gemeente")] == ["gemeente"]
    assert records(c, "om") == []

    # the supplier's record opens only with a purpose, and the opening is audited
    (own,) = records(c, "politie")
    no_purpose = c.cli("politie", "shielded", "open", own["record"], "--reason", "x", check=False)
    assert no_purpose.returncode != 0
    wrong = c.cli("politie", "shielded", "open", own["record"], "--purpose", "overdracht",
                  "--reason", " ", check=False)  # fmt: skip
    assert "shielded.invalid" in wrong.stderr
    assert actions(c, "politie", "shielded_opened") == []
    opened = c.json("politie", "shielded", "open", own["record"], "--purpose", "inzageverzoek",
                    "--reason", "Verzoek van betrokkene")  # fmt: skip
    assert opened["content"]["supplied"][0]["content"]["summary"] == MARKER
    (entry,) = actions(c, "politie", "shielded_opened")
    assert entry["purpose"] == "inzageverzoek"
    assert MARKER not in json.dumps(entry)

    # after closure the export comes from the integrated record, with a purpose
    refused = c.cli("gemeente", "room", "export", CASE, check=False)
    assert refused.returncode != 0
    again = c.json("gemeente", "room", "export", CASE, "--purpose", "overdracht",
                   "--reason", "Verhuisd naar gemeente B")  # fmt: skip
    assert MEASURE in Path(again["path"]).read_text()
    assert [e["purpose"] for e in actions(c, "gemeente", "shielded_opened")] == ["overdracht"]
    assert len(os.listdir(folder)) == 2


def test_at_the_term_the_records_go_unless_a_legal_hold_keeps_them(
    cluster: tuple[Cluster, dict[str, FakeClock]],
) -> None:
    c, clocks = cluster
    c.cli("gemeente", "staff", "add", "--name", "fg-anne", "--function", "FG", "--role", "fg",
          "--capacity", "burgemeester",
          env={"CASUSNET_STAFF_PASSPHRASE": "wachtwoord-van-fg-anne"})  # fmt: skip
    c.login("gemeente", "fg-anne")
    (integrated,) = records(c, "gemeente")
    assert "opened" in integrated  # the FG sees the openings, not the content
    fg_open = c.cli("gemeente", "shielded", "open", integrated["record"], "--purpose",
                    "overdracht", "--reason", "x", check=False)  # fmt: skip
    assert "shielded.forbidden" in fg_open.stderr
    c.cli("gemeente", "shielded", "hold", integrated["record"], "--reason", "Klacht bij de AP")
    term = integrated["destroy_by"]

    # every node's clock past the art. 9 date: set at start, through the environment
    c.stop_all()
    for node in NODES:
        clocks[node].set(term - int(time.time()) + 86400 * 2)
    for node in NODES:
        c.start(node, clocks[node].env)
    for node, name in STAFF.items():
        c.login(node, name)
    c.wait_for("politie's record destroyed at the term", lambda: records(c, "politie") == [])
    assert [e.get("why") for e in actions(c, "politie", "shielded_destroyed")] == ["termijn"]
    # the held record stays, and the room's metadata with it
    assert [r["hold"] for r in records(c, "gemeente")] == [True]
    assert c.room("gemeente", CASE)["status"] == "shielded"
    assert os.listdir(c.data("gemeente") / "exports")

    c.login("gemeente", "fg-anne")
    c.cli("gemeente", "shielded", "release", integrated["record"])
    c.wait_for("the integrated record destroyed", lambda: records(c, "gemeente") == [])
    assert os.listdir(c.data("gemeente") / "exports") == []
    assert MEASURE.encode() not in files(c, "gemeente")
