"""Transfer to another gemeente (Wet PGA art. 7), in-process: gemeente chairs a pga-r
room with politie, OM and RvdK, each of which supplied something; the case goes to
gemeente2, whose politie and OM are the same nodes (they serve both gemeenten)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fed import capacity_of, intake_steps, make_federation, run_intake
from test_review import JUSTIFICATION, politie_share, pump

from node.app import open_node
from node.domain import staff as staffmod
from node.domain.node import Node
from node.domain.staff import ForbiddenError, Staff
from node.errors import NotOwnError
from node.store import audit
from protocol.codec import PROTOCOL_VERSION
from protocol.errors import (
    CasusnetError,
    LocalProtocolError,
    TransferAnsweredError,
    TransferExpiredError,
)
from protocol.transfer import DAY, DELIVERY_GRACE, TransferRequest, make_request, peek

NODES = {
    "gemeente": "gemeente", "gemeente2": "gemeente", "politie": "politie", "om": "om",
    "rvdk": "rvdk",
}  # fmt: skip
CASE = "RAD-2026-031"
NOTE = "Betrokkene is verhuisd naar gemeente2; de zorgen en het plan lopen door."
OBJECTION = "Lopend opsporingsonderzoek: verstrekken schaadt het onderzoek (zwaarwegend)."
SECRETS = {
    "politie": "Signalen van isolatie en online contacten met een bekende ronselaar.",
    "om": "Zitting op 12 mei; voorwaardelijke straf met meldplicht.",
    "gemeente": "Melding van de school over uitspraken in de klas.",
    "rvdk": "Zorgen over de jongere broer; onderzoek loopt.",
}


@dataclass
class Case:
    nodes: dict[str, Node]
    staff: dict[str, Staff]
    room: bytes
    shares: dict[str, bytes]
    clock: list[float]

    def pump(self) -> None:
        pump(self.nodes)

    def at(self, node: str) -> Node:
        return self.nodes[node]

    def actions(self, node: str) -> list[str]:
        return [e["action"] for e in audit.entries(self.nodes[node].store)]

    def files(self, node: str) -> bytes:
        db = self.nodes[node].config.db_path
        return b"".join(p.read_bytes() for p in sorted(db.parent.glob("node.db*")))


def _fields(node: str) -> dict[str, Any]:
    summary = SECRETS[node]
    if node == "politie":
        return dict(politie_share(summary))
    if node == "om":
        return dict(basis="wjsg-39fb", categories=["justitieel"], summary=summary,
                    justification=JUSTIFICATION)  # fmt: skip
    return dict(basis="pga-r", categories=["signalen"], summary=summary,
                justification=JUSTIFICATION)  # fmt: skip


@pytest.fixture
def c(tmp_path: Path) -> Iterator[Case]:
    clock = [float(int(time.time()))]
    fed = make_federation(tmp_path, NODES, int(clock[0]))
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    for node in nodes.values():
        node.ctx.clock = lambda: clock[0]
    staff = {
        n: staffmod.add(nodes[n].store, f"mw-{n}", f"{n} · regisseur", "lange-wachtzin-1",
                        intake=True, now=nodes[n].now(), capacity=capacity_of(nodes[n]))
        for n in NODES
    }  # fmt: skip
    g = nodes["gemeente"]
    state = g.members.convene(
        staff["gemeente"], case=CASE, purpose="Weging en aanpak",
        bases=["pga-r", "wjsg-39fb", "wpg-20"], meeting=g.now(), verblijf="gemeente",
    )  # fmt: skip
    room = state.room
    for n in ("politie", "om"):
        g.members.invite(staff["gemeente"], room, n, "deelnemer")
    pump(nodes)
    run_intake(lambda: pump(nodes),
               intake_steps(nodes, staff, room, chair="gemeente",
                            deelnemers=("rvdk",)))  # fmt: skip
    g.members.invite(staff["gemeente"], room, "rvdk", "deelnemer")
    pump(nodes)
    shares = {n: nodes[n].shares.share(staff[n], room, _fields(n)) for n in SECRETS}
    pump(nodes)
    yield Case(nodes, staff, room, shares, clock)
    for node in nodes.values():
        node.store.close()


def start(c: Case, **more: Any) -> bytes:
    args: dict[str, Any] = dict(to="gemeente2", ground="woonplaats", note=NOTE)
    args.update(more)
    ident = c.at("gemeente").transfers.start(c.staff["gemeente"], c.room, **args)
    c.pump()
    return ident


def items(c: Case, node: str, key: str = "received") -> dict[str, str]:
    [t] = c.at(node).transfers.listing(c.staff[node])[key]
    return {i["supplier"]: i["status"] for i in t["items"]}


def test_the_receiving_gemeente_takes_it_in_as_an_aanmelding_with_plan_and_index(c: Case) -> None:
    ident = start(c)
    g2 = c.at("gemeente2")
    [a] = g2.aanmeldingen.listing(c.staff["gemeente2"])
    assert (a["case_ref"], a["aanmelder"], a["verblijf"]) == (CASE, "gemeente", "gemeente2")
    # its intake proceeds as for any aanmelding: politie and OM have it too
    for judge in ("politie", "om"):
        assert any(r["id"] == a["id"] for r in c.at(judge).aanmeldingen.listing(c.staff[judge]))
    shown = g2.transfers.show(c.staff["gemeente2"], ident)
    assert (shown["ground"], shown["note"], shown["aanmelding"]) == ("woonplaats", NOTE, a["id"])
    assert shown["counts"] == {"open": 4, "supplied": 0, "objected": 0, "expired": 0}
    assert "transfer_received" in c.actions("gemeente2")
    assert "transfer_viewed" in c.actions("gemeente2")
    # the note travels sealed: not in the receiver's files, nor in the politie's
    assert NOTE.encode() not in c.files("gemeente2")


def test_a_supplier_sees_only_its_own_verstrekkingen(c: Case) -> None:
    ident = start(c)
    for n in ("politie", "om", "rvdk", "gemeente"):
        [req] = c.at(n).transfers.listing(c.staff[n])["requests"]
        assert [i["share"] for i in req["items"]] == [c.shares[n].hex()]
        assert {i["supplier"] for i in req["items"]} == {n}
    # the request envelope politie got names nothing of the others'
    envelope = c.at("politie").store.one("SELECT envelope FROM transfer_requests")
    request = peek(envelope, TransferRequest.SPEC)
    assert request.shares == (c.shares["politie"],)
    assert request.transfer == ident
    assert c.at("gemeente2").transfers.listing(c.staff["gemeente2"])["requests"] == []


def test_supply_and_object_reach_the_receiver_and_the_origin(c: Case) -> None:
    ident = start(c)
    c.at("politie").transfers.answer(c.staff["politie"], ident, c.shares["politie"], "object",
                                     OBJECTION)  # fmt: skip
    for n in ("om", "gemeente"):
        c.at(n).transfers.answer(c.staff[n], ident, c.shares[n], "supply")
    c.pump()
    expect = {"politie": "objected", "om": "supplied", "gemeente": "supplied", "rvdk": "open"}
    assert items(c, "gemeente2") == expect
    assert items(c, "gemeente", "started") == expect
    g2 = c.at("gemeente2")
    read = g2.transfers.view_supplied(c.staff["gemeente2"], ident, c.shares["om"])
    assert (read["summary"], read["basis"]) == (SECRETS["om"], "wjsg-39fb")
    assert "transfer_share_viewed" in c.actions("gemeente2")
    with pytest.raises(CasusnetError):
        g2.transfers.view_supplied(c.staff["gemeente2"], ident, c.shares["politie"])
    # the objection's reasons stay at the supplier; the content is not plaintext anywhere
    [req] = c.at("politie").transfers.listing(c.staff["politie"])["requests"]
    assert req["items"][0]["reason"] == OBJECTION
    for n in c.nodes:
        assert OBJECTION.encode() not in c.files(n)
        assert SECRETS["om"].encode() not in c.files(n)
    # the origin keeps no content: no envelope of a supply is held there
    assert (
        c.at("gemeente").store.one("SELECT COUNT(*) FROM transfer_items WHERE envelope IS NOT NULL")
        == 0
    )
    # answered once
    with pytest.raises(TransferAnsweredError):
        c.at("om").transfers.answer(c.staff["om"], ident, c.shares["om"], "object", OBJECTION)


def test_after_the_deadline_no_answer_counts_as_not_supplied(c: Case) -> None:
    ident = start(c, deadline_days=3)
    c.at("om").transfers.answer(c.staff["om"], ident, c.shares["om"], "supply")
    c.pump()
    c.clock[0] += 3 * DAY + DELIVERY_GRACE + 60
    with pytest.raises(TransferExpiredError):
        c.at("rvdk").transfers.answer(c.staff["rvdk"], ident, c.shares["rvdk"], "supply")
    expect = {"politie": "expired", "om": "supplied", "gemeente": "expired", "rvdk": "expired"}
    assert items(c, "gemeente2") == expect
    assert items(c, "gemeente", "started") == expect
    [req] = c.at("rvdk").transfers.listing(c.staff["rvdk"])["requests"]
    assert req["expired"]
    assert req["items"][0]["status"] == "expired"
    for n in ("rvdk", "gemeente2"):
        assert "transfer_expired" in c.actions(n)


def test_a_late_answer_is_refused_at_the_receiver(c: Case) -> None:
    ident = start(c, deadline_days=1)
    rvdk = c.at("rvdk")
    envelope = rvdk.store.one("SELECT envelope FROM transfer_requests")
    request = peek(envelope, TransferRequest.SPEC)
    c.clock[0] += DAY + 10  # the supplier's clock says late: its node refuses to answer
    with pytest.raises(TransferExpiredError):
        rvdk.transfers.answer(c.staff["rvdk"], ident, c.shares["rvdk"], "supply")
    # a forged late answer, signed all the same, counts for nothing at the receiver
    from protocol.transfer import TransferAnswer, make_answer

    early = make_answer(rvdk.identity.signer, request, share=c.shares["rvdk"], to="gemeente2",
                        decision="object", basis=None, categories=(), content=None,
                        roster=rvdk.roster, now=request.deadline - 1,
                        rand=rvdk.ctx.rand)  # fmt: skip
    late = peek(early, TransferAnswer.SPEC)
    assert late.time < request.deadline
    c.clock[0] += DELIVERY_GRACE
    with pytest.raises(TransferExpiredError):
        c.at("gemeente2").inbox.receive("rvdk", early)


def test_only_the_gemeente_of_the_case_transfers_it_to_another_gemeente(c: Case) -> None:
    with pytest.raises(CasusnetError):  # politie is no gemeente van verblijf
        c.at("politie").transfers.start(c.staff["politie"], c.room, to="gemeente2",
                                        ground="woonplaats", note=NOTE)  # fmt: skip
    g = c.at("gemeente")
    for bad in (dict(to="gemeente"), dict(to="politie"), dict(ground="vakantie"),
                dict(deadline_days=0), dict(deadline_days=61), dict(note=" ")):  # fmt: skip
        args: dict[str, Any] = dict(to="gemeente2", ground="woonplaats", note=NOTE)
        args.update(bad)
        with pytest.raises(LocalProtocolError):
            g.transfers.start(c.staff["gemeente"], c.room, **args)
    assert g.store.one("SELECT COUNT(*) FROM transfers") == 0
    assert g.store.one("SELECT COUNT(*) FROM aanmeldingen") == 0
    staffless = staffmod.add(g.store, "mw-balie", "balie", "lange-wachtzin-1", intake=False,
                             now=g.now(), capacity="burgemeester")  # fmt: skip
    staffmod.assign(g.store, c.room, "mw-balie")
    with pytest.raises(ForbiddenError):
        g.transfers.start(staffless, c.room, to="gemeente2", ground="woonplaats", note=NOTE)


def test_wrong_senders_and_replays_are_refused(c: Case) -> None:
    ident = start(c)
    g = c.at("gemeente")
    om = c.at("om")
    # a request relayed by another node than the origin
    t_row = g.store.row("SELECT * FROM transfers WHERE id = ?", (ident,))
    assert t_row is not None
    envelope = om.store.one("SELECT envelope FROM transfer_requests")
    with pytest.raises(NotOwnError):
        c.at("om").transfers.receive_request("politie", envelope)
    # the same request again (other bytes, same transfer): refused; the same bytes: a duplicate
    request = peek(envelope, TransferRequest.SPEC)
    again = make_request(g.identity.signer, _transfer_of(g, ident, request), supplier="om",
                         now=g.now() + 1)  # fmt: skip
    with pytest.raises(TransferAnsweredError):
        om.inbox.receive("gemeente", again)
    assert om.inbox.receive("gemeente", envelope).kind == "duplicate"
    # a request signed by a node that is not the origin it names
    forged = envelope[:-10] + bytes(10)
    with pytest.raises(CasusnetError):
        om.inbox.receive("gemeente", forged)
    # an answer for a verstrekking the supplier was not asked about
    om.transfers.answer(c.staff["om"], ident, c.shares["om"], "supply")
    with pytest.raises(CasusnetError):
        om.transfers.answer(c.staff["om"], ident, c.shares["politie"], "supply")
    assert "refused" in c.actions("om")


def _transfer_of(g: Node, ident: bytes, request: TransferRequest) -> Any:
    """The origin's transfer message as a Transfer (the receiver holds the envelope)."""
    from protocol.transfer import Transfer

    return Transfer("transfer", PROTOCOL_VERSION, ident, request.room, request.case,
                    "gemeente", "gemeente2",
                    request.ground, bytes(16), request.deadline, request.time,
                    (("om", request.shares),), b"")  # fmt: skip


