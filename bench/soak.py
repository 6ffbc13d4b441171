"""Soak test of faults together: six real nodes, a stream of verstrekkingen, faults at
random moments, and at the end an account of every verstrekking at every recipient.

Six ``casusnet run`` processes on loopback (gemeente, politie, om, zvh, reclassering,
ggz), driven through the CLI as ``tests/e2e/cluster.py`` drives them. Rooms are PGA-R
casusoverleggen, chaired either by the gemeente van verblijf in its own name or by
the ZVH with the burgemeester's mandate, with politie, OM and reclassering as
deelnemers and the GGZ admitted as derde. A steady stream of shares goes from
gemeente, politie, OM, reclassering and GGZ into the open rooms, each carrying a
unique plaintext marker. Meanwhile a seeded scheduler picks, at random moments:

- ``kill``: SIGKILL of a node, restarted a moment later;
- ``stop``: a partner stopped (SIGTERM) for a while, then started again;
- ``clock``: one node's wall clock stepped up to ten minutes forward or back
  (libfaketime, ``tests/e2e/fakeclock.py``) for a while, then set right;
- ``close``: the chair closes a room (every partner revokes, deletes and destroys its
  keys), and a new room is opened in its place.

At the end every fault is healed (all nodes up, every clock right), the federation
is given time to settle (every outbox empty), and then counted, per verstrekking
and recipient (a *delivery*):

- in a room still open, the recipient holds the share exactly once, its content
  opens to the share's marker (read through the recipient's local API), and the
  sender holds the ``delivered`` receipt: ``delivered``, ``lost`` (not held, or its
  content deleted), ``duplicated`` (a second share with the same marker);
- in a closed room, the sender holds the ``deleted`` state (the recipient's
  ``deleted``/``closed`` receipt), every member holds the ``closed`` receipt of every
  other member, and no recipient holds the content or the keys: its room keys are
  gone from ``room_keys`` and its received envelopes are NULL, and its SQLite files,
  WAL included, hold none of the plaintext markers, none of the envelope bytes and
  none of the room keys (sealed or opened with the node's master key) that the
  harness saw while the room was open;
- ``receipts_missing``: expected ``delivered``/``deleted`` states and ``closed``
  receipts not recorded.

The harness itself is sequential (a fault never strikes in the middle of a CLI
call); a CLI call to a node that is down or restarting waits until the node is up,
and a share whose outcome the harness could not see (the CLI timed out) is matched
to the sender's own copy afterwards, never sent twice. Such harness trouble is
counted apart (``harness_errors``), never as a loss.

Environment: ``SOAK_SECONDS`` (default 1800: the length of the stream of faults),
``SOAK_SEED`` (default random; printed: it repeats the choices of rooms, senders and
faults, though not the timings, which follow the machine), ``SOAK_SETTLE`` (seconds
to wait for quiescence at the end, default 420: a chair event dated up to 600 s ahead is taken
300 s later), ``SOAK_DIR`` (keep the nodes' files
there instead of a temporary directory removed afterwards). The clock jumps need
faketime (``make soak`` installs it); without it the soak runs without them and says so.

Last line: ``RESULT delivered=N lost=N duplicated=N receipts_missing=N`` (deliveries:
verstrekking x recipient), followed by ``leaks`` (content or keys found where they
must not be), ``corrupt`` (content that does not open to its marker), ``queued`` (of
the lost, those still waiting in the sender's outbox), ``closed_unreceived`` (a
closure overtook the share: never held, nothing to delete), ``seconds``, ``seed``,
``shares``, ``rooms``, ``rooms_failed``, ``closed``, ``kills``, ``stops``, ``jumps``,
``crashes``, ``refused`` (shares the sender's node refused) and ``harness_errors``.
Before it, each loss is listed, with what the nodes refused (their audit logs) and
what their outboxes still hold: the evidence of a finding.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT))

import fakeclock  # noqa: E402
from cluster import Cluster  # noqa: E402

from node.apiclient import ApiClient, ApiError, NodeUnreachable  # noqa: E402
from node.store.keystore import KeyError_, MasterKey  # noqa: E402

NODES = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "zvh": "zvh",
    "reclassering": "reclassering",
    "ggz": "ggz",
}
STAFF = {
    "gemeente": ("anna", "aandachtsfunctionaris radicalisering"),
    "politie": ("piet", "wijkagent"),
    "om": ("olga", "officier van justitie"),
    "zvh": ("zeynep", "procesregisseur"),
    "reclassering": ("rob", "reclasseringswerker"),
    "ggz": ("greet", "psychiater"),
}
INTAKE = ("gemeente", "politie", "om")  # the intake and the consents to a derde (pga-r)
DEELNEMERS = ("politie", "om", "reclassering")  # invited besides the gemeente
WHY = ("--justification", "Noodzakelijk voor de weging; geen lichter middel.")
SHARE_ARGS = {
    "politie": ["--basis", "wpg-20", "--categories", "politie,signalen", "--agreement-ref", "S-1"],
    "om": ["--basis", "wjsg-39fb", "--categories", "justitieel"],
    "gemeente": ["--basis", "pga-r", "--categories", "signalen,sociale_relaties"],
    "reclassering": ["--basis", "pga-r", "--categories", "plan"],
    "ggz": [
        "--basis",
        "pga-r",
        "--categories",
        "gezondheid",
        "--to",
        "gemeente,om,politie",
        "--secrecy-ground",
        "toestemming",
        "--secrecy-ref",
        "Schriftelijke toestemming betrokkene",
    ],
}
FILLER = (
    "Samenvatting van de zorgen, de signalen uit de wijk en de afspraken uit het "
    "wijkteam; de weging volgt in het overleg. "
) * 3
FAULTS = ("kill", "stop", "clock", "close")
WEIGHTS = (3, 2, 3, 1)
ROOMS_OPEN = 3  # rooms kept open; a closed one is replaced


class HarnessError(Exception):
    """Something the harness could not do (not a finding about the nodes)."""


@dataclass
class Sent:
    """One verstrekking the harness sent (or tried to send)."""

    marker: str
    room: str  # room id, hex
    sender: str
    id: str = ""  # share id, hex; "" while the CLI's outcome is unknown
    recipients: list[str] = field(default_factory=list)
    probes: list[bytes] = field(default_factory=list)  # windows of the envelope bytes
    at: float = 0.0


@dataclass
class Room:
    case: str
    chair: str
    id: str = ""
    phase: str = "opening"  # opening, open, closing (close sent), closed, failed
    members: set[str] = field(default_factory=set)
    keys: dict[str, set[bytes]] = field(default_factory=dict)  # node -> key bytes seen
    opened_at: float = 0.0

    @property
    def suppliers(self) -> list[str]:
        return sorted(m for m in self.members if m in SHARE_ARGS)


@dataclass
class Tally:
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    receipts_missing: int = 0
    leaks: int = 0
    corrupt: int = 0
    closed_unreceived: int = 0
    queued: int = 0  # of the lost: still in the sender's outbox, not yet delivered
    problems: list[str] = field(default_factory=list)

    def perfect(self) -> bool:
        return (
            not (self.lost or self.duplicated or self.receipts_missing or self.leaks)
            and not self.corrupt
        )


class Soak:
    def __init__(
        self,
        root: Path,
        seconds: float,
        seed: int,
        *,
        settle: float = 240.0,
        out: Callable[[str], None] = print,
    ) -> None:
        self.root = root
        self.seconds = seconds
        self.seed = seed
        self.settle = settle
        self.rng = random.Random(seed)  # the workload: rooms, senders, markers
        self.frng = random.Random(seed * 7919 + 1)  # the faults: what, where, when, how long
        self.out = out
        self.c = Cluster(root, dict(NODES), env={"CASUSNET_SESSION_IDLE": "86400"})
        self.clocks_on = fakeclock.available()
        self.clocks = {n: fakeclock.FakeClock(root / f"{n}.clock") for n in NODES}
        self.down: set[str] = set()
        self.jumped: str | None = None
        self.stopped: str | None = None
        self.timers: list[tuple[float, str, str]] = []  # (monotonic due, action, node)
        self.rooms: list[Room] = []
        self.sent: list[Sent] = []
        self.counts: Counter[str] = Counter()
        self.harness_errors: list[str] = []
        self.t0 = time.monotonic()
        self.cases = 0
        self.tag = f"{seed % 100000:05d}"
        self.result = ""
        self.tally = Tally()

    # -- logging ----------------------------------------------------------------------

    def log(self, text: str) -> None:
        self.out(f"[{time.monotonic() - self.t0:7.1f}s] {text}")

    def harness(self, text: str) -> None:
        self.harness_errors.append(text)
        self.log(f"harness: {text}")

    # -- processes and faults ---------------------------------------------------------------

    def env_of(self, node: str) -> dict[str, str]:
        return self.clocks[node].env if self.clocks_on else {}

    def start(self, node: str) -> None:
        for attempt in range(3):
            try:
                self.c.start(node, extra_env=self.env_of(node))
                self.down.discard(node)
                return
            except (RuntimeError, TimeoutError) as exc:
                self.c.stop(node, signal.SIGKILL)
                self.log(f"{node} did not come up (attempt {attempt + 1}): {exc}"[:600])
                self.counts["start_failures"] += 1
                time.sleep(1)
        raise HarnessError(f"{node} does not start any more")

    def pump(self) -> None:
        """End the faults that are due; restart a node that died by itself."""
        now = time.monotonic()
        due = sorted(t for t in self.timers if t[0] <= now)
        self.timers = [t for t in self.timers if t[0] > now]
        for _, action, node in due:
            if action == "start":
                self.start(node)
                if self.stopped == node:
                    self.stopped = None
                self.log(f"{node} started again")
            elif action == "clock0":
                self.clocks[node].set(0)
                self.jumped = None
                self.log(f"{node} clock set right")
        for node, proc in list(self.c.procs.items()):
            if node not in self.down and proc.poll() is not None:
                self.counts["crashes"] += 1
                tail = (self.root / f"{node}.log").read_text(errors="replace")[-1500:]
                self.log(f"FINDING: {node} exited by itself ({proc.returncode}): {tail}")
                self.c.procs.pop(node)
                self.start(node)

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            self.pump()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(0.2, left))

    def fault(self, kind: str) -> None:
        up = [n for n in NODES if n not in self.down]
        if kind == "kill":
            node = self.frng.choice(up)
            self.c.stop(node, signal.SIGKILL)
            self.down.add(node)
            self.timers.append((time.monotonic() + self.frng.uniform(0.0, 2.0), "start", node))
            self.counts["kills"] += 1
            self.log(f"fault: SIGKILL {node}")
        elif kind == "stop":
            if self.stopped is not None:
                return self.fault("kill")
            node = self.frng.choice(up)
            away = self.frng.uniform(5.0, max(6.0, min(60.0, self.seconds / 6)))
            self.c.stop(node)
            self.down.add(node)
            self.stopped = node
            self.timers.append((time.monotonic() + away, "start", node))
            self.counts["stops"] += 1
            self.log(f"fault: {node} stopped for {away:.0f}s")
        elif kind == "clock":
            if not self.clocks_on or self.jumped is not None:
                return self.fault("kill")
            # a chair's clock is the one that matters most; else any member of a room
            open_rooms = [r for r in self.rooms if r.phase == "open"]
            chairs = sorted({r.chair for r in open_rooms})
            members = sorted({m for r in open_rooms for m in r.members}) or list(NODES)
            node = self.frng.choice(chairs if chairs and self.frng.random() < 0.4 else members)
            offset = self.frng.choice((-1, 1)) * self.frng.randint(1, 600)
            hold = self.frng.uniform(10.0, max(11.0, min(60.0, self.seconds / 5)))
            self.clocks[node].set(offset)
            self.jumped = node
            self.timers.append((time.monotonic() + hold, "clock0", node))
            self.counts["jumps"] += 1
            self.log(f"fault: {node} clock {offset:+d}s for {hold:.0f}s")
        elif kind == "close":
            candidates = [r for r in self.rooms if r.phase == "open"]
            if not candidates:
                return self.fault("kill")
            self.close(self.frng.choice(candidates))  # the stream opens a new room

    def heal(self) -> None:
        for _, action, node in sorted(self.timers):
            if action == "start":
                self.start(node)
            elif action == "clock0":
                self.clocks[node].set(0)
        self.timers.clear()
        for node in NODES:
            self.clocks[node].set(0)
            if node in self.down or node not in self.c.procs:
                self.start(node)
        self.jumped = self.stopped = None
        self.log("healed: every node up, every clock right")

    # -- the CLI ----------------------------------------------------------------------------

    def cli(
        self,
        node: str,
        *args: str,
        stdin: str = "",
        wait: float = 120.0,
        retry_on: tuple[str, ...] = (),
    ) -> subprocess.CompletedProcess[str]:
        """Run a command at ``node`` until it succeeds. A node that is down or unreachable
        is waited for; a refusal whose code is in ``retry_on`` is tried again (the
        step it waits for has not arrived yet); another refusal raises."""
        deadline = time.monotonic() + wait
        last = ""
        while time.monotonic() < deadline:
            self.pump()
            if node in self.down:
                time.sleep(0.2)
                continue
            try:
                done = self.c.cli(node, *args, stdin=stdin, check=False)
            except subprocess.TimeoutExpired:
                self.harness(f"{node} {' '.join(args[:3])}: CLI timed out")
                last = "timeout"
                continue
            if done.returncode == 0:
                return done
            last = done.stderr.strip()
            if "node.session" in last or "not logged in" in last:
                self.login(node)
            elif "api.sock" in last or any(code in last for code in retry_on):
                time.sleep(0.3)
            else:
                raise HarnessError(f"{node} {' '.join(args)}: {last}")
        raise HarnessError(f"{node} {' '.join(args)}: not done in {wait:.0f}s; last: {last}")

    def login(self, node: str) -> None:
        name = STAFF[node][0]
        self.c.cli(
            node,
            "login",
            "--name",
            name,
            env={"CASUSNET_STAFF_PASSPHRASE": f"wachtwoord-van-{name}"},
        )

    def api(self, node: str) -> ApiClient:
        token = (self.c.data(node) / "session.token").read_text().strip()
        return ApiClient(self.c.data(node) / "api.sock", token, timeout=30)

    def show(self, node: str, room: str) -> dict[str, Any] | None:
        """The room as ``node`` holds it, or None (down, not arrived, session ended)."""
        if node in self.down:
            return None
        try:
            return dict(self.api(node).get(f"/v1/rooms/{room}"))
        except ApiError as exc:
            if exc.remote_code == "node.session":
                self.login(node)
            return None
        except (NodeUnreachable, OSError):
            return None

    def until(self, what: str, check: Callable[[], bool], wait: float = 120.0) -> bool:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            self.pump()
            if check():
                return True
            time.sleep(0.3)
        self.log(f"gave up waiting for {what} after {wait:.0f}s")
        return False

    # -- sqlite, read as the tests read it ------------------------------------------------------

    def query(self, node: str, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        db = self.c.data(node) / "node.db"
        with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()

    def master(self, node: str) -> MasterKey:
        return MasterKey(bytes.fromhex((self.c.data(node) / "master.key").read_text().strip()))

    # -- rooms ----------------------------------------------------------------------------------

    def open_room(self) -> Room | None:
        """Convene a room (gemeente in its own name or the ZVH with a mandate), invite the
        deelnemers, do the intake and admit the GGZ as derde; None when it failed."""
        self.cases += 1
        case = f"SOAK-{self.tag}-{self.cases:03d}"
        chair = self.rng.choice(("gemeente", "zvh"))
        room = Room(case, chair)
        self.rooms.append(room)
        self.log(f"opening {case} (chair {chair})")
        convene = ("--json", "room", "convene", "--case", case, "--bases", "pga-r,wpg-20,wjsg-39fb")
        try:
            if chair == "zvh":
                self.cli("gemeente", "mandate", "--chair", "zvh", "--case", case)
                done = self.cli(
                    "zvh", *convene, "--verblijf", "gemeente", retry_on=("node.not_allowed",)
                )
            else:
                done = self.cli("gemeente", *convene)
            room.id = json.loads(done.stdout)["room"]
            invited = (["gemeente"] if chair == "zvh" else []) + list(DEELNEMERS)
            for node in invited:
                self.cli(chair, "room", "invite", room.id, node)
            members = {chair, *invited}
            if not self.until(
                f"the deelnemers of {case}",
                lambda: all(
                    (doc := self.show(n, room.id)) is not None
                    and {m["node"] for m in doc["members"]} >= members
                    for n in members
                ),
            ):
                raise HarnessError(f"{case}: the deelnemers did not join")
            self.intake(room, chair)
            self.cli(chair, "room", "invite", room.id, "ggz", "--role", "derde")
            members.add("ggz")
            if not self.until(
                f"ggz in {case}",
                lambda: all(
                    (d := self.show(n, room.id)) is not None
                    and d["phase"] == "open"
                    and {m["node"] for m in d["members"]} >= members
                    for n in members
                ),
            ):
                raise HarnessError(f"{case}: the derde was not admitted everywhere")
        except HarnessError as exc:
            room.phase = "failed"
            self.counts["rooms_failed"] += 1
            self.log(f"FINDING: opening {case} failed: {exc}"[:800])
            return None
        room.members = members
        room.phase = "open"
        self.snapshot_keys(room)
        room.opened_at = time.monotonic()
        self.counts["rooms"] += 1
        self.log(f"{case} open: {room.id[:12]} members {','.join(sorted(members))}")
        return room

    def intake(self, room: Room, chair: str) -> None:
        """The three assess (sealed), sign the beoordeling ``voorleggen``, then the
        samenstelling naming the other deelnemers and the GGZ as derde."""
        wait = ("node.not_allowed", "chain.intake")
        for node in INTAKE:
            self.cli(
                node, "room", "assess", room.id, "--verdict", "voorleggen",
                "--score", "ideologie=2", "--reasoning", f"soak {room.case}", retry_on=wait,
            )  # fmt: skip
        named = [a for n in DEELNEMERS if n not in INTAKE for a in ("--deelnemer", n)]
        for stage in ("beoordeling", "samenstelling"):
            what = ["--outcome", "voorleggen"] if stage == "beoordeling" else [*named, "--derde"]
            if stage == "samenstelling":
                what.append("ggz=expertise in psychische zorg")
            done = self.cli(
                chair, "--json", "room", "rule", room.id, "--stage", stage, *what,
                "--reasoning", f"soak {room.case} {stage}", retry_on=wait,
            )  # fmt: skip
            seq = str(json.loads(done.stdout)["seq"])
            for node in INTAKE:
                self.cli(node, "room", "endorse", room.id, "--ruling", seq, retry_on=wait)
        if not self.until(
            f"{room.case} open",
            lambda: all(
                (d := self.show(n, room.id)) is not None and d["phase"] == "open"
                for n in (chair, *INTAKE)
            ),
        ):
            raise HarnessError(f"{room.case}: the room did not open")

    def snapshot_keys(self, room: Room) -> None:
        """Every member's room keys for this room as stored (sealed) and opened."""
        rid = bytes.fromhex(room.id)
        for node in room.members:
            seen = room.keys.setdefault(node, set())
            try:
                rows = self.query(node, "SELECT sealed FROM room_keys WHERE room = ?", (rid,))
                master = self.master(node)
            except (sqlite3.Error, OSError) as exc:
                self.harness(f"{node}: room keys not read: {exc}")
                continue
            for (sealed,) in rows:
                seen.add(bytes(sealed))
                with contextlib.suppress(KeyError_):
                    seen.add(master.open("room-key", bytes(sealed)))

    def close(self, room: Room) -> None:
        """The chair proposes the closure with its note; every deelnemer organisation
        at the table signs it (Wet PGA art. 6 lid 3); the chair's node then closes."""
        self.snapshot_keys(room)
        note = "Evaluatie: de maatregelen zijn uitgevoerd."
        done = self.cli(room.chair, "--json", "room", "close", room.id, "--outcome",
                        "afgeschaald", "--note", note)  # fmt: skip
        doc = json.loads(done.stdout)
        if doc.get("proposed"):
            shown = self.show(room.chair, room.id) or {}
            ruling = shown.get("ruling") or {}
            waiting = set(ruling.get("required", ())) - set(ruling.get("endorsed", ()))
            signers: dict[str, str] = {}
            for m in sorted(shown.get("members", []), key=lambda m: not m["verblijf"]):
                if m["org"] in waiting and m["role"] == "deelnemer" and not m["on_behalf"]:
                    signers.setdefault(m["org"], m["node"])
            for node in sorted(signers.values()):  # each once its node holds the proposal
                self.cli(node, "room", "endorse", room.id, "--ruling", str(doc["seq"]),
                         retry_on=("node.not_allowed",))  # fmt: skip
        room.phase = "closed"
        self.counts["closed"] += 1
        self.log(f"fault: {room.case} closed by {room.chair}")

    # -- shares ---------------------------------------------------------------------------------

    def send_one(self) -> bool:
        """Send one share from a random supplier that is up into a random open room;
        False when there was nothing to send it into or from."""
        rooms = [r for r in self.rooms if r.phase == "open"]
        if not rooms:
            return False
        room = self.rng.choice(rooms)
        senders = [n for n in room.suppliers if n not in self.down]
        if not senders:
            return False
        sender = self.rng.choice(senders)
        n = len(self.sent) + 1
        marker = f"SOAKMARK{self.tag}X{n:06d}X{self.rng.getrandbits(48):012x}"
        item = Sent(marker, room.id, sender, at=time.monotonic())
        self.sent.append(item)
        text = f"Verstrekking {marker}. {FILLER}Kenmerk {marker}."
        try:
            done = self.c.cli(
                sender,
                "--json",
                "share",
                room.id,
                *SHARE_ARGS[sender],
                *self.to(room, sender),
                *WHY,
                stdin=text,
                check=False,
            )
        except subprocess.TimeoutExpired:
            self.harness(f"share from {sender}: CLI timed out; matched to the sender's copy later")
            return True
        if done.returncode != 0:
            err = done.stderr.strip()
            self.sent.pop()  # nothing was stored: the node refused, or was not reached
            if "api.sock" in err or "node.session" in err:
                if "node.session" in err:
                    self.login(sender)
                self.counts["share_retries"] += 1
                return True
            self.counts["share_refused"] += 1
            code = err.rsplit("[", 1)[-1].rstrip("]") if "[" in err else err[:80]
            self.counts[f"refused {code}"] += 1
            self.log(f"FINDING: share from {sender} in {room.case} refused: {err}"[:400])
            return True
        item.id = json.loads(done.stdout)["share"]
        self.own_copy(item)
        return True

    def to(self, room: Room, sender: str) -> list[str]:
        """The gemeente names every member, the derde GGZ included, half the time (a
        derde receives only when named); the others use the default recipients."""
        if sender != "gemeente" or self.rng.random() < 0.5:
            return []
        return ["--to", ",".join(sorted(room.members - {sender}))]

    def own_copy(self, item: Sent) -> bool:
        """The recipients and envelope bytes of a sent share, from the sender's own row."""
        try:
            rows = self.query(
                item.sender,
                "SELECT recipients, envelope FROM shares WHERE id = ? AND own = 1 AND sender = ?",
                (bytes.fromhex(item.id), item.sender),
            )
        except sqlite3.Error as exc:
            self.harness(f"{item.sender}: own share {item.id} not read: {exc}")
            return False
        if not rows:
            self.harness(f"{item.sender}: own share {item.id} not in its store")
            return False
        item.recipients = json.loads(rows[0][0])
        env = bytes(rows[0][1])
        item.probes = [env[len(env) * k // 4 : len(env) * k // 4 + 48] for k in (1, 2, 3)]
        return True

    def reconcile(self) -> None:
        """Match the shares whose CLI outcome was not seen to the senders' own copies."""
        for item in [s for s in self.sent if not s.id]:
            known = {s.id for s in self.sent if s.id and s.sender == item.sender}
            rows = self.query(
                item.sender,
                "SELECT s.id, p.sealed FROM shares s LEFT JOIN plaintext p ON p.share = s.id"
                " WHERE s.room = ? AND s.own = 1",
                (bytes.fromhex(item.room),),
            )
            unknown = [(bytes(i).hex(), p) for i, p in rows if bytes(i).hex() not in known]
            master = self.master(item.sender)
            match = [
                i
                for i, p in unknown
                if p is not None and item.marker in master.open("share", bytes(p)).decode()
            ]
            pending = [
                s for s in self.sent if not s.id and s.sender == item.sender and s.room == item.room
            ]
            if not match and len(unknown) == 1 and len(pending) == 1 and unknown[0][1] is None:
                match = [unknown[0][0]]  # revoked by the closure: the only candidate
            if match:
                item.id = match[0]
                self.own_copy(item)
                self.log(f"matched share {item.marker} to {item.id}")
            else:
                self.log(f"share {item.marker} from {item.sender} was never stored")
        self.sent = [s for s in self.sent if s.id]

    # -- the run --------------------------------------------------------------------------------

    def setup(self) -> None:
        self.c.setup()
        for node in NODES:
            self.start(node)

        def staff(node: str) -> None:
            self.c.add_staff(node, *STAFF[node])
            self.login(node)

        with ThreadPoolExecutor(len(NODES)) as pool:  # no faults yet: nothing to pump
            list(pool.map(staff, NODES))

    def run(self) -> Tally:
        self.log(
            f"soak: seed={self.seed} seconds={self.seconds:.0f} root={self.root}"
            f" clock jumps {'on' if self.clocks_on else 'OFF (faketime not installed)'}"
        )
        try:
            self.setup()
            for _ in range(ROOMS_OPEN):
                self.open_room()
            self.stream()
        except HarnessError as exc:
            self.harness(f"the run stopped early: {exc}")
        finally:
            with contextlib.suppress(HarnessError):
                self.heal()
        self.reconcile()
        tally = self.settle_and_count()
        self.report(tally)
        return tally

    def stream(self) -> None:
        end = time.monotonic() + self.seconds
        mean = min(30.0, max(8.0, self.seconds / 12))
        kinds = list(FAULTS) if self.clocks_on else [k for k in FAULTS if k != "clock"]
        first = self.frng.sample(kinds, len(kinds))  # every kind early on, then at random
        next_fault = time.monotonic() + self.frng.uniform(0.5, 1.5) * mean
        while time.monotonic() < end:
            self.pump()
            if time.monotonic() >= next_fault:
                kind = first.pop(0) if first else self.frng.choices(FAULTS, WEIGHTS)[0]
                self.fault(kind)
                next_fault = time.monotonic() + self.frng.uniform(0.5, 1.5) * mean
            while sum(r.phase == "open" for r in self.rooms) < ROOMS_OPEN and (
                time.monotonic() < end - 30
            ):
                if self.open_room() is None:
                    break
            if not self.send_one():
                self.sleep(0.5)
        self.log(f"stream over: {len(self.sent)} shares sent; healing")

    # -- counting ---------------------------------------------------------------------------------

    def settle_and_count(self) -> Tally:
        deadline = time.monotonic() + self.settle
        while True:
            self.pump()
            outboxes = {n: self.outbox(n) for n in NODES}
            tally = self.count(views=False)
            if tally.perfect() and not any(outboxes.values()):
                break
            if time.monotonic() > deadline:
                self.log(f"not quiet after {self.settle:.0f}s; outboxes {outboxes}")
                break
            time.sleep(1.0)
        self.log(f"settled in {self.settle - (deadline - time.monotonic()):.0f}s; counting")
        return self.count(views=True)

    def outbox(self, node: str) -> int:
        return int(self.query(node, "SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")[0][0])

    def count(self, *, views: bool) -> Tally:
        t = Tally()
        by_room: dict[str, list[Sent]] = {}
        for s in self.sent:
            by_room.setdefault(s.room, []).append(s)
        for room in self.rooms:
            if room.phase in ("opening", "failed") and not by_room.get(room.id):
                continue
            shares = by_room.get(room.id, [])
            if room.phase == "closed":
                self.count_closed(room, shares, t)
            else:
                self.count_open(room, shares, t, views)
        return t

    def deliveries(self, shares: list[Sent]) -> dict[tuple[str, str], str]:
        states: dict[tuple[str, str], str] = {}
        for sender in {s.sender for s in shares}:
            for sid, peer, state in self.query(
                sender,
                "SELECT d.share, d.peer, d.state FROM deliveries d JOIN shares s"
                " ON s.id = d.share AND s.own = 1 AND s.room = ?",
                (bytes.fromhex(shares[0].room),),
            ):
                states[(bytes(sid).hex(), peer)] = state
        return states

    def count_open(self, room: Room, shares: list[Sent], t: Tally, views: bool) -> None:
        rid = bytes.fromhex(room.id)
        states = self.deliveries(shares) if shares else {}
        markers = {s.marker: s for s in shares}
        for node in NODES:
            rows = self.query(
                node,
                "SELECT sender, id, envelope IS NOT NULL FROM shares WHERE room = ? AND own = 0",
                (rid,),
            )
            held = Counter((sender, bytes(i).hex()) for sender, i, _ in rows)
            content = {(sender, bytes(i).hex()) for sender, i, has in rows if has}
            expected = {(s.sender, s.id): s for s in shares if node in s.recipients}
            for key, s in expected.items():
                if held[key] == 0:
                    t.lost += 1
                    waiting = self.waiting(s, node)
                    t.queued += bool(waiting)
                    t.problems.append(
                        f"lost: {s.id} from {s.sender} never reached {node} ({room.case}){waiting}"
                    )
                elif key not in content:
                    t.lost += 1
                    t.problems.append(
                        f"lost: {s.id} from {s.sender} deleted at {node} ({room.case})"
                    )
                else:
                    t.delivered += 1
                    t.duplicated += held[key] - 1
                if states.get((s.id, node)) != "delivered":
                    t.receipts_missing += 1
                    t.problems.append(
                        f"receipt: {s.id} from {s.sender} to {node} is"
                        f" {states.get((s.id, node))} at the sender ({room.case})"
                    )
            if not views:
                continue
            # the scan of closed rooms is only as good as this: held content is found
            raw = self.raw(node)
            for key in sorted(content & expected.keys()):
                if not any(p in raw for p in expected[key].probes):
                    self.harness(
                        f"scan: the envelope of {key[1]} held by {node} not found in its files"
                    )
            for key in room.keys.get(node, ()):
                if key not in raw and len(key) > 32:
                    self.harness(f"scan: a sealed room key of {room.case} at {node} not found")
            for s in shares:
                if s.marker.encode() in raw:
                    t.leaks += 1
                    t.problems.append(
                        f"leak: plaintext marker of {s.id} in {node}'s files (open room)"
                    )
            seen: Counter[str] = Counter()
            for sender, sid in content:
                got = self.view(node, room.id, sid, sender)
                found = re.findall(r"SOAKMARK\w+", got)
                marker = found[0] if found else ""
                if (sender, sid) in expected and expected[(sender, sid)].marker != marker:
                    t.corrupt += 1
                    t.problems.append(f"content: {sid} at {node} opens to {got[:60]!r}")
                if marker in markers:
                    seen[marker] += 1
                else:
                    t.problems.append(f"unknown share {sid} from {sender} at {node}: {got[:60]!r}")
            t.duplicated += sum(n - 1 for n in seen.values() if n > 1)

    def waiting(self, s: Sent, peer: str) -> str:
        """How the share's envelope for ``peer`` waits in the sender's outbox ("" if not)."""
        rows = self.query(
            s.sender,
            "SELECT o.attempts, o.next_at, o.last_error FROM outbox o JOIN shares s"
            " ON s.env_hash = o.env_hash AND s.own = 1 AND s.id = ?"
            " WHERE o.peer = ? AND o.done_at IS NULL",
            (bytes.fromhex(s.id), peer),
        )
        if not rows:
            return ""
        attempts, next_at, error = rows[0]
        due = f"in {next_at - time.time():.0f}s" if next_at else "now"
        return f"; still queued: {attempts} attempts, next {due}, last error {error}"

    def raw(self, node: str) -> bytes:
        """The node's SQLite files as they are on disk: database, WAL and shared memory."""
        parts = []
        for path in sorted(self.c.data(node).glob("node.db*")):
            with contextlib.suppress(FileNotFoundError):  # a WAL checkpointed away meanwhile
                parts.append(path.read_bytes())
        return b"\x00".join(parts)

    def view(self, node: str, room: str, sid: str, sender: str) -> str:
        for _ in range(3):
            try:
                doc = self.api(node).get(f"/v1/rooms/{room}/shares/{sid}?sender={sender}")
                return str(doc.get("summary", ""))
            except ApiError as exc:
                if exc.remote_code == "node.session":
                    self.login(node)
                    continue
                return f"<{exc.remote_code}>"
            except NodeUnreachable:
                self.sleep(1)
        return "<unreachable>"

    def count_closed(self, room: Room, shares: list[Sent], t: Tally) -> None:
        rid = bytes.fromhex(room.id)
        states = self.deliveries(shares) if shares else {}
        overtaken = self.overtaken({s.sender for s in shares})
        for s in shares:
            for peer in s.recipients:
                if (s.id, peer) in overtaken:
                    # sent while the room was open, it reached the peer after the close:
                    # refused (policy.room_not_open), so never held: the answer is back
                    t.closed_unreceived += 1
                    continue
                if states.get((s.id, peer)) != "deleted":
                    t.receipts_missing += 1
                    t.problems.append(
                        f"receipt: {s.id} from {s.sender} to {peer} is {states.get((s.id, peer))}"
                        f" at the sender, not deleted (closed {room.case})"
                    )
        for node in sorted(room.members):
            closed = {
                r[0]
                for r in self.query(
                    node, "SELECT issuer FROM receipts WHERE room = ? AND kind = 'closed'", (rid,)
                )
            }
            for other in sorted(room.members - {node} - closed):
                t.receipts_missing += 1
                t.problems.append(
                    f"receipt: {node} lacks the closed receipt of {other} ({room.case})"
                )
            keys = self.query(node, "SELECT COUNT(*) FROM room_keys WHERE room = ?", (rid,))[0][0]
            if keys:
                t.leaks += 1
                t.problems.append(f"leak: {node} still holds {keys} room key(s) of {room.case}")
            rows = self.query(
                node,
                "SELECT sender, id, envelope IS NOT NULL FROM shares WHERE room = ? AND own = 0",
                (rid,),
            )
            got = {(sender, bytes(i).hex()): has for sender, i, has in rows}
            raw = self.raw(node)
            for s in shares:
                if node not in s.recipients:
                    continue
                if (s.sender, s.id) not in got:
                    t.closed_unreceived += 1  # the closure overtook it: nothing to hold
                else:
                    t.delivered += 1  # received before the closure deleted it
                    if got[(s.sender, s.id)]:
                        t.leaks += 1
                        t.problems.append(
                            f"leak: {node} holds the envelope of {s.id} ({room.case})"
                        )
                if s.marker.encode() in raw:
                    t.leaks += 1
                    t.problems.append(f"leak: marker of {s.id} in {node}'s files ({room.case})")
                if any(p in raw for p in s.probes):
                    t.leaks += 1
                    t.problems.append(
                        f"leak: envelope bytes of {s.id} in {node}'s files ({room.case})"
                    )
            for key in room.keys.get(node, ()):
                if key in raw:
                    t.leaks += 1
                    t.problems.append(f"leak: a room key of {room.case} in {node}'s files")

    def overtaken(self, senders: set[str]) -> set[tuple[str, str]]:
        """(share id, peer) of the shares a peer refused because the room had closed
        before they reached it, from each sender's audit of the refusal."""
        out: set[tuple[str, str]] = set()
        for sender in sorted(senders):
            rows = self.query(
                sender,
                "SELECT a.actor, s.id FROM audit a"
                " JOIN outbox o ON o.id = json_extract(a.detail, '$.outbox')"
                " JOIN shares s ON s.env_hash = o.env_hash AND s.own = 1"
                " WHERE a.action = 'refused'"
                " AND json_extract(a.detail, '$.code') = 'policy.room_not_open'",
            )
            out |= {(bytes(sid).hex(), peer) for peer, sid in rows}
        return out

    # -- the report -------------------------------------------------------------------------------

    def evidence(self) -> list[str]:
        """What the nodes refused, and what their outboxes still hold: the log of a loss."""
        lines = []
        for node in NODES:
            refused: Counter[str] = Counter()
            for actor, detail in self.query(
                node, "SELECT actor, detail FROM audit WHERE action = 'refused'"
            ):
                with contextlib.suppress(ValueError, TypeError):
                    d = json.loads(detail)
                    refused[
                        f"{actor}: {d.get('code')} {d.get('kind', '')} {d.get('detail', '')}"[:160]
                    ] += 1
            for what, n in refused.most_common(8):
                lines.append(f"{node} refused {n}x from {what}")
            for peer, kind, err, n, next_at in self.query(
                node,
                "SELECT peer, kind, last_error, COUNT(*), MAX(next_at) FROM outbox"
                " WHERE done_at IS NULL GROUP BY peer, kind, last_error",
            ):
                due = f"in {next_at - time.time():.0f}s" if next_at else "now"
                lines.append(f"{node} outbox holds {n} {kind} for {peer} (next try {due}): {err}")
            for peer, kind, err, n in self.query(
                node,
                "SELECT peer, kind, last_error, COUNT(*) FROM outbox WHERE done_at IS NOT NULL"
                " AND last_error IS NOT NULL GROUP BY peer, kind, last_error",
            ):
                lines.append(f"{node} had {n} {kind} for {peer} refused: {err}")
        return lines

    def report(self, t: Tally) -> None:
        for line in t.problems[:60]:
            self.log(line)
        if len(t.problems) > 60:
            self.log(f"... and {len(t.problems) - 60} more")
        if not t.perfect():
            for line in self.evidence():
                self.log(line)
        extra = {k: v for k, v in self.counts.items() if k.startswith("refused ")}
        for k, v in sorted(extra.items()):
            self.log(f"shares {k}: {v}")
        self.result = (
            f"RESULT delivered={t.delivered} lost={t.lost} duplicated={t.duplicated}"
            f" receipts_missing={t.receipts_missing} leaks={t.leaks}"
            f" corrupt={t.corrupt} queued={t.queued} closed_unreceived={t.closed_unreceived}"
            f" seconds={self.seconds:.0f} seed={self.seed} shares={len(self.sent)}"
            f" rooms={self.counts['rooms']} rooms_failed={self.counts['rooms_failed']}"
            f" closed={self.counts['closed']} kills={self.counts['kills']}"
            f" stops={self.counts['stops']} jumps={self.counts['jumps']}"
            f" crashes={self.counts['crashes']} refused={self.counts['share_refused']}"
            f" harness_errors={len(self.harness_errors)}"
        )

    def shutdown(self) -> None:
        self.c.stop_all()


def seed_from_env() -> int:
    given = os.environ.get("SOAK_SEED")
    return int(given) if given else random.SystemRandom().randrange(1, 2**31)


def run_soak(root: Path, seconds: float, seed: int, settle: float = 240.0) -> Soak:
    """Run one soak in ``root``; the nodes are stopped afterwards, whatever happens."""
    soak = Soak(root, seconds, seed, settle=settle, out=lambda s: print(s, flush=True))
    try:
        soak.tally = soak.run()
    finally:
        soak.shutdown()
    return soak


def main() -> None:
    seconds = float(os.environ.get("SOAK_SECONDS", "1800"))
    seed = seed_from_env()
    settle = float(os.environ.get("SOAK_SETTLE", "420"))
    print(f"soak seed {seed} (SOAK_SEED={seed} repeats the choices; timings vary)", flush=True)
    keep = os.environ.get("SOAK_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        soak = run_soak(Path(keep), seconds, seed, settle)
    else:
        with tempfile.TemporaryDirectory(prefix="casusnet-soak-") as tmp:
            soak = run_soak(Path(tmp), seconds, seed, settle)
    print(soak.result, flush=True)


if __name__ == "__main__":
    main()
