"""A signed request replayed to a node process after a restart (SIGTERM or SIGKILL)."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

import msgpack
import nacl.utils
import pytest
from cluster import Cluster

from node.config import load
from node.faces.federation import Batch
from node.store import keystore
from protocol.request import HEADER, sign_request

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie"}
CASE = "RAD-2026-311"


def signed_inbox(c: Cluster, envelopes: list[bytes]) -> tuple[str, bytes]:
    """A ``POST /v1/inbox`` to politie as gemeente's node signs it: (header, body)."""
    config = load(c.data("gemeente"))
    identity = keystore.load_identity(config, keystore.load_master(config))
    body = Batch(tuple(envelopes)).encode()
    value = sign_request(
        identity.signer,
        "gemeente",
        to="politie",
        method="POST",
        path="/v1/inbox",
        body=body,
        now=int(time.time()),
        rand=nacl.utils.random,
    )
    return value, body


def post(c: Cluster, value: str, body: bytes) -> tuple[int, bytes]:
    url = f"http://127.0.0.1:{c.ports['politie']}/v1/inbox"
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header(HEADER, value)
    req.add_header("Content-Type", "application/msgpack")
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def politie_db(c: Cluster, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(c.data("politie") / "node.db") as conn:
        return conn.execute(sql).fetchall()


def applied(c: Cluster) -> list[int]:
    """Politie's events, inbox entries and audit entries of received chain events."""
    return [
        int(str(politie_db(c, sql)[0][0]))
        for sql in (
            "SELECT COUNT(*) FROM events",
            "SELECT COUNT(*) FROM inbox",
            "SELECT COUNT(*) FROM audit WHERE action IN ('convene', 'invite')",
        )
    ]


def test_a_request_replayed_after_a_restart_or_a_crash_is_refused(tmp_path: Path) -> None:
    c = Cluster(tmp_path, dict(NODES))
    c.setup()
    try:
        # gemeente convenes and invites politie, which is not running: the room's chain
        # waits in gemeente's outbox, and is taken from there
        c.start("gemeente")
        c.add_staff("gemeente", "anna", "casusregisseur")
        c.login("gemeente", "anna")
        c.cli("gemeente", "room", "convene", "--case", CASE, "--bases", "pga-r")
        c.cli("gemeente", "room", "invite", CASE, "politie")
        c.stop("gemeente")
        with sqlite3.connect(c.data("gemeente") / "node.db") as conn:
            rows = conn.execute("SELECT envelope FROM outbox WHERE peer = 'politie' ORDER BY id")
            convene, invite = (bytes(r[0]) for r in rows.fetchall())
        c.start("politie")
        log = (tmp_path / "politie.log").read_text()
        assert "node politie running" in log, "the daemon logs to standard error"

        for envelopes, sig in (([convene], signal.SIGTERM), ([invite], signal.SIGKILL)):
            value, body = signed_inbox(c, envelopes)
            status, answer = post(c, value, body)
            assert status == 200, answer
            assert all(r[0] == "ok" for r in msgpack.unpackb(answer)["results"])
            before = applied(c)
            c.stop("politie", sig)
            c.start("politie")
            status, answer = post(c, value, body)  # byte for byte the same request
            assert status == 401, answer
            assert json.loads(answer)["error"] == "request.replay"
            assert applied(c) == before, "nothing applied twice"

        assert applied(c) == [2, 2, 2]
        refused = politie_db(c, "SELECT detail FROM audit WHERE action = 'refused'")
        codes = [json.loads(str(r[0]))["code"] for r in refused]
        assert codes == ["request.replay", "request.replay"]
    finally:
        c.stop_all()
