"""The living plan van aanpak and the follow-up meetings in the TUI, driven with Pilot
against the canned node (which records what the screens sent), and their screenshots
at 80x24.

The canned case RAD-2026-017 is open; the gemeente chairs. Its plan (``canned.PLAN_VIEW``)
holds a measure that is late, one due soon, one proposed by politie and not yet adopted,
one carried out and one withdrawn; the first follow-up meeting was held (agenda, verslag,
a weging again), the second is planned. The flow against real nodes is in
test_plan_meeting.py.
"""

from __future__ import annotations

from typing import Any

import canned
from test_intake_screens import SIZE, app, fixed_zone, posts, wait
from test_screens import in_room, logged_in
from tuikit import screen_text

from tui import fmt
from tui.screens.measures import (
    AdjustMeasureScreen,
    MeasureScreen,
    ProposeMeasureScreen,
    StatusScreen,
    WithdrawScreen,
)
from tui.screens.meetings import AgendaScreen, PlanMeetingScreen, ReassessScreen, VerslagScreen
from tui.screens.room.screen import RoomScreen

__all__ = ["fixed_zone"]  # the fixture, for every test here

MEASURES = f"/v1/rooms/{canned.ROOM}/measures"
MEETINGS = f"/v1/rooms/{canned.ROOM}/meetings"
LATE, SOON, PROPOSED = ("1" * 32, "2" * 32, "3" * 32)


def ahead(place: str = "gemeente", **kw: Any) -> Any:
    """The canned node whose room and rooms list count a measure late and one due soon."""
    return app(place, room_doc=canned.ROOM_AHEAD, rooms=canned.ROOMS_AHEAD, **kw)


async def on_tab(pilot: Any, key: str, text: str) -> None:
    await in_room(pilot)
    await pilot.press(key)
    await wait(pilot, lambda: text in screen_text(pilot.app), f"the tab of {key}")
    await pilot.pause(0.1)


async def detail(pilot: Any, item: str) -> MeasureScreen:
    """The plan tab, then Enter on the measure ``item``."""
    await on_tab(pilot, "5", "Meldplicht")
    grid = pilot.app.screen.query_one("#plan-table")
    grid.focus()
    grid.move_cursor(row=grid.get_row_index(item))
    await pilot.pause(0.1)
    await pilot.press("enter")
    await wait(pilot, lambda: isinstance(pilot.app.screen, MeasureScreen), "the detail")
    await pilot.pause(0.1)
    return pilot.app.screen  # type: ignore[no-any-return]


async def form(pilot: Any, key: str, kind: type) -> Any:
    await pilot.press(key)
    await wait(pilot, lambda: isinstance(pilot.app.screen, kind), f"the form of {key}")
    await pilot.pause(0.1)
    return pilot.app.screen


def said(pilot: Any) -> str:
    return str(pilot.app.screen.query_one("#form-message").render())


async def refused(pilot: Any, words: str) -> None:
    """Ctrl+S, and the form says why not (``words``), above its buttons."""
    await pilot.press("ctrl+s")
    await wait(pilot, lambda: words in said(pilot), f"the refusal: {words}")


async def sent(pilot: Any) -> None:
    """Ctrl+S, then the form (and a detail under it) closed back to the room."""
    await pilot.press("ctrl+s")
    await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "back in the room")


# -- the plan tab and the measure's detail ---------------------------------------------


async def test_the_plan_shows_status_late_and_due_soon_and_the_authority() -> None:
    async with ahead().run_test(size=SIZE) as pilot:
        await on_tab(pilot, "5", "Meldplicht")
        text = " ".join(screen_text(pilot.app).split())  # at 80 columns a row has two lines
        assert "lopend te laat" in text
        assert "gepland binnenkort" in text
        assert "Openbaar Ministerie" in text  # the OM as bevoegd gezag of the meldplicht
        assert "Reclassering" in text  # the uitvoerder by its organisation's name
        assert "ingetrokken" in text
        header = str(pilot.app.screen.query_one("#room-header").render())
        assert "maatregelen: 1 te laat, 1 binnenkort" in header
        assert fmt.when(canned.MEETING_2) in header  # the next meeting, not the first


async def test_the_rooms_list_counts_late_measures_and_shows_the_next_meeting() -> None:
    async with ahead().run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        text = screen_text(pilot.app)
        assert "1 te laat" in text
        assert fmt.when(canned.MEETING_2) in text


async def test_any_member_proposes_a_measure_with_ctrl_s() -> None:
    async with app("reclassering").run_test(size=SIZE) as pilot:
        await in_room(pilot)
        screen = await form(pilot, "m", ProposeMeasureScreen)
        await refused(pilot, "omschrijving")
        screen.query_one("#title").value = "Woonbegeleiding"
        screen.query_one("#kind").value = "zorg"
        screen.query_one("#uitvoerder").value = "zvh"
        screen.query_one("#risk").value = "Terugval na detentie"
        screen.query_one("#due").value = "2027-02-01"
        await sent(pilot)
    assert posts(pilot) == [
        (MEASURES, {"title": "Woonbegeleiding", "kind": "zorg", "uitvoerder": "zvh",
                    "risk": "Terugval na detentie", "due": fmt.parse_when("2027-02-01")}),
    ]  # fmt: skip


