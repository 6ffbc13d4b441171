"""What a new user hits in the forms, keys and dialogs (issue 14), on the canned node.

Each test drives the real app with its keys at 80x24, as a person at the keyboard does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from canned import CannedTransport
from textual import events
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tui import i18n
from tui.app import CasusnetApp
from tui.screens.compose import ComposeScreen
from tui.screens.convene import ConveneScreen
from tui.screens.login import LoginScreen
from tui.screens.measures import ProposeMeasureScreen
from tui.screens.room.screen import RoomScreen
from tui.screens.rooms import RoomsScreen

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def dutch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def canned(transport: CannedTransport | None = None) -> CasusnetApp:
    return CasusnetApp(transport or CannedTransport(), place="gemeente", blink=False, poll=3600)


async def settle(pilot: Any, check: Callable[[], Any], what: str) -> Any:
    for _ in range(80):
        await pilot.pause(0.05)
        try:
            if found := check():
                return found
        except Exception:  # noqa: S112 - not mounted yet
            continue
    raise AssertionError(f"never got {what}")


async def log_in(pilot: Any) -> None:
    await settle(pilot, lambda: isinstance(pilot.app.screen, LoginScreen), "the login")
    pilot.app.screen.query_one("#name").value = "anna"
    pilot.app.screen.query_one("#passphrase").value = "demo"
    pilot.app.screen.query_one("#passphrase").focus()
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, RoomsScreen), "the rooms")
    await settle(pilot, lambda: pilot.app.screen.rooms, "the rooms listed")


async def in_room(pilot: Any) -> RoomScreen:
    await log_in(pilot)
    await pilot.press("enter")
    return await settle(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, RoomScreen) and pilot.app.screen.doc and pilot.app.screen
        ),
        "the room",
    )


def footer(app: CasusnetApp) -> list[tuple[str, str]]:
    return [(k.key_display, k.description) for k in app.screen.query(FooterKey)]


def on_screen(app: CasusnetApp, widget: Any) -> bool:
    """Whether the widget is drawn within the terminal (not scrolled out of view)."""
    visible = app.screen._compositor.visible_widgets
    if widget not in visible:
        return False
    region, clip = visible[widget]
    return bool(region.intersection(clip).area) and region.bottom <= SIZE[1]


async def type_fast(app: CasusnetApp, keys: str | list[str]) -> None:
    """Keys as a fast typist (or a paste into the terminal) sends them: all queued at
    once, none waiting for the one before it."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char if key != "tab" else "\t"))


async def test_convene_errors_show_in_view_at_80x24_and_no_time_becomes_now() -> None:
    transport = CannedTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("n")
        form = await settle(
            pilot, lambda: isinstance(app.screen, ConveneScreen) and app.screen, "the form"
        )
        meeting = form.query_one("#meeting")
        assert meeting.placeholder.startswith("bijv. ")  # a hint, not a value
        await pilot.press(*"rad-2026-090")
        await pilot.press("ctrl+s")  # from inside the text field
        note = form.query_one("#form-message", Static)
        await settle(pilot, lambda: "datum en tijd" in str(note.content), "the refusal")
        await settle(pilot, lambda: on_screen(app, note), "the error in view")
        assert not [p for p, _ in transport.posted if p == "/v1/rooms"]  # nothing sent
        assert isinstance(app.screen, ConveneScreen)


async def test_compose_checks_with_a_key_no_text_field_uses_and_shows_it() -> None:
    app = canned()
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("d")
        form = await settle(
            pilot, lambda: isinstance(app.screen, ComposeScreen) and app.screen, "the form"
        )
        keys = footer(app)
        assert ("^t", "Controleren") in keys
        assert ("^s", "Versturen") in keys
        field = form.query_one("#justification")
        field.focus()
        await pilot.press(*"Noodzakelijk")
        await pilot.press("home")
        await pilot.press("ctrl+t")
        note = form.query_one("#form-message", Static)
        await settle(pilot, lambda: str(note.content), "the check's answer")
        assert field.value == "Noodzakelijk"  # the text stays
        assert "^k" not in [k for k, _ in keys]


