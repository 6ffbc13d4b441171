"""The whole meeting in the TUI, screen by screen, against six real nodes.

The tests run in order on one federation: each opens the TUI of the partner that
acts, does what a person at the table would do with the keyboard, and checks what
that person (or the node) then sees.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from tuikit import STAFF, log_in, press_button, screen_text, tui, until

from tui.screens.login import LoginScreen
from tui.screens.room.screen import RoomScreen
from tui.screens.rooms import RoomsScreen

pytestmark = pytest.mark.slow

CASE = "RAD-2026-041"
ROOM: dict[str, str] = {}


def room_doc(federation: Any, node: str) -> dict[str, Any]:
    return federation.room(node, ROOM["id"])


async def open_room(app: Any, pilot: Any) -> RoomScreen:
    await until(pilot, lambda: CASE in screen_text(app), "the case in the rooms list")
    table = app.screen.query_one("#rooms")
    table.focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RoomScreen) and app.screen.doc, "the room")
    screen = app.screen
    assert isinstance(screen, RoomScreen)
    return screen


async def test_login_refuses_a_wrong_passphrase_then_shows_no_rooms(federation: Any) -> None:
    async with tui(federation, "gemeente", login=False) as (app, pilot):
        await log_in(app, pilot, "anna", "verkeerd")
        await until(pilot, lambda: "Inloggen mislukt" in screen_text(app), "the refusal")
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot, "anna")
        await until(pilot, lambda: "Geen casussen" in screen_text(app), "the empty list")
        assert "aandachtsfunctionaris" in app.sub_title


async def test_chair_convenes_with_the_wizard(federation: Any) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        await pilot.press("n")
        await until(pilot, lambda: app.screen.query_one("#case"), "the wizard")
        s = app.screen
        s.query_one("#case").value = CASE
        s.query_one("#meeting").value = "2026-12-01 10:00"
        bases = s.query_one("#bases")
        text = screen_text(app)
        assert "Wet PGA (art. 2, 3, 4, 5, 6, 7, 8, 9)" in text  # law and articles shown
        assert "komen vanzelf mee" in text  # politie's and the OM's bases need no ticking
        bases.select("pga-r")
        for n in ("politie", "om", "reclassering"):  # reclassering is consulted
            s.query_one("#deelnemers").select(n)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RoomsScreen), "back to the rooms")
        await until(pilot, lambda: CASE in screen_text(app), "the new case listed")
        assert "intake" in screen_text(app)
        rooms = federation.json("gemeente", "room", "list")
        ROOM["id"] = next(r["room"] for r in rooms["rooms"] if r["case_ref"] == CASE)
    federation.wait_for(
        "the partners to join",
        lambda: (
            {"politie", "om", "reclassering"}
            <= {m["node"] for m in room_doc(federation, "gemeente")["members"]}
        ),
    )


@pytest.mark.parametrize("node", ["politie", "om", "gemeente"])
async def test_intake_each_assessor_records_the_five_criteria(federation: Any, node: str) -> None:
    async with tui(federation, node) as (app, pilot):
        screen = await open_room(app, pilot)
        await pilot.press("2")  # the intake tab
        await until(pilot, lambda: "Fase: analyse van de aanmelding" in screen_text(app), "intake")
        await pilot.press("w")
        await until(pilot, lambda: app.screen.query_one("#reasoning"), "the weging form")
        form = app.screen
        form.query_one("#c-ideologie").value = 3
        form.query_one("#c-geweldsbereidheid").value = 2
        form.query_one("#reasoning").text = f"Weging van {node}: zorgen over geweld."
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        org = federation.nodes[node]
        await until(
            pilot,
            lambda: (
                org in screen.doc.get("assessments", {})
                and f"Motivering: Weging van {node}" in screen_text(app)
            ),
            "the own weging shown",
        )
        assert "3 ernstige zorg" in screen_text(app)


async def propose(federation: Any, stage: str, fill: Any) -> None:
    """The chair proposes the intake's next ruling with ``b``."""
    async with tui(federation, "gemeente") as (app, pilot):
        screen = await open_room(app, pilot)
        await until(pilot, lambda: screen.doc.get("stage") == stage, f"the stage {stage}")
        await pilot.press("b")
        await until(pilot, lambda: app.screen.query_one("#reasoning"), "the ruling form")
        fill(app.screen)
        app.screen.query_one("#reasoning").text = "Eensluidend, zie de wegingen."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the form to close")
        await until(pilot, lambda: screen.doc.get("ruling"), "the ruling in the room")


