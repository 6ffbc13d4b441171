"""Creating things: a node's data dir, a roster authority, roster entries.

Used by ``casusnet init`` and ``casusnet roster``, and by tests and the demo.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nacl.utils

from node.config import CONFIG_NAME, SOCKET_GROUP, Config, write
from node.domain import staff
from node.domain.staff import Staff
from node.store import audit, keystore
from node.store.db import Store
from protocol.errors import CasusnetError
from protocol.keys import NodeIdentity, Signer, fingerprint, verify_box_certificate
from protocol.registry import default_registry
from protocol.roster import (
    RetiredKey,
    Roster,
    RosterMember,
    accept_roster,
    build_roster,
    sign_roster,
)

if TYPE_CHECKING:
    from node.domain.node import Node

MEMBER_FILE = "member.json"
YEAR = 365 * 86400


class ProvisionError(CasusnetError):
    """The node or roster could not be created as asked."""

    code = "node.provision"


OUTSIDE_ROOMS = frozenset({"fg"})
"""Roles that never act in a room (the FG: metadata, audit and shielded records)."""

def init_node(
    data_dir: Path,
    *,
    node_id: str,
    org: str,
    listen: str,
    public_url: str,
    authority: bytes,
    roster_path: Path,
    passphrase: str | None = None,
    closure_grace: int = 0,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    metrics: str = "",
    socket_dir: Path | None = None,
    socket_group: str = SOCKET_GROUP,
) -> dict[str, Any]:
    """Create a node's data dir (0700); returns its public roster entry (also in
    member.json). ``socket_dir`` is the local API socket's own directory, made by the
    node when it starts (0750, group ``socket_group``) or by systemd."""
    if (data_dir / CONFIG_NAME).exists():
        raise ProvisionError(f"{data_dir} already holds a node")
    if org not in default_registry().organisations:
        raise ProvisionError(f"unknown organisation type {org!r}")
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    host, _, port = listen.rpartition(":")
    salt = nacl.utils.random(16) if passphrase else b""
    config = Config(
        data_dir=data_dir.resolve(),
        node_id=node_id,
        org=org,
        listen_host=host or "127.0.0.1",
        listen_port=int(port),
        public_url=public_url,
        authority=authority,
        roster_path=roster_path.resolve(),
        master="passphrase" if passphrase else "file",
        master_file=None if passphrase else (data_dir / "master.key").resolve(),
        salt=salt,
        tls_cert=tls_cert,
        tls_key=tls_key,
        closure_grace=closure_grace,
        metrics_listen=metrics,
        socket_dir=None if socket_dir is None else socket_dir.absolute(),
        socket_group=socket_group,
    )
    if passphrase:
        master = keystore.derive(passphrase, salt)
    else:
        assert config.master_file is not None
        master = keystore.new_master_file(config.master_file)
    identity = NodeIdentity.generate(nacl.utils.random)
    keystore.save_identity(config, master, identity)
    write(config)
    Store(config.db_path).close()
    entry = member_entry(node_id, org, public_url, identity)
    (data_dir / MEMBER_FILE).write_text(json.dumps(entry, indent=1) + "\n")
    return entry


def member_entry(node_id: str, org: str, url: str, identity: NodeIdentity) -> dict[str, Any]:
    """The public half of a node, as handed to the roster authority."""
    return {
        "node": node_id,
        "org": org,
        "url": url,
        "sign": identity.sign_public.hex(),
        "box": identity.box.public.hex(),
        "box_sig": identity.box_certificate().hex(),
        "fingerprint": identity.fingerprint,
    }


def add_staff(
    node: Node,
    name: str,
    function: str,
    passphrase: str,
    *,
    intake: bool,
    capacity: str | None = None,
    roles: Iterable[str] = (),
    os_user: str | None = None,
) -> Staff:
    """A staff account on a node opened offline, with its ``staff_added`` audit entry;
    ``os_user`` the one operating-system account it may log in from (over SSH).

    Where the node's organisation acts in capacities (a gemeente: burgemeester or
    college), the account names the one its holder acts in; an account that only holds
    the FG's role acts in no room and names none."""
    roles = frozenset(roles)
    capacities: Mapping[str, str] = node.registry.capacities_of(node.config.org)
    if capacity is None and roles and roles <= OUTSIDE_ROOMS:
        capacities = {}  # the FG acts in no room, so in no capacity
    if capacities and capacity not in capacities:
        raise staff.StaffError(
            f"a {node.config.org} account acts as one of: {', '.join(sorted(capacities))}"
        )
    if not capacities and capacity is not None:
        raise staff.StaffError(f"a {node.config.org} account acts in no capacity")
    member = staff.add(
        node.store,
        name,
        function,
        passphrase,
        intake=intake,
        now=node.now(),
        capacity=capacity,
        roles=roles,
        os_user=os_user,
    )
    with node.store.transaction():
        audit.append(
            node.store,
            at=node.now(),
            actor="operator",
            action="staff_added",
            staff=name,
            function=function,
            capacity=capacity,
            roles=sorted(member.roles),
        )
    return member


