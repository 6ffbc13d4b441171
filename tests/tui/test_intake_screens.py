"""The intake view and its dialogs, driven with Pilot against a canned node that
records what the screens sent; and their screenshots at 80x24.

The canned case RAD-2026-009 is in its intake: the beoordeling (voorleggen) is in
force, the samenstelling (reclassering, and GGZ as derde) waits for the signatures
of politie and OM. The flow against real nodes is in test_meeting.py.
"""

from __future__ import annotations

import copy
from typing import Any

import canned
import pytest
from canned import CannedTransport
from test_screens import logged_in
from tuikit import screen_text

from tui import i18n
from tui.app import CasusnetApp
from tui.screens.room.screen import RoomScreen
from tui.screens.ruling import EndorseScreen, RulingScreen

SIZE = (80, 24)
INTAKE = f"/v1/rooms/{canned.INTAKE_ROOM}"


@pytest.fixture(autouse=True)
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def analyse(assessed: tuple[str, ...] = ()) -> dict[str, Any]:
    """The case in the analyse: the wegingen of ``assessed`` in, no ruling yet."""
    return dict(
        canned.INTAKE_DOC,
        stage="analyse",
        ruling=None,
        shares=canned.INTAKE_DOC["shares"][:1],
        assessments={o: "vastgelegd" for o in assessed},
    )


def app(place: str = "gemeente", **kw: Any) -> CasusnetApp:
    transport = CannedTransport(place=place)
    for key, value in kw.items():
        setattr(transport, key, value)
    return CasusnetApp(transport, place=place, blink=False, poll=3600)


def posts(pilot: Any) -> list[tuple[str, dict[str, Any]]]:
    return list(pilot.app.api.transport.posts)


async def wait(pilot: Any, check: Any, what: str) -> None:
    for _ in range(100):
        try:
            if check():
                return
        except Exception:  # a widget not mounted yet
            pass
        await pilot.pause(0.05)
    raise AssertionError(f"waited for {what}; screen:\n{screen_text(pilot.app)[-1500:]}")


async def in_intake(pilot: Any) -> None:
    """The intake case's intake tab, drawn from the node's intake view."""
    await logged_in(pilot)
    await pilot.press("down", "enter")
    await wait(pilot, lambda: getattr(pilot.app.screen, "doc", None), "the case")
    await pilot.press("2")
    await wait(pilot, lambda: "Fase" in screen_text(pilot.app), "the intake tab")
    if pilot.app.screen.doc.get("stage") != "analyse" or pilot.app.screen.doc.get("assessments"):
        await wait(pilot, lambda: "Weging per" in screen_text(pilot.app) or
                   "alleen zichtbaar" in screen_text(pilot.app), "the wegingen")  # fmt: skip
    await pilot.pause(0.1)


async def dialog(pilot: Any, key: str, kind: type) -> Any:
    await pilot.press(key)
    await wait(pilot, lambda: isinstance(pilot.app.screen, kind), f"the dialog of {key}")
    await pilot.pause(0.1)
    return pilot.app.screen


async def refused_then_sent(pilot: Any, refusal: str, field: str, **fill: Any) -> None:
    """Ctrl+S refused in the form with nothing sent; with ``field`` filled, sent."""
    await pilot.press("ctrl+s")
    await wait(pilot, lambda: refusal in screen_text(pilot.app), refusal)
    assert posts(pilot) == []
    for attribute, value in fill.items():
        setattr(pilot.app.screen.query_one(field), attribute, value)
    await pilot.press("ctrl+s")
    await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the form closed")


# -- the intake view ----------------------------------------------------------------


async def test_the_view_shows_stage_wegingen_rulings_and_the_exchange() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        text = screen_text(pilot.app)
        assert "Fase: verzamelen na positieve beoordeling (art. 5 lid 4)" in text
        assert "wacht op de ondertekening van Politie en Openbaar Ministerie." in text
        assert "Politie: voorleggen (vastgelegd 2026-12-01 09:10)" in text
        assert "    3 ernstige zorg Bereid geweld te gebruiken of uit te dragen" in text
        assert "    onbekend        Zelfredzaamheid" in text  # the gemeente left it open
        assert "Motivering: Recente uitingen over geweld" in text
        assert "Eensluidende beoordeling: voorleggen · van kracht" in text
        assert "Samenstelling: deelnemers Reclassering; derden GGZ-instelling · ter" in text
        assert "Reden GGZ-instelling: Psychiatrische expertise" in text
        assert "Ondertekend door Gemeente; nog niet door Politie en Openbaar Ministerie" in text
        assert "05ababab 2026-12-01 11:05 van Gemeente, op grond van pga-r: signalen" in text
        # in the basis's order, not the alphabet's
        assert text.index("Gemeente: voorleggen") < text.index("Politie: voorleggen")
        assert text.index("Politie: voorleggen") < text.index("Openbaar Ministerie: voorl")


