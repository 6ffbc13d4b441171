"""Keys: node identities, per-room member keys, fingerprints, sealing.

All randomness comes in as an argument (``rand(n) -> bytes``), so that tests and
known-answer vectors are deterministic. Only PyNaCl (libsodium) primitives are used:
Ed25519 for signatures, X25519 + XSalsa20-Poly1305 (``crypto_box``) for sealing,
XSalsa20-Poly1305 (``crypto_secretbox``) for content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from nacl import bindings as sodium
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.signing import SigningKey

from .errors import DecryptionError, SignatureError, WeakKeyError

Rand = Callable[[int], bytes]

KEY_SIZE = 32
SIG_SIZE = 64
SEAL_OVERHEAD = 48  # ephemeral public key (32) + Poly1305 tag (16)

PURPOSES = frozenset(
    {
        "roster",
        "event",
        "statement",
        "share",
        "revoke",
        "receipt",
        "request",
        "transfer",
        "transfer_request",
        "transfer_answer",
        "boxkey",
        "aanmelding",
        "notice",
        "inquiry",
        "decline",
    }
)

# X25519 public keys of small order, from libsodium's has_small_order() blocklist;
# compared on the raw key after non-canonical encodings were refused.
_SMALL_ORDER = (
    bytes(32),
    b"\x01" + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
    bytes.fromhex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    bytes.fromhex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
)
_P = 2**255 - 19
# A fixed clamped scalar: multiplying a small-order point by it gives zero.
_PROBE_SCALAR = bytes.fromhex("0800000000000000000000000000000000000000000000000000000000000040")


def check_box_public(key: bytes) -> bytes:
    """Refuse an X25519 public key that is malformed or of small order."""
    if type(key) is not bytes or len(key) != KEY_SIZE:
        raise WeakKeyError("X25519 key must be 32 bytes")
    if key[31] & 0x80 or int.from_bytes(key, "little") >= _P:
        raise WeakKeyError("non-canonical X25519 encoding")
    if key in _SMALL_ORDER:
        raise WeakKeyError("low-order X25519 point")
    try:
        sodium.crypto_scalarmult(_PROBE_SCALAR, key)
    except Exception:  # libsodium refuses an all-zero result
        raise WeakKeyError("low-order X25519 point") from None
    return key


def check_sign_public(key: bytes) -> bytes:
    """Refuse an Ed25519 public key that is malformed, off the curve or of small order."""
    if type(key) is not bytes or len(key) != KEY_SIZE:
        raise WeakKeyError("Ed25519 key must be 32 bytes")
    if not sodium.crypto_core_ed25519_is_valid_point(key):
        raise WeakKeyError("invalid or low-order Ed25519 point")
    return key


def fingerprint(key: bytes) -> str:
    """A fingerprint two people can read to each other over the phone.

    SHA-256 over ``b"casusnet/v2/fingerprint\\x00" || key``; the first 30 bytes,
    as six groups of five bytes, each group read as a big-endian integer modulo
    100000 and written as five decimal digits: ``"12345 67890 13579 24680 11223 34455"``.
    """
    digest = hashlib.sha256(b"casusnet/v2/fingerprint\x00" + key).digest()
    groups = (int.from_bytes(digest[i : i + 5], "big") % 100000 for i in range(0, 30, 5))
    return " ".join(f"{g:05d}" for g in groups)


_PREFIX = {p: b"casusnet/v2/" + p.encode() + b"\x00" for p in PURPOSES}


def signing_input(purpose: str, body: bytes) -> bytes:
    """``b"casusnet/v2/" || purpose || 0x00 || body``: what every signature covers."""
    return _PREFIX[purpose] + body


def verify(public: bytes, purpose: str, body: bytes, signature: bytes) -> None:
    """Check an Ed25519 signature for ``purpose``; raises SignatureError."""
    if len(signature) != SIG_SIZE:
        raise SignatureError("signature must be 64 bytes")
    try:
        sodium.crypto_sign_open(b"".join((signature, _PREFIX[purpose], body)), public)
    except Exception:
        raise SignatureError(purpose) from None


@dataclass(frozen=True)
class Signer:
    """An Ed25519 signing key created from a 32-byte seed."""

    seed: bytes = field(repr=False)
    _key: SigningKey = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_key", SigningKey(self.seed))

    @property
    def public(self) -> bytes:
        return bytes(self._key.verify_key)

    def sign(self, purpose: str, body: bytes) -> bytes:
        return self._key.sign(signing_input(purpose, body)).signature

    @classmethod
    def generate(cls, rand: Rand) -> Signer:
        return cls(rand(KEY_SIZE))


@dataclass(frozen=True)
class BoxKeyPair:
    """An X25519 key pair (node box key, or a per-room member key)."""

    private: bytes = field(repr=False)
    public: bytes

    @classmethod
    def from_seed(cls, seed: bytes) -> BoxKeyPair:
        if len(seed) != KEY_SIZE:
            raise ValueError("seed must be 32 bytes")
        pk, sk = sodium.crypto_box_seed_keypair(seed)
        return cls(private=sk, public=pk)

    @classmethod
    def generate(cls, rand: Rand) -> BoxKeyPair:
        return cls.from_seed(rand(KEY_SIZE))

    @classmethod
    def from_private(cls, private: bytes) -> BoxKeyPair:
        if len(private) != KEY_SIZE:
            raise ValueError("private key must be 32 bytes")
        return cls(private=private, public=sodium.crypto_scalarmult_base(private))


@dataclass(frozen=True)
class NodeIdentity:
    """A node's long-term keys: Ed25519 identity and an X25519 box key it signs."""

    signer: Signer
    box: BoxKeyPair

    @classmethod
    def generate(cls, rand: Rand) -> NodeIdentity:
        return cls(Signer.generate(rand), BoxKeyPair.generate(rand))

    @property
    def sign_public(self) -> bytes:
        return self.signer.public

    def box_certificate(self) -> bytes:
        """The identity's signature over its box public key (purpose ``boxkey``)."""
        return self.signer.sign("boxkey", self.box.public)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signer.public)


