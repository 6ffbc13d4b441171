"""Health, metrics and the partners' reachability, from a real node process.

zvh runs with its metrics endpoint on (``CASUSNET_METRICS``) and chairs a wgs
room (the ZVH is the samenwerkingsverband); politie joins, judges the intake and is
then stopped; om is invited (named by the samenstelling) but never started; gemeente
is in the roster and never contacted.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster import Cluster, free_port

from node.apiclient import ApiClient

pytestmark = pytest.mark.slow

NODES = {"zvh": "zvh", "politie": "politie", "om": "om", "gemeente": "gemeente"}
CASE = "RAD-2026-301"

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$")
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)')


def parse_prometheus(text: str) -> dict[str, Any]:
    """The text exposition format 0.0.4: ``{"types": {name: type}, "samples": {(name,
    labels): value}}``; raises on any line that is not a comment, blank or sample."""
    types: dict[str, str] = {}
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped")
            types[name] = kind
            continue
        if line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name, labels, value = match.groups()
        pairs = frozenset(_LABEL.findall(labels or ""))
        assert name in types, f"{name} has no TYPE line before it"
        assert (name, pairs) not in samples, f"{line!r} repeats a series"
        samples[(name, pairs)] = float(value)
    return {"types": types, "samples": samples}


class Scrape:
    def __init__(self, text: str) -> None:
        self.text = text
        parsed = parse_prometheus(text)
        self.types, self.samples = parsed["types"], parsed["samples"]

    def __call__(self, name: str, **labels: str) -> float:
        return self.samples[(name, frozenset(labels.items()))]

    def labels(self, name: str) -> list[dict[str, str]]:
        return [dict(pairs) for n, pairs in self.samples if n == name]


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[Cluster, str]]:
    c = Cluster(tmp_path, dict(NODES))
    c.setup()
    address = f"127.0.0.1:{free_port()}"
    try:
        c.start("zvh", {"CASUSNET_METRICS": address})
        c.start("politie")
        yield c, f"http://{address}"
    finally:
        c.stop_all()


def test_metrics_health_and_reachability_follow_the_partners(
    cluster: tuple[Cluster, str],
) -> None:
    c, base = cluster
    c.add_staff("zvh", "anna", "casusregisseur")
    c.login("zvh", "anna")
    c.add_staff("politie", "piet", "wijkagent")  # assigned to the room when invited
    c.login("politie", "piet")
    token = (c.data("zvh") / "session.token").read_text().strip()
    api = ApiClient(c.data("zvh") / "api.sock", token)

    def roster() -> dict[str, dict[str, Any]]:
        return {m["node"]: m for m in api.get("/v1/roster")["members"]}

    before = roster()
    assert before["zvh"]["self"] is True
    assert all(m["reachable"] is None for n, m in before.items() if n != "zvh")

    c.cli("zvh", "room", "convene", "--case", CASE, "--bases", "wgs")
    c.cli("zvh", "room", "invite", CASE, "politie")
    c.cli("zvh", "room", "invite", CASE, "om")
    c.wait_for("politie joined", lambda: len(c.room("zvh", CASE)["members"]) == 2)
    # the public deelnemers at the table judge the melding (Wgs art. 2.31): politie
    c.intake("zvh", CASE, deciders=("politie",), named=("om",))
    c.stop("politie")
    c.cli("zvh", "plan", "add", CASE, "--title", "Signalen.", "--measure", "zorg",
          "--owner", "politie", "--due", "2027-01-15")  # fmt: skip

    def scrape() -> Scrape:
        status, kind, text = get(base + "/metrics")
        assert status == 200
        assert kind.startswith("text/plain")
        assert "version=0.0.4" in kind
        return Scrape(text)

    m = c.wait_for(
        "failed deliveries to politie and om",
        lambda: (
            (s := scrape())
            and s("casusnet_delivery_failures_total", peer="politie") >= 1
            and s("casusnet_delivery_failures_total", peer="om") >= 1
            and s
        ),
    )
    assert m("casusnet_up") == 1
    assert m("casusnet_roster_version") == 1
    assert m.types["casusnet_delivery_failures_total"] == "counter"
    assert m.types["casusnet_inbox_envelopes"] == "gauge"
    assert m("casusnet_outbox_depth", peer="politie") >= 1  # the plan item
    assert m("casusnet_outbox_depth", peer="om") >= 1  # the room's chain
    assert m("casusnet_outbox_depth", peer="gemeente") == 0
    assert {d["peer"] for d in m.labels("casusnet_outbox_depth")} == {"politie", "om", "gemeente"}
    assert m("casusnet_delivery_failures_total", peer="gemeente") == 0
    assert m("casusnet_receipts_outstanding") == 0  # the ZVH supplies nothing
    assert m("casusnet_inbox_envelopes") >= 1  # politie's join
    rooms = {d["state"]: m("casusnet_rooms", **d) for d in m.labels("casusnet_rooms")}
    assert rooms == {"intake": 0, "open": 1, "closed": 0, "keys_destroyed": 0, "shielded": 0}
    # labels carry node ids and states only: no case, room, staff name or content
    room = c.room("zvh", CASE)["room"]
    for secret in (CASE, room, room[:16], "anna", "Signalen."):
        assert secret not in m.text

    status, _, body = get(base + "/v1/health")
    health = json.loads(body)
    assert status == 200
    assert health["ok"] is True
    assert (health["node"], health["roster_version"]) == ("zvh", 1)
    assert health["outbox"] >= 2
    assert health["version"]
    assert get(base + "/nothing")[0] == 404

    peers = roster()
    assert peers["zvh"]["self"] is True
    assert peers["zvh"]["reachable"] is True
    assert [n for n, p in peers.items() if p["self"]] == ["zvh"]
    politie, om, gemeente = peers["politie"], peers["om"], peers["gemeente"]
    assert politie["reachable"] is False  # the last attempt failed
    assert isinstance(politie["last_contact"], int)  # it was in contact before it stopped
    assert politie["failures"] >= 1
    assert politie["outbox"] >= 1
    assert (om["reachable"], om["last_contact"]) == (False, None)
    assert om["failures"] >= 1
    g = gemeente
    assert (g["reachable"], g["last_contact"], g["outbox"], g["failures"]) == (None, None, 0, 0)

    # politie comes back: delivered, confirmed, reachable again
    c.start("politie")
    c.wait_for("delivered", lambda: scrape()("casusnet_outbox_depth", peer="politie") == 0)
    back = c.wait_for("politie reachable", lambda: roster()["politie"]["reachable"] and roster())
    assert back["politie"]["failures"] == 0
    assert back["politie"]["outbox"] == 0
    assert back["om"]["reachable"] is False
    assert scrape()("casusnet_delivery_failures_total", peer="politie") >= 1  # a counter
