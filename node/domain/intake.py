"""The intake: the assessments (``assess``) and the joint consent for third parties
(``consent``) that open a room for sharing. Both are member statements to the chair.
"""

from __future__ import annotations

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import Staff
from node.errors import NotAllowedError
from protocol import chain
from protocol.events import CRITERIA, Assess, Consent, Criteria


class Intake:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members

    def assess(self, staff: Staff, room: bytes, verdict: str, criteria: dict[str, int]) -> None:
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if state.phase != chain.INTAKE:
            raise NotAllowedError("the intake of this room is over")
        if ctx.config.org not in basis.intake_by:
            raise NotAllowedError(
                f"a {ctx.config.org} node takes no part in the intake under {basis.id}"
            )
        scores = Criteria(**{c: int(criteria.get(c, 0)) for c in CRITERIA})
        body = Assess("assess", 1, room, state.seq, ctx.me, scores, verdict, ctx.now())
        self.members.statement(staff, state, "assess", body, verdict=verdict)

    def consent(self, staff: Staff, room: bytes, subject: str) -> None:
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if ctx.config.org not in basis.third_party_consent:
            raise NotAllowedError(
                f"a {ctx.config.org} node gives no consent for third parties under {basis.id}"
            )
        invite = state.invited.get(subject)
        if invite is None or invite.role != "derde":
            raise NotAllowedError(f"{subject} is not invited as a third party")
        body = Consent("consent", 1, room, state.seq, ctx.me, subject, ctx.now())
        self.members.statement(staff, state, "consent", body, subject=subject)
