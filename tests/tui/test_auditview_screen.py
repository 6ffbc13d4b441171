"""The audit view in the professional's words: a filter of Dutch words, the basis and
the verstrekking of each entry, Enter for one entry in full, and counts that agree
(the rows shown, the count under them, what the node holds and what it verified).
Driven with Pilot against the canned node."""

from __future__ import annotations

from typing import Any

import canned
from test_intake_screens import app, fixed_zone, wait
from test_screens import in_room
from tuikit import screen_text

from tui.screens.audit import AuditEntryScreen, AuditScreen

__all__ = ["fixed_zone"]

SHARE = "03" + "ab" * 15
ENTRIES = [
    {"seq": 52, "at": canned.T0 + 120, "actor": "anna", "action": "share_viewed",
     "room": canned.ROOM, "case_ref": "RAD-2026-017", "detail": {"share": "01" + "ab" * 15}},
    {"seq": 51, "at": canned.T0 + 60, "actor": "anna", "action": "share_sent",
     "room": canned.ROOM, "case_ref": "RAD-2026-017",
     "detail": {"share": SHARE, "basis": "pga-r", "categories": ["signalen"],
                "recipients": ["politie", "om"]}},
    {"seq": 50, "at": canned.T0, "actor": "politie", "action": "share_received",
     "room": canned.ROOM, "case_ref": "RAD-2026-017",
     "detail": {"share": "01" + "ab" * 15, "basis": "wpg-20"}},
    {"seq": 49, "at": canned.T0 - 60, "actor": "anna", "action": "invite",
     "room": canned.ROOM, "case_ref": "RAD-2026-017", "detail": {"node": "politie"}},
]  # fmt: skip


class AuditNode(canned.CannedTransport):
    """The canned gemeente whose log holds ``total`` entries of the room, of which it
    sends the newest (``ENTRIES``), and verifies ``chain`` entries in all."""

    def __init__(self, total: int, chain: int) -> None:
        super().__init__()
        self.total, self.chain = total, chain

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == "/v1/audit/verify":
            return {"ok": True, "entries": self.chain}
        if path.startswith("/v1/audit"):
            return {"entries": ENTRIES, "total": self.total}
        return super().request(method, path, body)


def audit_app(total: int = 4, chain: int = 4) -> Any:
    a = app()
    a.api.transport = AuditNode(total, chain)
    return a


async def in_audit(pilot: Any) -> AuditScreen:
    await in_room(pilot)
    await pilot.press("a")
    await wait(pilot, lambda: isinstance(pilot.app.screen, AuditScreen), "the audit view")
    await wait(pilot, lambda: pilot.app.screen.entries, "the entries")
    await pilot.pause(0.1)
    return pilot.app.screen  # type: ignore[no-any-return]


def rows(screen: AuditScreen) -> list[str]:
    grid = screen.query_one("#audit")
    return [" | ".join(map(str, grid.get_row_at(i))) for i in range(grid.row_count)]


def note(screen: AuditScreen) -> str:
    return str(screen.query_one("#audit-note").render())


async def filter_by(pilot: Any, text: str) -> None:
    await pilot.press("slash")
    field = pilot.app.screen.query_one("#filter")
    field.value = ""
    await pilot.press(*text)
    await pilot.pause(0.2)


async def test_the_filter_takes_dutch_words_in_any_order() -> None:
    async with audit_app().run_test(size=(80, 24)) as pilot:
        screen = await in_audit(pilot)
        await filter_by(pilot, "verstuurd verstrekking")  # the label's words, turned round
        assert [r.split(" | ")[0] for r in rows(screen)] == ["51"]
        await filter_by(pilot, "ontvangen")
        assert [r.split(" | ")[0] for r in rows(screen)] == ["50"]
        await filter_by(pilot, "uitgenodigd")
        assert [r.split(" | ")[0] for r in rows(screen)] == ["49"]
        await filter_by(pilot, "pga-r")  # the grondslag
        assert [r.split(" | ")[0] for r in rows(screen)] == ["51"]


async def test_rows_show_the_basis_and_the_verstrekking() -> None:
    async with audit_app().run_test(size=(80, 24)) as pilot:
        screen = await in_audit(pilot)
        sent = next(r for r in rows(screen) if r.startswith("51"))
        assert "pga-r" in sent
        assert SHARE[:8] in sent
        received = next(r for r in rows(screen) if r.startswith("50"))
        assert "wpg-20" in received


async def test_enter_opens_one_entry_with_all_its_fields() -> None:
    async with audit_app().run_test(size=(80, 24)) as pilot:
        screen = await in_audit(pilot)
        grid = screen.query_one("#audit")
        grid.focus()
        grid.move_cursor(row=grid.get_row_index("51"))
        await pilot.press("enter")
        await wait(pilot, lambda: isinstance(pilot.app.screen, AuditEntryScreen), "the entry")
        text = screen_text(pilot.app)
        for shown in ("Auditregel 51", "Grondslag: pga-r (Wet PGA)", f"Verstrekking: {SHARE}",
                      "Categorieën: signalen", "Ontvangers: politie, om",
                      "verstrekking verstuurd (share_sent)", "Casus: RAD-2026-017"):  # fmt: skip
            assert shown in text, shown
        await pilot.press("escape")
        await wait(pilot, lambda: isinstance(pilot.app.screen, AuditScreen), "back")


async def test_the_counts_agree_with_the_rows_and_the_node() -> None:
    # the node holds 7000 entries of the room and sends the newest; its chain is longer
    async with audit_app(total=7000, chain=9000).run_test(size=(80, 24)) as pilot:
        screen = await in_audit(pilot)
        assert len(rows(screen)) == 4
        assert "4 regels: de nieuwste 4 van 7000" in note(screen)
        await filter_by(pilot, "verstrekking")
        assert len(rows(screen)) == 3
        assert "3 gevonden in de nieuwste 4 van 7000 regels" in note(screen)
        screen.query_one("#audit").focus()
        await pilot.press("v")
        await wait(pilot, lambda: "intact" in note(screen), "the verification")
        assert "alle 9000 regels" in note(screen)
        assert "deze weergave: 7000" in note(screen)


async def test_when_everything_is_read_the_count_is_of_the_rows() -> None:
    async with audit_app(total=4).run_test(size=(80, 24)) as pilot:
        screen = await in_audit(pilot)
        assert "4 van 4 regels" in note(screen)
        await filter_by(pilot, "gelezen")
        assert len(rows(screen)) == 1
        assert "1 van 4 regels gevonden" in note(screen)
