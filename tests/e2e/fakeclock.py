"""Shift a node process's real wall clock, as NTP trouble would, with Debian's libfaketime.

The node runs with ``LD_PRELOAD`` of libfaketime and reads its offset from a file on
every clock call (``FAKETIME_NO_CACHE``), so a test moves the clock of a running
process by rewriting that file. The monotonic clock is left alone
(``FAKETIME_DONT_FAKE_MONOTONIC``), as a real clock step leaves it alone: that is
what lets a test tell a retry timed by the wall clock from one timed by durations.

Under this setting ``time.sleep`` fails with EINVAL in the shifted process; the node
daemon never calls it (asyncio and SQLite's busy handler work).
"""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

_CANDIDATES = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    "/usr/lib/faketime/libfaketime.so.1",
)


def library() -> str | None:
    """The libfaketime shared object, or ``None`` when faketime is not installed."""
    for path in _CANDIDATES:
        if Path(path).exists():
            return path
    found = glob.glob("/usr/lib/*/faketime/libfaketime.so.1")
    return found[0] if found else None


def available() -> bool:
    return library() is not None and shutil.which("faketime") is not None


class FakeClock:
    """One process's clock offset, kept in ``path``; ``env`` goes to the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.set(0)

    @property
    def env(self) -> dict[str, str]:
        lib = library()
        if lib is None:
            raise RuntimeError("libfaketime is not installed (apt-get install faketime)")
        return {
            "LD_PRELOAD": lib,
            "FAKETIME_TIMESTAMP_FILE": str(self.path),
            "FAKETIME_NO_CACHE": "1",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        }

    def set(self, seconds: int) -> None:
        """Put the process's wall clock ``seconds`` away from the real time (a step)."""
        self.offset = int(seconds)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(f"{self.offset:+d}\n")
        tmp.replace(self.path)  # a reader never sees a half-written file
