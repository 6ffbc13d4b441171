"""``casusnet demo``: a six-partner demo federation on one machine.

Sets up a roster authority and six nodes (gemeente as chair, politie, OM, ZVH,
reclassering, GGZ) under one folder, starts them as ``casusnet run`` processes and
opens the chair's TUI; or, with ``--headless``, holds a whole casusoverleg as a script
through each node's local API and shows what happened. Documented in ``docs/cli.md``
(section 8).

The parts: :mod:`.folder` (the partners and the demo folder), :mod:`.processes` (the
node processes), :mod:`.session` and :mod:`.script` (the headless meeting),
:mod:`.report` (what is printed), :mod:`.texts` (the words). The command line adds
this command through :func:`add_parsers`; the demo does not import the CLI.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from node.tools.demo.folder import (
    CHAIR,
    MARKER,
    NODES,
    DemoError,
    load_state,
    parse_addrs,
    reset,
    running_nodes,
    setup,
)
from node.tools.demo.processes import CASUSNET, Federation, node_env, tui_command
from node.tools.demo.report import headless, staff_table
from node.tools.demo.texts import TEXT


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``casusnet demo`` to the command line's sub-commands."""
    s = sub.add_parser("demo", help="a six-partner demo federation on this machine")
    s.add_argument("--dir", default="demo", help="the demo's folder (default ./demo)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--reset", action="store_true", help="delete the demo and set it up afresh")
    g.add_argument("--reuse", action="store_true", help="reuse the existing demo")
    s.add_argument(
        "--headless", action="store_true", help="hold the whole meeting as a script, no TUI"
    )
    s.add_argument(
        "--attach",
        action="store_true",
        help="run the headless meeting against nodes already running from --dir",
    )
    s.add_argument(
        "--no-tui", action="store_true", help="start the nodes and keep them running until Ctrl-C"
    )
    s.add_argument(
        "--setup-only", action="store_true", help="set up the demo folder, start nothing"
    )
    s.add_argument(
        "--addr",
        action="append",
        metavar="NODE=HOST:PORT",
        help="with --setup-only: each node's listen address and URL (give all six)",
    )
    s.add_argument("--lang", choices=["nl", "en"], default="nl", help="language of the TUI")
    s.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for each step (default 30)"
    )
    s.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> None:
    code = main(args)
    if code:
        raise SystemExit(code)


def main(args: argparse.Namespace) -> int:
    t = TEXT[args.lang]
    directory = Path(args.dir).resolve()
    if args.addr and not args.setup_only:
        raise DemoError("--addr goes with --setup-only")
    addrs = parse_addrs(args.addr)  # before anything is changed

    if args.attach:
        state = load_state(directory)
        if state is None:
            raise DemoError(t["no_demo"].format(dir=directory))
        Federation(directory).wait_ready(args.timeout)
        return headless(directory, state, args.lang, args.timeout)

    state = _set_up_or_reuse(args, directory, addrs)
    if args.setup_only:
        print(staff_table(state, passphrases=False))
        print(t["setup_only"].format(dir=directory))
        return 0
    return _run(args, directory, state)


def _set_up_or_reuse(
    args: argparse.Namespace, directory: Path, addrs: dict[str, str] | None
) -> dict[str, Any]:
    """The demo's state: the existing demo's when it is to be reused, else a new one."""
    t = TEXT[args.lang]
    state = load_state(directory)
    if state is not None and not args.reset and not args.reuse and not args.setup_only:
        if sys.stdin.isatty():
            answer = input(t["ask"]).strip().lower()
            args.reset = answer.startswith(("o", "n"))
    if args.reset or args.setup_only:
        reset(directory, args.lang)
        state = None
    elif state is None and directory.exists() and not (directory / MARKER).exists():
        if any(directory.iterdir()):
            raise DemoError(t["not_demo"].format(dir=directory))
    elif state is None:
        reset(directory, args.lang)  # an interrupted set-up: start afresh
    if state is not None:
        busy = running_nodes(directory)
        if busy:
            raise DemoError(t["running"].format(dir=directory, nodes=", ".join(busy)))
        print(t["reused"].format(dir=directory), flush=True)
        return state
    start = time.monotonic()
    state = setup(directory, addrs)
    print(t["created"].format(dir=directory, secs=time.monotonic() - start), flush=True)
    return state


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _run(args: argparse.Namespace, directory: Path, state: dict[str, Any]) -> int:
    """Start the six nodes, then the headless meeting, the chair's TUI or just wait;
    the nodes are stopped in order however this ends (SIGTERM counts as Ctrl-C)."""
    t = TEXT[args.lang]
    federation = Federation(directory)
    old_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        start = time.monotonic()
        federation.start()
        federation.wait_ready(max(args.timeout, 20.0))
        print(banner(t["ready"].format(dir=directory, secs=time.monotonic() - start)), flush=True)
        if args.headless:
            return headless(directory, state, args.lang, args.timeout)
        _print_accounts(args, directory, state)
        if args.no_tui:
            print(t["serving"], flush=True)
            _watch(federation)
        return _chair_tui(args, directory, state)
    except KeyboardInterrupt:
        print(f"\n{t['interrupted']}", file=sys.stderr, flush=True)
        return 130
    finally:
        print(t["stopping"], file=sys.stderr, flush=True)
        federation.stop()
        signal.signal(signal.SIGTERM, old_term)
        print(t["stopped"], file=sys.stderr, flush=True)


def _print_accounts(args: argparse.Namespace, directory: Path, state: dict[str, Any]) -> None:
    """The demo accounts, and how to open another partner's TUI, each line wrapped at
    words to the terminal's width."""
    t = TEXT[args.lang]
    lines = [t["table"].format(dir=directory), staff_table(state), t["others"]]
    command = tui_command()
    for node in NODES[1:]:
        who = state["nodes"][node]
        lines.append(
            f"  {command} tui --node {directory / node}    ({who['staff']} / {who['passphrase']})"
        )
    print(banner("\n".join(lines)), flush=True)


def banner(text: str, width: int | None = None) -> str:
    """``text`` with every line longer than the terminal broken between words (its
    continuation indented under the line's own indent + 4); a word longer than a line
    (a path) stays whole on a line of its own."""
    import shutil
    import textwrap

    width = width or shutil.get_terminal_size((80, 24)).columns
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(
            line.strip(),
            width,
            initial_indent=indent,
            subsequent_indent=indent + "    ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(out)


def _watch(federation: Federation) -> NoReturn:
    """Until Ctrl-C (or SIGTERM); a node that stops ends the demo."""
    while True:
        for node, proc in federation.procs.items():
            if proc.poll() is not None:
                raise DemoError(f"{node} stopped (exit {proc.returncode})")
        time.sleep(0.5)


def _chair_tui(args: argparse.Namespace, directory: Path, state: dict[str, Any]) -> int:
    """The chair's TUI in this terminal, logged-in hint included; its exit code."""
    lang = ["--lang", args.lang]
    chair = state["nodes"][CHAIR]
    hint = {"CASUSNET_LOGIN_HINT": f"demo: {chair['staff']} / {chair['passphrase']}"}
    tui = subprocess.Popen(
        [*CASUSNET, "tui", "--node", str(directory / CHAIR), *lang],
        env={**node_env(), **hint},
    )
    try:
        return tui.wait()
    except KeyboardInterrupt:
        try:
            tui.wait(timeout=3)
        except subprocess.TimeoutExpired:
            tui.terminate()
            tui.wait()
        raise
