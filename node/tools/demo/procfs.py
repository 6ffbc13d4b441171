"""Which processes hold the demo's sockets and ports (Linux ``/proc``): the demo finds
its nodes by where they answer, not only by the processes it started, so a node
restarted by hand is stopped with the rest and a leftover one is found at the next
start. Elsewhere (no ``/proc``) nothing is found and only the demo's own children
are tracked."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from node.config import ConfigError, load
from node.tools.demo.folder import NODES

PROC = Path("/proc")
LISTEN = "0A"  # a TCP socket's state in /proc/net/tcp: listening


@dataclass(frozen=True)
class Address:
    node: str
    socket: Path
    port: int


@dataclass(frozen=True)
class Holder:
    """A process that holds a demo node's socket or listens on its port."""

    node: str
    pid: int
    is_node: bool  # a ``casusnet run`` process (else some other program)


def addresses(directory: Path) -> list[Address]:
    """Each node's local socket and federation port, from its config."""
    found: list[Address] = []
    for node in NODES:
        try:
            config = load(directory / node)
        except (ConfigError, OSError, ValueError):
            continue
        found.append(Address(node, config.socket_path, config.listen_port))
    return found


def _unix_inodes(paths: set[str]) -> dict[int, str]:
    inodes: dict[int, str] = {}
    with contextlib.suppress(OSError):
        for line in (PROC / "net" / "unix").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[7] in paths:
                inodes[int(fields[6])] = fields[7]
    return inodes


def _tcp_listeners(ports: set[int]) -> list[tuple[int, int]]:
    """(inode, port) of each listening TCP socket on one of ``ports``."""
    found: list[tuple[int, int]] = []
    for name in ("tcp", "tcp6"):
        with contextlib.suppress(OSError):
            for line in (PROC / "net" / name).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) < 10 or fields[3] != LISTEN:
                    continue
                port = int(fields[1].rsplit(":", 1)[1], 16)
                if port in ports:
                    found.append((int(fields[9]), port))
    return found


def _tcp_inodes(ports: set[int]) -> dict[int, int]:
    return {inode: port for inode, port in _tcp_listeners(ports) if inode}


def _holders_of(inodes: set[int]) -> dict[int, set[int]]:
    """inode -> pids whose open files include that socket (our own processes only)."""
    held: dict[int, set[int]] = {}
    if not inodes:
        return held
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inode = int(target[8:-1])
                        if inode in inodes:
                            held.setdefault(inode, set()).add(int(entry.name))
    return held


def is_node_process(pid: int) -> bool:
    """Whether ``pid`` is a ``casusnet run`` (a node daemon)."""
    try:
        args = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    words = [a.decode(errors="replace") for a in args if a]
    program = " ".join(words)
    return "run" in words and ("casusnet" in program or "node.tools.cli" in program)


def holders(directory: Path) -> list[Holder]:
    """The processes that hold a demo node's socket or listen on its port."""
    found = addresses(directory)
    by_path = {str(a.socket): a.node for a in found}
    by_port = {a.port: a.node for a in found}
    unix = _unix_inodes(set(by_path))
    tcp = _tcp_inodes(set(by_port))
    pids = _holders_of(set(unix) | set(tcp))
    result: dict[tuple[str, int], Holder] = {}
    for inode, owners in pids.items():
        node = by_path[unix[inode]] if inode in unix else by_port[tcp[inode]]
        for pid in owners:
            if pid != os.getpid():
                result[(node, pid)] = Holder(node, pid, is_node_process(pid))
    return sorted(result.values(), key=lambda h: (NODES.index(h.node), h.pid))


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something listens on ``port`` (a node could not bind it): a listening
    socket in ``/proc/net/tcp`` (any user's), else a bind as the node does it (with
    SO_REUSEADDR: connections of an earlier node in TIME_WAIT do not count)."""
    if (PROC / "net" / "tcp").exists():
        return bool(_tcp_listeners({port}))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, port))
    except OSError:
        return True
    finally:
        s.close()
    return False


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, gone but not yet reaped, does not)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:  # no /proc (or gone): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def stop_pids(pids: list[int], timeout: float) -> list[int]:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; the pids still alive after that."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]
