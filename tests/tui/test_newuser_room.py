"""A case room at real nodes, by keys: a derde (GGZ) shares what its node accepts; the
invite and consent dialogs send with Ctrl+S; after ``4`` Enter opens a verstrekking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cluster import Cluster
from tuikit import screen_text, tui, until

from tui.screens.room.screen import RoomScreen

pytestmark = pytest.mark.slow

CASE = "RAD-2026-314"
NODES = {n: n for n in ("gemeente", "politie", "om", "ggz", "reclassering")}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga", "ggz": "greet"}
ROOM: dict[str, str] = {}


@pytest.fixture(scope="module")
def derde_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """An open PGA-R room with GGZ admitted as derde (invited, consented by all three)."""
    c = Cluster(tmp_path_factory.mktemp("derde"), dict(NODES))
    c.setup()
    c.start_all()
    try:
        c.open_pga_room(CASE, {n: s for n, s in STAFF.items()})
        c.add_staff("reclassering", "rob", "reclasseringswerker")
        c.login("reclassering", "rob")
        c.cli("gemeente", "room", "invite", CASE, "ggz", "--role", "derde")
        c.wait_for(
            "the invite everywhere",
            lambda: all(
                "ggz" in {m["node"] for m in c.room(n, CASE)["invited"]} for n in ("politie", "om")
            ),
        )
        for node in ("gemeente", "politie", "om"):
            c.cli(node, "room", "consent", CASE, "--subject", "ggz")
        c.wait_for("ggz at the table", lambda: c.room("ggz", CASE)["phase"] == "open")
        yield c
    finally:
        c.stop_all()


async def open_room(app: Any, pilot: Any) -> RoomScreen:
    await until(pilot, lambda: CASE in screen_text(app), "the case listed")
    app.screen.query_one("#rooms").focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RoomScreen) and app.screen.doc, "room")
    return app.screen  # type: ignore[no-any-return]


async def test_a_derde_shares_from_the_tui_and_it_arrives(derde_room: Cluster) -> None:
    async with tui(derde_room, "ggz") as (app, pilot):
        room = await open_room(app, pilot)
        await pilot.press("d")
        await until(pilot, lambda: app.screen is not room, "the compose form")
        form = app.screen
        text = screen_text(app)
        assert "onder geen van de verklaarde grondslagen" not in text
        assert str(form.query_one("#basis").value) == "pga-r"
        offered = [
            form.query_one("#categories").get_option_at_index(i).value
            for i in range(form.query_one("#categories").option_count)
        ]
        assert "signalen" in offered
        assert "politie" not in offered
        form.query_one("#categories").select("signalen")
        form.query_one("#recipients").select("gemeente")
        form.query_one("#justification").value = "Noodzakelijk voor de weging."
        form.query_one("#secrecy_ground").value = "toestemming"  # GGZ holds a beroepsgeheim
        form.query_one("#secrecy_ref").value = "Toestemming 2026-03-02"
        form.query_one("#summary").text = "Contact met de behandelaar verbroken."
        form.query_one("#summary").focus()  # Ctrl+S from inside the text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is room, "back in the room")
    sent = derde_room.wait_for(
        "the derde's share at the gemeente",
        lambda: [s for s in derde_room.room("gemeente", CASE)["shares"] if s["sender"] == "ggz"],
    )
    assert sent[0]["basis"] == "pga-r"


async def test_after_4_enter_opens_the_verstrekking(derde_room: Cluster) -> None:
    async with tui(derde_room, "gemeente") as (app, pilot):
        room = await open_room(app, pilot)
        await pilot.press("4")
        await until(pilot, lambda: "ggz" in screen_text(app), "the derde's verstrekking listed")
        await pilot.press("enter")  # no Tab first
        await until(pilot, lambda: "Contact met de behandelaar" in screen_text(app), "its text")
        assert app.screen is not room


async def test_invite_and_consent_dialogs_send_with_ctrl_s(derde_room: Cluster) -> None:
    async with tui(derde_room, "gemeente") as (app, pilot):
        room = await open_room(app, pilot)
        await pilot.press("i")
        await until(pilot, lambda: app.screen.query_one("#role"), "the invite dialog")
        app.screen.query_one("#node").value = "reclassering"
        app.screen.query_one("#role").value = "derde"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is room, "the invite sent")
        await until(
            pilot,
            lambda: "reclassering" in {m["node"] for m in room.doc.get("invited", [])},
            "reclassering invited",
        )
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query_one("#subject"), "the consent dialog")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is room, "the consent given")
    derde_room.wait_for(
        "the consent at the chair",
        lambda: "gemeente" in derde_room.room("gemeente", CASE)["consents"].get("reclassering", []),
    )