async def sign(federation: Any, node: str) -> None:
    """An organisation reads the pending ruling and signs it with ``o``."""
    async with tui(federation, node) as (app, pilot):
        screen = await open_room(app, pilot)
        await until(pilot, lambda: screen.view().may_sign(), "a ruling to sign")
        await pilot.press("o")
        await until(pilot, lambda: "Eensluidend, zie de wegingen" in screen_text(app), "it")
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")


async def test_the_beoordeling_proposed_and_signed_by_all_three(federation: Any) -> None:
    await propose(federation, "analyse", lambda form: None)  # voorleggen, preselected
    for node in ("gemeente", "politie", "om"):
        await sign(federation, node)
    federation.wait_for(
        "the verzamelen stage", lambda: room_doc(federation, "om")["stage"] == "verzamelen"
    )


async def test_the_samenstelling_proposed_and_signed_opens_the_case(federation: Any) -> None:
    def keep_reclassering(form: Any) -> None:
        assert "reclassering" in form.query_one("#deelnemers").selected

    await propose(federation, "verzamelen", keep_reclassering)
    for node in ("gemeente", "politie", "om"):
        await sign(federation, node)
    federation.wait_for(
        "the room to open", lambda: room_doc(federation, "gemeente")["phase"] == "open"
    )
    assert room_doc(federation, "gemeente")["named"].get("reclassering") == "deelnemer"
    async with tui(federation, "gemeente") as (app, pilot):  # ggz: a derde not named
        screen = await open_room(app, pilot)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query_one("#role"), "the invite form")
        app.screen.query_one("#node").value = "ggz"
        app.screen.query_one("#role").value = "derde"
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: app.screen is screen, "the form to close")


@pytest.mark.parametrize("node", ["gemeente", "politie", "om"])
async def test_consent_for_the_third_party(federation: Any, node: str) -> None:
    async with tui(federation, node) as (app, pilot):
        screen = await open_room(app, pilot)
        await until(pilot, lambda: screen.doc.get("phase") == "open", "the open room")
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query_one("#subject"), "the consent form")
        assert "ggz" in screen_text(app).lower()
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: app.screen is screen, "the form to close")
    if node == "om":
        federation.wait_for(
            "ggz admitted",
            lambda: "ggz" in {m["node"] for m in room_doc(federation, "gemeente")["members"]},
        )


async def test_members_show_fingerprints_and_epochs(federation: Any) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        screen = await open_room(app, pilot)
        await until(pilot, lambda: "ggz" in screen_text(app), "ggz among the members")
        text = screen_text(app)
        doc = screen.doc
        for m in doc["members"]:
            groups = m["fingerprint"].split()
            assert " ".join(groups[:3]) in text
        assert "incidentele derde" in text


async def test_share_refused_by_policy_then_sent(federation: Any) -> None:
    async with tui(federation, "politie") as (app, pilot):
        screen = await open_room(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: app.screen.query_one("#basis"), "the compose screen")
        form = app.screen
        form.query_one("#basis").value = "wpg-20"
        await pilot.pause(0.2)
        form.query_one("#categories").select("politie")
        form.query_one("#categories").select("signalen")
        form.query_one("#justification").value = "Noodzakelijk voor de weging."
        form.query_one("#summary").text = "Drie meldingen over uitingen op sociale media."
        await press_button(app, pilot, "#check")
        await until(pilot, lambda: "Niet toegestaan" in screen_text(app), "the policy refusal")
        text = screen_text(app)
        assert "Wpg (art. 20 lid 3 en 4)" in text  # the law and its articles
        assert "Referentie afspraak met het bevoegd gezag" in text
        assert not [s for s in room_doc(federation, "politie")["shares"] if s["own"]]
        form.query_one("#agreement_ref").value = "Afspraak bevoegd gezag 2026"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "back in the room")
        await pilot.press("4")
        await until(
            pilot,
            lambda: "3/3 ontvangen" in screen_text(app),
            "every recipient confirmed receipt",
        )
    # the derde received nothing: it was not named
    assert not room_doc(federation, "ggz")["shares"]


