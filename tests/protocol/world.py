"""A deterministic in-memory federation for protocol tests (no network, no clock)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from protocol import chain
from protocol.chain import RoomState, closure_orgs, deciding, intake_nodes
from protocol.codec import PROTOCOL_VERSION, pack
from protocol.events import (
    Assess,
    CloseData,
    Consent,
    ConveneData,
    Criteria,
    Endorse,
    EpochData,
    EpochMember,
    InviteData,
    Join,
    Leave,
    Mandate,
    PlanAct,
    RemoveData,
    RulingData,
    Sealed,
    StatementData,
)
from protocol.intake import seal_assessment, seal_ruling
from protocol.keys import BoxKeyPair, NodeIdentity, Signer
from protocol.plan import seal_plan
from protocol.registry import Grondslag, Registry, default_registry
from protocol.roster import Roster, RosterMember, accept_roster, build_roster, sign_roster
from protocol.share import Draft, seal_share
from protocol.signed import Signed

NOW = 1_790_000_000

# node id -> organisation type: the six partners of the casusoverleg, plus extras.
PARTNERS = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "zvh": "zvh",
    "reclassering": "reclassering",
    "ggz": "ggz",
}
EXTRAS = {"jeugdzorg": "jeugdzorg", "rvdk": "rvdk"}

SHARE_TEXT = "Samenvatting: signalen van toenemende isolatie en online contacten."
REASONING = "Aanhoudende signalen; de criteria wegen samen zwaar genoeg."
CLOSING_NOTE = "Evaluatie: de maatregelen zijn uitgevoerd; de zorgen zijn afgenomen."
SCORES = Criteria(3, 2, 2, 2, 1)


class DetRand:
    """Deterministic randomness: SHA-256 in counter mode over a seed."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self.counter = 0

    def __call__(self, n: int) -> bytes:
        out = b""
        while len(out) < n:
            self.counter += 1
            out += hashlib.sha256(self.seed + self.counter.to_bytes(8, "big")).digest()
        return out[:n]


def member_entry(
    node: str, org: str, ident: NodeIdentity, serves: tuple[str, ...] = ()
) -> RosterMember:
    return RosterMember(
        node=node,
        org=org,
        name=f"{org.capitalize()} Testregio",
        url=f"http://127.0.0.1/{node}",
        sign=ident.sign_public,
        box=ident.box.public,
        box_sig=ident.box_certificate(),
        valid_from=0,
        valid_until=NOW + 10 * 365 * 86400,
        serves=serves if org in ("politie", "om") else (),
    )


