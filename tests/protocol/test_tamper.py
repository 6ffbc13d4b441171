"""Tampering with signed messages: every change an attacker can make is refused.

For every signed message type (roster, each kind of room event, share, revoke,
receipt, request header) this checks that

(a) changing any single byte of the wire bytes, or of the signed body re-wrapped with
    the original signature, is refused with a ``CasusnetError`` (and, where the change
    still decodes, by the signature check itself);
(b) a share's header fields cannot be changed under the original signature, and a
    legitimate sender who re-signs another share's ciphertext under a different header
    gets ``BindingError`` at the recipient (content moved under another header);
(c) a signature made for one purpose never verifies for another.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import msgpack
import pytest
from world import World

from protocol import chain, codec
from protocol.chain import RoomState
from protocol.codec import PROTOCOL_VERSION
from protocol.errors import (
    BindingError,
    CapacityError,
    CasusnetError,
    CategoryBoundError,
    DecodeError,
    RequestAuthError,
    RosterAuthorityError,
    SignatureError,
    StatementError,
    all_error_classes,
)
from protocol.events import STATEMENT_SPECS, Event, StatementData
from protocol.keys import PURPOSES, Signer
from protocol.request import ReplayGuard, read_request_header, sign_request, verify_request
from protocol.revocation import Receipt, Revoke, make_receipt, make_revoke, verify_receipt
from protocol.revocation import verify_revoke as _verify_revoke
from protocol.roster import Roster, accept_roster
from protocol.share import Share, open_share, receive_share, seal_item, verify_share
from protocol.signed import Signed

CODES = {cls.code for cls in all_error_classes()}
MASKS = (0x01, 0x80, 0xFF)

# --- the federation under test -----------------------------------------------------------


@dataclass
class Fixture:
    world: World
    events: list[bytes]
    before: list[RoomState | None]  # the state each event was applied to
    state: RoomState
    shares: dict[str, bytes]
    revoke: bytes
    receipt: bytes
    request: str
    request_body: bytes


def _build() -> Fixture:
    w = World()
    w.open_room()
    assert w.state is not None
    # every other event kind, on top of the standard chain
    w.add("agenda", _item(w, "agenda"))
    w.add("decision", _item(w, "decision"))
    content = {"title": "Gesprek", "kind": "zorg", "authority": None, "risk": "Isolatie"}
    w.plan("politie", "propose", content, uitvoerder="politie", due=w.now + 14 * 86400)
    shares = {n: w.share(n) for n in ("politie", "om", "gemeente", "ggz")}
    shares["politie2"] = w.share("politie")
    shares["small"] = w.share("politie", recipients=["gemeente", "om"])
    share_state = w.state
    w.remove("reclassering")
    w.epoch()
    w.leave("rvdk")
    w.epoch()
    w.close_jointly("afgesloten")
    events = list(w.events)
    before: list[RoomState | None] = [None]
    for ev in events[:-1]:
        before.append(chain.apply(before[-1], ev, roster=w.roster, registry=w.registry, now=w.now))
    revoke = make_revoke(
        w.signer("politie"),
        "politie",
        room=share_state.room,
        seq=w.next_seq("politie"),
        shares=[_share(w, shares["politie"]).id],
        now=w.tick(),
        rand=w.rand,
    )
    receipt = make_receipt(
        w.signer("gemeente"),
        "gemeente",
        kind="delivered",
        room=share_state.room,
        envelope=shares["politie"],
        to="politie",
        now=w.tick(),
    )
    body = b'{"op": "inbox"}'
    request = sign_request(
        w.signer("politie"),
        "politie",
        to="gemeente",
        method="POST",
        path="/v1/inbox",
        body=body,
        now=w.now,
        rand=w.rand,
    )
    return Fixture(w, events, before, share_state, shares, revoke, receipt, request, body)


def _item(w: World, kind: str) -> Any:
    assert w.state is not None
    return seal_item(
        w.state,
        kind,
        title="Gesprek met betrokkene plannen",
        measure="zorg" if kind == "decision" else None,
        owner="gemeente" if kind == "decision" else None,
        due=w.now + 14 * 86400 if kind == "decision" else None,
        rand=w.rand,
    )


def _share(w: World, data: bytes) -> Share:
    wrapper = codec.decode(data, Signed.SPEC)
    return codec.decode(wrapper.body, Share.SPEC)


FX = _build()
W = FX.world
assert W.state is not None
assert W.state.phase == "closed"
KINDS_IN_CHAIN = sorted(
    {codec.decode(codec.decode(e, Signed.SPEC).body, Event.SPEC).kind for e in FX.events}
)


# --- verifiers: each raises on a refused message ------------------------------------------


def check_roster(data: bytes) -> None:
    accept_roster(data, W.authority.public, W.registry)


def check_event(index: int) -> Callable[[bytes], None]:
    def check(data: bytes) -> None:
        chain.apply(FX.before[index], data, roster=W.roster, registry=W.registry, now=W.now)

    return check


def check_share(data: bytes, me: str = "gemeente") -> None:
    receive_share(
        data,
        me=me,
        room_key=W.room_keys[me],
        state=FX.state,
        roster=W.roster,
        registry=W.registry,
    )


def check_revoke(data: bytes) -> None:
    _verify_revoke(data, state=FX.state, roster=W.roster)


def check_receipt(data: bytes) -> None:
    verify_receipt(data, roster=W.roster, me="politie", envelope=FX.shares["politie"])


def check_request_raw(raw: bytes) -> None:
    header = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    pending = read_request_header(header)
    verify_request(
        pending,
        me="gemeente",
        method="POST",
        path="/v1/inbox",
        body=FX.request_body,
        roster=W.roster,
        now=W.now,
        guard=ReplayGuard(),
    )


def request_raw() -> bytes:
    value = FX.request
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def expect_refused(check: Callable[[bytes], None], data: bytes, kind: type[Exception]) -> None:
    with pytest.raises(CasusnetError) as info:
        check(data)
    exc = info.value
    assert exc.code in CODES
    assert isinstance(exc, kind), f"{type(exc).__name__} ({exc}) is not a {kind.__name__}"


# what a change of the signature alone must be refused with, per verifier
@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    check: Callable[[bytes], None]
    bad_sig: type[Exception]  # the error when only the signature (or body) no longer fits
    spec: Any


def _cases() -> list[Case]:
    cases = [
        Case("roster", W.roster_bytes, check_roster, RosterAuthorityError, Roster.SPEC),
        Case("share", FX.shares["politie"], check_share, SignatureError, Share.SPEC),
        Case("revoke", FX.revoke, check_revoke, SignatureError, Revoke.SPEC),
        Case("receipt", FX.receipt, check_receipt, SignatureError, Receipt.SPEC),
        Case("request", request_raw(), check_request_raw, RequestAuthError, None),
    ]
    seen: set[str] = set()
    for i, ev in enumerate(FX.events):
        kind = codec.decode(codec.decode(ev, Signed.SPEC).body, Event.SPEC).kind
        if kind in seen:
            continue
        seen.add(kind)
        cases.append(Case(f"event-{kind}", ev, check_event(i), SignatureError, Event.SPEC))
    return cases


CASES = _cases()


def test_fixture_is_valid() -> None:
    """The untampered messages are all accepted (otherwise every test below is vacuous)."""
    kinds = {"convene", "invite", "join", "epoch", "assess", "ruling", "endorse", "consent"}
    assert kinds <= set(KINDS_IN_CHAIN)
    assert len([c for c in CASES if c.name.startswith("event-")]) == len(KINDS_IN_CHAIN) == 14
    for case in CASES:
        case.check(case.data)
    for name, data in FX.shares.items():
        me = "gemeente" if name != "gemeente" else "politie"
        check_share(data, me)


# --- (a) every single byte ------------------------------------------------------------------


def _flips(data: bytes) -> Iterator[tuple[int, bytes]]:
    for pos in range(len(data)):
        for mask in MASKS:
            out = bytearray(data)
            out[pos] ^= mask
            yield pos, bytes(out)


def _same_but_sig(original: bytes, tampered: bytes) -> bool:
    try:
        a, b = codec.decode(original, Signed.SPEC), codec.decode(tampered, Signed.SPEC)
    except DecodeError:
        return False
    return (a.body, a.signer) == (b.body, b.signer)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_wire_byte_change_is_refused(case: Case) -> None:
    """Flip bits in every byte of the wire message: never accepted, always a typed error."""
    for pos, bad in _flips(case.data):
        kind = case.bad_sig if _same_but_sig(case.data, bad) else CasusnetError
        try:
            expect_refused(case.check, bad, kind)
        except (AssertionError, pytest.fail.Exception) as exc:  # name the failing position
            raise AssertionError(f"{case.name}: byte {pos} changed") from exc


def test_every_share_wire_byte_change_is_refused_for_every_recipient() -> None:
    """All recipients of a share refuse a share with any changed byte (sampled positions)."""
    data = FX.shares["politie"]
    recipients = _share(W, data).recipients
    for pos in range(0, len(data), 7):
        bad = bytearray(data)
        bad[pos] ^= 0x20
        for me in recipients:
            expect_refused(lambda d, me=me: check_share(d, me), bytes(bad), CasusnetError)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_signed_body_byte_change_is_refused(case: Case) -> None:
    """Change a byte of the signed body, keep signer and signature in a canonical wrapper.

    The change is caught by the body's decoder or by the signature; when the changed
    body still decodes under its schema, it must be the signature that refuses it.
    """
    wrapper = codec.decode(case.data, Signed.SPEC)
    for pos, body in _flips(wrapper.body):
        data = Signed(body, wrapper.signer, wrapper.sig).encode()
        still_decodes = False
        if case.spec is not None:
            try:
                codec.decode(body, case.spec)
                still_decodes = True
            except DecodeError:
                pass
        kind = case.bad_sig if still_decodes or case.name == "roster" else CasusnetError
        try:
            expect_refused(case.check, data, kind)
        except (AssertionError, pytest.fail.Exception) as exc:
            raise AssertionError(f"{case.name}: body byte {pos} changed") from exc


def _statement_events() -> list[tuple[int, Event, Signed]]:
    out = []
    for i, ev in enumerate(FX.events):
        wrapper = codec.decode(ev, Signed.SPEC)
        event = codec.decode(wrapper.body, Event.SPEC)
        if event.kind in STATEMENT_SPECS:
            out.append((i, event, wrapper))
    return out


def test_statement_events_cover_all_statement_kinds() -> None:
    assert {e.kind for _, e, _ in _statement_events()} == set(STATEMENT_SPECS)


@pytest.mark.parametrize("kind", sorted(STATEMENT_SPECS))
def test_tampered_member_statement_is_refused_even_if_the_chair_signs(kind: str) -> None:
    """A member's statement changed in transit is refused although the chair's event is valid.

    Both signatures count: the chair re-signing an event around a changed join, assess,
    consent or leave does not make the member's statement valid.
    """
    index, event, _ = next(x for x in _statement_events() if x[1].kind == kind)
    stmt = event.data.statement
    before = FX.before[index]
    assert before is not None
    chair = W.signer(before.chair)
    inner = codec.decode(stmt, Signed.SPEC)
    checked = 0
    for _, bad in _flips(stmt):
        ev = Event(
            "event",
            PROTOCOL_VERSION,
            event.room,
            event.seq,
            event.prev,
            kind,
            event.time,
            StatementData(bad),
        )
        body = ev.encode()
        data = Signed(body, before.chair, chair.sign("event", body)).encode()
        try:
            tampered = codec.decode(bad, Signed.SPEC)
            codec.decode(tampered.body, STATEMENT_SPECS[kind])
            same_signer = tampered.signer == inner.signer
        except DecodeError:
            same_signer = False
        expect_refused(check_event(index), data, SignatureError if same_signer else CasusnetError)
        checked += 1
    assert checked == 3 * len(stmt)


# --- (b) share header fields -------------------------------------------------------------------


def _share_map(data: bytes) -> tuple[dict[str, Any], Signed]:
    wrapper = codec.decode(data, Signed.SPEC)
    return msgpack.unpackb(wrapper.body, raw=False), wrapper


def _resign(body: dict[str, Any], node: str, signer: Signer | None = None) -> bytes:
    raw = codec.pack(body)
    return Signed(raw, node, (signer or W.signer(node)).sign("share", raw)).encode()


OTHER_ROOM = bytes(range(32))

# politie's share to gemeente and om under wpg-20, epoch 2. Each change below still fits
# the schema and, except room and sender, the recipient's policy checks.
HEADER_CHANGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "room": lambda b: OTHER_ROOM,
    "epoch": lambda b: b["epoch"] - 1,  # gemeente and om were members of epoch 1 too
    "recipients": lambda b: ["gemeente"],
    "basis": lambda b: "pga-r",
    "capacity": lambda b: "burgemeester",
    "categories": lambda b: ["signalen"],
    "sender": lambda b: "om",
    "seq": lambda b: b["seq"] + 1,
    "id": lambda b: bytes(16),
    "created": lambda b: b["created"] + 1,
}
BINDING_FIELDS = sorted(set(HEADER_CHANGES) - {"sender"})
#: changes the recipient's policy already refuses for politie's wpg-20 share: politie
#: supplies politiegegevens only under the Wpg, and acts in no capacity
POLICY_REFUSED = {"basis": CategoryBoundError, "capacity": CapacityError}


def test_header_changes_cover_every_header_field() -> None:
    # all but t, v, ct, wraps, and request (an answer's: tests/protocol/test_inquiry.py)
    assert set(HEADER_CHANGES) == set(Share.SPEC.keys[2:-3])


def _changed(field: str, body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    out[field] = HEADER_CHANGES[field](body)
    assert out[field] != body[field]
    if field == "recipients":  # keep one wrap per recipient, each still its own
        out["wraps"] = [
            w for r, w in zip(body["recipients"], body["wraps"], strict=True) if r in out[field]
        ]
    return out


def test_small_share_is_valid_for_both_recipients() -> None:
    body, _ = _share_map(FX.shares["small"])
    assert body["recipients"] == ["gemeente", "om"]
    assert body["epoch"] == 2
    assert body["basis"] == "wpg-20"
    assert body["categories"] == ["politie", "signalen"]
    for me in ("gemeente", "om"):
        check_share(FX.shares["small"], me)


@pytest.mark.parametrize("field", sorted(HEADER_CHANGES))
def test_share_header_field_change_under_original_signature_is_refused(field: str) -> None:
    """An attacker changes one header field and keeps the sender's signature: refused."""
    body, wrapper = _share_map(FX.shares["small"])
    changed = _changed(field, body)
    data = Signed(codec.pack(changed), wrapper.signer, wrapper.sig).encode()
    expect_refused(check_share, data, SignatureError)
    # naming the new sender as signer does not help either
    data = Signed(codec.pack(changed), changed["sender"], wrapper.sig).encode()
    expect_refused(check_share, data, SignatureError)


