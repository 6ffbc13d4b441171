"""The code against the known-answer vectors in tests/vectors/vectors.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from protocol import chain
from protocol.codec import pack, unpack
from protocol.errors import RequestAuthError, SignatureError
from protocol.keys import BoxKeyPair, Signer, fingerprint, secretbox_open, unseal, verify
from protocol.registry import default_registry
from protocol.request import ReplayGuard, read_request_header, verify_request
from protocol.revocation import verify_receipt, verify_revoke
from protocol.roster import accept_roster
from protocol.share import open_share, verify_share

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


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
