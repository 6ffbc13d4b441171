"""Screenshots of each main screen at 80x24, cursor blink off, fixed data.

Update after an intended change with ``pytest tests/tui/test_screens.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from canned import CannedTransport

from tui import i18n
from tui.app import CasusnetApp

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def app(closed: bool = False, place: str = "gemeente") -> CasusnetApp:
    return CasusnetApp(CannedTransport(closed, place), place=place, blink=False, poll=3600)


async def logged_in(pilot: Any) -> None:
    pilot.app.screen.query_one("#name").value = "anna"
    pilot.app.screen.query_one("#passphrase").value = "demo"
    await pilot.click("#submit")
    for _ in range(50):
        await pilot.pause(0.05)
        if type(pilot.app.screen).__name__ == "RoomsScreen" and pilot.app.screen.rooms:
            break
    await pilot.pause(0.1)


async def in_room(pilot: Any, tab: str = "") -> None:
    await logged_in(pilot)
    await pilot.press("enter")
    for _ in range(50):
        await pilot.pause(0.05)
        if getattr(pilot.app.screen, "doc", None):
            break
    if tab:
        await pilot.press(tab)
    await pilot.pause(0.2)


def test_login(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE)


def test_rooms(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=logged_in)


def test_room_members(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_room)


def test_room_shares(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_room(pilot, "4")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_room_plan(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_room(pilot, "5")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_revocation_matrix(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_room(pilot, "6")

    assert snap_compare(app(closed=True), terminal_size=SIZE, run_before=before)


def test_compose(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_room(pilot)
        await pilot.press("d")
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_convene(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("n")
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_partners(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("p")
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_audit(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("a")
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


async def in_requests(pilot: Any) -> None:
    """The room's informatieverzoeken, once the list is drawn."""
    await in_room(pilot)
    await pilot.press("v")
    for _ in range(100):
        await pilot.pause(0.05)
        tables = pilot.app.screen.query("#requests-table")
        if tables and tables.first().row_count:
            break
    await pilot.pause(0.1)


def test_requests(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_requests)


def test_request_view(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_requests(pilot)
        pilot.app.screen.query_one("#requests-table").move_cursor(row=2)
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause(0.05)
            body = pilot.app.screen.query("#request-body")
            if body and "wijkteam" in str(body.first().content):
                break
        await pilot.pause(0.1)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_help(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_aanmelden(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("m")
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_aanmeldingen(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("o")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the first one in full
        await pilot.pause(0.3)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_aanmeldingen_of_the_aanmelder_with_its_notice(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await logged_in(pilot)
        await pilot.press("o")
        await pilot.pause(0.3)

    assert snap_compare(app(place="reclassering"), terminal_size=SIZE, run_before=before)


async def test_a_partners_text_is_never_read_as_markup() -> None:
    transport = CannedTransport()
    hostile = "GGZ [/Noord] [bold]Zuid"
    import canned

    roster = dict(canned.ROSTER, members=[dict(m) for m in canned.ROSTER["members"]])
    roster["members"][-1]["name"] = hostile
    transport.roster = roster
    app_ = CasusnetApp(transport, place="gemeente", blink=False, poll=3600)
    async with app_.run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        await pilot.press("n")
        for _ in range(40):
            await pilot.pause(0.05)
            if type(app_.screen).__name__ == "ConveneScreen":
                break
        prompts = [
            str(app_.screen.query_one("#deelnemers").get_option_at_index(i).prompt)
            for i in range(app_.screen.query_one("#deelnemers").option_count)
        ]
        assert f"ggz: {hostile}" in prompts
        bases = app_.screen.query_one("#bases")
        assert any(
            "[casusoverleg]" in str(bases.get_option_at_index(i).prompt)
            for i in range(bases.option_count)
        )
        assert app_.is_running
