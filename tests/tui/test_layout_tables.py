"""Tables that fit the terminal: at 80x24 the plan shows every column, organisation
names are never cut mid-word (whole on one line where the screen is wide), and the
demo's banner wraps at words. Driven with Pilot against the canned node; what is
checked is what the terminal shows (the rendered lines), not the table's model."""

from __future__ import annotations

import re
from typing import Any

import canned
import pytest
from test_intake_screens import app, fixed_zone
from test_screens import in_room, logged_in

from node.tools.demo import banner

__all__ = ["fixed_zone"]


def shown(pilot: Any) -> str:
    """The terminal's lines as a person sees them."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def words_whole(name: str, text: str) -> bool:
    """Every word of ``name`` stands whole on the screen (not cut, no … in it)."""
    return all(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in name.split())


async def plan_tab(pilot: Any) -> str:
    await in_room(pilot, "5")
    for _ in range(40):
        if "Paspoort" in shown(pilot):
            break
        await pilot.pause(0.05)
    return shown(pilot)


async def test_plan_at_80x24_shows_every_column() -> None:
    a = app("gemeente", room_doc=canned.ROOM_AHEAD, rooms=canned.ROOMS_AHEAD)
    async with a.run_test(size=(80, 24)) as pilot:
        screen = await plan_tab(pilot)
    for head in ("Maatregel", "Status", "Datum", "Uitvoerder", "Bevoegd gezag"):
        assert head in screen
    # the kind, the authority, the warnings and whole titles: nothing hidden
    expected = ("strafrechtelijk", "bestuurlijk", "burgemeester", "Minister van", "JenV",
                "te laat", "binnenkort", "gezinsondersteuning", "moskeebestuur", "ZVH")  # fmt: skip
    for text in expected:
        assert text in screen, text
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= 80


async def test_plan_at_160_columns_one_line_a_measure() -> None:
    a = app("gemeente", room_doc=canned.ROOM_AHEAD, rooms=canned.ROOMS_AHEAD)
    async with a.run_test(size=(160, 30)) as pilot:
        screen = await plan_tab(pilot)
    line = next(x for x in screen.splitlines() if "Gesprek met moskeebestuur" in x)
    for text in ("Gesprek met moskeebestuur over signalen", "lopend · te laat", "burgemeester"):
        assert text in line
    assert "Zorg- en Veiligheidshuis" in screen  # wide: the whole name, not ZVH


@pytest.mark.parametrize("width", [80, 160])
async def test_names_of_members_are_not_cut(width: int) -> None:
    a = app("gemeente")
    async with a.run_test(size=(width, 30)) as pilot:
        await in_room(pilot, "1")
        await pilot.pause(0.2)
        screen = shown(pilot)
    for _org, name in canned.NODES.values():
        assert words_whole(name, screen), (name, screen)
        if width == 160:
            assert name in screen  # whole on one line when there is room


@pytest.mark.parametrize("width", [80, 160])
async def test_names_of_partners_are_not_cut(width: int) -> None:
    a = app("gemeente")
    async with a.run_test(size=(width, 30)) as pilot:
        await logged_in(pilot)
        await pilot.press("p")
        for _ in range(40):
            await pilot.pause(0.05)
            if "Reclassering Nederland" in shown(pilot) or "Nederland" in shown(pilot):
                break
        screen = shown(pilot)
    for _org, name in canned.NODES.values():
        assert words_whole(name, screen), (name, screen)
        if width == 160:
            assert name in screen


def test_demo_banner_wraps_at_words() -> None:
    text = (
        "Demo-accounts (node, naam, functie, wachtwoord; ook in /home/iemand/casusnet/demo/"
        "demo.json):\n  casusnet tui --node /tmp/demo/politie    (piet / wachtwoord-van-piet)"
    )
    for width in (40, 60, 80):
        out = banner(text, width)
        words = text.split()
        assert out.split() == words  # no word broken, none lost
        for line in out.splitlines():
            assert len(line) <= width or " " not in line.strip()
