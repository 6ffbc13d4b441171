"""The demo keeps track of its nodes: one that exits is reaped (no zombie), one restarted
by hand is stopped with the rest and named so, a node left running from an earlier demo
is stopped (and said so) before the next start, a second demo from the same folder is
pointed at ``--attach``, and no option is taken by its prefix."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.tools.cli import parser
from node.tools.demo import clear_the_way, procfs, said_stopped
from node.tools.demo.folder import DemoError, setup
from node.tools.demo.processes import CASUSNET, DEMO_PID, Federation, _api_answers, node_env


def test_no_option_is_taken_by_its_prefix() -> None:
    for argv in (["demo", "--headles"], ["--js", "demo"], ["demo", "--att"]):
        with pytest.raises(SystemExit) as exc:
            parser().parse_args(argv)
        assert exc.value.code == 2
    assert parser().parse_args(["demo", "--headless"]).headless is True


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-procs") / "demo"
    setup(folder)
    return folder


def by_hand(directory: Path, node: str) -> subprocess.Popen[bytes]:
    """``casusnet --data demo/<node> run`` in another terminal, as a person would."""
    proc = subprocess.Popen(
        [*CASUSNET, "--data", str(directory / node), "run"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=node_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not _api_answers(directory / node / "api.sock"):
        assert proc.poll() is None, f"{node} did not start"
        assert time.monotonic() < deadline, f"{node} did not answer"
        time.sleep(0.05)
    return proc


@pytest.fixture
def cleanup(directory: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    procfs.stop_pids([h.pid for h in procfs.holders(directory) if h.is_node], 5)


def args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"lang": "nl", "headless": False, **kw})


@pytest.mark.slow
def test_an_exited_node_is_reaped_and_one_restarted_by_hand_is_stopped_too(
    directory: Path, cleanup: list[subprocess.Popen[bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    federation = Federation(directory)
    federation.start()
    try:
        federation.wait_ready(60)
        politie = federation.procs["politie"]
        os.kill(politie.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{politie.pid}").exists():  # a zombie keeps its /proc entry
            assert time.monotonic() < deadline, "the stopped node stays a zombie"
            time.sleep(0.05)

        hand = by_hand(directory, "politie")
        cleanup.append(hand)
    finally:
        report = federation.stop()
    assert hand.wait(timeout=15) is not None  # stopped with the demo's own nodes
    assert [(h.node, h.pid) for h in report.by_hand] == [("politie", hand.pid)]
    assert not report.left
    said = " ".join(said_stopped(report, "nl").split())  # wrapped to the terminal
    assert "alle nodes gestopt" in said
    assert f"politie (met de hand gestart, pid {hand.pid})" in said
    assert not procfs.holders(directory)
    assert not list(directory.glob("*/api.sock"))


@pytest.mark.slow
def test_a_node_left_running_is_stopped_before_the_next_start(
    directory: Path, cleanup: list[subprocess.Popen[bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    left = by_hand(directory, "om")
    cleanup.append(left)
    clear_the_way(args(), directory)
    assert left.wait(timeout=15) is not None
    out = capsys.readouterr().out
    assert f"achtergebleven demo-nodes gestopt: om (pid {left.pid})" in out
    port = next(a.port for a in procfs.addresses(directory) if a.node == "om")
    assert not procfs.port_taken(port)  # the next demo's om can listen


@pytest.mark.slow
def test_a_second_demo_is_pointed_at_attach(
    directory: Path, cleanup: list[subprocess.Popen[bytes]]
) -> None:
    # a running demo (``make demo`` in another terminal) and its pid file
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "demo"])
    cleanup.append(running)  # type: ignore[arg-type]
    (directory / DEMO_PID).write_text(f"{running.pid}\n")
    try:
        with pytest.raises(DemoError, match="--attach"):
            clear_the_way(args(headless=True), directory)
        with pytest.raises(DemoError, match="draait al"):
            clear_the_way(args(), directory)
        running.kill()
        running.wait()
        clear_the_way(args(headless=True), directory)  # a stale pid file is no demo
    finally:
        (directory / DEMO_PID).unlink()
