"""``room plan``'s text, the plan export and the transfer's text: an adjusted measure's
changes read as dates and ``geen``, the criteria go meeting by meeting, the export names
the bevoegd gezag, and ``transfer show`` and ``room transfer`` print the plan and the
verstrekkingen asked as text."""

from __future__ import annotations

import datetime as dt

from node.domain.exports import render_markdown
from node.tools.cli.common import local_zone
from node.tools.cli.plan import plan_text
from node.tools.cli.transfer import _show_text, start_lines


def _t(day: int) -> int:
    return int(dt.datetime(2026, 12, day, tzinfo=local_zone()).timestamp())


def test_adjusted_due_and_authority_read_as_a_date_and_geen() -> None:
    doc = {
        "case": "RAD-2026-017",
        "next_meeting": None,
        "measures": [
            {
                "item": "75186c40fa42f41ee2e6de9a1a3344bf",
                "status": "gepland",
                "title": "Gesprekken",
                "kind": "zorg",
                "uitvoerder": "politie",
                "authority": "burgemeester",
                "due": _t(20),
                "overdue": False,
                "due_soon": False,
                "risk": None,
                "history": [
                    {
                        "at": _t(1),
                        "by": "gemeente",
                        "action": "adjusted",
                        "status": None,
                        "changes": {"due": [_t(31), _t(20)], "authority": [None, "burgemeester"]},
                        "note": "Eerder nodig",
                    }
                ],
            }
        ],
        "meetings": [],
        "criteria_history": [
            {"meeting": 2, "org": "politie", "criteria": {"ideologie": 1}, "view": None},
            {"meeting": 1, "org": "politie", "criteria": {"ideologie": 2}, "view": None},
        ],
    }
    text = plan_text(doc)
    assert (
        "adjusted (due 2026-12-31 00:00 -> 2026-12-20 00:00, authority geen -> burgemeester)"
        in text
    )
    assert "None" not in text
    # the whole item, as room measure adopt|adjust|status|withdraw take it
    assert "  75186c40fa42f41ee2e6de9a1a3344bf gepland " in text
    assert text.index("meeting 1 politie") < text.index("meeting 2 politie")


def test_the_export_names_the_competent_authority() -> None:
    doc = {
        "case": "RAD-2026-017",
        "chair": "gemeente",
        "bases": ["pga-r"],
        "measures": [
            {
                "title": "Paspoortmaatregel",
                "kind": "bestuurlijk",
                "uitvoerder": "gemeente",
                "due": _t(20),
                "status": "gepland",
                "authority": "minister_jenv",
            },
            {
                "title": "Gesprekken",
                "kind": "zorg",
                "uitvoerder": "politie",
                "due": _t(20),
                "status": "lopend",
                "authority": None,
            },
        ],
    }
    text = render_markdown(doc, _t(1))
    assert "| Status | Bevoegd gezag |" in text
    assert "| bestuurlijk | gemeente | 2026-12-20 | gepland | Minister van JenV |" in text
    assert "| zorg | politie | 2026-12-20 | lopend |  |" in text


def test_transfer_show_prints_the_plan_carried_over_as_room_plan_does() -> None:
    plan = {
        "case": "RAD-2026-001",
        "next_meeting": None,
        "measures": [],
        "meetings": [{"meeting": 1, "at": _t(1), "agenda": [], "verslag": None}],
        "criteria_history": [],
    }
    text = _show_text({"note": "Verhuisd.", "plan": plan})
    assert "toelichting: Verhuisd.\nplan van aanpak of RAD-2026-001\nno measures" in text
    assert "meeting 1 on 2026-12-01 00:00" in text
    assert "{" not in text


def test_a_transfer_without_verstrekkingen_says_so() -> None:
    assert start_lines({"items": []}) == [
        "  no verstrekkingen to ask about: the plan goes over alone"
    ]
    item = {"supplier": "om", "share": "02ab" * 8, "status": "open"}
    assert start_lines({"items": [item]}) == [f"  om             {'02ab' * 8}  open"]
