"""The plan van aanpak: the living plan's measures and follow-up meetings (member
``plan`` statements carried in the chair's events, their content sealed to the members
at the table), the re-assessment of the criteria at a meeting, an earlier release's
agenda items and decisions, the plan as this node reads it (:meth:`Plan.record`) and
its export for the ZVH's file. Owns the ``plan``, ``plan_viewed`` and
``plan_exported`` audit actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from node.domain.context import Context
from node.domain.membership import Membership
from node.domain.staff import Staff
from node.errors import NotAllowedError
from protocol import chain
from protocol.chain import RoomState
from protocol.codec import DEFAULT_LIMITS, PROTOCOL_VERSION, decode
from protocol.errors import CasusnetError
from protocol.events import (
    CRITERIA,
    STATEMENT_SPECS,
    VERDICTS,
    Assess,
    Criteria,
    Event,
    PlanAct,
    PlanContent,
    Sealed,
    StatementData,
)
from protocol.intake import open_assessment, seal_assessment
from protocol.intake_chain import assess_rule
from protocol.keys import BoxKeyPair
from protocol.plan import open_plan, seal_plan
from protocol.plan_chain import plan_rule
from protocol.share import open_item, seal_item
from protocol.signed import Signed

PLAN_KINDS = ("agenda", "decision")


class Plan:
    def __init__(self, ctx: Context, members: Membership) -> None:
        self.ctx = ctx
        self.members = members
        self._viewed: dict[tuple[str, bytes], int] = {}
        """(staff, room) -> the chain position of the last audited view: a screen that
        polls the plan is audited once per change of the chain, not once per poll."""

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
        record = self.record(room)
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
            "measures": record["measures"],
            "meetings": record["meetings"],
            "criteria_history": record["criteria_history"],
        }

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

    # -- the living plan: measures and follow-up meetings ---------------------------------

    def propose(self, staff: Staff, room: bytes, fields: Mapping[str, Any]) -> bytes:
        """Propose a measure for the table (a deelnemer); returns its item id. ``fields``:
        title, kind, uitvoerder, authority (or None), risk, due."""
        state = self.ctx.state(room)
        sealed = self._seal(state, "propose", fields)
        self._step(
            staff, state, "propose", sealed=sealed, uitvoerder=fields["uitvoerder"],
            due=fields["due"],
        )  # fmt: skip
        return bytes(sealed.item)

    def adopt(self, staff: Staff, room: bytes, item: bytes) -> int:
        """The chair adopts a proposed measure for the table."""
        return self._step(staff, self.ctx.state(room), "adopt", item=item)

    def adjust(
        self, staff: Staff, room: bytes, item: bytes, fields: Mapping[str, Any], reason: str
    ) -> int:
        """The chair changes a measure's fields (title, kind, uitvoerder, authority, risk,
        due; an authority ``None`` given explicitly: none), with a reason."""
        state = self.ctx.state(room)
        sealed_fields = {k: fields.get(k) for k in ("title", "kind", "risk")}
        if "authority" in fields:
            sealed_fields["authority"] = fields["authority"] or "geen"
        sealed = self._seal(state, "adjust", {**sealed_fields, "note": reason})
        return self._step(
            staff, state, "adjust", item=item, sealed=sealed,
            uitvoerder=fields.get("uitvoerder"), due=fields.get("due"),
        )  # fmt: skip

    def set_status(
        self, staff: Staff, room: bytes, item: bytes, status: str, note: str | None
    ) -> int:
        """The uitvoerder updates a measure's status, with an optional note."""
        state = self.ctx.state(room)
        sealed = self._seal(state, "status", {"note": note}) if note else None
        return self._step(staff, state, "status", item=item, status=status, sealed=sealed)

    def withdraw(self, staff: Staff, room: bytes, item: bytes, reason: str) -> int:
        """The chair withdraws a measure; a proposer its own proposal before adoption."""
        state = self.ctx.state(room)
        sealed = self._seal(state, "withdraw", {"note": reason})
        return self._step(staff, state, "withdraw", item=item, sealed=sealed)

    def plan_meeting(self, staff: Staff, room: bytes, at: int) -> int:
        """The chair plans the next meeting; returns its number (1 is the convene's)."""
        state = self.ctx.state(room)
        self._step(staff, state, "meeting", at=at)
        return len(state.meeting_times) + 1

    def agenda(self, staff: Staff, room: bytes, meeting: int, title: str) -> bytes:
        """A member adds an agenda point to a planned meeting; returns its item id."""
        state = self.ctx.state(room)
        sealed = self._seal(state, "agenda", {"title": title})
        self._step(staff, state, "agenda", meeting=meeting, sealed=sealed)
        return bytes(sealed.item)

    def verslag(self, staff: Staff, room: bytes, meeting: int, text: str) -> None:
        """The procesregisseur (staff of the chair's node assigned to the room) records
        the verslag of a meeting; a later one replaces it."""
        state = self.members.as_chair(room)
        sealed = self._seal(state, "verslag", {"note": text})
        self._step(staff, state, "verslag", meeting=meeting, sealed=sealed)

    def reassess(
        self,
        staff: Staff,
        room: bytes,
        meeting: int,
        verdict: str,
        criteria: Mapping[str, int | None],
        reasoning: str,
    ) -> None:
        """A deelnemer assesses the criteria again at a meeting, sealed to the table."""
        ctx = self.ctx
        state = ctx.state(room)
        basis = self.members.basis_as_member(state)
        if verdict not in VERDICTS:
            raise NotAllowedError(f"verdict: one of {', '.join(VERDICTS)}")
        sealed = seal_assessment(
            state, basis, criteria=criteria, verdict=verdict, reasoning=reasoning,
            rand=ctx.rand, to_members=True,
        )  # fmt: skip
        body = Assess(
            room=room, seq=state.seq, node=ctx.me, capacity=staff.capacity, time=ctx.now(),
            sealed=sealed, meeting=meeting,
        )  # fmt: skip
        self._send(staff, state, "assess", body, meeting=meeting)

    def _seal(self, state: RoomState, action: str, fields: Mapping[str, Any]) -> Sealed:
        self.members.basis_as_member(state)
        content = {k: fields.get(k) for k in ("title", "kind", "authority", "risk", "note")}
        return seal_plan(state, action, content, self.ctx.rand)

    def _step(self, staff: Staff, state: RoomState, action: str, **fields: Any) -> int:
        """Sign a ``plan`` statement and send it to the chair (or apply it, as chair);
        checked against the chain's rules first. Returns the seq it was signed against,
        or (this node is the chair) the seq of the event that carries it."""
        ctx = self.ctx
        self.members.basis_as_member(state)
        body = PlanAct(
            room=state.room, seq=state.seq, node=ctx.me, capacity=staff.capacity,
            action=action, time=ctx.now(), **fields,
        )  # fmt: skip
        item = fields.get("item") or (fields["sealed"].item if fields.get("sealed") else None)
        self._send(staff, state, "plan", body, step=action, item=item.hex() if item else None)
        return ctx.state(state.room).seq if state.chair == ctx.me else state.seq

    def _send(self, staff: Staff, state: RoomState, kind: str, body: Any, **detail: Any) -> None:
        ctx = self.ctx
        signed = chain.statement(ctx.identity.signer, ctx.me, body)
        event = Event(
            "event", PROTOCOL_VERSION, state.room, state.seq + 1, state.head, kind,
            max(ctx.now(), state.time), StatementData(signed),
        )  # fmt: skip
        rule = plan_rule if kind == "plan" else assess_rule  # refused here: nothing sent
        rule(state, event, ctx.roster, ctx.basis(state), DEFAULT_LIMITS)
        self.members.statement(staff, state, kind, body, **detail)

    # -- the plan as this node reads it ----------------------------------------------------

    def record(self, room: bytes) -> dict[str, Any]:
        """The whole plan as this node can open it: measures with their history, the
        meetings with agenda and verslag (and the verslagen replaced), the next meeting,
        and how the criteria moved from the intake through each meeting. Content this
        node cannot open (it joined later) is ``None``."""
        plan, _ = _Reader(self.ctx, self.ctx.state(room)).read()
        return plan

    def view(self, staff: Staff, room: bytes) -> dict[str, Any]:
        """:meth:`record` for a staff member; opening content is audited."""
        ctx = self.ctx
        state = ctx.state(room)
        plan, opened = _Reader(ctx, state).read()
        if opened and self._viewed.get((staff.name, room)) != state.seq:
            self._viewed[(staff.name, room)] = state.seq
            with ctx.store.transaction():
                ctx.audit(
                    actor=staff.name, action="plan_viewed", room=room,
                    case_ref=state.case, items=opened,
                )  # fmt: skip
        return plan

    def summary(self, state: RoomState) -> dict[str, Any]:
        """What the rooms list and the room header show, from the chain alone: the next
        meeting, and the adopted measures not finished that are due within 14 days or
        overdue (all, and those this node carries out)."""
        now = self.ctx.now()
        upcoming = state.next_meeting(now)
        open_ = [m for m in state.measures.values() if m.status in UNFINISHED]
        due = [m for m in open_ if now <= m.due <= now + DUE_SOON]
        overdue = [m for m in open_ if m.due < now]
        mine = self.ctx.me
        return {
            "next_meeting": state.meeting_times[upcoming - 1] if upcoming else None,
            "measures_due": len(due),
            "measures_overdue": len(overdue),
            "my_measures_due": sum(m.uitvoerder == mine for m in due),
            "my_measures_overdue": sum(m.uitvoerder == mine for m in overdue),
        }


