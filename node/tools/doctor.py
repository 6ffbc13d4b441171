"""``casusnet doctor``: check config, keys, roster, store and the reachability of peers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from node.config import Config, load
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
        for member in roster.members:
            if member.node != config.node_id:
                check(f"peer {member.node}", *_peer_state(member, timeout))
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


def _peer_state(member: RosterMember, timeout: float) -> tuple[bool, str]:
    """Whether a partner's health endpoint answers, and with which roster version."""
    url = member.url.rstrip("/") + "/v1/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310
            doc = json.loads(r.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, f"unreachable at {member.url} ({type(exc).__name__})"
    return True, f"reachable, roster version {doc.get('roster_version')}"
