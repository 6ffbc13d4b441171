"""Key rotation with real processes: politie gets new identity keys mid-case.

The room is convened, weighed and used before the rotation, so its chain holds
politie's signatures by the old key, and a share signed by the old key waits in
politie's outbox (om is down). After the new roster reaches every node, a request
signed with the old key is refused, the new key is accepted, the waiting share and a
new one are delivered and opened, and the room replays and works after restarts.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nacl.utils
import pytest
from cluster import Cluster, pga_room

from node.config import load
from node.store import keystore
from protocol.keys import Signer
from protocol.request import HEADER, sign_request

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-401"
POLITIE = [
    "--basis",
    "wpg-20",
    "--categories",
    "politie,signalen",
    "--agreement-ref",
    "WPG20-11",
    "--justification",
    "Noodzakelijk voor de weging.",
]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with pga_room(tmp_path, NODES, CASE, STAFF) as c:
        yield c


def share(c: Cluster, text: str, to: str) -> str:
    return str(c.json("politie", "share", CASE, *POLITIE, "--to", to, stdin=text)["share"])


def delivered(c: Cluster, share_id: str) -> bool:
    doc = c.room("politie", CASE)
    states = next(s for s in doc["shares"] if s["id"] == share_id)["deliveries"]
    return set(states.values()) == {"delivered"}


def request(c: Cluster, signer: Signer, to: str) -> tuple[int, str]:
    """GET /v1/roster at ``to``, signed as politie with ``signer``."""
    path = "/v1/roster"
    header = sign_request(
        signer, "politie", to=to, method="GET", path=path, body=b"",
        now=int(time.time()), rand=nacl.utils.random,
    )  # fmt: skip
    req = urllib.request.Request(f"http://127.0.0.1:{c.ports[to]}{path}", headers={HEADER: header})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()).get("error", "")


def test_rotated_key_is_used_and_old_rooms_keep_working(cluster: Cluster, tmp_path: Path) -> None:
    c = cluster
    before = share(c, "Voor de rotatie.", "gemeente,om")
    c.wait_for("before delivered", lambda: delivered(c, before))
    c.stop("om")
    waiting = share(c, "Wacht in de outbox, oude sleutel.", "om")

    config = load(c.data("politie"))
    master = keystore.load_master(config)
    old = keystore.load_identity(config, master)

    # the node makes its next key; the authority lists it, keeping the old one
    rotate = c.json("politie", "key", "rotate")
    assert rotate["fingerprint"] != rotate["previous"] == old.fingerprint
    assert c.json("politie", "key", "rotate")["fingerprint"] == rotate["fingerprint"]  # same
    auth, roster2 = str(tmp_path / "authority"), str(tmp_path / "roster-2.msgpack")
    c.cli(None, "roster", "rotate", "--dir", auth, "--member", rotate["file"])
    c.cli(None, "roster", "sign", "--dir", auth, "--out", roster2)
    shown = c.json(None, "roster", "show", roster2)
    politie = next(m for m in shown["members"] if m["node"] == "politie")
    assert politie["fingerprint"] == rotate["fingerprint"]
    assert [r["fingerprint"] for r in politie["retired"]] == [old.fingerprint]

    # until its own node imports the roster, politie still signs with the old key
    assert keystore.load_identity(config, master).sign_public == old.sign_public
    for node in NODES:  # om is down: its operator imports the file offline
        c.cli(node, "roster", "import", roster2)
    new = keystore.load_identity(config, master)
    assert new.fingerprint == rotate["fingerprint"]
    history = keystore.load_history(config, master)
    assert [h.identity.sign_public for h in history] == [old.sign_public]

    # requests: the old key is refused with the typed auth error, the new one accepted
    assert request(c, old.signer, "gemeente") == (401, "request.auth")
    assert request(c, new.signer, "gemeente") == (200, "")

    # a share after the rotation is delivered and opened; the one signed with the
    # old key before it is delivered too once om is back
    after = share(c, "Na de rotatie.", "gemeente,om")
    c.start("om")
    for sid in (waiting, after):
        c.wait_for("delivered", lambda sid=sid: delivered(c, sid))
    assert c.json("gemeente", "view", CASE, after)["summary"] == "Na de rotatie."
    assert c.json("om", "view", CASE, after)["summary"] == "Na de rotatie."
    assert c.json("om", "view", CASE, waiting)["summary"] == "Wacht in de outbox, oude sleutel."

    # the room convened before the rotation replays at a restart and keeps working
    for node in ("gemeente", "om", "politie"):
        c.stop(node)
        c.start(node)
    for node in NODES:
        assert c.room(node, CASE)["phase"] == "open"
    c.cli("gemeente", "plan", "add", CASE, "--title", "Gesprek", "--measure", "zorg",
          "--owner", "gemeente", "--due", "2030-01-01")  # fmt: skip
    c.wait_for("plan at politie", lambda: len(c.room("politie", CASE)["plan"]) == 1)
    last = share(c, "Na de herstart.", "gemeente,om")
    c.wait_for("last delivered", lambda: delivered(c, last))
    assert c.json("om", "view", CASE, last)["summary"] == "Na de herstart."
    assert c.json("politie", "view", CASE, before)["summary"] == "Voor de rotatie."
    with sqlite3.connect(c.data("politie") / "node.db") as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit")]
    assert "key_rotated" in actions
    assert c.json("politie", "audit", "verify")["ok"]
