"""Canonical encoding, decoder limits, keys and fingerprints."""

from __future__ import annotations

import re

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st
from world import World

from protocol.codec import Limits, decode, decode_map, pack, unpack
from protocol.errors import (
    DecodeError,
    DecodeLimitError,
    DecodeTrailingError,
    DecodeTypeError,
    NonCanonicalError,
    SchemaError,
    SignatureError,
    WeakKeyError,
)
from protocol.keys import (
    _SMALL_ORDER,
    BoxKeyPair,
    NodeIdentity,
    check_box_public,
    check_sign_public,
    fingerprint,
    verify,
    verify_box_certificate,
)
from protocol.signed import Signed


def test_shortest_encodings_only() -> None:
    ok = pack({"body": b"x", "signer": "gemeente", "sig": b"s" * 64})
    decode(ok, Signed.SPEC)
    # the same map with the str "signer" value written as str8 instead of fixstr
    long_form = ok.replace(b"\xa8gemeente", b"\xd9\x08gemeente")
    with pytest.raises(NonCanonicalError):
        decode(long_form, Signed.SPEC)


def test_field_order_is_fixed() -> None:
    swapped = msgpack.packb({"signer": "gemeente", "body": b"x", "sig": b"s" * 64})
    with pytest.raises(NonCanonicalError):
        decode(swapped, Signed.SPEC)


def test_duplicate_keys_are_refused() -> None:
    # fixmap of 4 entries with "body" twice
    raw = b"\x84\xa4body\xc4\x01x\xa4body\xc4\x01y\xa6signer\xa8gemeente\xa3sig\xc4\x40" + b"s" * 64
    with pytest.raises(DecodeError):
        decode(raw, Signed.SPEC)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b"", DecodeError),
        (b"\x81", DecodeError),  # truncated map
        (b"\xc1", DecodeError),  # never-used byte
        (msgpack.packb({"a": 1.5}), DecodeTypeError),
        (msgpack.packb({1: 1}), DecodeTypeError),
        (msgpack.packb(msgpack.ExtType(5, b"x")), DecodeTypeError),
        (msgpack.packb({"a": 1}) + b"\x00", DecodeTrailingError),
        (b"\x91" * 20 + b"\x00", DecodeLimitError),  # 20 nested arrays
        (b"\x91" * 200_000 + b"\x00", DecodeLimitError),
        (b"\xdb\xff\xff\xff\xff", DecodeError),  # str32 of 4 GiB announced, absent
        (b"\xdd\x7f\xff\xff\xff", DecodeLimitError),  # array32 of 2^31 announced
    ],
)
def test_bad_bytes_get_typed_errors(raw: bytes, error: type[DecodeError]) -> None:
    with pytest.raises(error) as info:
        unpack(raw)
    assert info.value.code.startswith("decode.")


def test_size_limit_is_checked_before_parsing() -> None:
    with pytest.raises(DecodeLimitError):
        unpack(b"\xc0" * (2 << 20))
    with pytest.raises(DecodeLimitError):
        unpack(msgpack.packb("x" * 100), Limits(max_str=50))


def test_schema_errors_name_the_field() -> None:
    raw = pack({"body": b"x", "signer": "Not A Node", "sig": b"s" * 64})
    with pytest.raises(SchemaError, match=re.escape("$.signer")):
        decode(raw, Signed.SPEC)
    with pytest.raises(SchemaError, match="missing field 'sig'"):
        decode(pack({"body": b"x", "signer": "a"}), Signed.SPEC)
    with pytest.raises(SchemaError, match="unknown field"):
        decode(pack({"body": b"x", "signer": "a", "sig": b"s" * 64, "x": 1}), Signed.SPEC)


def test_bool_is_not_an_integer() -> None:
    from protocol.codec import Int

    with pytest.raises(SchemaError):
        Int().check(True)


def test_decode_map_refuses_non_maps() -> None:
    with pytest.raises(SchemaError):
        decode_map(msgpack.packb([1, 2]))


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(0, 2**63 - 1)
        | st.text(max_size=20)
        | st.binary(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_pack_unpack_round_trip(value: object) -> None:
    try:
        data = pack(value)
    except Exception:
        return
    try:
        back = unpack(data)
    except DecodeLimitError:
        return  # deeper than the limit
    assert back == value
    assert pack(back) == data


# --- keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize("point", _SMALL_ORDER)
@pytest.mark.parametrize("high_bit", [False, True])
def test_low_order_x25519_points_are_refused(point: bytes, high_bit: bool) -> None:
    key = point[:31] + bytes([point[31] | 0x80]) if high_bit else point
    with pytest.raises(WeakKeyError):
        check_box_public(key)


def test_a_normal_x25519_key_passes_and_a_short_one_does_not() -> None:
    pair = BoxKeyPair.from_seed(bytes(32))
    assert check_box_public(pair.public) == pair.public
    with pytest.raises(WeakKeyError):
        check_box_public(pair.public[:31])


def test_ed25519_small_order_and_off_curve_keys_are_refused() -> None:
    with pytest.raises(WeakKeyError):
        check_sign_public(bytes(32))
    with pytest.raises(WeakKeyError):
        check_sign_public(b"\x01" + bytes(31))


def test_box_key_is_bound_to_the_identity() -> None:
    w = World()
    a, b = w.ids["gemeente"], w.ids["politie"]
    verify_box_certificate(a.sign_public, a.box.public, a.box_certificate())
    with pytest.raises(SignatureError):
        verify_box_certificate(a.sign_public, b.box.public, a.box_certificate())


def test_fingerprint_reads_as_six_groups_of_five_digits() -> None:
    ident = NodeIdentity.generate(World().rand)
    fp = fingerprint(ident.sign_public)
    assert re.fullmatch(r"\d{5}( \d{5}){5}", fp)
    assert fp == ident.fingerprint
    assert fingerprint(bytes(32)) != fingerprint(b"\x01" + bytes(31))


def test_signatures_do_not_cross_purposes() -> None:
    w = World()
    signer = w.signer("gemeente")
    sig = signer.sign("receipt", b"body")
    verify(signer.public, "receipt", b"body", sig)
    for purpose in ("event", "statement", "share", "revoke", "request", "roster", "boxkey"):
        with pytest.raises(SignatureError):
            verify(signer.public, purpose, b"body", sig)
    with pytest.raises(SignatureError):
        verify(signer.public, "receipt", b"body", sig[:63])


def test_non_canonical_x25519_encodings_are_refused() -> None:
    pair = BoxKeyPair.from_seed(bytes(32))
    high = pair.public[:31] + bytes([pair.public[31] | 0x80])
    with pytest.raises(WeakKeyError):
        check_box_public(high)
    p_plus_1 = (2**255 - 18).to_bytes(32, "little")
    with pytest.raises(WeakKeyError):
        check_box_public(p_plus_1)


@pytest.mark.parametrize("version", [1, 3])
def test_a_wrong_version_has_its_own_code(version: int) -> None:
    """A v1 message (or a later one) is refused as such: v2 keeps no v1 compatibility."""
    from protocol.errors import VersionError
    from protocol.revocation import Receipt

    raw = pack(
        {
            "t": "receipt",
            "v": version,
            "kind": "delivered",
            "room": b"r" * 32,
            "ref": b"f" * 32,
            "issuer": "om",
            "to": "politie",
            "items": [],
            "time": 1,
        }
    )
    with pytest.raises(VersionError) as info:
        decode(raw, Receipt.SPEC)
    assert info.value.code == "decode.version"
