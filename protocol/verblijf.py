"""The gemeente van verblijf: who convenes a Wet PGA casusoverleg, on whose mandate a
ZVH chairs it, and whose burgemeester takes the gemeente's part in the intake and in
admitting derden (Wet PGA art. 2, 3 lid 3-4, 5 lid 3; art. 12 lid 3)."""

from __future__ import annotations

from typing import Any

from .codec import DEFAULT_LIMITS, Limits, decode
from .errors import ChainError, ConvenerError, UnknownSignerError
from .events import ConveneData, Mandate
from .registry import Grondslag
from .roster import Roster
from .signed import Signed

#: Under a basis that names a gemeente van verblijf (``verblijf``), the gemeente's part
#: in the intake and in admitting derden is that node's, acting as burgemeester
#: (Wet PGA art. 3 lid 3-4, art. 5 lid 3).
VERBLIJF_ORG, VERBLIJF_CAPACITY = "gemeente", "burgemeester"


def check_verblijf(
    data: ConveneData, basis: Grondslag, chair: str, chair_org: str, roster: Roster, time: int
) -> None:
    """The gemeente van verblijf and, for a chair on its behalf, its mandate."""
    if not basis.verblijf:
        if data.verblijf is not None or data.mandate is not None:
            raise ConvenerError(f"{basis.id} names no gemeente van verblijf")
        return
    if data.verblijf is None:
        raise ConvenerError(f"{basis.id}: name the gemeente van verblijf")
    if roster.member(data.verblijf).org != VERBLIJF_ORG:
        raise ConvenerError(f"{data.verblijf} is not a gemeente")
    principal = basis.chair_on_behalf.get(chair_org)
    if principal is None:
        if chair != data.verblijf:
            raise ConvenerError("only the gemeente van verblijf convenes in its own name")
        if data.mandate is not None:
            raise ConvenerError("a chair in its own name carries no mandate")
        return
    if data.mandate is None:
        raise ConvenerError(f"a {chair_org} chair needs the mandate of the gemeente van verblijf")
    mandate = verify_mandate(data.mandate, roster=roster, chair=chair, case=data.case)
    if mandate.node != data.verblijf or roster.member(mandate.node).org != principal:
        raise ConvenerError("the mandate is not the gemeente van verblijf's")
    if mandate.time > time:
        raise ConvenerError("the mandate is dated after the convene")


def verify_mandate(
    data: bytes, *, roster: Roster, chair: str, case: str, limits: Limits = DEFAULT_LIMITS
) -> Mandate:
    """A gemeente's signed mandate for ``chair`` to chair ``case`` on its behalf."""
    wrapper = decode(data, Signed.SPEC, limits)
    author = roster.member(wrapper.signer)
    body: Mandate = decode(wrapper.body, Mandate.SPEC, limits)
    author.verify("statement", wrapper.body, wrapper.sig, body.time)
    if body.node != wrapper.signer:
        raise ConvenerError("mandate names another node than its signer")
    if not author.active(body.time):
        raise UnknownSignerError(f"{wrapper.signer}: not in the roster at the mandate's time")
    if body.chair != chair or body.case != case:
        raise ConvenerError("the mandate is for another chair or case")
    return body


def acting_for_verblijf(
    verblijf: str | None, basis: Grondslag, org: str, body: Any, error: type[ChainError]
) -> None:
    """Under a ``verblijf`` basis the gemeente acts only as the burgemeester of the
    gemeente van verblijf; politie and OM act as themselves."""
    if not basis.verblijf or org != VERBLIJF_ORG:
        if body.capacity is not None and org != VERBLIJF_ORG:
            raise error(f"a {org} node acts in no capacity")
        return
    if body.node != verblijf:
        raise error(f"{body.node} is not the gemeente van verblijf")
    if body.capacity != VERBLIJF_CAPACITY:
        raise error("the gemeente acts here as burgemeester")
