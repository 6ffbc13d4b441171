"""The signed wrapper every casusnet message travels in.

``Signed = {"body": bin, "signer": str, "sig": bin(64)}``: ``body`` is the canonical
encoding of the message map, ``signer`` the node id (or ``"authority"`` for a
roster), ``sig`` an Ed25519 signature over ``signing_input(purpose, body)``. The
purpose follows from the message type (``body["t"]``), so a signature made for one
purpose never verifies for another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .codec import DEFAULT_LIMITS, Bin, Limits, Message, Str, Struct, decode
from .errors import SchemaError
from .keys import SIG_SIZE, Signer, verify

NODE_ID = r"[a-z0-9][a-z0-9.-]{0,62}"
AUTHORITY = "authority"

node_id = Str(63, 1, pattern=NODE_ID)
signer_id = Str(63, 1, pattern=NODE_ID)

#: message type (``t``) -> signature purpose
PURPOSE_OF_TYPE = {
    "roster": "roster",
    "event": "event",
    "assess": "statement",
    "consent": "statement",
    "endorse": "statement",
    "join": "statement",
    "leave": "statement",
    "plan": "statement",
    "mandate": "statement",
    "share": "share",
    "revoke": "revoke",
    "receipt": "receipt",
    "request": "request",
    "aanmelding": "aanmelding",
    "notice": "notice",
    "inquiry": "inquiry",
    "decline": "decline",
    "transfer": "transfer",
    "transfer_request": "transfer_request",
    "transfer_answer": "transfer_answer",
}


@dataclass(frozen=True)
class Signed(Message):
    body: bytes
    signer: str
    sig: bytes


Signed.SPEC = Struct(
    Signed,
    (("body", Bin(max_len=4 << 20, min_len=1)), ("signer", signer_id), ("sig", Bin(SIG_SIZE))),
)


M = TypeVar("M")

KeyLookup = Callable[[str], bytes]


def sign(signer: Signer, signer_id: str, message: Message) -> bytes:
    """Encode ``message`` canonically, sign it for its type's purpose, return wire bytes."""
    body = message.encode()
    purpose = PURPOSE_OF_TYPE[message.t]
    return Signed(body, signer_id, signer.sign(purpose, body)).encode()


def open_signed(
    data: bytes,
    spec: Struct[M],
    key_of: KeyLookup,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[M, Signed]:
    """Decode a signed message of the type ``spec`` describes and verify its signature.

    Order: wrapper decode, signer lookup (``key_of`` raises UnknownSignerError), body
    decode against ``spec``, signature over the purpose of the body's type.
    """
    wrapper = decode(data, Signed.SPEC, limits)
    public = key_of(wrapper.signer)
    message = decode(wrapper.body, spec, limits)
    purpose = PURPOSE_OF_TYPE[spec.message_type]
    verify(public, purpose, wrapper.body, wrapper.sig)
    return message, wrapper


def peek_type(body: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """The ``t`` field of a signed message's body, to dispatch before full decoding."""
    wrapper = decode(body, Signed.SPEC, limits)
    from .codec import decode_map

    inner = decode_map(wrapper.body, limits)
    kind = inner.get("t")
    if type(kind) is not str or kind not in PURPOSE_OF_TYPE:
        raise SchemaError("$.t: unknown message type")
    return kind
