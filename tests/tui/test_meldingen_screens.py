"""The register of meldingen in the TUI: reached from the rooms screen with ``m`` by its
staff only, listed (and filtered on what never reached an intake), recorded, followed
up, and the melder opened for a reason. Driven with Pilot against a canned gemeente
node that records what the screens asked; screenshots at 80x24.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from canned import T0, CannedTransport
from test_screens import SIZE, logged_in

from tui import i18n
from tui.app import CasusnetApp

SOURCES = ["burger", "school", "leerplicht", "jongerenwerk", "wijkteam", "zorg", "jeugdhulp"]
SOURCES += ["politie", "meld_misdaad_anoniem", "ambtsbericht", "werkgever"]
SOURCES += ["eigen_waarneming", "anders"]
VOCAB = {
    "sources": SOURCES,
    "follow_ups": ["geen", "volgen", "aanmelding"],
    "purposes": ["contact_melder", "correctie", "verzoek_melder"],
    "terms": {"geen": 183 * 86400, "volgen": 365 * 86400, "aanmelding": 365 * 86400},
}
DAY = 86400


def melding(
    n: int, source: str, follow_up: str, case: str | None = None, **kw: Any
) -> dict[str, Any]:
    doc = {
        "id": n,
        "received": T0 - DAY * (40 - n),
        "source": source,
        "follow_up": follow_up,
        "case_ref": case,
        "recorded_by": "anna",
        "created": T0 - DAY * (40 - n),
        "updated": T0 - DAY * (30 - n),
        "phase": None,
        "has_melder": n == 3,
        "keep_until": T0 + DAY * (150 + n),
    }
    doc.update(kw)
    return doc


MELDINGEN = [
    melding(4, "ambtsbericht", "aanmelding", "RAD-2026-017", phase="open", keep_until=None),
    melding(3, "school", "volgen"),
    melding(2, "meld_misdaad_anoniem", "aanmelding", "RAD-2026-030"),
    melding(1, "burger", "geen"),
]
SUMMARY = "Leerling deelt filmpjes van een extremistische groep in de klassenapp."
MELDER = "Mentor J. de Vries, 06-12345678"
DETAIL = dict(
    MELDINGEN[1],
    summary=SUMMARY,
    history=[
        {"at": T0 - DAY * 37, "actor": "anna", "change": "recorded", "follow_up": "volgen",
         "case_ref": None},
        {"at": T0 - DAY * 27, "actor": "anna", "change": "summary", "follow_up": "volgen",
         "case_ref": None},
    ],
)  # fmt: skip


class Register(CannedTransport):
    """The canned gemeente node with a register of meldingen; ``calls`` is what the
    screens asked of it."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__()
        self.roles = roles
        self.calls: list[tuple[str, str, Any]] = []

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == "/v1/login":
            return dict(super().request(method, path, body), roles=self.roles)
        if not path.startswith("/v1/meldingen"):
            return super().request(method, path, body)
        self.calls.append((method, path, copy.deepcopy(body)))
        if path.startswith("/v1/meldingen?"):
            rows = MELDINGEN
            if "no_intake=1" in path:
                rows = [m for m in MELDINGEN if m["phase"] is None]
            return {"meldingen": rows, **VOCAB}
        if path == "/v1/meldingen":
            return {"melding": 5}
        if path.endswith("/melder"):
            return {"melder": MELDER}
        if method == "POST":
            return dict(DETAIL, **(body or {}))
        return DETAIL


@pytest.fixture(autouse=True)
def fixed_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASUSNET_TZ", "Europe/Amsterdam")
    i18n.set_language("nl")


def app(roles: list[str] | None = None) -> CasusnetApp:
    transport = Register(["aandachtsfunctionaris"] if roles is None else roles)
    return CasusnetApp(transport, place="gemeente", blink=False, poll=3600)


def calls(pilot: Any) -> list[tuple[str, str, Any]]:
    transport: Register = pilot.app.api.transport
    return transport.calls


async def settle(pilot: Any, screen: str, until: Any = None) -> None:
    for _ in range(60):
        await pilot.pause(0.05)
        if type(pilot.app.screen).__name__ == screen and (until is None or until()):
            break
    await pilot.pause(0.1)
    assert type(pilot.app.screen).__name__ == screen


async def in_register(pilot: Any) -> None:
    await logged_in(pilot)
    await pilot.press("r")
    await settle(pilot, "MeldingenScreen", lambda: pilot.app.screen.rows is not None)


async def in_melding(pilot: Any) -> None:
    await in_register(pilot)
    await pilot.press("down", "enter")  # the second row: melding 3
    await settle(pilot, "MeldingScreen", lambda: pilot.app.screen.doc)


def body_text(pilot: Any, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector).content)


# --- screenshots ----------------------------------------------------------------------------


def test_meldingen_list(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_register)


def test_melding_detail(snap_compare: Any) -> None:
    assert snap_compare(app(), terminal_size=SIZE, run_before=in_melding)


