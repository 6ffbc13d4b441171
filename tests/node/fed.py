"""A federation of node data dirs for tests: an authority, a roster, N nodes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from node import ports
from node.config import load
from node.tools import provision

NOW = None


def free_port() -> int:
    return ports.free_port()


@dataclass
class Federation:
    root: Path
    nodes: dict[str, str]  # node id -> org
    ports: dict[str, int]
    authority_public: bytes

    def data(self, node: str) -> Path:
        return self.root / node

    def config(self, node: str):  # type: ignore[no-untyped-def]
        return load(self.data(node))


def make_federation(root: Path, nodes: dict[str, str], now: int) -> Federation:
    auth_dir = root / "authority"
    info = provision.create_authority(auth_dir, "testregio")
    authority = bytes.fromhex(info["public"])
    roster = root / "roster.msgpack"
    ports = {n: free_port() for n in nodes}
    gemeenten = sorted(n for n, o in nodes.items() if o == "gemeente")
    for node, org in nodes.items():
        url = f"http://127.0.0.1:{ports[node]}"
        entry = provision.init_node(root / node, node_id=node, org=org,
                                    listen=f"127.0.0.1:{ports[node]}", public_url=url,
                                    authority=authority, roster_path=roster)  # fmt: skip
        serves = gemeenten if org in ("politie", "om") else None  # every gemeente here
        provision.add_member(auth_dir, entry, name=f"{org} testregio", now=now, serves=serves)
    provision.sign(auth_dir, roster, now=now)
    return Federation(root, dict(nodes), ports, authority)


def add_staff(nodes: dict[str, Any], name: str = "mw-{node}") -> dict[str, Any]:
    """A staff member with the intake role at every node, acting as its capacity."""
    from node.domain import staff as staffmod

    return {
        n: staffmod.add(
            node.store,
            name.format(node=n),
            f"{n} · functie",
            "lange-wachtzin-1",
            intake=True,
            now=node.now(),
            capacity=capacity_of(node),
        )  # fmt: skip
        for n, node in nodes.items()
    }


def capacity_of(node: Any) -> str | None:
    """The capacity a test node's staff act in: a gemeente's as burgemeester."""
    return "burgemeester" if node.config.org == "gemeente" else None


# --- the intake (Wet PGA art. 5) -----------------------------------------------------------

INTAKE_SCORES = {"geweldsbereidheid": 2, "ideologie": 3, "identificatie": None}


def intake_steps(
    nodes: dict[str, Any],
    staff: dict[str, Any],
    room: bytes,
    *,
    chair: str,
    deciders: tuple[str, ...] = ("gemeente", "politie", "om"),
    deelnemers: tuple[str, ...] = (),
    derden: dict[str, str] | None = None,
) -> Iterator[tuple[str, Callable[[], bool]]]:
    """A positive intake, step by step: each decider's sealed assessment, the
    beoordeling ``voorleggen`` endorsed by all, the samenstelling naming ``deelnemers``
    and ``derden`` endorsed by all. Yields (what, done) where the deliveries must land
    before the next step: a driver pumps (or waits) until ``done()``."""

    def state(n: str) -> Any:
        return nodes[n].rooms.state(room, nodes[n].now())

    for n in deciders:
        nodes[n].intake.assess(
            staff[n], room, "voorleggen", INTAKE_SCORES, f"Beoordeling van {n}: voorleggen."
        )
    yield "the assessments at the chair", lambda: len(state(chair).assessments) == len(deciders)
    seq = nodes[chair].intake.rule(
        staff[chair], room, stage="beoordeling", outcome="voorleggen", deelnemers=(),
        derden={}, reasoning="Eensluidend: voorleggen.",
    )  # fmt: skip
    yield from _endorsed(nodes, staff, room, seq, deciders, state)
    seq = nodes[chair].intake.rule(
        staff[chair], room, stage="samenstelling", outcome=None, deelnemers=deelnemers,
        derden=derden or {}, reasoning="Samenstelling van het casusoverleg.",
    )  # fmt: skip
    yield from _endorsed(nodes, staff, room, seq, deciders, state)


def _endorsed(
    nodes: dict[str, Any],
    staff: dict[str, Any],
    room: bytes,
    seq: int,
    deciders: tuple[str, ...],
    state: Callable[[str], Any],
) -> Iterator[tuple[str, Callable[[], bool]]]:
    yield (
        f"ruling {seq} at the deciders",
        lambda: all(state(n).ruling is not None and state(n).ruling.seq == seq for n in deciders),
    )
    for n in deciders:
        nodes[n].intake.endorse(staff[n], room, seq)
    yield (
        f"ruling {seq} in force",
        lambda: all(any(r.seq == seq for r in state(n).rulings) for n in deciders),
    )


def run_intake(pump: Callable[[], None], steps: Iterator[tuple[str, Callable[[], bool]]]) -> None:
    """Drive :func:`intake_steps` with a synchronous ``pump`` of the outboxes."""
    for what, done in steps:
        pump()
        assert done(), what


# --- the closure of an open room (Wet PGA art. 6 lid 3; Wgs art. 2.31 lid 8) ----------------

CLOSING_NOTE = "Evaluatie: de maatregelen zijn uitgevoerd; de zorgen zijn afgenomen."


def signers(state: Any) -> list[str]:
    """One member node per organisation that signs the pending ruling (its
    ``required``): for the gemeente the gemeente van verblijf."""
    out = []
    for org in sorted(state.ruling.required):
        nodes = sorted(
            n for n, m in state.members.items()
            if m.org == org and m.role == "deelnemer" and n not in state.leaving
        )  # fmt: skip
        out.append(state.verblijf if state.verblijf in nodes else nodes[0])
    return out


def close_jointly(
    nodes: dict[str, Any],
    staff: dict[str, Any],
    room: bytes,
    pump: Callable[[], None],
    *,
    chair: str,
    outcome: str = "afgesloten",
    note: str = CLOSING_NOTE,
) -> None:
    """Close ``room``: in an open room whose deelnemers decide it the chair proposes
    the closure with ``note``, every deelnemer organisation at the table signs it and
    the chair's node closes by itself; otherwise the chair closes at once."""
    state = nodes[chair].closure.close(staff[chair], room, outcome, note)
    pump()
    if state.phase != "closed":
        for n in signers(state):
            nodes[n].intake.endorse(staff[n], room, state.ruling.seq)
            pump()
    closed = nodes[chair].rooms.state(room, nodes[chair].now())
    assert (closed.phase, closed.outcome) == ("closed", outcome)
