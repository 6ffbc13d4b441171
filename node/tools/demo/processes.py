"""The six ``casusnet run`` processes of a demo, and how to reach them and the TUI."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import node as node_package
import node.tools.demo.procfs as procfs
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


REAP_EVERY = 0.5  # seconds between looks at the demo's node processes

#: the demo's own process id while it runs its nodes, in the demo folder
DEMO_PID = "demo.pid"


@dataclass
class Stopped:
    """What ``Federation.stop`` stopped: the demo's own nodes, nodes found on the
    demo's sockets and ports (restarted by hand), and what would not stop."""

    started: list[str] = field(default_factory=list)  # nodes this demo started
    by_hand: list[procfs.Holder] = field(default_factory=list)
    left: list[procfs.Holder] = field(default_factory=list)  # still running


class Federation:
    """The six ``casusnet run`` processes of a demo (none when attached).

    A node that exits is reaped at once (no zombie); ``stop`` stops the demo's own
    processes and whatever node answers on the demo's sockets and ports."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[IO[bytes]] = []
        self._reaping = threading.Event()
        self._reaper: threading.Thread | None = None

    def _reap(self) -> None:
        """Wait for every node that exits (Popen.poll reaps it), until ``stop``."""
        while not self._reaping.wait(REAP_EVERY):
            for proc in list(self.procs.values()):
                proc.poll()

    def start(self) -> None:
        self._reaping.clear()
        self._reaper = threading.Thread(target=self._reap, name="demo-reaper", daemon=True)
        self._reaper.start()
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

    def stop(self) -> Stopped:
        """SIGTERM, wait, then SIGKILL, for the demo's own nodes and any other node
        on the demo's sockets and ports; never interrupted by a second Ctrl-C.
        Returns what was stopped and what still runs."""
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        report = Stopped()
        try:
            self._reaping.set()
            ours = {proc.pid for proc in self.procs.values()}
            report.started = [n for n, p in self.procs.items() if p.poll() is None]
            others = [h for h in procfs.holders(self.directory) if h.pid not in ours]
            report.by_hand = [h for h in others if h.is_node]
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            still = procfs.stop_pids([h.pid for h in report.by_hand], STOP_TIMEOUT)
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            report.left = [h for h in report.by_hand if h.pid in still]
            report.left += [h for h in others if not h.is_node]  # not ours to stop
            self._remove_stale_sockets()
            self.procs.clear()
            for log in self.logs:
                log.close()
            self.logs.clear()
        finally:
            signal.signal(signal.SIGINT, old)
        return report

    def _remove_stale_sockets(self) -> None:
        """A node that is gone leaves its socket file behind; one that answers keeps it."""
        for address in procfs.addresses(self.directory):
            if not _api_answers(address.socket, timeout=0.5):
                with contextlib.suppress(FileNotFoundError):
                    address.socket.unlink()


def _stop_with_parent() -> None:
    """Linux: a node gets SIGTERM when the demo dies without stopping it (SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _api_answers(path: Path, timeout: float = 2) -> bool:
    try:
        ApiClient(path, timeout=timeout).get("/v1/me")
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


def demo_running(directory: Path) -> int | None:
    """The pid of another demo that runs its nodes from ``directory``, or None."""
    try:
        pid = int((directory / DEMO_PID).read_text().strip())
    except (OSError, ValueError):
        return None
    if pid == os.getpid() or not procfs.alive(pid):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid  # no /proc: the pid file is all there is to go by
    return pid if b"demo" in cmdline else None


def mark_running(directory: Path) -> None:
    (directory / DEMO_PID).write_text(f"{os.getpid()}\n")


def unmark_running(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if (directory / DEMO_PID).read_text().strip() == str(os.getpid()):
            (directory / DEMO_PID).unlink()


def leftovers(directory: Path) -> list[procfs.Holder]:
    """Processes on the demo's sockets and ports while no demo runs from it."""
    return procfs.holders(directory)
