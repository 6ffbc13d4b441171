"""Doorverwijzen (Wgs art. 2.31 lid 13) with Pilot against the canned node of politie:
the key is offered in a Wgs room only; the form shows the room's case reference
read-only and posts only what the staff member typed; the room then shows the
referral; the ZVH is told it is no Wet PGA deelnemer. And the form at 80x24."""

from __future__ import annotations

from typing import Any

from canned import WGS_ROOM, CannedTransport, WgsTransport
from test_aanmelden_screens import canned, dutch, settle, text  # noqa: F401 (dutch: autouse)
from test_screens import SIZE, in_room

from tui import i18n
from tui.screens.referral import ReferScreen
from tui.screens.room.screen import RoomScreen


async def open_form(pilot: Any) -> None:
    await in_room(pilot)
    await pilot.press("y")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ReferScreen))


async def test_the_form_refers_what_the_staff_member_typed_and_the_room_shows_it() -> None:
    transport = WgsTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        assert "WGS-2026-044" in text(app, "#refer-case")
        assert not screen.query("#case")  # the case reference is not typed
        assert screen.query_one("#function").value == "wijkagent radicalisering"
        screen.query_one("#verblijf").value = "gemeente"
        screen.query_one("#to").value = "gemeente"
        screen.query_one("#summary").text = "Uitingen over geweld, gezien door de wijkagent."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: transport.posted)
        path, body = transport.posted[0]
        assert path == f"/v1/rooms/{WGS_ROOM}/refer"
        assert body == {
            "verblijf": "gemeente",
            "to": "gemeente",
            "summary": "Uitingen over geweld, gezien door de wijkagent.",
            "reason": i18n.t("refer.reason_default"),
            "author_function": "wijkagent radicalisering",
        }
        await settle(pilot, lambda: isinstance(app.screen, RoomScreen))
        await settle(pilot, lambda: "doorverwezen" in text(app, "#room-header"))
        assert "aangemeld bij Gemeente" in text(app, "#room-header")


async def test_an_incomplete_form_is_not_sent() -> None:
    transport = WgsTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert transport.posted == []
        assert text(app, "#form-message") == i18n.t("refer.incomplete")


async def test_the_key_is_offered_in_a_wgs_room_only() -> None:
    app = canned(CannedTransport())  # a Wet PGA room
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert isinstance(app.screen, RoomScreen)
        assert app.screen.check_action("refer", ()) is False


async def test_the_zvh_is_told_it_is_no_wet_pga_deelnemer() -> None:
    transport = WgsTransport("zvh")
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("y")
        await pilot.pause(0.2)
        assert isinstance(app.screen, RoomScreen)
        shown = [n.message for n in app._notifications]
        assert i18n.t("error.node.not_pga_deelnemer") in shown
        assert transport.posted == []


def test_refer_form(snap_compare: Any) -> None:
    assert snap_compare(canned(WgsTransport()), terminal_size=SIZE, run_before=open_form)
