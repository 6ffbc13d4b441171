"""Afgeschermd in the TUI: reached from the rooms screen with ``f``, the shielded records
with their term and legal hold (no content); staff of the case open one with a purpose
and a reason; the FG records a legal hold, lifts it and destroys, and cannot open.
Driven with Pilot against a canned node that records what the screens asked;
screenshots at 80x24.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from canned import T0, CannedTransport
from test_screens import SIZE, logged_in

from tui import i18n
from tui.app import CasusnetApp

DAY = 86400
RECORDS = [
    {"record": "ab" * 16, "room": "cd" * 32, "case": "RAD-2026-017", "kind": "gemeente",
     "created": T0 - 10 * DAY, "destroy_by": T0 + 1800 * DAY, "hold": True,
     "hold_reason": "Procedure", "hold_at": T0 - DAY, "openings": 2},
    {"record": "ef" * 16, "room": "cd" * 32, "case": "RAD-2026-017", "kind": "supplier",
     "created": T0 - 10 * DAY, "destroy_by": T0 + 1800 * DAY, "hold": False,
     "hold_reason": None, "hold_at": None, "openings": 0},
]  # fmt: skip
NOTE = "Geen aanwijzingen meer; zorg loopt via het wijkteam."
OPENED = dict(
    RECORDS[0],
    content={
        "closing": {"outcome": "afgeschaald", "closed_at": T0 - 10 * DAY, "note": NOTE},
        "plan": {"measures": [{"title": "Gesprek met school"}]},
        "verstrekkingen": [{"share": "01" * 16}],
    },
)


class Shielded(CannedTransport):
    """The canned node with two shielded records; ``calls`` is what the screens asked."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__()
        self.roles = roles
        self.calls: list[tuple[str, str, Any]] = []

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == "/v1/login":
            return dict(super().request(method, path, body), roles=self.roles)
        if not path.startswith("/v1/shielded"):
            return super().request(method, path, body)
        self.calls.append((method, path, copy.deepcopy(body)))
        if path == "/v1/shielded":
            return {"records": RECORDS, "purposes": ["overdracht"]}
        if path.endswith("/open"):
            return OPENED
        return RECORDS[0]


@pytest.fixture(autouse=True)
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def app(roles: list[str] | None = None) -> CasusnetApp:
    return CasusnetApp(Shielded(roles or []), place="gemeente", blink=False, poll=3600)


async def settle(pilot: Any, screen: str, until: Any = None) -> None:
    for _ in range(60):
        await pilot.pause(0.05)
        if type(pilot.app.screen).__name__ == screen and (until is None or until()):
            break
    await pilot.pause(0.1)
    assert type(pilot.app.screen).__name__ == screen


async def in_list(pilot: Any) -> None:
    await logged_in(pilot)
    await pilot.press("f")
    await settle(pilot, "ShieldedScreen", lambda: pilot.app.screen.rows)


def calls(pilot: Any) -> list[tuple[str, str, Any]]:
    transport: Shielded = pilot.app.api.transport
    return transport.calls


# --- screenshots ----------------------------------------------------------------------------


def test_shielded_list(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_list)


def test_shielded_open_dialog(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_list(pilot)
        await pilot.press("o")
        await settle(pilot, "ShieldedDialog")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_shielded_list_for_the_fg(snap_compare: Any) -> None:
    assert snap_compare(app(["fg"]), terminal_size=SIZE, run_before=in_list)


# --- what the screens do --------------------------------------------------------------------


async def test_the_list_shows_term_and_hold_and_opening_needs_a_purpose_and_reason() -> None:
    a = app()
    async with a.run_test(size=SIZE) as pilot:
        await in_list(pilot)
        grid = a.screen.query_one("#shielded")
        rows = [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]
        assert rows[0][:2] == ["RAD-2026-017", "integraal dossier"]
        assert rows[0][3:] == ["ja", "2"]
        assert rows[1][1:2] == ["eigen verstrekkingen"]
        assert calls(pilot) == [("GET", "/v1/shielded", None)]
        await pilot.press("o")
        await settle(pilot, "ShieldedDialog")
        dialog = a.screen
        await pilot.click("#submit")
        await pilot.pause(0.1)
        assert "Kies een doel" in str(dialog.query_one("#form-message").content)
        dialog.query_one("#purpose").value = "rechtsvordering"
        await pilot.click("#submit")
        await pilot.pause(0.1)
        assert "toelichting" in str(dialog.query_one("#form-message").content)
        assert len(calls(pilot)) == 1  # nothing opened without both
        dialog.query_one("#reason").value = "Procedure bij de rechtbank."
        await pilot.click("#submit")
        await settle(pilot, "ShieldedDialog", lambda: NOTE in str(
            dialog.query_one("#shielded-content").content))  # fmt: skip
        method, path, body = calls(pilot)[-1]
        assert (method, path) == ("POST", f"/v1/shielded/{'ab' * 16}/open")
        assert body == {"purpose": "rechtsvordering", "reason": "Procedure bij de rechtbank."}
        assert "Gesprek met school" in str(dialog.query_one("#shielded-content").content)


async def test_the_fg_records_and_lifts_a_hold_and_destroys_but_cannot_open() -> None:
    a = app(["fg"])
    async with a.run_test(size=SIZE) as pilot:
        await in_list(pilot)
        await pilot.press("o")  # not for the FG
        await pilot.pause(0.1)
        assert type(a.screen).__name__ == "ShieldedScreen"
        await pilot.press("down", "b")
        await settle(pilot, "ShieldedDialog")
        a.screen.query_one("#reason").value = "Klacht bij de AP."
        await pilot.click("#submit")
        await settle(pilot, "ShieldedScreen")
        assert calls(pilot)[-2][1:] == (f"/v1/shielded/{'ef' * 16}/hold",
                                        {"reason": "Klacht bij de AP."})  # fmt: skip
        await pilot.press("l")
        await settle(pilot, "ShieldedDialog")
        await pilot.click("#submit")
        await settle(pilot, "ShieldedScreen")
        assert any(p.endswith("/release") for _, p, _ in calls(pilot))
        await pilot.press("v")
        await settle(pilot, "ShieldedDialog")
        a.screen.query_one("#reason").value = "Niet meer nodig."
        await pilot.click("#submit")
        await settle(pilot, "ShieldedScreen")
        assert any(p.endswith("/destroy") for _, p, _ in calls(pilot))
        assert not any(p.endswith("/open") for _, p, _ in calls(pilot))
