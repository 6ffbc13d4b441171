"""Receipts partners sign for this node's envelopes: stored as proof, and the
delivery state of each share moved along (pending → delivered → deleted). Owns the
``receipts`` table and the ``receipt`` audit action.
"""

from __future__ import annotations

from typing import Any

from node.domain.context import Context
from node.store import aanmeldingen as aanmelding_tables
from node.store import receipts as tables
from node.store import shares as share_tables


class Receipts:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def record_receipt(self, receipt: Any, data: bytes) -> None:
        """Store a verified receipt and move the delivery states it confirms."""
        self.record_receipts([(receipt, data)])

    def record_receipts(self, receipts: list[tuple[Any, bytes]]) -> None:
        """Store verified receipts (one batch from one peer), one audit entry per kind."""
        by_kind: dict[tuple[str, str, bytes], list[str]] = {}
        for receipt, data in receipts:
            self._store(receipt, data)
            key = (receipt.issuer, receipt.kind, receipt.room)
            by_kind.setdefault(key, []).append(receipt.ref.hex())
        for (issuer, kind, room), refs in by_kind.items():
            self.ctx.audit(actor=issuer, action="receipt", room=room, kind=kind, refs=refs)

    def _store(self, receipt: Any, data: bytes) -> None:
        ctx = self.ctx
        now = ctx.now()
        tables.insert(ctx.store, receipt.ref, receipt.issuer, receipt.kind, receipt.room, data, now)
        if receipt.kind == "delivered":
            share_tables.mark_delivered(ctx.store, receipt.issuer, receipt.ref, now)
            aanmelding_tables.mark_delivered(ctx.store, receipt.issuer, receipt.ref)
        elif receipt.kind in ("deleted", "closed"):
            items = list(receipt.items)
            if receipt.kind == "closed":
                items = share_tables.own_ids(ctx.store, receipt.room)
            for share_id in items:
                share_tables.mark_deleted(ctx.store, share_id, receipt.issuer, now)
        ref = receipt.ref if receipt.kind == "delivered" else None
        ctx.store.after_commit(lambda: ctx.receipts_changed(ref))