def verify_box_certificate(sign_public: bytes, box_public: bytes, certificate: bytes) -> None:
    """Check that ``box_public`` is signed by ``sign_public`` and is not a weak point."""
    check_box_public(box_public)
    verify(sign_public, "boxkey", box_public, certificate)


# --- sealing -------------------------------------------------------------------------


def seal(recipient_public: bytes, message: bytes, ephemeral_seed: bytes) -> bytes:
    """libsodium's ``crypto_box_seal`` with the ephemeral key taken from a seed.

    ``epk, esk = crypto_box_seed_keypair(ephemeral_seed)``;
    ``nonce = BLAKE2b-192(epk || recipient_public)``;
    output ``epk || crypto_box(message, nonce, recipient_public, esk)``.
    The result opens with the standard ``crypto_box_seal_open``.
    """
    epk, esk = sodium.crypto_box_seed_keypair(ephemeral_seed)
    nonce = hashlib.blake2b(epk + recipient_public, digest_size=24).digest()
    return epk + sodium.crypto_box(message, nonce, recipient_public, esk)


def unseal(keypair: BoxKeyPair, sealed: bytes) -> bytes:
    """Open a sealed box addressed to ``keypair``; raises DecryptionError."""
    try:
        return sodium.crypto_box_seal_open(sealed, keypair.public, keypair.private)
    except (NaclCryptoError, ValueError, TypeError):
        raise DecryptionError("sealed key") from None


def secretbox(key: bytes, nonce: bytes, message: bytes) -> bytes:
    """``nonce || crypto_secretbox(message, nonce, key)``."""
    return nonce + sodium.crypto_secretbox(message, nonce, key)


def secretbox_open(key: bytes, data: bytes) -> bytes:
    """Open ``nonce || ciphertext`` made by :func:`secretbox`; raises DecryptionError."""
    if len(data) < 24 + 16:
        raise DecryptionError("ciphertext too short")
    try:
        return sodium.crypto_secretbox_open(data[24:], data[:24], key)
    except (NaclCryptoError, ValueError, TypeError):
        raise DecryptionError("content") from None


def digest(data: bytes) -> bytes:
    """SHA-256, the hash used for ids and chain links."""
    return hashlib.sha256(data).digest()
