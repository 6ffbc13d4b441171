"""The transfer messages (``docs/protocol.md`` section 17): limits, signatures, who
may send what to whom, and the binding of sealed content to its header."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from world import World

from protocol.codec import decode
from protocol.errors import (
    BindingError,
    CasusnetError,
    DecryptionError,
    LocalProtocolError,
    SchemaError,
    SignatureError,
    TransferExpiredError,
    TransferPartyError,
)
from protocol.signed import Signed, sign
from protocol.transfer import (
    DAY,
    MAX_SHARES,
    MAX_SUPPLIERS,
    Transfer,
    TransferAnswer,
    TransferRequest,
    in_time,
    make_answer,
    make_request,
    open_supplied,
    open_transfer,
    peek,
    seal_transfer,
    verify_answer,
    verify_request,
    verify_transfer,
)

NODES = {"gemeente": "gemeente", "gemeente2": "gemeente", "politie": "politie", "om": "om"}
P1, P2, O1 = bytes([1] * 16), bytes([2] * 16), bytes([3] * 16)
CONTENT = {"summary": "Signalen van isolatie.", "justification": "Noodzakelijk.",
           "agreement_ref": "Afspraak 2026-004", "author_function": "wijkagent"}  # fmt: skip


@pytest.fixture
def w() -> World:
    return World(seed=b"transfer-messages", nodes=dict(NODES))


def transfer(w: World, **more: Any) -> bytes:
    args: dict[str, Any] = dict(
        room=bytes(32), case="RAD-2026-031", to="gemeente2", ground="effecten",
        aanmelding=bytes(16), deadline=w.now + 14 * DAY,
        index={"politie": [P2, P1], "om": [O1]}, note="Verhuisd.", plan="[]",
        roster=w.roster, now=w.now, rand=w.rand,
    )  # fmt: skip
    args.update(more)
    return seal_transfer(w.signer("gemeente"), "gemeente", **args)


def request(w: World, supplier: str = "politie") -> TransferRequest:
    t = peek(transfer(w), Transfer.SPEC)
    envelope = make_request(w.signer("gemeente"), t, supplier=supplier, now=w.now)
    return verify_request(envelope, roster=w.roster, me=supplier)


def answer(w: World, r: TransferRequest, to: str = "gemeente2", **more: Any) -> bytes:
    args: dict[str, Any] = dict(share=P1, to=to, decision="supply", basis="wpg-20",
                                categories=("signalen", "politie"), content=CONTENT,
                                roster=w.roster, now=w.now, rand=w.rand)  # fmt: skip
    args.update(more)
    return make_answer(w.signer("politie"), r, **args)


def resign(w: World, node: str, message: Any) -> bytes:
    return sign(w.signer(node), node, message)


def test_the_receiver_opens_the_transfer_and_each_supplier_sees_its_own(w: World) -> None:
    t = verify_transfer(transfer(w), roster=w.roster, me="gemeente2")
    assert dict(t.index) == {"om": (O1,), "politie": (P1, P2)}  # sorted
    assert open_transfer(t, box=w.ids["gemeente2"].box).note == "Verhuisd."
    with pytest.raises(DecryptionError):  # the origin cannot read it back
        open_transfer(t, box=w.ids["gemeente"].box)
    r = request(w, "om")
    assert (r.shares, r.receiver) == ((O1,), "gemeente2")


@pytest.mark.parametrize(
    "more",
    [
        dict(to="gemeente"),  # to itself
        dict(to="politie"),  # not a gemeente
        dict(deadline=0),
        dict(deadline=10**10),
        dict(ground="vakantie"),
        dict(note=""),
        dict(index={f"n{i}": [P1] for i in range(MAX_SUPPLIERS + 1)}),
        dict(index={"politie": [i.to_bytes(16, "big") for i in range(MAX_SHARES + 1)]}),
        dict(index={"gemeente2": [P1]}),  # the receiver supplied itself
        dict(plan="x" * (1 << 18)),
    ],
)
def test_the_origin_builds_no_invalid_transfer(w: World, more: dict[str, Any]) -> None:
    with pytest.raises(LocalProtocolError):
        transfer(w, **more)


def test_a_transfer_is_the_origins_and_addressed_to_the_receiver(w: World) -> None:
    envelope = transfer(w)
    with pytest.raises(TransferPartyError):
        verify_transfer(envelope, roster=w.roster, me="politie")
    t = peek(envelope, Transfer.SPEC)
    with pytest.raises(SignatureError):  # signed by another node than its origin
        verify_transfer(resign(w, "gemeente2", t), roster=w.roster, me="gemeente2")
    with pytest.raises(TransferPartyError):  # a deadline the receiver does not accept
        verify_transfer(resign(w, "gemeente", replace(t, deadline=t.time)), roster=w.roster,
                        me="gemeente2")  # fmt: skip
    tampered = bytearray(envelope)
    tampered[-1] ^= 1
    with pytest.raises(CasusnetError):
        verify_transfer(bytes(tampered), roster=w.roster, me="gemeente2")
    # the content bound to its header: another transfer's ct does not open for this one
    other = peek(transfer(w, ground="woonplaats"), Transfer.SPEC)
    swapped = resign(w, "gemeente", replace(t, ct=other.ct))
    with pytest.raises(BindingError):
        open_transfer(verify_transfer(swapped, roster=w.roster, me="gemeente2"),
                      box=w.ids["gemeente2"].box)  # fmt: skip


def test_a_request_is_the_origins_to_one_supplier(w: World) -> None:
    r = request(w)
    with pytest.raises(TransferPartyError):
        verify_request(resign(w, "gemeente", r), roster=w.roster, me="om")
    with pytest.raises(SignatureError):
        verify_request(resign(w, "om", r), roster=w.roster, me="politie")
    with pytest.raises(TransferPartyError):  # the supplier is the receiver
        verify_request(resign(w, "gemeente", replace(r, receiver="politie")), roster=w.roster,
                       me="politie")  # fmt: skip
    with pytest.raises(LocalProtocolError):  # gemeente2 supplied nothing
        make_request(w.signer("gemeente"), peek(transfer(w), Transfer.SPEC), supplier="gemeente2",
                     now=w.now)  # fmt: skip


def test_a_supply_opens_only_at_the_receiver_and_an_objection_says_nothing(w: World) -> None:
    r = request(w)
    supply = verify_answer(answer(w, r), roster=w.roster, me="gemeente2")
    assert open_supplied(supply, box=w.ids["gemeente2"].box).summary == CONTENT["summary"]
    to_origin = verify_answer(answer(w, r, to="gemeente"), roster=w.roster, me="gemeente")
    assert (to_origin.ct, to_origin.basis) == (None, "wpg-20")
    objection = verify_answer(answer(w, r, decision="object", basis=None, content=None),
                              roster=w.roster, me="gemeente2")  # fmt: skip
    assert (objection.basis, objection.categories, objection.ct) == (None, (), None)
    # content to the origin, or an objection with a basis, is malformed
    body = decode(decode(answer(w, r), Signed.SPEC).body, TransferAnswer.SPEC)
    for bad, me in ((replace(body, to="gemeente"), "gemeente"),
                    (replace(body, decision="object"), "gemeente2")):  # fmt: skip
        with pytest.raises(SchemaError):
            verify_answer(resign(w, "politie", bad), roster=w.roster, me=me)
    with pytest.raises(SignatureError):  # another node answering for politie
        verify_answer(resign(w, "om", body), roster=w.roster, me="gemeente2")
    with pytest.raises(TransferPartyError):
        verify_answer(answer(w, r), roster=w.roster, me="om")
    with pytest.raises(BindingError):  # the content belongs to this answer's header
        open_supplied(replace(supply, share=P2), box=w.ids["gemeente2"].box)


def test_a_supplier_answers_only_what_it_was_asked_and_in_time(w: World) -> None:
    r = request(w)
    with pytest.raises(TransferPartyError):
        answer(w, r, share=O1)
    with pytest.raises(LocalProtocolError):
        answer(w, r, to="om")
    with pytest.raises(TransferExpiredError):
        answer(w, r, now=r.deadline + 1)
    a = verify_answer(answer(w, r), roster=w.roster, me="gemeente2")
    in_time(a, deadline=r.deadline, now=r.deadline + DAY)
    with pytest.raises(TransferExpiredError):
        in_time(a, deadline=r.deadline, now=r.deadline + DAY + 1)
    with pytest.raises(TransferExpiredError):
        in_time(replace(a, time=r.deadline + 1), deadline=r.deadline, now=r.deadline)
