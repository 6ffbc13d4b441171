"""The closure as a decision of the deelnemers (Wet PGA art. 6 lid 3), across real node
processes driven through the CLI: the chair proposes it with the closing note; while
one deelnemer has not signed, a close is refused (``chain.closure``) and the room stays
open everywhere; once all signed, the chair's node closes it by itself, and afterwards
no recipient holds the content or its room keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluster import Cluster, pga_room
from test_removed_member import ciphertext, column, files

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om", "rvdk": "rvdk"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga", "rvdk": "ruud"}
CASE = "RAD-2026-044"
MARKER = "Signalen-van-isolatie-MARKER-c10e"


def test_the_room_closes_when_every_deelnemer_signed(tmp_path: Path) -> None:
    with pga_room(tmp_path, NODES, CASE, STAFF, named=("rvdk",)) as c:
        c.cli("gemeente", "room", "invite", CASE, "rvdk")
        c.wait_for("rvdk at the table", lambda: len(c.room("rvdk", CASE)["members"]) == 4)
        share = c.json(
            "politie", "share", CASE, "--basis", "wpg-20", "--categories", "politie,signalen",
            "--agreement-ref", "WPG20-2026-012", "--justification",
            "Noodzakelijk voor de aanpak; geen lichter middel.", "--wait", "20", stdin=MARKER,
        )["share"]  # fmt: skip
        recipients = ("gemeente", "om", "rvdk")
        held = {n: column(c.data(n), "SELECT envelope FROM shares WHERE own = 0") for n in NODES}
        keys = {n: column(c.data(n), "SELECT sealed FROM room_keys") for n in NODES}
        assert all(held[n] for n in recipients)

        seq = c.propose_close("gemeente", CASE, "afgeschaald")
        assert seq is not None
        signers = c.signers("gemeente", CASE)
        assert signers == ["gemeente", "om", "politie", "rvdk"]
        for node in signers[:-1]:
            _sign(c, node, seq)
        c.wait_for(
            "three signatures at the chair",
            lambda: len(c.room("gemeente", CASE)["ruling"]["endorsed"]) == 3,
        )
        shown = c.cli("gemeente", "room", "show", CASE).stdout
        assert "pending closure" in shown
        assert "must still sign: rvdk" in shown
        # the chair cannot close the room alone while RvdK has not signed
        refused = c.cli("gemeente", "room", "close", CASE, "--outcome", "afgeschaald", check=False)
        assert refused.returncode != 0
        assert "chain.closure" in refused.stderr
        assert all(c.room(n, CASE)["phase"] == "open" for n in NODES)
        assert c.json("rvdk", "view", CASE, share)["summary"] == MARKER

        _sign(c, "rvdk", seq)

        def closed_everywhere() -> bool:
            docs = {n: c.room(n, CASE) for n in NODES}
            return all(d["phase"] == "closed" for d in docs.values()) and set(
                docs["politie"]["closed_receipts"]
            ) == set(recipients)

        c.wait_for("closed and confirmed everywhere", closed_everywhere, timeout=40)
        assert c.room("om", CASE)["outcome"] == "afgeschaald"
        for node in recipients:
            assert c.cli(node, "view", CASE, share, check=False).returncode == 1
            assert column(c.data(node), "SELECT sealed FROM room_keys") == []
            assert column(c.data(node), "SELECT envelope FROM shares WHERE own = 0") == []
            raw = files(c, node)
            for blob in keys[node] + [ciphertext(e) for e in held[node]]:
                assert blob not in raw, f"{node}: a room key or received ciphertext survives"
            assert MARKER.encode() not in raw


def _sign(c: Cluster, node: str, seq: int) -> None:
    c.wait_for(
        f"the proposed closure at {node}",
        lambda: (c.room(node, CASE).get("ruling") or {}).get("seq") == seq,
    )
    c.cli(node, "room", "endorse", CASE, "--ruling", str(seq))
