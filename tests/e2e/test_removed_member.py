"""A member removed from a casusoverleg, across real node processes driven through the
CLI: it deletes what it received and its room keys at once and the chair holds its
signed confirmation; at the close it hears the close like every node that was ever
at the table, and its ``closed`` receipt fills the revocation matrix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cluster import Cluster, pga_room

from protocol.codec import decode
from protocol.share import Share
from protocol.signed import Signed

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om", "rvdk": "rvdk"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-031"
MARKER = "Signalen-van-isolatie-MARKER-7f3a"


def files(c: Cluster, node: str) -> bytes:
    """Everything in the node's SQLite files: database, WAL and shared memory."""
    return b"".join(p.read_bytes() for p in sorted(c.data(node).glob("node.db*")))


def column(data: Path, sql: str) -> list[bytes]:
    with sqlite3.connect(data / "node.db") as conn:
        return [bytes(r[0]) for r in conn.execute(sql) if r[0] is not None]


def ciphertext(envelope: bytes) -> bytes:
    """64 bytes from the middle of a share's encrypted content."""
    ct = bytes(decode(decode(envelope, Signed.SPEC).body, Share.SPEC).ct)
    return ct[len(ct) // 2 - 32 : len(ct) // 2 + 32]


def test_a_removed_member_deletes_confirms_and_hears_the_close(tmp_path: Path) -> None:
    with pga_room(tmp_path, NODES, CASE, STAFF, named=("rvdk",)) as c:
        share = c.json(
            "politie", "share", CASE, "--basis", "wpg-20", "--categories", "politie,signalen",
            "--agreement-ref", "WPG20-2026-011", "--justification",
            "Noodzakelijk voor de weging; geen lichter middel.", stdin=MARKER,
        )["share"]  # fmt: skip

        def delivered() -> bool:
            doc = c.room("politie", CASE)
            mine = next(s for s in doc["shares"] if s["id"] == share)
            return set(mine["deliveries"].values()) == {"delivered"}

        c.wait_for("politie's share delivered", delivered)
        assert c.json("om", "view", CASE, share)["summary"] == MARKER
        envelopes = column(c.data("om"), "SELECT envelope FROM shares WHERE own = 0")
        keys = column(c.data("om"), "SELECT sealed FROM room_keys")
        assert envelopes
        assert keys

        # the chair removes OM: OM hears it, deletes and confirms
        c.cli("gemeente", "room", "remove", CASE, "om")

        def confirmed() -> bool:
            former = c.room("gemeente", CASE)["former_members"]
            return [(f["node"], f["deletion_confirmed"]) for f in former] == [("om", True)]

        c.wait_for("the chair holding OM's confirmation", confirmed)
        assert "om" not in {m["node"] for m in c.room("om", CASE)["members"]}
        assert column(c.data("om"), "SELECT sealed FROM room_keys") == []
        assert column(c.data("om"), "SELECT envelope FROM shares WHERE own = 0") == []
        assert c.cli("om", "view", CASE, share, check=False).returncode == 1
        raw = files(c, "om")
        for blob in keys + [ciphertext(e) for e in envelopes]:
            assert blob not in raw, "a room key or received ciphertext survives at OM"
        assert MARKER.encode() not in raw
        doc = c.room("politie", CASE)
        mine = next(s for s in doc["shares"] if s["id"] == share)
        assert mine["deliveries"]["om"] == "deleted"
        shown = c.cli("gemeente", "room", "show", CASE).stdout
        assert "former member, deletion confirmed" in shown

        # the meeting goes on without OM (RvdK, named by the samenstelling, joins), then closes
        c.add_staff("rvdk", "ruud", "raadsonderzoeker")
        c.login("rvdk", "ruud")
        c.cli("gemeente", "room", "invite", CASE, "rvdk")
        c.wait_for(
            "rvdk in the room",
            lambda: "rvdk" in {m["node"] for m in c.room("gemeente", CASE)["members"]},
        )
        c.close("gemeente", CASE)

        def closed_everywhere() -> bool:
            chair = c.room("gemeente", CASE)
            politie = c.room("politie", CASE)
            return (
                c.room("om", CASE)["phase"] == "closed"
                and set(chair["closed_receipts"]) == {"politie", "om", "rvdk"}
                and set(politie["closed_receipts"]) >= {"gemeente", "om"}
            )

        c.wait_for("every node's closed receipt, OM's too", closed_everywhere, timeout=40)
        om = c.room("om", CASE)
        assert (om["status"], om["outcome"]) == ("keys_destroyed", "afgesloten")  # only received
        # OM never sat with RvdK: neither hears of the other
        assert "rvdk" not in om["closed_receipts"]
        assert "om" not in c.room("rvdk", CASE)["closed_receipts"]
        shown = c.cli("gemeente", "room", "show", CASE).stdout
        assert "closed receipts from: " in shown
        assert "om" in shown.split("closed receipts from: ")[1]
        assert c.json("om", "audit", "verify")["ok"]
