"""Real node processes on loopback, set up and driven through the `casusnet` CLI."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CASUSNET = [sys.executable, "-m", "node.tools.cli"]
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks import this module too
    sys.path.insert(0, str(ROOT))

from node import ports  # noqa: E402

# Timers shortened through the environment, as real-time-scale tests need.
FAST = {
    "CASUSNET_BACKOFF_BASE": "0.2",
    "CASUSNET_BACKOFF_CAP": "1.0",
    "CASUSNET_RETENTION_EVERY": "0.5",
}


def free_port() -> int:
    return ports.free_port()


class CliError(Exception):
    def __init__(self, args: list[str], code: int, stderr: str) -> None:
        self.code, self.stderr = code, stderr
        super().__init__(f"casusnet {' '.join(args)} exited {code}: {stderr.strip()}")


@dataclass
class Cluster:
    root: Path
    nodes: dict[str, str]  # node id -> organisation type
    env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {**os.environ, **FAST, "PYTHONPATH": str(ROOT), **self.env}
        self.env.pop("CASUSNET_DATA", None)

    # -- running commands ----------------------------------------------------------

    def cli(
        self,
        node: str | None,
        *args: str,
        stdin: str = "",
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        prefix = ["--data", str(self.data(node))] if node else []
        result = subprocess.run(
            [*CASUSNET, *prefix, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=60,
            cwd=ROOT,
        )
        if check and result.returncode != 0:
            raise CliError(list(args), result.returncode, result.stderr)
        return result

    def json(self, node: str, *args: str, stdin: str = "") -> Any:
        return json.loads(self.cli(node, "--json", *args, stdin=stdin).stdout)

    def data(self, node: str | None) -> Path:
        return self.root / str(node)

    # -- set-up ----------------------------------------------------------------------

    def setup(self) -> None:
        auth = self.root / "authority"
        self.cli(None, "roster", "create", "--dir", str(auth), "--federation", "testregio")
        roster = self.root / "roster.msgpack"
        for node, org in self.nodes.items():
            self.ports[node] = free_port()
            self.cli(
                node,
                "init",
                "--node",
                node,
                "--org",
                org,
                "--listen",
                f"127.0.0.1:{self.ports[node]}",
                "--url",
                f"http://127.0.0.1:{self.ports[node]}",
                "--roster",
                str(roster),
                "--authority-file",
                str(auth / "authority.pub"),
            )
            self.cli(
                None,
                "roster",
                "add",
                "--dir",
                str(auth),
                "--member",
                str(self.data(node) / "member.json"),
                "--name",
                f"{org.upper()} Testregio",
                *self._serves(org),
            )
        self.cli(None, "roster", "sign", "--dir", str(auth), "--out", str(roster))

    def _serves(self, org: str) -> list[str]:
        """Politie and OM serve every gemeente of the test federation."""
        gemeenten = sorted(n for n, o in self.nodes.items() if o == "gemeente")
        return ["--serves", ",".join(gemeenten)] if org in ("politie", "om") and gemeenten else []

    def add_staff(self, node: str, name: str, function: str) -> None:
        self.cli(
            node,
            "staff",
            "add",
            "--name",
            name,
            "--function",
            function,
            "--intake",
            *(["--capacity", "burgemeester"] if self.nodes[node] == "gemeente" else []),
            env={"CASUSNET_STAFF_PASSPHRASE": f"wachtwoord-van-{name}"},
        )

    def staff_logged_in(self, staff: dict[str, tuple[str, str]]) -> None:
        """A staff member (name, function) at each node, logged in for the CLI."""
        for node, (name, function) in staff.items():
            self.add_staff(node, name, function)
            self.login(node, name)

    def login(self, node: str, name: str) -> None:
        self.cli(
            node,
            "login",
            "--name",
            name,
            env={"CASUSNET_STAFF_PASSPHRASE": f"wachtwoord-van-{name}"},
        )

    # -- processes -------------------------------------------------------------------

    def start(self, node: str, extra_env: dict[str, str] | None = None) -> None:
        log = open(self.root / f"{node}.log", "ab")  # noqa: SIM115
        self.procs[node] = subprocess.Popen(
            [*CASUSNET, "--data", str(self.data(node)), "run"],
            stdout=log,
            stderr=log,
            env={**self.env, **(extra_env or {})},
            cwd=ROOT,
        )
        self.wait_healthy(node)

    def start_all(self) -> None:
        try:
            for node in self.nodes:
                self.start(node)
        except BaseException:  # the fixtures' finally is not reached yet: leave none running
            self.stop_all()
            raise

    def wait_healthy(self, node: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.ports[node]}/v1/health"
        sock = self.data(node) / "api.sock"
        while time.monotonic() < deadline:
            proc = self.procs.get(node)
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(
                    f"{node} exited: {(self.root / f'{node}.log').read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200 and sock.exists():
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{node} did not come up")

    def stop(self, node: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(node, None)
        if proc is None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def stop_all(self) -> None:
        for node in list(self.procs):
            self.stop(node)

    # -- waiting for outcomes -------------------------------------------------------------

    def wait_for(self, what: str, check: Any, timeout: float = 30, every: float = 0.2) -> Any:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except CliError as exc:
                last = exc
            if last and not isinstance(last, Exception):
                return last
            time.sleep(every)
        raise TimeoutError(f"waited {timeout}s for {what}; last: {last!r}")

    def open_pga_room(self, case: str, staff: dict[str, str], named: tuple[str, ...] = ()) -> None:
        """Staff at every node, a PGA-R room convened by gemeente with politie and OM
        invited, and the intake done (its samenstelling names ``named``): the room is
        open at every node."""
        for node, name in staff.items():
            self.add_staff(node, name, f"functie {node}")
            self.login(node, name)
        self.cli("gemeente", "room", "convene", "--case", case, "--bases", "pga-r,wpg-20,wjsg-39fb")
        self.cli("gemeente", "room", "invite", case, "politie")
        self.cli("gemeente", "room", "invite", case, "om")
        self.wait_for("members", lambda: len(self.room("om", case)["members"]) == 3)
        self.intake("gemeente", case, named=named)

    # -- the intake (Wet PGA art. 5) ---------------------------------------------------------

    def assess(self, node: str, room: str, verdict: str = "voorleggen", *more: str) -> None:
        """``node``'s sealed assessment (``more``: further arguments, e.g. its reasoning)."""
        reasoning = () if "--reasoning" in more else ("--reasoning", f"Weging van {node}.")
        self.cli(node, "room", "assess", room, "--verdict", verdict,
                 "--score", "ideologie=2", "--score", "geweldsbereidheid=onbekend",
                 *reasoning, *more)  # fmt: skip

    def rule(self, chair: str, room: str, *args: str) -> int:
        """The chair proposes a ruling (``args``: ``--stage ...``); returns its seq."""
        if "--reasoning" not in args:
            args = (*args, "--reasoning", "Eensluidend besluit van de intake.")
        return int(self.json(chair, "room", "rule", room, *args)["seq"])

    def endorse(self, room: str, seq: int, deciders: tuple[str, ...]) -> None:
        """Each of ``deciders`` endorses ruling ``seq`` once its node holds it."""
        for node in deciders:
            self.wait_for(
                f"ruling {seq} at {node}",
                lambda n=node: (self.room(n, room).get("ruling") or {}).get("seq") == seq,  # type: ignore[misc]
            )
            self.cli(node, "room", "endorse", room, "--ruling", str(seq))
        self.wait_for(
            f"ruling {seq} in force",
            lambda: all(self.room(n, room)["ruling"]["in_force"] for n in deciders),
        )

    def intake(
        self,
        chair: str,
        room: str,
        *,
        deciders: tuple[str, ...] = ("gemeente", "politie", "om"),
        named: tuple[str, ...] = (),
    ) -> None:
        """A positive intake: ``deciders`` assess and endorse the beoordeling
        ``voorleggen``, then a samenstelling naming ``named`` (``node`` a deelnemer,
        ``node=reason`` a derde); the room is open at every decider afterwards."""
        for node in deciders:
            self.assess(node, room)
        self.wait_for(
            "the assessments at the chair",
            lambda: len(self.room(chair, room)["assessments"]) == len(set(deciders)),
        )
        seq = self.rule(chair, room, "--stage", "beoordeling", "--outcome", "voorleggen")
        self.endorse(room, seq, deciders)
        names: list[str] = []
        for n in named:
            names += ["--derde", n] if "=" in n else ["--deelnemer", n]
        seq = self.rule(chair, room, "--stage", "samenstelling", *names)
        self.endorse(room, seq, deciders)
        self.wait_for(
            "open room", lambda: all(self.room(n, room)["phase"] == "open" for n in deciders)
        )

    # -- the closure (Wet PGA art. 6 lid 3; Wgs art. 2.31 lid 8) --------------------------------

    def propose_close(self, chair: str, room: str, outcome: str = "afgesloten") -> int | None:
        """The chair closes ``room``: in an open room whose deelnemers decide it, this
        proposes the closure with a closing note and returns the ruling's seq; else the
        room closes at once (None)."""
        note = "Evaluatie: de maatregelen zijn uitgevoerd; de zorgen zijn afgenomen."
        doc = self.json(chair, "room", "close", room, "--outcome", outcome, "--note", note)
        return int(doc["seq"]) if doc.get("proposed") else None

    def signers(self, chair: str, room: str) -> list[str]:
        """A member node per organisation that must still sign the pending ruling (the
        gemeente van verblijf for the gemeente)."""
        doc = self.room(chair, room)
        ruling = doc["ruling"]
        waiting = set(ruling["required"]) - set(ruling["endorsed"])
        nodes = {}
        for m in sorted(doc["members"], key=lambda m: not m["verblijf"]):
            if m["org"] in waiting and m["role"] == "deelnemer" and not m.get("on_behalf"):
                nodes.setdefault(m["org"], m["node"])
        return sorted(nodes.values())

    def close(self, chair: str, room: str, outcome: str = "afgesloten") -> None:
        """Close ``room``: the chair proposes, every deelnemer organisation at the table
        signs (``room endorse``), and the chair's node closes; waits for the close at
        the chair."""
        seq = self.propose_close(chair, room, outcome)
        if seq is not None:
            for node in self.signers(chair, room):
                self.wait_for(
                    f"closure {seq} at {node}",
                    lambda n=node: (self.room(n, room).get("ruling") or {}).get("seq") == seq,  # type: ignore[misc]
                )
                self.cli(node, "room", "endorse", room, "--ruling", str(seq))
        self.wait_for("the close at the chair", lambda: self.room(chair, room)["phase"] == "closed")

    def room(self, node: str, room: str) -> dict[str, Any]:
        return dict(self.json(node, "room", "show", room))


@contextlib.contextmanager
def pga_room(
    root: Path,
    nodes: dict[str, str],
    case: str,
    staff: dict[str, str],
    named: tuple[str, ...] = (),
) -> Iterator[Cluster]:
    """A running federation with an open PGA-R room (``Cluster.open_pga_room``),
    stopped afterwards whatever happens."""
    c = Cluster(root, dict(nodes))
    c.setup()
    c.start_all()
    try:
        c.open_pga_room(case, staff, named)
        yield c
    finally:
        c.stop_all()


@contextlib.contextmanager
def staffed(root: Path, nodes: dict[str, str]) -> Iterator[Cluster]:
    """A running federation with a staff member ``mw-NODE`` (intake role) logged in at
    every node, stopped afterwards whatever happens."""
    c = Cluster(root, dict(nodes))
    c.setup()
    c.start_all()
    try:
        for node in nodes:
            c.add_staff(node, f"mw-{node}", f"functie {node}")
            c.login(node, f"mw-{node}")
        yield c
    finally:
        c.stop_all()
