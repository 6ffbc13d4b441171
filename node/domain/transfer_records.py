"""Transfers to another gemeente (Wet PGA art. 7): what arrives and what is kept.

The side of :class:`node.domain.transfer.Transfers` that stores what arrives (the
transfer at the receiving gemeente, a request at a supplier, an answer at the receiving
and the origin gemeente), ends what the deadline ends, purges what retention ends, and
shows staff what is held (statuses; at the receiving gemeente the note, the plan and a
supplied verstrekking, each reading audited).
"""

from __future__ import annotations

import json
from typing import Any

from node.domain.aanmelding import ROLES as INTAKE_ROLES
from node.domain.aanmelding import delivered
from node.domain.context import Context
from node.domain.inbox import RetryLater
from node.domain.staff import ForbiddenError, Staff
from node.errors import NotFoundError, NotOwnError
from node.store import aanmeldingen as aanmelding_tables
from node.store import transfers as tables
from protocol.errors import TransferAnsweredError, TransferPartyError, TransferUnknownError
from protocol.keys import digest
from protocol.transfer import (
    DELIVERY_GRACE,
    Transfer,
    TransferAnswer,
    TransferRequest,
    in_time,
    open_supplied,
    open_transfer,
    peek,
    verify_answer,
    verify_request,
    verify_transfer,
)


