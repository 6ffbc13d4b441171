"""The plumbing of the headless meeting: a client per node, reported steps, waiting.

:class:`Session` knows nothing of the casusoverleg itself (that is
:mod:`node.tools.demo.script`): it runs a step and reports it in one line, waits
until every node confirms, and runs a call at all nodes at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.tools.demo.texts import STEPS

T = TypeVar("T")
Item = TypeVar("Item")


class StepFailed(Exception):
    def __init__(self, step: str, reason: str) -> None:
        self.step, self.reason = step, reason
        super().__init__(f"{step}: {reason}")


class Progress:
    """One line per step: a check mark (or ``ok``) or a clear failure."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.tty = out.isatty()
        self.lock = threading.Lock()

    def line(self, text: str) -> None:
        with self.lock:
            print(text, file=self.out, flush=True)

    def ok(self, label: str, secs: float) -> None:
        mark = "\033[32m✓\033[0m" if self.tty else "ok  "
        self.line(f"{mark} {label} ({secs:.2f} s)")

    def fail(self, label: str, reason: str) -> None:
        mark = "\033[31m✗\033[0m" if self.tty else "FAIL"
        self.line(f"{mark} {label}: {reason}")


class Session:
    """The demo's nodes seen through their local APIs, for one meeting in ``room``."""

    def __init__(
        self, directory: Path, state: dict[str, Any], out: IO[str], timeout: float, lang: str
    ) -> None:
        self.lang = lang
        self.directory = directory
        self.state = state
        self.progress = Progress(out)
        self.timeout = timeout
        self.api: dict[str, ApiClient] = {}
        self.room = ""

    def say(self, key: str, **fields: Any) -> str:
        return STEPS[key][self.lang == "en"].format(**fields)

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        except StepFailed as exc:
            self.progress.fail(exc.step, exc.reason)
            raise
        except (ApiError, NodeUnreachable) as exc:
            self.progress.fail(label, str(exc))
            raise StepFailed(label, str(exc)) from None
        self.progress.ok(label, time.monotonic() - start)

    def wait(self, label: str, check: Callable[[], T | None]) -> T:
        """Poll ``check`` until it gives something true (a refusal counts as not yet)."""
        deadline = time.monotonic() + self.timeout
        last = ""
        while True:
            try:
                value = check()
                if value:
                    return value
            except ApiError as exc:
                last = f"; last answer: {exc}"
            if time.monotonic() > deadline:
                raise StepFailed(label, f"not confirmed within {self.timeout:.0f} s{last}")
            time.sleep(0.05)

    def wait_members(self, label: str, at: tuple[str, ...], expect: tuple[str, ...]) -> None:
        """Until every node in ``at`` lists every node in ``expect`` as a member."""

        def check() -> bool:
            for node in at:
                try:
                    doc = self.room_at(node)
                except ApiError as exc:
                    if exc.remote_code == "node.forbidden":  # the room has not arrived yet
                        return False
                    raise
                if not set(expect) <= {m["node"] for m in doc["members"]}:
                    return False
            return True

        self.wait(label, check)

    def room_at(self, node: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.api[node].get(f"/v1/rooms/{self.room}")
        return doc

    def parallel(self, fn: Callable[[Item], T], items: tuple[Item, ...] | list[Item]) -> list[T]:
        with ThreadPoolExecutor(len(items)) as pool:
            return list(pool.map(fn, items))


def states(deliveries: dict[str, str]) -> str:
    """A share's delivery states for a message: ``politie delivered, om pending``."""
    return ", ".join(f"{p} {s}" for p, s in sorted(deliveries.items())) or "none"