@dataclass
class World:
    seed: bytes = b"casusnet-test-world"
    nodes: dict[str, str] = field(default_factory=lambda: {**PARTNERS, **EXTRAS})
    now: int = NOW

    def __post_init__(self) -> None:
        self.rand = DetRand(self.seed)
        self.registry: Registry = default_registry()
        self.authority = Signer.generate(self.rand)
        self.ids = {node: NodeIdentity.generate(self.rand) for node in self.nodes}
        gemeenten = tuple(sorted(n for n, o in self.nodes.items() if o == "gemeente"))
        members = [member_entry(n, o, self.ids[n], gemeenten) for n, o in self.nodes.items()]
        self.roster_bytes = sign_roster(
            self.authority, build_roster("testregio", 1, self.now, self.registry, members)
        )
        self.roster: Roster = accept_roster(self.roster_bytes, self.authority.public, self.registry)
        self.room_keys: dict[str, BoxKeyPair] = {}
        self.events: list[bytes] = []
        self.state: RoomState | None = None
        self.seqs: dict[str, int] = {}

    # -- chain helpers ---------------------------------------------------------------

    def tick(self, seconds: int = 1) -> int:
        self.now += seconds
        return self.now

    def signer(self, node: str) -> Signer:
        return self.ids[node].signer

    def apply(self, event: bytes) -> RoomState:
        self.state = chain.apply(
            self.state, event, roster=self.roster, registry=self.registry, now=self.now
        )
        self.events.append(event)
        return self.state

    def room_key(self, node: str) -> BoxKeyPair:
        if node not in self.room_keys:
            self.room_keys[node] = BoxKeyPair.generate(self.rand)
        return self.room_keys[node]

    def mandate(self, chair: str, case: str, gemeente: str = "gemeente") -> bytes:
        """The gemeente van verblijf's signed mandate for ``chair`` (a ZVH) to chair."""
        body = Mandate("mandate", PROTOCOL_VERSION, case, chair, gemeente, self.now)
        return chain.statement(self.signer(gemeente), gemeente, body)

    def convene(
        self,
        chair: str = "gemeente",
        bases: tuple[str, ...] = ("pga-r", "wjsg-39fb", "wpg-20"),
        case: str = "RAD-2026-017",
        verblijf: str | None = "gemeente",
        mandate: bytes | None = None,
    ) -> bytes:
        basis_objs = [self.registry.get(b) for b in bases]
        room_basis = next(b for b in basis_objs if b.kind == "room")
        if not room_basis.verblijf:
            verblijf = None
        elif mandate is None and chair != verblijf and verblijf is not None:
            mandate = self.mandate(chair, case, verblijf)
        data = ConveneData(
            case=case,
            purpose="Weging en aanpak van zorgen over radicalisering",
            bases=tuple(sorted(bases)),
            retention=chain.retention_years(basis_objs),
            meeting=self.now + 7 * 86400,
            chair_key=self.room_key(chair).public,
            registry=self.registry.version,
            verblijf=verblijf,
            mandate=mandate,
        )
        event = chain.convene(self.signer(chair), chair, data, self.tick())
        self.apply(event)
        return event

    def event(self, kind: str, data: Any) -> bytes:
        assert self.state is not None
        return chain.next_event(self.signer(self.state.chair), self.state, kind, data, self.tick())

    def add(self, kind: str, data: Any) -> bytes:
        event = self.event(kind, data)
        self.apply(event)
        return event

    def statement(self, node: str, body: Any) -> StatementData:
        return StatementData(chain.statement(self.signer(node), node, body))

    def plan_act(
        self, node: str, action: str, content: dict[str, str | None] | None = None, **fields: Any
    ) -> StatementData:
        """A member's signed ``plan`` statement; ``content`` is sealed to the table."""
        assert self.state is not None
        if content is not None:
            fields["sealed"] = seal_plan(self.state, action, content, self.rand)
        body = PlanAct(
            room=self.state.room, seq=self.state.seq, node=node,
            capacity=capacity_of(self.nodes[node]), action=action, time=self.now, **fields,
        )  # fmt: skip
        return self.statement(node, body)

    def plan(
        self, node: str, action: str, content: dict[str, str | None] | None = None, **fields: Any
    ) -> bytes:
        return self.add("plan", self.plan_act(node, action, content, **fields))

    def invite(self, node: str, role: str = "deelnemer") -> bytes:
        assert self.state is not None
        return self.add("invite", InviteData(node, role, self.state.epoch + 1))

    def join_data(self, node: str, rotate: bool = False) -> StatementData:
        assert self.state is not None
        if rotate:
            self.room_keys[node] = BoxKeyPair.generate(self.rand)
        key = self.room_key(node).public
        return self.statement(
            node,
            Join("join", PROTOCOL_VERSION, self.state.room, self.state.seq, node, key, self.now),
        )

    def join(self, node: str, rotate: bool = False) -> bytes:
        return self.add("join", self.join_data(node, rotate))

    def epoch_data(self) -> EpochData:
        assert self.state is not None
        members = chain.admitted(self.state, self.basis)
        listed = tuple(EpochMember(n, m.role, m.key) for n, m in sorted(members.items()))
        return EpochData(self.state.epoch + 1, listed)

    def epoch(self) -> bytes:
        return self.add("epoch", self.epoch_data())

    @property
    def basis(self) -> Grondslag:
        """The room basis the room is validated under (its pinned registry's)."""
        assert self.state is not None
        return chain.registry_for(self.state.registry, self.registry).bases[self.state.room_basis]

    def intake_nodes(self) -> list[str]:
        """Who the intake's sealed content goes to (``chain.intake_nodes``), sorted."""
        assert self.state is not None
        return sorted(intake_nodes(self.state, self.basis))

    def deciders(self) -> list[str]:
        """One node per organisation that must assess and endorse (``chain.deciding``):
        the intake node of that organisation (the verblijf for the gemeente)."""
        assert self.state is not None
        orgs = deciding(self.state, self.basis, self.basis.intake_by)
        nodes = [n for n in self.intake_nodes() if self.state.members[n].org in orgs]
        return sorted({self.state.members[n].org: n for n in reversed(nodes)}.values())

    def sealed_assessment(
        self,
        verdict: str = "voorleggen",
        criteria: Criteria = SCORES,
        reasoning: str = REASONING,
    ) -> Sealed:
        assert self.state is not None
        return seal_assessment(
            self.state,
            self.basis,
            criteria=asdict(criteria),
            verdict=verdict,
            reasoning=reasoning,
            rand=self.rand,
        )

    def assess_data(
        self,
        node: str,
        verdict: str = "voorleggen",
        criteria: Criteria = SCORES,
        **override: Any,
    ) -> StatementData:
        """``node``'s signed, sealed assessment; ``override`` replaces fields of the
        ``Assess`` (``capacity``, ``sealed``, ...)."""
        assert self.state is not None
        body = Assess(
            room=self.state.room,
            seq=self.state.seq,
            node=node,
            capacity=capacity_of(self.nodes[node]),
            time=self.now,
            sealed=self.sealed_assessment(verdict, criteria),
        )
        return self.statement(node, replace(body, **override))

    def legacy_assess_data(self, node: str, verdict: str = "opnemen") -> StatementData:
        """An earlier release's plaintext assessment, built as it signed it: the map
        ``t, v, room, seq, node, capacity, criteria, verdict, time`` (no ``sealed``)."""
        assert self.state is not None
        body = pack(
            {
                "t": "assess",
                "v": PROTOCOL_VERSION,
                "room": self.state.room,
                "seq": self.state.seq,
                "node": node,
                "capacity": capacity_of(self.nodes[node]),
                "criteria": SCORES.to_wire(),
                "verdict": verdict,
                "time": self.now,
            }
        )
        sig = self.signer(node).sign("statement", body)
        return StatementData(Signed(body, node, sig).encode())

    def assess(self, node: str, verdict: str = "voorleggen") -> bytes:
        return self.add("assess", self.assess_data(node, verdict))

    def ruling_data(
        self,
        stage: str = "beoordeling",
        outcome: str | None = "voorleggen",
        deelnemers: tuple[str, ...] = (),
        derden: Mapping[str, str] | None = None,
        reasoning: str = REASONING,
    ) -> RulingData:
        """The chair's ruling; a ``samenstelling`` has no outcome."""
        assert self.state is not None
        reasons = dict(derden or {})
        sealed = seal_ruling(
            self.state, self.basis, reasoning=reasoning, reasons=reasons, rand=self.rand
        )
        if stage == "samenstelling":
            outcome = None
        return RulingData(stage, outcome, tuple(sorted(deelnemers)), tuple(sorted(reasons)), sealed)

    def rule(
        self, stage: str = "beoordeling", outcome: str | None = "voorleggen", **kw: Any
    ) -> bytes:
        return self.add("ruling", self.ruling_data(stage, outcome, **kw))

    def endorse_data(self, node: str, ruling: int | None = None, **override: Any) -> StatementData:
        """``node``'s signed endorsement of ``ruling`` (the pending one by default)."""
        assert self.state is not None
        if ruling is None:
            assert self.state.ruling is not None
            ruling = self.state.ruling.seq
        body = Endorse(
            "endorse",
            PROTOCOL_VERSION,
            self.state.room,
            self.state.seq,
            node,
            capacity_of(self.nodes[node]),
            ruling,
            self.now,
        )
        return self.statement(node, replace(body, **override))

    def endorse(self, node: str, ruling: int | None = None) -> bytes:
        return self.add("endorse", self.endorse_data(node, ruling))

    def endorse_all(self) -> None:
        for node in self.deciders():
            self.endorse(node)

    def beoordeling(self, outcome: str = "voorleggen") -> RoomState:
        """The whole lid 3: every deciding organisation assesses, the chair rules and
        all endorse (a positive outcome: stage verzamelen)."""
        for node in self.deciders():
            self.assess(node, outcome)
        self.rule("beoordeling", outcome)
        self.endorse_all()
        assert self.state is not None
        return self.state

    def samenstelling(
        self, deelnemers: tuple[str, ...] = (), derden: Mapping[str, str] | None = None
    ) -> RoomState:
        """Lid 5: the chair names who joins and all deciding organisations endorse."""
        self.rule("samenstelling", None, deelnemers=deelnemers, derden=derden)
        self.endorse_all()
        assert self.state is not None
        return self.state

    # -- the closure of an open room (Wet PGA art. 6 lid 3) ------------------------------

    def closers(self) -> list[str]:
        """One node per organisation that signs a proposed closure (``chain.closure_orgs``):
        its deelnemer at the table (for the gemeente the gemeente van verblijf)."""
        assert self.state is not None
        state = self.state
        orgs = closure_orgs(state, self.basis)
        nodes = [
            n
            for n, m in sorted(state.members.items())
            if n not in state.leaving and m.role == "deelnemer" and m.org in orgs
            and not (self.basis.verblijf and m.org == "gemeente" and n != state.verblijf)
        ]  # fmt: skip
        return sorted({state.members[n].org: n for n in reversed(nodes)}.values())

    def closure_data(self, outcome: str = "afgesloten", note: str = CLOSING_NOTE) -> RulingData:
        """The chair's proposed closure: the ruling ``afsluiting`` with ``outcome``, its
        closing note sealed to every member not leaving."""
        assert self.state is not None
        sealed = seal_ruling(
            self.state, self.basis, reasoning=note, reasons={}, rand=self.rand, to_members=True
        )
        return RulingData("afsluiting", outcome, (), (), sealed)

    def propose_closure(self, outcome: str = "afgesloten") -> bytes:
        return self.add("ruling", self.closure_data(outcome))

    def jointly(self) -> bool:
        """Whether the deelnemers decide this room's closure (an open room whose basis
        does not leave it to the chair, not opened the earlier release's way)."""
        assert self.state is not None
        return chain.closed_jointly(self.state, self.basis)

    def close_jointly(self, outcome: str = "afgesloten") -> bytes:
        """Close the room: in an open room the chair proposes the closure and every
        deelnemer organisation at the table signs it first; otherwise the chair alone."""
        if self.jointly():
            self.propose_closure(outcome)
            for node in self.closers():
                self.endorse(node)
        return self.add("close", CloseData(outcome))

    def consent_data(self, node: str, subject: str, **override: Any) -> StatementData:
        """``node``'s signed consent; ``override`` replaces fields (``capacity``, ...)."""
        assert self.state is not None
        return self.statement(
            node,
            replace(
                Consent(
                    "consent",
                    PROTOCOL_VERSION,
                    self.state.room,
                    self.state.seq,
                    node,
                    capacity_of(self.nodes[node]),
                    subject,
                    self.now,
                ),
                **override,
            ),
        )

    def consent(self, node: str, subject: str) -> bytes:
        return self.add("consent", self.consent_data(node, subject))

    def remove(self, node: str) -> bytes:
        return self.add("remove", RemoveData(node))

    def leave(self, node: str) -> bytes:
        assert self.state is not None
        return self.add(
            "leave",
            self.statement(
                node,
                Leave("leave", PROTOCOL_VERSION, self.state.room, self.state.seq, node, self.now),
            ),
        )

    def open_room(self, third_party: bool = True, **convene: Any) -> RoomState:
        """The standard casusoverleg (the typical Wet PGA flow): the intake of gemeente,
        politie and OM (assess, rule, endorse), a samenstelling naming reclassering (and
        GGZ as derde), who enter on their join; the RvdK, not named, enters with the
        consent of the three.

        ``convene`` goes to :meth:`convene` (another ``chair``, more ``bases``); a chair
        other than the gemeente invites the gemeente van verblijf as a deelnemer."""
        self.convene(**convene)
        self.intake_table()
        self.beoordeling()
        derden = {"ggz": "Expertise forensische psychiatrie nodig"} if third_party else {}
        self.samenstelling(("reclassering",), derden)
        for node in ("reclassering", "rvdk"):
            self.invite(node)
            self.join(node)
        if third_party:
            self.invite("ggz", "derde")
            self.join("ggz")
        for node in self.deciders():
            self.consent(node, "rvdk")
        self.epoch()
        assert self.state is not None
        return self.state

    def intake_table(self, nodes: tuple[str, ...] = ("gemeente", "politie", "om")) -> RoomState:
        """Invite and join the intake's organisations (but the chair), then the epoch."""
        assert self.state is not None
        for node in nodes:
            if node != self.state.chair:
                self.invite(node)
                self.join(node)
        self.epoch()
        return self.state

    # -- shares ------------------------------------------------------------------------

    def next_seq(self, node: str) -> int:
        self.seqs[node] = self.seqs.get(node, 0) + 1
        return self.seqs[node]

    def share(self, sender: str, **kw: Any) -> bytes:
        assert self.state is not None
        draft = default_draft(self.state, sender, **kw)
        return seal_share(
            draft,
            state=self.state,
            registry=self.registry,
            sender=sender,
            signer=self.signer(sender),
            seq=self.next_seq(sender),
            now=self.tick(),
            rand=self.rand,
        )


