"""The code against the known-answer vectors in tests/vectors/vectors.json."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from protocol import chain
from protocol.codec import PROTOCOL_VERSION, decode, pack, unpack
from protocol.errors import (
    ClosureError,
    RequestAuthError,
    SignatureError,
    all_error_classes,
    transient_codes,
)
from protocol.events import Assess, CloseData, Endorse, Event, RulingData
from protocol.inquiry import open_inquiry, verify_decline, verify_inquiry
from protocol.intake import intake_header, open_assessment, open_ruling
from protocol.keys import BoxKeyPair, Signer, fingerprint, secretbox_open, unseal, verify
from protocol.registry import default_registry
from protocol.request import ReplayGuard, read_request_header, verify_request
from protocol.revocation import verify_receipt, verify_revoke
from protocol.roster import accept_roster
from protocol.share import open_share, verify_share
from protocol.signed import Signed
from protocol.verblijf import verify_mandate

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
DOC = ROOT / "docs" / "protocol.md"


@pytest.fixture(scope="module")
def v() -> dict[str, Any]:
    return json.loads((VECTORS / "vectors.json").read_text())


def b(h: str) -> bytes:
    return bytes.fromhex(h)


def test_vectors_file_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(VECTORS / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this tree's protocol, not an installed one
    )
    assert result.returncode == 0, result.stderr


def _value(j: Any) -> Any:
    if isinstance(j, dict) and set(j) == {"bin"}:
        return b(j["bin"])
    if isinstance(j, list):
        return [_value(x) for x in j]
    if isinstance(j, dict):
        return {k: _value(x) for k, x in j.items()}
    return j


def test_canonical_encoding(v: dict[str, Any]) -> None:
    for case in v["encoding"]:
        value = _value(case["value"])
        assert pack(value).hex() == case["hex"], case["name"]
        assert unpack(b(case["hex"])) == value


def test_signatures_and_purposes(v: dict[str, Any]) -> None:
    sv = v["signature"]
    signer = Signer(b(sv["seed"]))
    assert signer.public.hex() == sv["public"]
    assert fingerprint(signer.public) == sv["fingerprint"]
    for purpose, case in sv["purposes"].items():
        verify(signer.public, purpose, b(case["body"]), b(case["sig"]))
        for other in sv["purposes"]:
            if other != purpose:
                with pytest.raises(SignatureError):
                    verify(signer.public, other, b(case["body"]), b(case["sig"]))


def test_seal_and_secretbox(v: dict[str, Any]) -> None:
    sv = v["seal"]
    pair = BoxKeyPair.from_seed(b(sv["recipient_seed"]))
    assert pair.public.hex() == sv["recipient_public"]
    assert unseal(pair, b(sv["sealed"])) == b(sv["message"])
    bv = v["secretbox"]
    assert secretbox_open(b(bv["key"]), b(bv["box"])) == b(bv["message"])


def test_federation_chain_share_revoke_receipt_request(v: dict[str, Any]) -> None:
    fed = v["federation"]
    registry = default_registry()
    assert registry.hash.hex() == fed["registry_hash"]
    roster = accept_roster(b(fed["roster"]), b(fed["authority_public"]), registry)
    for node, info in fed["nodes"].items():
        member = roster.member(node)
        assert member.org == info["org"]
        assert member.sign.hex() == info["sign_public"]
        assert fingerprint(member.sign) == info["fingerprint"]

    cv = v["chain"]
    events = [b(e) for e in cv["events"]]
    state = chain.replay(events, roster=roster, registry=registry, now=cv["verify_time"])
    assert state.room.hex() == cv["room_id"] == chain.room_id(events[0]).hex()
    assert state.head.hex() == cv["head"]
    assert state.phase == cv["final"]["phase"]
    assert state.epoch == cv["final"]["epoch"]
    assert {n: {"role": m.role, "key": m.key.hex()} for n, m in state.members.items()} == cv[
        "final"
    ]["members"]

    sv = v["share"]
    share = verify_share(b(sv["envelope"]), state=state, roster=roster, registry=registry)
    me = sv["opened_by"]
    key = BoxKeyPair(private=b(cv["room_private_keys"][me]), public=state.members[me].key)
    content = open_share(share, me=me, room_key=key, state=state, registry=registry)
    assert content.summary == sv["summary"]
    assert content.agreement_ref == sv["agreement_ref"]
    assert share.capacity is None
    for more in v["more_shares"]:
        share = verify_share(b(more["envelope"]), state=state, roster=roster, registry=registry)
        assert (share.sender, share.capacity) == (more["sender"], more["capacity"])
        me = more["opened_by"]
        key = BoxKeyPair(private=b(cv["room_private_keys"][me]), public=state.members[me].key)
        content = open_share(share, me=me, room_key=key, state=state, registry=registry)
        assert content.conditions == more["conditions"]
        assert (content.secrecy_ground, content.secrecy_ref) == (
            more["secrecy_ground"],
            more["secrecy_ref"],
        )

    revoke = verify_revoke(b(v["revoke"]["envelope"]), state=state, roster=roster)
    assert revoke.all
    assert revoke.sender == "politie"
    receipt = verify_receipt(
        b(v["receipt"]["envelope"]),
        roster=roster,
        me="politie",
        envelope=b(v["revoke"]["envelope"]),
    )
    assert receipt.kind == "deleted"
    assert receipt.issuer == "om"

    rv = v["request"]
    pending = read_request_header(rv["header"])
    caller = verify_request(
        pending,
        me=rv["to"],
        method=rv["method"],
        path=rv["path"],
        body=b(sv["envelope"]),
        roster=roster,
        now=rv["time"],
        guard=ReplayGuard(),
    )
    assert caller == "politie"


def test_a_convene_on_the_burgemeesters_behalf(
    v: dict[str, Any],
) -> None:
    fed, ov = v["federation"], v["chaired_on_behalf"]
    registry = default_registry()
    roster = accept_roster(b(fed["roster"]), b(fed["authority_public"]), registry)
    state = chain.apply(
        None, b(ov["convene"]), roster=roster, registry=registry, now=ov["verify_time"]
    )
    assert state.room.hex() == ov["room_id"]
    assert (state.chair, state.verblijf, state.registry) == (
        ov["chair"],
        ov["verblijf"],
        ov["registry"],
    )
    mandate = verify_mandate(b(ov["mandate"]), roster=roster, chair="zvh", case=state.case)
    assert mandate.node == ov["verblijf"]


def _chain_state(v: dict[str, Any], upto: int) -> tuple[Any, Any]:
    """The roster, and the room state after the chain's event ``upto``."""
    fed, cv = v["federation"], v["chain"]
    registry = default_registry()
    roster = accept_roster(b(fed["roster"]), b(fed["authority_public"]), registry)
    events = [b(e) for e in cv["events"][: upto + 1]]
    return roster, chain.replay(events, roster=roster, registry=registry, now=cv["verify_time"])


