"""The six ``casusnet run`` processes of a demo, and how to reach them and the TUI."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import node as node_package
from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.tools.demo.folder import NODES, DemoError

#: the source tree the node processes run (the folder that holds ``node/``)
ROOT = Path(node_package.__file__).resolve().parents[1]
CASUSNET = [sys.executable, "-m", "node.tools.cli"]
STOP_TIMEOUT = 10.0

# Shortened timers, so that delivery and closure in the demo are prompt (as in the
# federation tests).
FAST = {
    "CASUSNET_BACKOFF_BASE": "0.2",
    "CASUSNET_BACKOFF_CAP": "1.0",
    "CASUSNET_RETENTION_EVERY": "0.5",
}


def node_env() -> dict[str, str]:
    env = {**os.environ, **FAST}
    env.pop("CASUSNET_DATA", None)
    # the node processes run this very source tree
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


class Federation:
    """The six ``casusnet run`` processes of a demo (none when attached)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[IO[bytes]] = []

    def start(self) -> None:
        env = node_env()
        for node in NODES:
            data = self.directory / node
            log = open(data / "node.log", "ab")  # noqa: SIM115 (closed in stop)
            self.logs.append(log)
            self.procs[node] = subprocess.Popen(
                [*CASUSNET, "--data", str(data), "run"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                cwd=str(self.directory),
                # a session of its own: Ctrl-C at the terminal reaches the demo (and the
                # TUI), which then stops the nodes in order
                start_new_session=True,
                preexec_fn=_stop_with_parent,
            )

    def wait_ready(self, timeout: float) -> None:
        """Until every node's local API answers."""
        deadline = time.monotonic() + timeout
        waiting = list(NODES)
        while waiting:
            for node in list(waiting):
                proc = self.procs.get(node)
                if proc is not None and proc.poll() is not None:
                    raise DemoError(
                        f"{node} stopped at start-up (exit {proc.returncode}); "
                        f"see {self.directory / node / 'node.log'}"
                    )
                if _api_answers(self.directory / node / "api.sock"):
                    waiting.remove(node)
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise DemoError(f"no answer from {', '.join(waiting)} after {timeout:.0f} s")
            time.sleep(0.02)

    def stop(self) -> None:
        """SIGTERM, wait, then SIGKILL; never interrupted by a second Ctrl-C."""
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for node in self.procs:
                # a node that is gone leaves its socket file behind
                with contextlib.suppress(FileNotFoundError):
                    (self.directory / node / "api.sock").unlink()
            self.procs.clear()
            for log in self.logs:
                log.close()
            self.logs.clear()
        finally:
            signal.signal(signal.SIGINT, old)


def _stop_with_parent() -> None:
    """Linux: a node gets SIGTERM when the demo dies without stopping it (SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _api_answers(path: Path) -> bool:
    try:
        ApiClient(path, timeout=2).get("/v1/me")
    except ApiError:
        return True  # 401 without a session: the API is up
    except NodeUnreachable:
        return False
    return True


def tui_command() -> str:
    """How to call ``casusnet`` from another terminal: by name when it is on PATH."""
    beside = Path(sys.executable).parent / "casusnet"
    if shutil.which("casusnet") or not beside.exists():
        return "casusnet"
    try:
        return str(beside.relative_to(Path.cwd()))
    except ValueError:
        return str(beside)
