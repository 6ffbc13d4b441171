"""Overdracht (Wet PGA art. 7) with Pilot against the canned gemeente node: in a case
``j`` opens the form (another gemeente of the roster, the grond, the toelichting and the
termijn) and posts what was filled in; a partner that is not the gemeente van verblijf
is told so; ``q`` in the list of cases opens Overdrachten, where a verstrekking is
supplied (``l``) or objected to with a reden (``b``), and the receiving gemeente reads a
geleverde one. And the screens at 80x24."""

from __future__ import annotations

import copy
from typing import Any

from canned import ROOM, ROOM_DOC, ROSTER, T0, CannedTransport
from test_aanmelden_screens import canned, dutch, settle, text  # noqa: F401 (dutch: autouse)
from test_screens import SIZE, in_room, logged_in

from tui import i18n
from tui.screens.dialogs import ConfirmScreen
from tui.screens.room.screen import RoomScreen
from tui.screens.transfer import ObjectScreen, SuppliedView, TransferScreen, TransfersScreen

TRANSFER = "7a" * 16
SHARES = {"politie": "01" + "ab" * 15, "om": "02" + "ab" * 15, "gemeente": "03" + "ab" * 15}


def item(supplier: str, status: str) -> dict[str, Any]:
    return {"supplier": supplier, "share": SHARES[supplier], "status": status,
            "basis": "wjsg-39fb" if status == "supplied" else None,
            "categories": ["justitieel"] if status == "supplied" else [],
            "answered_at": T0 if status != "open" else None}  # fmt: skip


def transfer(role: str, items: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    doc = {"id": TRANSFER, "role": role, "room": ROOM, "case": "RAD-2026-017",
           "origin": "gemeente", "receiver": "gemeente2", "ground": "woonplaats",
           "aanmelding": "99" + "cd" * 15, "deadline": T0 + 14 * 86400, "time": T0,
           "expired": False, "items": items, "counts": {}}  # fmt: skip
    doc.update(kw)
    return doc


class TransferTransport(CannedTransport):
    """The canned gemeente, with a second gemeente in the roster and its transfers."""

    def __init__(self) -> None:
        super().__init__()
        self.roster = copy.deepcopy(ROSTER)
        self.roster["members"].append(dict(self.roster["members"][0], node="gemeente2",
                                           name="Gemeente Buurstad", self=False))  # fmt: skip
        request = transfer("request", [item("gemeente", "open")])
        request["transfer"] = request.pop("id")
        self.listing: dict[str, Any] = {
            "requests": [request],
            "started": [transfer("origin", [item("politie", "objected"), item("om", "supplied"),
                                            item("gemeente", "open")])],
            "received": [transfer("receiver", [item("om", "supplied")], origin="gemeente2",
                                  receiver="gemeente", id="7b" * 16)],
        }  # fmt: skip

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == f"/v1/rooms/{ROOM}/transfer" and method == "POST":
            self.posted.append((path, body))
            return transfer("origin", [item(n, "open") for n in SHARES])
        if path == "/v1/transfers":
            return copy.deepcopy(self.listing)
        if path.startswith("/v1/transfers/") and method == "POST":
            self.posted.append((path, body))
            decision = (body or {}).get("decision")
            self.listing["requests"][0]["items"][0]["status"] = (
                "supplied" if decision == "supply" else "objected")  # fmt: skip
            return {"id": TRANSFER}
        if path == f"/v1/transfers/{'7b' * 16}":
            self.posted.append((path, None))
            return dict(self.listing["received"][0], note="Betrokkene is verhuisd.",
                        plan={"measures": [{"measure": "Gesprek met de wijkagent"}]})  # fmt: skip
        if path.startswith("/v1/transfers/") and "/shares/" in path:
            self.posted.append((path, None))
            return dict(item("om", "supplied"), summary="Zitting op 12 mei; meldplicht.",
                        justification="Noodzakelijk.", author_function="officier")  # fmt: skip
        return super().request(method, path, body)


async def open_form(pilot: Any) -> None:
    await in_room(pilot)
    await pilot.press("j")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TransferScreen))


async def open_list(pilot: Any) -> None:
    await logged_in(pilot)
    await pilot.press("q")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TransfersScreen)
                 and pilot.app.screen.rows)  # fmt: skip


