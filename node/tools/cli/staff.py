"""Staff accounts: ``casusnet staff add`` (offline) and ``casusnet login``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from node.domain.staff import ROLES
from node.tools import provision
from node.tools.cli.common import (
    SESSION_FILE,
    Subparsers,
    client,
    data_dir,
    offline_node,
    out,
    secret,
)


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("staff", help="local staff accounts")
    s.add_argument("action", choices=["add"])
    s.add_argument("--name", required=True)
    s.add_argument("--function", required=True, help="function label others see")
    s.add_argument("--intake", action="store_true", help="gets new rooms assigned")
    s.add_argument(
        "--capacity",
        help="the capacity the account acts in (a gemeente: burgemeester or college)",
    )
    s.add_argument(
        "--role",
        action="append",
        default=[],
        choices=sorted(ROLES),
        help="a role the account holds (repeatable)",
    )
    s.add_argument(
        "--os-user",
        help="the operating-system account (in the casusnet group) it logs in from over SSH;"
        " a login from any other account is refused",
    )
    s.set_defaults(func=cmd_staff)

    s = sub.add_parser("login", help="log in as a staff member")
    s.add_argument("--name", required=True)
    s.set_defaults(func=cmd_login)


def cmd_staff(args: argparse.Namespace) -> None:
    node = offline_node(args)
    passphrase = secret(f"Passphrase for {args.name}: ", "CASUSNET_STAFF_PASSPHRASE")
    member = provision.add_staff(
        node,
        args.name,
        args.function,
        passphrase,
        intake=args.intake,
        capacity=args.capacity,
        roles=args.role,
        os_user=args.os_user,
    )
    acting = f", as {member.capacity}" if member.capacity else ""
    out(
        args,
        {
            "name": member.name,
            "function": member.function,
            "capacity": member.capacity,
            "roles": sorted(member.roles),
        },
        f"staff member {member.name} ({member.function}{acting}) added",
    )


def cmd_login(args: argparse.Namespace) -> None:
    api = client(args, login=False)
    passphrase = secret(f"Passphrase for {args.name}: ", "CASUSNET_STAFF_PASSPHRASE")
    doc = api.post("/v1/login", {"name": args.name, "passphrase": passphrase})
    path = Path(os.environ.get("CASUSNET_SESSION", data_dir(args) / SESSION_FILE))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(doc["token"] + "\n")
    doc.pop("token")
    out(args, doc, f"logged in as {doc['name']} ({doc['function']}) at {doc['node']}")
