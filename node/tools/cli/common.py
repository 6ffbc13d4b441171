"""What every ``casusnet`` command uses: the data dir, secrets, the API client, output."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from node.apiclient import ApiClient
from node.config import Config, load
from protocol.errors import CasusnetError

if TYPE_CHECKING:
    from node.domain.node import Node

#: what ``add_subparsers()`` gives; each command module adds its commands to it
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

SESSION_FILE = "session.token"
ROTATE_FILE = "member-rotate.json"


class Undelivered(CasusnetError):
    """The share is stored and will be delivered when the partner is reachable again."""

    code = "cli.undelivered"


class UsageError(CasusnetError):
    """The command is incomplete; see `casusnet --help`."""

    code = "cli.usage"


def data_dir(args: argparse.Namespace) -> Path:
    value = args.data or os.environ.get("CASUSNET_DATA")
    if not value:
        raise UsageError("give the node's data dir with --data or CASUSNET_DATA")
    return Path(value)


def secret(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        raise UsageError(f"no passphrase given (stdin or {env})")
    return line


def master_passphrase(config: Config) -> str | None:
    """The passphrase of the node's master key, when it has one (else None)."""
    if config.master != "passphrase":
        return None
    return secret("Passphrase: ", "CASUSNET_PASSPHRASE")


def load_config(args: argparse.Namespace) -> tuple[Config, str | None]:
    """The node's configuration and, when its master key needs one, the passphrase."""
    config = load(data_dir(args))
    return config, master_passphrase(config)


def offline_node(args: argparse.Namespace) -> Node:
    """The node opened from its data dir, for commands that work without the daemon."""
    from node.app import open_node

    config, phrase = load_config(args)
    return open_node(config, phrase)


def client(args: argparse.Namespace, login: bool = True) -> ApiClient:
    base = data_dir(args)
    token = None
    if login:
        path = Path(os.environ.get("CASUSNET_SESSION", base / SESSION_FILE))
        try:
            token = path.read_text().strip()
        except OSError:
            raise UsageError("not logged in: run `casusnet login --name NAME` first") from None
    return ApiClient(base / "api.sock", token)


def resolve_room(api: ApiClient, ref: str) -> str:
    rooms = api.get("/v1/rooms")["rooms"]
    hits = [r for r in rooms if r["room"].startswith(ref.lower()) or r["case_ref"] == ref]
    if len(hits) != 1:
        raise UsageError(f"{ref}: {'no' if not hits else 'more than one'} room of yours matches")
    return str(hits[0]["room"])


def local_zone() -> dt.tzinfo:
    """Dates without an offset are Dutch time (CASUSNET_TZ overrides)."""
    name = os.environ.get("CASUSNET_TZ", "Europe/Amsterdam")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r} (CASUSNET_TZ)") from None


def parse_time(value: str | None) -> int:
    if not value:
        return int(time.time())
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value}: give a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return int(moment.timestamp())


def need(args: argparse.Namespace, *names: str) -> None:
    """Refuse a command that lacks what its action needs."""
    missing = [n for n in names if getattr(args, n, None) in (None, "")]
    if missing:
        labels = {"room": "ROOM", "file": "FILE", "node": "NODE (or --node)"}
        flags = ", ".join(labels.get(n, f"--{n.replace('_', '-')}") for n in missing)
        raise UsageError(f"{args.command} {getattr(args, 'action', '')}: give {flags}")


def csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def out(args: argparse.Namespace, doc: Any, text: str | Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(doc, indent=1, sort_keys=True))
    else:
        print(text() if callable(text) else text)