@pytest.mark.parametrize("field", sorted(HEADER_CHANGES))
def test_share_header_changed_and_resigned_by_another_member_is_refused(field: str) -> None:
    """A member that received the share re-signs a changed header in the sender's name."""
    body, _ = _share_map(FX.shares["small"])
    changed = _changed(field, body)
    attacker = "om" if changed["sender"] != "om" else "gemeente"
    # the wrapper names the attacker, the header the original sender
    expect_refused(check_share, _resign(changed, attacker), SignatureError)
    # the wrapper names the header's sender, but the attacker's key signed
    expect_refused(
        check_share, _resign(changed, changed["sender"], W.signer(attacker)), SignatureError
    )


@pytest.mark.parametrize("field", BINDING_FIELDS)
def test_sender_resigning_old_content_under_new_header_gives_binding_error(field: str) -> None:
    """The legitimate sender re-signs a changed header over the old ct and wraps.

    The signature and policy checks pass (except for another room, which is refused as
    a binding error at once, and for the changes policy refuses on its own); the
    content's header hash does not match, so the recipient refuses it with
    ``crypto.binding``, whatever the policy says.
    """
    body, _ = _share_map(FX.shares["small"])
    changed = _changed(field, body)
    data = _resign(changed, "politie")
    if field == "room":  # refused at once: a share for another room is a binding error
        with pytest.raises(BindingError) as info:
            verify_share(data, state=FX.state, roster=W.roster, registry=W.registry)
    else:
        if field in POLICY_REFUSED:
            with pytest.raises(POLICY_REFUSED[field]):
                verify_share(data, state=FX.state, roster=W.roster, registry=W.registry)
            share = codec.decode(codec.decode(data, Signed.SPEC).body, Share.SPEC)
        else:
            share = verify_share(data, state=FX.state, roster=W.roster, registry=W.registry)
        with pytest.raises(BindingError) as info:
            open_share(
                share,
                me="gemeente",
                room_key=W.room_keys["gemeente"],
                state=FX.state,
                registry=W.registry,
            )
    assert info.value.code == "crypto.binding"


