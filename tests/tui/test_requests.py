"""The information requests screen with textual's Pilot, against the canned node:
what it lists, and what asking, declining and answering send to the node."""

from __future__ import annotations

from typing import Any

import pytest
from canned import ROOM, CannedTransport
from test_screens import SIZE, in_room
from tuikit import screen_text

from tui import i18n
from tui.app import CasusnetApp
from tui.screens.compose import ComposeScreen
from tui.screens.requests import AskScreen, DeclineScreen, RequestsScreen, RequestView

ZVH_ASKS = "c3" * 16


@pytest.fixture(autouse=True)
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


async def wait_for(pilot: Any, check: Any) -> None:
    for _ in range(60):
        await pilot.pause(0.05)
        try:
            if check():
                return
        except Exception:  # a widget not mounted yet
            continue
    raise AssertionError(screen_text(pilot.app)[-800:])


async def to_requests(pilot: Any) -> RequestsScreen:
    await in_room(pilot)
    await pilot.press("v")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#requests-table").row_count == 3)
    screen = pilot.app.screen
    assert isinstance(screen, RequestsScreen)
    return screen


async def on_row(pilot: Any, screen: RequestsScreen, index: int) -> None:
    table = screen.query_one("#requests-table")
    table.focus()
    table.move_cursor(row=index)
    await pilot.pause(0.05)


async def test_the_list_shows_each_request_and_what_became_of_it() -> None:
    app = CasusnetApp(CannedTransport(), place="gemeente", blink=False, poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await to_requests(pilot)
        text = screen_text(app)
        assert "beantwoord (02ababab)" in text
        assert "geweigerd" in text
        assert "zvh" in text
        assert "gemeente (*)" in text  # this node, on both sides
        await pilot.press("escape")
        await pilot.press("3")  # the timeline has them too, with their outcome
        await wait_for(pilot, lambda: "informatieverzoek c3c3c3c3" in screen_text(app))
        text = screen_text(app)
        assert "informatieverzoek a1a1a1a1 beantwoord met verstrekking 02ababab" in text
        assert "informatieverzoek b2b2b2b2 geweigerd (zwaarwegende redenen)" in text


async def test_ask_a_partner() -> None:
    transport = CannedTransport()
    app = CasusnetApp(transport, place="gemeente", blink=False, poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        await to_requests(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, AskScreen))
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Kies een partner" in screen_text(app))
        assert transport.posts == []
        form.query_one("#to").value = "om"
        form.query_one("#topic").text = "Is er een reclasseringsadvies?"
        form.query_one("#categories").value = "justitieel"
        form.query_one("#categories").focus()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestsScreen))
        assert transport.posts == [(
            f"/v1/rooms/{ROOM}/requests",
            {"to": "om", "topic": "Is er een reclasseringsadvies?", "categories": ["justitieel"]},
        )]  # fmt: skip


async def test_decline_a_request_with_its_reasons() -> None:
    transport = CannedTransport()
    app = CasusnetApp(transport, place="gemeente", blink=False, poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_requests(pilot)
        await on_row(pilot, screen, 0)
        await pilot.press("w")  # the gemeente's own request: not its to decline
        await pilot.pause(0.1)
        assert app.screen is screen
        await on_row(pilot, screen, 2)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, DeclineScreen))
        assert "de redenen blijven hier" in screen_text(app)
        app.screen.query_one("#reason").text = "Lopend onderzoek jeugdbescherming."
        await pilot.click("#submit")
        await wait_for(pilot, lambda: isinstance(app.screen, RequestsScreen))
        assert transport.posts == [
            (f"/v1/rooms/{ROOM}/requests/{ZVH_ASKS}/decline",
             {"reason": "Lopend onderzoek jeugdbescherming."}),
        ]  # fmt: skip


async def test_read_a_request_then_answer_it_with_a_share_to_the_asker() -> None:
    transport = CannedTransport()
    app = CasusnetApp(transport, place="gemeente", blink=False, poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_requests(pilot)
        await on_row(pilot, screen, 2)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "bekend bij het wijkteam" in screen_text(app))
        assert isinstance(app.screen, RequestView)
        assert "procesregisseur" in screen_text(app)
        await pilot.click("#answer")
        await wait_for(pilot, lambda: isinstance(app.screen, ComposeScreen))
        compose = app.screen
        assert "Antwoord op informatieverzoek c3c3c3c3" in screen_text(app)
        body = compose.body()
        assert body["request"] == ZVH_ASKS
        assert body["recipients"] == ["zvh"]  # the asker, preselected alone


async def test_an_own_request_opens_without_answer_buttons() -> None:
    app = CasusnetApp(CannedTransport(), place="gemeente", blink=False, poll=3600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await to_requests(pilot)
        await on_row(pilot, screen, 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "strafzaak" in screen_text(app))
        assert not app.screen.query("#answer")
        assert not app.screen.query("#decline")
