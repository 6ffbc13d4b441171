"""Information requests across real node processes, driven through the CLI: politie
asks OM twice; OM answers one with a verstrekking and declines the other. The asker
sees the answer and that the other was declined, never why; OM keeps its reasons."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cluster import Cluster, pga_room

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-052"
TOPIC = "Loopt er een strafzaak tegen betrokkene? MARKER-topic-4c1e"
REASON = "Lopend opsporingsonderzoek, verstrekking schaadt het onderzoek. MARKER-reason-9d2b"
ANSWER = "Zitting gepland op 12 mei. MARKER-answer-77aa"


def files(c: Cluster, node: str) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(c.data(node).glob("node.db*")))


def statuses(c: Cluster, node: str) -> dict[str, str]:
    return {r["id"]: r["status"] for r in c.json(node, "request", "list", CASE)["requests"]}


def test_a_request_is_answered_once_and_one_is_declined(tmp_path: Path) -> None:
    with pga_room(tmp_path, NODES, CASE, STAFF) as c:
        first = c.json("politie", "request", CASE, "--to", "om", "--topic", TOPIC,
                       "--categories", "justitieel")["request"]  # fmt: skip
        second = c.json("politie", "request", CASE, "--to", "om", "--topic",
                        "Is er een reclasseringsadvies?")["request"]  # fmt: skip
        c.wait_for("OM holding both requests", lambda: len(statuses(c, "om")) == 2)
        assert c.json("om", "request", "show", CASE, first[:8])["topic"] == TOPIC
        # the chair learns nothing of them
        assert c.json("gemeente", "request", "list", CASE)["requests"] == []
        assert TOPIC.encode() not in files(c, "gemeente")

        share = c.json(
            "om", "request", "answer", CASE, first, "--basis", "wjsg-39fb",
            "--categories", "justitieel", "--justification",
            "Noodzakelijk voor de weging; geen lichter middel.", stdin=ANSWER,
        )["share"]  # fmt: skip
        c.cli("om", "request", "decline", CASE, second, "--reason", REASON)
        # a second answer is refused with its own code, and changes nothing
        again = c.cli("om", "request", "decline", CASE, first, "--reason", REASON, check=False)
        assert again.returncode == 1
        assert "inquiry.answered" in again.stderr

        want = {first: "answered", second: "declined"}
        c.wait_for("politie seeing both outcomes", lambda: statuses(c, "politie") == want)
        assert statuses(c, "om") == want
        assert c.json("politie", "view", CASE, share)["summary"] == ANSWER
        declined = c.json("politie", "request", "show", CASE, second)
        assert "reason" not in declined
        assert REASON.encode() not in files(c, "politie")
        kept = c.json("om", "request", "show", CASE, second)
        assert kept["reason"] == REASON
        # the reasons are sealed at rest at OM, and its audit entry holds their hash
        assert REASON.encode() not in files(c, "om")
        with sqlite3.connect(c.data("om") / "node.db") as conn:
            [detail] = conn.execute(
                "SELECT detail FROM audit WHERE action = 'inquiry_declined'"
            ).fetchone()
        assert "reason_sha256" in detail
        # both appear in the asker's room view with their outcome
        room = c.room("politie", CASE)
        assert {r["id"]: r["answer"] for r in room["requests"]} == {first: share, second: None}
