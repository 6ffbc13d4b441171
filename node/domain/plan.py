"""The plan van aanpak: agenda items and decisions as sealed chain events (only the
chair adds them), read back for members holding the room key, and exported for the
ZVH's file. Owns the ``plan`` and ``plan_exported`` audit actions.
"""

from __future__ import annotations

from typing import Any

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import Staff
from protocol.codec import decode
from protocol.errors import CasusnetError
from protocol.events import Event
from protocol.share import open_item, seal_item
from protocol.signed import Signed

PLAN_KINDS = ("agenda", "decision")


class Plan:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members

    def add(
        self,
        staff: Staff,
        room: bytes,
        *,
        kind: str,
        title: str,
        measure: str | None,
        owner: str | None,
        due: int | None,
    ) -> bytes:
        """Add an agenda item or decision (the chair's node only); returns its id."""
        ctx = self.ctx
        with ctx.store.transaction():
            state = self.members.as_chair(room)
            data = seal_item(
                state, kind, title=title, measure=measure, owner=owner, due=due, rand=ctx.rand
            )
            self.members.chair_event(state, kind, data)
            ctx.audit(
                actor=staff.name,
                action="plan",
                room=room,
                case_ref=state.case,
                item=data.item.hex(),
                kind=kind,
            )
        ctx.flush_wakeups()
        return bytes(data.item)

    def export(self, staff: Staff, room: bytes) -> dict[str, Any]:
        """The plan van aanpak for the ZVH's file; the export is audited like a view."""
        ctx = self.ctx
        state = ctx.state(room)
        items = self.items(room) if state.phase != "closed" else []
        with ctx.store.transaction():
            ctx.audit(
                actor=staff.name,
                action="plan_exported",
                room=room,
                case_ref=state.case,
                items=len(items),
            )
        return {
            "case": state.case,
            "chair": state.chair,
            # a chair on the burgemeester's behalf records for the gemeente van verblijf
            "controller": state.verblijf or state.chair,
            "bases": list(state.bases),
            "phase": state.phase,
            "plan": items,
        }

    def record(self, room: bytes) -> dict[str, Any]:
        """The plan as the gemeente's integrated record keeps it at closure."""
        return {"measures": self.items(room)}

    def items(self, room: bytes) -> list[dict[str, Any]]:
        """The plan items this node can open (it held the room key of their epoch)."""
        ctx = self.ctx
        state = ctx.state(room)
        items = []
        for raw in ctx.rooms.events_after(room, 0, limit=10_000):
            event = decode(decode(raw, Signed.SPEC).body, Event.SPEC)
            if event.kind not in PLAN_KINDS:
                continue
            member = state.member_of(ctx.me, event.data.epoch)
            key = ctx.rooms.key(room, member.key) if member else None
            if key is None:
                continue
            try:
                item = open_item(event.kind, event.data, me=ctx.me, room_key=key, state=state)
            except CasusnetError:
                continue
            items.append(
                {
                    "item": event.data.item.hex(),
                    "kind": event.kind,
                    "title": item.title,
                    "measure": item.measure,
                    "owner": item.owner,
                    "due": item.due,
                }
            )
        return items