def test_melding_new(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_register(pilot)
        await pilot.press("n")
        await settle(pilot, "NewMeldingScreen")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


def test_melder_dialog(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await in_melding(pilot)
        await pilot.press("i")
        await settle(pilot, "MelderScreen")

    assert snap_compare(app(), terminal_size=SIZE, run_before=before)


# --- what the screens do --------------------------------------------------------------------


async def test_the_register_lists_without_content_and_filters_what_reached_no_intake() -> None:
    a = app()
    async with a.run_test(size=SIZE) as pilot:
        await in_register(pilot)
        grid = a.screen.query_one("#meldingen")
        rows = [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]
        assert [r[0] for r in rows] == ["4", "3", "2", "1"]
        assert rows[0][2:5] == ["ambtsbericht (AIVD)", "aanmelding", "RAD-2026-017"]
        assert rows[0][5] == "met de casus"
        assert rows[3][3] == "geen"
        assert calls(pilot)[-1][1] == "/v1/meldingen?no_intake=0"
        await pilot.press("z")
        await settle(pilot, "MeldingenScreen", lambda: grid.row_count == 3)
        assert calls(pilot)[-1][1] == "/v1/meldingen?no_intake=1"
        assert body_text(pilot, "#meldingen-title") == "Register van meldingen: zonder intake"
        assert [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)] == ["3", "2", "1"]
        # the list never asked for a summary or a melder
        assert all(path.count("/") == 2 for _, path, _ in calls(pilot))


async def test_a_new_melding_is_posted_as_filled_in_and_the_list_reloads() -> None:
    a = app()
    async with a.run_test(size=SIZE) as pilot:
        await in_register(pilot)
        await pilot.press("n")
        await settle(pilot, "NewMeldingScreen")
        form = a.screen
        form.query_one("#received").value = "2026-11-27"
        form.query_one("#summary").text = SUMMARY
        form.query_one("#melder").value = MELDER
        form.query_one("#follow_up").value = "aanmelding"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert "bron" in body_text(pilot, "#form-message")  # no source chosen yet
        form.query_one("#source").value = "school"
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert "casusreferentie" in body_text(pilot, "#form-message")
        form.query_one("#case").value = "rad-2026-031"
        before = len(calls(pilot))
        await pilot.press("ctrl+s")
        await settle(pilot, "MeldingenScreen", lambda: len(calls(pilot)) > before + 1)
        posted = [c for c in calls(pilot) if c[:2] == ("POST", "/v1/meldingen")]
        assert len(posted) == 1
        body = posted[0][2]
        assert body["source"] == "school"
        assert body["summary"] == SUMMARY
        assert body["melder"] == MELDER
        assert (body["follow_up"], body["case"]) == ("aanmelding", "RAD-2026-031")
        assert isinstance(body["received"], int)
        assert calls(pilot)[-1][1].startswith("/v1/meldingen?")  # reloaded


async def test_a_melding_is_read_once_followed_up_and_its_melder_opened_for_a_reason() -> None:
    a = app()
    async with a.run_test(size=SIZE) as pilot:
        await in_melding(pilot)
        text = body_text(pilot, "#melding-body")
        assert SUMMARY in text
        assert "samenvatting gecorrigeerd" in text
        assert "Vries" not in text
        reads = [c for c in calls(pilot) if c[:2] == ("GET", "/v1/meldingen/3")]
        assert len(reads) == 1
        await pilot.press("o")
        await settle(pilot, "FollowUpScreen")
        a.screen.query_one("#follow_up").value = "aanmelding"
        a.screen.query_one("#case").value = "rad-2026-031"
        await pilot.press("ctrl+s")
        await settle(pilot, "MeldingScreen")
        updates = [c for c in calls(pilot) if c[:2] == ("POST", "/v1/meldingen/3")]
        assert [u[2] for u in updates] == [{"follow_up": "aanmelding", "case": "RAD-2026-031"}]
        for _ in range(20):
            await pilot.pause(0.05)
            if len([c for c in calls(pilot) if c[:2] == ("GET", "/v1/meldingen/3")]) == 2:
                break
        assert len([c for c in calls(pilot) if c[:2] == ("GET", "/v1/meldingen/3")]) == 2

        await pilot.press("i")
        await settle(pilot, "MelderScreen")
        a.screen.query_one("#open").press()
        await pilot.pause(0.2)
        assert "reden" in body_text(pilot, "#form-message").lower()
        assert not [c for c in calls(pilot) if c[1].endswith("/melder")]
        a.screen.query_one("#purpose").value = "contact_melder"
        a.screen.query_one("#open").press()
        for _ in range(20):
            await pilot.pause(0.05)
            if MELDER in body_text(pilot, "#melder-text"):
                break
        assert body_text(pilot, "#melder-text") == MELDER
        opened = [c for c in calls(pilot) if c[1].endswith("/melder")]
        assert opened == [("POST", "/v1/meldingen/3/melder", {"purpose": "contact_melder"})]

        a.screen.query_one("#remove").press()  # removing the melder asks first
        await settle(pilot, "ConfirmScreen")
        a.screen.query_one("#yes").press()
        await settle(pilot, "MeldingScreen")
        updates = [c for c in calls(pilot) if c[:2] == ("POST", "/v1/meldingen/3")]
        assert updates[-1][2] == {"melder": None}


async def test_the_fg_lists_but_reads_and_records_nothing() -> None:
    a = app(["fg"])
    async with a.run_test(size=SIZE) as pilot:
        await in_register(pilot)
        assert "zonder inhoud" in body_text(pilot, "#meldingen-note")
        await pilot.press("n")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert type(a.screen).__name__ == "MeldingenScreen"
        assert [c[1] for c in calls(pilot)] == ["/v1/meldingen?no_intake=0"]


async def test_staff_without_a_role_of_the_register_do_not_reach_it() -> None:
    a = app([])
    async with a.run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        await pilot.press("r")
        await pilot.pause(0.2)
        assert type(a.screen).__name__ == "RoomsScreen"
        assert "r" not in a.screen.active_bindings  # not in the footer either
        assert calls(pilot) == []
