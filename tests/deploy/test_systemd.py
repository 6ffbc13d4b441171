"""The systemd unit, sysusers and tmpfiles snippets in deploy/systemd/.

`systemd-analyze verify` and `systemd-analyze security --offline` check the unit where
systemd's tools exist (they need no running systemd); elsewhere those tests skip. The
directive checks and the credential hand-over to the node run everywhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from node.config import Config
from node.store import keystore

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
UNIT = SYSTEMD / "casusnet@.service"
INSTANCE = "gemeente"
MAX_EXPOSURE = 2.0  # systemd-analyze security: 0 is fully locked down, 10 is wide open


def directives(path: Path) -> dict[str, list[str]]:
    """``Key=value`` lines of a unit (keys may repeat, as systemd allows)."""
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def one(unit: dict[str, list[str]], key: str) -> str:
    values = unit.get(key, [])
    assert len(values) == 1, f"{key}= should be set once, is {values}"
    return values[0]


def unit_copy(tmp_path: Path) -> Path:
    """The unit with ExecStart's program replaced by one that exists on this machine."""
    text = UNIT.read_text()
    program = re.search(r"^ExecStart=(\S+)", text, re.M)
    assert program is not None
    text = text.replace(f"ExecStart={program.group(1)}", f"ExecStart={sys.executable}", 1)
    copy = tmp_path / UNIT.name
    copy.write_text(text)
    return tmp_path / UNIT.name.replace("@", f"@{INSTANCE}")


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed here (systemd's tools are needed for this check)")
    return path


# --- the hardening, read from the file ------------------------------------------------------


def test_unit_runs_as_the_dedicated_user_with_a_locked_down_sandbox() -> None:
    unit = directives(UNIT)
    assert one(unit, "User") == "casusnet"
    assert one(unit, "Group") == "casusnet"
    assert one(unit, "DynamicUser") == "no"
    expected = {
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "NoNewPrivileges": "yes",
        "CapabilityBoundingSet": "",
        "AmbientCapabilities": "",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
        "MemoryDenyWriteExecute": "yes",
        "UMask": "0077",
        "RestrictSUIDSGID": "yes",
        "LockPersonality": "yes",
        "SystemCallArchitectures": "native",
    }
    for key, value in expected.items():
        assert one(unit, key) == value, key
    assert "@system-service" in unit["SystemCallFilter"]


def test_the_node_may_write_only_its_own_data_dir() -> None:
    unit = directives(UNIT)
    start = one(unit, "ExecStart").split()
    data = start[start.index("--data") + 1]
    assert start[-1] == "run"
    assert data == "/var/lib/casusnet/%i"
    assert unit["ReadWritePaths"] == [data]


def test_the_credential_the_unit_loads_is_the_one_the_node_reads(tmp_path: Path) -> None:
    """LoadCredential=ID:... puts the key at $CREDENTIALS_DIRECTORY/ID; the node must use it."""
    name, _, source = one(directives(UNIT), "LoadCredential").partition(":")
    assert source.startswith("/etc/credstore/casusnet/")
    creds = tmp_path / "credentials"
    creds.mkdir()
    key = os.urandom(32)
    (creds / name).write_text(key.hex() + "\n")
    config = Config(
        data_dir=tmp_path,
        node_id=INSTANCE,
        org="gemeente",
        listen_host="127.0.0.1",
        listen_port=8443,
        public_url="https://gemeente.example",
        authority=bytes(32),
        roster_path=tmp_path / "roster.msgpack",
        master_file=tmp_path / "no-such-master.key",  # moved out of the data dir
    )
    old = os.environ.get("CREDENTIALS_DIRECTORY")
    os.environ["CREDENTIALS_DIRECTORY"] = str(creds)
    try:
        assert keystore.load_master(config).key == key
    finally:
        if old is None:
            del os.environ["CREDENTIALS_DIRECTORY"]
        else:
            os.environ["CREDENTIALS_DIRECTORY"] = old


# --- systemd's own checks ----------------------------------------------------------------------


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    instance = unit_copy(tmp_path)
    result = subprocess.run(
        [analyze, "verify", str(instance)], capture_output=True, text=True, timeout=60
    )
    # unknown or misspelt keys are only warnings: any line about our unit fails the test
    about_us = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert result.returncode == 0, result.stderr
    assert about_us == []


def test_systemd_analyze_security_rates_the_unit_well_protected(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    instance = unit_copy(tmp_path)
    result = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(instance)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "--offline" in result.stderr or "unrecognized option" in result.stderr:
        pytest.skip("this systemd-analyze cannot rate a unit offline (systemd < 252)")
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout + result.stderr)
    assert found is not None, result.stdout + result.stderr
    assert float(found.group(1)) <= MAX_EXPOSURE, result.stdout


def test_sysusers_and_tmpfiles_create_the_user_and_the_data_dir(tmp_path: Path) -> None:
    sysusers = tool("systemd-sysusers")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    subprocess.run(
        [sysusers, f"--root={root}", str(SYSTEMD / "casusnet.sysusers.conf")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    passwd = (root / "etc" / "passwd").read_text().splitlines()
    entry = next(line.split(":") for line in passwd if line.startswith("casusnet:"))
    uid, home, shell = int(entry[2]), entry[5], entry[6]
    assert 0 < uid < 1000  # a system user
    assert (home, shell) == ("/var/lib/casusnet", "/usr/sbin/nologin")
    if os.geteuid() != 0:
        pytest.skip("systemd-tmpfiles needs root to hand the data dir to the casusnet user")
    tmpfiles = tool("systemd-tmpfiles")
    subprocess.run(
        [tmpfiles, f"--root={root}", "--create", str(SYSTEMD / "casusnet.tmpfiles.conf")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    data = (root / "var" / "lib" / "casusnet").stat()
    assert data.st_uid == uid
    assert data.st_mode & 0o7777 == 0o750
    creds = (root / "etc" / "credstore" / "casusnet").stat()
    assert (creds.st_uid, creds.st_mode & 0o7777) == (0, 0o700)
