"""The aanmelding and the notice (docs/protocol.md section 15), the roster's service
areas (5.1) and the renamed close outcome (6.7.9)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from world import World, member_entry

from protocol import chain
from protocol.aanmelding import (
    Aanmelding,
    Notice,
    make_notice,
    open_aanmelding,
    peek_aanmelding,
    recipients_for,
    seal_aanmelding,
    verify_aanmelding,
    verify_notice,
)
from protocol.codec import PROTOCOL_VERSION, decode, pack
from protocol.errors import (
    AanmelderError,
    AanmeldingRecipientsError,
    BindingError,
    ChainStateError,
    DecryptionError,
    LocalProtocolError,
    NoticeError,
    RosterError,
    SchemaError,
    SignatureError,
)
from protocol.events import CloseData
from protocol.keys import PURPOSES, digest
from protocol.roster import Roster, accept_roster, build_roster, sign_roster
from protocol.signed import Signed, sign

CASE = "RAD-2026-031"


def register(w: World, aanmelder: str = "reclassering", to: str = "politie", **kw: Any) -> bytes:
    args: dict[str, Any] = {
        "case": CASE, "verblijf": "gemeente", "to_org": to,
        "summary": "Signalen: uitingen over geweld.", "reason": "Zorgen tijdens het toezicht.",
        "author_function": "reclasseringswerker", "roster": w.roster, "registry": w.registry,
        "now": w.now, "rand": w.rand,
    }  # fmt: skip
    args.update(kw)
    return seal_aanmelding(w.signer(aanmelder), aanmelder, **args)


def check(w: World, envelope: bytes) -> Aanmelding:
    return verify_aanmelding(envelope, roster=w.roster, registry=w.registry)


def resign(w: World, a: Aanmelding, signer: str | None = None) -> bytes:
    """``a`` signed again (by its aanmelder, or another node) after a change."""
    node = signer or a.aanmelder
    return sign(w.signer(node), node, a)


def test_the_three_each_open_what_the_aanmelder_sealed() -> None:
    w = World()
    a = check(w, register(w))
    assert a.recipients == ("gemeente", "om", "politie")
    assert (a.aanmelder, a.to, a.verblijf) == ("reclassering", "politie", "gemeente")
    for node in a.recipients:
        content = open_aanmelding(a, me=node, box=w.ids[node].box)
        assert content.summary == "Signalen: uitingen over geweld."
        assert content.author_function == "reclasseringswerker"


def test_a_node_outside_the_three_cannot_open_it() -> None:
    w = World()
    a = check(w, register(w))
    with pytest.raises(AanmeldingRecipientsError):
        open_aanmelding(a, me="zvh", box=w.ids["zvh"].box)
    # its own key does not open another's wrap either
    with pytest.raises(DecryptionError):
        open_aanmelding(a, me="om", box=w.ids["zvh"].box)


@pytest.mark.parametrize("aanmelder", ["zvh", "ggz", "jeugdzorg"])
def test_only_a_deelnemer_registers(aanmelder: str) -> None:
    w = World()
    with pytest.raises(LocalProtocolError):
        register(w, aanmelder)
    # made by hand, it is refused by the receiver
    forged = replace(peek_aanmelding(register(w)), aanmelder=aanmelder)
    with pytest.raises(AanmelderError):
        check(w, resign(w, forged))


@pytest.mark.parametrize("aanmelder", ["gemeente", "politie", "om", "reclassering", "rvdk"])
def test_every_deelnemer_registers(aanmelder: str) -> None:
    w = World()
    assert check(w, register(w, aanmelder, to="om")).to == "om"


def test_the_zvh_prepares_one_on_the_burgemeesters_mandate() -> None:
    """Wet PGA art. 2, art. 12 lid 3: the ZVH registers for the burgemeester of the
    gemeente van verblijf only with its mandate for this case."""
    w = World()
    a = check(w, register(w, "zvh", mandate=w.mandate("zvh", CASE)))
    assert (a.aanmelder, a.mandate is not None) == ("zvh", True)
    assert open_aanmelding(a, me="om", box=w.ids["om"].box).summary
    for mandate in (
        w.mandate("zvh", "RAD-2026-099"),  # another case
        w.mandate("reclassering", CASE),  # for another node
        w.mandate("zvh", CASE, gemeente="politie"),  # not signed by the gemeente
    ):
        with pytest.raises(LocalProtocolError):
            register(w, "zvh", mandate=mandate)
        forged = replace(a, mandate=mandate)
        with pytest.raises(AanmelderError):
            check(w, resign(w, forged))
    with pytest.raises(AanmelderError):  # a deelnemer registers in its own name
        check(w, resign(w, replace(peek_aanmelding(register(w)), mandate=a.mandate)))


def test_the_recipients_are_those_the_roster_names_for_the_gemeente() -> None:
    w = World()
    a = peek_aanmelding(register(w))
    for recipients in (
        ("gemeente", "politie"),  # the OM left out
        ("gemeente", "ggz", "politie"),  # another organisation
        ("jeugdzorg", "om", "politie"),  # not the gemeente van verblijf
    ):
        wrong = replace(a, recipients=recipients, wraps=a.wraps[: len(recipients)])
        with pytest.raises(AanmeldingRecipientsError):
            check(w, resign(w, wrong))
    with pytest.raises(AanmeldingRecipientsError):
        check(w, resign(w, replace(a, to="reclassering")))
    with pytest.raises(AanmeldingRecipientsError):
        check(w, resign(w, replace(a, verblijf="politie")))


def test_a_politie_unit_that_does_not_serve_the_gemeente_is_not_found() -> None:
    w = World()
    members = [replace(m, serves=()) if m.node == "politie" else m for m in w.roster.members]
    w.roster = roster_of(w, members)
    with pytest.raises(LocalProtocolError):
        recipients_for(w.roster, w.registry, "gemeente")
    with pytest.raises(AanmeldingRecipientsError):
        check(w, register(World()))  # sealed under the old roster, checked under this one


def test_the_content_is_bound_to_its_header_and_signed_by_its_aanmelder() -> None:
    w = World()
    a = peek_aanmelding(register(w))
    other = peek_aanmelding(register(w, case="RAD-2026-032"))
    moved = resign(w, replace(a, ct=other.ct, wraps=other.wraps))
    with pytest.raises(BindingError):
        open_aanmelding(check(w, moved), me="om", box=w.ids["om"].box)
    with pytest.raises(SignatureError):
        check(w, resign(w, a, signer="politie"))  # aanmelder is not the signer
    wrapper = Signed(a.encode(), "reclassering", w.signer("reclassering").sign("share", a.encode()))
    with pytest.raises(SignatureError):  # a signature for another purpose
        check(w, wrapper.encode())


def test_a_notice_reaches_the_aanmelder_from_a_node_that_handles_the_case() -> None:
    w = World()
    a = check(w, register(w))
    for issuer in ("gemeente", "politie", "zvh"):
        notice = make_notice(w.signer(issuer), issuer, aanmelding=a, now=w.now)
        n = verify_notice(
            notice, roster=w.roster, registry=w.registry, me="reclassering", aanmelding=a
        )
        assert (n.outcome, n.case, n.issuer) == ("niet_voorgelegd", CASE, issuer)
    stranger = make_notice(w.signer("ggz"), "ggz", aanmelding=a, now=w.now)
    with pytest.raises(NoticeError):
        verify_notice(
            stranger, roster=w.roster, registry=w.registry, me="reclassering", aanmelding=a
        )
    notice = make_notice(w.signer("gemeente"), "gemeente", aanmelding=a, now=w.now)
    with pytest.raises(SignatureError):
        verify_notice(notice, roster=w.roster, registry=w.registry, me="om", aanmelding=a)
    other = peek_aanmelding(register(w, case="RAD-2026-032"))
    with pytest.raises(NoticeError):
        verify_notice(
            notice, roster=w.roster, registry=w.registry, me="reclassering", aanmelding=other
        )


def test_a_notice_carries_only_the_outcome_of_art_5_lid_6() -> None:
    w = World()
    a = check(w, register(w))
    body = Notice("notice", PROTOCOL_VERSION, a.id, CASE, "afgesloten", "gemeente", a.aanmelder, 1)
    with pytest.raises(LocalProtocolError):  # the node cannot make it
        sign(w.signer("gemeente"), "gemeente", body)
    raw = pack(dict(vars(body)))  # a peer that makes it anyway
    data = Signed(raw, "gemeente", w.signer("gemeente").sign("notice", raw)).encode()
    with pytest.raises(SchemaError):
        verify_notice(data, roster=w.roster, registry=w.registry, me="reclassering")


# --- the roster's service areas ---------------------------------------------------------


def roster_of(w: World, members: list[Any], version: int = 2) -> Roster:
    data = sign_roster(w.authority, build_roster("testregio", version, w.now, w.registry, members))
    return accept_roster(data, w.authority.public, w.registry)


@pytest.mark.parametrize(
    ("node", "serves"),
    [("reclassering", ("gemeente",)), ("politie", ("ggz",)), ("om", ("nergens",))],
)
def test_only_politie_and_om_serve_and_only_gemeenten(node: str, serves: tuple[str, ...]) -> None:
    w = World()
    members = [replace(m, serves=serves) if m.node == node else m for m in w.roster.members]
    with pytest.raises(RosterError):
        roster_of(w, members)


def test_a_roster_signed_before_service_areas_is_still_read() -> None:
    """A node's stored rosters stay readable after the upgrade; they serve nothing."""
    w = World()
    members = [member_entry(n, o, w.ids[n]) for n, o in w.nodes.items()]
    roster = build_roster("testregio", 1, w.now, w.registry, members)
    wire = roster.to_wire()
    for m in wire["members"]:
        del m["serves"]
    body = pack(wire)
    data = Signed(body, "authority", w.authority.sign("roster", body)).encode()
    old = accept_roster(data, w.authority.public, w.registry)
    assert old.member("politie").serves == ()
    with pytest.raises(LocalProtocolError):
        recipients_for(old, w.registry, "gemeente")


