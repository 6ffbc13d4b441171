"""Fan-out of 4 KB shares to eight partners across nine node processes.

One sender (the ZVH, convening a ``wgs`` room) shares with eight deelnemers; a share
counts when every ``delivered`` receipt is back at the sender (synchronous=FULL on
every node). Measured through the sender's local API, as a client would:

- throughput with 16 shares in flight;
- p50 and p99 from the share command to the last receipt, one share in flight;
- peak RSS of every node process.

The same nine processes are then replaced by the bare floor (``bench/floor.py``):
the crypto, one HTTP POST per recipient and one SQLite insert, nothing else.

Last line: ``RESULT shares_per_s=... floor_ratio=... p50_ms=... p99_ms=... max_rss_mb=...``.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from cluster import Cluster, free_port  # noqa: E402

NODES = {
    "zvh": "zvh",
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "rvdk": "rvdk",
    "ggd": "ggd",
    "reclassering": "reclassering",
    "veilig-thuis": "veilig_thuis",
    "ggz": "ggz",
}
CASE = "BENCH-2026-001"
TEXT = ("Samenvatting van de zorgen en de afspraken uit het wijkteam. " * 80)[:4096]
THROUGHPUT_SHARES = int(os.environ.get("BENCH_SHARES", "400"))
LATENCY_SHARES = int(os.environ.get("BENCH_LATENCY_SHARES", "200"))
IN_FLIGHT = 16


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def measure(send: Any) -> tuple[float, float, float]:
    """(shares/s with IN_FLIGHT in flight, p50 ms, p99 ms with one in flight)."""
    for _ in range(20):  # warm up
        await send()
    latencies = []
    for _ in range(LATENCY_SHARES):
        start = time.perf_counter()
        await send()
        latencies.append((time.perf_counter() - start) * 1000)
    queue = iter(range(THROUGHPUT_SHARES))

    async def worker() -> None:
        for _ in queue:
            await send()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    rate = THROUGHPUT_SHARES / (time.perf_counter() - start)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return rate, statistics.median(latencies), p99


def setup_room(c: Cluster) -> str:
    for node in NODES:
        c.add_staff(node, f"staf-{node}", f"functie {node}")
        c.login(node, f"staf-{node}")
    room = c.json("zvh", "room", "convene", "--case", CASE, "--bases", "wgs")["room"]
    for node in NODES:
        if node != "zvh":
            c.cli("zvh", "room", "invite", CASE, node)
    c.wait_for(
        "nine members everywhere",
        lambda: all(len(c.room(n, CASE)["members"]) == 9 for n in NODES),
        timeout=60,
    )
    return str(room)


async def node_run(c: Cluster, room: str) -> tuple[float, float, float]:
    token = (c.data("zvh") / "session.token").read_text().strip()
    connector = aiohttp.UnixConnector(path=str(c.data("zvh") / "api.sock"))
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "basis": "wgs",
        "categories": ["zorg"],
        "summary": TEXT,
        "justification": "Noodzakelijk voor de afstemming van zorg en veiligheid.",
    }
    async with aiohttp.ClientSession(connector=connector, headers=headers) as s:
        url = f"http://node/v1/rooms/{room}/shares?wait=delivered&timeout=30"

        async def send() -> None:
            async with s.post(url, json=body) as r:
                if not (await r.json())["done"]:
                    raise RuntimeError("a share was not delivered within 30 s")

        return await measure(send)


def start_floor(root: Path) -> tuple[list[subprocess.Popen[bytes]], Path]:
    """Eight floor receivers and a floor sender, as processes."""
    ports = [free_port() for _ in range(8)]
    sock = root / "floor.sock"
    script = str(ROOT / "bench" / "floor.py")
    procs = [
        subprocess.Popen([sys.executable, script, "receiver", str(p), str(root / f"floor-{p}.db")])
        for p in ports
    ]
    procs.append(
        subprocess.Popen([sys.executable, script, "sender", str(sock), ",".join(map(str, ports))])
    )
    deadline = time.monotonic() + 10
    while not sock.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    return procs, sock


async def floor_run(sock: Path) -> tuple[float, float, float]:
    connector = aiohttp.UnixConnector(path=str(sock))
    async with aiohttp.ClientSession(connector=connector) as s:

        async def send() -> None:
            async with s.post("http://floor/send") as r:
                await r.read()

        return await measure(send)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        c = Cluster(root / "nodes", dict(NODES))
        (root / "nodes").mkdir()
        c.setup()
        c.start_all()
        try:
            room = setup_room(c)
            rate, p50, p99 = asyncio.run(node_run(c, room))
            rss = {n: rss_mb(p.pid) for n, p in c.procs.items()}
        finally:
            c.stop_all()
        procs, sock = start_floor(root)
        try:
            f_rate, f_p50, f_p99 = asyncio.run(floor_run(sock))
            f_rss = max(rss_mb(p.pid) for p in procs)
        finally:
            for p in procs:
                p.terminate()
                p.wait()
    max_rss = max(rss.values())
    print(f"nodes: {len(NODES)} processes, 4 KB shares to 8 partners, synchronous=FULL")
    print(
        f"casusnet:   {rate:7.1f} shares/s ({IN_FLIGHT} in flight)   p50 {p50:6.2f} ms"
        f"   p99 {p99:6.2f} ms (1 in flight)   peak RSS {max_rss:.0f} MB"
    )
    print(
        f"bare floor: {f_rate:7.1f} shares/s ({IN_FLIGHT} in flight)   p50 {f_p50:6.2f} ms"
        f"   p99 {f_p99:6.2f} ms (1 in flight)   peak RSS {f_rss:.0f} MB"
    )
    print(
        f"ratios to the floor: rate {rate / f_rate:.2f}   p50 {p50 / f_p50:.2f}"
        f"   p99 {p99 / f_p99:.2f}"
    )
    print("peak RSS per node (MB): " + ", ".join(f"{n} {v:.0f}" for n, v in rss.items()))
    print(
        f"RESULT shares_per_s={rate:.1f} floor_ratio={rate / f_rate:.2f} p50_ms={p50:.2f} "
        f"p99_ms={p99:.2f} max_rss_mb={max_rss:.0f}"
    )


if __name__ == "__main__":
    main()