async def test_the_sealed_content_is_read_once_per_change_not_per_poll() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        transport = pilot.app.api.transport
        assert transport.intake_reads == 1  # the node audits each reading
        screen = pilot.app.screen
        for _ in range(3):
            screen.load()
            await pilot.pause(0.1)
        assert transport.intake_reads == 1
        transport.intake_doc = dict(transport.intake_doc, ruling=dict(
            transport.intake_doc["ruling"], endorsed=["gemeente", "om"]))  # fmt: skip
        screen.load()
        await wait(pilot, lambda: transport.intake_reads == 2, "a new reading")


async def test_a_node_that_cannot_read_the_intake_is_told_who_can() -> None:
    async with app(intake_view=canned.SEALED_VIEW).run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        text = screen_text(pilot.app)
        assert (
            "De wegingen en besluiten van de intake zijn alleen zichtbaar voor de "
            "burgemeester, Politie en Openbaar Ministerie." in text
        )
        assert "Fase: verzamelen" in text
        assert "Motivering" not in text
        assert "ernstige zorg" not in text
        assert "Uitwisseling" not in text


async def test_a_case_not_put_to_the_casusoverleg_says_so_and_what_comes_next() -> None:
    doc = dict(canned.INTAKE_DOC, stage="afgewezen", ruling=None)
    async with app(intake_doc=doc).run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        text = screen_text(pilot.app)
        assert "Fase: niet voorgelegd" in text
        assert "sluit af met 'niet voorgelegd' (toets s)" in text


# -- the dialogs ----------------------------------------------------------------------


async def test_the_weging_needs_a_reasoning_and_sends_view_scores_and_reasoning() -> None:
    async with app("politie", intake_doc=analyse(("gemeente",))).run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        assert "Wacht op de weging van Politie en Openbaar Ministerie (toets w)" in screen_text(
            pilot.app
        )
        await pilot.press("w")
        await wait(pilot, lambda: pilot.app.screen.query_one("#reasoning"), "the weging")
        form = pilot.app.screen
        form.query_one("#c-geweldsbereidheid").value = 3
        form.query_one("#c-ideologie").value = 2
        form.query_one("#verdict").value = "niet_voorleggen"
        reasoning = "Zorgen, maar geen signalen van geweld."
        await refused_then_sent(pilot, "Geef de motivering", "#reasoning", text=reasoning)
    assert posts(pilot) == [
        (
            f"{INTAKE}/assess",
            {
                "verdict": "niet_voorleggen",
                "criteria": {
                    "geweldsbereidheid": 3,
                    "ideologie": 2,
                    "sociale_relaties": None,
                    "identificatie": None,
                    "zelfredzaamheid": None,
                },
                "reasoning": reasoning,
            },
        )
    ]


async def test_the_chair_proposes_the_beoordeling_once_every_weging_is_in() -> None:
    all_in = analyse(("gemeente", "politie", "om"))
    async with app(intake_doc=all_in).run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        assert "de voorzitter stelt de eensluidende beoordeling voor (toets b)" in screen_text(
            pilot.app
        )
        form = await dialog(pilot, "b", RulingScreen)
        assert "Eensluidende beoordeling voorstellen: RAD-2026-009" in screen_text(pilot.app)
        assert "geldt zodra Gemeente, Politie en Openbaar Ministerie het ondertekenen" in (
            screen_text(pilot.app)
        )
        form.query_one("#outcome").value = "niet_voorleggen"
        form.query_one("#reasoning").text = "Geen zorg die een casusoverleg vraagt."
        await pilot.press("ctrl+s")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the form closed")
    assert posts(pilot) == [
        (
            f"{INTAKE}/ruling",
            {
                "stage": "beoordeling",
                "outcome": "niet_voorleggen",
                "reasoning": "Geen zorg die een casusoverleg vraagt.",
            },
        )
    ]


async def test_no_beoordeling_before_every_weging_and_none_from_a_partner() -> None:
    async with app(intake_doc=analyse(("gemeente",))).run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        await pilot.press("b")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, RoomScreen)
    async with app("politie").run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        await pilot.press("b")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, RoomScreen)


async def test_the_samenstelling_names_deelnemers_and_derden_each_with_a_reason() -> None:
    async with app().run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        form = await dialog(pilot, "b", RulingScreen)
        deelnemers = form.query_one("#deelnemers")
        assert set(deelnemers.selected) == {"politie", "om", "reclassering"}  # at the table
        deelnemers.deselect("om")
        deelnemers.deselect("politie")
        assert not form.query_one("#reason-4").display
        form.query_one("#derden").select("ggz")
        await pilot.pause(0.1)
        assert form.query_one("#reason-4").display  # ggz's reason, once ticked
        form.query_one("#reasoning").text = "Reclassering houdt toezicht; GGZ voor de duiding."
        reason = "Psychiatrische expertise."
        await refused_then_sent(
            pilot, "Geef de reden dat GGZ-instelling", "#reason-4", value=reason
        )
    assert posts(pilot) == [
        (
            f"{INTAKE}/ruling",
            {
                "stage": "samenstelling",
                "deelnemers": ["reclassering"],
                "derden": {"ggz": reason},
                "reasoning": "Reclassering houdt toezicht; GGZ voor de duiding.",
            },
        )
    ]


