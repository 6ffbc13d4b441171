"""Information requests: a member asks another for information on a stated topic;
the asked member answers with a verstrekking that names the request, or declines on
zwaarwegende redenen. The asker learns that it was declined; the reasons stay here,
sealed with the master key, and the audit entry of the decline holds their hash.

Only the two nodes hold a request. Owns the ``inquiries`` table and the
``inquiry_sent``, ``inquiry_received``, ``inquiry_answered``, ``inquiry_declined``
and ``inquiry_viewed`` audit actions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from node.domain import staff as staffmod
from node.domain.context import Context
from node.domain.staff import Staff
from node.errors import NotAllowedError, NotRecipientError, RevokedError
from node.store import inquiries as tables
from protocol.chain import RoomState
from protocol.codec import decode
from protocol.errors import (
    InquiryExistsError,
    InquiryPartyError,
    InquiryUnknownError,
    LocalProtocolError,
)
from protocol.inquiry import (
    Asked,
    Inquiry,
    make_decline,
    open_inquiry,
    seal_inquiry,
    settle,
    verify_decline,
    verify_inquiry,
)
from protocol.keys import digest
from protocol.signed import Signed

MAX_REASON = 4000  # characters


def decode_inquiry(envelope: bytes) -> Inquiry:
    inquiry: Inquiry = decode(decode(envelope, Signed.SPEC).body, Inquiry.SPEC)
    return inquiry


def _asked(row: dict[str, Any]) -> Asked:
    return Asked(row["id"], row["room"], row["asker"], row["asked"], row["status"])


class Inquiries:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- the asker ---------------------------------------------------------------------

    def ask(
        self, staff: Staff, room: bytes, to: str, topic: str, categories: Sequence[str] = ()
    ) -> bytes:
        """Seal a request to ``to`` and queue it; returns its id."""
        ctx = self.ctx
        with ctx.store.transaction():
            state = ctx.state(room)
            envelope = seal_inquiry(
                state=state, sender=ctx.me, signer=ctx.identity.signer, to=to, topic=topic,
                categories=categories, author_function=staff.function, now=ctx.now(),
                rand=ctx.rand,
            )  # fmt: skip
            inquiry = decode_inquiry(envelope)
            kept = {"topic": topic, "categories": sorted(set(categories)),
                    "author_function": staff.function}  # fmt: skip
            sealed = ctx.master.seal("inquiry", json.dumps(kept, ensure_ascii=False).encode())
            tables.insert(
                ctx.store, inquiry, envelope, digest(envelope), own=True, author=staff.name,
                sealed=sealed, now=ctx.now(),
            )  # fmt: skip
            ctx.enqueue(to, "inquiry", room, envelope)
            ctx.audit(
                actor=staff.name, action="inquiry_sent", room=room, case_ref=state.case,
                request=inquiry.id.hex(), to=to, categories=kept["categories"],
            )  # fmt: skip
        ctx.flush_wakeups()
        return bytes(inquiry.id)

    def rx_decline(self, caller: str, envelope: bytes) -> tuple[bytes, str]:
        """A partner declined a request of this node; returns (room, decliner)."""
        ctx = self.ctx
        decline = verify_decline(envelope, roster=ctx.roster)
        if decline.to != ctx.me:
            raise NotRecipientError("this decline is not addressed to this node")
        row = tables.find(ctx.store, ctx.me, decline.request)
        if row is None or not row["own"]:
            raise InquiryUnknownError(decline.request.hex())
        settle(_asked(row), by=decline.sender, to=decline.to, room=decline.room,
               outcome="declined")  # fmt: skip
        tables.settle(ctx.store, ctx.me, decline.request, status="declined", at=ctx.now(),
                      by=decline.sender)  # fmt: skip
        ctx.audit(
            actor=decline.sender, action="inquiry_declined", room=decline.room,
            request=decline.request.hex(), declined_at=decline.time,
        )  # fmt: skip
        return decline.room, decline.sender

    def rx_answer(self, share: Any) -> None:
        """A received share that names a request: when it is one of this node's, it is
        answered now (once, and only by the node that was asked). Another node's request
        (this node is a further recipient) is no business of this node."""
        ctx = self.ctx
        if share.request is None:
            return
        row = tables.find(ctx.store, ctx.me, share.request)
        if row is None or not row["own"]:
            return
        settle(_asked(row), by=share.sender, to=ctx.me, room=share.room, outcome="answered")
        tables.settle(ctx.store, ctx.me, share.request, status="answered", at=ctx.now(),
                      by=share.sender, answer=share.id)  # fmt: skip
        ctx.audit(
            actor=share.sender, action="inquiry_answered", room=share.room,
            request=share.request.hex(), share=share.id.hex(),
        )  # fmt: skip

    # -- the asked ---------------------------------------------------------------------

    def rx_inquiry(self, caller: str, envelope: bytes, state: RoomState) -> Inquiry:
        """Check, open and keep a request to this node (the caller's savepoint)."""
        ctx = self.ctx
        inquiry = verify_inquiry(envelope, state=state, roster=ctx.roster)
        if inquiry.to != ctx.me:
            raise NotRecipientError("this request is not addressed to this node")
        if ctx.me not in state.members or ctx.me in state.leaving:
            raise NotAllowedError("this node is no longer a member of the room")
        if tables.find(ctx.store, inquiry.sender, inquiry.id) is not None:
            raise InquiryExistsError(inquiry.id.hex())
        key = self._room_key(state, inquiry.epoch)
        if key is not None:  # what is acknowledged can be opened
            open_inquiry(inquiry, me=ctx.me, room_key=key, state=state)
        tables.insert(ctx.store, inquiry, envelope, digest(envelope), own=False, author="",
                      sealed=None, now=ctx.now())  # fmt: skip
        ctx.audit(
            actor=inquiry.sender, action="inquiry_received", room=inquiry.room,
            case_ref=state.case, request=inquiry.id.hex(),
        )  # fmt: skip
        return inquiry

    def check_answer(self, room: bytes, request: bytes, recipients: Sequence[str]) -> str:
        """Before a share answers ``request``: the request was made to this node, is
        still open, and its asker is among the recipients. Returns the asker."""
        row = self._asked_here(room, request)
        settle(_asked(row), by=self.ctx.me, to=row["asker"], room=room, outcome="answered")
        if row["asker"] not in recipients:
            raise LocalProtocolError("an answer goes to the partner that asked")
        return str(row["asker"])

    def answered(self, staff: Staff, share: Any) -> None:
        """A share this node sealed answers ``share.request`` (its transaction)."""
        ctx = self.ctx
        asker = self.check_answer(share.room, share.request, share.recipients)
        tables.settle(ctx.store, asker, share.request, status="answered", at=ctx.now(),
                      by=staff.name, answer=share.id)  # fmt: skip
        ctx.audit(
            actor=staff.name, action="inquiry_answered", room=share.room,
            request=share.request.hex(), share=share.id.hex(), to=asker,
        )  # fmt: skip

    def decline(self, staff: Staff, room: bytes, request: bytes, reason: str) -> None:
        """Decline a request made to this node; the reasons stay here."""
        ctx = self.ctx
        reason = reason.strip()
        if not 1 <= len(reason) <= MAX_REASON:
            raise LocalProtocolError(f"a decline states its reasons (1..{MAX_REASON} characters)")
        with ctx.store.transaction():
            row = self._asked_here(room, request)
            settle(_asked(row), by=ctx.me, to=row["asker"], room=room, outcome="declined")
            envelope = make_decline(ctx.identity.signer, ctx.me, room=room, request=request,
                                    to=row["asker"], now=ctx.now())  # fmt: skip
            sealed = ctx.master.seal("inquiry-reason", reason.encode())
            tables.settle(ctx.store, row["asker"], request, status="declined", at=ctx.now(),
                          by=staff.name, reason=sealed)  # fmt: skip
            ctx.enqueue(row["asker"], "decline", room, envelope)
            ctx.audit(
                actor=staff.name, action="inquiry_declined", room=room,
                request=request.hex(), to=row["asker"],
                reason_sha256=digest(reason.encode()).hex(),
            )  # fmt: skip
        ctx.flush_wakeups()

    def asker_of(self, room: bytes, request: bytes) -> str | None:
        """Who asked this node ``request`` in the room (None: no such request here)."""
        row = tables.find_in_room(self.ctx.store, room, request)
        return None if row is None or row["own"] else str(row["asker"])

    def _asked_here(self, room: bytes, request: bytes) -> dict[str, Any]:
        row = tables.find_in_room(self.ctx.store, room, request)
        if row is None:
            raise InquiryUnknownError(request.hex())
        if row["own"]:
            raise InquiryPartyError("a node does not answer its own request")
        return row

    # -- both --------------------------------------------------------------------------

    def list(self, room: bytes) -> list[dict[str, Any]]:
        """The room's requests this node asked or was asked, without their topics."""
        out = []
        for row in tables.of_room(self.ctx.store, room):
            out.append({
                "id": row["id"].hex(),
                "asker": row["asker"],
                "asked": row["asked"],
                "own": bool(row["own"]),
                "created": row["created"],
                "status": row["status"],
                "answer": row["answer"].hex() if row["answer"] else None,
                "settled_at": row["settled_at"],
                "reason_kept": bool(row["has_reason"]),
                "delivered": bool(row["delivered"]) if row["own"] else None,
            })  # fmt: skip
        return out

    def view(self, staff: Staff, room: bytes, request: bytes) -> dict[str, Any]:
        """The request with its topic (and, at the node that declined, the reasons);
        the view is audited."""
        ctx = self.ctx
        staffmod.require_room(ctx.store, room, staff)
        row = tables.find_in_room(ctx.store, room, request)
        if row is None:
            raise InquiryUnknownError(request.hex())
        envelope, sealed, reason = tables.envelope_and_sealed(ctx.store, row["asker"], request)
        state = ctx.state(room)
        out = next(r for r in self.list(room) if r["id"] == request.hex() and
                   r["asker"] == row["asker"])  # fmt: skip
        if row["own"]:
            if sealed is None:
                raise RevokedError()
            out.update(json.loads(ctx.master.open("inquiry", sealed)))
        else:
            key = self._room_key(state, row["epoch"])
            if envelope is None or key is None:
                raise RevokedError("the room key is destroyed")
            topic = open_inquiry(decode_inquiry(envelope), me=ctx.me, room_key=key, state=state)
            out.update(topic=topic.topic, categories=list(topic.categories),
                       author_function=topic.author_function)  # fmt: skip
        if reason is not None:
            out["reason"] = ctx.master.open("inquiry-reason", reason).decode()
        with ctx.store.transaction():
            ctx.audit(actor=staff.name, action="inquiry_viewed", room=room, case_ref=state.case,
                      request=request.hex())  # fmt: skip
        return out

    def _room_key(self, state: RoomState, epoch: int) -> Any:
        member = state.member_of(self.ctx.me, epoch)
        return self.ctx.rooms.key(state.room, member.key) if member else None
