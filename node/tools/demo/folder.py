"""The demo folder: the six partners, setting them up, the state file, and a reset.

The folder holds ``demo.json`` (addresses, staff names and the demo passphrases, mode
0600), ``authority/``, ``roster.msgpack`` and a data dir per node with its log in
``node.log``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from node.config import load
from node.ports import free_port
from node.store import keystore
from node.tools import provision
from node.tools.demo.texts import TEXT
from protocol.errors import CasusnetError

STATE = "demo.json"
MARKER = ".casusnet-demo"  # written first: a folder with it may be deleted by --reset
FEDERATION = "demoregio"
CHAIR = "gemeente"  # the TUI the demo opens: the gemeente van verblijf chairs itself


@dataclass(frozen=True)
class Partner:
    node: str
    display: str  # the organisation's name in the roster
    staff: str
    function: str
    capacity: str | None = None  # a gemeente acts as burgemeester or college
    roles: tuple[str, ...] = ()


PARTNERS = (
    Partner(
        "gemeente",
        "Gemeente Demostad",
        "anna",
        "aandachtsfunctionaris radicalisering",
        capacity="burgemeester",
        roles=("aandachtsfunctionaris",),
    ),
    Partner("politie", "Politie Eenheid Demoland", "piet", "wijkagent"),
    Partner("om", "OM Arrondissement Demoland", "olga", "officier van justitie"),
    Partner(
        "zvh",
        "Zorg- en Veiligheidshuis Demoland",
        "zeynep",
        "procesregisseur",
        roles=("procesregisseur",),
    ),
    Partner("reclassering", "Reclassering Demoland", "rob", "reclasseringswerker"),
    Partner("ggz", "GGZ Demoland", "greet", "psychiater"),
)
NODES = tuple(p.node for p in PARTNERS)
#: the headless meeting: the burgemeester, politie and OM judge reclassering's aanmelding
#: (Wet PGA art. 5); the gemeente van verblijf convenes and chairs; the samenstelling
#: names reclassering and GGZ (derde). The ZVH is not at this table.
INTAKE = ("gemeente", "politie", "om")
AANMELDER = "reclassering"
DERDE = "ggz"
TABLE = (*INTAKE, AANMELDER, DERDE)


class DemoError(CasusnetError):
    """The demo could not be set up or started as asked."""

    code = "demo.failed"


def load_state(directory: Path) -> dict[str, Any] | None:
    try:
        doc: dict[str, Any] = json.loads((directory / STATE).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DemoError(f"{directory / STATE}: {exc}") from None
    return doc


def save_state(directory: Path, state: dict[str, Any]) -> None:
    """Write ``demo.json`` atomically, mode 0600 (it holds the demo passphrases)."""
    keystore.write_private(directory / STATE, (json.dumps(state, indent=1) + "\n").encode())


def free_ports(count: int) -> list[int]:
    return [free_port() for _ in range(count)]


def parse_addrs(values: list[str] | None) -> dict[str, str] | None:
    """``--addr node=HOST:PORT`` for all six nodes, or none."""
    if not values:
        return None
    addrs: dict[str, str] = {}
    for value in values:
        node, _, addr = value.partition("=")
        host, _, port = addr.rpartition(":")
        if node not in NODES or not host or not port.isdigit():
            raise DemoError(f"--addr {value}: give NODE=HOST:PORT, NODE one of {', '.join(NODES)}")
        addrs[node] = addr
    missing = [n for n in NODES if n not in addrs]
    if missing:
        raise DemoError(f"--addr: give an address for every node (missing {', '.join(missing)})")
    return addrs


def setup(directory: Path, addrs: dict[str, str] | None = None) -> dict[str, Any]:
    """Create the authority, six nodes, the signed roster and a staff member per node."""
    if directory.exists() and any(directory.iterdir()):
        raise DemoError(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    (directory / MARKER).write_text("casusnet demo\n")
    if addrs is None:
        addrs = {n: f"127.0.0.1:{p}" for n, p in zip(NODES, free_ports(len(NODES)), strict=True)}
    authority = directory / "authority"
    info = provision.create_authority(authority, FEDERATION)
    roster = directory / "roster.msgpack"
    now = int(time.time())
    state: dict[str, Any] = {"version": 1, "federation": FEDERATION, "meetings": 0, "nodes": {}}
    for p in PARTNERS:
        entry = provision.init_node(
            directory / p.node,
            node_id=p.node,
            org=p.node,
            listen=addrs[p.node],
            public_url=f"http://{addrs[p.node]}",
            authority=bytes.fromhex(info["public"]),
            roster_path=roster,
        )
        # the demo's politie unit and OM parket serve its gemeente (an aanmelding finds them)
        serves = ["gemeente"] if p.node in ("politie", "om") else None
        provision.add_member(authority, entry, name=p.display, now=now, serves=serves)
        state["nodes"][p.node] = {
            "listen": addrs[p.node],
            "url": f"http://{addrs[p.node]}",
            "staff": p.staff,
            "function": p.function,
            # easy to remember once the TUI covers the table (as in docs/cli.md 5.1);
            # only the user running the demo can reach a node's socket to log in
            "passphrase": f"wachtwoord-van-{p.staff}",
        }
    provision.sign(authority, roster, now=now)
    # each node takes the roster in and gets its staff member (an Argon2id hash each:
    # in parallel, as PyNaCl releases the GIL)
    with ThreadPoolExecutor(len(PARTNERS)) as pool:
        for future in [
            pool.submit(_node_setup, directory / p.node, p, state["nodes"][p.node]["passphrase"])
            for p in PARTNERS
        ]:
            future.result()
    save_state(directory, state)
    return state


def _node_setup(data: Path, partner: Partner, passphrase: str) -> None:
    from node.app import open_node  # aiohttp: loaded only when a demo is set up

    node = open_node(load(data))  # reads the signed roster into the node's database
    try:
        provision.add_staff(
            node,
            partner.staff,
            partner.function,
            passphrase,
            intake=True,
            capacity=partner.capacity,
            roles=partner.roles,
        )
    finally:
        node.store.close()


def socket_answers(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def running_nodes(directory: Path) -> list[str]:
    return [n for n in NODES if socket_answers(directory / n / "api.sock")]


def reset(directory: Path, lang: str) -> None:
    """Delete a demo folder, after making sure no node runs from it."""
    t = TEXT[lang]
    if not directory.exists():
        return
    if not (directory / MARKER).exists() and any(directory.iterdir()):
        raise DemoError(t["not_demo"].format(dir=directory))
    busy = running_nodes(directory)
    if busy:
        raise DemoError(t["running"].format(dir=directory, nodes=", ".join(busy)))
    shutil.rmtree(directory)
