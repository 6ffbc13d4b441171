"""A stopped partner is visible: the sender's share says which partner it waits for and
since when that partner is unreachable, the partners screen says "onbereikbaar sinds",
and a session the node ended is explained by the node's reason (not always "te lang
niet gebruikt"). Driven with Pilot against the canned node."""

from __future__ import annotations

import copy
from typing import Any

import canned
from test_intake_screens import app, fixed_zone, wait
from test_screens import in_room, logged_in
from tuikit import screen_text

from node.apiclient import ApiError
from tui import fmt
from tui.screens.login import LoginScreen

__all__ = ["fixed_zone"]

STOPPED = canned.T0 + 42 * 60  # when the OM's node stopped answering


def roster_with_om_stopped() -> dict[str, Any]:
    roster = copy.deepcopy(canned.ROSTER)
    for m in roster["members"]:
        if m["node"] == "om":
            m.update(reachable=False, failures=2, unreachable_since=STOPPED)
    return roster


def room_waiting_for_om() -> dict[str, Any]:
    doc = copy.deepcopy(canned.ROOM_DOC)
    for s in doc["shares"]:
        if s["own"]:
            s["deliveries"]["om"] = "pending"
    return doc


async def test_the_sender_sees_which_partner_has_not_received_and_since_when() -> None:
    a = app("gemeente", roster=roster_with_om_stopped(), room_doc=room_waiting_for_om())
    async with a.run_test(size=(120, 30)) as pilot:
        await in_room(pilot, "4")
        since = fmt.since(STOPPED)
        expected = f"3/4 ontvangen — wacht op OM (onbereikbaar sinds {since})"
        await wait(pilot, lambda: expected in " ".join(screen_text(pilot.app).split()), expected)


async def test_at_80_columns_the_waiting_share_wraps_and_hides_no_column() -> None:
    a = app("gemeente", roster=roster_with_om_stopped(), room_doc=room_waiting_for_om())
    async with a.run_test(size=(80, 24)) as pilot:
        await in_room(pilot, "4")
        await pilot.pause(0.3)
        strips = pilot.app.screen._compositor.render_strips()
        shown = "\n".join("".join(seg.text for seg in strip) for strip in strips)
        flat = " ".join(shown.split())
        assert "Categorieën" in shown
        assert "sociale_relaties" in shown
        for (
            word
        ) in f"3/4 ontvangen — wacht op OM (onbereikbaar sinds {fmt.since(STOPPED)})".split():
            assert word in flat, word  # every word whole on the screen, none cut off


async def test_a_share_delivered_to_all_names_nobody() -> None:
    async with app("gemeente").run_test(size=(120, 30)) as pilot:
        await in_room(pilot, "4")
        await wait(pilot, lambda: "4/4 ontvangen" in screen_text(pilot.app), "4/4")
        assert "wacht op" not in screen_text(pilot.app)


async def test_the_partners_screen_says_unreachable_since() -> None:
    a = app("gemeente", roster=roster_with_om_stopped())
    async with a.run_test(size=(100, 30)) as pilot:
        await logged_in(pilot)
        await pilot.press("p")
        since = fmt.since(STOPPED)
        text = f"onbereikbaar sinds {since} (2 mislukt)"
        await wait(pilot, lambda: text in screen_text(pilot.app), text)
        row = pilot.app.screen.query_one("#partners").get_row("om")
        assert str(row[-1]) == text


class EndedSession(canned.CannedTransport):
    """The canned node that ends the session after login, for the reason given."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason
        self.ended = False

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if self.ended and path != "/v1/login":
            raise ApiError("node.session", "The session has ended.", self.reason, 401)
        return super().request(method, path, body)


async def ended(reason: str) -> str:
    a = app()
    transport = EndedSession(reason)
    a.api.transport = transport
    async with a.run_test(size=(80, 24)) as pilot:
        await logged_in(pilot)
        transport.ended = True  # the node restarted, or the session went idle there
        await pilot.press("p")  # the next request meets the ended session
        await wait(pilot, lambda: isinstance(pilot.app.screen, LoginScreen), "the login")
        return str(pilot.app.screen.query_one("#message").render())


async def test_after_a_node_restart_the_session_is_said_to_have_ended() -> None:
    said = await ended("unknown")
    assert "de node kent haar niet meer" in said
    assert "te lang niet gebruikt" not in said


async def test_a_session_idle_at_the_node_is_said_to_have_expired() -> None:
    said = await ended("idle")
    assert "te lang niet gebruikt" in said
