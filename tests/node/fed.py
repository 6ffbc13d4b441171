"""A federation of node data dirs for tests: an authority, a roster, N nodes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from node import ports
from node.config import load
from node.tools import provision

NOW = None


def free_port() -> int:
    return ports.free_port()


@dataclass
class Federation:
    root: Path
    nodes: dict[str, str]  # node id -> org
    ports: dict[str, int]
    authority_public: bytes

    def data(self, node: str) -> Path:
        return self.root / node

    def config(self, node: str):  # type: ignore[no-untyped-def]
        return load(self.data(node))


def make_federation(root: Path, nodes: dict[str, str], now: int) -> Federation:
    auth_dir = root / "authority"
    info = provision.create_authority(auth_dir, "testregio")
    authority = bytes.fromhex(info["public"])
    roster = root / "roster.msgpack"
    ports = {n: free_port() for n in nodes}
    gemeenten = sorted(n for n, o in nodes.items() if o == "gemeente")
    for node, org in nodes.items():
        url = f"http://127.0.0.1:{ports[node]}"
        entry = provision.init_node(root / node, node_id=node, org=org,
                                    listen=f"127.0.0.1:{ports[node]}", public_url=url,
                                    authority=authority, roster_path=roster)  # fmt: skip
        serves = gemeenten if org in ("politie", "om") else None  # every gemeente here
        provision.add_member(auth_dir, entry, name=f"{org} testregio", now=now, serves=serves)
    provision.sign(auth_dir, roster, now=now)
    return Federation(root, dict(nodes), ports, authority)


def capacity_of(node: Any) -> str | None:
    """The capacity a test node's staff act in: a gemeente's as burgemeester."""
    return "burgemeester" if node.config.org == "gemeente" else None
