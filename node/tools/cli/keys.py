"""The node's keys and data at rest: ``casusnet key rotate``, ``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import nacl.utils

from node.store import keystore
from node.tools import backup, provision
from node.tools.cli.common import (
    ROTATE_FILE,
    Subparsers,
    data_dir,
    load_config,
    out,
    secret,
)


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("key", help="rotate the node's identity keys")
    s.add_argument("action", choices=["rotate"])
    s.set_defaults(func=cmd_key)

    s = sub.add_parser("backup", help="a consistent backup of the node (without the master key)")
    s.add_argument("--to", required=True, help="the bundle to write (mode 0600)")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="restore a backup into an empty data dir")
    s.add_argument(
        "--from",
        dest="bundle",
        metavar="FROM",
        required=True,
        help="the bundle made by `casusnet backup`",
    )
    s.add_argument("--master-key", help="the node's master key file, kept apart")
    s.add_argument("--force", action="store_true", help="restore into a non-empty data dir")
    s.set_defaults(func=cmd_restore)


def cmd_key(args: argparse.Namespace) -> None:
    config, phrase = load_config(args)
    master = keystore.load_master(config, phrase)
    current = keystore.load_identity(config, master)
    identity, made = keystore.prepare_rotation(config, master, nacl.utils.random)
    entry = provision.member_entry(config.node_id, config.org, config.public_url, identity)
    path = data_dir(args) / ROTATE_FILE
    path.write_text(json.dumps(entry, indent=1) + "\n")
    doc = {**entry, "previous": current.fingerprint, "new": made, "file": str(path)}
    out(
        args,
        doc,
        lambda: (
            f"{'new' if made else 'pending'} key for {config.node_id}\n"
            f"fingerprint: {entry['fingerprint']} (was {current.fingerprint})\n"
            f"give {path} to the roster authority (`casusnet roster rotate`); the node keeps"
            " signing with the old key until it imports the roster that lists the new one"
        ),
    )


def cmd_backup(args: argparse.Namespace) -> None:
    config, phrase = load_config(args)
    master = keystore.load_master(config, phrase)
    header = backup.make_backup(config, master, Path(args.to), now=int(time.time()))
    out(
        args,
        {"file": args.to, **header},
        f"backup of {header['node']} -> {args.to} ({header['payload_size']} bytes); "
        "keep the master key apart from it",
    )


def cmd_restore(args: argparse.Namespace) -> None:
    bundle = Path(args.bundle)
    header, _ = backup.read_header(bundle.read_bytes()) if bundle.exists() else ({}, b"")
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE")
        if header.get("master") == "passphrase"
        else None
    )
    doc = backup.restore(
        bundle,
        data_dir(args),
        key_file=Path(args.master_key) if args.master_key else None,
        passphrase=phrase,
        force=args.force,
    )
    out(
        args,
        doc,
        f"{doc['node']} restored into {data_dir(args)} from the backup of "
        f"{dt.datetime.fromtimestamp(doc['created']).isoformat(timespec='seconds')}; "
        "start it with `casusnet run`: it catches up with its partners",
    )