# --- niet_voorgelegd, and niet_opgenomen in stored chains --------------------------------


def test_a_stored_close_with_the_old_outcome_id_loads_as_niet_voorgelegd() -> None:
    w = World()
    w.convene()
    assert w.state is not None
    before = w.state
    legacy = chain.next_event(
        w.signer("gemeente"), before, "close", CloseData("niet_opgenomen"), w.tick()
    )
    with pytest.raises(ChainStateError):  # received now: refused
        chain.apply(before, legacy, roster=w.roster, registry=w.registry, now=w.now)
    stored = chain.replay([*w.events, legacy], roster=w.roster, registry=w.registry)
    assert (stored.phase, stored.outcome) == ("closed", "niet_voorgelegd")
    assert digest(legacy) == stored.head


@pytest.mark.parametrize("purpose", sorted(PURPOSES - {"aanmelding"}))
def test_an_aanmelding_signed_for_another_purpose_is_refused(purpose: str) -> None:
    w = World()
    wrapper = decode(register(w), Signed.SPEC)
    forged = Signed(
        wrapper.body, "reclassering", w.signer("reclassering").sign(purpose, wrapper.body)
    )
    with pytest.raises(SignatureError):
        check(w, forged.encode())


@pytest.mark.parametrize("purpose", sorted(PURPOSES - {"notice"}))
def test_a_notice_signed_for_another_purpose_is_refused(purpose: str) -> None:
    w = World()
    a = check(w, register(w))
    wrapper = decode(
        make_notice(w.signer("gemeente"), "gemeente", aanmelding=a, now=w.now), Signed.SPEC
    )
    forged = Signed(wrapper.body, "gemeente", w.signer("gemeente").sign(purpose, wrapper.body))
    with pytest.raises(SignatureError):
        verify_notice(forged.encode(), roster=w.roster, registry=w.registry, me="reclassering")