# --- the roster authority ---------------------------------------------------------------


def create_authority(directory: Path, federation: str) -> dict[str, Any]:
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / "authority.key"
    if key_path.exists():
        raise ProvisionError(f"{key_path} exists")
    signer = Signer(nacl.utils.random(32))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(signer.seed.hex() + "\n")
    state = {"federation": federation, "version": 0, "members": []}
    (directory / "roster.json").write_text(json.dumps(state, indent=1) + "\n")
    info = {"public": signer.public.hex(), "fingerprint": fingerprint(signer.public)}
    (directory / "authority.pub").write_text(json.dumps(info, indent=1) + "\n")
    return info


def load_authority(directory: Path) -> tuple[Signer, dict[str, Any]]:
    try:
        seed = bytes.fromhex((directory / "authority.key").read_text().strip())
        state = json.loads((directory / "roster.json").read_text())
    except (OSError, ValueError):
        raise ProvisionError(f"no roster authority in {directory}") from None
    return Signer(seed), state


def check_member_entry(entry: Any) -> None:
    """A member file as docs/protocol.md section 5.5 describes it: the keys in hex, the
    box key certified by the signing key, and ``fingerprint`` that of ``sign``, so the
    fingerprint the authority reads out is the key it adds."""
    try:
        sign, box, box_sig = (bytes.fromhex(entry[k]) for k in ("sign", "box", "box_sig"))
        claimed = entry["fingerprint"]
        if not all(type(entry[k]) is str for k in ("node", "org", "url")):
            raise TypeError
        verify_box_certificate(sign, box, box_sig)
    except (KeyError, TypeError, ValueError, CasusnetError):
        raise ProvisionError("not a valid member file (member.json)") from None
    if claimed != fingerprint(sign):
        raise ProvisionError(
            "the member file's fingerprint is not that of its key: ask the node's operator"
            " for the file again"
        )


def add_member(
    directory: Path,
    entry: dict[str, Any],
    *,
    name: str,
    valid_years: int = 2,
    now: int,
    serves: list[str] | None = None,
) -> None:
    """Add a node from its member file (or renew it, same key). ``serves``: the gemeente
    nodes a politie unit or OM parket serves (None keeps what the entry had)."""
    check_member_entry(entry)
    _, state = load_authority(directory)
    old = next((m for m in state["members"] if m["node"] == entry["node"]), None)
    if old is not None and old["sign"] != entry["sign"]:
        raise ProvisionError(
            f"{entry['node']} is in the roster with another key: for a planned rotation use"
            " `casusnet roster rotate`; after a lost or stolen key, `roster rotate --grace 0`"
            " or `roster remove` (docs/operations.md section 12)"
        )
    members = [m for m in state["members"] if m["node"] != entry["node"]]
    members.append(
        {
            **{k: entry[k] for k in ("node", "org", "url", "sign", "box", "box_sig")},
            "name": name,
            "valid_from": now - 86400,
            "valid_until": now + valid_years * YEAR,
            "retired": old.get("retired", []) if old else [],
            "serves": sorted(set(serves))
            if serves is not None
            else (old.get("serves", []) if old else []),
        }
    )
    state["members"] = sorted(members, key=lambda m: m["node"])
    (directory / "roster.json").write_text(json.dumps(state, indent=1) + "\n")


