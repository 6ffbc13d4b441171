"""Rooms: the list, one room in full, and the chain actions (convene, invite, remove,
assess, consent)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from node.domain.exports import WARN_BEFORE
from node.domain.staff import Staff
from node.faces.localapi.route import NODE, BadRequest, clock_report, room_of
from node.faces.localapi.timeline import CHAIN_VIEWS
from node.store import outbox as queue
from node.store import reports
from node.store import shielded as shielded_tables
from protocol import chain
from protocol.chain import RoomState
from protocol.events import CRITERIA, RULING_STAGES, VERDICTS
from protocol.keys import fingerprint


def room_status(phase: str, keys_destroyed: int | None, shielded: bool = False) -> str:
    """``intake``, ``open``, ``closed`` (closure not finished here: room keys still
    held, e.g. in the grace period), ``shielded`` (afgeschermd: the closure left a
    shielded record at this node) or ``keys_destroyed`` (closed, room keys destroyed,
    nothing kept here: a node that only received)."""
    if phase == "closed" and shielded:
        return "shielded"
    if phase == "closed" and keys_destroyed:
        return "keys_destroyed"
    return phase


async def list_rooms(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    rows = reports.rooms_of_staff(node.store, who.name)
    with_record = shielded_tables.rooms_with_record(node.store)
    terms = shielded_tables.terms(node.store)
    for r in rows:
        room = r["room"]
        r["status"] = room_status(r["phase"], r.pop("keys_destroyed"), room in with_record)
        r.update(term_fields(r["phase"], terms.get(room), node.now()))
        r["room"] = room.hex()
    return {"rooms": rows, "clock": clock_report(request)}


def term_fields(phase: str, term_ends: int | None, now: int) -> dict[str, Any]:
    """When the room's legal term ends, and whether the node warns that it ends soon
    for a room that is not closed (``node.domain.shielded.WARN_BEFORE``)."""
    warning = phase != "closed" and term_ends is not None and term_ends - now <= WARN_BEFORE
    return {"term_ends": term_ends, "term_warning": warning}


async def convene(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    state = node.members.convene(
        who,
        case=str(body["case"]),
        purpose=str(body.get("purpose") or "Weging en aanpak"),
        bases=[str(b) for b in body["bases"]],
        meeting=int(body.get("meeting", node.now())),
        verblijf=_optional_str(body, "verblijf"),
    )
    return {"room": state.room.hex(), "case": state.case, "phase": state.phase}


async def grant_mandate(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    chair, case = _optional_str(body, "chair"), _optional_str(body, "case")
    if not chair or not case:
        raise BadRequest("chair and case are required")
    node.members.grant_mandate(who, chair, case)
    return {"ok": True, "chair": chair, "case": case}


def _optional_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{key}: a string")
    return value


async def show_room(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    state = node.ctx.state(room)
    roster = node.roster

    def node_info(n: str) -> dict[str, Any]:
        m = roster.by_node.get(n)
        return {
            "node": n,
            "org": m.org if m else "?",
            "name": m.name if m else "?",
            "fingerprint": fingerprint(m.sign) if m else None,
        }

    basis = node.ctx.basis(state)  # under the registry version the room pinned
    on_behalf = bool(basis and node_info(state.chair)["org"] in basis.chair_on_behalf)
    members = [
        dict(
            node_info(n),
            role=m.role,
            epoch_since=_since_epoch(state, n),
            verblijf=n == state.verblijf,
            # the ZVH chairs for the burgemeester: at the table, but no deelnemer
            on_behalf=on_behalf and n == state.chair,
        )
        for n, m in sorted(state.members.items())
    ]
    shares = _shares(request, who, room)
    had_intake = bool(node.ctx.basis(state).intake_by) and not state.legacy
    for s in shares:  # sent while the intake ran: readable only by whom it was sealed to
        s["intake"] = had_intake and (state.opened_at is None or s["created"] < state.opened_at)
    closed = reports.closed_receipts(node.store, room)
    former = [
        dict(node_info(n), deletion_confirmed=confirmed)
        for n, confirmed in node.closure.removals(state).items()
    ]
    plan_items, events = request.app[CHAIN_VIEWS].get(node, room, state)
    return {
        "room": room.hex(),
        "case": state.case,
        "purpose": state.purpose,
        "phase": state.phase,
        "status": room_status(
            state.phase,
            reports.keys_destroyed(node.store, room),
            bool(shielded_tables.of_room(node.store, room)),
        ),
        **term_fields(state.phase, shielded_tables.terms(node.store).get(room), node.now()),
        "chair": state.chair,
        "verblijf": state.verblijf,
        "bases": list(state.bases),
        "epoch": state.epoch,
        "seq": state.seq,
        "meeting": state.meeting,
        "outcome": state.outcome,
        "closed_at": state.closed_at,
        "members": members,
        "invited": [
            dict(node_info(n), role=i.role, **_admission(node, state, n))
            for n, i in sorted(state.invited.items())
        ],
        "intake_ended_at": state.opened_at,
        "former_members": former,
        "stage": state.stage,
        # who assessed: the scores and views are sealed (GET .../intake)
        "assessments": {org: v or "vastgelegd" for org, (v, _) in state.assessments.items()},
        "ruling": _ruling_summary(state),
        # the deelnemers decide the closure (a proposed afsluiting they sign), not the chair
        "closed_jointly": bool(basis) and chain.closed_jointly(state, basis),
        "named": dict(state.named),
        "consents": {n: sorted(c) for n, c in state.consents.items()},
        "shares": shares,
        "plan": plan_items,
        "closed_receipts": closed,
        "timeline": events,
        "requests": node.inquiries.list(room),
        "outbox_pending": queue.pending_in_room(node.store, room),
        "aanmelding": reports.room_aanmelding(node.store, room),
        "referrals": node.referrals.of_room(room),
    }


def _shares(request: web.Request, who: Staff, room: bytes) -> list[dict[str, Any]]:
    """The room's shares as the room view shows them, with what ``who`` has viewed."""
    store = request.app[NODE].store
    shares = reports.room_shares(store, room)
    by_share = reports.room_deliveries(store, room)
    waiting = reports.room_waiting(store, room)
    viewed = reports.viewed_shares(store, who.name, room)
    for s in shares:
        s["deliveries"] = by_share.get(s["id"], {})
        if s["own"]:
            s["waiting"] = waiting.get(s["id"], {})
        s["viewed"] = bool(s["own"]) or (s["sender"], s["id"]) in viewed
        s["id"] = s["id"].hex()
        s["categories"] = json.loads(s["categories"])
        s["recipients"] = json.loads(s["recipients"])
        s["readable"] = bool(s["readable"])
        s["own"] = bool(s["own"])
        if not s["own"]:
            s.pop("author")
    return shares


