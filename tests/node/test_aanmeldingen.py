"""Aanmelding (Wet PGA art. 5) at the nodes, in-process: a deelnemer registers a case
with politie, which brings in the OM and the gemeente van verblijf; the gemeente (or
the ZVH on its mandate) convenes the room from it; a room closed ``niet_voorgelegd``
sends the aanmelder a notice; the short retention of what was not taken up.

The nodes are in-process and ``pump`` (from ``test_review``) hands each outbox
envelope to its peer's inbox, as the delivery worker and ``POST /v1/inbox`` do.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fed import capacity_of, make_federation
from test_review import PASS, pump

from node.app import open_node
from node.domain import staff as staffmod
from node.domain.aanmelding import KEEP_NOT_PUT, KEEP_UNDECIDED
from node.domain.node import Node
from node.domain.staff import ForbiddenError, Staff
from node.errors import NotAllowedError, NotFoundError, NotOwnError, NotRecipientError
from node.store import audit, reports
from protocol.aanmelding import make_notice, peek_aanmelding
from protocol.errors import CasusnetError, NoticeError

NODES = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "reclassering": "reclassering",
    "zvh": "zvh",
    "ggz": "ggz",
}
THREE = ("gemeente", "om", "politie")
CASE = "RAD-2026-031"
SIGNALS = "Signalen: uitingen over geweld tijdens het toezicht."


@dataclass
class Fed:
    nodes: dict[str, Node]
    staff: dict[str, Staff]
    offset: list[int]

    def pump(self) -> None:
        pump(self.nodes)

    def later(self, seconds: int) -> None:
        self.offset[0] += seconds

    def actions(self, node: str) -> list[str]:
        return [e["action"] for e in audit.entries(self.nodes[node].store)]


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Fed]:
    federation = make_federation(tmp_path, NODES, int(time.time()))
    nodes = {n: open_node(federation.config(n)) for n in NODES}
    offset = [0]
    for node in nodes.values():
        node.ctx.clock = lambda: time.time() + offset[0]
    staff = {
        n: staffmod.add(
            nodes[n].store,
            f"mw-{n}",
            f"{n} · regisseur",
            PASS,
            intake=True,
            now=nodes[n].now(),
            capacity=capacity_of(nodes[n]),
        )  # fmt: skip
        for n in NODES
    }
    yield Fed(nodes, staff, offset)
    for node in nodes.values():
        node.store.close()


def register(f: Fed, aanmelder: str = "reclassering", to: str = "politie") -> bytes:
    doc = f.nodes[aanmelder].aanmeldingen.register(
        f.staff[aanmelder], case=CASE, verblijf="gemeente", to_org=to, summary=SIGNALS,
        reason="Zorgen over radicalisering.",
    )  # fmt: skip
    return bytes.fromhex(doc["id"])


def row(f: Fed, node: str, aid: bytes) -> dict[str, Any]:
    return f.nodes[node].aanmeldingen.show(f.staff[node], aid, audit=False)


def convene_and_close(f: Fed, chair: str, aid: bytes, outcome: str = "niet_voorgelegd") -> bytes:
    node, staff = f.nodes[chair], f.staff[chair]
    state = node.aanmeldingen.convene(
        staff, aid, purpose="Weging", bases=["pga-r", "wjsg-39fb", "wpg-20"], meeting=node.now()
    )
    for n in ("politie", "om") + (("gemeente",) if chair != "gemeente" else ()):
        node.members.invite(staff, state.room, n, "deelnemer")
    f.pump()
    node.closure.close(staff, state.room, outcome)
    f.pump()
    return state.room


def test_politie_brings_in_the_om_and_the_gemeente_and_each_reads_it(fed: Fed) -> None:
    f = fed
    aid = register(f)
    f.pump()
    for node in THREE:
        a = row(f, node, aid)
        assert a["content"]["summary"] == SIGNALS
        assert (a["aanmelder"], a["to_node"], a["verblijf"]) == (
            "reclassering",
            "politie",
            "gemeente",
        )
        assert "aanmelding_received" in f.actions(node)
    assert row(f, "politie", aid)["forwarded"]
    assert row(f, "politie", aid)["delivered"] == ["gemeente", "om"]  # their receipts
    assert row(f, "reclassering", aid)["delivered"] == ["politie"]
    assert row(f, "om", aid)["via"] == "politie"
    assert row(f, "gemeente", aid)["via"] == "politie"
    # the aanmelder reads what it sent; nobody else holds it
    assert row(f, "reclassering", aid)["content"]["reason"] == "Zorgen over radicalisering."
    for node in ("zvh", "ggz"):
        with pytest.raises(NotFoundError):
            row(f, node, aid)


def test_the_gemeente_convenes_from_it_and_the_aanmelder_hears_it_was_not_put(fed: Fed) -> None:
    f = fed
    aid = register(f)
    f.pump()
    room = convene_and_close(f, "gemeente", aid)
    g = f.nodes["gemeente"]
    told = reports.room_aanmelding(g.store, room)
    assert told is not None
    assert told["aanmelder"] == "reclassering"
    assert told["notice_at"]
    assert "aanmelding_convened" in f.actions("gemeente")
    assert "notice_sent" in f.actions("gemeente")
    notices = f.nodes["reclassering"].aanmeldingen.notices(f.staff["reclassering"])
    assert [(n["case_ref"], n["outcome"], n["notice_from"]) for n in notices] == [
        (CASE, "niet_voorgelegd", "gemeente")
    ]
    assert "notice_received" in f.actions("reclassering")
    # politie and OM sat in the room: their copies are now kept only for the short term
    for node in ("politie", "om"):
        assert row(f, node, aid)["outcome"] == "niet_voorgelegd"


def test_a_room_that_goes_on_sends_no_notice(fed: Fed) -> None:
    f = fed
    aid = register(f)
    f.pump()
    convene_and_close(f, "gemeente", aid, outcome="afgesloten")
    assert f.nodes["reclassering"].aanmeldingen.notices(f.staff["reclassering"]) == []
    assert "notice_sent" not in f.actions("gemeente")


def test_the_zvh_convenes_on_the_mandate_from_the_aanmelding_the_gemeente_hands_it(
    fed: Fed,
) -> None:
    f = fed
    aid = register(f, to="gemeente")
    f.pump()
    g = f.nodes["gemeente"]
    g.members.grant_mandate(f.staff["gemeente"], "zvh", CASE)
    g.aanmeldingen.share_with_chair(f.staff["gemeente"], aid, "zvh")
    f.pump()
    held = row(f, "zvh", aid)
    assert held["aanmelder"] == "reclassering"
    assert held["content"] is None
    convene_and_close(f, "zvh", aid)
    notices = f.nodes["reclassering"].aanmeldingen.notices(f.staff["reclassering"])
    assert [n["notice_from"] for n in notices] == ["zvh"]


def test_the_zvh_prepares_an_aanmelding_for_the_burgemeester_on_its_mandate(fed: Fed) -> None:
    f = fed
    with pytest.raises(NotAllowedError):  # no mandate yet
        register(f, "zvh")
    f.nodes["gemeente"].members.grant_mandate(f.staff["gemeente"], "zvh", CASE)
    f.pump()
    aid = register(f, "zvh")
    f.pump()
    for node in THREE:
        assert row(f, node, aid)["aanmelder"] == "zvh"
        assert row(f, node, aid)["content"]["summary"] == SIGNALS
    room = convene_and_close(f, "zvh", aid)
    assert f.nodes["zvh"].rooms.state(room, f.nodes["zvh"].now()).outcome == "niet_voorgelegd"
    assert "notice_sent" not in f.actions("zvh")  # it registered the case itself


def test_envelopes_from_the_wrong_node_are_refused_and_audited(fed: Fed) -> None:
    f = fed
    register(f)
    envelope = bytes(f.nodes["reclassering"].store.one("SELECT envelope FROM aanmeldingen"))
    with pytest.raises(NotRecipientError):  # not the node it was registered with
        f.nodes["om"].inbox.receive("reclassering", envelope)
    with pytest.raises(NotRecipientError):  # not one of the three
        f.nodes["ggz"].inbox.receive("reclassering", envelope)
    with pytest.raises(NotOwnError):  # a forward by a node that is not `to`
        f.nodes["om"].inbox.receive("gemeente", envelope)
    assert "refused" in f.actions("om")
    a = peek_aanmelding(envelope)
    notice = make_notice(f.nodes["ggz"].identity.signer, "ggz", aanmelding=a, now=int(time.time()))
    with pytest.raises(NoticeError):
        f.nodes["reclassering"].inbox.receive("ggz", notice)
    stray = make_notice(f.nodes["om"].identity.signer, "om", aanmelding=a, now=int(time.time()))
    with pytest.raises(NotFoundError):  # the OM made no aanmelding
        f.nodes["om"].inbox.receive("om", stray)


def test_a_delivered_aanmelding_is_answered_again_with_the_same_receipt(fed: Fed) -> None:
    f = fed
    register(f)
    envelope = bytes(f.nodes["reclassering"].store.one("SELECT envelope FROM aanmeldingen"))
    first = f.nodes["politie"].inbox.receive("reclassering", envelope)
    again = f.nodes["politie"].inbox.receive("reclassering", envelope)
    assert again.kind == "duplicate"
    assert again.receipt == first.receipt
    queued = f.nodes["politie"].store.one("SELECT COUNT(*) FROM outbox WHERE kind = 'aanmelding'")
    assert queued == 2  # forwarded once, to the OM and the gemeente


def test_only_the_intake_staff_handle_aanmeldingen(fed: Fed) -> None:
    f = fed
    clerk = staffmod.add(f.nodes["politie"].store, "dhr-b", "politie · baliemedewerker", PASS,
                         intake=False, now=f.nodes["politie"].now())  # fmt: skip
    with pytest.raises(ForbiddenError):
        f.nodes["politie"].aanmeldingen.listing(clerk)


def test_what_was_not_taken_up_is_kept_only_for_the_short_term(fed: Fed) -> None:
    f = fed
    aid = register(f)
    f.pump()
    convene_and_close(f, "gemeente", aid)
    f.later(KEEP_NOT_PUT - 3600)
    for node in THREE + ("reclassering",):
        assert f.nodes[node].aanmeldingen.purge_due() == 0
    f.later(2 * 3600)
    for node in THREE + ("reclassering",):
        assert f.nodes[node].aanmeldingen.purge_due() == 1
        assert f.nodes[node].store.one("SELECT COUNT(*) FROM aanmeldingen") == 0
        assert "aanmelding_purged" in f.actions(node)


def test_an_aanmelding_no_room_took_up_goes_and_one_a_room_holds_follows_it(fed: Fed) -> None:
    f = fed
    aid = register(f)
    f.pump()
    g = f.nodes["gemeente"]
    state = g.aanmeldingen.convene(
        f.staff["gemeente"], aid, purpose="Weging", bases=["pga-r"], meeting=g.now()
    )
    f.later(KEEP_UNDECIDED + 60)
    assert g.aanmeldingen.purge_due() == 0  # it follows its room
    assert row(f, "gemeente", aid)["room"] == state.room.hex()
    assert f.nodes["om"].aanmeldingen.purge_due() == 1  # no room of the case at the OM
    with pytest.raises(CasusnetError):
        row(f, "om", aid)