async def test_a_recipient_reads_the_share_and_it_is_audited(federation: Any) -> None:
    async with tui(federation, "om") as (app, pilot):
        screen = await open_room(app, pilot)
        await pilot.press("4")
        await until(pilot, lambda: "nieuw" in screen_text(app), "the unread share")
        table = screen.query_one("#shares-table")
        table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: "Drie meldingen" in screen_text(app), "the share's text")
        assert "wijkagent" in screen_text(app)  # the function, never the name
        assert "piet" not in screen_text(app)
        await press_button(app, pilot, "#cancel")
        await until(pilot, lambda: "gelezen" in screen_text(app), "the share marked read")
        await pilot.press("a")
        await until(
            pilot, lambda: "verstrekking gelezen" in screen_text(app), "the view in the audit"
        )


async def test_plan_van_aanpak_and_markdown_export(
    federation: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with tui(federation, "gemeente") as (app, pilot):
        screen = await open_room(app, pilot)
        for title, measure, owner in (
            ("Gesprek met moskeebestuur", "bestuurlijk", "gemeente"),
            ("Meldplicht bij de reclassering", "strafrechtelijk", "reclassering"),
            ("Exitbegeleiding", "zorg", "gemeente"),  # a derde carries out no measure
        ):
            await pilot.press("m")
            await until(pilot, lambda: app.screen.query_one("#title"), "the plan form")
            form = app.screen
            form.query_one("#title").value = title
            form.query_one("#kind").value = measure
            form.query_one("#uitvoerder").value = owner
            form.query_one("#risk").value = "Verdere radicalisering"
            form.query_one("#due").value = "2027-01-15"
            await press_button(app, pilot, "#submit")
            await until(pilot, lambda: app.screen is screen, "the form to close")
        await pilot.press("5")
        await until(pilot, lambda: "Exitbegeleiding" in screen_text(app), "the plan")
        await pilot.press("x")
        # the node writes it into its private exports folder, never the working directory
        folder = federation.data("gemeente") / "exports"
        await until(pilot, lambda: folder.exists() and any(folder.iterdir()), "the exported file")
        await pilot.press("a")
        await until(
            pilot,
            lambda: "integraal plan geëxporteerd" in screen_text(app),
            "the export audited",
        )
    (target,) = [folder / name for name in os.listdir(folder)]
    assert target.name.startswith(f"plan-van-aanpak-{CASE}-")
    assert os.listdir(tmp_path) == []  # nothing in the working directory
    assert target.stat().st_mode & 0o077 == 0
    assert folder.stat().st_mode & 0o077 == 0
    exported = target.read_text()
    assert CASE in exported
    assert "Meldplicht bij de reclassering" in exported
    assert "| strafrechtelijk | reclassering | 2027-01-15 |" in exported
    for name, _ in STAFF.values():
        assert name not in exported


async def test_close_and_the_revocation_matrix_fills_up(federation: Any) -> None:
    # a second share, from gemeente, so the chair's matrix has rows
    async with tui(federation, "gemeente") as (app, pilot):
        screen = await open_room(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: app.screen.query_one("#basis"), "the compose screen")
        form = app.screen
        form.query_one("#categories").select("signalen")
        form.query_one("#justification").value = "Nodig voor het plan."
        form.query_one("#summary").text = "Signalen van school en wijkteam."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen, "back in the room")
        await pilot.press("s")
        await until(pilot, lambda: app.screen.query_one("#outcome"), "the close dialog")
        app.screen.query_one("#outcome").value = "afgeschaald"
        app.screen.query_one("#note").text = "Evaluatie: de maatregelen zijn uitgevoerd."
        await press_button(app, pilot, "#submit")
        # the deelnemers decide (Wet PGA art. 6 lid 3): the others sign at their nodes,
        # the gemeente in its own TUI (o); then the chair's node closes the room
        await until(pilot, lambda: (room_doc(federation, "gemeente").get("ruling") or {})
                    .get("stage") == "afsluiting", "the proposed closure")  # fmt: skip
        seq = room_doc(federation, "gemeente")["ruling"]["seq"]
        for node in federation.signers("gemeente", ROOM["id"]):
            if node != "gemeente":
                await until(pilot, lambda n=node: (room_doc(federation, n).get("ruling") or {})
                            .get("seq") == seq, f"the closure at {node}")  # fmt: skip
                federation.cli(node, "room", "endorse", ROOM["id"], "--ruling", str(seq))
        await until(pilot, lambda: app.screen is screen, "back in the room")
        await pilot.press("o")
        await until(pilot, lambda: app.screen.query_one("#ruling-body"), "the closure to sign")
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: room_doc(federation, "gemeente")["phase"] == "closed",
                    "closed by the chair's node", within=30)  # fmt: skip
        await until(pilot, lambda: screen.query_one("#tabs").active == "revocation", "the matrix")
        await until(
            pilot,
            lambda: "Alles bevestigd" in screen_text(app),
            "every deletion and closure confirmed",
            within=60,
        )
        text = screen_text(app)
        assert "✓ verw." in text
        assert "✓ afgesl." in text
        bar = screen.query_one("#matrix-progress")
        assert bar.progress == bar.total
    await_state = room_doc(federation, "politie")
    assert await_state["phase"] == "closed"