class TransferRecords:
    ctx: Context

    def _keep_transfer(self, t: Transfer, role: str, envelope: bytes, *, author: str) -> None:
        """This node's side of a transfer, every verstrekking of its index ``open``; the
        receiver keeps the envelope (note and plan sealed to its box key), the origin
        only its hash."""
        ctx = self.ctx
        tables.insert_transfer(ctx.store, {
            "id": t.id, "role": role, "room": t.room, "case_ref": t.case,
            "origin": t.origin, "receiver": t.to, "ground": t.ground,
            "aanmelding": t.aanmelding, "deadline": t.deadline, "time": t.time,
            "envelope": envelope if role == "receiver" else None,
            "env_hash": digest(envelope), "author": author, "created_at": ctx.now(),
        })  # fmt: skip
        for supplier, shares in t.index:
            tables.add_items(ctx.store, t.id, supplier, shares)

    def _keep_request(self, r: TransferRequest, envelope: bytes) -> None:
        ctx = self.ctx
        for share in r.shares:
            if tables.own_share(ctx.store, r.room, share) is None:
                raise TransferPartyError("the request names a verstrekking this node did not make")
        tables.insert_request(ctx.store, {
            "transfer": r.transfer, "origin": r.origin, "receiver": r.receiver,
            "room": r.room, "case_ref": r.case, "ground": r.ground, "deadline": r.deadline,
            "time": r.time, "envelope": envelope, "env_hash": digest(envelope),
            "received_at": ctx.now(),
        })  # fmt: skip
        tables.add_items(ctx.store, r.transfer, ctx.me, r.shares)
        ctx.audit(
            actor=r.origin, action="transfer_requested", room=r.room, case_ref=r.case,
            transfer=r.transfer.hex(), receiver=r.receiver, deadline=r.deadline,
            shares=[s.hex() for s in r.shares],
        )  # fmt: skip

    # -- envelopes from partners (inside the inbox's transaction) ---------------------------

    def receive_transfer(self, caller: str, envelope: bytes) -> bytes:
        """The receiving gemeente takes in a transfer: after the aanmelding it came with."""
        ctx = self.ctx
        t = verify_transfer(envelope, roster=ctx.roster, me=ctx.me)
        if caller != t.origin:
            raise NotOwnError("a transfer comes from its origin gemeente")
        if tables.transfer(ctx.store, t.id) is not None:
            raise TransferAnsweredError("a transfer with this id is held here")
        if aanmelding_tables.get(ctx.store, t.aanmelding) is None:
            raise RetryLater("the transfer's aanmelding has not arrived yet")
        open_transfer(t, box=ctx.identity.box)  # what is acknowledged can be opened
        self._keep_transfer(t, "receiver", envelope, author="")
        ctx.audit(
            actor=t.origin, action="transfer_received", case_ref=t.case, transfer=t.id.hex(),
            aanmelding=t.aanmelding.hex(), ground=t.ground, deadline=t.deadline,
            suppliers=[s for s, _ in t.index],
        )  # fmt: skip
        return delivered(ctx, envelope, caller)

    def receive_request(self, caller: str, envelope: bytes) -> bytes:
        """A supplier is asked about its own verstrekkingen."""
        ctx = self.ctx
        r = verify_request(envelope, roster=ctx.roster, me=ctx.me)
        if caller != r.origin:
            raise NotOwnError("a transfer request comes from its origin gemeente")
        if tables.request(ctx.store, r.transfer) is not None:
            raise TransferAnsweredError("a request of this transfer is held here")
        self._keep_request(r, envelope)
        return delivered(ctx, envelope, caller)

    def receive_answer(self, caller: str, envelope: bytes) -> bytes:
        """A supplier's answer at the receiving gemeente (with the content of a supply)
        or at the origin (its status only)."""
        ctx = self.ctx
        a = verify_answer(envelope, roster=ctx.roster, me=ctx.me)
        if caller != a.supplier:
            raise NotOwnError("a supplier sends only its own answers")
        row = tables.transfer(ctx.store, a.transfer)
        if row is None:
            raise RetryLater("the transfer has not arrived yet")
        if (row["origin"], row["receiver"]) != (a.origin, a.receiver):
            raise TransferPartyError("the answer names other gemeenten than the transfer")
        item = tables.item(ctx.store, a.transfer, a.supplier, a.share)
        if item is None:
            raise TransferUnknownError("the transfer does not ask this supplier for it")
        if item["status"] != tables.OPEN:
            raise TransferAnsweredError(item["status"])
        in_time(a, deadline=row["deadline"], now=ctx.now())
        keep = None
        if a.ct is not None:
            open_supplied(a, box=ctx.identity.box)
            keep = envelope
        status = tables.SUPPLIED if a.decision == "supply" else tables.OBJECTED
        tables.answer(ctx.store, a.transfer, a.supplier, a.share, status=status, at=a.time,
                      by=a.supplier, basis=a.basis, categories=a.categories, envelope=keep,
                      env_hash=digest(envelope))  # fmt: skip
        ctx.audit(
            actor=a.supplier, action="transfer_answer_received", case_ref=row["case_ref"],
            transfer=a.transfer.hex(), share=a.share.hex(), decision=a.decision,
        )  # fmt: skip
        return delivered(ctx, envelope, caller)

    # -- the deadline and retention -----------------------------------------------------------

    def expire_due(self) -> int:
        """What was not answered by the deadline counts as not supplied: the supplier at
        the deadline, the origin and the receiver after the delivery grace."""
        ctx = self.ctx
        now, gone = ctx.now(), 0
        with ctx.store.transaction():
            for row in tables.due_requests(ctx.store, now):
                n = tables.expire(ctx.store, "transfer_requests", "transfer", row["transfer"],
                                  ctx.me, now)  # fmt: skip
                gone += n
                self._audit_expired(row["transfer"], row["case_ref"], n)
            for row in tables.due_transfers(ctx.store, now - DELIVERY_GRACE):
                n = tables.expire(ctx.store, "transfers", "id", row["id"], None, now)
                gone += n
                self._audit_expired(row["id"], row["case_ref"], n)
        return gone

    def _audit_expired(self, transfer: bytes, case: str, n: int) -> None:
        if n:
            self.ctx.audit(actor=self.ctx.me, action="transfer_expired", case_ref=case,
                           transfer=transfer.hex(), shares=n)  # fmt: skip

    def purge_due(self) -> int:
        """Delete what retention ends: a received transfer whose aanmelding went; an
        origin's metadata and a supplier's request once the room is gone here."""
        ctx = self.ctx
        gone = 0
        with ctx.store.transaction():
            rows = [(r["id"], r["role"], r["aanmelding"], r["room"], r["case_ref"])
                    for r in tables.transfers(ctx.store, "receiver")
                    + tables.transfers(ctx.store, "origin")]  # fmt: skip
            rows += [(r["transfer"], "supplier", None, r["room"], r["case_ref"])
                     for r in tables.requests(ctx.store)]  # fmt: skip
            for ident, role, aanmelding, room, case in rows:
                if role == "receiver":
                    ended = aanmelding_tables.get(ctx.store, aanmelding) is None
                else:
                    ended = ctx.rooms.state(room, ctx.now()) is None
                held = tables.transfer(ctx.store, ident) or tables.request(ctx.store, ident)
                if ended and held:
                    tables.delete(ctx.store, ident)
                    ctx.audit(actor=ctx.me, action="transfer_purged", case_ref=case,
                              transfer=ident.hex())  # fmt: skip
                    gone += 1
        return gone

    # -- what staff read -----------------------------------------------------------------------

    def listing(self, staff: Staff) -> dict[str, list[dict[str, Any]]]:
        """The requests this node must answer, the transfers it started and the ones it
        received, each with the status per verstrekking (no content)."""
        require_any_role(staff)
        self.expire_due()
        ctx = self.ctx
        return {
            "requests": [self._request_view(r) for r in tables.requests(ctx.store)],
            "started": [self._view(r) for r in tables.transfers(ctx.store, "origin")],
            "received": [self._view(r) for r in tables.transfers(ctx.store, "receiver")],
        }

    def show(self, staff: Staff, transfer: bytes) -> dict[str, Any]:
        """One transfer as this node holds it; at the receiver with the note and the plan
        (viewing is audited)."""
        require_any_role(staff)
        ctx = self.ctx
        out: dict[str, Any] = {"id": transfer.hex()}
        row = tables.transfer(ctx.store, transfer)
        req = tables.request(ctx.store, transfer)
        if row is None and req is None:
            raise TransferUnknownError(transfer.hex())
        if row is not None:
            out.update(self._view(row))
        if req is not None:
            out["request"] = self._request_view(req)
        if row is not None and row["role"] == "receiver":
            require_intake_role(staff)
            t: Transfer = peek(row["envelope"], Transfer.SPEC)
            content = open_transfer(t, box=ctx.identity.box)
            out["note"] = content.note
            out["plan"] = json.loads(content.plan) if content.plan else None
            with ctx.store.transaction():
                ctx.audit(actor=staff.name, action="transfer_viewed", case_ref=row["case_ref"],
                          transfer=transfer.hex())  # fmt: skip
        return out

    def view_supplied(
        self, staff: Staff, transfer: bytes, share: bytes, supplier: str | None = None
    ) -> dict[str, Any]:
        """A supplied verstrekking at the receiving gemeente, decrypted; audited like a
        share view. ``supplier`` is needed only where two suppliers used the same id."""
        require_intake_role(staff)
        ctx = self.ctx
        row = tables.transfer(ctx.store, transfer)
        if row is None or row["role"] != "receiver":
            raise TransferUnknownError(transfer.hex())
        found = [i for i in tables.items(ctx.store, transfer, supplier) if i["share"] == share]
        if len(found) != 1:
            raise TransferUnknownError(f"{transfer.hex()}/{share.hex()}")
        item = found[0]
        supplier = str(item["supplier"])
        if item["status"] != tables.SUPPLIED or item["envelope"] is None:
            raise NotFoundError(f"this verstrekking was not supplied ({item['status']})")
        a: TransferAnswer = peek(item["envelope"], TransferAnswer.SPEC)
        content = open_supplied(a, box=ctx.identity.box)
        out = _item(item)
        out.update({f: getattr(content, f) for f in (
            "summary", "justification", "agreement_ref", "secrecy_ground", "secrecy_ref",
            "conditions", "author_function")})  # fmt: skip
        with ctx.store.transaction():
            ctx.audit(actor=staff.name, action="transfer_share_viewed", case_ref=row["case_ref"],
                      transfer=transfer.hex(), supplier=supplier, share=share.hex())  # fmt: skip
        return out

    def resolve(self, prefix: str) -> bytes:
        """A transfer id from its hex or a unique prefix of it."""
        ids = tables.by_prefix(self.ctx.store, prefix.lower()) if prefix else []
        if len(ids) != 1:
            raise NotFoundError(f"no single transfer starts with {prefix[:32]!r}")
        return ids[0]

    def _view(self, row: dict[str, Any]) -> dict[str, Any]:
        items = [_item(i) for i in tables.items(self.ctx.store, row["id"])]
        return {
            "id": row["id"].hex(), "role": row["role"], "room": row["room"].hex(),
            "case": row["case_ref"], "origin": row["origin"], "receiver": row["receiver"],
            "ground": row["ground"], "aanmelding": row["aanmelding"].hex(),
            "deadline": row["deadline"], "time": row["time"],
            "expired": row["expired_at"] is not None, "items": items,
            "counts": _counts(items),
        }  # fmt: skip

    def _request_view(self, row: dict[str, Any]) -> dict[str, Any]:
        items = [_item(i) for i in tables.items(self.ctx.store, row["transfer"], self.ctx.me)]
        for out, raw in zip(items, tables.items(self.ctx.store, row["transfer"], self.ctx.me),
                            strict=True):  # fmt: skip
            if raw["reason"] is not None:
                out["reason"] = self.ctx.master.open("transfer-reason", raw["reason"]).decode()
        return {
            "transfer": row["transfer"].hex(), "room": row["room"].hex(),
            "case": row["case_ref"], "origin": row["origin"], "receiver": row["receiver"],
            "ground": row["ground"], "deadline": row["deadline"], "time": row["time"],
            "expired": row["expired_at"] is not None, "items": items,
            "counts": _counts(items),
        }  # fmt: skip


def require_intake_role(staff: Staff) -> None:
    if not staff.roles & INTAKE_ROLES:
        raise ForbiddenError("transfers are for the intake staff")


def require_any_role(staff: Staff) -> None:
    """Any staff member with a role reads the list (statuses, no content)."""
    if not staff.roles:
        raise ForbiddenError("transfers are for staff with a role")


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "supplier": row["supplier"], "share": row["share"].hex(), "status": row["status"],
        "basis": row["basis"], "categories": json.loads(row["categories"] or "[]"),
        "answered_at": row["answered_at"],
    }  # fmt: skip


def _counts(items: list[dict[str, Any]]) -> dict[str, int]:
    out = {s: 0 for s in (tables.OPEN, tables.SUPPLIED, tables.OBJECTED, tables.EXPIRED)}
    for i in items:
        out[i["status"]] += 1
    return out