#: a measure is due soon within this many seconds of its due date
DUE_SOON = 14 * 86_400
#: the statuses of an adopted measure that is not finished
UNFINISHED = ("gepland", "lopend")
FIELDS = ("title", "kind", "authority", "risk")


class _Reader:
    """One pass over a room's chain, opening what this node holds a wrap for."""

    def __init__(self, ctx: Context, state: RoomState) -> None:
        self.ctx, self.state = ctx, state
        self.measures: dict[bytes, dict[str, Any]] = {}
        self.agenda: dict[int, list[dict[str, Any]]] = {}
        self.verslagen: dict[int, list[dict[str, Any]]] = {}
        self.criteria: list[dict[str, Any]] = []
        self.opened = 0
        self.meetings = 1

    def read(self) -> tuple[dict[str, Any], int]:
        """The plan, and how many sealed items were opened for it."""
        ctx, state = self.ctx, self.state
        for raw in ctx.rooms.events_after(state.room, 0, limit=1 << 30):
            event = decode(decode(raw, Signed.SPEC).body, Event.SPEC)
            if event.kind == "plan":
                self._plan(event)
            elif event.kind == "assess":
                self._assess(event)
            elif event.kind in PLAN_KINDS:
                self._legacy(event)
        now = ctx.now()
        meetings: list[dict[str, Any]] = []
        for n, at in enumerate(state.meeting_times, 1):
            history = self.verslagen.get(n, [])
            meetings.append(
                {
                    "meeting": n,
                    "at": at,
                    "agenda": self.agenda.get(n, []),
                    "verslag": history[-1] if history else None,
                    "verslagen": history,
                }  # fmt: skip
            )
        upcoming = state.next_meeting(now)
        for m in self.measures.values():
            unfinished = m["adopted"] and m["status"] in UNFINISHED
            m["due_soon"] = unfinished and now <= m["due"] <= now + DUE_SOON
            m["overdue"] = unfinished and m["due"] < now
        return {
            "room": state.room.hex(),
            "case": state.case,
            "phase": state.phase,
            "measures": list(self.measures.values()),
            "meetings": meetings,
            "next_meeting": {"meeting": upcoming, "at": state.meeting_times[upcoming - 1]}
            if upcoming
            else None,
            "criteria_history": self.criteria,
        }, self.opened

    def _key(self, sealed: Sealed) -> BoxKeyPair | None:
        member = self.state.member_of(self.ctx.me, sealed.epoch)
        if member is None or self.ctx.me not in dict(sealed.wraps):
            return None
        return self.ctx.rooms.key(self.state.room, member.key)

    def _open(self, sealed: Sealed | None, action: str) -> PlanContent | None:
        key = self._key(sealed) if sealed is not None else None
        if sealed is None or key is None:
            return None
        try:
            content = open_plan(sealed, action, me=self.ctx.me, room_key=key, room=self.state.room)
        except CasusnetError:
            return None
        self.opened += 1
        return content

    def _plan(self, event: Event) -> None:
        body: PlanAct = decode(
            decode(event.data.statement, Signed.SPEC).body, STATEMENT_SPECS["plan"]
        )
        content = self._open(body.sealed, body.action)
        at, by = event.time, body.node
        if body.action == "meeting":
            self.meetings += 1
        elif body.action == "agenda":
            assert body.meeting is not None
            assert body.sealed is not None
            self.agenda.setdefault(body.meeting, []).append(
                {
                    "item": body.sealed.item.hex(),
                    "title": content.title if content else None,
                    "by": by,
                    "at": at,
                }  # fmt: skip
            )
        elif body.action == "verslag":
            assert body.meeting is not None
            self._verslag(body.meeting, content, by, at)
        else:
            self._measure(event, body, content)

    def _verslag(self, meeting: int, content: PlanContent | None, by: str, at: int) -> None:
        entry = {"text": content.note if content else None, "by": by, "at": at}
        self.verslagen.setdefault(meeting, []).append(entry)

    def _measure(self, event: Event, body: PlanAct, content: PlanContent | None) -> None:
        entry: dict[str, Any] = {
            "seq": event.seq, "at": event.time, "by": body.node, "action": ACTION[body.action],
            "status": None, "changes": None, "note": content.note if content else None,
        }  # fmt: skip
        if body.action == "propose":
            assert body.sealed is not None
            item = body.sealed.item
            self.measures[item] = {
                "item": item.hex(),
                **{f: getattr(content, f) if content else None for f in FIELDS},
                "uitvoerder": body.uitvoerder, "due": body.due, "status": "voorgesteld",
                "proposed_by": body.node, "adopted": False, "history": [],
            }  # fmt: skip
            entry["status"] = "voorgesteld"
        else:
            assert body.item is not None
            measure = self.measures.get(body.item)
            if measure is None:
                return
            item = body.item
            if body.action == "adopt":
                measure.update(adopted=True, status="gepland")
                entry["status"] = "gepland"
            elif body.action == "status":
                measure["status"] = entry["status"] = body.status
            elif body.action == "withdraw":
                measure["status"] = entry["status"] = "ingetrokken"
            else:
                entry["changes"] = self._adjust(measure, body, content)
        self.measures[item]["history"].append(entry)

    @staticmethod
    def _adjust(
        measure: dict[str, Any], body: PlanAct, content: PlanContent | None
    ) -> dict[str, list[Any]]:
        new: dict[str, Any] = {"uitvoerder": body.uitvoerder, "due": body.due}
        if content is not None:
            new.update({f: getattr(content, f) for f in FIELDS})
            if content.authority == "geen":
                new["authority"] = None
                if measure["authority"] is None:
                    del new["authority"]
            elif content.authority is None:
                del new["authority"]
        changes = {}
        for field, value in new.items():
            if (value is not None or field == "authority") and value != measure[field]:
                changes[field] = [measure[field], value]
                measure[field] = value
        return changes

    def _assess(self, event: Event) -> None:
        body: Assess = decode(
            decode(event.data.statement, Signed.SPEC).body, STATEMENT_SPECS["assess"]
        )
        member = self.ctx.roster.by_node.get(body.node)
        entry: dict[str, Any] = {
            "meeting": body.meeting or 0, "org": member.org if member else "?",
            "node": body.node, "criteria": None, "view": None, "at": body.time,
        }  # fmt: skip
        if body.sealed is None:  # an earlier release's plaintext assessment
            if body.criteria is not None:
                entry["criteria"] = _scores(body.criteria)
            entry["view"] = body.verdict
        else:
            key = self._key(body.sealed)
            try:
                content = (
                    open_assessment(body.sealed, me=self.ctx.me, room_key=key, room=self.state.room)
                    if key is not None
                    else None
                )
            except CasusnetError:
                content = None
            if content is not None:
                self.opened += 1
                entry["criteria"] = _scores(content.criteria)
                entry["view"] = content.verdict
        self.criteria.append(entry)

    def _legacy(self, event: Event) -> None:
        """An earlier release's agenda item (a point of the meeting planned last) or
        decision (an adopted measure, which its owner carries out)."""
        state = self.state
        member = state.member_of(self.ctx.me, event.data.epoch)
        key = self.ctx.rooms.key(state.room, member.key) if member else None
        try:
            item = (
                open_item(event.kind, event.data, me=self.ctx.me, room_key=key, state=state)
                if key is not None
                else None
            )
        except CasusnetError:
            item = None
        self.opened += item is not None
        at, by, hexid = event.time, state.chair, event.data.item.hex()
        if event.kind == "agenda":
            self.agenda.setdefault(self.meetings, []).append(
                {"item": hexid, "title": item.title if item else None, "by": by, "at": at}
            )
            return
        self.measures[event.data.item] = {
            "item": hexid, "title": item.title if item else None,
            "kind": item.measure if item else None, "uitvoerder": item.owner if item else None,
            "authority": None, "risk": None, "due": item.due if item else None,
            "status": "gepland", "proposed_by": by, "adopted": True,
            "history": [
                {
                    "seq": event.seq, "at": at, "by": by, "action": "adopted",
                    "status": "gepland", "changes": None, "note": None,
                }
            ],
        }  # fmt: skip


ACTION = {
    "propose": "proposed",
    "adopt": "adopted",
    "adjust": "adjusted",
    "status": "status",
    "withdraw": "withdrawn",
}


def _scores(criteria: Criteria) -> dict[str, int | str]:
    scores = {c: getattr(criteria, c) for c in CRITERIA}
    return {c: "onbekend" if v is None else v for c, v in scores.items()}
