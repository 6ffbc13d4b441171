"""``casusnet audit``: verify the audit log, or export what was shared about a case."""

from __future__ import annotations

import argparse
import json
from typing import Any

from node.store import audit, keystore, maintenance
from node.store.db import Store
from node.tools.cli.common import Subparsers, load_config, need, out


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("audit", help="verify the audit log, or export a case")
    s.add_argument("action", choices=["verify", "export"])
    s.add_argument("--case")
    s.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> None:
    config, phrase = load_config(args)
    store = Store(config.db_path)
    # the chain is keyed: verifying needs the master key, as editing it would
    store.audit_key = keystore.load_master(config, phrase).derive("casusnet/audit")
    if args.action == "export":
        need(args, "case")
    if args.action == "verify":
        count = audit.verify(store)
        out(args, {"ok": True, "entries": count}, f"audit log intact: {count} entries")
    else:
        doc = export_case(store, args.case)
        out(args, doc, lambda: json.dumps(doc, indent=1, sort_keys=True))


def export_case(store: Store, case_ref: str) -> dict[str, Any]:
    """What was shared about a case, with whom, on which basis, and its revocation state."""
    result: dict[str, Any] = {"case": case_ref, "rooms": []}
    for r in maintenance.case_rooms(store, case_ref):
        shares = maintenance.room_shares(store, r["room"])
        for s in shares:
            s["deliveries"] = maintenance.share_deliveries(store, s["id"])
            s["id"] = s["id"].hex()
            s["direction"] = "sent" if s.pop("own") else "received"
        result["rooms"].append(
            {
                "room": r["room"].hex(),
                "phase": r["phase"],
                "chair": r["chair"],
                "closed_at": r["closed_at"],
                "outcome": r["outcome"],
                "shares": shares,
            }
        )
    result["audit"] = audit.entries(store, case_ref=case_ref, limit=1_000_000)
    return result