def rotate_member(
    directory: Path, entry: dict[str, Any], *, now: int, grace: int
) -> dict[str, Any]:
    """Give a member its new identity key (from ``casusnet key rotate``).

    The old key is kept in the member's ``retired`` list with ``until = now + grace``:
    envelopes it signed dated up to then (room chains, shares still in an outbox)
    keep verifying; requests are accepted with the new key only, from the roster
    version that lists it.
    """
    from protocol.roster import MAX_RETIRED

    check_member_entry(entry)
    _, state = load_authority(directory)
    old = next((m for m in state["members"] if m["node"] == entry["node"]), None)
    if old is None:
        raise ProvisionError(f"{entry['node']} is not in the roster; use `roster add`")
    if grace < 0:
        raise ProvisionError("the grace period cannot be negative")
    if old["sign"] == entry["sign"]:
        raise ProvisionError(f"{entry['node']} already has this key")
    retired = list(old.get("retired", []))
    if any(r["sign"] == entry["sign"] for r in retired):
        raise ProvisionError("this key was retired before; make a new one with `key rotate`")
    if len(retired) >= MAX_RETIRED:
        raise ProvisionError(f"{entry['node']} has {MAX_RETIRED} retired keys already")
    retired.append({"sign": old["sign"], "until": now + grace})
    old.update({k: entry[k] for k in ("sign", "box", "box_sig")}, retired=retired)
    (directory / "roster.json").write_text(json.dumps(state, indent=1) + "\n")
    return {"node": entry["node"], "fingerprint": entry["fingerprint"], "retired": retired}


def remove_member(directory: Path, node_id: str) -> None:
    _, state = load_authority(directory)
    before = len(state["members"])
    state["members"] = [m for m in state["members"] if m["node"] != node_id]
    if len(state["members"]) == before:
        raise ProvisionError(f"{node_id} is not in the roster")
    (directory / "roster.json").write_text(json.dumps(state, indent=1) + "\n")


def sign(directory: Path, out: Path, *, now: int) -> Roster:
    """Sign the next version of the roster and write it to ``out``."""
    signer, state = load_authority(directory)
    state["version"] += 1
    members = [
        RosterMember(
            node=m["node"],
            org=m["org"],
            name=m["name"],
            url=m["url"],
            sign=bytes.fromhex(m["sign"]),
            box=bytes.fromhex(m["box"]),
            box_sig=bytes.fromhex(m["box_sig"]),
            valid_from=m["valid_from"],
            valid_until=m["valid_until"],
            retired=tuple(
                RetiredKey(bytes.fromhex(r["sign"]), r["until"]) for r in m.get("retired", [])
            ),
            serves=tuple(sorted(m.get("serves", []))),
        )
        for m in state["members"]
    ]
    roster = build_roster(state["federation"], state["version"], now, default_registry(), members)
    data = sign_roster(signer, roster)
    accept_roster(data, signer.public, default_registry())
    out.write_bytes(data)
    (directory / "roster.json").write_text(json.dumps(state, indent=1) + "\n")
    return roster


def describe(data: bytes) -> dict[str, Any]:
    """A roster's content for display (no verification)."""
    from protocol.codec import decode
    from protocol.roster import decode_roster
    from protocol.signed import Signed

    roster: Roster = decode_roster(decode(data, Signed.SPEC).body)
    return {
        "federation": roster.federation,
        "version": roster.version,
        "issued": roster.issued,
        "members": [
            {
                "node": m.node,
                "org": m.org,
                "name": m.name,
                "url": m.url,
                "fingerprint": fingerprint(m.sign),
                "retired": [
                    {"fingerprint": fingerprint(r.sign), "until": r.until} for r in m.retired
                ],
                "serves": list(m.serves),
            }
            for m in roster.members
        ],
    }
