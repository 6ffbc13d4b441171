"""``casusnet doctor``: check config, keys, roster, store, the reachability of peers and
the clock against theirs."""

from __future__ import annotations

import json
import statistics
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from node.config import Config, load
from node.faces.federation import clocks
from node.store import audit, keystore, maintenance
from node.store.db import Store
from protocol.errors import CasusnetError
from protocol.keys import NodeIdentity, fingerprint
from protocol.roster import Roster, RosterMember


def doctor(data_dir: Path, timeout: float = 2.0) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []

    def check(name: str, ok: bool, detail: str) -> bool:
        checks.append({"check": name, "ok": ok, "detail": detail})
        return ok

    try:
        config = load(data_dir)
    except CasusnetError as exc:
        check("config", False, exc.detail or exc.user_text())
        return checks
    check(
        "config",
        True,
        f"node {config.node_id} ({config.org}), listen {config.listen_host}:{config.listen_port}",
    )
    try:
        master = keystore.load_master(config)
        identity = keystore.load_identity(config, master)
        check("keys", True, f"fingerprint {identity.fingerprint}")
    except CasusnetError as exc:
        check("keys", False, f"{exc.user_text()} {exc.detail}")
        return checks
    try:
        store = Store(config.db_path)
    except CasusnetError as exc:
        check("store", False, f"{exc.user_text()} {exc.detail}")
        return checks
    found = store.check(full=True)
    if not check(
        "store",
        not found.problems,
        f"integrity check of every page in {found.seconds:.1f} s: "
        + ("ok" if not found.problems else "; ".join(found.problems[:3])),
    ):
        store.close()
        return checks
    try:
        from node.domain.node import Node

        node = Node(config, master, identity, store)
        roster = node.roster
        check("roster", *_roster_state(roster, config, identity))
        check("audit", True, f"{audit.verify(store)} entries, chain intact")
        pending = maintenance.pending_envelopes(store)
        check("outbox", True, f"{pending} envelopes waiting")
        offsets: list[float] = []
        for member in roster.members:
            if member.node != config.node_id:
                ok, detail, offset = _peer_state(member, timeout)
                check(f"peer {member.node}", ok, detail)
                if offset is not None:
                    offsets.append(offset)
        check("clock", *_clock_state(offsets))
    except CasusnetError as exc:
        check("store", False, f"{exc.user_text()} {exc.detail}")
    finally:
        store.close()
    return checks


def _roster_state(roster: Roster, config: Config, identity: NodeIdentity) -> tuple[bool, str]:
    """Whether the node's roster lists this node with the keys it holds."""
    me = roster.by_node.get(config.node_id)
    if me is None:
        return False, f"{config.node_id} is not in roster version {roster.version}"
    if me.sign != identity.sign_public:
        return False, "the roster lists other keys for this node"
    return True, (
        f"version {roster.version}, {len(roster.members)} members, "
        f"authority {fingerprint(config.authority)}"
    )


def _peer_state(member: RosterMember, timeout: float) -> tuple[bool, str, float | None]:
    """Whether a partner's health endpoint answers, with which roster version, and how
    far this node's clock is ahead of the time the partner stamped on its answer."""
    url = member.url.rstrip("/") + "/v1/health"
    try:
        sent = time.time()
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310
            doc = json.loads(r.read())
            theirs = clocks.peer_time(r.headers)
        received = time.time()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"unreachable at {member.url} ({type(exc).__name__})", None
    offset = None if theirs is None else (sent + received) / 2 - theirs
    ahead = "" if offset is None else f", this clock {offset:+.1f} s against it"
    return True, f"reachable, roster version {doc.get('roster_version')}{ahead}", offset


def _clock_state(offsets: list[float]) -> tuple[bool, str]:
    """This node's clock against its partners' (the median of the measured offsets)."""
    if not offsets:
        return True, "not measured: no partner answered"
    median = statistics.median(offsets)
    ok = abs(median) <= clocks.TOLERANCE
    verdict = "ok" if ok else "off: check time synchronisation (NTP, chrony or timesyncd)"
    return ok, (
        f"{median:+.1f} s against {len(offsets)} partners (median, tolerance"
        f" {clocks.TOLERANCE:.0f} s): {verdict}"
    )