def _om_key(v: dict[str, Any], state: Any) -> BoxKeyPair:
    private = b(v["chain"]["room_private_keys"]["om"])
    return BoxKeyPair(private=private, public=state.members["om"].key)


def test_a_sealed_assessment_with_criteria_onbekend(v: dict[str, Any]) -> None:
    av = v["assess"]
    roster, state = _chain_state(v, av["event_index"])
    wrapper = decode(b(av["statement"]), Signed.SPEC)
    assert wrapper.body.hex() == av["body"]
    body = decode(wrapper.body, Assess.SPEC)
    roster.member(wrapper.signer).verify("statement", wrapper.body, wrapper.sig, body.time)
    assert (body.capacity, body.criteria, body.verdict) == ("burgemeester", None, None)
    assert body.sealed is not None
    assert [n for n, _ in body.sealed.wraps] == av["wraps_to"]
    assert sorted(chain.intake_nodes(state, default_registry().bases["pga-r"])) == av["wraps_to"]
    header = intake_header(state.room, body.sealed.epoch, body.sealed.item, "assess")
    assert header.hex() == av["header"]
    content = open_assessment(
        body.sealed, me=av["opened_by"], room_key=_om_key(v, state), room=state.room
    )
    assert content.encode().hex() == av["content"]  # nil, not an absent key, for onbekend
    assert dataclasses.asdict(content.criteria) == av["criteria"]
    assert (content.verdict, content.reasoning) == (av["verdict"], av["reasoning"])