def test_a_case_closed_as_overgedragen_transfers_from_the_afgeschermde_records(c: Case) -> None:
    from fed import close_jointly

    close_jointly(c.nodes, c.staff, c.room, c.pump, chair="gemeente", outcome="overgedragen")
    ident = start(c)
    assert "shielded_opened" in c.actions("gemeente")  # the integrated record, with a purpose
    assert items(c, "gemeente2") == {n: "open" for n in SECRETS}
    # each supplier opens its own supplier record with the purpose overdracht
    c.at("om").transfers.answer(c.staff["om"], ident, c.shares["om"], "supply")
    c.at("politie").transfers.answer(c.staff["politie"], ident, c.shares["politie"], "object",
                                     OBJECTION)  # fmt: skip
    c.pump()
    opened = [e["detail"] for e in audit.entries(c.at("om").store)
              if e["action"] == "shielded_opened"]  # fmt: skip
    assert [d["purpose"] for d in opened] == ["overdracht"]
    read = c.at("gemeente2").transfers.view_supplied(c.staff["gemeente2"], ident, c.shares["om"])
    assert read["summary"] == SECRETS["om"]
    assert items(c, "gemeente", "started")["politie"] == "objected"
    # the recipients hold no content of the closed room; the transfer did not need any
    for n in ("politie", "rvdk", "gemeente2"):
        assert SECRETS["om"].encode() not in c.files(n)


def test_the_received_transfer_follows_its_aanmelding_out(c: Case) -> None:
    ident = start(c)
    c.at("om").transfers.answer(c.staff["om"], ident, c.shares["om"], "supply")
    c.pump()
    g2 = c.at("gemeente2")
    c.clock[0] += 92 * DAY  # no room took the aanmelding up: its short term ends
    g2.aanmeldingen.purge_due()
    assert g2.transfers.purge_due() == 1
    assert g2.store.one("SELECT COUNT(*) FROM transfer_items") == 0
    assert g2.transfers.listing(c.staff["gemeente2"])["received"] == []
    assert "transfer_purged" in c.actions("gemeente2")
    # the origin keeps its metadata while it holds the room
    assert c.at("gemeente").transfers.purge_due() == 0
