"""Signed requests between nodes, and the replay guard.

Every federation request carries a header ``Casusnet-Auth: <base64url(Signed)>``
whose body is a ``request`` message naming the caller, the called node, method,
path, time, a random nonce and the SHA-256 of the HTTP body. The receiver first
reads the caller from the header (so a caller outside the roster is refused before
its body is read), then checks the caller's roster validity, the called node,
method and path, the time window, the body hash, the signature, and last the nonce
(so only verified requests are remembered).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import OrderedDict
from dataclasses import dataclass

from .codec import PROTOCOL_VERSION, Bin, Const, Int, Limits, Message, Str, Struct, Version, decode
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
_B64URL = re.compile(r"[A-Za-z0-9_-]+")
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
        ("v", Version(PROTOCOL_VERSION)),
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
    req = Request("request", PROTOCOL_VERSION, node, to, method, path, now, rand(16), digest(body))
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
    if not value or len(value) > MAX_HEADER or not _B64URL.fullmatch(value):
        raise RequestAuthError("missing, oversized or not unpadded base64url")
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
    """Remembers each caller's nonces for twice the time window.

    Bounded per caller: a caller with ``max_per_caller`` live nonces gets its next
    request refused (``request.replay``) instead of pushing out live entries, so a
    flooding peer can make only its own requests fail, never a replay pass. A node
    keeps the nonces across a restart and gives them back with :meth:`restore`.
    """

    def __init__(self, window: int = WINDOW, max_per_caller: int = 50_000) -> None:
        self.window = window
        self.max_per_caller = max_per_caller
        self._seen: dict[str, OrderedDict[bytes, int]] = {}

    def expiry(self, when: int, now: int) -> int:
        """Until when a nonce of a request signed at ``when`` and received at ``now``
        is remembered."""
        return max(when, now) + 2 * self.window

    def check_and_remember(self, caller: str, nonce: bytes, when: int, now: int) -> None:
        seen = self._seen.setdefault(caller, OrderedDict())
        while seen and next(iter(seen.values())) < now:
            seen.popitem(last=False)
        if nonce in seen:
            raise RequestReplayError(caller)
        if len(seen) >= self.max_per_caller:
            raise RequestReplayError(f"{caller}: too many requests in the time window")
        seen[nonce] = self.expiry(when, now)

    def restore(self, caller: str, nonce: bytes, expires: int) -> None:
        """Remember a nonce accepted before (a node's restart reloads them, oldest
        expiry first); the per-caller bound does not apply."""
        self._seen.setdefault(caller, OrderedDict())[nonce] = expires

    def __len__(self) -> int:
        return sum(len(s) for s in self._seen.values())


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
