"""One node holding 1,000 rooms and 100,000 received shares: list the rooms.

The store is filled directly (rooms, assignments, received share rows with 5 KB
envelopes, and views of half of them by the staff member, for the unread counts)
and the real node process is started on it; the time is that of
``GET /v1/rooms`` over the local API as a staff member assigned to every room
(median of 20), and the memory the node's peak RSS afterwards.

Last line: ``RESULT list_rooms_ms=... rss_mb=...``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

from cluster import Cluster  # noqa: E402

from node.apiclient import ApiClient  # noqa: E402
from node.store.db import Store  # noqa: E402

ROOMS = int(os.environ.get("BENCH_ROOMS", "1000"))
SHARES = int(os.environ.get("BENCH_TOTAL_SHARES", "100000"))
SENDERS = ["politie", "om", "reclassering", "zvh"]
VIEWED = float(os.environ.get("BENCH_VIEWED", "0.5"))  # share of the shares viewed


def fill(db: Path, staff: str) -> None:
    store = Store(db)
    now = int(time.time())
    envelope = os.urandom(5 * 1024)
    per_room = SHARES // ROOMS
    with store.transaction():
        for r in range(ROOMS):
            room = os.urandom(32)
            store.execute(
                "INSERT INTO rooms (room, case_ref, chair, phase, epoch, seq, created, updated,"
                " closed_at, outcome, meeting, bases, purge_after, keys_destroyed,"
                " closed_receipt_sent) VALUES (?, ?, 'gemeente', 'open', 2, 20, ?, ?, NULL,"
                " NULL, ?, ?, ?, 0, 0)",
                (
                    room,
                    f"RAD-2026-{r:04d}",
                    now,
                    now - r,
                    now + 86400,
                    json.dumps(["pga-r"]),
                    now + 5 * 365 * 86400,
                ),
            )
            store.execute("INSERT INTO assignments (room, staff) VALUES (?, ?)", (room, staff))
            for i in range(per_room):
                sender = SENDERS[i % len(SENDERS)]
                share_id = os.urandom(16)
                if i < per_room * VIEWED:
                    store.execute(
                        "INSERT INTO views (staff, room, sender, share, at, held)"
                        " VALUES (?, ?, ?, ?, ?, 1)",
                        (staff, room, sender, share_id, now),
                    )
                store.execute(
                    "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories,"
                    " recipients, created, envelope, env_hash, own, received_at)"
                    " VALUES (?, ?, ?, ?, 2, 'pga-r', ?, ?, ?, ?, ?, 0, ?)",
                    (
                        share_id,
                        room,
                        sender,
                        i // len(SENDERS) + 1,
                        '["plan"]',
                        '["gemeente"]',
                        now,
                        envelope,
                        os.urandom(32),
                        now,
                    ),
                )
    store.checkpoint()
    store.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        c = Cluster(Path(tmp), {"gemeente": "gemeente"})
        c.setup()
        c.start("gemeente")
        c.add_staff("gemeente", "anna", "aandachtsfunctionaris")
        c.stop("gemeente")
        start = time.perf_counter()
        fill(c.data("gemeente") / "node.db", "anna")
        filled = time.perf_counter() - start
        size_mb = (c.data("gemeente") / "node.db").stat().st_size / 2**20
        c.start("gemeente")
        try:
            c.login("gemeente", "anna")
            token = (c.data("gemeente") / "session.token").read_text().strip()
            api = ApiClient(c.data("gemeente") / "api.sock", token)
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                rooms = api.get("/v1/rooms")["rooms"]
                times.append((time.perf_counter() - t0) * 1000)
            assert len(rooms) == ROOMS
            assert sum(r["shares_received"] for r in rooms) == SHARES // ROOMS * ROOMS
            viewed = -(-(SHARES // ROOMS) * VIEWED // 1)  # views per room (rounded up)
            assert sum(r["unread"] for r in rooms) == (SHARES // ROOMS - viewed) * ROOMS
            pid = c.procs["gemeente"].pid
            rss = next(
                int(line.split()[1]) / 1024
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmHWM:")
            )
        finally:
            c.stop_all()
    median = statistics.median(times)
    print(
        f"store: {ROOMS} rooms, {SHARES} received shares ({VIEWED:.0%} viewed), {size_mb:.0f} MB"
        f" (filled in {filled:.1f} s)"
    )
    print(
        f"GET /v1/rooms: median {median:.1f} ms, best {min(times):.1f} ms over {len(times)} calls"
    )
    print(f"node peak RSS: {rss:.0f} MB")
    print(f"RESULT list_rooms_ms={median:.1f} rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
