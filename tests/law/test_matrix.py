"""The law matrix, checked at the sender and again at the recipient.

Each case of :mod:`tests.law.matrix` (written by hand from the law, never from the
registry or the policy code) is put to the sender's checks (``check_draft``, what a
node runs before sealing) and, as a share whose sender skipped its own checks, to the
recipient's (``verify_share`` then ``open_share``). Both must give the expected
outcome. The sender sits in an open room of the case's room basis as a deelnemer or a
derde; whether the chain admits it to the room at all is the chain's rule, tested in
``tests/protocol`` and end to end in ``tests/e2e/test_law.py``.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from protocol.chain import Member, RoomState
from protocol.codec import PROTOCOL_VERSION, pack
from protocol.errors import CasusnetError
from protocol.keys import seal, secretbox
from protocol.share import Content, Draft, Share, check_draft, open_share, verify_share
from protocol.signed import Signed

sys.path.insert(0, str(Path(__file__).parents[1] / "protocol"))
sys.path.insert(0, str(Path(__file__).parent))

from matrix import CASES, Case  # noqa: E402
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


@cache
def room(basis: str) -> World:
    """An open room of this basis, in a federation with one node of every organisation."""
    w = World(nodes={node_of(org): org for org in ORGS})
    chair, bases, deelnemers = ROOMS[basis]
    w.convene(chair=chair, bases=bases)
    for node in deelnemers:
        w.invite(node)
        w.join(node)
    w.epoch()
    for node in ("gemeente", "politie", "om") if basis == "pga-r" else ():
        w.assess(node)
    assert w.state is not None
    assert w.state.phase == "open"
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
    w = room(case.room)
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
