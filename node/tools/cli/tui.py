"""``casusnet tui``: the meeting instrument, started on a node's data dir."""

from __future__ import annotations

import argparse
import os

from node.tools.cli.common import Subparsers, data_dir


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("tui", help="the meeting instrument (terminal UI)")
    s.add_argument("--node", help="the node's data dir (default: --data or CASUSNET_DATA)")
    s.add_argument("--lang", choices=["nl", "en"], help="language (default nl)")
    s.set_defaults(func=cmd_tui)


def cmd_tui(args: argparse.Namespace) -> None:
    from tui.app import run  # textual: loaded only for this command

    code = run(args.node or data_dir(args), args.lang or os.environ.get("CASUSNET_LANG"))
    if code:
        raise SystemExit(code)
