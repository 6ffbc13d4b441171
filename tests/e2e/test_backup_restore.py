"""Backup and restore with real processes: a node destroyed and restored loses nothing.

politie has shares for om in its outbox (om is down) when it is backed up. After the
backup it sends one more share (to gemeente) and receives one (from gemeente); then
its data dir is destroyed. Restored from the bundle with its master key, it delivers
the outbox to om, gets gemeente's share back from gemeente, and its next share uses
a sequence number above any it used before.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import Cluster, pga_room

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-301"
POLITIE = [
    "--basis",
    "wpg-20",
    "--categories",
    "politie,signalen",
    "--agreement-ref",
    "WPG20-9",
    "--justification",
    "Noodzakelijk.",
]
GEMEENTE = [
    "--basis",
    "pga-r",
    "--categories",
    "signalen",
    "--justification",
    "Nodig.",
    "--to",
    "politie",
]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    with pga_room(tmp_path, NODES, CASE, STAFF) as c:
        yield c


def rows(c: Cluster, node: str, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(c.data(node) / "node.db") as conn:
        return list(conn.execute(sql).fetchall())


def share(c: Cluster, node: str, args: list[str], text: str, to: str = "") -> str:
    extra = ["--to", to] if to else []
    return str(c.json(node, "share", CASE, *args, *extra, stdin=text)["share"])


def deliveries(c: Cluster, node: str, share_id: str) -> dict[str, str]:
    doc = c.room(node, CASE)
    return dict(next(s for s in doc["shares"] if s["id"] == share_id)["deliveries"])


def test_restore_delivers_the_outbox_and_resumes_without_reusing_numbers(
    cluster: Cluster, tmp_path: Path
) -> None:
    c = cluster
    c.stop("om")
    pending = [share(c, "politie", POLITIE, f"Signaal {i} voor het OM.", to="om") for i in (1, 2)]
    bundle = tmp_path / "politie.backup"
    c.cli("politie", "backup", "--to", str(bundle))  # while the node runs
    kept_key = tmp_path / "politie-master.key"
    shutil.copy(c.data("politie") / "master.key", kept_key)

    # after the backup: a share sent and one received, both lost with the data dir
    late = share(c, "politie", POLITIE, "Na de back-up.", to="gemeente")
    c.wait_for(
        "late delivered", lambda: deliveries(c, "politie", late) == {"gemeente": "delivered"}
    )
    incoming = share(c, "gemeente", GEMEENTE, "Van de gemeente na de back-up.")
    c.wait_for(
        "gemeente's share delivered",
        lambda: deliveries(c, "gemeente", incoming) == {"politie": "delivered"},
    )
    late_seq = rows(c, "gemeente", "SELECT seq FROM shares WHERE own = 0 AND sender = 'politie'")

    c.stop("politie")
    shutil.rmtree(c.data("politie"))
    c.cli(
        "politie", "restore", "--from", str(bundle), "--master-key", str(kept_key)
    )  # no passphrase or key in the bundle: the kept key opens it
    c.start("politie")
    c.login("politie", STAFF["politie"])  # sessions do not survive a restore
    c.start("om")

    # the outbox continues: om gets both shares, the receipts come back
    for sid in pending:
        c.wait_for(
            "outbox delivered", lambda sid=sid: deliveries(c, "politie", sid) == {"om": "delivered"}
        )
    got = rows(c, "om", "SELECT id FROM shares WHERE own = 0 AND sender = 'politie'")
    assert sorted(r[0].hex() for r in got) == sorted(pending)
    assert c.json("om", "view", CASE, pending[0])["summary"] == "Signaal 1 voor het OM."

    # what politie received after the backup comes back from its sender
    c.wait_for(
        "gemeente's share again",
        lambda: any(s["id"] == incoming for s in c.room("politie", CASE)["shares"]),
    )
    assert c.json("politie", "view", CASE, incoming)["summary"] == "Van de gemeente na de back-up."

    # the next share uses a number above every one used before: gemeente has both
    after = share(c, "politie", POLITIE, "Na het herstel.", to="gemeente")
    c.wait_for(
        "after delivered", lambda: deliveries(c, "politie", after) == {"gemeente": "delivered"}
    )
    seqs = rows(c, "gemeente", "SELECT id, seq FROM shares WHERE own = 0 AND sender = 'politie'")
    by_id = {r[0].hex(): r[1] for r in seqs}
    assert late in by_id
    assert after in by_id
    assert by_id[after] > max(int(s[0]) for s in late_seq)  # type: ignore[call-overload]
    assert c.json("gemeente", "view", CASE, after)["summary"] == "Na het herstel."
    assert c.json("politie", "audit", "verify")["ok"]
    actions = [r[0] for r in rows(c, "politie", "SELECT action FROM audit ORDER BY seq")]
    assert "restored" in actions
    c.wait_for(
        "resync complete",
        lambda: "resynced" in [r[0] for r in rows(c, "politie", "SELECT action FROM audit")],
    )
