"""The closure as a decision of the deelnemers (Wet PGA art. 6 lid 3) in the TUI: the
close dialog of an open room asks for the closing note with the evaluation and
proposes; the signing dialog (o) shows the proposed closure in full. Driven with Pilot
against the canned node, and their screenshots at 80x24."""

from __future__ import annotations

from typing import Any

import canned
from test_intake_screens import SIZE, app, dialog, fixed_zone, in_intake, posts, wait
from test_screens import in_room
from tuikit import screen_text

from tui.screens.dialogs import CloseScreen
from tui.screens.room.screen import RoomScreen
from tui.screens.ruling import EndorseScreen

__all__ = ["fixed_zone"]  # the fixture, for every test here

NOTE = "Evaluatie: de maatregelen zijn uitgevoerd; het zorgnetwerk neemt het over."
PENDING = {
    "seq": 12, "stage": "afsluiting", "outcome": "afgeschaald", "deelnemers": [],
    "derden": [], "required": ["gemeente", "om", "politie", "reclassering"],
    "endorsed": ["gemeente"], "in_force": False,
}  # fmt: skip


def closing() -> dict[str, Any]:
    """The intake case, open now, with the gemeente's proposed closure pending."""
    return dict(canned.INTAKE_DOC, phase="open", stage=None, ruling=PENDING)


def closing_view() -> dict[str, Any]:
    entry = dict(PENDING, at=canned.INTAKE_VIEW["rulings"][-1]["at"], reasoning=NOTE, reasons={})
    return dict(canned.INTAKE_VIEW, phase="open", stage=None, pending=12,
                rulings=[*canned.INTAKE_VIEW["rulings"], entry])  # fmt: skip


async def close_dialog(pilot: Any) -> None:
    await in_room(pilot)
    await pilot.press("s")
    await wait(pilot, lambda: isinstance(pilot.app.screen, CloseScreen), "the close dialog")
    await pilot.pause(0.1)


async def test_the_close_of_an_open_room_asks_for_the_note_and_proposes() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await close_dialog(pilot)
        assert "Afsluitnotitie met de evaluatie" in screen_text(pilot.app)
        form = pilot.app.screen
        form.query_one("#outcome").value = "afgeschaald"
        await pilot.pause(0.2)
        form.submit()  # what the Afsluiten button does (the keys are tested in test_meeting)
        await pilot.app.workers.wait_for_complete()
        await wait(pilot, lambda: "Schrijf de afsluitnotitie" in str(
            pilot.app.screen.query_one("#form-message").render()), "the refusal")  # fmt: skip
        assert posts(pilot) == []
        form.query_one("#note").load_text(NOTE)
        await pilot.pause(0.1)
        form.submit()
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the dialog closed")
    assert posts(pilot) == [
        (f"/v1/rooms/{canned.ROOM}/close", {"outcome": "afgeschaald", "note": NOTE})
    ]


async def test_signing_shows_the_proposed_closure_and_its_note() -> None:
    async with app("politie", intake_doc=closing(), intake_view=closing_view()).run_test(
        size=SIZE
    ) as pilot:
        await in_intake(pilot)
        await dialog(pilot, "o", EndorseScreen)
        await wait(pilot, lambda: "Evaluatie:" in screen_text(pilot.app), "the closing note")
        text = screen_text(pilot.app)
        assert "Afsluiten als afgeschaald" in text
        assert "Reclassering" in text  # still to sign: every deelnemer at the table
        pilot.app.screen.query_one("#submit").focus()
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the dialog closed")
    assert posts(pilot) == [(f"/v1/rooms/{canned.INTAKE_ROOM}/endorse", {"ruling": 12})]


def test_close_dialog_with_note(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await close_dialog(pilot)
        pilot.app.screen.query_one("#note").text = NOTE
        await pilot.pause(0.2)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_endorse_dialog_afsluiting(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_intake(pilot)
        await dialog(pilot, "o", EndorseScreen)
        await wait(pilot, lambda: "Evaluatie:" in screen_text(pilot.app), "the closing note")
        await pilot.pause(0.1)

    closing_app = app("politie", intake_doc=closing(), intake_view=closing_view())
    assert snap_compare(closing_app, terminal_size=SIZE, run_before=before)
