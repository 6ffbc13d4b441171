"""How far this node's clock is from its partners', measured from what they answer.

Every federation response carries ``Casusnet-Time``: the answering node's clock,
in seconds since the epoch with milliseconds, stamped when the answer is made (a
partner without it still sends the HTTP ``Date`` header, to the second). For
each answer the client notes ``peer time - midpoint of the request`` on its own
clock; the node's offset is the median over its partners, negated: positive when
this node runs ahead. A partner that refuses a request as ``request.expired`` is
noted too: then the clock is off whatever the measurements say.

Kept in memory; ``/metrics``, the local API (``clock`` in ``/v1/me``, ``/v1/rooms``
and ``/v1/roster``, shown in the TUI's header) and ``casusnet doctor`` report it.
"""

from __future__ import annotations

import email.utils
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

HEADER = "Casusnet-Time"
TOLERANCE = 30.0
"""Seconds of offset that are reported as a clock that is off (the request window is
120 s and the chain allows 300 s: well before either refuses anything)."""
FRESH = 3600.0
"""Measurements older than this (monotonic seconds) no longer count."""


def peer_time(headers: Mapping[str, str]) -> float | None:
    """The time a partner stamped on its answer, or ``None`` when it carries none."""
    raw = headers.get(HEADER)
    if raw is not None:
        try:
            value = float(raw)
        except ValueError:
            return None
        return value if 0 < value < 1e11 else None
    date = headers.get("Date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return None
    return None


def make_stamp(clock: Callable[[], float]) -> Callable[[web.Request, web.StreamResponse], Any]:
    """An ``on_response_prepare`` hook that stamps every answer with ``clock()``."""

    async def stamp(request: web.Request, response: web.StreamResponse) -> None:
        response.headers[HEADER] = f"{clock():.3f}"

    return stamp


@dataclass
class PeerClock:
    offset: float
    """The partner's clock minus this node's, in seconds."""
    measured: float
    """When (monotonic)."""


@dataclass
class Clocks:
    """The offsets measured against each partner, and who refused us as expired."""

    clock: Callable[[], float] = time.time
    peers: dict[str, PeerClock] = field(default_factory=dict)
    expired_by: set[str] = field(default_factory=set)

    def observe(self, peer: str, sent: float, received: float, theirs: float | None) -> None:
        """An answer from ``peer`` stamped ``theirs``, for a request sent at ``sent`` and
        answered at ``received`` (both on this node's wall clock)."""
        if theirs is None:
            return
        self.peers[peer] = PeerClock(theirs - (sent + received) / 2, time.monotonic())

    def refused_expired(self, peer: str, refused: bool) -> None:
        if refused:
            self.expired_by.add(peer)
        else:
            self.expired_by.discard(peer)

    def offset(self) -> float | None:
        """How far this node's clock is ahead of its partners' (median), if measured."""
        now = time.monotonic()
        fresh = [p.offset for p in self.peers.values() if now - p.measured < FRESH]
        if not fresh:
            return None
        return -statistics.median(fresh)

    def report(self) -> dict[str, Any]:
        """``{"offset": s|None, "peers": n, "off": bool, "expired_by": [...]}``."""
        offset = self.offset()
        off = bool(self.expired_by) or (offset is not None and abs(offset) > TOLERANCE)
        return {
            "offset": None if offset is None else round(offset, 1),
            "peers": len(self.peers),
            "off": off,
            "expired_by": sorted(self.expired_by),
        }