def test_recipient_resending_received_ciphertext_as_own_share_gives_binding_error() -> None:
    """om, a recipient, re-signs politie's ct under its own header: the content is refused."""
    body, _ = _share_map(FX.shares["small"])
    moved = dict(
        body,
        sender="om",
        seq=1,
        basis="wjsg-39fb",
        categories=["justitieel"],
        recipients=["gemeente", "politie"],
    )
    share = verify_share(_resign(moved, "om"), state=FX.state, roster=W.roster, registry=W.registry)
    with pytest.raises(BindingError):
        open_share(
            share,
            me="gemeente",
            room_key=W.room_keys["gemeente"],
            state=FX.state,
            registry=W.registry,
        )


def test_content_moved_under_another_share_header_gives_binding_error() -> None:
    """politie re-signs share A's header with share B's ct and wraps: open_share refuses."""
    a, _ = _share_map(FX.shares["politie"])
    b, _ = _share_map(FX.shares["politie2"])
    assert a["recipients"] == b["recipients"]
    assert a["ct"] != b["ct"]
    moved = dict(a, ct=b["ct"], wraps=b["wraps"])
    data = _resign(moved, "politie")
    share = verify_share(data, state=FX.state, roster=W.roster, registry=W.registry)
    for me in share.recipients:
        with pytest.raises(BindingError) as info:
            open_share(share, me=me, room_key=W.room_keys[me], state=FX.state, registry=W.registry)
        assert info.value.code == "crypto.binding"


