"""The TUI redraws on the node's event stream and never polls (real node processes).

An idle TUI sends no request at all (counted in the client); a verstrekking that
reaches the recipient's node shows on the recipient's screen without any timer; a
lost node shows in the header and the stream comes back by itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cluster import Cluster
from tuikit import SIZE, STAFF, log_in, screen_text, until

from tui import i18n
from tui.api import SocketTransport
from tui.app import CasusnetApp
from tui.screens.room.screen import RoomScreen

pytestmark = pytest.mark.slow

NODES = {n: n for n in ("gemeente", "politie", "om")}
CASE = "RAD-2026-077"
IDLE = 10.0


class Counting(SocketTransport):
    """The real transport, counting every request (the event stream is not one)."""

    requests = 0

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        Counting.requests += 1
        return super().request(method, path, body)


@pytest.fixture(scope="module")
def live_federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    c = Cluster(tmp_path_factory.mktemp("live"), dict(NODES))
    c.setup()
    c.start_all()
    try:
        for node in NODES:
            name, function = STAFF[node]
            c.add_staff(node, name, function)
            c.login(node, name)
        c.cli("gemeente", "room", "convene", "--case", CASE, "--bases", "pga-r,wpg-20,wjsg-39fb")
        c.cli("gemeente", "room", "invite", CASE, "politie")
        c.cli("gemeente", "room", "invite", CASE, "om")
        c.wait_for("members", lambda: len(c.room("om", CASE)["members"]) == 3)
        c.intake("gemeente", CASE)
        yield c
    finally:
        c.stop_all()


def app_at(c: Cluster, node: str) -> CasusnetApp:
    i18n.set_language("nl")
    return CasusnetApp(Counting(c.data(node) / "api.sock"), place=node, blink=False)


def share(c: Cluster, text: str) -> None:
    c.cli("politie", "share", CASE, "--basis", "wpg-20", "--categories", "politie,signalen",
          "--agreement-ref", "WPG20-2026-004", "--justification", "Nodig voor de weging.",
          stdin=text)  # fmt: skip


def share_rows(app: CasusnetApp) -> int:
    return int(app.screen.query_one("#shares-table").row_count)


async def test_an_idle_tui_sends_nothing_and_a_share_shows_without_polling(
    live_federation: Cluster,
) -> None:
    c = live_federation
    app = app_at(c, "om")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, STAFF["om"][0])
        await until(pilot, lambda: CASE in screen_text(app), "the case in the rooms list")
        app.screen.query_one("#rooms").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RoomScreen) and app.screen.doc, "room")
        await pilot.press("4")
        await until(pilot, lambda: app.live.connections >= 1, "the event stream")
        await pilot.pause(1.0)  # the loads after login settle
        before, rows = Counting.requests, share_rows(app)
        await pilot.pause(IDLE)
        assert Counting.requests == before, "an idle TUI sent requests"

        share(c, "Signalen van isolatie.")
        await until(pilot, lambda: share_rows(app) > rows, "the new verstrekking on screen", 30)
        assert Counting.requests > before  # the screen asked for it, after the event
        assert app.live.connections == 1


async def test_a_stopped_node_shows_and_the_stream_comes_back(live_federation: Cluster) -> None:
    c = live_federation
    app = app_at(c, "om")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(app, pilot, STAFF["om"][0])
        await until(pilot, lambda: app.live.connections >= 1, "the event stream")
        c.stop("om")
        await until(pilot, lambda: app.offline, "the header's offline mark", 30)
        c.start("om")
        c.wait_healthy("om")
        await until(pilot, lambda: not app.offline, "back online", 60)
        assert app.live.connections >= 2
        await until(pilot, lambda: CASE in screen_text(app), "the rooms list, reloaded")
