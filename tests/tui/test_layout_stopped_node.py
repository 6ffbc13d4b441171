"""A partner node that stops answering (stopped with SIGSTOP: its port still accepts
connections, nothing answers) shows as unreachable at the sender's node after a
short wait, not only when the request times out (set to a minute here), with
``unreachable_since``; against real node processes."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))

from cluster import Cluster  # noqa: E402

from node.apiclient import ApiClient  # noqa: E402

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
TIMEOUT = "60"  # the gemeente's request timeout: what it took to say "unreachable" before


def roster_entry(api: ApiClient, node: str) -> dict[str, object]:
    return next(m for m in api.get("/v1/roster")["members"] if m["node"] == node)


@pytest.mark.slow
def test_a_stopped_partner_is_unreachable_long_before_the_request_timeout(
    tmp_path: Path,
) -> None:
    cluster = Cluster(tmp_path, dict(NODES))
    cluster.setup()
    try:
        cluster.start("gemeente", {"CASUSNET_REQUEST_TIMEOUT": TIMEOUT})
        cluster.start("politie")
        cluster.start("om")
        cluster.add_staff("gemeente", "anna", "aandachtsfunctionaris")
        cluster.login("gemeente", "anna")
        api = ApiClient(cluster.data("gemeente") / "api.sock")
        api.token = api.post("/v1/login", {"name": "anna", "passphrase": "wachtwoord-van-anna"})[
            "token"
        ]
        cluster.cli("gemeente", "room", "convene", "--case", "RAD-2026-041", "--bases", "pga-r")
        cluster.cli("gemeente", "room", "invite", "RAD-2026-041", "politie")
        cluster.wait_for("politie reached", lambda: roster_entry(api, "politie")["reachable"])
        assert roster_entry(api, "politie")["unreachable_since"] is None

        cluster.procs["politie"].send_signal(signal.SIGSTOP)  # its port still accepts
        try:
            before = time.time()
            cluster.cli("gemeente", "room", "invite", "RAD-2026-041", "om")  # politie hears
            entry = cluster.wait_for(
                "politie unreachable",
                lambda: (e := roster_entry(api, "politie"))["reachable"] is False and e,
                timeout=30,  # well under the minute the attempt itself may take
            )
            since = entry["unreachable_since"]
            assert isinstance(since, int)
            assert since >= int(before) - 1
        finally:
            cluster.procs["politie"].send_signal(signal.SIGCONT)
        # once it answers again, it is reachable again
        cluster.wait_for("politie back", lambda: roster_entry(api, "politie")["reachable"], 90)
        assert roster_entry(api, "politie")["unreachable_since"] is None
    finally:
        cluster.stop_all()
