"""Verstrekkingen: seal and send (with the group commit of several at once), check
without sending, and view (decrypt for a staff member, audited).

Owns the ``share_sent``, ``share_viewed`` and ``refused`` (for a share) audit actions,
and the per-sender sequence numbers this node gives its own shares and revocations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from node.domain import staff as staffmod
from node.domain.context import Context
from node.domain.inquiries import Inquiries
from node.domain.staff import Staff
from node.errors import NotFoundError, RevokedError
from node.store import shares as tables
from protocol.chain import RoomState
from protocol.codec import decode
from protocol.errors import CasusnetError, InquiryError, LocalProtocolError, PolicyError
from protocol.keys import digest
from protocol.policy import default_recipients, supply_article
from protocol.share import Draft, Share, check_draft, open_share, seal_share
from protocol.signed import Signed

OWN_FIELDS = (
    "summary",
    "justification",
    "agreement_ref",
    "secrecy_ground",
    "secrecy_ref",
    "conditions",
    "author_function",
)
"""What the sender keeps of its own share (sealed at rest with the master key)."""


def next_seq(ctx: Context, room: bytes) -> int:
    """The next number of this node's shares and revocations in a room (caller's
    transaction). A restored node starts above every number its lost incarnation may
    have used (``seq_floor``, set by ``casusnet restore``)."""
    floor = int(ctx.store.get_meta("seq_floor") or 0)
    seq = max(tables.last_seq(ctx.store, room, ctx.me), floor) + 1
    tables.set_seq(ctx.store, room, ctx.me, seq)
    return seq


def decode_share(envelope: bytes) -> Any:
    """The body of a signed share envelope (already verified when it was stored)."""
    return decode(decode(envelope, Signed.SPEC).body, Share.SPEC)


class Shares:
    def __init__(self, ctx: Context, inquiries: Inquiries | None = None) -> None:
        self.ctx = ctx
        self.inquiries = inquiries or Inquiries(ctx)

    def share(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> bytes:
        """Seal and send a share; returns its id."""
        result = self.share_many([(staff, room, fields)])[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def share_many(
        self, requests: Sequence[tuple[Staff, bytes, dict[str, Any]]]
    ) -> list[bytes | CasusnetError]:
        """Seal and send several shares in one transaction (group commit: one fsync).

        Each share succeeds or fails on its own (a savepoint each); a refusal is
        audited. Returns a share id or the error, per request.
        """
        ctx = self.ctx
        results: list[bytes | CasusnetError] = []
        with ctx.store.transaction():
            for staff, room, fields in requests:
                try:
                    with ctx.store.savepoint():
                        state, draft = self._draft(staff, room, fields)
                        results.append(self._seal_and_send(staff, state, draft))
                except (PolicyError, LocalProtocolError, InquiryError) as exc:
                    # recorded after the rollback of the attempt
                    ctx.audit(
                        actor=staff.name,
                        action="refused",
                        room=room,
                        code=exc.code,
                        detail=exc.detail,
                    )
                    results.append(exc)
                except CasusnetError as exc:
                    results.append(exc)
        ctx.flush_wakeups()
        return results

    def check_share(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> list[str]:
        """Every check a share would pass through, without sealing, storing or sending
        anything (and not audited); returns the recipients it would go to."""
        state, draft = self._draft(staff, room, fields)
        recipients = check_draft(draft, state=state, registry=self.ctx.registry, sender=self.ctx.me)
        if draft.request is not None:
            self.inquiries.check_answer(room, draft.request, recipients)
        return list(recipients)

    def _draft(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> tuple[RoomState, Draft]:
        state = self.ctx.state(room)
        fields = dict(fields)
        if not fields.get("recipients"):
            # an answer goes to the partner that asked; other shares to the deelnemers
            request = fields.get("request")
            asker = self.inquiries.asker_of(room, request) if request else None
            fields["recipients"] = (
                [asker] if asker else default_recipients(state, self.ctx.me, self.ctx.basis(state))
            )
        fields["capacity"] = staff.capacity
        try:
            draft = Draft(author_function=staff.function, **fields)
        except TypeError as exc:
            raise LocalProtocolError(f"share fields: {exc}"[:200]) from None
        return state, draft

    def _seal_and_send(self, staff: Staff, state: RoomState, draft: Draft) -> bytes:
        ctx = self.ctx
        room = state.room
        envelope = seal_share(
            draft,
            state=state,
            registry=ctx.registry,
            sender=ctx.me,
            signer=ctx.identity.signer,
            seq=next_seq(ctx, room),
            now=ctx.now(),
            rand=ctx.rand,
        )
        share = decode_share(envelope)
        tables.insert(
            ctx.store, share, envelope, digest(envelope), own=True, author=staff.name, now=ctx.now()
        )
        if share.request is not None:  # answered once, in this transaction
            self.inquiries.answered(staff, share)
        kept = json.dumps({f: getattr(draft, f) for f in OWN_FIELDS}, ensure_ascii=False)
        tables.keep_plaintext(ctx.store, share.id, ctx.master.seal("share", kept.encode()))
        for peer in share.recipients:
            tables.add_delivery(ctx.store, share.id, peer, ctx.now())
            ctx.enqueue(peer, "share", room, envelope)
        ctx.audit(
            actor=staff.name,
            action="share_sent",
            room=room,
            case_ref=state.case,
            share=share.id.hex(),
            basis=share.basis,
            categories=list(share.categories),
            recipients=list(share.recipients),
        )
        return bytes(share.id)

    def view_share(
        self, staff: Staff, room: bytes, share_id: bytes, sender: str | None = None
    ) -> dict[str, Any]:
        """Decrypt a share for a staff member; the view is audited."""
        ctx = self.ctx
        staffmod.require_room(ctx.store, room, staff)
        row = tables.find(ctx.store, room, share_id, sender)
        if row is None:
            raise NotFoundError("share")
        state = ctx.state(room)
        out: dict[str, Any] = {
            "id": share_id.hex(),
            "sender": row["sender"],
            "basis": row["basis"],
            "categories": json.loads(row["categories"]),
            "recipients": json.loads(row["recipients"]),
            "created": row["created"],
            "capacity": row["capacity"],
            "article": supply_article(ctx.registry.get(row["basis"]), state.room_basis),
        }
        out.update(self._own_content(share_id) if row["own"] else self._content(state, row))
        with ctx.store.transaction():
            if not row["own"]:
                tables.record_view(ctx.store, staff.name, room, row["sender"], share_id, ctx.now())
            ctx.audit(
                actor=staff.name,
                action="share_viewed",
                room=room,
                case_ref=state.case,
                share=share_id.hex(),
            )
        return out

    def _own_content(self, share_id: bytes) -> dict[str, Any]:
        sealed = tables.kept_plaintext(self.ctx.store, share_id)
        if sealed is None:
            raise RevokedError()
        kept = self.ctx.master.open("share", sealed)
        try:
            content: dict[str, Any] = json.loads(kept)
        except ValueError:  # kept by an earlier version: the summary only
            return {"summary": kept.decode()}
        return content

    def _content(self, state: RoomState, row: dict[str, Any]) -> dict[str, Any]:
        ctx = self.ctx
        if row["envelope"] is None:
            raise RevokedError()
        share = decode_share(row["envelope"])
        member = state.member_of(ctx.me, share.epoch)
        key = ctx.rooms.key(state.room, member.key) if member else None
        if key is None:
            raise RevokedError("the room key is destroyed")
        content = open_share(share, me=ctx.me, room_key=key, state=state, registry=ctx.registry)
        return {
            "summary": content.summary,
            "justification": content.justification,
            "agreement_ref": content.agreement_ref,
            "secrecy_ground": content.secrecy_ground,
            "secrecy_ref": content.secrecy_ref,
            "conditions": content.conditions,
            "author_function": content.author_function,
        }