def capacity_of(org: str) -> str | None:
    """The capacity a test node of this organisation acts in (a gemeente: burgemeester)."""
    return "burgemeester" if org == "gemeente" else None


SECRECY_ORGS = ("ggz", "ggd", "jeugdzorg", "gi", "veilig_thuis")


def default_draft(state: RoomState, sender: str, **kw: Any) -> Draft:
    org = next(e[sender].org for e in state.epochs.values() if sender in e)
    basis = {"politie": "wpg-20", "om": "wjsg-39fb"}.get(org, "pga-r")
    categories = {
        "wpg-20": ["politie", "signalen"],
        "wjsg-39fb": ["justitieel"],
    }.get(basis, ["plan", "signalen"])
    fields: dict[str, Any] = dict(
        basis=basis,
        categories=categories,
        recipients=sorted(n for n in state.members if n != sender),
        summary=SHARE_TEXT,
        author_function=f"{org} · casusregisseur",
        justification="Noodzakelijk voor de weging; geen minder ingrijpend middel.",
        agreement_ref="Afspraak bevoegd gezag 2026-004" if basis == "wpg-20" else None,
        capacity=capacity_of(org),
        secrecy_ground="toestemming" if org in SECRECY_ORGS else None,
        secrecy_ref="Toestemming betrokkene 2026-03-02" if org in SECRECY_ORGS else None,
    )
    fields.update(kw)
    return Draft(**fields)