async def test_a_derde_proposes_no_measure_and_the_uitvoerder_is_a_deelnemer() -> None:
    async with app("ggz").run_test(size=SIZE) as pilot:  # GGZ sits at the table as derde
        await in_room(pilot)
        await pilot.press("m")
        await pilot.pause(0.3)
        assert isinstance(pilot.app.screen, RoomScreen)
    async with app().run_test(size=SIZE) as pilot:
        await in_room(pilot)
        screen = await form(pilot, "m", ProposeMeasureScreen)
        offered = [value for _, value in screen.query_one("#uitvoerder")._options]
        assert "ggz" not in offered
        assert "reclassering" in offered


async def test_a_measure_with_a_bad_date_or_no_risk_is_refused_unsent() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await in_room(pilot)
        screen = await form(pilot, "m", ProposeMeasureScreen)
        screen.query_one("#title").value = "Gebiedsverbod"
        await refused(pilot, "risico")
        screen.query_one("#risk").value = "Werving"
        screen.query_one("#due").value = "15-01-2027"
        await refused(pilot, "JJJJ-MM-DD")
        await pilot.press("escape")  # a draft: the form asks first
        await wait(pilot, lambda: pilot.app.screen.query_one("#yes"), "the question")
        pilot.app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "cancelled")
    assert posts(pilot) == []


async def test_the_detail_shows_the_history_and_the_chair_adopts() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await detail(pilot, PROPOSED)
        text = screen_text(pilot.app)
        assert "Voorgesteld door Politie; nog niet vastgesteld." in text
        assert "Politie: voorgesteld" in text
        await pilot.press("v")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "adopted")
    assert posts(pilot) == [(f"{MEASURES}/{PROPOSED}/adopt", {})]


async def test_the_history_shows_who_changed_what_from_old_to_new() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await detail(pilot, LATE)
        text = screen_text(pilot.app)
        old, new = fmt.day(canned.T0 + 30 * 86400), fmt.day(canned.T0 + 10 * 86400)
        assert f"datum: {old} → {new}" in text
        assert "Gemeente: aangepast" in text
        assert "toelichting: Eerder nodig" in text
        assert "Gemeente: status lopend" in text


async def test_the_chair_adjusts_with_a_reason_and_only_the_change_is_sent() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await detail(pilot, LATE)
        screen = await form(pilot, "p", AdjustMeasureScreen)
        await refused(pilot, "niets veranderd")
        screen.query_one("#due").value = "2027-01-20"
        await refused(pilot, "reden")
        screen.query_one("#reason").value = "Het bestuur kan pas in januari."
        await sent(pilot)
    assert posts(pilot) == [
        (f"{MEASURES}/{LATE}/adjust",
         {"due": fmt.parse_when("2027-01-20"), "reason": "Het bestuur kan pas in januari."}),
    ]  # fmt: skip


async def test_the_uitvoerder_updates_the_status_and_others_are_told_who_does() -> None:
    async with app().run_test(size=SIZE) as pilot:  # the gemeente is not the uitvoerder
        await detail(pilot, SOON)
        await pilot.press("u")
        await wait(pilot, lambda: "Alleen de uitvoerder (Reclassering)" in said(pilot), "who")
    assert posts(pilot) == []
    async with app("reclassering").run_test(size=SIZE) as pilot:
        await detail(pilot, SOON)
        screen = await form(pilot, "u", StatusScreen)
        screen.query_one("#status").value = "lopend"
        screen.query_one("#note").load_text("Eerste melding op 3 januari.")
        await sent(pilot)
    assert posts(pilot) == [
        (f"{MEASURES}/{SOON}/status", {"status": "lopend", "note": "Eerste melding op 3 januari."})
    ]


async def test_a_withdrawal_needs_a_reason() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await detail(pilot, PROPOSED)
        screen = await form(pilot, "i", WithdrawScreen)
        await refused(pilot, "reden")
        screen.query_one("#reason").load_text("Lichter middel volstaat.")
        await sent(pilot)
    assert posts(pilot) == [(f"{MEASURES}/{PROPOSED}/withdraw",
                             {"reason": "Lichter middel volstaat."})]  # fmt: skip


async def test_a_member_may_not_adopt_and_a_withdrawn_measure_is_final() -> None:
    async with app("reclassering").run_test(size=SIZE) as pilot:
        await detail(pilot, PROPOSED)
        assert not pilot.app.screen.query("#adopt")  # no button for what it may not do
        await pilot.press("v")
        await wait(pilot, lambda: "Alleen de voorzitter" in said(pilot), "the refusal")
        await pilot.press("escape")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "back")
        grid = pilot.app.screen.query_one("#plan-table")
        grid.move_cursor(row=grid.get_row_index("5" * 32))
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, MeasureScreen), "the detail")
        await pilot.press("i")
        await wait(pilot, lambda: "is ingetrokken" in said(pilot), "final")
    assert posts(pilot) == []


