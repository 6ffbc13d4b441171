"""Picking a free TCP port for a node to listen on (the demo, tests, benchmarks).

Binding port 0 hands out a port from the kernel's ephemeral range, the same range
outgoing connections take their source ports from; between picking such a port and
the node binding it, a connection elsewhere on the machine can take it. Ports are
therefore picked at random below that range, checked by binding, and never handed
out twice by one process.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_handed: set[int] = set()


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def free_port(host: str = "127.0.0.1") -> int:
    low, high = _ephemeral_range()
    start, stop = (10000, low) if low > 12000 else (high + 1, 65536)
    for _ in range(500):
        port = random.randrange(start, stop)
        if port in _handed:
            continue
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
        _handed.add(port)
        return port
    raise OSError(f"no free port between {start} and {stop}")
