"""The law matrix, checked at the sender and again at the recipient.

Each case of :mod:`tests.law.matrix` (written by hand from the law, never from the
registry or the policy code) is put to the sender's checks (``check_draft``, what a
node runs before sealing) and, as a share whose sender skipped its own checks, to the
recipient's (``verify_share`` then ``open_share``). Both must give the expected
outcome. The sender sits in a room of the case's room basis, in the case's stage (open,
or a stage of the intake), as a deelnemer or a derde; whether the chain admits it to the
room at all is the chain's rule, tested in ``tests/protocol`` and end to end in
``tests/e2e/test_law.py``. The intake's decisions (who assesses and endorses, no derde
during the intake) are put to the chain, and who may register a case to
``aanmelding.check_aanmelder``.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from protocol import chain
from protocol.aanmelding import check_aanmelder
from protocol.chain import Member, RoomState
from protocol.codec import PROTOCOL_VERSION, pack
from protocol.errors import AanmelderError, CasusnetError
from protocol.events import InviteData
from protocol.keys import seal, secretbox
from protocol.share import Content, Draft, Share, check_draft, open_share, verify_share
from protocol.signed import Signed

sys.path.insert(0, str(Path(__file__).parents[1] / "protocol"))
sys.path.insert(0, str(Path(__file__).parent))

from matrix import AANMELD_CASES, CASES, INTAKE_CASES, AanmeldCase, Case, IntakeCase  # noqa: E402
from world import World  # noqa: E402

ORGS = (
    "gemeente", "politie", "om", "zvh", "reclassering", "rvdk", "ggz", "ggd", "jeugdzorg",
    "gi", "veilig_thuis", "dji", "sociaal_domein", "nctv",
)  # fmt: skip
ROOMS = {
    # room basis -> (chair, declared bases, deelnemers invited)
    "pga-r": ("gemeente", ("pga-r", "wjsg-39fb", "wjsg-tul", "wpg-20"), ("politie", "om")),
    "wgs": ("zvh", ("wgs", "wjsg-39fa", "wjsg-tul", "wpg-20"), ("politie", "om", "gemeente")),
}


def node_of(org: str) -> str:
    """The test node of an organisation (node ids have no underscore)."""
    return org.replace("_", "-")


def intake(basis: str, consulted: tuple[str, ...] = ()) -> World:
    """A room of this basis in stage analyse (the intake's organisations at the table, and
    ``consulted`` deelnemers), in a federation with one node of every organisation."""
    w = World(nodes={node_of(org): org for org in ORGS})
    chair, bases, deelnemers = ROOMS[basis]
    w.convene(chair=chair, bases=bases)
    w.intake_table((*deelnemers, *consulted))
    return w


@cache
def room(basis: str, stage: str = "open") -> World:
    """A room of this basis in ``stage``: open (after the samenstelling), or a stage of
    the intake."""
    w = intake(basis)
    if stage != "analyse":
        w.beoordeling("niet_voorleggen" if stage == "afgewezen" else "voorleggen")
    if stage == "open":
        w.samenstelling()
    assert w.state is not None
    assert (w.state.stage or "open") == stage
    return w


def seated(w: World, case: Case) -> tuple[RoomState, str, str]:
    """The room with the case's sender at the table in the case's role; its recipient."""
    assert w.state is not None
    state, sender = w.state, node_of(case.sender)
    members = dict(state.members)
    members[sender] = Member(sender, case.sender, case.role, w.room_key(sender).public)
    epochs = dict(state.epochs)
    epochs[state.epoch] = members
    recipient = "om" if sender == "politie" else "politie"
    return dataclasses.replace(state, epochs=epochs), sender, recipient


def draft(case: Case, recipient: str) -> Draft:
    fields = case.fields
    return Draft(
        basis=case.basis,
        categories=list(case.categories),
        recipients=[recipient],
        summary="Samenvatting voor de matrix.",
        author_function=f"{case.sender} · medewerker",
        justification="Noodzakelijk; geen lichter middel." if "justification" in fields else None,
        agreement_ref="Afspraak bevoegd gezag 2026-1" if "agreement_ref" in fields else None,
        secrecy_ground="toestemming" if "secrecy" in fields else None,
        secrecy_ref="Toestemming betrokkene 2026-2" if "secrecy" in fields else None,
        conditions="Niet verder verstrekken." if "conditions" in fields else None,
        capacity=case.capacity,
    )


def outcome(check: Any) -> str:
    try:
        check()
    except CasusnetError as exc:
        return exc.code
    return "ok"


def forged(w: World, state: RoomState, sender: str, d: Draft) -> bytes:
    """The share a sender that skipped its own checks would send, properly signed."""
    share = Share(
        "share", PROTOCOL_VERSION, state.room, state.epoch, w.rand(16), sender, 1,
        tuple(d.recipients), d.basis, d.capacity, tuple(sorted(d.categories)), w.now, b"", (),
    )  # fmt: skip
    content = Content(
        share.header_hash(), d.summary, d.justification, d.agreement_ref, d.secrecy_ground,
        d.secrecy_ref, d.conditions, d.author_function,
    )  # fmt: skip
    key = w.rand(32)
    body = Share.SPEC.wire(share)
    body["ct"] = secretbox(key, w.rand(24), content.encode())
    body["wraps"] = [seal(state.members[r].key, key, w.rand(32)) for r in d.recipients]
    raw = pack(body)
    return Signed(raw, sender, w.signer(sender).sign("share", raw)).encode()


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i:02d}-{c.sender}-{c.basis}-{c.expect}" for i, c in enumerate(CASES)]
)
def test_the_law_matrix_at_the_sender_and_the_recipient(case: Case) -> None:
    w = room(case.room, case.stage)
    state, sender, recipient = seated(w, case)
    d = draft(case, recipient)
    at_sender = outcome(lambda: check_draft(d, state=state, registry=w.registry, sender=sender))
    data = forged(w, state, sender, d)

    def receive() -> None:
        share = verify_share(data, state=state, roster=w.roster, registry=w.registry)
        key = w.room_key(recipient)
        open_share(share, me=recipient, room_key=key, state=state, registry=w.registry)

    at_recipient = outcome(receive)
    assert (at_sender, at_recipient) == (case.expect, case.expect), case.cite


def test_the_matrix_covers_every_refusal_the_policy_has() -> None:
    codes = {c.expect for c in CASES}
    assert {
        "ok",
        "policy.organisation",
        "policy.category",
        "policy.category_basis",
        "policy.capacity",
        "policy.field_required",
        "policy.secrecy",
        "policy.basis_not_in_force",
        "policy.basis_not_declared",
    } <= codes
    assert all(c.cite for c in CASES)


def _act(w: World, case: IntakeCase) -> bytes:
    """The chair's event for the case's action, in a room at the case's stage."""
    node = node_of(case.org)
    if case.action == "invite-derde":
        assert w.state is not None
        return w.event("invite", InviteData(node, "derde", w.state.epoch + 1))
    if case.action == "assess":
        return w.event("assess", w.assess_data(node))
    for decider in w.deciders():
        w.assess(decider)
    w.rule("beoordeling", "voorleggen")
    return w.event("endorse", w.endorse_data(node))


