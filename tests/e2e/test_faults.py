"""Faults with real processes: a partner away, a sender killed, a receiver crashing."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import Cluster, pga_room

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-101"
SHARE = [
    "--basis",
    "wpg-20",
    "--categories",
    "politie,signalen",
    "--agreement-ref",
    "WPG20-7",
    "--justification",
    "Noodzakelijk voor de weging.",
    "--to",
    "om",
]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with pga_room(tmp_path, NODES, CASE, STAFF) as c:
        yield c


def received(c: Cluster, node: str) -> list[tuple[str, int]]:
    """(share id, seq) of the shares a node stored, in the order it stored them."""
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        rows = conn.execute("SELECT id, seq FROM shares WHERE own = 0 ORDER BY rowid").fetchall()
    return [(r[0].hex(), r[1]) for r in rows]


def delivery_states(c: Cluster, node: str) -> list[str]:
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        return [r[0] for r in conn.execute("SELECT state FROM deliveries ORDER BY share")]


def share_n(c: Cluster, n: int) -> list[str]:
    return [
        c.json("politie", "share", CASE, *SHARE, stdin=f"Signaal nummer {i}.")["share"]
        for i in range(n)
    ]


def test_a_partner_away_during_sharing_gets_everything_in_order(cluster: Cluster) -> None:
    c = cluster
    c.stop("om")
    sent = share_n(c, 5)
    # "ten minutes" at the shortened timers: several full backoff periods pass
    time.sleep(3)
    with sqlite3.connect(c.data("politie") / "node.db") as conn:
        attempts = conn.execute("SELECT MAX(attempts) FROM outbox WHERE done_at IS NULL").fetchone()
    assert attempts[0] >= 2, "the sender kept retrying with backoff"
    c.start("om")
    c.wait_for("all delivered", lambda: delivery_states(c, "politie") == ["delivered"] * 5)
    got = received(c, "om")
    assert [sid for sid, _ in got] == sent
    assert [seq for _, seq in got] == sorted(seq for _, seq in got)


def test_a_sender_killed_mid_outbox_loses_nothing_and_duplicates_nothing(
    tmp_path: Path,
) -> None:
    c = Cluster(tmp_path, dict(NODES), env={"CASUSNET_OUTBOX_BATCH": "1"})
    c.setup()
    c.start_all()
    try:
        c.open_pga_room(CASE, STAFF)
        c.stop("om")
        sent = share_n(c, 12)
        c.start("om")
        c.wait_for("some delivered", lambda: len(received(c, "om")) >= 3, every=0.02)
        c.stop("politie", signal.SIGKILL)
        partial = len(received(c, "om"))
        assert partial < 12, "the sender was killed in the middle of its outbox"
        c.start("politie")
        c.wait_for("all delivered", lambda: delivery_states(c, "politie") == ["delivered"] * 12)
        got = received(c, "om")
        assert sorted(sid for sid, _ in got) == sorted(sent)
        assert len(got) == len(set(got)) == 12
    finally:
        c.stop_all()


def test_a_receiver_crashing_between_storing_and_answering_gets_the_envelope_once(
    cluster: Cluster,
) -> None:
    c = cluster
    c.stop("om")
    c.start("om", {"CASUSNET_FAULT": "crash_after_store"})
    sent = share_n(c, 1)
    c.wait_for("om to crash after storing", lambda: c.procs["om"].poll() is not None)
    assert [sid for sid, _ in received(c, "om")] == sent  # stored, never answered
    assert delivery_states(c, "politie") == ["pending"]
    c.procs.pop("om")
    c.start("om")
    c.wait_for("delivered after the retry", lambda: delivery_states(c, "politie") == ["delivered"])
    assert [sid for sid, _ in received(c, "om")] == sent  # once


def test_clear_one_line_errors_for_the_people_at_the_table(cluster: Cluster) -> None:
    c = cluster
    c.stop("om")
    away = c.cli("politie", "share", CASE, *SHARE, "--wait", "1.5", stdin="Signaal.", check=False)
    assert away.returncode == 1
    assert "not yet delivered to om" in away.stderr
    assert "casusnet doctor" in away.stderr
    assert len(away.stderr.strip().splitlines()) == 1

    refused = c.cli(
        "politie",
        "share",
        CASE,
        "--basis",
        "wjsg-39fb",
        "--categories",
        "justitieel",
        "--justification",
        "x",
        stdin="x",
        check=False,
    )
    assert refused.returncode == 1
    assert "policy.organisation" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    wrong = c.cli(
        "politie",
        "login",
        "--name",
        "piet",
        check=False,
        env={"CASUSNET_STAFF_PASSPHRASE": "niet-het-goede-wachtwoord"},
    )
    assert wrong.returncode == 1
    assert "wrong passphrase" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
