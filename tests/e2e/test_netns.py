"""deploy/netns/run.sh: the demo meeting with every node in its own network namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cluster import ROOT

pytestmark = pytest.mark.slow

SCRIPT = ROOT / "deploy" / "netns" / "run.sh"


def netns_unavailable() -> str | None:
    """Why this machine cannot run the script, or None."""
    if sys.platform != "linux":
        return "network namespaces are Linux only"
    if os.geteuid() != 0:
        return "needs root (network namespaces, veths, a bridge)"
    if shutil.which("ip") is None:
        return "needs iproute2 (ip)"
    probe = f"cnprobe{os.getpid()}"
    added = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if added.returncode != 0:
        return f"ip netns add failed: {added.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], check=False)
    bridge = subprocess.run(
        ["ip", "link", "add", f"{probe}b", "type", "bridge"], capture_output=True, text=True
    )
    if bridge.returncode != 0:
        return f"cannot create a bridge: {bridge.stderr.strip()}"
    subprocess.run(["ip", "link", "del", f"{probe}b"], check=False)
    return None


def leftovers(prefix: str) -> list[str]:
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return [line for line in (names + links).splitlines() if prefix in line]


def test_the_meeting_across_six_network_namespaces(tmp_path: Path) -> None:
    reason = netns_unavailable()
    if reason:
        pytest.skip(reason)
    directory = tmp_path / "netns-demo"
    env = {**os.environ, "CASUSNET_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)  # the script puts its own source tree first
    proc = subprocess.Popen(
        [str(SCRIPT), str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    out, err = proc.communicate(timeout=180)
    if proc.returncode == 77:
        pytest.skip(err.strip())
    assert proc.returncode == 0, out + err
    prefix = f"cn{proc.pid}"
    assert f"namespaces {prefix}-ns-" in err
    assert "alles bevestigd" in out
    # the nodes listened on the namespaces' addresses, not on loopback
    assert 'listen = "10.50.0.3:7001"' in (directory / "politie" / "casusnet.toml").read_text()
    assert "http://10.50.0.2:7001" in (directory / "demo.json").read_text()
    # everything the script made is gone: nodes, sockets, namespaces, veths, bridge
    assert leftovers(prefix) == []
    assert not list(directory.glob("*/api.sock"))
    running = subprocess.run(["pgrep", "-f", str(directory)], capture_output=True, text=True)
    assert running.stdout == ""


def test_a_failed_meeting_still_tears_everything_down(tmp_path: Path) -> None:
    """The meeting fails (a node's data dir is not there); the trap still cleans up."""
    reason = netns_unavailable()
    if reason:
        pytest.skip(reason)
    directory = tmp_path / "broken"
    env = {**os.environ, "CASUSNET_PYTHON": sys.executable, "NETNS_SUBNET": "10.51.0"}
    env.pop("PYTHONPATH", None)
    # an occupied DIR that is not a demo: the set-up refuses it, after the network exists
    directory.mkdir()
    (directory / "keep.txt").write_text("not a demo")
    proc = subprocess.run(
        [str(SCRIPT), str(directory)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    if proc.returncode == 77:
        pytest.skip(proc.stderr.strip())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "set-up failed" in proc.stderr
    assert (directory / "keep.txt").exists()
    prefix = "namespaces cn"
    started = [line for line in proc.stderr.splitlines() if prefix in line]
    assert started, proc.stderr
    run_prefix = started[0].split(prefix, 1)[1].split("-ns-", 1)[0]
    assert leftovers(f"cn{run_prefix}") == []
