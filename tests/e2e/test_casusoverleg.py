"""A whole casusoverleg across six real node processes, driven through the CLI."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import Cluster

pytestmark = pytest.mark.slow

PARTNERS = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "zvh": "zvh",
    "reclassering": "reclassering",
    "ggz": "ggz",
}
STAFF = {
    "gemeente": ("anna", "aandachtsfunctionaris radicalisering"),
    "politie": ("piet", "wijkagent"),
    "om": ("olga", "officier van justitie"),
    "zvh": ("zeynep", "procesregisseur"),
    "reclassering": ("rob", "reclasseringswerker"),
    "ggz": ("greet", "psychiater"),
}
CASE = "RAD-2026-017"

SHARES = {
    "politie": [
        "--basis",
        "wpg-20",
        "--categories",
        "politie,signalen",
        "--agreement-ref",
        "WPG20-2026-004",
    ],
    "om": ["--basis", "wjsg-39fb", "--categories", "justitieel"],
    "gemeente": [
        "--basis",
        "pga-r",
        "--categories",
        "signalen,sociale_relaties",
        "--to",
        "ggz,om,politie,reclassering,zvh",
    ],
    "reclassering": ["--basis", "pga-r", "--categories", "plan"],
    "ggz": [
        "--basis",
        "pga-r",
        "--categories",
        "gezondheid",
        "--to",
        "gemeente,om,politie",
        "--secrecy-ground",
        "toestemming",
        "--secrecy-ref",
        "Schriftelijke toestemming betrokkene 2026-03-02",
    ],
}


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("casusoverleg"), dict(PARTNERS))
    cluster.setup()
    cluster.start_all()
    try:
        for node, (name, function) in STAFF.items():
            cluster.add_staff(node, name, function)
            cluster.login(node, name)
        yield cluster
    finally:
        cluster.stop_all()


def members(c: Cluster, node: str) -> set[str]:
    return {m["node"] for m in c.room(node, CASE)["members"]}


def test_a_whole_casusoverleg(meeting: Cluster) -> None:
    c = meeting
    # the ZVH's procesregisseur chairs on behalf of the burgemeester of the gemeente van
    # verblijf (Wet PGA art. 2): without the burgemeester's mandate it cannot convene
    convene = ("room", "convene", "--case", CASE, "--bases", "pga-r,wpg-20,wjsg-39fb")
    refused = c.cli("zvh", *convene, "--verblijf", "gemeente", check=False)
    assert refused.returncode == 1
    c.cli("gemeente", "mandate", "--chair", "zvh", "--case", CASE)

    def convened() -> bool:
        done = c.cli("zvh", *convene, "--verblijf", "gemeente", check=False)
        return done.returncode == 0

    c.wait_for("the mandate at the ZVH and the convene", convened)
    assert c.room("zvh", CASE)["phase"] == "intake"
    for node in ("gemeente", "politie", "om", "reclassering"):
        c.cli("zvh", "room", "invite", CASE, node)
    deelnemers = {"gemeente", "politie", "om", "zvh", "reclassering"}
    c.wait_for("the deelnemers in the room", lambda: members(c, "reclassering") == deelnemers)

    # the intake of gemeente (as burgemeester), politie and OM: politiegegevens only
    # after a positive beoordeling (Wet PGA art. 5 lid 4)
    with pytest.raises(Exception, match="positive beoordeling"):
        c.cli("politie", "share", CASE, *SHARES["politie"], "--justification", "x", stdin="x")
    c.intake("zvh", CASE, named=("reclassering",))
    c.wait_for(
        "the room to open", lambda: all(c.room(n, CASE)["phase"] == "open" for n in deelnemers)
    )

    # GGZ joins as a third party only with the consent of gemeente, politie and OM
    c.cli("zvh", "room", "invite", CASE, "ggz", "--role", "derde")
    c.cli("gemeente", "room", "consent", CASE, "--subject", "ggz")
    c.cli("politie", "room", "consent", CASE, "--subject", "ggz")
    c.wait_for(
        "two consents at the chair",
        lambda: len(c.room("zvh", CASE)["consents"].get("ggz", [])) == 2,
    )
    time.sleep(0.5)
    # two of three consents are not enough, and until then ggz learns nothing of the room
    assert "ggz" not in members(c, "gemeente")
    assert c.cli("ggz", "room", "show", CASE, check=False).returncode != 0
    c.cli("om", "room", "consent", CASE, "--subject", "ggz")
    c.wait_for(
        "ggz in the room",
        lambda: "ggz" in members(c, "ggz") and all("ggz" in members(c, n) for n in deelnemers),
    )

    # a share from every partner, each delivered and confirmed to its sender
    sent: dict[str, str] = {}
    for node, args in SHARES.items():
        text = f"Samenvatting van {node} over {CASE}."
        doc = c.json(
            node,
            "share",
            CASE,
            *args,
            "--justification",
            "Noodzakelijk voor de weging; geen lichter middel.",
            stdin=text,
        )
        sent[node] = doc["share"]

    def all_delivered() -> bool:
        for node, share_id in sent.items():
            share = next(s for s in c.room(node, CASE)["shares"] if s["id"] == share_id)
            if set(share["deliveries"].values()) != {"delivered"}:
                return False
        return True

    c.wait_for("every share delivered", all_delivered)
    politie_share = c.json("om", "view", CASE, sent["politie"])
    assert politie_share["summary"] == f"Samenvatting van politie over {CASE}."
    assert politie_share["author_function"] == "wijkagent"  # never the name
    # the third party opens what was addressed to it, nothing else
    assert c.json("ggz", "view", CASE, sent["gemeente"])["sender"] == "gemeente"
    denied = c.cli("ggz", "view", CASE, sent["politie"], check=False)
    assert denied.returncode == 1

    c.cli(
        "zvh",
        "plan",
        "add",
        CASE,
        "--title",
        "Meldplicht en gesprek met moskeebestuur",
        "--measure",
        "bestuurlijk",
        "--owner",
        "gemeente",
        "--due",
        "2027-01-15",
    )
    c.wait_for("the plan at the gemeente", lambda: c.room("gemeente", CASE)["plan"])
    sealed_keys = {n: room_key_blobs(c.data(n)) for n in PARTNERS}
    assert all(sealed_keys.values())

    # closure: every partner revokes, deletes and destroys its room keys
    c.close("zvh", CASE, "afgeschaald")  # the deelnemers sign the closure

    def all_confirmed() -> bool:
        for node, share_id in sent.items():
            doc = c.room(node, CASE)
            share = next(s for s in doc["shares"] if s["id"] == share_id)
            if set(share["deliveries"].values()) != {"deleted"}:
                return False
            if set(doc["closed_receipts"]) != set(PARTNERS) - {node}:
                return False
        return True

    c.wait_for("every deleted and closed receipt at the senders", all_confirmed, timeout=40)

    for node in PARTNERS:
        assert c.room(node, CASE)["phase"] == "closed"
        assert c.cli(node, "view", CASE, sent["gemeente"], check=False).returncode == 1
        db = c.data(node) / "node.db"
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM room_keys").fetchone()[0] == 0
            assert (
                conn.execute(
                    "SELECT COUNT(*) FROM shares WHERE envelope IS NOT NULL AND own = 0"
                ).fetchone()[0]
                == 0
            )
            assert conn.execute("SELECT COUNT(*) FROM plaintext").fetchone()[0] == 0
        raw = b"".join(p.read_bytes() for p in c.data(node).glob("node.db*"))
        for blob in sealed_keys[node]:
            assert blob not in raw, f"{node}: a room key survives in its SQLite files"
        assert c.json(node, "audit", "verify")["ok"]

    export = c.json("politie", "audit", "export", "--case", CASE)
    rows = export["rooms"][0]["shares"]
    assert {r["direction"] for r in rows} == {"sent", "received"}
    assert all(r["revoked_at"] for r in rows if r["direction"] == "sent")


def room_key_blobs(data: Path) -> list[bytes]:
    with sqlite3.connect(data / "node.db") as conn:
        return [r[0] for r in conn.execute("SELECT sealed FROM room_keys")]


def test_doctor_sees_every_partner(meeting: Cluster) -> None:
    doc = meeting.json("politie", "doctor")
    assert doc["ok"], doc
    peers = [c for c in doc["checks"] if c["check"].startswith("peer ")]
    assert len(peers) == len(PARTNERS) - 1


def test_roster_import_refuses_an_older_or_foreign_roster(meeting: Cluster, tmp_path: Path) -> None:
    c = meeting
    same = c.cli("om", "roster", "import", str(c.root / "roster.msgpack"), check=False)
    assert same.returncode == 1
    assert "roster.stale" in same.stderr
    foreign = tmp_path / "foreign"
    c.cli(None, "roster", "create", "--dir", str(foreign), "--federation", "testregio")
    c.cli(
        None,
        "roster",
        "add",
        "--dir",
        str(foreign),
        "--member",
        str(c.data("om") / "member.json"),
        "--name",
        "OM",
    )
    c.cli(None, "roster", "sign", "--dir", str(foreign), "--out", str(tmp_path / "r.msgpack"))
    refused = c.cli("om", "roster", "import", str(tmp_path / "r.msgpack"), check=False)
    assert refused.returncode == 1
    assert "roster.authority" in refused.stderr


def test_audit_verify_detects_an_entry_edited_in_sqlite(meeting: Cluster) -> None:
    c = meeting
    assert c.json("reclassering", "audit", "verify")["ok"]
    with sqlite3.connect(c.data("reclassering") / "node.db") as conn:
        conn.execute("UPDATE audit SET actor = 'iemand-anders' WHERE seq = 3")
    result = c.cli("reclassering", "audit", "verify", check=False)
    assert result.returncode == 1
    assert "entry 3 was changed" in result.stderr


def test_the_cli_and_the_daemon_write_one_audit_chain(meeting: Cluster) -> None:
    """A staff member added by the CLI while the node runs (an audit entry written by
    another process) does not break the daemon's next entries."""
    c = meeting
    c.add_staff("zvh", "zoe", "procesregisseur")
    c.login("zvh", "zoe")  # the daemon appends after the CLI's entry
    c.add_staff("zvh", "zeger", "secretaris")
    assert c.json("zvh", "room", "list")["rooms"] == []  # zoe is not assigned to the room
    assert c.json("zvh", "audit", "verify")["ok"]
