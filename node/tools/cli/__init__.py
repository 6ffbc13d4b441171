"""casusnet: set up and run a node, and hold a casusoverleg from the command line.

Every meeting command talks to the running node over its local API; every command
takes ``--json`` for scripts. Errors are one line with what to do, and exit 1
(2 for wrong usage). Documented in ``docs/cli.md``.

The commands live in one module per group (:mod:`.setup`, :mod:`.staff`,
:mod:`.meeting`, :mod:`.meldingen`, :mod:`.aanmelding`, :mod:`.requests`, :mod:`.audit`,
:mod:`.keys`, :mod:`.shielded`, :mod:`.notices`,
:mod:`.doctor`, :mod:`.tui`, and ``casusnet demo`` in :mod:`node.tools.demo`); each
adds its sub-parsers here.
"""

from __future__ import annotations

import argparse
import os
import sys
from types import ModuleType

from node.apiclient import ApiError, NodeUnreachable
from node.tools.cli.common import UsageError
from protocol.errors import CasusnetError


def groups(command: str | None = None) -> tuple[ModuleType, ...]:
    """The command groups, in the order ``casusnet --help`` lists them. For ``tui``
    alone its own group: the meeting instrument starts without loading every other
    command (the node's domain, the federation, the demo: most of a second)."""
    if command == "tui":
        from node.tools.cli import tui

        return (tui,)
    from node.tools import demo
    from node.tools.cli import (
        aanmelding,
        audit,
        doctor,
        keys,
        meeting,
        meldingen,
        notices,
        requests,
        setup,
        shielded,
        staff,
        transfer,
        tui,
    )

    return (
        setup, staff, meeting, meldingen, aanmelding, requests, transfer, audit, keys, doctor,
        tui, demo, shielded, notices,
    )  # fmt: skip


def command_of(argv: list[str]) -> str | None:
    """The sub-command named in ``argv``, past the global options (``--data DIR``)."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--data":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


HINTS = {
    "node.session": "log in again with `casusnet login --name NAME`",
    "node.auth": "check the name and passphrase",
    "node.passphrase": "check the passphrase (CASUSNET_PASSPHRASE)",
    "roster.authority": "compare the authority's fingerprint with the one pinned at init",
    "roster.stale": "ask the roster authority for the newest roster",
    "transport": "the partner is unreachable; delivery is retried automatically",
    "cli.undelivered": "check the partner with `casusnet doctor`; nothing is lost",
    "backup.key": "give the master key file (--master-key) or passphrase of this node",
    "backup.integrity": "use another copy of the backup",
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="casusnet", description=__doc__.splitlines()[0], allow_abbrev=False
    )
    p.add_argument("--data", help="the node's data dir (or CASUSNET_DATA)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    sub = p.add_subparsers(dest="command", required=True)
    for group in groups(command):
        group.add_parsers(sub)
    no_abbreviations(p)
    return p


def no_abbreviations(p: argparse.ArgumentParser) -> None:
    """No option is taken by a prefix (``--headles`` is not ``--headless``), on this
    parser and every sub-command's, however deep."""
    p.allow_abbrev = False
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                no_abbreviations(child)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser(command_of(argv)).parse_args(argv)
    try:
        args.func(args)
    except ApiError as exc:
        hint = HINTS.get(exc.remote_code, "")
        print(f"casusnet: {exc}" + (f"; {hint}" if hint else ""), file=sys.stderr)
        return 1
    except NodeUnreachable as exc:
        print(f"casusnet: {exc.user_text()} ({exc.detail})", file=sys.stderr)
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except UsageError as exc:
        print(f"casusnet: {exc.detail}", file=sys.stderr)
        return 2
    except CasusnetError as exc:
        hint = HINTS.get(exc.code, "")
        detail = f" ({exc.detail})" if exc.detail else ""
        print(
            f"casusnet: {exc.user_text()}{detail} [{exc.code}]" + (f"; {hint}" if hint else ""),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, KeyError) as exc:  # a file, a value or a field given wrong
        what = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        print(f"casusnet: {what}{where}", file=sys.stderr)
        return 1
    return 0
