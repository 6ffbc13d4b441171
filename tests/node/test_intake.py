"""node/domain/intake.py: the checks a node runs before it signs an assessment, a ruling
or an endorsement (typed ``node.not_allowed`` refusals that send nothing), what the
intake view shows to whom (and audits), and a consent for a deelnemer the samenstelling
did not name.

In-process nodes (``pump`` from ``test_review``): gemeente (van verblijf, chair),
politie and OM decide; reclassering is consulted during the intake; rvdk and another
gemeente (anderstad) stand by.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fed import add_staff, make_federation
from test_review import Meeting

from node.app import open_node
from node.domain import staff as staffmod
from node.errors import NotAllowedError, NotFoundError
from node.store import audit
from protocol.errors import CasusnetError, ConsentError, IntakeError, NotChairError

NODES = {n: n for n in ("gemeente", "politie", "om", "reclassering", "rvdk")} | {
    "anderstad": "gemeente"
}
INTAKE = ("gemeente", "politie", "om")
SCORES: dict[str, int | None] = {"ideologie": 3, "geweldsbereidheid": None}


@pytest.fixture
def m(tmp_path: Path) -> Iterator[Meeting]:
    """A pga-r room in intake (stage analyse): the three and reclassering, consulted."""
    fed = make_federation(tmp_path, NODES, int(time.time()))
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    staff = add_staff(nodes)
    g = nodes["gemeente"]
    state = g.members.convene(
        staff["gemeente"], case="RAD-2026-071", purpose="Weging", bases=["pga-r", "wpg-20"],
        meeting=g.now(),
    )  # fmt: skip
    meeting = Meeting(fed, nodes, staff, state.room)
    for n in ("politie", "om", "reclassering"):
        g.members.invite(staff["gemeente"], meeting.room, n, "deelnemer")
    meeting.pump()
    yield meeting
    for node in nodes.values():
        node.store.close()


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    """The detail of the ``node.not_allowed`` a domain call raises."""
    with pytest.raises(NotAllowedError) as info:
        call(*args, **kwargs)
    assert info.value.code == "node.not_allowed"
    return str(info.value.detail)


def assess(m: Meeting, node: str, verdict: str = "voorleggen") -> None:
    m.nodes[node].intake.assess(m.staff[node], m.room, verdict, SCORES, f"Reden {node}.")


def rule(m: Meeting, stage: str = "beoordeling", **kw: Any) -> int:
    args: dict[str, Any] = {"outcome": "voorleggen", "deelnemers": (), "derden": {}}
    if stage == "samenstelling":
        args["outcome"] = None
    args.update(kw)
    g = m.nodes["gemeente"]
    seq = g.intake.rule(m.staff["gemeente"], m.room, stage=stage, reasoning="Samen.", **args)
    m.pump()
    return seq


def endorse_all(m: Meeting, seq: int) -> None:
    for n in INTAKE:
        m.nodes[n].intake.endorse(m.staff[n], m.room, seq)
    m.pump()


def outbox(m: Meeting, node: str) -> int:
    return int(m.nodes[node].store.one("SELECT COUNT(*) FROM outbox"))


def test_an_assessment_only_from_an_intake_organisation_acting_as_it_should(m: Meeting) -> None:
    before = outbox(m, "reclassering")
    detail = refused(assess, m, "reclassering")
    assert detail == "a reclassering node takes no part in the intake under pga-r"
    assert outbox(m, "reclassering") == before  # nothing sent
    with pytest.raises(NotFoundError):  # a node that never heard of the room
        assess(m, "rvdk")
    assert refused(assess, m, "politie", "opnemen").startswith("verdict: one of voorleggen")
    g = m.nodes["gemeente"]
    college = staffmod.add(
        g.store, "mw-college", "wethouder", "lange-wachtzin-1", intake=True, now=g.now(),
        capacity="college",
    )  # fmt: skip
    detail = refused(g.intake.assess, college, m.room, "voorleggen", SCORES, "Reden.")
    assert detail == "the gemeente decides this as burgemeester"
    with pytest.raises(CasusnetError, match="reasoning"):
        g.intake.assess(m.staff["gemeente"], m.room, "voorleggen", SCORES, "  ")


def test_rulings_and_endorsements_refused_before_they_are_due(m: Meeting) -> None:
    politie = m.nodes["politie"]
    assert refused(politie.intake.endorse, m.staff["politie"], m.room) == (
        "no ruling waits for a signature"
    )
    with pytest.raises(NotChairError):
        politie.intake.rule(
            m.staff["politie"], m.room, stage="beoordeling", outcome="voorleggen",
            deelnemers=(), derden={}, reasoning="x",
        )  # fmt: skip
    with pytest.raises(IntakeError, match="no assessment yet of"):
        rule(m)
    for n in INTAKE:
        assess(m, n)
    m.pump()
    with pytest.raises(IntakeError, match="takes no samenstelling"):
        rule(m, "samenstelling")
    first = rule(m)
    second = rule(m)  # a newer ruling replaces the first
    detail = refused(politie.intake.endorse, m.staff["politie"], m.room, first)
    assert detail == (
        f"ruling {first} is not the one that waits for signatures ({second}): read that one first"
    )
    politie.intake.endorse(m.staff["politie"], m.room, second)
    m.pump()
    detail = refused(politie.intake.endorse, m.staff["politie"], m.room, second)
    assert detail == "this organisation already signed the ruling"
    assert refused(assess, m, "reclassering").endswith("takes no part in the intake under pga-r")
    for n in ("gemeente", "om"):
        m.nodes[n].intake.endorse(m.staff[n], m.room, second)
    m.pump()
    assert {m.state(n).stage for n in (*INTAKE, "reclassering")} == {"verzamelen"}
    assert refused(assess, m, "om") == "assessments come before the beoordeling"
    detail = refused(rule, m, "samenstelling", derden={"rvdk": " "})
    assert detail == "give the reason rvdk is needed as derde"
    assert refused(rule, m, "samenstelling", deelnemers=("nobody",)) == (
        "nobody is not in the federation roster"
    )


def test_the_intake_view_shows_content_only_to_the_intake_and_audits_it(m: Meeting) -> None:
    for n in INTAKE:
        assess(m, n)
    m.pump()
    seq = rule(m)
    m.nodes["politie"].intake.endorse(m.staff["politie"], m.room, seq)
    m.pump()

    view = m.nodes["om"].intake.view(m.staff["om"], m.room)
    assert view["readable"]
    assert view["deciding"] == ["gemeente", "om", "politie"]
    assert view["stage"] == "analyse"
    assert view["pending"] == seq
    assert {a["org"]: a["reasoning"] for a in view["assessments"]} == {
        n: f"Reden {n}." for n in INTAKE
    }
    assert view["assessments"][0]["criteria"]["ideologie"] == 3
    assert view["assessments"][0]["criteria"]["zelfredzaamheid"] is None  # onbekend
    (ruling,) = view["rulings"]
    assert (ruling["reasoning"], ruling["endorsed"], ruling["in_force"]) == (
        "Samen.", ["politie"], False
    )  # fmt: skip
    entries = audit.entries(m.nodes["om"].store, room=m.room)
    viewed = [e for e in entries if e["action"] == "intake_viewed"]
    assert [(e["actor"], e["detail"]["items"]) for e in viewed] == [("mw-om", 4)]

    # reclassering, consulted, sits at the table but holds no key to the intake
    other = m.nodes["reclassering"].intake.view(m.staff["reclassering"], m.room)
    assert not other["readable"]
    assert [a["org"] for a in other["assessments"]] == [a["org"] for a in view["assessments"]]
    for a in other["assessments"]:
        assert not {"criteria", "verdict", "reasoning"} & a.keys()
    assert not {"reasoning", "reasons"} & other["rulings"][0].keys()
    entries = audit.entries(m.nodes["reclassering"].store, room=m.room)
    assert not [e for e in entries if e["action"] == "intake_viewed"]


def test_a_deelnemer_not_named_enters_with_the_three_consents(m: Meeting) -> None:
    g = m.nodes["gemeente"]
    g.members.invite(m.staff["gemeente"], m.room, "anderstad", "deelnemer")  # consulted
    with pytest.raises(ConsentError, match="needs no consent"):  # during the intake
        g.intake.consent(m.staff["gemeente"], m.room, "anderstad")
    m.pump()
    for n in INTAKE:
        assess(m, n)
    m.pump()
    endorse_all(m, rule(m))
    endorse_all(m, rule(m, "samenstelling"))
    assert m.state("gemeente").phase == "open"
    # consulted, not named: they leave
    assert not {"reclassering", "anderstad"} & m.state("gemeente").members.keys()
    assert refused(assess, m, "om") == "the intake of this room is over"
    assert refused(m.nodes["om"].intake.consent, m.staff["om"], m.room, "rvdk") == (
        "rvdk is not invited"
    )

    g.members.invite(m.staff["gemeente"], m.room, "rvdk", "deelnemer")
    m.pump()
    for n in ("gemeente", "politie"):
        m.nodes[n].intake.consent(m.staff[n], m.room, "rvdk")
        m.pump()
        assert "rvdk" not in m.state("gemeente").members
        assert m.state("rvdk") is None  # it learns nothing of the room until admitted
    m.nodes["om"].intake.consent(m.staff["om"], m.room, "rvdk")
    m.pump()
    assert "rvdk" in m.state("gemeente").members
    assert "rvdk" in m.state("rvdk").members
    assert m.state("gemeente").consents["rvdk"] == frozenset(INTAKE)
    # a member gives no consent for itself, nor does a deelnemer outside the three
    detail = refused(m.nodes["rvdk"].intake.consent, m.staff["rvdk"], m.room, "om")
    assert detail == "a rvdk node gives no consent for admission under pga-r"