@pytest.mark.parametrize(
    "case",
    INTAKE_CASES,
    ids=[f"{i:02d}-{c.room}-{c.action}-{c.org}-{c.expect}" for i, c in enumerate(INTAKE_CASES)],
)
def test_the_intake_matrix(case: IntakeCase) -> None:
    deelnemers = ROOMS[case.room][2]
    acting = node_of(case.org)
    member = case.action != "invite-derde" and acting not in (*deelnemers, ROOMS[case.room][0])
    w = intake(case.room, (acting,) if member else ())
    if case.stage == "verzamelen":
        w.beoordeling()
    event = _act(w, case)
    got = outcome(
        lambda: chain.apply(w.state, event, roster=w.roster, registry=w.registry, now=w.now)
    )
    assert got == case.expect, case.cite


@pytest.mark.parametrize(
    "case",
    AANMELD_CASES,
    ids=[f"{i:02d}-{c.org}-{c.mandate}-{c.expect}" for i, c in enumerate(AANMELD_CASES)],
)
def test_who_registers_a_case(case: AanmeldCase) -> None:
    w = room("pga-r")
    node, number = node_of(case.org), "RAD-2026-031"
    mandate = w.mandate(node, number) if case.mandate else None
    a = SimpleNamespace(aanmelder=node, mandate=mandate, case=number, verblijf="gemeente")
    basis = w.registry.bases["pga-r"]
    got = outcome(lambda: check_aanmelder(w.roster, basis, a, AanmelderError))  # type: ignore[arg-type]
    assert got == case.expect, case.cite