def _admission(node: Any, state: RoomState, invitee: str) -> dict[str, Any]:
    """Whether an invitee waits for consent, and whose: a derde, or a deelnemer the
    samenstelling did not name (``chain.entitled``)."""
    basis = node.ctx.basis(state)
    if chain.entitled(state, basis, invitee) or state.phase != "open":
        return {"needs_consent": False, "consent_by": []}
    wanted = chain.deciding(state, basis, basis.third_party_consent)
    given = state.consents.get(invitee, frozenset())
    return {"needs_consent": True, "consent_by": sorted(wanted - given)}


def _ruling_summary(state: RoomState) -> dict[str, Any] | None:
    r = state.ruling
    if r is None:
        return None
    return {
        "seq": r.seq, "stage": r.stage, "outcome": r.outcome, "deelnemers": list(r.deelnemers),
        "derden": list(r.derden), "required": sorted(r.required), "endorsed": sorted(r.endorsed),
        "in_force": r.done,
    }  # fmt: skip


def _since_epoch(state: RoomState, node: str) -> int:
    return min((e for e, members in state.epochs.items() if node in members), default=0)


async def invite(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    state = node.members.invite(who, room, str(body["node"]), str(body.get("role", "deelnemer")))
    return {"room": room.hex(), "seq": state.seq}


async def remove(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    state = node.members.remove(who, room, str(body["node"]))
    return {"room": room.hex(), "seq": state.seq}


async def assess(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    given = body.get("criteria", {})
    if not isinstance(given, dict) or set(given) - set(CRITERIA):
        raise BadRequest(f"criteria: a map with keys from {', '.join(CRITERIA)}")
    criteria: dict[str, int | None] = {c: given.get(c) for c in CRITERIA}
    if not all(v is None or (type(v) is int and 0 <= v <= 3) for v in criteria.values()):
        raise BadRequest("criteria: each 0 (geen zorg) to 3 (ernstige zorg), or null (onbekend)")
    verdict, reasoning = body.get("verdict"), body.get("reasoning")
    if verdict not in VERDICTS:
        raise BadRequest(f"verdict: one of {', '.join(VERDICTS)}")
    if not isinstance(reasoning, str) or not reasoning.strip():
        raise BadRequest("reasoning: the reasons for this assessment")
    node.intake.assess(who, room, verdict, criteria, reasoning)
    return {"room": room.hex(), "ok": True}


async def ruling(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """The chair proposes the beoordeling or the samenstelling."""
    node = request.app[NODE]
    room = room_of(request, who)
    stage, outcome, reasoning = body.get("stage"), body.get("outcome"), body.get("reasoning")
    if stage not in RULING_STAGES:
        raise BadRequest(f"stage: one of {', '.join(RULING_STAGES)}")
    if stage == "beoordeling" and outcome not in VERDICTS:
        raise BadRequest(f"outcome: one of {', '.join(VERDICTS)}")
    if stage == "samenstelling" and outcome is not None:
        raise BadRequest("outcome: only for the beoordeling")
    if not isinstance(reasoning, str) or not reasoning.strip():
        raise BadRequest("reasoning: the reasons for this decision")
    deelnemers = body.get("deelnemers", [])
    derden = body.get("derden", {})
    if not isinstance(deelnemers, list) or not all(isinstance(n, str) for n in deelnemers):
        raise BadRequest("deelnemers: a list of node ids")
    if not isinstance(derden, dict) or not all(
        isinstance(n, str) and isinstance(r, str) for n, r in derden.items()
    ):
        raise BadRequest("derden: a map of node id to the reason it is needed")
    seq = node.intake.rule(
        who, room, stage=stage, outcome=outcome, deelnemers=deelnemers, derden=derden,
        reasoning=reasoning,
    )  # fmt: skip
    return {"room": room.hex(), "seq": seq}


async def endorse(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    seq = body.get("ruling")
    if seq is not None and type(seq) is not int:
        raise BadRequest("ruling: the seq of the ruling you sign")
    node.intake.endorse(who, room, seq)
    return {"room": room.hex(), "ok": True}


async def intake(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.intake.view(who, room_of(request, who))


async def consent(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = room_of(request, who)
    node.intake.consent(who, room, str(body["subject"]))
    return {"room": room.hex(), "ok": True}
