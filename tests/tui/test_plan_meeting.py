"""The living plan and a follow-up meeting in the TUI, screen by screen, against real
node processes whose clocks are injected by libfaketime (set through the environment
at start; the test moves every node's clock together, as the meeting's day comes).

Politie proposes a measure it will carry out, the gemeente (chair) adopts it, politie
updates its status, and both see its history by organisation; the chair plans a
meeting, politie adds an agenda point, and once the meeting's time has come the chair's
node records its verslag. The tests run in order on one federation.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tuikit import STAFF, screen_text, tui, until

from tui import fmt
from tui.screens.measures import MeasureScreen, ProposeMeasureScreen, StatusScreen
from tui.screens.meetings import AgendaScreen, PlanMeetingScreen, ReassessScreen, VerslagScreen
from tui.screens.room.screen import RoomScreen

sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))

from cluster import Cluster  # noqa: E402
from fakeclock import FakeClock, available  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not available(), reason="faketime is not installed (make installs it)"),
]

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
CASE = "RAD-2026-301"
DAY = 86_400
TITLE = "Gesprekken met de jongere"
AGENDA = "Voortgang van de gesprekken"
VERSLAG = "Besproken: de gesprekken lopen; politie blijft in contact."
CLOCKS: dict[str, FakeClock] = {}


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("plan")
    cluster = Cluster(root, dict(NODES))
    cluster.setup()
    CLOCKS.update({n: FakeClock(root / f"{n}.faketime") for n in NODES})
    try:
        for node in NODES:  # sessions outlive the days the clocks move ahead
            cluster.start(node, {**CLOCKS[node].env, "CASUSNET_SESSION_IDLE": str(400 * DAY)})
        cluster.open_pga_room(CASE, {n: STAFF[n][0] for n in NODES})
        yield cluster
    finally:
        cluster.stop_all()


@pytest.fixture(autouse=True)
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")


def ahead(days: int) -> None:
    """Every node's clock ``days`` further: the meeting's day has come."""
    for clock in CLOCKS.values():
        clock.set(clock.offset + days * DAY)


def typed(days: float) -> str:
    """A time ``days`` ahead of the nodes' clock, as a person types it."""
    moment = time.time() + CLOCKS["gemeente"].offset + days * DAY
    return dt.datetime.fromtimestamp(moment, fmt.zone()).strftime("%Y-%m-%d %H:%M")


async def open_room(app: Any, pilot: Any, tab: str = "") -> RoomScreen:
    await until(pilot, lambda: CASE in screen_text(app), "the case in the rooms list")
    app.screen.query_one("#rooms").focus()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, RoomScreen) and app.screen.doc, "the room")
    if tab:
        await pilot.press(tab)
    screen = app.screen
    assert isinstance(screen, RoomScreen)
    return screen


async def form(app: Any, pilot: Any, key: str, kind: type) -> Any:
    await pilot.press(key)
    return await until(pilot, lambda: isinstance(app.screen, kind) and app.screen, f"the {key}")


async def the_measure(app: Any, pilot: Any, status: str) -> MeasureScreen:
    """On the plan tab: wait for the measure in ``status``, then Enter on it."""
    await until(pilot, lambda: status in screen_text(app), f"the measure {status}")
    grid = app.screen.query_one("#plan-table")
    grid.focus()
    await pilot.press("enter")
    return await until(pilot, lambda: isinstance(app.screen, MeasureScreen) and app.screen,
                       "the detail")  # fmt: skip


async def test_a_deelnemer_proposes_a_measure(federation: Cluster) -> None:
    async with tui(federation, "politie") as (app, pilot):
        await open_room(app, pilot, "5")
        screen = await form(app, pilot, "m", ProposeMeasureScreen)
        screen.query_one("#title").value = TITLE
        screen.query_one("#kind").value = "zorg"
        screen.query_one("#uitvoerder").value = "politie"
        screen.query_one("#risk").value = "Isolement en beïnvloeding online"
        screen.query_one("#due").value = typed(1)[:10]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the form closed")
        await until(pilot, lambda: "voorgesteld" in screen_text(app), "the proposal back")


