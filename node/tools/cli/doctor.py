"""``casusnet doctor``: the checks of :mod:`node.tools.doctor`, one line each."""

from __future__ import annotations

import argparse

from node.tools.cli.common import Subparsers, data_dir, out
from node.tools.doctor import doctor


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser("doctor", help="check config, keys, roster and peers")
    s.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> None:
    checks = doctor(data_dir(args))
    ok = all(c["ok"] for c in checks)
    out(
        args,
        {"ok": ok, "checks": checks},
        lambda: "\n".join(
            f"{'ok ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}" for c in checks
        ),
    )
    if not ok:
        raise SystemExit(1)
