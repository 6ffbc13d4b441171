"""A token bucket per peer, for the federation endpoints."""

from __future__ import annotations


class RateLimiter:
    """A token bucket per peer."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate, self.burst = rate, burst or 2 * rate
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, peer: str, now: float, factor: float = 1) -> bool:
        burst, rate = self.burst * factor, self.rate * factor
        tokens, last = self._buckets.get(peer, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        if tokens < 1:
            self._buckets[peer] = (tokens, now)
            return False
        self._buckets[peer] = (tokens - 1, now)
        return True
