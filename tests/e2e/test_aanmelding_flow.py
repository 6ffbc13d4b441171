"""An aanmelding across real node processes, driven through the CLI (Wet PGA art. 5):
reclassering registers a case with politie; politie brings in the OM and the gemeente
van verblijf; the gemeente convenes the casusoverleg from it (the aanmelder recorded);
closed ``niet_voorgelegd``, the room's chair sends reclassering a notice, which its
local API and CLI show."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import Cluster

pytestmark = pytest.mark.slow

PARTNERS = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "reclassering": "reclassering",
}
STAFF = {
    "gemeente": ("anna", "aandachtsfunctionaris radicalisering"),
    "politie": ("piet", "wijkagent"),
    "om": ("olga", "officier van justitie"),
    "reclassering": ("rob", "reclasseringswerker"),
}
CASE = "RAD-2026-031"
SIGNALS = "Signalen: uitingen over geweld tijdens het toezicht; contact met een groep."


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("aanmelding"), dict(PARTNERS))
    c.setup()
    c.start_all()
    try:
        for node, (name, function) in STAFF.items():
            c.add_staff(node, name, function)
            c.login(node, name)
        yield c
    finally:
        c.stop_all()


def held(c: Cluster, node: str) -> list[dict[str, object]]:
    return list(c.json(node, "aanmelding", "list")["aanmeldingen"])


def test_an_aanmelding_from_reclassering_to_the_notice_it_gets_back(
    cluster: Cluster, tmp_path: Path
) -> None:
    c = cluster
    signals = tmp_path / "signalen.txt"
    signals.write_text(SIGNALS + "\n", encoding="utf-8")
    sent = c.json(
        "reclassering", "aanmelding", "add", "--case", CASE, "--verblijf", "gemeente",
        "--to", "politie", "--file", str(signals),
    )  # fmt: skip
    aid = str(sent["id"])
    assert sent["recipients"] == ["gemeente", "om", "politie"]

    # politie has it from reclassering and brings in the OM and the gemeente
    for node in ("politie", "om", "gemeente"):
        c.wait_for(f"the aanmelding at {node}", lambda n=node: held(c, n))  # type: ignore[misc]
        shown = c.json(node, "aanmelding", "show", aid[:12])
        assert shown["content"]["summary"] == SIGNALS
        assert shown["aanmelder"] == "reclassering"
    assert c.json("om", "aanmelding", "show", aid)["via"] == "politie"
    c.wait_for(
        "politie's receipts for its forwards",
        lambda: c.json("politie", "aanmelding", "show", aid)["delivered"] == ["gemeente", "om"],
    )
    text = c.cli("gemeente", "aanmelding", "show", aid).stdout
    assert "aanmelder reclassering" in text
    assert SIGNALS in text

    # the gemeente convenes from it; the room records the aanmelding and the aanmelder
    room = c.json("gemeente", "room", "convene", "--aanmelding", aid[:12],
                  "--bases", "pga-r,wpg-20,wjsg-39fb")["room"]  # fmt: skip
    doc = c.room("gemeente", room)
    assert doc["case"] == CASE
    assert doc["verblijf"] == "gemeente"
    assert doc["aanmelding"]["id"] == aid
    assert doc["aanmelding"]["aanmelder"] == "reclassering"
    c.cli("gemeente", "room", "invite", room, "politie")
    c.cli("gemeente", "room", "invite", room, "om")
    c.wait_for("the intake members", lambda: len(c.room("om", CASE)["members"]) == 3)

    # not put to the casusoverleg: the aanmelder is told
    c.cli("gemeente", "room", "close", room, "--outcome", "niet_voorgelegd")
    notices = c.wait_for(
        "the notice at reclassering", lambda: c.json("reclassering", "notices")["notices"]
    )
    assert [(n["case_ref"], n["outcome"], n["notice_from"]) for n in notices] == [
        (CASE, "niet_voorgelegd", "gemeente")
    ]
    assert CASE in c.cli("reclassering", "notices").stdout
    assert c.room("gemeente", room)["aanmelding"]["notice_at"]
    assert c.room("om", CASE)["outcome"] == "niet_voorgelegd"
    # the notice names the case, nothing of the reasoning
    assert "aanmelder told" in c.cli("gemeente", "room", "show", room).stdout


def test_an_aanmelding_names_a_gemeente_van_verblijf(cluster: Cluster, tmp_path: Path) -> None:
    c = cluster
    signals = tmp_path / "s.txt"
    signals.write_text("x", encoding="utf-8")
    result = c.cli(
        "gemeente", "aanmelding", "add", "--case", "RAD-2026-099", "--verblijf", "politie",
        "--to", "om", "--file", str(signals), check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "[local.invalid]" in result.stderr
    assert "politie is not a gemeente" in result.stderr
