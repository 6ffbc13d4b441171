"""The referral of a Wgs case to the Wet PGA (Wgs art. 2.31 lid 13) across real node
processes, driven through the CLI: the ZVH convenes a ``wgs`` room with politie and
the gemeente; politie refers the case; the gemeente van verblijf gets an ordinary
aanmelding with the room's case reference and what politie typed, and brings in the
OM; the referral shows in the room at politie only; the ZVH, no Wet PGA deelnemer, is
refused with a typed error.

Nothing is shared in the Wgs room: the referral must not depend on the room being
open (a Wgs room starts in an intake)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cluster import Cluster
from test_aanmelding_flow import STAFF as PGA_STAFF

pytestmark = pytest.mark.slow

PARTNERS = {"zvh": "zvh", "politie": "politie", "gemeente": "gemeente", "om": "om"}
STAFF = {"zvh": ("zara", "procesregisseur")} | {n: PGA_STAFF[n] for n in PARTNERS if n != "zvh"}
CASE = "WGS-2026-044"
TYPED = "Signalen: uitingen over geweld op straat, gezien door de wijkagent."


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("referral"), dict(PARTNERS))
    c.setup()
    c.start_all()
    try:
        c.staff_logged_in(STAFF)
        c.cli("zvh", "room", "convene", "--case", CASE, "--bases", "wgs")
        c.cli("zvh", "room", "invite", CASE, "politie")
        c.cli("zvh", "room", "invite", CASE, "gemeente")
        c.wait_for(
            "the members at politie",
            lambda: (
                {m["node"] for m in c.room("politie", CASE)["members"]}
                == {"zvh", "politie", "gemeente"}
            ),
        )
        yield c
    finally:
        c.stop_all()


def held(c: Cluster, node: str) -> list[dict[str, object]]:
    return list(c.json(node, "aanmelding", "list")["aanmeldingen"])


def test_politie_refers_the_case_and_the_gemeente_gets_the_aanmelding(cluster: Cluster) -> None:
    c = cluster
    sent = c.json(
        "politie", "room", "refer", CASE, "--to", "gemeente", "--verblijf", "gemeente",
        "--summary", TYPED, "--reason", "Vermoeden van radicalisering",
        "--function", "wijkagent radicalisering",
    )  # fmt: skip
    aid = str(sent["id"])
    assert (sent["case_ref"], sent["aanmelder"], sent["to_node"]) == (CASE, "politie", "gemeente")

    # the gemeente van verblijf holds an ordinary aanmelding: the case and what was typed
    for node in ("gemeente", "om"):  # the gemeente brings in the OM
        c.wait_for(f"the aanmelding at {node}", lambda n=node: held(c, n))  # type: ignore[misc]
        shown = c.json(node, "aanmelding", "show", aid[:12])
        assert shown["case_ref"] == CASE
        assert shown["aanmelder"] == "politie"
        assert shown["content"] == {
            "summary": TYPED,
            "reason": "Vermoeden van radicalisering",
            "author_function": "wijkagent radicalisering",
        }
        assert shown["referred_from"] is None  # the referral is politie's own record
    c.wait_for(
        "the gemeente's receipt",
        lambda: c.json("politie", "aanmelding", "show", aid)["delivered"] == ["gemeente"],
    )

    # the referral shows in the Wgs room at politie, not at the gemeente
    room = c.room("politie", CASE)["room"]
    listed = c.json("politie", "room", "referrals", CASE)
    assert listed["room"] == room
    assert [(r["aanmelding"], r["to"]) for r in listed["referrals"]] == [(aid, "gemeente")]
    assert (
        f"aanmelding {aid[:12]} sent to gemeente"
        in c.cli("politie", "room", "referrals", CASE).stdout
    )
    assert c.json("gemeente", "room", "referrals", CASE)["referrals"] == []
    exported = c.json("politie", "audit", "export", "--case", CASE)["audit"]
    assert [e["detail"]["aanmelding"] for e in exported if e["action"] == "referral"] == [aid]


def test_the_zvh_is_no_wet_pga_deelnemer(cluster: Cluster) -> None:
    c = cluster
    result = c.cli(
        "zvh", "room", "refer", CASE, "--to", "politie", "--verblijf", "gemeente",
        "--summary", TYPED, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "[node.not_pga_deelnemer]" in result.stderr
    assert held(c, "zvh") == []
