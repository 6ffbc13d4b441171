"""``casusnet demo``: a six-partner demo federation on one machine.

Sets up a roster authority and six nodes (gemeente as chair, politie, OM, ZVH,
reclassering, GGZ) under one folder, starts them as ``casusnet run`` processes and
opens the chair's TUI; or, with ``--headless``, holds a whole casusoverleg as a script
through each node's local API and shows what happened. Documented in ``docs/cli.md``
(section 8).

The folder holds ``demo.json`` (addresses, staff names and the demo passphrases, mode
0600), ``authority/``, ``roster.msgpack`` and a data dir per node with its log in
``node.log``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import node as node_package
from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.ports import free_port
from node.tools import provision
from protocol.errors import CasusnetError

T = TypeVar("T")

#: the source tree the node processes run (the folder that holds ``node/``)
ROOT = Path(node_package.__file__).resolve().parents[1]
CASUSNET = [sys.executable, "-m", "node.tools.cli"]
STATE = "demo.json"
MARKER = ".casusnet-demo"  # written first: a folder with it may be deleted by --reset
FEDERATION = "demoregio"
CHAIR = "gemeente"
STOP_TIMEOUT = 10.0

# Shortened timers, so that delivery and closure in the demo are prompt (as in the
# federation tests).
FAST = {
    "CASUSNET_BACKOFF_BASE": "0.2",
    "CASUSNET_BACKOFF_CAP": "1.0",
    "CASUSNET_RETENTION_EVERY": "0.5",
}


@dataclass(frozen=True)
class Partner:
    node: str
    display: str  # the organisation's name in the roster
    staff: str
    function: str


PARTNERS = (
    Partner("gemeente", "Gemeente Demostad", "anna", "aandachtsfunctionaris radicalisering"),
    Partner("politie", "Politie Eenheid Demoland", "piet", "wijkagent"),
    Partner("om", "OM Arrondissement Demoland", "olga", "officier van justitie"),
    Partner("zvh", "Zorg- en Veiligheidshuis Demoland", "zeynep", "procesregisseur"),
    Partner("reclassering", "Reclassering Demoland", "rob", "reclasseringswerker"),
    Partner("ggz", "GGZ Demoland", "greet", "psychiater"),
)
NODES = tuple(p.node for p in PARTNERS)
DEELNEMERS = ("gemeente", "politie", "om", "zvh", "reclassering")
INTAKE = ("gemeente", "politie", "om")
DERDE = "ggz"


class DemoError(CasusnetError):
    """The demo could not be set up or started as asked."""

    code = "demo.failed"


class StepFailed(Exception):
    def __init__(self, step: str, reason: str) -> None:
        self.step, self.reason = step, reason
        super().__init__(f"{step}: {reason}")


# --- texts -------------------------------------------------------------------------------

TEXT = {
    "nl": {
        "ask": "Bestaande demo hergebruiken of opnieuw beginnen? [H/o] ",
        "created": "demo aangemaakt in {dir} ({secs:.1f} s)",
        "reused": "bestaande demo in {dir}",
        "starting": "zes nodes starten ...",
        "ready": "zes nodes draaien ({secs:.1f} s); logs in {dir}/<node>/node.log",
        "table": "Demo-accounts (node, naam, functie, wachtwoord; ook in {dir}/demo.json):",
        "others": "De TUI van een andere partner, in een tweede terminal:",
        "no_tui": (
            "De TUI (`casusnet tui`) is in deze versie nog niet beschikbaar. De zes nodes "
            "draaien; gebruik de CLI (docs/cli.md, hoofdstuk 5) met --data {dir}/<node>. "
            "Ctrl-C stopt de demo."
        ),
        "serving": "De zes nodes draaien tot Ctrl-C.",
        "stopping": "nodes stoppen ...",
        "stopped": "alle nodes gestopt",
        "interrupted": "onderbroken",
        "meeting": "casusoverleg {case} (headless)",
        "done": "alles bevestigd: casusoverleg in {secs:.1f} s",
        "failed": "MISLUKT bij stap: {step}",
        "shares": "Deelberichten",
        "nodes": "Nodes",
        "running": "er draait al een demo-node uit {dir} ({nodes}); stop die eerst",
        "not_demo": "{dir} bestaat en is geen demo; kies een andere --dir",
        "no_demo": "geen demo in {dir}; maak er een met `casusnet demo --setup-only`",
        "setup_only": "opgezet; wachtwoorden staan in {dir}/demo.json",
    },
    "en": {
        "ask": "Reuse the existing demo or start afresh? [R/n] ",
        "created": "demo created in {dir} ({secs:.1f} s)",
        "reused": "existing demo in {dir}",
        "starting": "starting six nodes ...",
        "ready": "six nodes running ({secs:.1f} s); logs in {dir}/<node>/node.log",
        "table": "Demo accounts (node, name, function, passphrase; also in {dir}/demo.json):",
        "others": "Another partner's TUI, in a second terminal:",
        "no_tui": (
            "The TUI (`casusnet tui`) is not available in this version yet. The six nodes "
            "are running; use the CLI (docs/cli.md, section 5) with --data {dir}/<node>. "
            "Ctrl-C stops the demo."
        ),
        "serving": "The six nodes run until Ctrl-C.",
        "stopping": "stopping nodes ...",
        "stopped": "all nodes stopped",
        "interrupted": "interrupted",
        "meeting": "casusoverleg {case} (headless)",
        "done": "everything confirmed: the casusoverleg took {secs:.1f} s",
        "failed": "FAILED at step: {step}",
        "shares": "Shares",
        "nodes": "Nodes",
        "running": "a demo node is already running from {dir} ({nodes}); stop it first",
        "not_demo": "{dir} exists and is not a demo; choose another --dir",
        "no_demo": "no demo in {dir}; create one with `casusnet demo --setup-only`",
        "setup_only": "set up; the passphrases are in {dir}/demo.json",
    },
}


# --- set-up ---------------------------------------------------------------------------------


def load_state(directory: Path) -> dict[str, Any] | None:
    try:
        doc: dict[str, Any] = json.loads((directory / STATE).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DemoError(f"{directory / STATE}: {exc}") from None
    return doc


def save_state(directory: Path, state: dict[str, Any]) -> None:
    path = directory / STATE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(state, indent=1) + "\n")
    os.replace(tmp, path)


def free_ports(count: int) -> list[int]:
    return [free_port() for _ in range(count)]


def parse_addrs(values: list[str] | None) -> dict[str, str] | None:
    """``--addr node=HOST:PORT`` for all six nodes, or none."""
    if not values:
        return None
    addrs: dict[str, str] = {}
    for value in values:
        node, _, addr = value.partition("=")
        host, _, port = addr.rpartition(":")
        if node not in NODES or not host or not port.isdigit():
            raise DemoError(f"--addr {value}: give NODE=HOST:PORT, NODE one of {', '.join(NODES)}")
        addrs[node] = addr
    missing = [n for n in NODES if n not in addrs]
    if missing:
        raise DemoError(f"--addr: give an address for every node (missing {', '.join(missing)})")
    return addrs


def setup(directory: Path, addrs: dict[str, str] | None = None) -> dict[str, Any]:
    """Create the authority, six nodes, the signed roster and a staff member per node."""
    if directory.exists() and any(directory.iterdir()):
        raise DemoError(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    (directory / MARKER).write_text("casusnet demo\n")
    if addrs is None:
        addrs = {n: f"127.0.0.1:{p}" for n, p in zip(NODES, free_ports(len(NODES)), strict=True)}
    authority = directory / "authority"
    info = provision.create_authority(authority, FEDERATION)
    roster = directory / "roster.msgpack"
    now = int(time.time())
    state: dict[str, Any] = {"version": 1, "federation": FEDERATION, "meetings": 0, "nodes": {}}
    for p in PARTNERS:
        entry = provision.init_node(
            directory / p.node,
            node_id=p.node,
            org=p.node,
            listen=addrs[p.node],
            public_url=f"http://{addrs[p.node]}",
            authority=bytes.fromhex(info["public"]),
            roster_path=roster,
        )
        provision.add_member(authority, entry, name=p.display, now=now)
        state["nodes"][p.node] = {
            "listen": addrs[p.node],
            "url": f"http://{addrs[p.node]}",
            "staff": p.staff,
            "function": p.function,
            # easy to remember once the TUI covers the table (as in docs/cli.md 5.1);
            # only the user running the demo can reach a node's socket to log in
            "passphrase": f"wachtwoord-van-{p.staff}",
        }
    provision.sign(authority, roster, now=now)
    # each node takes the roster in and gets its staff member (an Argon2id hash each:
    # in parallel, as PyNaCl releases the GIL)
    with ThreadPoolExecutor(len(PARTNERS)) as pool:
        for future in [
            pool.submit(_node_setup, directory / p.node, p, state["nodes"][p.node]["passphrase"])
            for p in PARTNERS
        ]:
            future.result()
    save_state(directory, state)
    return state


def _node_setup(data: Path, partner: Partner, passphrase: str) -> None:
    from node.app import open_node
    from node.config import load
    from node.domain import staff as staffmod
    from node.store import audit

    node = open_node(load(data))  # reads the signed roster into the node's database
    try:
        staffmod.add(
            node.store, partner.staff, partner.function, passphrase, intake=True, now=node.now()
        )
        with node.store.transaction():
            audit.append(
                node.store,
                at=node.now(),
                actor="operator",
                action="staff_added",
                staff=partner.staff,
                function=partner.function,
            )
    finally:
        node.store.close()


def socket_answers(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def running_nodes(directory: Path) -> list[str]:
    return [n for n in NODES if socket_answers(directory / n / "api.sock")]


def reset(directory: Path, lang: str) -> None:
    """Delete a demo folder, after making sure no node runs from it."""
    t = TEXT[lang]
    if not directory.exists():
        return
    if not (directory / MARKER).exists() and any(directory.iterdir()):
        raise DemoError(t["not_demo"].format(dir=directory))
    busy = running_nodes(directory)
    if busy:
        raise DemoError(t["running"].format(dir=directory, nodes=", ".join(busy)))
    shutil.rmtree(directory)


# --- the node processes ------------------------------------------------------------------------


def node_env() -> dict[str, str]:
    env = {**os.environ, **FAST}
    env.pop("CASUSNET_DATA", None)
    # the node processes run this very source tree
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


class Federation:
    """The six ``casusnet run`` processes of a demo (none when attached)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: list[IO[bytes]] = []

    def start(self) -> None:
        env = node_env()
        for node in NODES:
            data = self.directory / node
            log = open(data / "node.log", "ab")  # noqa: SIM115 (closed in stop)
            self.logs.append(log)
            self.procs[node] = subprocess.Popen(
                [*CASUSNET, "--data", str(data), "run"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                cwd=str(self.directory),
                # a session of its own: Ctrl-C at the terminal reaches the demo (and the
                # TUI), which then stops the nodes in order
                start_new_session=True,
                preexec_fn=_stop_with_parent,
            )

    def wait_ready(self, timeout: float) -> None:
        """Until every node's local API answers."""
        deadline = time.monotonic() + timeout
        waiting = list(NODES)
        while waiting:
            for node in list(waiting):
                proc = self.procs.get(node)
                if proc is not None and proc.poll() is not None:
                    raise DemoError(
                        f"{node} stopped at start-up (exit {proc.returncode}); "
                        f"see {self.directory / node / 'node.log'}"
                    )
                if _api_answers(self.directory / node / "api.sock"):
                    waiting.remove(node)
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise DemoError(f"no answer from {', '.join(waiting)} after {timeout:.0f} s")
            time.sleep(0.02)

    def stop(self) -> None:
        """SIGTERM, wait, then SIGKILL; never interrupted by a second Ctrl-C."""
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            for proc in self.procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            for proc in self.procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for node in self.procs:
                # a node that is gone leaves its socket file behind
                with contextlib.suppress(FileNotFoundError):
                    (self.directory / node / "api.sock").unlink()
            self.procs.clear()
            for log in self.logs:
                log.close()
            self.logs.clear()
        finally:
            signal.signal(signal.SIGINT, old)


def _stop_with_parent() -> None:
    """Linux: a node gets SIGTERM when the demo dies without stopping it (SIGKILL)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _api_answers(path: Path) -> bool:
    try:
        ApiClient(path, timeout=2).get("/v1/me")
    except ApiError:
        return True  # 401 without a session: the API is up
    except NodeUnreachable:
        return False
    return True


# --- the TUI ---------------------------------------------------------------------------------


def tui_available() -> bool:
    from node.tools.cli import parser

    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "tui" in action.choices
    return False


def tui_command() -> str:
    """How to call ``casusnet`` from another terminal: by name when it is on PATH."""
    beside = Path(sys.executable).parent / "casusnet"
    if shutil.which("casusnet") or not beside.exists():
        return "casusnet"
    try:
        return str(beside.relative_to(Path.cwd()))
    except ValueError:
        return str(beside)


def staff_table(state: dict[str, Any], passphrases: bool = True) -> str:
    rows = [
        (node, doc["staff"], doc["function"], doc["passphrase"] if passphrases else "")
        for node, doc in state["nodes"].items()
    ]
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(
        f"  {n:<{w[0]}}  {s:<{w[1]}}  {f:<{w[2]}}  {p}".rstrip() for n, s, f, p in rows
    )


# --- the headless meeting ------------------------------------------------------------------------

CRITERIA = {
    "geweldsbereidheid": 2,
    "ideologie": 3,
    "sociale_relaties": 2,
    "identificatie": 1,
    "zelfredzaamheid": 2,
}
JUSTIFICATION = "Noodzakelijk voor de weging en het plan van aanpak; geen lichter middel."
SHARES: dict[str, dict[str, Any]] = {
    "politie": {
        "basis": "wpg-20",
        "categories": ["politie", "signalen"],
        "decision_ref": "WPG20-2026-004",
        "summary": "Twee meldingen over dreigende berichten op sociale media; "
        "geen strafbare feiten vastgesteld.",
    },
    "om": {
        "basis": "wjsg-39fb",
        "categories": ["justitieel"],
        "summary": "Eerdere sepot wegens bedreiging; geen lopende zaken.",
    },
    "gemeente": {
        "basis": "pga-r",
        "categories": ["signalen", "sociale_relaties"],
        "recipients": ["ggz", "om", "politie", "reclassering", "zvh"],
        "summary": "Signaal van school over isolement en uitingen van sympathie voor geweld.",
    },
    "zvh": {
        "basis": "pga-r",
        "categories": ["plan"],
        "summary": "Voorstel: casusregie bij de gemeente, evaluatie over acht weken.",
    },
    "reclassering": {
        "basis": "pga-r",
        "categories": ["plan"],
        "summary": "Toezicht loopt; meldt zich trouw, werk en dagbesteding ontbreken.",
    },
    "ggz": {
        "basis": "pga-r",
        "categories": ["gezondheid"],
        "recipients": ["gemeente", "om", "politie"],
        "summary": "Eerder in beeld met angstklachten; behandeling in 2025 afgebroken.",
    },
}
PLAN = (
    ("strafrechtelijk", "om", "Strafrechtelijke afdoening van de bedreiging beoordelen", 30),
    ("bestuurlijk", "gemeente", "Persoonsgericht gesprek en bestuurlijke meldplicht", 45),
    ("zorg", "ggz", "Behandeling hervatten en begeleiding naar dagbesteding", 60),
)


# the meeting's steps, in Dutch and English
STEPS = {
    "meeting": ("casusoverleg {case}", "casusoverleg {case}"),
    "login": ("inloggen bij zes nodes", "logging in at six nodes"),
    "convene": (
        "gemeente belegt {case} (pga-r; wpg-20 en wjsg-39fb)",
        "gemeente convenes {case} (pga-r; wpg-20 and wjsg-39fb)",
    ),
    "invite": (
        "politie, om, zvh en reclassering uitgenodigd als deelnemer en toegetreden",
        "politie, om, zvh and reclassering invited as deelnemer, and joined",
    ),
    "assess": (
        "weging: gemeente, politie en om kiezen 'opnemen' (vijf criteria); kamer open",
        "intake: gemeente, politie and om assess 'opnemen' (five criteria); room open",
    ),
    "derde": (
        "ggz uitgenodigd als derde; na instemming van gemeente, politie en om lid",
        "ggz invited as derde; a member after gemeente, politie and om consented",
    ),
    "share": (
        "{node} deelt onder {basis} ({categories})",
        "{node} shares under {basis} ({categories})",
    ),
    "share_to": (" aan {recipients}", " with {recipients}"),
    "delivered": (": afgeleverd bij {n}", ": delivered to {n}"),
    "view": (
        "om leest het bericht van politie (gelogd); ggz alleen wat aan ggz gericht is",
        "om reads politie's share (audited); ggz only what was addressed to it",
    ),
    "plan": (
        "plan van aanpak: strafrechtelijk (om), bestuurlijk (gemeente), zorg (ggz)",
        "plan van aanpak: strafrechtelijk (om), bestuurlijk (gemeente), zorg (ggz)",
    ),
    "close": (
        "gemeente sluit het casusoverleg (afgeschaald)",
        "gemeente closes the casusoverleg (afgeschaald)",
    ),
    "deleted": (
        "elke partner trekt in: elk bericht bij elke ontvanger verwijderd",
        "every partner revokes: every share deleted at every recipient",
    ),
    "receipts": (
        "sluitingsbewijzen van alle leden bij alle nodes",
        "closed receipts of every member at every node",
    ),
    "share_head": (
        "bericht|afzender|grondslag|ontvangers|afgeleverd|verwijderd",
        "share|sender|basis|recipients|delivered|deleted",
    ),
    "node_head": ("node|fase|sluitingsbewijzen", "node|phase|closed receipts"),
}


class Progress:
    """One line per step: a check mark (or ``ok``) or a clear failure."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.tty = out.isatty()
        self.lock = threading.Lock()

    def line(self, text: str) -> None:
        with self.lock:
            print(text, file=self.out, flush=True)

    def ok(self, label: str, secs: float) -> None:
        mark = "\033[32m✓\033[0m" if self.tty else "ok  "
        self.line(f"{mark} {label} ({secs:.2f} s)")

    def fail(self, label: str, reason: str) -> None:
        mark = "\033[31m✗\033[0m" if self.tty else "FAIL"
        self.line(f"{mark} {label}: {reason}")


class Meeting:
    def __init__(
        self, directory: Path, state: dict[str, Any], out: IO[str], timeout: float, lang: str
    ) -> None:
        self.lang = lang
        self.directory = directory
        self.state = state
        self.progress = Progress(out)
        self.timeout = timeout
        self.api: dict[str, ApiClient] = {}
        self.room = ""
        self.shares: dict[str, str] = {}  # sender -> share id
        self.members: dict[str, list[str]] = {}

    def say(self, key: str, **fields: Any) -> str:
        return STEPS[key][self.lang == "en"].format(**fields)

    # -- helpers ------------------------------------------------------------------------

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        except StepFailed as exc:
            self.progress.fail(exc.step, exc.reason)
            raise
        except (ApiError, NodeUnreachable) as exc:
            self.progress.fail(label, str(exc))
            raise StepFailed(label, str(exc)) from None
        self.progress.ok(label, time.monotonic() - start)

    def wait(self, label: str, check: Callable[[], T | None]) -> T:
        """Poll ``check`` until it gives something true (a refusal counts as not yet)."""
        deadline = time.monotonic() + self.timeout
        last = ""
        while True:
            try:
                value = check()
                if value:
                    return value
            except ApiError as exc:
                last = f"; last answer: {exc}"
            if time.monotonic() > deadline:
                raise StepFailed(label, f"not confirmed within {self.timeout:.0f} s{last}")
            time.sleep(0.05)

    def room_at(self, node: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.api[node].get(f"/v1/rooms/{self.room}")
        return doc

    def parallel(self, fn: Callable[[str], T], nodes: tuple[str, ...] | list[str]) -> list[T]:
        with ThreadPoolExecutor(len(nodes)) as pool:
            return list(pool.map(fn, nodes))

    # -- the meeting --------------------------------------------------------------------

    def run(self) -> None:
        self.state["meetings"] = int(self.state.get("meetings", 0)) + 1
        case = f"RAD-{time.gmtime().tm_year}-{self.state['meetings']:03d}"
        with contextlib.suppress(OSError):
            save_state(self.directory, self.state)
        self.progress.line(self.say("meeting", case=case))

        label = self.say("login")
        with self.step(label):
            for node in NODES:
                self.api[node] = ApiClient(self.directory / node / "api.sock", timeout=90)

            def login(node: str) -> None:
                doc = self.state["nodes"][node]
                answer = self.api[node].post(
                    "/v1/login", {"name": doc["staff"], "passphrase": doc["passphrase"]}
                )
                self.api[node].token = answer["token"]

            self.parallel(login, NODES)

        label = self.say("convene", case=case)
        with self.step(label):
            doc = self.api[CHAIR].post(
                "/v1/rooms",
                {
                    "case": case,
                    "purpose": "Weging en aanpak (demo)",
                    "bases": ["pga-r", "wpg-20", "wjsg-39fb"],
                    "meeting": int(time.time()),
                },
            )
            self.room = doc["room"]

        label = self.say("invite")
        with self.step(label):
            for node in DEELNEMERS[1:]:
                self.api[CHAIR].post(f"/v1/rooms/{self.room}/invite", {"node": node})
            self.wait_members(label, DEELNEMERS, DEELNEMERS)

        label = self.say("assess")
        with self.step(label):
            for node in INTAKE:
                self.api[node].post(
                    f"/v1/rooms/{self.room}/assess", {"verdict": "opnemen", "criteria": CRITERIA}
                )
            self.wait(
                label,
                lambda: all(self.room_at(n)["phase"] == "open" for n in DEELNEMERS),
            )

        label = self.say("derde")
        with self.step(label):
            self.api[CHAIR].post(f"/v1/rooms/{self.room}/invite", {"node": DERDE, "role": "derde"})
            # a node consents only to a derde it has seen invited
            self.wait(
                label,
                lambda: all(
                    DERDE in {m["node"] for m in self.room_at(n)["invited"]} for n in INTAKE
                ),
            )
            for node in INTAKE:
                self.api[node].post(f"/v1/rooms/{self.room}/consent", {"subject": DERDE})
            self.wait_members(label, NODES, NODES)
            self.members = {n: [m["node"] for m in self.room_at(n)["members"]] for n in NODES}

        self.share_all()

        label = self.say("view")
        with self.step(label):
            seen = self.api["om"].get(
                f"/v1/rooms/{self.room}/shares/{self.shares['politie']}?sender=politie"
            )
            if seen["summary"] != SHARES["politie"]["summary"]:
                raise StepFailed(label, "om read another text than politie sent")
            if seen["author_function"] != "wijkagent":
                raise StepFailed(label, "the author's function did not arrive")
            self.api[DERDE].get(
                f"/v1/rooms/{self.room}/shares/{self.shares['gemeente']}?sender=gemeente"
            )
            try:
                self.api[DERDE].get(
                    f"/v1/rooms/{self.room}/shares/{self.shares['politie']}?sender=politie"
                )
            except ApiError as exc:
                if exc.remote_code != "node.not_found":
                    raise
            else:
                raise StepFailed(label, "ggz could read a share not addressed to it")

        label = self.say("plan")
        with self.step(label):
            now = int(time.time())
            for measure, owner, title, days in PLAN:
                self.api[CHAIR].post(
                    f"/v1/rooms/{self.room}/plan",
                    {
                        "kind": "decision",
                        "title": title,
                        "measure": measure,
                        "owner": owner,
                        "due": now + days * 86400,
                    },
                )
            self.wait(label, lambda: all(len(self.room_at(n)["plan"]) == len(PLAN) for n in NODES))

        label = self.say("close")
        with self.step(label):
            self.api[CHAIR].post(f"/v1/rooms/{self.room}/close", {"outcome": "afgeschaald"})

        label = self.say("deleted")
        with self.step(label):

            def deleted(node: str) -> None:
                share = self.shares[node]
                deadline = time.monotonic() + self.timeout
                while True:
                    left = deadline - time.monotonic()
                    doc = self.api[node].get(
                        f"/v1/rooms/{self.room}/shares/{share}/status"
                        f"?wait=deleted&timeout={max(1, min(60, int(left)))}"
                    )
                    if doc["done"]:
                        return
                    if time.monotonic() > deadline:
                        raise StepFailed(label, f"{node}'s share: {_states(doc['deliveries'])}")

            self.parallel(deleted, NODES)

        label = self.say("receipts")
        with self.step(label):
            self.wait(label, lambda: all(self._all_receipts(n) for n in NODES))

    def wait_members(self, label: str, at: tuple[str, ...], expect: tuple[str, ...]) -> None:
        def check() -> bool:
            for node in at:
                try:
                    doc = self.room_at(node)
                except ApiError as exc:
                    if exc.remote_code == "node.forbidden":  # the room has not arrived yet
                        return False
                    raise
                if not set(expect) <= {m["node"] for m in doc["members"]}:
                    return False
            return True

        self.wait(label, check)

    def share_all(self) -> None:
        """A share from every partner, each confirmed delivered to all its recipients."""
        failures: list[StepFailed] = []

        def send(node: str) -> None:
            spec = SHARES[node]
            label = self.say(
                "share", node=node, basis=spec["basis"], categories=", ".join(spec["categories"])
            )
            if "recipients" in spec:
                label += self.say("share_to", recipients=", ".join(spec["recipients"]))
            start = time.monotonic()
            try:
                doc = self.api[node].post(
                    f"/v1/rooms/{self.room}/shares?wait=delivered"
                    f"&timeout={max(1, min(60, int(self.timeout)))}",
                    {**spec, "justification": JUSTIFICATION},
                )
            except (ApiError, NodeUnreachable) as exc:
                failures.append(StepFailed(label, str(exc)))
                self.progress.fail(label, str(exc))
                return
            self.shares[node] = doc["share"]
            if not doc["done"]:
                failure = StepFailed(label, f"not delivered: {_states(doc['deliveries'])}")
                failures.append(failure)
                self.progress.fail(label, failure.reason)
                return
            self.progress.ok(
                label + self.say("delivered", n=len(doc["deliveries"])), time.monotonic() - start
            )

        self.parallel(send, NODES)
        if failures:
            raise failures[0]

    def _all_receipts(self, node: str) -> bool:
        doc = self.room_at(node)
        return doc["phase"] == "closed" and set(doc["closed_receipts"]) >= (
            set(self.members[node]) - {node}
        )

    # -- the summary --------------------------------------------------------------------

    def summary(self) -> str:
        rows: list[tuple[str, ...]] = [tuple(self.say("share_head").split("|"))]
        for node in NODES:
            share_id = self.shares.get(node)
            if share_id is None:
                continue
            doc = self.room_at(node)
            share = next(s for s in doc["shares"] if s["id"] == share_id and s["own"])
            states = share["deliveries"]
            count = len(share["recipients"])
            # deleted implies it was delivered (or never needed to be)
            delivered = sum(1 for s in states.values() if s in ("delivered", "deleted"))
            gone = sum(1 for s in states.values() if s == "deleted")
            rows.append(
                (
                    share_id[:8],
                    node,
                    share["basis"],
                    ",".join(share["recipients"]),
                    f"{delivered}/{count}",
                    f"{gone}/{count}",
                )
            )
        lines = [_table(rows), ""]
        rows2: list[tuple[str, ...]] = [tuple(self.say("node_head").split("|"))]
        for node in NODES:
            doc = self.room_at(node)
            others = set(self.members.get(node, NODES)) - {node}
            got = set(doc["closed_receipts"]) & others
            rows2.append((node, doc["phase"], f"{len(got)}/{len(others)}"))
        lines.append(_table(rows2))
        return "\n".join(lines)


def _states(deliveries: dict[str, str]) -> str:
    return ", ".join(f"{p} {s}" for p, s in sorted(deliveries.items())) or "none"


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


def headless(directory: Path, state: dict[str, Any], lang: str, timeout: float) -> int:
    t = TEXT[lang]
    meeting = Meeting(directory, state, sys.stdout, timeout, lang)
    start = time.monotonic()
    try:
        meeting.run()
    except StepFailed as exc:
        print(t["failed"].format(step=exc.step), file=sys.stderr)
        return 1
    secs = time.monotonic() - start
    print()
    print(meeting.summary())
    print()
    print(t["done"].format(secs=secs), flush=True)
    return 0


# --- the command ------------------------------------------------------------------------------


def add_parser(sub: Any) -> None:
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


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


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
    else:
        start = time.monotonic()
        state = setup(directory, addrs)
        print(t["created"].format(dir=directory, secs=time.monotonic() - start), flush=True)
    if args.setup_only:
        print(staff_table(state, passphrases=False))
        print(t["setup_only"].format(dir=directory))
        return 0

    federation = Federation(directory)
    old_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        start = time.monotonic()
        federation.start()
        federation.wait_ready(max(args.timeout, 20.0))
        print(t["ready"].format(dir=directory, secs=time.monotonic() - start), flush=True)
        if args.headless:
            return headless(directory, state, args.lang, args.timeout)
        print(t["table"].format(dir=directory))
        print(staff_table(state))
        print(t["others"])
        command = tui_command()
        for node in NODES[1:]:
            who = state["nodes"][node]
            print(
                f"  {command} tui --node {directory / node}"
                f"    ({who['staff']} / {who['passphrase']})"
            )
        if args.no_tui or not tui_available():
            print(t["serving"] if args.no_tui else t["no_tui"].format(dir=directory), flush=True)
            while True:
                for node, proc in federation.procs.items():
                    if proc.poll() is not None:
                        raise DemoError(f"{node} stopped (exit {proc.returncode})")
                time.sleep(0.5)
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
    except KeyboardInterrupt:
        print(f"\n{t['interrupted']}", file=sys.stderr, flush=True)
        return 130
    finally:
        print(t["stopping"], file=sys.stderr, flush=True)
        federation.stop()
        signal.signal(signal.SIGTERM, old_term)
        print(t["stopped"], file=sys.stderr, flush=True)
