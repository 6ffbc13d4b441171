"""What an art. 7 transfer carries: the verstrekkingen of the deelnemers only (a derde,
such as a GGZ under its beroepsgeheim, supplied for this table alone), and of the plan
the measures and the meetings' dates and agenda, not the criteria's assessments or the
verslagen."""

from __future__ import annotations

from world import World

from node.domain.transfer import _of_deelnemers, carried_plan


def test_a_derde_is_not_asked_to_supply_in_a_transfer() -> None:
    w = World()
    state = w.open_room()  # ggz joins as derde
    assert state.members["ggz"].role == "derde"
    index = {"ggz": [b"g" * 16], "politie": [b"p" * 16], "om": [b"o" * 16]}
    assert _of_deelnemers(state, index) == {"politie": [b"p" * 16], "om": [b"o" * 16]}


def test_the_plan_carried_over_holds_measures_and_meetings_without_scores_or_verslag() -> None:
    plan = {
        "measures": [{"item": "ab", "title": "Meldplicht"}],
        "meetings": [{"meeting": 1, "at": 1, "agenda": [], "verslag": {"text": "geheim"},
                      "verslagen": [{"text": "geheim"}]}],
        "criteria_history": [{"org": "politie", "criteria": {"geweld": 3}}],
        "next_meeting": None,
    }  # fmt: skip
    carried = carried_plan(plan)
    assert carried == {
        "measures": [{"item": "ab", "title": "Meldplicht"}],
        "meetings": [{"meeting": 1, "at": 1, "agenda": [], "verslag": None, "verslagen": []}],
        "criteria_history": [],
        "next_meeting": None,
    }
    assert "geheim" not in repr(carried)
    assert "geweld" not in repr(carried)
