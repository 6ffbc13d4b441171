"""The plan export writes its own file, never through a link planted under its name."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.screens.room.export import export_plan

PLAN = {"case": "RAD-2026-017", "chair": "gemeente", "bases": ["pga-r"], "plan": []}


def test_the_export_is_readable_by_its_user_only(tmp_path: Path) -> None:
    path = export_plan(tmp_path, PLAN)
    assert path.name == "plan-van-aanpak-RAD-2026-017.md"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "RAD-2026-017" in path.read_text(encoding="utf-8")


def test_a_link_planted_under_the_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "elders.txt"
    victim.write_text("onaangetast", encoding="utf-8")
    (tmp_path / "plan-van-aanpak-RAD-2026-017.md").symlink_to(victim)
    with pytest.raises(OSError, match="link"):
        export_plan(tmp_path, PLAN)
    assert victim.read_text(encoding="utf-8") == "onaangetast"


def test_the_export_lists_the_living_measures_without_the_withdrawn(tmp_path: Path) -> None:
    from canned import PLAN_VIEW

    path = export_plan(tmp_path, dict(PLAN, measures=PLAN_VIEW["measures"]))
    text = path.read_text(encoding="utf-8")
    assert "| Meldplicht via de reclassering | strafrechtelijk | reclassering |" in text
    assert "| gepland |" in text
    assert "Paspoort" not in text  # withdrawn: no longer part of the plan
