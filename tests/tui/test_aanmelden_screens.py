"""The aanmelding screens with Pilot against the canned node: the form posts what a
staff member fills in, the gemeente convenes from an aanmelding, and the aanmelder
sees on its first screen that a case was not put to the casusoverleg."""

from __future__ import annotations

from typing import Any

import pytest
from canned import AANMELDINGEN, CannedTransport
from test_screens import SIZE, logged_in

from tui import i18n
from tui.app import CasusnetApp
from tui.screens.aanmelding import AanmeldenScreen, AanmeldingenScreen


@pytest.fixture(autouse=True)
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def text(app: CasusnetApp, selector: str) -> str:
    return str(app.screen.query_one(selector).content)


def canned(transport: CannedTransport) -> CasusnetApp:
    return CasusnetApp(transport, place=transport.place, blink=False, poll=3600)


async def open_form(app: CasusnetApp, pilot: Any) -> None:
    await logged_in(pilot)
    await pilot.press("m")
    await settle(pilot, lambda: isinstance(app.screen, AanmeldenScreen))


async def settle(pilot: Any, check: Any) -> None:
    for _ in range(60):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError("the screen did not get there")


async def test_the_form_registers_the_case_with_whom_the_staff_member_chose() -> None:
    transport = CannedTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        screen = app.screen
        screen.query_one("#case").value = "rad-2026-040"
        screen.query_one("#verblijf").value = "gemeente"
        screen.query_one("#to").value = "om"
        screen.query_one("#summary").text = "Signalen uit het wijkteam."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: transport.posted)
        path, body = transport.posted[0]
        assert path == "/v1/aanmeldingen"
        assert body is not None
        assert (body["case"], body["verblijf"], body["to"]) == ("RAD-2026-040", "gemeente", "om")
        assert body["summary"] == "Signalen uit het wijkteam."
        assert body["reason"]  # the default reason of art. 5 lid 1


async def test_an_incomplete_form_is_not_sent() -> None:
    transport = CannedTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(app, pilot)
        app.screen.query_one("#case").value = "RAD-2026-040"
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert transport.posted == []
        assert "Vul casus" in text(app, "#form-message")


async def test_the_gemeente_reads_an_aanmelding_and_convenes_from_it() -> None:
    transport = CannedTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, AanmeldingenScreen) and app.screen.rows)
        await pilot.press("enter")
        await settle(pilot, lambda: "reclasseringswerker" in text(app, "#aanmelding-detail"))
        assert "Zorgen over radicalisering" in text(app, "#aanmelding-detail")
        await pilot.press("c")
        await settle(pilot, lambda: transport.posted)
        assert transport.posted[0][0] == f"/v1/aanmeldingen/{AANMELDINGEN[0]['id']}/convene"


async def test_the_aanmelder_is_told_on_its_first_screen() -> None:
    app = canned(CannedTransport(place="reclassering"))
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        await settle(pilot, lambda: app.screen.query_one("#rooms-notices").display)
        assert "niet voorgelegd" in text(app, "#rooms-notices")
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, AanmeldingenScreen) and app.screen.rows)
        notice = text(app, "#aanmeldingen-notices")
        assert "RAD-2026-033" in notice
        assert "niet voorgelegd" in notice
