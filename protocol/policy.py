"""Policy: the checks a sender runs before sending and a recipient before storing.

Both sides run the same functions (``side`` only labels the error), in this order:
basis known and in force; declared by the room; room open; sender a member of
the share's epoch and still of the room; the sender's organisation (or role, for a
third party) allowed under the basis; the capacity it acts in (a gemeente: as
burgemeester or college; others: none); each category not bound to another basis
(politiegegevens only under the Wpg, justitiële gegevens only under the Wjsg) and
allowed; recipients members of the epoch. After decryption, :func:`check_content`
checks the fields the basis asks for.
"""

from __future__ import annotations

from collections.abc import Iterable

from .chain import ANALYSE, CLOSED, INTAKE, OPEN, VERZAMELEN, Member, RoomState, intake_nodes
from .errors import (
    BasisNotDeclaredError,
    CapacityError,
    CategoryBoundError,
    CategoryNotAllowedError,
    FieldRequiredError,
    OrganisationNotAllowedError,
    PolicyError,
    RecipientError,
    RoomNotOpenError,
    SecrecyError,
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
    capacity: str | None,
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
    if state.phase == CLOSED:
        raise RoomNotOpenError("closed", side)
    room_basis = registry.bases[state.room_basis]
    if state.phase != OPEN and state.stage not in (ANALYSE, VERZAMELEN):
        raise RoomNotOpenError("the case is not put to the casusoverleg", side)
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
    capacities = registry.capacities_of(member.org)
    valid = capacity in capacities if capacities else capacity is None
    if not valid:
        raise CapacityError(f"{member.org} as {capacity or '-'}", side)
    cats = list(categories)
    for cat in cats:
        owners = registry.bound_categories.get(cat)
        if owners is not None and basis.id not in owners:
            raise CategoryBoundError(f"{cat} only under {', '.join(sorted(owners))}", side)
        if cat not in allowed:
            raise CategoryNotAllowedError(f"{cat} under {basis.id} for {member.org}", side)
    epoch_members = state.epochs[epoch]
    rcpts = list(recipients)
    if state.phase == INTAKE:
        _check_intake(state, room_basis, sender, cats, rcpts, side)
    if not rcpts:
        raise RecipientError("no recipients", side)
    for node in rcpts:
        if node == sender or node not in epoch_members:
            raise RecipientError(f"{node} in epoch {epoch}", side)
        if side == "sender" and node in state.leaving:
            raise RecipientError(f"{node} is leaving the room", side)
    return basis, member


def _check_intake(
    state: RoomState,
    basis: Grondslag,
    sender: str,
    categories: list[str],
    recipients: list[str],
    side: str,
) -> None:
    """The intake's exchange (Wet PGA art. 5 lid 3-4): among the intake's organisations,
    and with a deelnemer consulted on what it is asked (it answers the intake's
    organisations only); before a positive beoordeling only the aanmelding's own kinds
    of data."""
    inner = intake_nodes(state, basis)
    if sender not in inner:
        outside = [n for n in recipients if n not in inner]
        if outside:
            raise RecipientError(f"{outside[0]}: a consulted deelnemer answers the intake", side)
    if state.stage == ANALYSE and basis.analyse_categories is not None:
        for cat in categories:
            if cat not in basis.analyse_categories:
                raise CategoryNotAllowedError(
                    f"{cat} only after a positive beoordeling (Wet PGA art. 5 lid 4)", side
                )


def _allowed_categories(basis: Grondslag, member: Member) -> frozenset[str] | None:
    if member.role == "derde":
        if not basis.third_party_may_share:
            return None
        return basis.third_party_categories or basis.categories
    if member.org not in basis.senders:
        return None
    subset = basis.senders[member.org]
    return basis.categories if subset is None else basis.categories & subset


def check_content(
    basis: Grondslag,
    registry: Registry,
    sender_org: str,
    *,
    justification: str | None,
    agreement_ref: str | None,
    secrecy_ground: str | None,
    secrecy_ref: str | None,
    side: str,
) -> None:
    """The fields the basis asks for: the justification (proportionality and
    subsidiarity), politie's agreement with the bevoegd gezag, and the ground on which
    a holder of a beroepsgeheim supplies. Conditions are every supplier's right."""
    if basis.justification and not (justification or "").strip():
        raise FieldRequiredError(
            f"{basis.id} asks for a justification (proportionality, subsidiarity)", side
        )
    if basis.agreement_ref and not (agreement_ref or "").strip():
        raise FieldRequiredError(
            f"{basis.id} asks for the reference of the agreement with the bevoegd gezag", side
        )
    if basis.secrecy and sender_org in registry.secrecy_orgs:
        if secrecy_ground not in registry.secrecy_grounds or not (secrecy_ref or "").strip():
            raise SecrecyError(f"{sender_org} under {basis.id}", side)
    elif secrecy_ground is not None and secrecy_ground not in registry.secrecy_grounds:
        raise SecrecyError(f"unknown ground {secrecy_ground[:40]}", side)


def supply_article(basis: Grondslag, room_basis: str) -> str:
    """The article a verstrekking rests on, as recorded with it ("Wpg art. 20 lid 4")."""
    article = basis.supply_article.get(room_basis)
    return f"{basis.law} {article}" if article else basis.law


def default_recipients(state: RoomState, sender: str, basis: Grondslag | None = None) -> list[str]:
    """All current deelnemers but the sender: third parties only when addressed by name.
    During an intake (``basis`` given) only the intake's organisations: a consulted
    deelnemer gets what it is asked, addressed by name."""
    inner = intake_nodes(state, basis) if basis is not None and state.phase == INTAKE else None
    return sorted(
        node
        for node, m in state.members.items()
        if node != sender
        and m.role == "deelnemer"
        and node not in state.leaving
        and (inner is None or node in inner)
    )
