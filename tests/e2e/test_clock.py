"""Clocks that are wrong and corrected, with the real clock of a node process shifted
by libfaketime (``fakeclock``): nothing is lost, nothing is refused for good, retries
are timed by durations, and the node says its clock is off."""

from __future__ import annotations

import json
import signal
import sqlite3
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import Cluster, free_port
from fakeclock import FakeClock, available

from node.apiclient import ApiClient

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="faketime is not installed (make installs it)"),
]

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-131"
METRICS = {"politie": f"127.0.0.1:{free_port()}"}
FROM_POLITIE = [
    "--basis",
    "wpg-20",
    "--categories",
    "politie,signalen",
    "--agreement-ref",
    "WPG20-7",
    "--justification",
    "Noodzakelijk voor de weging.",
]
FROM_GEMEENTE = [
    "--basis",
    "pga-r",
    "--categories",
    "signalen",
    "--justification",
    "Noodzakelijk voor de weging.",
]


@pytest.fixture
def clocked(tmp_path: Path) -> Iterator[tuple[Cluster, dict[str, FakeClock]]]:
    """Every node runs under its own shiftable clock (all at the real time to start)."""
    c = Cluster(tmp_path, dict(NODES))
    c.setup()
    clocks = {n: FakeClock(tmp_path / f"{n}.faketime") for n in NODES}
    try:
        for node in NODES:
            extra = {"CASUSNET_METRICS": METRICS[node]} if node in METRICS else {}
            c.start(node, {**clocks[node].env, **extra})
        c.open_pga_room(CASE, STAFF)
        yield c, clocks
    finally:
        c.stop_all()


def api(c: Cluster, node: str) -> ApiClient:
    token = (c.data(node) / "session.token").read_text().strip()
    return ApiClient(c.data(node) / "api.sock", token)


def received(c: Cluster, node: str) -> dict[str, int]:
    """Share id -> how many times the node stored it."""
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        rows = conn.execute("SELECT id, COUNT(*) FROM shares WHERE own = 0 GROUP BY id")
        return {r[0].hex(): r[1] for r in rows}


def refusals(c: Cluster, node: str) -> list[str]:
    """The codes of the refusals in a node's audit log."""
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        rows = conn.execute("SELECT detail FROM audit WHERE action = 'refused'").fetchall()
    return [json.loads(r[0]).get("code", "") for r in rows]


def head(c: Cluster, node: str) -> int:
    return int(c.room(node, CASE)["seq"])


