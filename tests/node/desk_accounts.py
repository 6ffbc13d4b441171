"""Operating-system accounts for the workstation-access tests (issue 14 point 4).

Root only: the accounts are made with ``useradd`` in a ``casusnet`` group, and code runs
"as" an account in a forked child that drops to its uid (the interpreter and its
imports are already in memory, so the account needs no access to the project's Python).
"""

from __future__ import annotations

import grp
import os
import pickle
import pwd
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from node.config import load, write

GROUP = "casusnet"
ROOT = Path(__file__).parents[2]


def need_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: makes operating-system accounts (CI and the dev box are root)")


@contextmanager
def accounts(*names: str, outside: tuple[str, ...] = ()) -> Iterator[list[str]]:
    """``names`` as OS accounts in the ``casusnet`` group (made when missing), and
    ``outside`` as accounts not in it; removed after, the group only if it was made."""
    had_group = _group_exists()
    if not had_group:
        subprocess.run(["groupadd", GROUP], check=True)
    made = []
    try:
        for name in (*names, *outside):
            subprocess.run(["userdel", "-r", name], capture_output=True)
            extra = ["-G", GROUP] if name in names else []
            subprocess.run(
                ["useradd", "-m", *extra, "-s", "/bin/sh", name], check=True, capture_output=True
            )
            subprocess.run(["usermod", "-p", "*", name], check=True)  # no password, not locked
            made.append(name)
        yield made
    finally:
        for name in made:
            subprocess.run(["userdel", "-r", name], capture_output=True)
        if not had_group:
            subprocess.run(["groupdel", GROUP], capture_output=True)


def _group_exists() -> bool:
    try:
        grp.getgrnam(GROUP)
    except KeyError:
        return False
    return True


def as_account(name: str, fn: Callable[[], Any]) -> Any:
    """``fn()`` run by the OS account ``name`` (a forked child with its uid, gid and
    groups); its result pickled back (``fn`` returns plain values; an exception it
    raises comes back as a RuntimeError naming it)."""
    entry = pwd.getpwnam(name)
    groups = os.getgrouplist(name, entry.pw_gid)
    read, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        try:
            os.close(read)
            os.setgroups(groups)
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)
            try:
                result: Any = ("ok", fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the parent
                result = ("raised", f"{type(exc).__name__}: {exc}")
            with os.fdopen(write_end, "wb") as f:
                pickle.dump(result, f)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data)
    if kind == "raised":
        raise RuntimeError(f"as {name}: {value}")
    return value


def open_place() -> Path:
    """A directory any account may traverse (as ``/run`` and ``/var/lib`` are), unlike
    pytest's private tmp: the node's data dir and socket dir go below it."""
    base = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    place = base / f"casusnet-desk-{secrets.token_hex(4)}"
    place.mkdir(mode=0o755)
    os.chmod(place, 0o755)
    return place


def set_socket_dir(data: Path, socket_dir: Path) -> None:
    write(replace(load(data), socket_dir=socket_dir))


@contextmanager
def running(data: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``casusnet --data DATA run``, once its local API is set up (socket, group, mode)."""
    config = load(data)
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "node.tools.cli", "--data", str(data), "run"],
            stdout=out,
            stderr=out,
            cwd=ROOT,
        )
    try:
        deadline = time.monotonic() + 30
        while not (config.socket_path.exists() and "running: federation" in log.read_text()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"node did not start: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