async def test_partners_screen_lists_fingerprints_and_reachability(federation: Any) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        await pilot.press("p")
        await until(pilot, lambda: "Bereikbaar" in screen_text(app), "the partners")
        await until(
            pilot,
            lambda: "deze node" in screen_text(app) and "ja" in screen_text(app),
            "reachability",
        )
        text = screen_text(app)
        for node in STAFF:
            assert node in text


async def test_audit_filters_and_verifies(federation: Any) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        await pilot.press("a")
        created = "casusoverleg aangemaakt"
        await until(pilot, lambda: created in screen_text(app), "own audit entries")
        assert "convene" not in screen_text(app)  # the action's id, not shown in Dutch
        app.screen.query_one("#filter").value = "login"  # an action's id still filters
        await until(pilot, lambda: created not in screen_text(app), "the filter")
        assert "ingelogd" in screen_text(app)
        app.screen.query_one("#audit").focus()
        await pilot.press("v")
        verified = "Auditketen van deze node intact"
        await until(pilot, lambda: verified in screen_text(app), "verification")


async def test_english_and_the_help_screen(federation: Any) -> None:
    async with tui(federation, "gemeente", lang="en") as (app, pilot):
        await until(pilot, lambda: "My cases" in screen_text(app), "English")
        await pilot.press("question_mark")
        await until(pilot, lambda: "Help: keys" in screen_text(app), "the help")
        await pilot.press("escape")


async def test_idle_session_returns_to_login(federation: Any) -> None:
    async with tui(federation, "politie", idle_timeout=0.5) as (app, pilot):
        await until(
            pilot, lambda: isinstance(app.screen, LoginScreen), "the login after idling", within=10
        )
        assert "verlopen" in screen_text(app)
        assert not app.api.logged_in


async def test_a_lost_node_is_shown_and_retried(federation: Any) -> None:
    async with tui(federation, "reclassering") as (app, pilot):
        await until(pilot, lambda: CASE in screen_text(app), "the rooms")
        federation.stop("reclassering")
        try:
            await until(pilot, lambda: "GEEN VERBINDING" in app.sub_title, "the lost node shown")
            assert CASE in screen_text(app)  # what was on screen stays
        finally:
            federation.start("reclassering")
        await until(pilot, lambda: "GEEN VERBINDING" not in app.sub_title, "the node back")
        assert "reclasseringswerker" in app.sub_title


async def test_the_burgemeester_mandates_the_zvh_to_chair(federation: Any) -> None:
    case = "RAD-2026-042"
    async with tui(federation, "gemeente") as (app, pilot):
        await until(pilot, lambda: isinstance(app.screen, RoomsScreen), "the rooms list")
        await pilot.press("g")
        await until(pilot, lambda: app.screen.query_one("#chair"), "the mandate form")
        form = app.screen
        form.query_one("#chair").value = "zvh"
        form.query_one("#case").value = case
        await press_button(app, pilot, "#submit")
        await until(pilot, lambda: isinstance(app.screen, RoomsScreen), "the form closed")
    convene = ("room", "convene", "--case", case, "--bases", "pga-r", "--verblijf", "gemeente")
    federation.wait_for(
        "the ZVH convening on the mandate",
        lambda: federation.cli("zvh", *convene, check=False).returncode == 0,
    )
