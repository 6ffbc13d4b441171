"""`casusnet demo`: six real node processes, a headless meeting, reuse and Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster import CASUSNET, ROOT

NODES = ("gemeente", "politie", "om", "zvh", "reclassering", "ggz")


def env() -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(ROOT)}
    e.pop("CASUSNET_DATA", None)
    return e


def demo(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CASUSNET, "demo", *args],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def processes_of(directory: Path) -> list[int]:
    """Live processes whose command line names the demo folder."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (proc / "status").read_text()
        except OSError:
            continue
        if str(directory) in cmdline and "State:\tZ" not in status:
            pids.append(int(proc.name))
    return pids


@pytest.mark.slow
def test_headless_meeting_then_a_reuse(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    result = demo("--headless", "--dir", str(directory))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "alles bevestigd" in out
    assert "FAIL" not in out
    # the case starts with a melding and reclassering's aanmelding, and the intake decides
    for step in (
        "register van meldingen",
        "reclassering meldt",
        "eensluidende beoordeling",
        "verzamelen (art. 5 lid 4)",
        "samenstelling: reclassering als deelnemer",
    ):
        assert step in out, step
    # the summary: every share delivered to and deleted at all its recipients ...
    found = re.findall(r"^  [0-9a-f]{8} +(\w+) +(\S+) +(\S+) +(\d+)/(\d+) +(\d+)/(\d+)$", out, re.M)
    assert len(found) == 7, out  # two in the intake, then one from every supplier
    assert [(s, b, r) for s, b, r, *_ in found[:2]] == [
        ("gemeente", "pga-r", "om,politie"),  # the analyse: signalen among the three
        ("politie", "wpg-20", "gemeente,om"),  # verzamelen: after the beoordeling
    ]
    rows = {m[0]: (m[1], *m[3:]) for m in found}  # the casusoverleg's, by sender
    assert set(rows) == set(NODES) - {"zvh"}  # the ZVH is not at this table
    assert rows["politie"][0] == "wpg-20"
    assert rows["om"][0] == "wjsg-39fb"
    for _, _, _, delivered, n1, deleted, n2 in found:
        assert delivered == n1 == deleted == n2, out
    assert rows["gemeente"][2] == "4"
    assert rows["ggz"][2] == "3"
    # ... and every node at the table holds the closed receipts of the four others
    closed = re.findall(r"^  (\w+) +closed +(\d+)/(\d+)$", out, re.M)
    assert {(n, "4", "4") for n in NODES if n != "zvh"} == set(closed)
    # the passphrases are not printed in headless mode
    state = json.loads((directory / "demo.json").read_text())
    assert oct((directory / "demo.json").stat().st_mode & 0o777) == "0o600"
    for doc in state["nodes"].values():
        assert doc["passphrase"] not in out + result.stderr
    assert not processes_of(directory)
    assert not list(directory.glob("*/api.sock"))

    again = demo("--headless", "--reuse", "--lang", "en", "--dir", str(directory))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "existing demo" in again.stdout
    assert re.search(r"casusoverleg RAD-\d{4}-002", again.stdout)
    assert "everything confirmed" in again.stdout
    assert not processes_of(directory)


@pytest.fixture(autouse=True)
def no_node_left_behind(tmp_path: Path) -> Iterator[None]:
    """Whatever a failed test left running under its folder is stopped."""
    yield
    for pid in processes_of(tmp_path):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop_leftovers(proc: subprocess.Popen[str], directory: Path) -> None:
    """After a failed test: let the demo stop its nodes, else stop them here."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for pid in processes_of(directory):  # the nodes run in a session of their own
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_ctrl_c_stops_every_node(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    proc = subprocess.Popen(
        [*CASUSNET, "demo", "--no-tui", "--dir", str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env(),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:
            seen.append(line)
            if "Ctrl-C" in line:
                break
        else:
            pytest.fail("the demo ended before its nodes ran:\n" + "".join(seen))
        assert "casusnet tui --node" in "".join(seen)
        nodes = [p for p in processes_of(directory) if p != proc.pid]
        assert len(nodes) == 6, nodes
        assert len(list(directory.glob("*/api.sock"))) == 6

        # a running demo is not deleted under its nodes, nor started twice
        refused = demo("--reset", "--headless", "--dir", str(directory))
        assert refused.returncode == 1
        assert "[demo.failed]" in refused.stderr
        assert (directory / "demo.json").exists()
        twice = demo("--reuse", "--headless", "--dir", str(directory))
        assert twice.returncode == 1

        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    finally:
        stop_leftovers(proc, directory)
    assert proc.returncode == 130, rest
    assert "alle nodes gestopt" in rest
    assert not processes_of(directory)
    assert not list(directory.glob("*/api.sock"))


@pytest.mark.slow
def test_setup_only_with_addresses(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    addrs = [f"--addr={n}=10.77.0.{i + 2}:7001" for i, n in enumerate(NODES)]
    # an address missing: refused before anything is created
    short = demo("--setup-only", "--dir", str(directory), *addrs[:-1])
    assert short.returncode == 1
    assert "missing ggz" in short.stderr
    assert not directory.exists()

    done = demo("--setup-only", "--dir", str(directory), *addrs)
    assert done.returncode == 0, done.stderr
    state = json.loads((directory / "demo.json").read_text())
    assert state["nodes"]["ggz"]["url"] == "http://10.77.0.7:7001"
    assert state["nodes"]["ggz"]["passphrase"] not in done.stdout
    shown = subprocess.run(
        [*CASUSNET, "--json", "roster", "show", str(directory / "roster.msgpack")],
        capture_output=True,
        text=True,
        env=env(),
        cwd=ROOT,
        check=True,
    )
    urls = {m["node"]: m["url"] for m in json.loads(shown.stdout)["members"]}
    assert urls == {n: f"http://10.77.0.{i + 2}:7001" for i, n in enumerate(NODES)}
    assert 'listen = "10.77.0.3:7001"' in (directory / "politie" / "casusnet.toml").read_text()
    # a folder that is not a demo is never deleted
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    refused = demo("--reset", "--setup-only", "--dir", str(other))
    assert refused.returncode == 1
    assert (other / "keep.txt").exists()
    assert not processes_of(directory)


def test_a_demo_is_not_attached_where_none_exists(tmp_path: Path) -> None:
    start = time.monotonic()
    result = demo("--headless", "--attach", "--dir", str(tmp_path / "none"))
    assert result.returncode == 1
    assert "[demo.failed]" in result.stderr
    assert time.monotonic() - start < 30


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux for a terminal")
def test_the_chair_tui_opens_and_quitting_it_stops_every_node(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    socket = f"casusnet-test-{os.getpid()}"
    tmux = ["tmux", "-L", socket]
    command = " ".join(shlex.quote(p) for p in [*CASUSNET, "demo", "--dir", str(directory)])
    subprocess.run(
        [
            *tmux,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "demo",
            "-x",
            "100",
            "-y",
            "30",
            f"cd {shlex.quote(str(ROOT))} && {command}; echo DEMO-EXIT $?; sleep 600",
        ],
        check=True,
        env=env(),
    )

    def screen() -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "demo"], capture_output=True, text=True
        ).stdout

    def until(what: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = screen()
            if what in text:
                return text
            time.sleep(0.1)
        pytest.fail(f"no {what!r} on the screen:\n{screen()}")

    try:
        login = until("Wachtwoordzin")  # the chair's TUI, at its login screen
        assert "gemeente" in login
        assert len([p for p in processes_of(directory) if " run" in _cmdline(p)]) == 6
        subprocess.run([*tmux, "send-keys", "-t", "demo", "C-q"], check=True)
        after = until("DEMO-EXIT")
        assert "DEMO-EXIT 0" in after
        assert "wachtwoord-van-anna" in after  # the accounts table, back after the TUI
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
    assert not [p for p in processes_of(directory) if " run" in _cmdline(p)]
    assert not list(directory.glob("*/api.sock"))


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
