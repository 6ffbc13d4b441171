"""Policy: the checks a sender runs before sending and a recipient before storing.

Both sides run the same functions (``side`` only labels the error), in this order:
basis known and in force; declared by the room; room open; sender a member of
the share's epoch and still of the room; the sender's organisation (or role, for a
third party) allowed under the basis; categories allowed; recipients members of the
epoch. After decryption, :func:`check_content` checks the fields the basis asks for.
"""

from __future__ import annotations

from collections.abc import Iterable

from .chain import CLOSED, OPEN, Member, RoomState
from .errors import (
    BasisNotDeclaredError,
    CategoryNotAllowedError,
    ConditionsNotAllowedError,
    FieldRequiredError,
    OrganisationNotAllowedError,
    PolicyError,
    RecipientError,
    RoomNotOpenError,
    SenderNotMemberError,
)
from .registry import Grondslag, Registry


def check_header(
    state: RoomState,
    registry: Registry,
    *,
    sender: str,
    epoch: int,
    basis_id: str,
    categories: Iterable[str],
    recipients: Iterable[str],
    side: str,
) -> tuple[Grondslag, Member]:
    """The header checks; returns the basis and the sender's membership."""
    try:
        basis = registry.get(basis_id)
    except PolicyError as exc:
        exc.side = side
        raise
    if basis_id not in state.bases:
        raise BasisNotDeclaredError(basis_id, side)
    if state.phase != OPEN:
        reason = "closed" if state.phase == CLOSED else "intake not complete"
        raise RoomNotOpenError(reason, side)
    member = state.member_of(sender, epoch)
    if member is None or epoch > state.epoch:
        raise SenderNotMemberError(f"{sender} in epoch {epoch}", side)
    if sender not in state.members or sender in state.leaving:
        raise SenderNotMemberError(f"{sender} is no longer a member", side)
    if side == "sender" and epoch != state.epoch:
        raise SenderNotMemberError("shares are sealed for the current epoch", side)
    allowed = _allowed_categories(basis, member)
    if allowed is None:
        raise OrganisationNotAllowedError(f"{member.org} ({member.role}) under {basis.id}", side)
    cats = list(categories)
    for cat in cats:
        if cat not in allowed:
            raise CategoryNotAllowedError(f"{cat} under {basis.id} for {member.org}", side)
    epoch_members = state.epochs[epoch]
    rcpts = list(recipients)
    if not rcpts:
        raise RecipientError("no recipients", side)
    for node in rcpts:
        if node == sender or node not in epoch_members:
            raise RecipientError(f"{node} in epoch {epoch}", side)
        if side == "sender" and node in state.leaving:
            raise RecipientError(f"{node} is leaving the room", side)
    return basis, member


def _allowed_categories(basis: Grondslag, member: Member) -> frozenset[str] | None:
    if member.role == "derde":
        return basis.categories if basis.third_party_may_share else None
    if member.org not in basis.senders:
        return None
    subset = basis.senders[member.org]
    return basis.categories if subset is None else basis.categories & subset


def check_content(
    basis: Grondslag,
    sender_org: str,
    categories: Iterable[str],
    *,
    justification: str | None,
    decision_ref: str | None,
    consent: str | None,
    conditions: str | None,
    side: str,
) -> None:
    """The fields the basis asks for: justification, decision reference, consent."""
    if basis.justification and not (justification or "").strip():
        raise FieldRequiredError(
            f"{basis.id} asks for a justification (proportionality, subsidiarity)", side
        )
    if basis.decision_ref and not (decision_ref or "").strip():
        raise FieldRequiredError(f"{basis.id} asks for the reference of the written decision", side)
    rule = basis.consent
    if (
        rule is not None
        and sender_org in rule.orgs
        and rule.categories.intersection(categories)
        and not (consent or "").strip()
    ):
        raise FieldRequiredError(f"{basis.id}: {sender_org} needs the person's consent", side)
    if conditions is not None and not basis.conditions_allowed:
        raise ConditionsNotAllowedError(basis.id, side)


def default_recipients(state: RoomState, sender: str) -> list[str]:
    """All current deelnemers but the sender: third parties only when addressed by name."""
    return sorted(
        node
        for node, m in state.members.items()
        if node != sender and m.role == "deelnemer" and node not in state.leaving
    )
