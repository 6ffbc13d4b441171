"""The referral of a Wgs case to the Wet PGA casusoverleg (Wgs art. 2.31 lid 13):
once radicalisation is suspected, a member of the ``wgs`` room whose organisation is a
Wet PGA deelnemer registers the case there.

The referral is an ordinary aanmelding (:class:`~node.domain.aanmelding.Aanmeldingen`)
whose case reference is the room's; what it says (signals, reason, function) is typed
by the staff member: nothing of the room (shares, plan, members) goes with it. Only
this node records that the aanmelding came from the room (``referred_from`` on the
``aanmeldingen`` table) and audits it (``referral``); nothing about the referral goes
on the wire beyond the aanmelding envelope (``docs/decisions.md``, "The Wgs referral").
The record goes with the aanmelding (its retention); the audit entry stays.
"""

from __future__ import annotations

from typing import Any

from node.domain.aanmelding import Aanmeldingen, require_role
from node.domain.context import Context
from node.domain.staff import Staff
from node.errors import NotPgaDeelnemerError, ReferralRoomError
from node.store import aanmeldingen as tables
from protocol.aanmelding import Aanmelding, intake_basis
from protocol.chain import RoomState

#: the room basis whose case can be referred (Wgs art. 2.31 lid 13)
REFERS_FROM = "wgs"


class Referrals:
    def __init__(self, ctx: Context, aanmeldingen: Aanmeldingen) -> None:
        self.ctx = ctx
        self.aanmeldingen = aanmeldingen

    def refer(
        self,
        staff: Staff,
        room: bytes,
        *,
        to_org: str,
        verblijf: str,
        summary: str,
        reason: str,
        author_function: str | None = None,
    ) -> dict[str, Any]:
        """Register the case of the Wgs room ``room`` as a Wet PGA aanmelding with the
        ``to_org`` node serving ``verblijf``; returns the aanmelding as
        :meth:`Aanmeldingen.show` does."""
        require_role(staff)
        ctx = self.ctx
        state = self.referring(room)

        def record(a: Aanmelding) -> None:
            tables.mark_referred(ctx.store, a.id, room)
            ctx.audit(actor=staff.name, action="referral", room=room, case_ref=state.case,
                      aanmelding=a.id.hex(), to=a.to)  # fmt: skip

        return self.aanmeldingen.register(
            staff, case=state.case, verblijf=verblijf, to_org=to_org, summary=summary,
            reason=reason, author_function=author_function, then=record,
        )  # fmt: skip

    def referring(self, room: bytes) -> RoomState:
        """The state of ``room`` once this node may refer its case: a member of a Wgs
        room that is not closed (in its intake or open), of an organisation that is a
        deelnemer of the Wet PGA in its own name (the ZVH is none; the mandate it may
        hold for a Wet PGA case is the burgemeester's, not for a referral)."""
        ctx = self.ctx
        state = ctx.state(room)
        if state.room_basis != REFERS_FROM:
            raise ReferralRoomError(f"the room's basis is {state.room_basis}, not {REFERS_FROM}")
        if state.phase == "closed":
            raise ReferralRoomError("the room is closed")
        if ctx.me not in state.members:
            raise ReferralRoomError(f"{ctx.me} is no member of the room")
        org = ctx.roster.member(ctx.me).org
        basis = intake_basis(ctx.registry)
        if org not in basis.deelnemers:
            raise NotPgaDeelnemerError(f"a {org} node is no deelnemer of {basis.id}")
        return state

    def of_room(self, room: bytes) -> list[dict[str, Any]]:
        """The referrals this node made from ``room``: ``{aanmelding, to, verblijf,
        time}`` each (what the room view shows)."""
        return [
            {"aanmelding": r["id"].hex(), "to": r["to_node"], "verblijf": r["verblijf"],
             "time": r["time"]}
            for r in tables.referrals(self.ctx.store, room)
        ]  # fmt: skip
