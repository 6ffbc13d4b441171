"""The living plan van aanpak across real node processes driven through the CLI, with
every node's clock injected by libfaketime (set through the environment at start; the
test moves all clocks together): a measure politie proposes, the chair adopts and
adjusts and politie carries out; one OM proposes that the chair withdraws; one that
falls overdue when the clocks pass its due date; two follow-up meetings with agenda
points, verslagen and a re-assessment. Another node sees each measure's history by
organisation, never a staff name, and no title, risk or verslag is in any node's
database files in plaintext."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster import Cluster
from fakeclock import FakeClock, available
from test_removed_member import files

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="faketime is not installed (make installs it)"),
]

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-213"
DAY = 86_400
TITLE = "Gesprekken-met-de-jongere-MARKER-7f3a"
RISK = "Isolatie-en-online-beinvloeding-MARKER-11c2"
VERSLAG = "Verslag-van-het-overleg-MARKER-90d1"


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[Cluster, dict[str, FakeClock]]]:
    c = Cluster(tmp_path, dict(NODES))
    c.setup()
    clocks = {n: FakeClock(tmp_path / f"{n}.faketime") for n in NODES}
    try:
        for node in NODES:  # sessions outlive the weeks the clocks move ahead
            c.start(node, {**clocks[node].env, "CASUSNET_SESSION_IDLE": str(400 * DAY)})
        c.open_pga_room(CASE, STAFF)
        yield c, clocks
    finally:
        c.stop_all()


def when(days: float, clocks: dict[str, FakeClock]) -> str:
    """A time ``days`` ahead of the nodes' clock, as the CLI takes it."""
    moment = time.time() + clocks["gemeente"].offset + days * DAY
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="minutes")


def ahead(clocks: dict[str, FakeClock], days: int) -> None:
    for clock in clocks.values():
        clock.set(clock.offset + days * DAY)


def plan(c: Cluster, node: str) -> dict[str, Any]:
    return dict(c.json(node, "room", "plan", CASE))


def measure_of(c: Cluster, node: str, item: str) -> dict[str, Any]:
    return next(m for m in plan(c, node)["measures"] if m["item"] == item)