async def test_ctrl_s_in_a_text_area_sends_and_every_form_shows_it() -> None:
    app = canned()
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("s")  # the chair closes: a dialog with a note
        await settle(pilot, lambda: app.screen.query_one("#note"), "the close dialog")
        assert any(k == "^s" for k, _ in footer(app))
        await pilot.press("ctrl+s")  # no note yet: refused in the dialog, in view
        note = app.screen.query_one("#form-message", Static)
        await settle(pilot, lambda: str(note.content), "the refusal")
        assert on_screen(app, note)


async def test_escape_asks_before_a_draft_is_thrown_away() -> None:
    app = canned()
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("n")
        form = await settle(
            pilot, lambda: isinstance(app.screen, ConveneScreen) and app.screen, "the form"
        )
        await pilot.press(*"RAD")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen.query_one("#yes"), "the question")
        assert "Concept weggooien?" in str(app.screen.query_one(".title", Static).content)
        await pilot.press("escape")  # no: back to the draft
        await settle(pilot, lambda: app.screen is form, "the draft again")
        assert form.query_one("#case").value == "RAD"
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen.query_one("#yes"), "the question")
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, RoomsScreen), "the draft thrown away")
        await pilot.press("n")  # an untouched form closes at once
        await settle(pilot, lambda: isinstance(app.screen, ConveneScreen), "the form")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, RoomsScreen), "the form closed")


async def test_login_keeps_fast_typing_in_its_fields_and_a_refusal_clears_the_passphrase() -> None:
    app = canned()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
        await pilot.pause(0.2)
        await type_fast(app, [*"anna", "tab", *"fout"])
        await pilot.pause(0.5)
        name, secret = app.screen.query_one("#name"), app.screen.query_one("#passphrase")
        assert (name.value, secret.value) == ("anna", "fout")
        await pilot.press("enter")
        await settle(
            pilot, lambda: "mislukt" in str(app.screen.query_one("#message").content), "refusal"
        )
        assert (name.value, secret.value) == ("anna", "")
        assert secret.has_focus
        await type_fast(app, [*"demo"])
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, RoomsScreen), "the rooms")


async def test_a_room_focuses_its_table_and_shows_invite_and_export() -> None:
    app = canned()
    async with app.run_test(size=SIZE) as pilot:
        room = await in_room(pilot)
        assert app.focused is room.query_one("#members-table")
        assert ("i", "Uitnodigen") in footer(app)
        await pilot.press("5")  # the plan
        await settle(pilot, lambda: ("x", "Exporteren") in footer(app), "x in the footer")
        assert app.focused is room.query_one("#plan-table")
        await pilot.press("4")  # the verstrekkingen: Enter opens one, no Tab first
        await settle(pilot, lambda: app.focused is room.query_one("#shares-table"), "focus")
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is not room, "the verstrekking opened")
        assert ("esc", "Annuleren") in footer(app)  # a dialog names its own keys


async def test_an_empty_measure_date_is_a_clear_error_not_a_grey_date() -> None:
    transport = CannedTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("5")
        await pilot.press("m")
        form = await settle(
            pilot, lambda: isinstance(app.screen, ProposeMeasureScreen) and app.screen, "the form"
        )
        due = form.query_one("#due")
        assert due.value == ""
        assert due.placeholder.startswith("bijv. ")
        form.query_one("#title").value = "Gesprek met de school"
        form.query_one("#risk").value = "Uitval"
        await pilot.press("ctrl+s")
        note = form.query_one("#form-message", Static)
        await settle(pilot, lambda: "Vul de termijn in" in str(note.content), "the error")
        assert not [p for p, _ in transport.posts if p.endswith("/measures")]


async def test_the_chairs_keys_are_named_to_the_chair_only() -> None:
    app = canned(CannedTransport(place="reclassering"))
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        keys = [k for k, _ in footer(app)]
        assert "d" in keys
        assert "i" not in keys
        assert "s" not in keys