async def test_an_earlier_node_without_the_plan_view_shows_the_rooms_own_plan() -> None:
    async with app(plan_view=None).run_test(size=SIZE) as pilot:
        await on_tab(pilot, "5", "Meldplicht")
        assert "Exitbegeleiding" in screen_text(pilot.app)
        await pilot.press("7")
        await wait(pilot, lambda: "Nog geen overleg gepland" in screen_text(pilot.app), "none")


# -- the meetings tab and its forms ------------------------------------------------------


async def test_the_meetings_tab_shows_agenda_verslag_and_how_the_criteria_moved() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        text = screen_text(pilot.app)
        assert "Voortgang meldplicht (Reclassering)" in text
        assert "Meldplicht loopt" in text  # the verslag of the first
        assert f"Overleg 2 · {fmt.when(canned.MEETING_2)} (volgend overleg)" in text
        assert "Nog geen verslag." in text
        criteria = str(pilot.app.screen.query_one("#meetings-criteria").render())
        assert "ov. 1" in criteria
        (violence,) = [line for line in criteria.splitlines() if line.startswith("Bereid")]
        assert violence.split()[-2:] == ["2–3", "1–2"]  # the spread at the intake, then


async def test_the_chair_plans_the_next_meeting() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        screen = await form(pilot, "k", PlanMeetingScreen)
        screen.query_one("#at").value = "volgende week"
        await refused(pilot, "UU:MM")
        screen.query_one("#at").value = "2027-02-10 14:00"
        await sent(pilot)
    assert posts(pilot) == [(MEETINGS, {"at": fmt.parse_when("2027-02-10 14:00")})]


async def test_only_the_chair_plans_a_meeting() -> None:
    async with app("reclassering").run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        await pilot.press("k")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, RoomScreen)
        await pilot.press("l")  # the verslag: at the chair's node
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, RoomScreen)
    assert posts(pilot) == []


async def test_a_member_adds_an_agenda_point_to_the_next_meeting() -> None:
    async with app("reclassering").run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        screen = await form(pilot, "g", AgendaScreen)
        await refused(pilot, "agendapunt")
        screen.query_one("#entry").value = "Verlenging meldplicht"
        await sent(pilot)
    assert posts(pilot) == [(f"{MEETINGS}/2/agenda", {"title": "Verlenging meldplicht"})]


async def test_the_procesregisseur_records_the_verslag_of_a_meeting() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        screen = await form(pilot, "l", VerslagScreen)
        await refused(pilot, "Schrijf het verslag")
        screen.query_one("#meeting").value = 1
        screen.query_one("#entry").load_text("Besproken: voortgang en signalen.")
        await sent(pilot)
    assert posts(pilot) == [
        (f"{MEETINGS}/1/verslag", {"text": "Besproken: voortgang en signalen."})
    ]


async def test_a_weging_again_at_a_meeting_names_the_meeting() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await on_tab(pilot, "7", "Overleg 1")
        screen = await form(pilot, "w", ReassessScreen)
        assert "Weging bij een overleg" in screen_text(pilot.app)
        screen.query_one("#meeting").value = 2
        screen.query_one("#c-geweldsbereidheid").value = 1
        screen.query_one("#reasoning").load_text("Minder signalen sinds de meldplicht.")
        await sent(pilot)
    (where, body), = posts(pilot)  # fmt: skip
    assert where == f"/v1/rooms/{canned.ROOM}/assess"
    assert body["meeting"] == 2
    assert body["criteria"]["geweldsbereidheid"] == 1
    assert body["criteria"]["ideologie"] is None  # onbekend, never "geen zorg"


async def test_english_is_selectable() -> None:
    from tui import i18n

    async with app().run_test(size=SIZE) as pilot:
        i18n.set_language("en")
        try:
            await on_tab(pilot, "7", "Meeting 1")
            assert "(next meeting)" in screen_text(pilot.app)
        finally:
            i18n.set_language("nl")


# -- screenshots at 80x24 ----------------------------------------------------------------


def test_plan_tab(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await on_tab(pilot, "5", "Meldplicht")

    assert snap_compare(ahead(), terminal_size=SIZE, run_before=before)


def test_measure_detail(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await detail(pilot, LATE)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_propose_measure_form(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_room(pilot)
        await form(pilot, "m", ProposeMeasureScreen)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_meetings_tab(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await on_tab(pilot, "7", "Overleg 1")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_rooms_with_measures_due(snap_compare: Any) -> None:
    assert snap_compare(ahead(), terminal_size=SIZE, run_before=logged_in)