def test_measures_and_follow_up_meetings(clocked: tuple[Cluster, dict[str, FakeClock]]) -> None:
    c, clocks = clocked
    # politie proposes a measure it carries out itself; the chair adopts it
    item = c.json(
        "politie", "room", "measure", "propose", CASE, "--title", TITLE, "--kind", "zorg",
        "--uitvoerder", "politie", "--risk", RISK, "--due", when(30, clocks),
    )["item"]  # fmt: skip
    c.wait_for("the proposal at the chair", lambda: measure_of(c, "gemeente", item))
    refused = c.cli("om", "room", "measure", "adopt", CASE, item, check=False)
    assert refused.returncode != 0
    assert "chain.measure" in refused.stderr  # only the chair adopts
    c.cli("gemeente", "room", "measure", "adopt", CASE, item)
    c.cli("gemeente", "room", "measure", "adjust", CASE, item, "--due", when(20, clocks),
          "--authority", "burgemeester",
          "--reason", "Eerder nodig na de melding van school")  # fmt: skip
    c.wait_for("adopted at politie", lambda: measure_of(c, "politie", item)["adopted"])
    c.wait_for("adjusted at politie",
               lambda: measure_of(c, "politie", item)["authority"] == "burgemeester")  # fmt: skip
    c.cli("politie", "room", "measure", "status", CASE, item, "--status", "lopend",
          "--note", "Eerste gesprek gevoerd")  # fmt: skip
    c.wait_for("lopend", lambda: measure_of(c, "politie", item)["status"] == "lopend")
    c.cli("politie", "room", "measure", "status", CASE, item, "--status", "uitgevoerd")
    # OM proposes two more: one the chair adopts, due in five days; one it withdraws
    soon = c.json("om", "room", "measure", "propose", CASE, "--title", "Contact met de ouders",
                  "--kind", "bestuurlijk", "--uitvoerder", "om", "--risk", "Escalatie thuis",
                  "--due", when(5, clocks))["item"]  # fmt: skip
    gone = c.json("om", "room", "measure", "propose", CASE, "--title", "Gebiedsverbod",
                  "--kind", "bestuurlijk", "--uitvoerder", "gemeente", "--risk", "Overlast",
                  "--due", when(40, clocks))["item"]  # fmt: skip
    c.wait_for("both at the chair", lambda: len(plan(c, "gemeente")["measures"]) == 3)
    c.cli("gemeente", "room", "measure", "adopt", CASE, soon)
    c.cli("gemeente", "room", "measure", "withdraw", CASE, gone, "--reason", "Niet evenredig")

    # meeting 2 with agenda and a re-assessment; the verslag of meeting 1
    assert c.json("gemeente", "room", "meeting", "plan", CASE, "--at", when(14, clocks)) == {
        "meeting": 2
    }
    c.wait_for("meeting 2 at politie", lambda: len(plan(c, "politie")["meetings"]) == 2)
    c.cli("politie", "room", "meeting", "agenda", CASE, "2", "--title", "Terugkoppeling school")
    c.cli("gemeente", "room", "meeting", "verslag", CASE, "1", "--text", VERSLAG)
    c.cli("om", "room", "assess", CASE, "--meeting", "2", "--verdict", "voorleggen",
          "--score", "ideologie=3", "--score", "sociale_relaties=onbekend",
          "--reasoning", "De zorgen nemen toe.")  # fmt: skip

    def overdue_at_om() -> bool:
        rows = c.json("om", "room", "list")["rooms"]
        return bool(rows[0]["measures_overdue"] == 1 and rows[0]["my_measures_overdue"] == 1)

    c.wait_for("the withdrawal at om",
               lambda: measure_of(c, "om", gone)["status"] == "ingetrokken")  # fmt: skip
    assert c.json("om", "room", "list")["rooms"][0]["measures_due"] == 1
    ahead(clocks, 15)  # past OM's due date and meeting 2
    c.wait_for("the overdue measure in the rooms list", overdue_at_om)
    assert measure_of(c, "om", soon)["overdue"]
    c.cli("gemeente", "room", "meeting", "verslag", CASE, "2", "--text", "Tweede verslag")
    c.cli("gemeente", "room", "meeting", "plan", CASE, "--at", when(14, clocks))
    c.wait_for("meeting 3 at om", lambda: len(plan(c, "om")["meetings"]) == 3)
    c.cli("om", "room", "meeting", "agenda", CASE, "3", "--title", "Stand van de maatregelen")
    ahead(clocks, 15)
    c.cli("gemeente", "room", "meeting", "verslag", CASE, "3", "--text", "Derde verslag")

    def settled() -> dict[str, Any] | None:
        doc = plan(c, "politie")
        done = [g for g in doc["meetings"] if g["verslag"]]
        return doc if len(done) == 3 and len(doc["criteria_history"]) == 4 else None

    doc = c.wait_for("the plan settled at politie", settled)
    mine = next(m for m in doc["measures"] if m["item"] == item)
    assert mine["status"] == "uitgevoerd"
    assert [h["action"] for h in mine["history"]] == [
        "proposed", "adopted", "adjusted", "status", "status",
    ]  # fmt: skip
    assert [h["by"] for h in mine["history"]] == [
        "politie", "gemeente", "gemeente", "politie", "politie",
    ]  # fmt: skip
    assert mine["history"][2]["changes"]["authority"] == [None, "burgemeester"]
    assert [g["agenda"][0]["title"] for g in doc["meetings"][1:]] == [
        "Terugkoppeling school", "Stand van de maatregelen",
    ]  # fmt: skip
    assert doc["meetings"][0]["verslag"]["text"] == VERSLAG
    again = doc["criteria_history"][-1]
    assert (again["meeting"], again["org"], again["criteria"]["ideologie"]) == (2, "om", 3)
    assert doc["next_meeting"] is None
    text = c.cli("politie", "room", "plan", CASE).stdout
    assert "Eerder nodig na de melding van school" in text
    for name in STAFF.values():  # organisations, never a staff name of another node
        assert name not in text
        assert name not in repr(doc)
    for node in NODES:
        raw = files(c, node)
        for secret in (TITLE, RISK, VERSLAG):
            assert secret.encode() not in raw, f"{node}: {secret} in plaintext"
