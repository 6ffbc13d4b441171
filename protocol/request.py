"""Signed requests between nodes, and the replay guard.

Every federation request carries a header ``Casusnet-Auth: <base64url(Signed)>``
whose body is a ``request`` message naming the caller, the called node, method,
path, time, a random nonce and the SHA-256 of the HTTP body. The receiver first
reads the caller from the header (so a caller outside the roster is refused before
its body is read), then checks the time window, the nonce, the body hash and the
signature.
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from dataclasses import dataclass

from .codec import Bin, Const, Int, Limits, Message, Str, Struct, decode
from .errors import (
    CryptoError,
    DecodeError,
    RequestAuthError,
    RequestExpiredError,
    RequestReplayError,
)
from .keys import Rand, Signer, digest, verify
from .roster import Roster
from .signed import Signed, node_id

HEADER = "Casusnet-Auth"
WINDOW = 120  # seconds either side of the receiver's clock
MAX_HEADER = 1024
_LIMITS = Limits(max_size=768, max_str=512, max_bin=512, max_array=4, max_map=16, max_depth=2)


@dataclass(frozen=True)
class Request(Message):
    t: str
    v: int
    node: str
    to: str
    method: str
    path: str
    time: int
    nonce: bytes
    body: bytes


Request.SPEC = Struct(
    Request,
    (
        ("t", Const("request")),
        ("v", Const(1)),
        ("node", node_id),
        ("to", node_id),
        ("method", Str(8, 3, choices=("GET", "POST", "PUT", "DELETE"))),
        ("path", Str(256, 1, pattern=r"/[\x21-\x7e]*")),
        ("time", Int()),
        ("nonce", Bin(16)),
        ("body", Bin(32)),
    ),
)


def sign_request(
    signer: Signer,
    node: str,
    *,
    to: str,
    method: str,
    path: str,
    body: bytes,
    now: int,
    rand: Rand,
) -> str:
    """The ``Casusnet-Auth`` header value for one request."""
    req = Request("request", 1, node, to, method, path, now, rand(16), digest(body))
    raw = req.encode()
    wire = Signed(raw, node, signer.sign("request", raw)).encode()
    return base64.urlsafe_b64encode(wire).decode().rstrip("=")


@dataclass(frozen=True)
class PendingRequest:
    """A request header decoded but not yet verified: only ``caller`` may be used."""

    caller: str
    wrapper: Signed
    request: Request


def read_request_header(value: str | None) -> PendingRequest:
    """Decode the header; raises RequestAuthError. Verifies nothing yet."""
    if not value or len(value) > MAX_HEADER:
        raise RequestAuthError("missing or oversized header")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        wrapper = decode(raw, Signed.SPEC, _LIMITS)
        req = decode(wrapper.body, Request.SPEC, _LIMITS)
    except (binascii.Error, ValueError, DecodeError):
        raise RequestAuthError("malformed header") from None
    if req.node != wrapper.signer:
        raise RequestAuthError("header names another node than its signer")
    return PendingRequest(wrapper.signer, wrapper, req)


class ReplayGuard:
    """Remembers (caller, nonce) pairs for the time window; bounded in size."""

    def __init__(self, window: int = WINDOW, max_entries: int = 100_000) -> None:
        self.window = window
        self.max_entries = max_entries
        self._seen: OrderedDict[tuple[str, bytes], int] = OrderedDict()

    def check_and_remember(self, caller: str, nonce: bytes, when: int, now: int) -> None:
        while self._seen:
            key, expires = next(iter(self._seen.items()))
            if expires >= now and len(self._seen) < self.max_entries:
                break
            self._seen.popitem(last=False)
        if (caller, nonce) in self._seen:
            raise RequestReplayError(caller)
        self._seen[(caller, nonce)] = max(when, now) + 2 * self.window

    def __len__(self) -> int:
        return len(self._seen)


def verify_request(
    pending: PendingRequest,
    *,
    me: str,
    method: str,
    path: str,
    body: bytes,
    roster: Roster,
    now: int,
    guard: ReplayGuard,
) -> str:
    """Check a request fully; returns the caller's node id."""
    req = pending.request
    member = roster.member(req.node, now)
    if req.to != me or req.method != method or req.path != path:
        raise RequestAuthError("request was signed for another node, method or path")
    if abs(now - req.time) > guard.window:
        raise RequestExpiredError(f"{now - req.time:+d} s")
    if req.body != digest(body):
        raise RequestAuthError("body does not match the signed hash")
    try:
        verify(member.sign, "request", pending.wrapper.body, pending.wrapper.sig)
    except CryptoError:
        raise RequestAuthError("bad signature") from None
    guard.check_and_remember(req.node, req.nonce, req.time, now)
    return req.node
