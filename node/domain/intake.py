"""The intake (Wet PGA art. 5; Wgs art. 2.31 lid 2-4): each intake organisation's
sealed assessment, the rulings the chair proposes and every intake organisation
endorses (the eensluidende beoordeling, then the samenstelling), the consent that
admits a deelnemer or derde the samenstelling did not name, and the intake as this
node can read it. All but the view are member statements or chair events.
Owns the ``intake_viewed`` audit action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import Staff
from node.errors import NotAllowedError
from protocol import chain
from protocol.chain import RoomState
from protocol.codec import PROTOCOL_VERSION, decode
from protocol.errors import CasusnetError
from protocol.events import (
    CRITERIA,
    STATEMENT_SPECS,
    VERDICTS,
    Assess,
    Consent,
    Endorse,
    Event,
    RulingData,
    Sealed,
)
from protocol.intake import open_assessment, open_ruling, seal_assessment, seal_ruling
from protocol.keys import BoxKeyPair
from protocol.registry import Grondslag
from protocol.signed import Signed
from protocol.verblijf import VERBLIJF_CAPACITY, VERBLIJF_ORG


class Intake:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members

    # -- statements and events ---------------------------------------------------------

    def assess(
        self,
        staff: Staff,
        room: bytes,
        verdict: str,
        criteria: Mapping[str, int | None],
        reasoning: str,
    ) -> None:
        """This organisation's assessment, sealed to the intake's organisations: a score
        per criterion (left out or ``None``: "onbekend", not "geen zorg"), its view
        (``voorleggen`` or ``niet_voorleggen``) and its reasoning."""
        ctx = self.ctx
        state = ctx.state(room)
        basis = self._intake_member(state, staff)
        if state.stage != chain.ANALYSE:
            raise NotAllowedError("assessments come before the beoordeling")
        present = {state.members[n].org for n in chain.intake_nodes(state, basis)}
        absent = chain.deciding(state, basis, basis.intake_by) - present
        if absent:  # sealed now, the assessment would miss their wraps
            raise NotAllowedError(f"wait until {', '.join(sorted(absent))} joined the intake")
        if verdict not in VERDICTS:
            raise NotAllowedError(f"verdict: one of {', '.join(VERDICTS)}")
        sealed = seal_assessment(
            state, basis, criteria=criteria, verdict=verdict, reasoning=reasoning, rand=ctx.rand
        )
        body = Assess(
            room=room, seq=state.seq, node=ctx.me, capacity=staff.capacity, time=ctx.now(),
            sealed=sealed,
        )  # fmt: skip
        self.members.statement(staff, state, "assess", body)

    def rule(
        self,
        staff: Staff,
        room: bytes,
        *,
        stage: str,
        outcome: str | None,
        deelnemers: Sequence[str],
        derden: Mapping[str, str],
        reasoning: str,
    ) -> int:
        """The chair proposes a ruling (returns its seq): the ``beoordeling`` with its
        outcome, or the ``samenstelling`` naming the deelnemers and the derden with the
        reason each derde is needed. It is in force once every intake organisation
        endorsed it (:meth:`endorse`)."""
        ctx = self.ctx
        for node in [*deelnemers, *derden]:
            if node not in ctx.roster.by_node:
                raise NotAllowedError(f"{node} is not in the federation roster")
        missing = [n for n, reason in derden.items() if not reason.strip()]
        if missing:
            raise NotAllowedError(f"give the reason {missing[0]} is needed as derde")
        with ctx.store.transaction():
            state = self.members.as_chair(room)
            basis = ctx.basis(state)
            sealed = seal_ruling(
                state, basis, reasoning=reasoning, reasons=dict(derden), rand=ctx.rand
            )
            data = RulingData(
                stage, outcome, tuple(sorted(set(deelnemers))), tuple(sorted(derden)), sealed
            )
            new = self.members.chair_event(state, "ruling", data)
            ctx.audit(
                actor=staff.name, action="ruling", room=room, case_ref=state.case,
                stage=stage, outcome=outcome,
            )  # fmt: skip
        ctx.flush_wakeups()
        return new.seq

    def endorse(self, staff: Staff, room: bytes, ruling: int | None = None) -> None:
        """Sign the ruling the intake waits for (``ruling``: its seq, to be sure it is
        the one the staff member read)."""
        ctx = self.ctx
        state = ctx.state(room)
        pending = state.ruling
        if pending is not None and pending.stage == "afsluiting":
            basis = self.members.basis_as_member(state)
            if state.phase != chain.OPEN:
                raise NotAllowedError("the room is not open")
            self._acting_for_verblijf(state, basis, staff)
        else:
            self._intake_member(state, staff)
        if pending is None or pending.done:
            raise NotAllowedError("no ruling waits for a signature")
        if ruling is not None and ruling != pending.seq:
            raise NotAllowedError(
                f"ruling {ruling} is not the one that waits for signatures ({pending.seq}): "
                "read that one first"
            )
        if ctx.config.org not in pending.required:
            raise NotAllowedError(f"a {ctx.config.org} node does not sign this ruling")
        if ctx.config.org in pending.endorsed:
            raise NotAllowedError("this organisation already signed the ruling")
        body = Endorse(
            "endorse", PROTOCOL_VERSION, room, state.seq, ctx.me, staff.capacity, pending.seq,
            ctx.now(),
        )  # fmt: skip
        self.members.statement(staff, state, "endorse", body, ruling=pending.seq)

    def consent(self, staff: Staff, room: bytes, subject: str) -> None:
        """Consent to admit ``subject``: a derde, or a deelnemer invited after the
        samenstelling that did not name it."""
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if ctx.config.org not in basis.third_party_consent:
            raise NotAllowedError(
                f"a {ctx.config.org} node gives no consent for admission under {basis.id}"
            )
        self._acting_for_verblijf(state, basis, staff)
        if subject not in state.invited:
            raise NotAllowedError(f"{subject} is not invited")
        body = Consent(
            "consent", PROTOCOL_VERSION, room, state.seq, ctx.me, staff.capacity, subject,
            ctx.now(),
        )  # fmt: skip
        self.members.statement(staff, state, "consent", body, subject=subject)

    def _intake_member(self, state: RoomState, staff: Staff) -> Grondslag:
        basis = self.members.basis_as_member(state)
        if state.phase != chain.INTAKE:
            raise NotAllowedError("the intake of this room is over")
        if self.ctx.config.org not in basis.intake_by:
            raise NotAllowedError(
                f"a {self.ctx.config.org} node takes no part in the intake under {basis.id}"
            )
        self._acting_for_verblijf(state, basis, staff)
        return basis

    def _acting_for_verblijf(self, state: RoomState, basis: Grondslag, staff: Staff) -> None:
        """The chain's rule, checked before signing: under a basis that names the
        gemeente van verblijf, the gemeente's part is that node's, as burgemeester."""
        if not basis.verblijf or self.ctx.config.org != VERBLIJF_ORG:
            return
        if state.verblijf != self.ctx.me:
            raise NotAllowedError("only the gemeente van verblijf takes this decision")
        if staff.capacity != VERBLIJF_CAPACITY:
            raise NotAllowedError("the gemeente decides this as burgemeester")

    # -- the intake as this node reads it --------------------------------------------

    def view(self, staff: Staff, room: bytes) -> dict[str, Any]:
        """The intake: its stage, who assessed, the rulings and their signatures; the
        scores, views and reasoning only where this node holds a wrap (an intake
        organisation, or the chair). Opening content is audited."""
        ctx = self.ctx
        state = ctx.state(room)
        basis = ctx.basis(state)
        assessments: list[dict[str, Any]] = []
        rulings: list[dict[str, Any]] = []
        opened = 0
        for raw in ctx.rooms.events_after(room, 0, limit=1 << 30):
            wrapper = decode(raw, Signed.SPEC)
            event = decode(wrapper.body, Event.SPEC)
            if event.kind == "assess":
                inner = decode(event.data.statement, Signed.SPEC)
                body: Assess = decode(inner.body, STATEMENT_SPECS["assess"])
                if body.meeting is not None:  # a re-assessment: the plan's (Plan.record)
                    continue
                entry = self._assessment(state, room, body, event)
                opened += "reasoning" in entry
                assessments.append(entry)
            elif event.kind == "ruling":
                entry = self._ruling_entry(state, room, event)
                opened += "reasoning" in entry
                rulings.append(entry)
            elif event.kind == "endorse":
                inner = decode(event.data.statement, Signed.SPEC)
                endorse: Endorse = decode(inner.body, STATEMENT_SPECS["endorse"])
                for r in rulings:
                    if r["seq"] == endorse.ruling:
                        r["endorsed"].append(self._org(endorse.node))
        pending = state.ruling
        if opened:
            with ctx.store.transaction():
                ctx.audit(
                    actor=staff.name, action="intake_viewed", room=room, case_ref=state.case,
                    items=opened,
                )  # fmt: skip
        return {
            "room": room.hex(),
            "case": state.case,
            "phase": state.phase,
            "stage": state.stage,
            "deciding": sorted(chain.deciding(state, basis, basis.intake_by))
            if basis.intake_by
            else [],
            "intake_nodes": sorted(chain.intake_nodes(state, basis)) if basis.intake_by else [],
            "readable": ctx.me in chain.intake_nodes(state, basis) if basis.intake_by else False,
            "assessments": assessments,
            "rulings": rulings,
            "pending": pending.seq if pending is not None and not pending.done else None,
            "named": dict(state.named),
        }

    def _org(self, node: str) -> str:
        member = self.ctx.roster.by_node.get(node)
        return member.org if member else "?"

    def _key(self, state: RoomState, sealed: Sealed) -> BoxKeyPair | None:
        member = state.member_of(self.ctx.me, sealed.epoch)
        if member is None or self.ctx.me not in dict(sealed.wraps):
            return None
        return self.ctx.rooms.key(state.room, member.key)

    def _assessment(
        self, state: RoomState, room: bytes, body: Assess, event: Event
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "seq": event.seq, "org": self._org(body.node), "node": body.node,
            "capacity": body.capacity, "at": body.time,
        }  # fmt: skip
        if body.sealed is None:  # an earlier release's plaintext assessment
            if body.criteria is not None:
                entry["criteria"] = {c: getattr(body.criteria, c) for c in CRITERIA}
            entry["verdict"] = body.verdict
            return entry
        key = self._key(state, body.sealed)
        if key is None:
            return entry
        try:
            content = open_assessment(body.sealed, me=self.ctx.me, room_key=key, room=room)
        except CasusnetError:
            return entry
        entry["criteria"] = {c: getattr(content.criteria, c) for c in CRITERIA}
        entry["verdict"] = content.verdict
        entry["reasoning"] = content.reasoning
        return entry

    def _ruling_entry(self, state: RoomState, room: bytes, event: Event) -> dict[str, Any]:
        data: RulingData = event.data
        entry: dict[str, Any] = {
            "seq": event.seq, "stage": data.stage, "outcome": data.outcome,
            "deelnemers": list(data.deelnemers), "derden": list(data.derden), "at": event.time,
            "endorsed": [],
            "in_force": any(r.seq == event.seq for r in state.rulings),
            "required": sorted(state.ruling.required)
            if state.ruling is not None and state.ruling.seq == event.seq
            else [],
        }  # fmt: skip
        key = self._key(state, data.sealed)
        if key is None:
            return entry
        try:
            content = open_ruling(data.sealed, me=self.ctx.me, room_key=key, room=room)
        except CasusnetError:
            return entry
        entry["reasoning"] = content.reasoning
        entry["reasons"] = dict(content.reasons)
        return entry
