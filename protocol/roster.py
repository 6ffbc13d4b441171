"""The federation roster: the signed list of member nodes.

A roster is signed by the federation's roster authority (signer ``"authority"``,
purpose ``roster``), whose public key each operator pins at ``casusnet init``. A
node accepts a roster only if that pinned key signed it, its version is higher than
the one it has, it pins the same grondslag registry, and every member's keys are
valid (the box key signed by the member's identity key, no weak points).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from .codec import (
    DEFAULT_LIMITS,
    PROTOCOL_VERSION,
    Bin,
    Const,
    Int,
    Limits,
    List,
    Message,
    Str,
    Struct,
    Version,
    decode,
)
from .errors import (
    CasusnetError,
    CryptoError,
    RegistryMismatchError,
    RosterAuthorityError,
    RosterError,
    RosterVersionError,
    SchemaError,
    UnknownSignerError,
)
from .keys import KEY_SIZE, SIG_SIZE, Signer, check_sign_public, verify, verify_box_certificate
from .registry import Registry
from .signed import AUTHORITY, PURPOSE_OF_TYPE, KeyLookup, Signed, node_id

M = TypeVar("M")

MAX_MEMBERS = 1000
#: retired identity keys kept per member (rotations); the authority refuses more
MAX_RETIRED = 16
#: gemeenten one politie unit or OM parket may serve (its ``serves``)
MAX_SERVES = 400
#: the organisations whose roster entry lists the gemeenten they serve (an aanmelding
#: finds the politie unit and the OM parket of the gemeente van verblijf by it)
SERVING_ORGS = ("politie", "om")
#: a roster of MAX_MEMBERS members of the largest size fits in these limits
ROSTER_LIMITS = Limits(max_size=4 << 20, max_bin=4 << 20, max_array=MAX_MEMBERS)


@dataclass(frozen=True)
class RetiredKey(Message):
    """An identity key the member used before a rotation.

    Signatures by it on envelopes dated up to ``until`` (events, statements, shares,
    revocations, receipts) still verify, so that room chains and envelopes sent
    before the rotation stay valid; requests are checked with ``sign`` only.
    """

    sign: bytes
    until: int


RetiredKey.SPEC = Struct(RetiredKey, (("sign", Bin(KEY_SIZE)), ("until", Int())))


@dataclass(frozen=True)
class RosterMember(Message):
    node: str
    org: str
    name: str
    url: str
    sign: bytes
    box: bytes
    box_sig: bytes
    valid_from: int
    valid_until: int
    retired: tuple[RetiredKey, ...] = ()
    #: the gemeente nodes a politie unit or OM parket serves (empty for other members)
    serves: tuple[str, ...] = ()

    def active(self, now: int) -> bool:
        return self.valid_from <= now <= self.valid_until

    def verify(self, purpose: str, body: bytes, sig: bytes, when: int) -> None:
        """Check a signature on an envelope dated ``when``: by ``sign``, or by a retired
        key whose ``until`` is not before ``when``. Raises the error of ``sign``."""
        try:
            verify(self.sign, purpose, body, sig)
        except CryptoError:
            for old in self.retired:
                if when <= old.until:
                    try:
                        verify(old.sign, purpose, body, sig)
                    except CryptoError:
                        continue
                    return
            raise


RosterMember.SPEC = Struct(
    RosterMember,
    (
        ("node", node_id),
        ("org", Str(32, 1, pattern=r"[a-z][a-z_]*")),
        ("name", Str(120, 1)),
        ("url", Str(300, 8, pattern=r"https?://[^\s]+")),
        ("sign", Bin(KEY_SIZE)),
        ("box", Bin(KEY_SIZE)),
        ("box_sig", Bin(SIG_SIZE)),
        ("valid_from", Int()),
        ("valid_until", Int()),
        ("retired", List(RetiredKey.SPEC, MAX_RETIRED)),
        ("serves", List(node_id, MAX_SERVES, strictly_sorted=True)),
    ),
)
#: a member as rosters before service areas wrote it (no ``serves``): still read, so
#: that the rosters a node stored before the upgrade stay readable; it serves nothing
_LEGACY_MEMBER = Struct(RosterMember, RosterMember.SPEC.fields[:-1])


@dataclass(frozen=True)
class Roster(Message):
    t: str
    v: int
    federation: str
    version: int
    issued: int
    registry: bytes
    members: tuple[RosterMember, ...]

    @property
    def by_node(self) -> Mapping[str, RosterMember]:
        cached = self.__dict__.get("_by_node")
        if cached is None:
            cached = MappingProxyType({m.node: m for m in self.members})
            object.__setattr__(self, "_by_node", cached)
        return cached

    def member(self, node: str, now: int | None = None) -> RosterMember:
        """The member with this node id; refuses unknown (and, given ``now``, inactive) nodes."""
        found = self.by_node.get(node)
        if found is None:
            raise UnknownSignerError(node[:63])
        if now is not None and not found.active(now):
            raise UnknownSignerError(f"{node}: not valid at this time")
        return found

    def key_of(self, now: int | None = None) -> KeyLookup:
        """A lookup from node id to Ed25519 public key, for :func:`open_signed`."""

        def lookup(node: str) -> bytes:
            return self.member(node, now).sign

        return lookup


Roster.SPEC = Struct(
    Roster,
    (
        ("t", Const("roster")),
        ("v", Version(PROTOCOL_VERSION)),
        ("federation", Str(64, 1, pattern=r"[a-z0-9][a-z0-9.-]*")),
        ("version", Int(1)),
        ("issued", Int()),
        ("registry", Bin(32)),
        ("members", List(RosterMember.SPEC, MAX_MEMBERS)),
    ),
)


_LEGACY_ROSTER = Struct(
    Roster,
    tuple(
        (k, List(_LEGACY_MEMBER, MAX_MEMBERS) if k == "members" else spec)
        for k, spec in Roster.SPEC.fields
    ),
)


def open_member_signed(
    data: bytes, spec: Struct[M], roster: Roster, limits: Limits = DEFAULT_LIMITS
) -> tuple[M, Signed]:
    """:func:`protocol.signed.open_signed` for messages dated by a ``time`` field
    (revocations, receipts): the signer's current key, or a retired key that was
    still valid at that time (:meth:`RosterMember.verify`)."""
    wrapper = decode(data, Signed.SPEC, limits)
    member = roster.member(wrapper.signer)
    message = decode(wrapper.body, spec, limits)
    purpose = PURPOSE_OF_TYPE[spec.message_type]
    member.verify(purpose, wrapper.body, wrapper.sig, int(getattr(message, "time")))  # noqa: B009
    return message, wrapper


def build_roster(
    federation: str,
    version: int,
    issued: int,
    registry: Registry,
    members: list[RosterMember],
) -> Roster:
    return Roster(
        "roster",
        PROTOCOL_VERSION,
        federation,
        version,
        issued,
        registry.hash,
        tuple(sorted(members, key=lambda m: m.node)),
    )


def sign_roster(authority: Signer, roster: Roster) -> bytes:
    """Sign a roster with the authority key; checks the members first."""
    _check_members(roster, None)
    body = roster.encode()
    return Signed(body, AUTHORITY, authority.sign("roster", body)).encode()


def accept_roster(
    data: bytes,
    pinned_authority: bytes,
    registry: Registry,
    current: Roster | None = None,
) -> Roster:
    """Verify a signed roster and accept it only if it is newer than ``current``.

    Order: wrapper decode; signer is ``"authority"``; signature with the pinned key;
    body decode; federation and version against ``current``; registry hash;
    every member's keys and organisation type.
    """
    wrapper = decode(data, Signed.SPEC, ROSTER_LIMITS)
    if wrapper.signer != AUTHORITY:
        raise RosterAuthorityError("signer is not the roster authority")
    try:
        verify(pinned_authority, "roster", wrapper.body, wrapper.sig)
    except CryptoError:
        raise RosterAuthorityError("signature does not match the pinned authority") from None
    roster = decode_roster(wrapper.body)
    if current is not None:
        if roster.federation != current.federation:
            raise RosterError("roster is for another federation")
        if roster.version <= current.version:
            raise RosterVersionError(f"version {roster.version} <= {current.version}")
    if roster.registry != registry.hash:
        raise RegistryMismatchError()
    _check_members(roster, registry)
    return roster


def decode_roster(body: bytes) -> Roster:
    """The roster body; one signed before service areas (members without ``serves``)
    is read with every ``serves`` empty (``docs/protocol.md`` 5.1)."""
    try:
        roster: Roster = decode(body, Roster.SPEC, ROSTER_LIMITS)
    except SchemaError as exc:
        try:
            roster = decode(body, _LEGACY_ROSTER, ROSTER_LIMITS)
        except CasusnetError:
            raise exc from None
    return roster


def _check_members(roster: Roster, registry: Registry | None) -> None:
    previous = ""
    for m in roster.members:
        if m.node <= previous:
            raise SchemaError("members: not strictly sorted by node id")
        previous = m.node
        if m.node == AUTHORITY:
            raise RosterError("'authority' is reserved")
        if registry is not None and m.org not in registry.organisations:
            raise RosterError(f"{m.node}: unknown organisation type")
        if m.valid_from > m.valid_until:
            raise RosterError(f"{m.node}: validity ends before it starts")
        check_sign_public(m.sign)
        verify_box_certificate(m.sign, m.box, m.box_sig)
        if m.serves and m.org not in SERVING_ORGS:
            raise RosterError(f"{m.node}: only politie and OM list the gemeenten they serve")
        for served in m.serves:
            found = roster.by_node.get(served)
            if found is None or found.org != "gemeente":
                raise RosterError(f"{m.node}: serves {served}, not a gemeente of the roster")
        seen = {m.sign}
        for old in m.retired:
            check_sign_public(old.sign)
            if old.sign in seen:
                raise RosterError(f"{m.node}: a retired key repeats a key of the member")
            seen.add(old.sign)
