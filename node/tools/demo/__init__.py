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

import node.tools.demo.procfs as procfs
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
from node.tools.demo.processes import (
    CASUSNET,
    STOP_TIMEOUT,
    Federation,
    Stopped,
    demo_running,
    leftovers,
    mark_running,
    node_env,
    tui_command,
    unmark_running,
)
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

    clear_the_way(args, directory)
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


def clear_the_way(args: argparse.Namespace, directory: Path) -> None:
    """Before the demo starts or resets: another demo that runs from ``directory``
    is left alone (use ``--attach`` against it); nodes left running from an earlier
    demo (restarted by hand, say) are stopped, and said so; a port some other
    program holds is named with what to do."""
    t = TEXT[args.lang]
    if not (directory / MARKER).exists():
        return
    other = demo_running(directory)
    if other is not None:
        key = "use_attach" if args.headless else "demo_running"
        raise DemoError(t[key].format(dir=directory, pid=other))
    found = leftovers(directory)
    strangers = [h for h in found if not h.is_node]
    if strangers:
        raise DemoError(
            t["port_taken"].format(
                dir=directory, what=", ".join(f"{h.node} (pid {h.pid})" for h in strangers)
            )
        )
    nodes = [h for h in found if h.is_node]
    if nodes:
        still = procfs.stop_pids([h.pid for h in nodes], STOP_TIMEOUT)
        stopped = [h for h in nodes if h.pid not in still]
        if stopped:
            print(banner(t["leftovers_stopped"].format(nodes=_pids(stopped))), flush=True)
        if still:
            left = [h for h in nodes if h.pid in still]
            raise DemoError(
                t["not_stopped"].format(nodes=_pids(left), pids=" ".join(str(h.pid) for h in left))
            )
    for address in procfs.addresses(directory):
        if procfs.port_taken(address.port):  # held by a process this user cannot see
            raise DemoError(
                t["port_taken"].format(
                    dir=directory, what=f"{address.node} (127.0.0.1:{address.port})"
                )
            )


def _pids(holders: list[procfs.Holder]) -> str:
    return ", ".join(f"{h.node} (pid {h.pid})" for h in holders)


def said_stopped(report: Stopped, lang: str) -> str:
    """What ``Federation.stop`` stopped, truthfully: the demo's nodes, the nodes it
    found restarted by hand, and what still runs (with the pids to stop)."""
    t = TEXT[lang]
    lines: list[str] = []
    if report.started or report.by_hand:
        gone = [h for h in report.by_hand if h not in report.left]
        names = list(report.started) + [t["by_hand"].format(node=h.node, pid=h.pid) for h in gone]
        key = "stopped_nodes" if report.left else "stopped_all"
        lines.append(t[key].format(nodes=", ".join(names)))
    else:
        lines.append(t["none_running"])
    if report.left:
        lines.append(
            t["not_stopped"].format(
                nodes=_pids(report.left), pids=" ".join(str(h.pid) for h in report.left)
            )
        )
    return banner("\n".join(lines))


def _interrupt(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _run(args: argparse.Namespace, directory: Path, state: dict[str, Any]) -> int:
    """Start the six nodes, then the headless meeting, the chair's TUI or just wait;
    the nodes are stopped in order however this ends (SIGTERM counts as Ctrl-C)."""
    t = TEXT[args.lang]
    federation = Federation(directory)
    old_term = signal.signal(signal.SIGTERM, _interrupt)
    mark_running(directory)  # a second demo from this folder attaches instead
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
        report = federation.stop()
        unmark_running(directory)
        signal.signal(signal.SIGTERM, old_term)
        print(said_stopped(report, args.lang), file=sys.stderr, flush=True)


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