def test_other_senders_content_under_own_header_gives_binding_error() -> None:
    """om's ciphertext and wraps re-signed by politie under politie's header: refused."""
    a, _ = _share_map(FX.shares["politie"])
    b, _ = _share_map(FX.shares["om"])
    assert len(a["recipients"]) == len(b["recipients"])
    moved = dict(a, ct=b["ct"], wraps=b["wraps"])
    data = _resign(moved, "politie")
    share = verify_share(data, state=FX.state, roster=W.roster, registry=W.registry)
    # gemeente is first in both recipient lists, so its wrap opens: only binding catches it
    assert a["recipients"][0] == b["recipients"][0] == "gemeente"
    with pytest.raises(BindingError):
        open_share(
            share,
            me="gemeente",
            room_key=W.room_keys["gemeente"],
            state=FX.state,
            registry=W.registry,
        )


def test_resigned_share_with_unchanged_header_still_opens() -> None:
    """Control: re-encoding and re-signing by the sender alone changes nothing."""
    body, _ = _share_map(FX.shares["politie"])
    opened = receive_share(
        _resign(body, "politie"),
        me="gemeente",
        room_key=W.room_keys["gemeente"],
        state=FX.state,
        roster=W.roster,
        registry=W.registry,
    )
    assert opened.content.summary.startswith("Samenvatting")


