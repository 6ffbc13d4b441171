"""`casusnet tui` in a real terminal: tmux, send-keys to log in, capture-pane to read."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import ROOT, Cluster
from tuikit import passphrase

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(
        tmp_path_factory.mktemp("term"), {"gemeente": "gemeente", "politie": "politie"}
    )
    cluster.setup()
    cluster.start_all()
    try:
        cluster.add_staff("gemeente", "anna", "aandachtsfunctionaris radicalisering")
        cluster.login("gemeente", "anna")
        cluster.cli("gemeente", "room", "convene", "--case", "RAD-2026-077", "--bases", "pga-r")
        yield cluster
    finally:
        cluster.stop_all()


def capture(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
    ).stdout


def wait_for(session: str, text: str, within: float = 20) -> str:
    deadline = time.monotonic() + within
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not on the terminal; it shows:\n{screen}")


def start_tui(data: Path) -> str:
    """``casusnet tui`` for the node at ``data`` in a new tmux session at 80x24; its name."""
    session = f"casusnet-{uuid.uuid4().hex[:8]}"
    command = f"{sys.executable} -m node.tools.cli tui --node {data}"
    env = ["-e", f"PYTHONPATH={ROOT}", "-e", "TERM=xterm-256color"]
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", *env, command],
        check=True,
        cwd=ROOT,
    )
    return session


def test_log_in_and_read_the_rooms_in_a_real_terminal(pair: Cluster) -> None:
    data: Path = pair.data("gemeente")
    session = start_tui(data)
    try:
        wait_for(session, "Wachtwoordzin")
        subprocess.run(["tmux", "send-keys", "-t", session, "anna", "Enter"], check=True)
        time.sleep(0.3)
        subprocess.run(
            ["tmux", "send-keys", "-t", session, passphrase("anna"), "Enter"], check=True
        )
        screen = wait_for(session, "RAD-2026-077")
        assert "Mijn casussen" in screen
        assert "intake" in screen
        assert passphrase("anna") not in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = subprocess.run(["tmux", "has-session", "-t", session], capture_output=True)
            if alive.returncode != 0:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the TUI did not quit on Ctrl+Q")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