def test_a_samenstelling_ruling_and_an_endorsement(v: dict[str, Any]) -> None:
    rv, ev = v["ruling"], v["endorse"]
    _, state = _chain_state(v, rv["event_index"])
    event = decode(decode(b(rv["event"]), Signed.SPEC).body, Event.SPEC)
    data: RulingData = event.data
    assert data.encode().hex() == rv["data"]
    assert (data.stage, data.outcome) == (rv["stage"], rv["outcome"])
    assert (list(data.deelnemers), list(data.derden)) == (rv["deelnemers"], rv["derden"])
    content = open_ruling(
        data.sealed, me=rv["opened_by"], room_key=_om_key(v, state), room=state.room
    )
    assert content.encode().hex() == rv["content"]
    assert content.header.hex() == rv["header"]
    assert [list(r) for r in content.reasons] == rv["reasons"]
    roster, state = _chain_state(v, ev["event_index"])
    wrapper = decode(b(ev["statement"]), Signed.SPEC)
    body = decode(wrapper.body, Endorse.SPEC)
    roster.member(ev["signer"]).verify("statement", wrapper.body, wrapper.sig, body.time)
    assert body.ruling == ev["ruling"] == rv["event_index"]
    assert state.ruling is not None
    assert ev["signer"] in {n for n, m in state.members.items() if m.org in state.ruling.endorsed}


def test_an_information_request_answered_and_one_declined(v: dict[str, Any]) -> None:
    """Section 15: the inquiries open with the asked member's room key, the answer is a
    share that names the first, the decline names the second and nothing more."""
    registry = default_registry()
    roster = accept_roster(b(v["federation"]["roster"]), b(v["federation"]["authority_public"]),
                           registry)  # fmt: skip
    cv, iv = v["chain"], v["information_request"]
    state = chain.replay([b(e) for e in cv["events"]], roster=roster, registry=registry,
                         now=cv["verify_time"])  # fmt: skip
    me = iv["opened_by"]
    key = BoxKeyPair(private=b(cv["room_private_keys"][me]), public=state.members[me].key)
    first, second = (verify_inquiry(b(e), state=state, roster=roster) for e in iv["inquiries"])
    topic = open_inquiry(first, me=me, room_key=key, state=state)
    assert (topic.topic, list(topic.categories)) == (iv["topic"], iv["categories"])
    answer = verify_share(b(iv["answer"]), state=state, roster=roster, registry=registry)
    assert (answer.request, answer.recipients) == (first.id, ("politie",))
    decline = verify_decline(b(iv["decline"]), roster=roster)
    assert (decline.request, decline.sender, decline.to) == (second.id, "om", "politie")


def test_a_closure_the_deelnemers_signed_and_the_close(v: dict[str, Any]) -> None:
    """Section 6.7: the afsluiting ruling's note opens with a member's room key outside
    the intake; the close without the last signature is refused, with it accepted."""
    registry = default_registry()
    roster = accept_roster(b(v["federation"]["roster"]), b(v["federation"]["authority_public"]),
                           registry)  # fmt: skip
    cv, xv = v["chain"], v["closure"]
    events = [b(e) for e in cv["events"]] + [b(e) for e in xv["events"]]
    before = chain.replay(events[:-2], roster=roster, registry=registry, now=xv["verify_time"])
    chair = Signer(b(v["federation"]["nodes"][before.chair]["sign_seed"]))
    early = chain.next_event(chair, before, "close", CloseData(xv["outcome"]), xv["verify_time"])
    with pytest.raises(ClosureError):  # the last signature left out
        chain.apply(before, early, roster=roster, registry=registry, now=xv["verify_time"])
    state = chain.replay(events, roster=roster, registry=registry, now=xv["verify_time"])
    assert (state.phase, state.outcome) == ("closed", xv["outcome"])
    ruling = state.rulings[-1]
    assert (ruling.stage, ruling.outcome) == (xv["stage"], xv["outcome"])
    assert sorted(ruling.endorsed) == sorted(state.members[n].org for n in xv["signed_by"])
    opened = chain.replay(events[: len(cv["events"]) + 1], roster=roster, registry=registry,
                          now=xv["verify_time"])  # fmt: skip
    event = decode(decode(events[len(cv["events"])], Signed.SPEC).body, Event.SPEC)
    data: RulingData = event.data
    assert [n for n, _ in data.sealed.wraps] == xv["wraps_to"] == sorted(opened.members)
    me = xv["opened_by"]
    key = BoxKeyPair(private=b(cv["room_private_keys"][me]), public=opened.members[me].key)
    content = open_ruling(data.sealed, me=me, room_key=key, room=opened.room)
    assert (content.encode().hex(), content.reasoning) == (xv["content"], xv["note"])


