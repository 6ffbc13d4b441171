"""The law, end to end, on seven real nodes: who chairs, who decides the intake, who
may supply what, as ``../shared/grondslagen.md`` has it.

The federation has two gemeenten: Demostad is the gemeente van verblijf, Anderstad a
gemeente whose burgemeester is a deelnemer too (Wet PGA art. 3 lid 1 onder a) but
takes no part in the intake.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cluster import Cluster, staffed

pytestmark = pytest.mark.slow

NODES = {
    "gemeente": "gemeente",
    "anderstad": "gemeente",
    "politie": "politie",
    "om": "om",
    "zvh": "zvh",
    "reclassering": "reclassering",
    "ggz": "ggz",
}
CASE = "RAD-2026-401"
WHY = ("--justification", "Noodzakelijk voor de weging; geen lichter middel.")


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with staffed(tmp_path_factory.mktemp("law"), NODES) as c:
        yield c


def refusal(c: Cluster, node: str, *args: str, stdin: str = "") -> str:
    """The error code a refused command ends with (``[code]`` on its last line)."""
    done = c.cli(node, *args, check=False, stdin=stdin)
    assert done.returncode == 1, done.stdout
    return done.stderr.strip().rsplit("[", 1)[-1].rstrip("]")


def phase(c: Cluster, node: str) -> str:
    return str(c.room(node, CASE)["phase"])


def test_the_law_at_the_table(federation: Cluster) -> None:
    c = federation
    convene = ("room", "convene", "--case", CASE, "--bases", "pga-r,wpg-20,wjsg-39fb")

    # the ZVH chairs only with the mandate of the burgemeester of the gemeente van verblijf
    assert refusal(c, "zvh", *convene, "--verblijf", "gemeente") == "node.not_allowed"
    c.cli("gemeente", "mandate", "--chair", "zvh", "--case", CASE)
    c.wait_for(
        "the convene with the mandate",
        lambda: c.cli("zvh", *convene, "--verblijf", "gemeente", check=False).returncode == 0,
    )
    for node in ("gemeente", "anderstad", "politie", "om", "reclassering"):
        c.cli("zvh", "room", "invite", CASE, node)
    c.wait_for(
        "the deelnemers at the table",
        lambda: len(c.room("zvh", CASE)["members"]) == 6 and phase(c, "anderstad") == "intake",
    )

    doc = c.room("anderstad", CASE)
    assert doc["verblijf"] == "gemeente"
    seats = {m["node"]: m for m in doc["members"]}
    assert seats["zvh"]["on_behalf"]  # chairs for the burgemeester, no deelnemer
    assert seats["gemeente"]["verblijf"]
    assert not seats["anderstad"]["verblijf"]

    # another gemeente's burgemeester is at the table but takes no part in the intake
    assess = ("room", "assess", CASE, "--verdict", "voorleggen", "--score", "ideologie=2")
    assert refusal(c, "anderstad", *assess, "--reasoning", "Zorgen.") == "node.not_allowed"
    c.intake("zvh", CASE, named=("anderstad", "reclassering"))
    assert refusal(c, "anderstad", "room", "endorse", CASE) == "node.not_allowed"
    c.wait_for("the room open", lambda: all(phase(c, n) == "open" for n in NODES if n != "ggz"))

    # the ZVH supplies nothing in its own name (Wet PGA art. 3 lid 1 is exhaustive)
    share = ("share", CASE, *WHY)
    plan = ("--basis", "pga-r", "--categories", "plan")
    assert refusal(c, "zvh", *share, *plan, stdin="Voorstel.") == "policy.organisation"

    # politiegegevens only under the Wpg, with the agreement with the bevoegd gezag
    under_pga = ("--basis", "pga-r", "--categories", "politie")
    assert refusal(c, "politie", *share, *under_pga, stdin="x") == "policy.category_basis"
    wpg = ("--basis", "wpg-20", "--categories", "politie,signalen")
    assert refusal(c, "politie", *share, *wpg, stdin="x") == "policy.field_required"
    agreement = ("--agreement-ref", "Afspraak bevoegd gezag 2026")
    sent = c.json("politie", *share, *wpg, *agreement, stdin="Twee meldingen.")
    seen = c.wait_for("the OM reads it", lambda: c.json("om", "view", CASE, sent["share"]))
    assert seen["summary"] == "Twee meldingen."
    assert seen["article"] == "Wpg art. 20 lid 4"  # the lid follows from the room's basis
    assert seen["agreement_ref"] == "Afspraak bevoegd gezag 2026"

    # a derde: admitted by burgemeester (verblijf), politie and OM; Anderstad has no say
    c.cli("zvh", "room", "invite", CASE, "ggz", "--role", "derde")
    c.wait_for(
        "the invite everywhere",
        lambda: all(
            "ggz" in {m["node"] for m in c.room(n, CASE)["invited"]}
            for n in ("gemeente", "anderstad", "politie", "om")
        ),
    )
    consent = ("room", "consent", CASE, "--subject", "ggz")
    assert refusal(c, "anderstad", *consent) == "node.not_allowed"
    for node in ("gemeente", "politie", "om"):
        c.cli(node, *consent)
    c.wait_for("ggz at the table", lambda: phase(c, "ggz") == "open")

    # a holder of a beroepsgeheim names the ground it supplies on, for all its data
    health = ("--basis", "pga-r", "--categories", "gezondheid", "--to", "gemeente,om,politie")
    assert refusal(c, "ggz", *share, *health, stdin="Behandeling.") == "policy.secrecy"
    ground = ("--secrecy-ground", "toestemming", "--secrecy-ref", "Toestemming 2026-03-02")
    c.json("ggz", *share, *health, *ground, stdin="Behandeling afgebroken in 2025.")
