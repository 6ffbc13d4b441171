"""The intake: the assessments (``assess``) and the joint consent for third parties
(``consent``) that open a room for sharing. Both are member statements to the chair.
"""

from __future__ import annotations

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import Staff
from node.errors import NotAllowedError
from protocol import chain
from protocol.chain import RoomState
from protocol.codec import PROTOCOL_VERSION
from protocol.events import CRITERIA, Assess, Consent, Criteria
from protocol.registry import Grondslag
from protocol.verblijf import VERBLIJF_CAPACITY, VERBLIJF_ORG


class Intake:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members

    def assess(
        self, staff: Staff, room: bytes, verdict: str, criteria: dict[str, int | None]
    ) -> None:
        """This node's assessment (its staff member's capacity included); a criterion
        left out or ``None`` is scored "onbekend", not "geen zorg"."""
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if state.phase != chain.INTAKE:
            raise NotAllowedError("the intake of this room is over")
        if ctx.config.org not in basis.intake_by:
            raise NotAllowedError(
                f"a {ctx.config.org} node takes no part in the intake under {basis.id}"
            )
        self._acting_for_verblijf(state, basis, staff)
        scores = Criteria(**{c: _score(criteria.get(c)) for c in CRITERIA})
        body = Assess(
            "assess", PROTOCOL_VERSION, room, state.seq, ctx.me, staff.capacity, scores, verdict,
            ctx.now(),
        )  # fmt: skip
        self.members.statement(staff, state, "assess", body, verdict=verdict)

    def consent(self, staff: Staff, room: bytes, subject: str) -> None:
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if ctx.config.org not in basis.third_party_consent:
            raise NotAllowedError(
                f"a {ctx.config.org} node gives no consent for third parties under {basis.id}"
            )
        self._acting_for_verblijf(state, basis, staff)
        invite = state.invited.get(subject)
        if invite is None or invite.role != "derde":
            raise NotAllowedError(f"{subject} is not invited as a third party")
        body = Consent(
            "consent", PROTOCOL_VERSION, room, state.seq, ctx.me, staff.capacity, subject,
            ctx.now(),
        )  # fmt: skip
        self.members.statement(staff, state, "consent", body, subject=subject)

    def _acting_for_verblijf(self, state: RoomState, basis: Grondslag, staff: Staff) -> None:
        """The chain's rule, checked before signing: under a basis that names the
        gemeente van verblijf, the gemeente's part is that node's, as burgemeester."""
        if not basis.verblijf or self.ctx.config.org != VERBLIJF_ORG:
            return
        if state.verblijf != self.ctx.me:
            raise NotAllowedError("only the gemeente van verblijf takes this decision")
        if staff.capacity != VERBLIJF_CAPACITY:
            raise NotAllowedError("the gemeente decides this as burgemeester")


def _score(value: int | None) -> int | None:
    return None if value is None else int(value)
