"""The forced command of an SSH login to a node's host (``deploy/ssh``).

sshd runs ``python -m node.tools.ssh_gate SOCKET_DIR`` for every staff account in the
``casusnet`` group, whatever the account asked for; the command it asked for is in
``SSH_ORIGINAL_COMMAND``. Allowed are:

- nothing, or ``tui [--lang nl|en]``: the meeting instrument (``ssh -t anna@host``);
- ``export-plan ROOM [--name STAFF]``: the plan van aanpak as Markdown on standard output,
  exported and audited as ``casusnet room export`` does (``ssh anna@host export-plan
  CASE > plan.md``);
- ``plan ROOM [--name STAFF]``: the living plan as JSON (``casusnet room plan --json``);
- ``rooms [--name STAFF]``: the rooms of the staff member as JSON.

The export commands log in first: the staff name is the OS account's unless ``--name``
says otherwise, the passphrase is read from standard input (a line; the prompt goes to
standard error, so the output stays clean), and the session is ended afterwards.
Anything else (a shell, ``scp``, ``sftp``, another program) is refused.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from node.apiclient import ApiClient
from node.config import SOCKET_NAME
from node.domain.exports import render_markdown
from node.tools.cli.common import resolve_room, secret
from protocol.errors import CasusnetError

EXPORTS = ("export-plan", "plan", "rooms")
REFUSED = 2


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m node.tools.ssh_gate SOCKET_DIR", file=sys.stderr)
        return REFUSED
    home = Path(args[0])
    try:
        words = shlex.split(os.environ.get("SSH_ORIGINAL_COMMAND", ""))
    except ValueError:
        words = ["?"]
    if not words or words[0] == "tui":
        return _tui(home, words[1:])
    if words[0] in EXPORTS:
        try:
            return _export(home, words)
        except CasusnetError as exc:
            print(f"casusnet: {exc}", file=sys.stderr)
            return 1
    print(
        "casusnet: this login opens the casusnet TUI; other commands allowed: "
        + ", ".join(f"{c} ..." for c in EXPORTS if c != "rooms")
        + ", rooms",
        file=sys.stderr,
    )
    return REFUSED


def _tui(home: Path, words: list[str]) -> int:
    lang = os.environ.get("CASUSNET_LANG") or "nl"
    if words:
        if len(words) != 2 or words[0] != "--lang" or words[1] not in ("nl", "en"):
            print("casusnet: tui [--lang nl|en]", file=sys.stderr)
            return REFUSED
        lang = words[1]
    from tui.app import run  # textual: loaded only for the TUI

    return run(home, lang)


def _export(home: Path, words: list[str]) -> int:
    command, rest = words[0], words[1:]
    name = pwd.getpwuid(os.getuid()).pw_name
    if len(rest) >= 2 and rest[-2] == "--name":
        name, rest = rest[-1], rest[:-2]
    if len(rest) != (0 if command == "rooms" else 1) or any(w.startswith("-") for w in rest):
        print(f"casusnet: {command}{'' if command == 'rooms' else ' ROOM'} [--name STAFF]",
              file=sys.stderr)  # fmt: skip
        return REFUSED
    socket = home / SOCKET_NAME
    passphrase = secret(f"Passphrase for {name}: ", "CASUSNET_STAFF_PASSPHRASE")
    token = ApiClient(socket).post("/v1/login", {"name": name, "passphrase": passphrase})["token"]
    api = ApiClient(socket, token)
    try:
        sys.stdout.write(COMMANDS[command](api, rest))
    finally:
        api.post("/v1/logout")
    return 0


def _export_plan(api: ApiClient, rest: list[str]) -> str:
    doc = api.post(f"/v1/rooms/{resolve_room(api, rest[0])}/plan/export", {})
    return render_markdown(doc, int(time.time()))


def _plan(api: ApiClient, rest: list[str]) -> str:
    return _json(api.get(f"/v1/rooms/{resolve_room(api, rest[0])}/plan"))


def _rooms(api: ApiClient, rest: list[str]) -> str:
    return _json(api.get("/v1/rooms"))


def _json(doc: Any) -> str:
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


COMMANDS: dict[str, Callable[[ApiClient, list[str]], str]] = {
    "export-plan": _export_plan,
    "plan": _plan,
    "rooms": _rooms,
}


if __name__ == "__main__":
    raise SystemExit(main())
