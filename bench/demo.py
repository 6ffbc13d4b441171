"""How fast the demo is: to the chair's first TUI screen, and a whole headless meeting.

(a) From launching ``casusnet demo --reuse`` (the environment and the demo exist) to
the chair's TUI showing its login screen (the word "Inloggen"), in a detached tmux
session of 100x30 polled every 20 ms with ``tmux capture-pane -p``. Then Ctrl-C (and
``q`` if the TUI is still there) and a check that every node has stopped. Target:
under 5 s. When the TUI has not landed yet, the demo says so; that is reported, with
the time until the six nodes answered.

(b) ``casusnet demo --headless`` in a fresh folder: the set-up, the start of six nodes
and the meeting (convene to the last closed receipt) are timed apart. Target for the
meeting: under 10 s.

Last line: ``RESULT demo_first_screen_s=... headless_meeting_s=...`` (``NA`` for a
figure that could not be measured).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASUSNET = [sys.executable, "-m", "node.tools.cli"]
FIRST_SCREEN = "Inloggen"
NO_TUI = "nog niet beschikbaar"
READY = re.compile(r"zes nodes draaien \(([\d.]+) s\)")


def env() -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(ROOT)}
    e.pop("CASUSNET_DATA", None)
    return e


def node_processes(directory: Path) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        if f"{directory}/" in cmdline and " run" in cmdline and "State:\tZ" not in status:
            pids.append(int(proc.name))
    return pids


class Tmux:
    """A private tmux server (its own socket), so no user session is touched."""

    def __init__(self) -> None:
        self.socket = f"casusnet-bench-{os.getpid()}"
        self.session = "demo"

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        ).stdout

    def start(self, command: str) -> None:
        subprocess.run(
            [
                "tmux",
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                self.session,
                "-x",
                "100",
                "-y",
                "30",
                command,
            ],
            check=True,
            env=env(),
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def close(self) -> None:
        self.run("kill-server")


def first_screen(base: Path) -> tuple[str, str]:
    """(figure, note) for (a)."""
    directory = base / "reuse"
    subprocess.run(
        [*CASUSNET, "demo", "--setup-only", "--dir", str(directory)],
        check=True,
        capture_output=True,
        env=env(),
        cwd=ROOT,
    )
    if shutil.which("tmux") is None:
        return "NA", "tmux is not installed"
    command = " ".join(
        shlex.quote(p) for p in [*CASUSNET, "demo", "--reuse", "--dir", str(directory)]
    )
    # keep the pane after the demo ends, to read what it said
    tmux = Tmux()
    start = time.monotonic()
    tmux.start(f"cd {shlex.quote(str(ROOT))} && {command}; echo DEMO-EXIT $?; sleep 600")
    try:
        figure, note, screen = "NA", "", ""
        deadline = start + 60
        while time.monotonic() < deadline:
            screen = tmux.screen()
            if FIRST_SCREEN in screen:
                figure = f"{time.monotonic() - start:.2f}"
                break
            if NO_TUI in screen or "DEMO-EXIT" in screen:
                ready = READY.search(screen)
                note = (
                    "the TUI is not on main yet (`casusnet tui` is missing); the six nodes "
                    f"answered after {ready.group(1) if ready else '?'} s of "
                    f"{time.monotonic() - start:.2f} s"
                )
                break
            time.sleep(0.02)
        else:
            note = "no first screen within 60 s:\n" + screen
        # stop: Ctrl-C, then q, then Ctrl-Q for a TUI that is still there
        for keys in (["C-c"], ["q"], ["C-q"]):
            tmux.keys(*keys)
            until = time.monotonic() + 5
            while time.monotonic() < until and "DEMO-EXIT" not in tmux.screen():
                time.sleep(0.05)
            if "DEMO-EXIT" in tmux.screen():
                break
        until = time.monotonic() + 15
        while node_processes(directory) and time.monotonic() < until:
            time.sleep(0.1)
        left = node_processes(directory)
        exited = "DEMO-EXIT" in tmux.screen()
        stop = "every node stopped" if not left and exited else f"NOT stopped: {left}"
        note = (note + "; " if note else "") + stop
        return figure, note
    finally:
        tmux.close()


def headless(base: Path) -> tuple[str, str]:
    directory = base / "headless"
    start = time.monotonic()
    result = subprocess.run(
        [*CASUSNET, "demo", "--headless", "--lang", "nl", "--dir", str(directory)],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
        timeout=300,
    )
    wall = time.monotonic() - start
    if result.returncode != 0:
        return "NA", f"the headless demo failed ({result.returncode}):\n{result.stdout}"
    setup = re.search(r"demo aangemaakt in .* \(([\d.]+) s\)", result.stdout)
    ready = READY.search(result.stdout)
    meeting = re.search(r"casusoverleg in ([\d.]+) s", result.stdout)
    if not (setup and ready and meeting):
        return "NA", f"unexpected output:\n{result.stdout}"
    note = (
        f"set-up {setup.group(1)} s, six nodes up {ready.group(1)} s, "
        f"meeting {meeting.group(1)} s, whole command {wall:.1f} s"
    )
    return meeting.group(1), note


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cnbench-") as tmp:
        base = Path(tmp)
        screen, screen_note = first_screen(base)
        print(f"(a) demo --reuse to the chair's first TUI screen: {screen} s ({screen_note})")
        meeting, meeting_note = headless(base)
        print(f"(b) demo --headless: {meeting_note}")
    print(f"RESULT demo_first_screen_s={screen} headless_meeting_s={meeting}")


if __name__ == "__main__":
    main()
