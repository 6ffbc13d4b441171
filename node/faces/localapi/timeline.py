"""A room's timeline (its chain events, without content) and the cache the polls read."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from aiohttp import web

from node.domain.node import Node
from protocol.chain import RoomState
from protocol.codec import decode
from protocol.events import STATEMENT_SPECS, Event
from protocol.signed import Signed


class ChainViews:
    """A room's plan and timeline, read from its chain once per chain position.

    The TUI polls a room every second; both lists change only when the chain does,
    so they are kept for the last few (room, seq) pairs instead of decoding (and
    decrypting) the whole chain on every poll.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._views: OrderedDict[tuple[bytes, int], tuple[list[Any], list[Any]]] = OrderedDict()

    def get(self, node: Node, room: bytes, state: RoomState) -> tuple[list[Any], list[Any]]:
        key = (room, state.seq)
        views = self._views.get(key)
        if views is None:
            plan = node.plan.items(room) if state.phase != "closed" else []
            views = self._views[key] = (plan, timeline(node, room))
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return views


CHAIN_VIEWS = web.AppKey("chain_views", ChainViews)


def timeline(node: Node, room: bytes) -> list[dict[str, Any]]:
    """The room's chain events in order, with only what is safe and useful to show.

    ``by`` is the node that signed: the chair for its own events, the member for a
    statement it signed (``assess``, ``endorse``, ``consent``, ``join``, ``leave``) that the chair
    put in the chain. Never content (plan items are encrypted; only their ids show),
    keys or signatures.
    """
    orgs = {m.node: m.org for m in node.rooms.roster.members}
    out = []
    for raw in node.rooms.events_after(room, -1, limit=1 << 30):
        wrapper = decode(raw, Signed.SPEC)
        event = decode(wrapper.body, Event.SPEC)
        by, data = wrapper.signer, event.data
        detail: dict[str, Any] = {}
        if event.kind in STATEMENT_SPECS:
            inner = decode(data.statement, Signed.SPEC)
            statement = decode(inner.body, STATEMENT_SPECS[event.kind])
            by = inner.signer
            if event.kind == "assess":  # the verdict only of an earlier release's plaintext
                detail = {"org": orgs.get(by, "?"), "verdict": statement.verdict}
                if statement.meeting is not None:  # a re-assessment at a follow-up meeting
                    detail["meeting"] = statement.meeting
            elif event.kind == "plan":  # a step of the living plan: its content is sealed
                item = statement.item or (statement.sealed.item if statement.sealed else None)
                detail = {
                    "org": orgs.get(by, "?"), "action": statement.action,
                    "item": item.hex() if item else None, "meeting": statement.meeting,
                    "status": statement.status,
                }  # fmt: skip
            elif event.kind == "endorse":
                detail = {"org": orgs.get(by, "?"), "ruling": statement.ruling}
            elif event.kind == "consent":
                detail = {"org": orgs.get(by, "?"), "subject": statement.subject}
            else:
                detail = {"node": statement.node}
        elif event.kind == "convene":
            detail = {"case": data.case, "bases": list(data.bases), "meeting": data.meeting}
        elif event.kind == "invite":
            detail = {"node": data.node, "role": data.role}
        elif event.kind == "epoch":
            detail = {"epoch": data.epoch, "members": [m.node for m in data.members]}
        elif event.kind == "ruling":
            detail = {
                "stage": data.stage, "outcome": data.outcome, "deelnemers": list(data.deelnemers),
                "derden": list(data.derden),
            }  # fmt: skip
        elif event.kind == "remove":
            detail = {"node": data.node}
        elif event.kind in ("agenda", "decision"):
            detail = {"item": data.item.hex(), "epoch": data.epoch}
        elif event.kind == "close":
            detail = {"outcome": data.outcome}
        out.append(
            {"seq": event.seq, "kind": event.kind, "by": by, "at": event.time, "detail": detail}
        )
    return out
