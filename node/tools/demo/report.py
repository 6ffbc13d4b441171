"""What the demo prints: the accounts table, and the headless meeting with its summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from node.tools.demo.folder import TABLE
from node.tools.demo.script import Meeting
from node.tools.demo.session import StepFailed
from node.tools.demo.texts import TEXT


def table(rows: list[tuple[str, ...]]) -> str:
    """Columns as wide as their widest cell, two spaces apart, indented by two."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def staff_table(state: dict[str, Any], passphrases: bool = True) -> str:
    """Each node's staff member, function and (unless left out) demo passphrase."""
    return table(
        [
            (node, doc["staff"], doc["function"], doc["passphrase"] if passphrases else "")
            for node, doc in state["nodes"].items()
        ]
    )


def headless(directory: Path, state: dict[str, Any], lang: str, timeout: float) -> int:
    """Hold the scripted meeting and print its summary; 1 when a step failed."""
    t = TEXT[lang]
    meeting = Meeting(directory, state, sys.stdout, timeout, lang)
    start = time.monotonic()
    try:
        meeting.run()
    except StepFailed as exc:
        print(t["failed"].format(step=exc.step), file=sys.stderr)
        return 1
    secs = time.monotonic() - start
    print()
    print(summary(meeting))
    print()
    print(t["done"].format(secs=secs), flush=True)
    return 0


def summary(meeting: Meeting) -> str:
    """Two tables: each share's delivery and deletion, each node's closed receipts."""
    return table(_share_rows(meeting)) + "\n\n" + table(_node_rows(meeting))


def _share_rows(meeting: Meeting) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [tuple(meeting.say("share_head").split("|"))]
    for node, share_id in meeting.shares:
        doc = meeting.room_at(node)
        share = next(s for s in doc["shares"] if s["id"] == share_id and s["own"])
        states = share["deliveries"]
        count = len(share["recipients"])
        # deleted implies it was delivered (or never needed to be)
        delivered = sum(1 for s in states.values() if s in ("delivered", "deleted"))
        gone = sum(1 for s in states.values() if s == "deleted")
        rows.append(
            (
                share_id[:8],
                node,
                share["basis"],
                ",".join(share["recipients"]),
                f"{delivered}/{count}",
                f"{gone}/{count}",
            )
        )
    return rows


def _node_rows(meeting: Meeting) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [tuple(meeting.say("node_head").split("|"))]
    for node in TABLE:
        doc = meeting.room_at(node)
        others = set(meeting.members.get(node, TABLE)) - {node}
        got = set(doc["closed_receipts"]) & others
        rows.append((node, doc["phase"], f"{len(got)}/{len(others)}"))
    return rows