def test_a_chair_clock_that_ran_ahead_and_was_corrected_costs_nothing(
    clocked: tuple[Cluster, dict[str, FakeClock]],
) -> None:
    c, clocks = clocked
    # the chair's clock runs 360 s ahead (NTP trouble) while it records a measure:
    # the event is dated beyond the partners' allowed skew of 300 s
    clocks["gemeente"].set(360)
    c.cli("gemeente", "plan", "add", CASE, "--title", "Gesprek", "--measure", "zorg",
          "--owner", "politie", "--due", "2027-01-15")  # fmt: skip
    ahead = head(c, "gemeente")
    # corrected; and restarted, so the room is loaded from its stored (future) events
    clocks["gemeente"].set(0)
    c.stop("gemeente", signal.SIGKILL)
    c.start("gemeente", clocks["gemeente"].env)
    assert c.room("gemeente", CASE)["phase"] == "open"  # its history stays loadable
    # the chair goes on: a new event is stamped no earlier than the chain's last time
    c.cli("gemeente", "plan", "add", CASE, "--title", "Huisbezoek", "--measure", "zorg",
          "--owner", "om", "--due", "2027-02-01")  # fmt: skip
    assert head(c, "gemeente") == ahead + 1
    # verstrekkingen both ways in the meantime
    to_chair = c.json("politie", "share", CASE, *FROM_POLITIE, stdin="Signaal politie.")["share"]
    from_chair = c.json("gemeente", "share", CASE, *FROM_GEMEENTE, stdin="Signaal gemeente.")[
        "share"
    ]
    room = c.room("gemeente", CASE)["room"]
    # the chair's share waits behind the future-dated event, and its sender says why
    status = c.wait_for(
        "a transient code at the sender",
        lambda: (
            s
            if (s := api(c, "gemeente").get(f"/v1/rooms/{room}/shares/{from_chair}/status"))[
                "errors"
            ]
            else None
        ),
        timeout=30,
    )
    assert set(status["errors"].values()) <= {"chain.future", "node.retry"}
    assert "refused" not in status["deliveries"].values()
    # once the partners' clocks are within the skew, everything arrives, exactly once
    for node in ("politie", "om"):
        c.wait_for(f"{node} at the chair's head", lambda n=node: head(c, n) == ahead + 1, 120)
    c.wait_for("the chair's share", lambda: received(c, "politie").get(from_chair) == 1, 30)
    c.wait_for("the chair's share at om", lambda: received(c, "om").get(from_chair) == 1, 30)
    assert received(c, "gemeente").get(to_chair) == 1
    assert received(c, "om").get(to_chair) == 1
    c.wait_for(
        "every receipt",
        lambda: (
            d
            if set(
                (d := api(c, "gemeente").get(f"/v1/rooms/{room}/shares/{from_chair}/status"))[
                    "deliveries"
                ].values()
            )
            == {"delivered"}
            else None
        ),
    )
    # nothing was refused for good anywhere: a transient answer is not a refusal
    for node in NODES:
        assert "chain.future" not in refusals(c, node)
        assert "chain.invalid" not in refusals(c, node)


def test_retries_are_timed_by_durations_not_by_the_wall_clock(
    clocked: tuple[Cluster, dict[str, FakeClock]],
) -> None:
    c, clocks = clocked
    c.stop("om")
    # the sender's clock an hour ahead: om is away, gemeente refuses it as expired
    clocks["politie"].set(3600)
    c.login("politie", STAFF["politie"])  # its session idled out an hour on its clock
    share = c.json("politie", "share", CASE, *FROM_POLITIE, stdin="Signaal.")["share"]
    me = c.wait_for(
        "the clock reported off",
        lambda: m if (m := api(c, "politie").get("/v1/me"))["clock"]["off"] else None,
    )
    assert me["clock"]["expired_by"] == ["gemeente"]
    assert me["clock"]["offset"] > 3000
    # /metrics says so
    with urllib.request.urlopen(f"http://{METRICS['politie']}/metrics", timeout=5) as r:
        series = dict(
            line.rsplit(" ", 1) for line in r.read().decode().splitlines() if line[:1] != "#"
        )
    assert series["casusnet_clock_off"] == "1.0"
    assert float(series["casusnet_clock_offset_seconds"]) > 3000
    assert series["casusnet_clock_expired_peers"] == "1.0"
    # doctor, on the same (shifted) clock, says so too
    doctor = c.cli("politie", "--json", "doctor", env=clocks["politie"].env, check=False)
    checks = {ch["check"]: ch for ch in json.loads(doctor.stdout)["checks"]}
    assert checks["clock"]["ok"] is False, checks["clock"]
    assert "+36" in checks["clock"]["detail"]
    # the clock is stepped back; om returns. A retry due "an hour later" on the wall
    # clock would keep the share waiting for that hour; a duration does not.
    clocks["politie"].set(0)
    c.login("politie", STAFF["politie"])
    c.start("om")
    c.wait_for("om has the share", lambda: received(c, "om").get(share) == 1, timeout=45)
    c.wait_for("gemeente has the share", lambda: received(c, "gemeente").get(share) == 1, 45)
    c.wait_for(
        "the clock reported right again",
        lambda: not api(c, "politie").get("/v1/me")["clock"]["off"],
        timeout=30,
    )