# --- (c) a signature for one purpose does not verify for another --------------------------------


@dataclass(frozen=True)
class Purposed:
    name: str
    data: bytes
    purpose: str
    signer: Signer
    check: Callable[[bytes], None]
    bad_sig: type[Exception]


def _purposed() -> list[Purposed]:
    out = [
        Purposed(
            "roster", W.roster_bytes, "roster", W.authority, check_roster, RosterAuthorityError
        ),
        Purposed(
            "share", FX.shares["politie"], "share", W.signer("politie"), check_share, SignatureError
        ),
        Purposed("revoke", FX.revoke, "revoke", W.signer("politie"), check_revoke, SignatureError),
        Purposed(
            "receipt", FX.receipt, "receipt", W.signer("gemeente"), check_receipt, SignatureError
        ),
        Purposed(
            "request",
            request_raw(),
            "request",
            W.signer("politie"),
            check_request_raw,
            RequestAuthError,
        ),
    ]
    for i in (0, 1, 9):  # convene, invite, epoch: chair-signed events
        chair = W.signer("gemeente")
        before = FX.before[i]
        assert before is None or before.chair == "gemeente"
        out.append(
            Purposed(f"event{i}", FX.events[i], "event", chair, check_event(i), SignatureError)
        )
    return out


PURPOSED = _purposed()


@pytest.mark.parametrize("msg", PURPOSED, ids=[p.name for p in PURPOSED])
@pytest.mark.parametrize("purpose", sorted(PURPOSES))
def test_signature_for_another_purpose_is_refused(msg: Purposed, purpose: str) -> None:
    """The rightful signer signs the exact body, but for another purpose: refused."""
    wrapper = codec.decode(msg.data, Signed.SPEC)
    data = Signed(wrapper.body, wrapper.signer, msg.signer.sign(purpose, wrapper.body)).encode()
    if purpose == msg.purpose:
        msg.check(data)  # control: the right purpose is accepted
    else:
        expect_refused(msg.check, data, msg.bad_sig)