async def test_the_form_transfers_to_another_gemeente_as_filled_in() -> None:
    transport = TransferTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = app.screen
        options = [v for _, v in screen.query_one("#to")._options]
        assert "gemeente2" in options
        assert "gemeente" not in options  # not to itself
        screen.query_one("#to").value = "gemeente2"
        screen.query_one("#ground").value = "effecten"
        screen.query_one("#note").text = "Dreiging richt zich op een school in Buurstad."
        screen.query_one("#days").value = "10"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: transport.posted)
        assert transport.posted[0] == (f"/v1/rooms/{ROOM}/transfer", {
            "to": "gemeente2", "ground": "effecten",
            "note": "Dreiging richt zich op een school in Buurstad.", "deadline_days": 10,
        })  # fmt: skip
        await settle(pilot, lambda: isinstance(app.screen, RoomScreen))


async def test_an_incomplete_form_is_not_sent() -> None:
    transport = TransferTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert transport.posted == []
        assert text(app, "#form-message") == i18n.t("transfer.incomplete")


async def test_a_partner_that_is_not_the_gemeente_van_verblijf_is_told() -> None:
    transport = TransferTransport()
    transport.room_doc = dict(copy.deepcopy(ROOM_DOC), verblijf="gemeente2")
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await in_room(pilot)
        await pilot.press("j")
        await pilot.pause(0.2)
        assert isinstance(app.screen, RoomScreen)
        assert i18n.t("transfer.not_verblijf") in [n.message for n in app._notifications]


async def test_a_verstrekking_is_supplied_or_objected_to_with_its_reason() -> None:
    transport = TransferTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        body = app.screen.query_one("#transfers-table")
        assert body.row_count == 5  # one to answer, three started, one received
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, ObjectScreen))
        await pilot.press("ctrl+s")
        await pilot.pause(0.1)
        assert text(app, "#form-message") == i18n.t("object.no_reason")
        app.screen.query_one("#reason").text = "Lopend onderzoek (zwaarwegend)."
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: transport.posted)
        assert transport.posted[0] == (f"/v1/transfers/{TRANSFER}/answer", {
            "share": SHARES["gemeente"], "decision": "object",
            "reason": "Lopend onderzoek (zwaarwegend).",
        })  # fmt: skip
        await settle(pilot, lambda: isinstance(app.screen, TransfersScreen))
        await settle(pilot, lambda: "bezwaar" in str(app.screen.query_one(
            "#transfers-table").get_row_at(0)))  # fmt: skip
        await pilot.press("l")  # answered: nothing more to answer
        await pilot.pause(0.1)
        assert i18n.t("transfers.pick") in [n.message for n in app._notifications]


async def test_supplying_asks_first_and_the_receiver_reads_what_was_supplied() -> None:
    transport = TransferTransport()
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#yes")
        await settle(pilot, lambda: transport.posted)
        assert transport.posted[0][1] == {"share": SHARES["gemeente"], "decision": "supply"}
        await settle(pilot, lambda: isinstance(app.screen, TransfersScreen))
        grid = app.screen.query_one("#transfers-table")
        grid.move_cursor(row=4)  # the received one
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, SuppliedView))
        await settle(pilot, lambda: "meldplicht" in text(app, "#supplied-body"))
        assert transport.posted[-1][0].endswith(f"/shares/{SHARES['om']}?supplier=om")


async def test_the_receiving_gemeente_reads_the_note_and_the_plan() -> None:
    transport = TransferTransport()
    transport.listing["received"][0]["items"] = [item("politie", "objected")]
    app = canned(transport)
    async with app.run_test(size=SIZE) as pilot:
        await open_list(pilot)
        app.screen.query_one("#transfers-table").move_cursor(row=4)
        await pilot.press("enter")
        await settle(pilot, lambda: "Gesprek met de wijkagent" in str(
            app.screen.query_one("#received-body").content))  # fmt: skip
        assert "Betrokkene is verhuisd." in str(app.screen.query_one("#received-body").content)


def test_transfer_form(snap_compare: Any) -> None:
    assert snap_compare(canned(TransferTransport()), terminal_size=SIZE, run_before=open_form)


def test_transfers_list(snap_compare: Any) -> None:
    assert snap_compare(canned(TransferTransport()), terminal_size=SIZE, run_before=open_list)


def test_objection_form(snap_compare: Any) -> None:
    async def before(pilot: Any) -> None:
        await open_list(pilot)
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ObjectScreen))

    assert snap_compare(canned(TransferTransport()), terminal_size=SIZE, run_before=before)
