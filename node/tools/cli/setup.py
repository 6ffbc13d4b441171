"""Setting a node up: ``casusnet init``, ``casusnet roster`` and ``casusnet run``."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from node.config import parse_listen
from node.tools import provision
from node.tools.cli.common import (
    Subparsers,
    UsageError,
    csv,
    data_dir,
    load_config,
    need,
    offline_node,
    out,
    secret,
)

#: what each ``roster`` action needs besides its name
ROSTER_NEEDS = {
    "create": ("dir",),
    "add": ("dir", "member", "name"),
    "remove": ("dir", "node"),
    "rotate": ("dir", "member"),
    "sign": ("dir", "out"),
    "show": ("file",),
    "import": ("file",),
}


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("init", help="create a node's data dir")
    s.add_argument("--node", required=True)
    s.add_argument("--org", required=True)
    s.add_argument("--listen", required=True, help="HOST:PORT for the federation endpoints")
    s.add_argument("--url", required=True, help="the URL other nodes use to reach this node")
    s.add_argument("--roster", required=True, help="path of the signed roster file")
    s.add_argument("--authority", help="the roster authority's public key (hex)")
    s.add_argument("--authority-file", help="authority.pub of the roster authority")
    s.add_argument(
        "--passphrase",
        action="store_true",
        help="derive the master key from a passphrase instead of a key file",
    )
    s.add_argument(
        "--closure-grace",
        type=int,
        default=0,
        help="seconds after closure before own shares are revoked",
    )
    s.add_argument(
        "--metrics",
        metavar="HOST:PORT",
        help="serve health and Prometheus metrics on this local address (default: off)",
    )
    s.add_argument(
        "--socket-dir",
        help="the local API socket's own directory, for staff over SSH (for example"
        " /run/casusnet/NODE; default: systemd's RuntimeDirectory, else the data dir)",
    )
    s.add_argument(
        "--socket-group",
        default="casusnet",
        help="the OS group of the staff accounts that may open the socket (default casusnet)",
    )
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("roster", help="the roster authority's tools, and import")
    s.add_argument("action", choices=list(ROSTER_NEEDS))
    s.add_argument("file", nargs="?")
    s.add_argument("--dir", help="the roster authority's directory")
    s.add_argument("--federation", default="casusnet")
    s.add_argument("--member", help="member.json of a node (add)")
    s.add_argument("--name", help="the organisation's display name (add)")
    s.add_argument("--node", help="node id (remove)")
    s.add_argument(
        "--serves",
        help="add: the gemeente nodes a politie unit or OM parket serves (comma-separated)",
    )
    s.add_argument("--out", help="where to write the signed roster (sign)")
    s.add_argument(
        "--grace",
        type=int,
        default=7 * 86400,
        help="seconds the old key's envelope signatures stay valid (rotate; default 7 days)",
    )
    s.set_defaults(func=cmd_roster)

    s = sub.add_parser("run", help="run the node daemon")
    s.set_defaults(func=cmd_run)


def cmd_init(args: argparse.Namespace) -> None:
    base = data_dir(args)
    if ":" not in args.listen or not args.listen.rpartition(":")[2].isdigit():
        raise UsageError("--listen needs HOST:PORT, for example 127.0.0.1:8443")
    if args.metrics:
        try:
            parse_listen(args.metrics)
        except ValueError:
            raise UsageError("--metrics needs HOST:PORT, for example 127.0.0.1:9464") from None
    authority = _authority(args)
    passphrase = (
        secret("Passphrase for the master key: ", "CASUSNET_PASSPHRASE")
        if args.passphrase
        else None
    )
    entry = provision.init_node(
        base,
        node_id=args.node,
        org=args.org,
        listen=args.listen,
        public_url=args.url,
        authority=authority,
        roster_path=Path(args.roster).resolve(),
        passphrase=passphrase,
        closure_grace=args.closure_grace,
        metrics=args.metrics or "",
        socket_dir=Path(args.socket_dir) if args.socket_dir else None,
        socket_group=args.socket_group,
    )
    out(
        args,
        entry,
        lambda: (
            f"node {args.node} created in {base}\n"
            f"fingerprint: {entry['fingerprint']}\n"
            f"give {base / provision.MEMBER_FILE} to the roster authority"
        ),
    )


def _authority(args: argparse.Namespace) -> bytes:
    """The roster authority's public key to pin, from --authority or --authority-file."""
    if args.authority_file:
        authority = json.loads(Path(args.authority_file).read_text())["public"]
    else:
        authority = args.authority
    if not authority:
        raise UsageError("pin the roster authority with --authority HEX or --authority-file")
    try:
        key = bytes.fromhex(authority)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise UsageError("--authority: the authority's public key, 64 hex digits")
    return key


def cmd_roster(args: argparse.Namespace) -> None:
    need(args, *ROSTER_NEEDS[args.action])
    now = int(time.time())
    if args.action == "create":
        info = provision.create_authority(Path(args.dir), args.federation)
        out(args, info, f"roster authority created; fingerprint {info['fingerprint']}")
    elif args.action == "add":
        entry = json.loads(Path(args.member).read_text())
        serves = None if args.serves is None else csv(args.serves)
        provision.add_member(Path(args.dir), entry, name=args.name, now=now, serves=serves)
        out(
            args,
            {"added": entry["node"]},
            f"{entry['node']} added (fingerprint "
            f"{entry['fingerprint']}: compare it with the node's operator by phone)",
        )
    elif args.action == "rotate":
        entry = json.loads(Path(args.member).read_text())
        doc = provision.rotate_member(Path(args.dir), entry, now=now, grace=args.grace)
        out(
            args,
            doc,
            f"{entry['node']} gets the key with fingerprint {entry['fingerprint']} (compare it"
            " with the node's operator by phone); the old key is kept for old signatures."
            " Sign and distribute the roster",
        )
    elif args.action == "remove":
        provision.remove_member(Path(args.dir), args.node)
        out(args, {"removed": args.node}, f"{args.node} removed; sign and distribute the roster")
    elif args.action == "sign":
        roster = provision.sign(Path(args.dir), Path(args.out), now=now)
        out(args, {"version": roster.version}, f"roster version {roster.version} -> {args.out}")
    elif args.action == "show":
        doc = provision.describe(Path(args.file).read_bytes())
        out(args, doc, lambda: _roster_text(doc))
    elif args.action == "import":
        node = offline_node(args)
        roster = node.rosters.import_roster(Path(args.file).read_bytes())
        out(args, {"version": roster.version}, f"roster version {roster.version} imported")


def _roster_text(doc: dict[str, Any]) -> str:
    return "\n".join(
        [f"{doc['federation']} version {doc['version']}"]
        + [
            f"  {m['node']:<16} {m['org']:<13} {m['fingerprint']}  {m['url']}"
            + (f"  serves {', '.join(m['serves'])}" if m["serves"] else "")
            for m in doc["members"]
        ]
    )


def cmd_run(args: argparse.Namespace) -> None:
    from node.app import run

    config, phrase = load_config(args)
    run(config, phrase)
