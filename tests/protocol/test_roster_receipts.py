"""Roster acceptance, revocation, receipts, request signatures, retention, registry."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world import NOW, World, member_entry

from protocol.chain import retention_years
from protocol.errors import (
    CasusnetError,
    ChainStateError,
    LocalProtocolError,
    RegistryMismatchError,
    RequestAuthError,
    RequestExpiredError,
    RequestReplayError,
    RosterAuthorityError,
    RosterError,
    RosterVersionError,
    SignatureError,
    UnknownSignerError,
    WeakKeyError,
    all_error_classes,
)
from protocol.keys import NodeIdentity, Signer, verify
from protocol.registry import Registry, default_registry
from protocol.request import ReplayGuard, read_request_header, sign_request, verify_request
from protocol.retention import add_years, purge_after
from protocol.revocation import make_receipt, make_revoke, verify_receipt, verify_revoke
from protocol.roster import accept_roster, build_roster, sign_roster

# --- roster -------------------------------------------------------------------------------


def roster_v(w: World, version: int, extra: dict[str, str] | None = None) -> bytes:
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    for node, org in (extra or {}).items():
        members.append(member_entry(node, org, NodeIdentity.generate(w.rand)))
    return sign_roster(w.authority, build_roster("testregio", version, w.now, w.registry, members))


def test_a_newer_roster_is_accepted_an_older_or_equal_one_refused() -> None:
    w = World()
    v2 = accept_roster(
        roster_v(w, 2, {"jeugdzorg-oost": "jeugdzorg"}),
        w.authority.public,
        w.registry,
        current=w.roster,
    )
    assert v2.version == 2
    assert v2.member("jeugdzorg-oost").org == "jeugdzorg"
    for version in (1, 2):
        with pytest.raises(RosterVersionError):
            accept_roster(roster_v(w, version), w.authority.public, w.registry, current=v2)


def test_a_roster_signed_by_another_authority_is_refused() -> None:
    w = World()
    rogue = World(seed=b"rogue authority")
    with pytest.raises(RosterAuthorityError):
        accept_roster(rogue.roster_bytes, w.authority.public, w.registry)


def test_a_roster_pinning_another_registry_is_refused() -> None:
    w = World()
    other = Registry(**{**default_registry().__dict__, "hash": b"\x00" * 32})
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    data = sign_roster(w.authority, build_roster("testregio", 2, w.now, other, members))
    with pytest.raises(RegistryMismatchError):
        accept_roster(data, w.authority.public, w.registry)


def test_a_member_with_a_foreign_box_key_is_refused() -> None:
    w = World()
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    members[0] = replace(members[0], box=w.ids["politie"].box.public)
    with pytest.raises(SignatureError):
        sign_roster(w.authority, build_roster("testregio", 2, w.now, w.registry, members))


def test_a_member_with_a_low_order_box_key_is_refused() -> None:
    w = World()
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    members[0] = replace(members[0], box=bytes(32))
    with pytest.raises(WeakKeyError):
        sign_roster(w.authority, build_roster("testregio", 2, w.now, w.registry, members))


def test_unknown_organisation_types_are_refused_on_import() -> None:
    w = World()
    members = [member_entry(n, org, w.ids[n]) for n, org in w.nodes.items()]
    members.append(member_entry("x", "kerk", NodeIdentity.generate(w.rand)))
    data = sign_roster(w.authority, build_roster("testregio", 2, w.now, w.registry, members))
    with pytest.raises(RosterError):
        accept_roster(data, w.authority.public, w.registry)


def test_members_outside_their_validity_are_unknown_signers() -> None:
    w = World()
    member = w.roster.member("politie", NOW)
    assert member.org == "politie"
    with pytest.raises(UnknownSignerError):
        w.roster.member("politie", member.valid_until + 1)
    with pytest.raises(UnknownSignerError):
        w.roster.member("nobody")


# --- revocation and receipts ------------------------------------------------------------


def test_revoke_and_deleted_receipt_round_trip_also_after_close() -> None:
    w = World()
    state = w.open_room()
    share = w.share("politie")
    w.close_jointly("afgeschaald")
    assert w.state is not None
    revoke = make_revoke(
        w.signer("politie"),
        "politie",
        room=state.room,
        seq=2,
        revoke_all=True,
        reason="gesloten",
        now=w.tick(),
        rand=w.rand,
    )
    checked = verify_revoke(revoke, state=w.state, roster=w.roster)
    assert checked.all
    assert checked.reason == "gesloten"
    receipt = make_receipt(
        w.signer("om"),
        "om",
        kind="deleted",
        room=state.room,
        envelope=revoke,
        to="politie",
        items=[b"\x01" * 16],
        now=w.tick(),
    )
    got = verify_receipt(receipt, roster=w.roster, me="politie", envelope=revoke)
    assert got.kind == "deleted"
    assert got.items == (b"\x01" * 16,)
    with pytest.raises(SignatureError):
        verify_receipt(receipt, roster=w.roster, me="gemeente")
    with pytest.raises(SignatureError):
        verify_receipt(receipt, roster=w.roster, me="politie", envelope=share)


def test_revoke_needs_shares_or_all_and_a_member_of_the_room() -> None:
    w = World()
    state = w.open_room()
    with pytest.raises(LocalProtocolError):
        make_revoke(w.signer("politie"), "politie", room=state.room, seq=1, now=w.now, rand=w.rand)
    outsider = make_revoke(
        w.signer("jeugdzorg"), "jeugdzorg", room=state.room, seq=1, revoke_all=True, now=w.now,
        rand=w.rand,
    )  # fmt: skip
    with pytest.raises(ChainStateError):
        verify_revoke(outsider, state=state, roster=w.roster)


def test_a_receipt_signed_by_someone_else_than_its_issuer_is_refused() -> None:
    from protocol.codec import decode
    from protocol.signed import Signed

    w = World()
    state = w.open_room()
    receipt = make_receipt(
        w.signer("om"),
        "om",
        kind="delivered",
        room=state.room,
        envelope=b"x",
        to="politie",
        now=w.now,
    )
    body = decode(receipt, Signed.SPEC).body
    forged = Signed(body, "reclassering", w.signer("reclassering").sign("receipt", body)).encode()
    with pytest.raises(SignatureError):
        verify_receipt(forged, roster=w.roster, me="politie")


# --- requests -----------------------------------------------------------------------------


def signed_request(w: World, body: bytes = b"{}", **kw: object) -> str:
    args: dict[str, object] = dict(
        to="om", method="POST", path="/v1/inbox", body=body, now=w.now, rand=w.rand
    )
    args.update(kw)
    return sign_request(w.signer("politie"), "politie", **args)  # type: ignore[arg-type]


def check(w: World, header: str, guard: ReplayGuard, body: bytes = b"{}", **kw: object) -> str:
    args: dict[str, object] = dict(
        me="om", method="POST", path="/v1/inbox", body=body, roster=w.roster, now=w.now, guard=guard
    )
    args.update(kw)
    return verify_request(read_request_header(header), **args)  # type: ignore[arg-type]


def test_request_is_verified_once_and_a_replay_is_refused() -> None:
    w = World()
    guard = ReplayGuard()
    header = signed_request(w)
    assert read_request_header(header).caller == "politie"
    assert check(w, header, guard) == "politie"
    with pytest.raises(RequestReplayError):
        check(w, header, guard)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"body": b"{'other': 1}"}, RequestAuthError),
        ({"path": "/v1/roster"}, RequestAuthError),
        ({"method": "GET"}, RequestAuthError),
        ({"me": "gemeente"}, RequestAuthError),
        ({"now": NOW + 121}, RequestExpiredError),
        ({"now": NOW - 121}, RequestExpiredError),
    ],
)
def test_request_bound_to_body_path_method_target_and_time(
    change: dict[str, object], error: type[CasusnetError]
) -> None:
    w = World()
    with pytest.raises(error):
        check(w, signed_request(w), ReplayGuard(), **change)


@pytest.mark.parametrize("header", [None, "", "!!!", "A" * 2000, "gqRib2R5"])
def test_malformed_request_headers(header: str | None) -> None:
    with pytest.raises(RequestAuthError):
        read_request_header(header)


def test_a_caller_outside_the_roster_is_named_before_anything_is_verified() -> None:
    w = World()
    stranger = World(seed=b"not in the federation")
    header = sign_request(
        stranger.signer("politie"),
        "indringer",
        to="om",
        method="POST",
        path="/v1/inbox",
        body=b"",
        now=w.now,
        rand=w.rand,
    )
    pending = read_request_header(header)
    assert pending.caller == "indringer"
    with pytest.raises(UnknownSignerError):
        w.roster.member(pending.caller)


def test_replay_guard_is_bounded_per_caller_and_never_forgets_a_live_nonce() -> None:
    guard = ReplayGuard(window=10, max_per_caller=100)
    for i in range(100):
        guard.check_and_remember("politie", i.to_bytes(16, "big"), 0, 0)
    with pytest.raises(RequestReplayError):  # full: refused, not evicted
        guard.check_and_remember("politie", b"\xff" * 16, 0, 0)
    with pytest.raises(RequestReplayError):  # the first nonce is still remembered
        guard.check_and_remember("politie", (0).to_bytes(16, "big"), 0, 0)
    guard.check_and_remember("om", b"\xff" * 16, 0, 0)  # other callers are not affected
    assert len(guard) == 101
    guard.check_and_remember("politie", b"\x00" * 16, 1000, 1000)  # old entries expired
    assert len(guard) == 2


# --- retention ----------------------------------------------------------------------------


def test_retention_follows_the_bases() -> None:
    reg = default_registry()
    first, last = 1_700_000_000, 1_750_000_000
    assert purge_after(["pga-r"], reg, first_processing=first, last_processing=last) == add_years(
        last, 5
    )
    assert purge_after(["wgs"], reg, first_processing=first, last_processing=last) == add_years(
        first, 5
    )
    both = purge_after(
        ["pga-r", "wgs", "wjsg-39fb", "wpg-20"], reg, first_processing=first, last_processing=last
    )
    assert both == add_years(last, 5)
    only_log = purge_after(["wjsg-39fb"], reg, first_processing=first, last_processing=last)
    assert only_log == add_years(last, 4)
    assert retention_years([reg.bases["pga-r"], reg.bases["wjsg-39fb"]]) == 5


def test_add_years_handles_the_29th_of_february() -> None:
    leap = 1_709_164_800  # 2024-02-29 00:00 UTC
    assert add_years(leap, 1) == 1_740_700_800  # 2025-02-28 00:00 UTC
    assert add_years(leap, 4) == leap + (365 * 3 + 366) * 86400


# --- registry and errors --------------------------------------------------------------------


def test_registry_entries_carry_law_article_and_text_date() -> None:
    reg = default_registry()
    assert reg.version == 3
    assert set(reg.bases) == {
        "pga-r",
        "wgs",
        "wpg-20",
        "wjsg-39fb",
        "wjsg-39fa",
        "wjsg-tul",
        "wams",
    }
    for basis in reg.bases.values():
        assert basis.law
        assert basis.articles
        assert basis.bwb
        assert len(basis.text_date) == 10
        assert basis.in_force_date is None or len(basis.in_force_date) == 10
    assert not reg.bases["wams"].in_force
    assert reg.bases["wams"].in_force_date is None
    pga = reg.bases["pga-r"]
    assert pga.third_party_consent == {"gemeente", "politie", "om"}
    assert pga.intake_by == {"gemeente", "politie", "om"}
    # Wet PGA art. 3 lid 1: the ZVH is no deelnemer; it chairs only for the burgemeester
    assert pga.deelnemers == {"gemeente", "politie", "om", "reclassering", "rvdk"}
    assert "zvh" not in pga.senders
    assert pga.chair_on_behalf == {"zvh": "gemeente"}
    assert pga.verblijf
    assert reg.bases["wgs"].conveners == {"zvh"}
    assert not reg.bases["wgs"].verblijf
    assert reg.bases["wpg-20"].senders.keys() == {"politie"}
    assert reg.bases["wpg-20"].agreement_ref
    assert reg.bases["wjsg-39fb"].senders.keys() == {"om"}
    assert reg.bases["wjsg-39fa"].requires_room == {"wgs"}
    assert "reclassering" in reg.bases["wjsg-tul"].senders
    assert reg.bases["wjsg-39fb"].log_min_years == 4
    assert set(reg.capacities_of("gemeente")) == {"burgemeester", "college"}
    assert not reg.capacities_of("politie")
    assert reg.bound_categories["politie"] == {"wpg-20"}
    assert reg.bound_categories["justitieel"] == {"wjsg-39fb", "wjsg-39fa"}
    assert reg.bound_categories["tenuitvoerlegging"] == {"wjsg-tul"}
    assert reg.secrecy_orgs == {"ggz", "ggd", "jeugdzorg", "gi", "veilig_thuis"}
    assert pga.secrecy
    assert reg.bases["wgs"].secrecy
    assert pga.avg["art9"].startswith("art. 9 lid 2 sub g")
    assert len(reg.criteria) == 5


def test_the_supply_article_follows_the_room_it_is_supplied_to() -> None:
    """Politie records Wpg art. 20 lid 4 in a Wet PGA room and lid 3 in a Wgs room."""
    from protocol.policy import supply_article

    reg = default_registry()
    assert supply_article(reg.bases["wpg-20"], "pga-r") == "Wpg art. 20 lid 4"
    assert supply_article(reg.bases["wpg-20"], "wgs") == "Wpg art. 20 lid 3"
    assert supply_article(reg.bases["wjsg-39fb"], "pga-r") == "Wjsg art. 39fb"
    assert supply_article(reg.bases["wjsg-39fa"], "wgs") == "Wjsg art. 39fa"
    assert supply_article(reg.bases["pga-r"], "pga-r") == "Wet PGA"


def test_a_registry_that_binds_a_category_to_an_unknown_basis_is_refused() -> None:
    import json
    from importlib import resources

    doc = json.loads(resources.files("protocol").joinpath("grondslagen.json").read_bytes())
    doc["bound_categories"]["politie"] = ["wpg-99"]
    with pytest.raises(ValueError, match="bound category politie"):
        Registry.from_json(json.dumps(doc).encode())


def test_a_registry_that_lists_a_basis_twice_is_refused() -> None:
    import json
    from importlib import resources

    doc = json.loads(resources.files("protocol").joinpath("grondslagen.json").read_bytes())
    doc["bases"].append(doc["bases"][0])
    with pytest.raises(ValueError, match="listed twice"):
        Registry.from_json(json.dumps(doc).encode())


def test_registry_hash_ignores_whitespace_but_not_content() -> None:
    from importlib import resources

    raw = resources.files("protocol").joinpath("grondslagen.json").read_bytes()
    assert Registry.from_json(raw.replace(b"\n", b"\n  ")).hash == default_registry().hash
    changed = raw.replace(b'"log_min_years": 4', b'"log_min_years": 3')
    assert Registry.from_json(changed).hash != default_registry().hash


def test_error_codes_are_unique_and_every_class_has_user_text() -> None:
    classes = all_error_classes()
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes))
    for cls in classes:
        assert cls.__doc__
        assert cls.user_text()
        assert issubclass(cls, CasusnetError)
    assert len(classes) > 40


def test_no_secret_in_error_text() -> None:
    secret = Signer(b"\x42" * 32)
    with pytest.raises(CasusnetError) as info:
        verify(secret.public, "share", b"body", b"\x00" * 64)
    assert secret.seed.hex() not in str(info.value)