@pytest.mark.parametrize("kind", sorted(STATEMENT_SPECS))
@pytest.mark.parametrize("purpose", sorted(PURPOSES - {"statement"}))
def test_member_statement_signed_for_another_purpose_is_refused(kind: str, purpose: str) -> None:
    """A join/assess/consent/leave signed by its member under another purpose: refused."""
    index, event, _ = next(x for x in _statement_events() if x[1].kind == kind)
    inner = codec.decode(event.data.statement, Signed.SPEC)
    member = W.signer(inner.signer)
    stmt = Signed(inner.body, inner.signer, member.sign(purpose, inner.body)).encode()
    ev = Event(
        "event", PROTOCOL_VERSION, event.room, event.seq, event.prev, kind, event.time,
        StatementData(stmt),
    )  # fmt: skip
    body = ev.encode()
    data = Signed(body, "gemeente", W.signer("gemeente").sign("event", body)).encode()
    expect_refused(check_event(index), data, SignatureError)


def test_statement_signature_wrapped_as_event_is_refused() -> None:
    """A member's statement signature cannot stand in for the chair's event signature."""
    index, event, _ = next(x for x in _statement_events() if x[1].kind == "join")
    inner = codec.decode(event.data.statement, Signed.SPEC)
    outer = codec.decode(FX.events[index], Signed.SPEC)
    # the statement's own wrapper, presented as the event
    expect_refused(check_event(index), event.data.statement, CasusnetError)
    # the event body with the statement's signature
    forged = Signed(outer.body, outer.signer, inner.sig).encode()
    expect_refused(check_event(index), forged, SignatureError)
    # the event body signed by the chair, but as a statement
    forged = Signed(outer.body, "gemeente", W.signer("gemeente").sign("statement", outer.body))
    expect_refused(check_event(index), forged.encode(), SignatureError)


def test_receipt_signature_used_for_a_request_is_refused() -> None:
    """A receipt signature by gemeente does not authenticate a request by gemeente."""
    header = sign_request(
        W.signer("gemeente"),
        "gemeente",
        to="politie",
        method="POST",
        path="/v1/inbox",
        body=b"x",
        now=W.now,
        rand=W.rand,
    )
    raw = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    req = codec.decode(raw, Signed.SPEC)
    receipt = codec.decode(FX.receipt, Signed.SPEC)
    assert receipt.signer == req.signer == "gemeente"
    forged = Signed(req.body, req.signer, receipt.sig).encode()
    pending = read_request_header(base64.urlsafe_b64encode(forged).decode().rstrip("="))
    with pytest.raises(RequestAuthError):
        verify_request(
            pending,
            me="politie",
            method="POST",
            path="/v1/inbox",
            body=b"x",
            roster=W.roster,
            now=W.now,
            guard=ReplayGuard(),
        )
    # control: the genuine header is accepted
    verify_request(
        read_request_header(header),
        me="politie",
        method="POST",
        path="/v1/inbox",
        body=b"x",
        roster=W.roster,
        now=W.now,
        guard=ReplayGuard(),
    )


VERIFIERS: dict[str, Callable[[bytes], None]] = {
    "roster": check_roster,
    "event": check_event(len(FX.events) - 1),
    "share": check_share,
    "revoke": check_revoke,
    "receipt": check_receipt,
    "request": check_request_raw,
}


CROSS = [(m, v) for m in PURPOSED for v in sorted(VERIFIERS) if v != m.purpose]


@pytest.mark.parametrize(("msg", "verifier"), CROSS, ids=[f"{m.name}-as-{v}" for m, v in CROSS])
def test_whole_message_presented_as_another_type_is_refused(msg: Purposed, verifier: str) -> None:
    """A valid signed message handed to the verifier of another message type: refused."""
    expect_refused(VERIFIERS[verifier], msg.data, CasusnetError)


@pytest.mark.parametrize("verifier", sorted(VERIFIERS))
def test_member_statement_presented_as_any_message_is_refused(verifier: str) -> None:
    """A member's signed join statement, lifted out of its event, verifies as nothing else."""
    _, event, _ = next(x for x in _statement_events() if x[1].kind == "join")
    expect_refused(VERIFIERS[verifier], event.data.statement, CasusnetError)


def test_statement_signed_by_member_for_other_room_is_refused() -> None:
    """A valid join statement copied from one room into another room's chain: refused."""
    other = World(seed=W.seed)  # same federation keys, a second room
    other.convene(case="RAD-2026-099")
    other.invite("politie")
    index, event, _ = next(x for x in _statement_events() if x[1].kind == "join")
    assert other.state is not None
    ev = other.event("join", StatementData(event.data.statement))
    with pytest.raises(StatementError):
        other.apply(ev)