async def test_the_chair_adopts_it(federation: Cluster) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        await open_room(app, pilot, "5")
        detail = await the_measure(app, pilot, "voorgesteld")
        assert "Voorgesteld door Politie; nog niet vastgesteld." in screen_text(app)
        assert detail.query("#adopt")
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "back on the plan")
        await until(pilot, lambda: "gepland" in screen_text(app), "adopted: gepland")


async def test_the_uitvoerder_updates_its_status_and_the_history_shows_who(
    federation: Cluster,
) -> None:
    async with tui(federation, "politie") as (app, pilot):
        await open_room(app, pilot, "5")
        await the_measure(app, pilot, "gepland")
        status = await form(app, pilot, "u", StatusScreen)
        status.query_one("#status").value = "lopend"
        status.query_one("#note").load_text("Eerste gesprek gevoerd.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "back on the plan")
    async with tui(federation, "gemeente") as (app, pilot):
        await open_room(app, pilot, "5")
        await the_measure(app, pilot, "lopend")
        text = screen_text(app)
        for line in ("Politie: voorgesteld", "Gemeente: vastgesteld", "Politie: status lopend",
                     "toelichting: Eerste gesprek gevoerd."):  # fmt: skip
            assert line in text
        for name, _ in STAFF.values():  # organisations, never a staff name
            assert name not in text


async def test_a_meeting_planned_an_agenda_point_and_its_verslag(federation: Cluster) -> None:
    async with tui(federation, "gemeente") as (app, pilot):
        await open_room(app, pilot, "7")
        planned = await form(app, pilot, "k", PlanMeetingScreen)
        planned.query_one("#at").value = typed(2)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "(volgend overleg)" in screen_text(app), "the meeting")
    async with tui(federation, "politie") as (app, pilot):
        await open_room(app, pilot, "7")
        await until(pilot, lambda: "(volgend overleg)" in screen_text(app), "the meeting")
        agenda = await form(app, pilot, "g", AgendaScreen)
        agenda.query_one("#entry").value = AGENDA
        await pilot.press("ctrl+s")
        await until(pilot, lambda: f"{AGENDA} (Politie)" in screen_text(app), "the point")
    ahead(3)  # the meeting was held; the measure (due the day after the proposal) is late
    async with tui(federation, "gemeente") as (app, pilot):
        await until(pilot, lambda: "1 te laat" in screen_text(app), "the late measure listed")
        screen = await open_room(app, pilot, "7")
        n = max(g["meeting"] for g in screen.plan()["meetings"])
        verslag = await form(app, pilot, "l", VerslagScreen)
        verslag.query_one("#meeting").value = n
        verslag.query_one("#entry").load_text(VERSLAG)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: VERSLAG in screen_text(app), "the verslag on the tab")
        assert "maatregelen: 1 te laat" in str(app.screen.query_one("#room-header").render())
    async with tui(federation, "politie") as (app, pilot):
        await open_room(app, pilot, "7")
        await until(pilot, lambda: VERSLAG in screen_text(app), "the verslag at politie")


async def test_a_deelnemer_assesses_again_at_the_meeting_and_the_criteria_move(
    federation: Cluster,
) -> None:
    async with tui(federation, "politie") as (app, pilot):
        screen = await open_room(app, pilot, "7")
        await until(pilot, lambda: VERSLAG in screen_text(app), "the meetings")
        n = max(g["meeting"] for g in screen.plan()["meetings"])
        weging = await form(app, pilot, "w", ReassessScreen)
        weging.query_one("#meeting").value = n
        weging.query_one("#c-ideologie").value = 1
        weging.query_one("#reasoning").load_text("Minder uitingen sinds de gesprekken.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen), "the form closed")
    async with tui(federation, "gemeente") as (app, pilot):
        await open_room(app, pilot, "7")
        criteria = lambda: str(app.screen.query_one("#meetings-criteria").render())  # noqa: E731
        await until(pilot, lambda: f"ov. {n}" in criteria(), "the round of the meeting")
        (ideology,) = [line for line in criteria().splitlines() if line.startswith("Vasthouden")]
        assert ideology.split()[-2:] == ["2", "1"]  # the intake's scores agreed; now 1