async def test_signing_shows_the_ruling_in_full_and_asks_first() -> None:
    async with app("politie").run_test(size=SIZE) as pilot:
        await in_intake(pilot)
        await dialog(pilot, "o", EndorseScreen)
        await wait(pilot, lambda: "Reden GGZ-instelling" in screen_text(pilot.app), "the ruling")
        text = screen_text(pilot.app)
        assert "Samenstelling: deelnemers Reclassering; derden GGZ-instelling" in text
        assert "Motivering: Reclassering houdt toezicht" in text
        assert "Ondertekend door Gemeente; nog niet door Politie en Openbaar Ministerie" in text
        assert "Ondertekent u namens Politie dit besluit?" in text
        await pilot.press("escape")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the dialog closed")
        assert posts(pilot) == []
        await dialog(pilot, "o", EndorseScreen)
        pilot.app.screen.query_one("#submit").focus()
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the dialog closed")
    assert posts(pilot) == [(f"{INTAKE}/endorse", {"ruling": 9})]


async def test_an_organisation_that_signed_has_nothing_to_sign() -> None:
    async with app().run_test(size=SIZE) as pilot:  # the gemeente signed already
        await in_intake(pilot)
        await pilot.press("o")
        await pilot.pause(0.2)
        assert isinstance(pilot.app.screen, RoomScreen)
        footer = {b.binding.key for b in pilot.app.screen.active_bindings.values()
                  if b.enabled and b.binding.show}  # fmt: skip
        assert "b" in footer
        assert not {"o", "w"} & footer


async def test_consent_for_a_deelnemer_the_samenstelling_did_not_name() -> None:
    doc = copy.deepcopy(canned.ROOM_DOC)
    reclassering = next(m for m in doc["members"] if m["node"] == "reclassering")
    doc["members"].remove(reclassering)
    doc["invited"] = [{"node": "reclassering", "org": "reclassering", "role": "deelnemer",
                       "needs_consent": True, "consent_by": ["gemeente", "om"]}]  # fmt: skip
    doc["named"] = {"zvh": "deelnemer"}
    doc["consents"] = {"reclassering": ["politie"]}
    async with app(room_doc=doc).run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        await pilot.press("enter")
        await wait(pilot, lambda: getattr(pilot.app.screen, "doc", None), "the case")
        await pilot.press("2")
        await wait(pilot, lambda: "Instemming" in screen_text(pilot.app), "the consents")
        assert (
            "Reclassering (deelnemer): instemming van Politie; nodig: Gemeente, Politie en "
            "Openbaar Ministerie" in screen_text(pilot.app)
        )
        await pilot.press("t")
        await wait(pilot, lambda: pilot.app.screen.query_one("#subject"), "the consent form")
        assert "Instemmen met toelating van Reclassering als deelnemer?" in screen_text(pilot.app)
        pilot.app.screen.query_one("#submit").focus()
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, RoomScreen), "the form closed")
    assert posts(pilot) == [(f"/v1/rooms/{canned.ROOM}/consent", {"subject": "reclassering"})]


# -- screenshots ----------------------------------------------------------------------


def test_intake_view(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_intake)


def test_intake_view_sealed(snap_compare: Any) -> None:
    sealed = app("reclassering", intake_view=canned.SEALED_VIEW)
    assert snap_compare(sealed, terminal_size=SIZE, run_before=in_intake)


def test_weging_dialog(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_intake(pilot)
        await pilot.press("w")
        await wait(pilot, lambda: pilot.app.screen.query_one("#reasoning"), "the weging")
        await pilot.pause(0.2)

    assert snap_compare(
        app("politie", intake_doc=analyse(("gemeente",))), terminal_size=SIZE, run_before=before
    )


def test_samenstelling_dialog(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_intake(pilot)
        form = await dialog(pilot, "b", RulingScreen)
        form.query_one("#derden").select("ggz")
        await pilot.pause(0.2)

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_endorse_dialog(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_intake(pilot)
        await dialog(pilot, "o", EndorseScreen)
        await wait(pilot, lambda: "Reden GGZ" in screen_text(pilot.app), "the ruling")
        await pilot.pause(0.1)

    assert snap_compare(app("politie"), terminal_size=SIZE, run_before=before)