def test_the_document_quotes_what_the_code_does(v: dict[str, Any]) -> None:
    """docs/protocol.md is enough to build a compatible node: its version, labels,
    registry hash and error table are those of the code and the vectors."""
    doc = DOC.read_text()
    assert doc.startswith(f"# casusnet wire protocol, version {PROTOCOL_VERSION}\n")
    assert "casusnet/v1" not in doc
    assert v["federation"]["registry_hash"] in doc
    labels = (b"share-header", b"item-header", b"intake-header")
    for label in (b"casusnet/v2/" + name + b"\x00" for name in labels):
        spaced = " ".join(f"{byte:02x}" for byte in label)
        assert spaced in " ".join(doc.split()), label  # the doc wraps the hex over lines
    table = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^\| `([a-z_.]+)` \| (\w+) \|", doc, flags=re.MULTILINE)
        if m.group(2).endswith("Error")
    }
    # the protocol's own classes (the node's, loaded by other tests, are not the wire's)
    protocol = [cls for cls in all_error_classes() if cls.__module__.startswith("protocol.")]
    assert table == {cls.code: cls.__name__ for cls in protocol}
    assert f"all {len(table)} classes" in doc


def test_the_document_lists_which_refusals_are_retried() -> None:
    """14.2.1 names exactly the transient codes: a sender built from the document
    retries what the code retries and gives up on nothing else."""
    doc = DOC.read_text()
    section = doc.split("#### 14.2.1", 1)[1].split("####", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_.]+)` ", section, flags=re.MULTILINE))
    protocol = {c.code for c in all_error_classes() if c.__module__.startswith("protocol.")}
    transient = {c for c in transient_codes() if c in protocol}
    assert transient <= listed
    assert listed - transient == {"node.retry"}  # the node's own wire code (section 12)
    assert {"chain.future", "request.expired", "transport"} <= transient


def test_the_room_private_keys_are_secret_keys_not_seeds(v: dict[str, Any]) -> None:
    """As section 13 says: the member's key is X25519(secret, 9), not of SHA-512(it)."""
    cv = v["chain"]
    for node, private in cv["room_private_keys"].items():
        member = cv["final"]["members"].get(node)
        if member is None:
            continue  # a member of an earlier epoch
        assert BoxKeyPair.from_private(b(private)).public.hex() == member["key"]
        assert BoxKeyPair.from_seed(b(private)).public.hex() != member["key"]


def test_the_documents_section_references_point_at_its_sections() -> None:
    """Every "section N.M" and "(N.M)" of docs/protocol.md names one of its headings."""
    doc = DOC.read_text()
    headings = set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", doc, flags=re.MULTILINE))
    num, dotted = r"\d+(?:\.\d+)*", r"\d+\.\d+(?:\.\d+)*"
    listed = r"(?:, | and | or |–)"
    cited = [
        *re.findall(rf"\bsections? ({num}(?:{listed}{num})*)", doc),
        *re.findall(rf"\(({dotted}(?:{listed}{dotted})*)(?: step [\d.]+)?\)", doc),
    ]
    numbers = {n for group in cited for n in re.findall(num, group)}
    assert numbers - headings == set()
    assert {"10.2", "10.3", "14.2", "14.7"} <= numbers  # the pattern finds them


def test_key_rotation(v: dict[str, Any]) -> None:
    """After a rotation old signatures verify up to `until`; requests need the new key."""
    registry = default_registry()
    fed, rv, cv = v["federation"], v["rotation"], v["chain"]
    first = accept_roster(b(fed["roster"]), b(fed["authority_public"]), registry)
    roster = accept_roster(b(rv["roster"]), b(fed["authority_public"]), registry, current=first)
    politie = roster.member("politie")
    assert politie.sign.hex() == rv["politie_sign_public"]
    assert [(k.sign.hex(), k.until) for k in politie.retired] == [
        (fed["nodes"]["politie"]["sign_public"], rv["retired_until"])
    ]
    state = chain.replay(
        [b(e) for e in cv["events"]], roster=roster, registry=registry, now=cv["verify_time"]
    )
    verify_share(b(v["share"]["envelope"]), state=state, roster=roster, registry=registry)
    verify_revoke(b(v["revoke"]["envelope"]), state=state, roster=roster)
    with pytest.raises(SignatureError):
        verify_revoke(b(rv["late_revoke_by_old_key"]), state=state, roster=roster)
    req = v["request"]
    with pytest.raises(RequestAuthError):
        verify_request(
            read_request_header(req["header"]),
            me=req["to"],
            method=req["method"],
            path=req["path"],
            body=b(v["share"]["envelope"]),
            roster=roster,
            now=req["time"],
            guard=ReplayGuard(),
        )


def test_the_living_plan_steps_and_a_re_assessment(v: dict[str, Any]) -> None:
    """Sections 6.4.2, 6.7.13, 6.7.14: the plan's events replay after the chain, the
    measure and the meetings are as recorded, and a derde opens the proposal."""
    from protocol.events import PlanAct
    from protocol.plan import open_plan, plan_header

    registry = default_registry()
    roster = accept_roster(b(v["federation"]["roster"]), b(v["federation"]["authority_public"]),
                           registry)  # fmt: skip
    cv, lv = v["chain"], v["living_plan"]
    events = [b(e) for e in cv["events"]] + [b(e) for e in lv["events"]]
    state = chain.replay(events, roster=roster, registry=registry, now=lv["verify_time"])
    assert {
        k.hex(): {"proposer": m.proposer, "uitvoerder": m.uitvoerder, "due": m.due,
                  "status": m.status}
        for k, m in state.measures.items()
    } == lv["measures"]  # fmt: skip
    assert list(state.meeting_times) == lv["meetings"]
    event = decode(decode(b(lv["events"][0]), Signed.SPEC).body, Event.SPEC)
    body = decode(decode(event.data.statement, Signed.SPEC).body, PlanAct.SPEC)
    assert body.sealed.item.hex() == lv["item"]
    assert (
        plan_header(state.room, body.sealed.epoch, body.sealed.item, "propose").hex()
        == (lv["plan_header"])
    )
    me = lv["opened_by"]
    key = BoxKeyPair(private=b(cv["room_private_keys"][me]), public=state.members[me].key)
    content = open_plan(body.sealed, "propose", me=me, room_key=key, room=state.room)
    assert (content.encode().hex(), content.title) == (lv["content"], lv["title"])
    assert lv["title"].encode() not in b"".join(events)


def test_a_transfer_its_requests_a_supply_and_an_objection(v: dict[str, Any]) -> None:
    """Section 17: the transfer opens with the receiving gemeente's box key; each request
    names only its supplier's verstrekking; the supply opens there, the objection
    carries nothing but the decision."""
    from protocol.transfer import (
        open_supplied,
        open_transfer,
        transfer_header,
        verify_answer,
        verify_request,
        verify_transfer,
    )

    tv = v["transfer"]
    roster = accept_roster(b(tv["roster"]), b(tv["authority_public"]), default_registry())
    box = BoxKeyPair(private=b(tv["receiver_box_secret_key"]),
                     public=roster.member("gemeente2").box)  # fmt: skip
    t = verify_transfer(b(tv["transfer"]), roster=roster, me="gemeente2")
    assert transfer_header(t).hex() == tv["header_hash"]
    assert open_transfer(t, box=box).note == tv["note"]
    for supplier, envelope in tv["requests"].items():
        r = verify_request(b(envelope), roster=roster, me=supplier)
        assert (r.transfer, r.receiver, r.shares) == (t.id, "gemeente2", dict(t.index)[supplier])
    supply = verify_answer(b(tv["supply"]), roster=roster, me="gemeente2")
    assert open_supplied(supply, box=box).summary == tv["supplied_summary"]
    objection = verify_answer(b(tv["objection"]), roster=roster, me="gemeente")
    assert (objection.decision, objection.basis, objection.ct) == ("object", None, None)
