"""The node's logic: what a staff action does, and what a received envelope does.

Every method here is synchronous and runs one store transaction: the state change,
its audit entries and the envelopes it causes (the outbox) commit together or not
at all. The federation layer (``federation.py``) moves envelopes; this module never
touches the network.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import nacl.utils

from node.config import Config
from node.domain import staff as staffmod
from node.domain.inbox import _SHARE_SPEC, Receiving, _audit_action
from node.domain.rooms import Rooms, require
from node.domain.staff import Staff
from node.errors import NotAllowedError, NotFoundError, RevokedError
from node.store import audit, keystore
from node.store.db import Store
from node.store.keystore import MasterKey
from protocol import chain
from protocol.chain import RoomState
from protocol.codec import decode
from protocol.errors import (
    CasusnetError,
    LocalProtocolError,
    NotChairError,
    PolicyError,
    StorageError,
)
from protocol.events import (
    CRITERIA,
    Assess,
    CloseData,
    Consent,
    ConveneData,
    Criteria,
    EpochData,
    EpochMember,
    Event,
    InviteData,
    Join,
    Leave,
    RemoveData,
    StatementData,
)
from protocol.keys import BoxKeyPair, NodeIdentity, digest
from protocol.policy import default_recipients
from protocol.registry import Registry, default_registry
from protocol.revocation import make_receipt, make_revoke
from protocol.roster import Roster, accept_roster
from protocol.share import Draft, check_draft, open_item, open_share, seal_item, seal_share
from protocol.signed import Signed

STATEMENT_KINDS = ("assess", "consent", "join", "leave")


class Node(Receiving):
    def __init__(
        self,
        config: Config,
        master: MasterKey,
        identity: NodeIdentity,
        store: Store,
        *,
        roster: Roster | None = None,
        clock: Callable[[], float] = time.time,
        rand: Callable[[int], bytes] = nacl.utils.random,
        registry: Registry | None = None,
    ) -> None:
        self.config = config
        self.me = config.node_id
        self.master = master
        self.identity = identity
        self.store = store
        store.audit_key = master.derive("casusnet/audit")
        self.clock = clock
        self.rand = rand
        self.registry = registry or default_registry()
        self.roster = roster or self._load_roster()
        self._adopt_identity()
        self.rooms = Rooms(store, master, self.registry, self.history_roster())
        store.on_rollback(lambda: self.rooms.forget_uncommitted())
        self.wake: Callable[[str], None] = lambda peer: None
        self._woken: set[str] = set()
        self.shred_pending = False
        self.gaps: set[tuple[bytes, str, int]] = set()
        self.receipts_changed: Callable[[bytes | None], None] = lambda ref: None

    def now(self) -> int:
        return int(self.clock())

    def _audit(self, *, actor: str, action: str, room: bytes | None = None, **detail: Any) -> int:
        """An audit entry now (with the room's case reference), in the current transaction."""
        return audit.append(
            self.store, at=self.now(), actor=actor, action=action, room=room, **detail
        )

    # -- roster --------------------------------------------------------------------

    def _load_roster(self) -> Roster:
        data = self.store.one("SELECT data FROM rosters ORDER BY version DESC LIMIT 1")
        if data is None:
            try:
                data = self.config.roster_path.read_bytes()
            except OSError:
                raise StorageError(f"no roster at {self.config.roster_path}") from None
            roster = accept_roster(data, self.config.authority, self.registry)
            with self.store.transaction():
                self.store.execute(
                    "INSERT OR IGNORE INTO rosters VALUES (?, ?, ?)",
                    (roster.version, data, self.now()),
                )
            return roster
        return accept_roster(data, self.config.authority, self.registry)

    def import_roster(self, data: bytes, actor: str = "operator") -> Roster:
        roster = accept_roster(data, self.config.authority, self.registry, current=self.roster)
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO rosters VALUES (?, ?, ?)", (roster.version, data, self.now())
            )
            self._audit(
                actor=actor,
                action="roster_imported",
                version=roster.version,
            )
        self.roster = roster
        self.rooms.reload(self.history_roster())
        self._adopt_identity()
        return roster

    def history_roster(self) -> Roster:
        """The current roster plus the last entry of every node that has left it.

        Room chains are history: a statement signed by a partner that has since left
        the federation must still verify when the chain is replayed, or every room
        it was in would become unusable (no revocation, no closure). This view is used
        only to check signatures already in the chains; requests are checked against
        the current roster, so a node that left can send nothing new.
        """
        members = {m.node: m for m in self.roster.members}
        for (data,) in self.store.execute("SELECT data FROM rosters ORDER BY version DESC"):
            try:
                old = accept_roster(data, self.config.authority, self.registry)
            except CasusnetError:
                continue
            for m in old.members:
                members.setdefault(m.node, m)
        if len(members) == len(self.roster.members):
            return self.roster
        return dataclasses.replace(
            self.roster, members=tuple(sorted(members.values(), key=lambda m: m.node))
        )

    def refresh_roster(self) -> Roster:
        """Pick up a roster imported into the store by `casusnet roster import`."""
        version = self.store.one("SELECT MAX(version) FROM rosters")
        if version is not None and version > self.roster.version:
            data = self.store.one("SELECT data FROM rosters WHERE version = ?", (version,))
            self.roster = accept_roster(data, self.config.authority, self.registry)
            self.rooms.reload(self.history_roster())
            self._adopt_identity()
        return self.roster

    def _adopt_identity(self) -> None:
        """Sign with the key the roster lists for this node (after ``key rotate``).

        The roster is what partners check against: once it lists the pending key
        made by ``casusnet key rotate``, that key becomes the identity and the old
        one goes to the sealed key history (``keystore.adopt_rotation``). Until then
        the node keeps signing with the key partners know.
        """
        mine = self.roster.by_node.get(self.me)
        if mine is None or mine.sign == self.identity.sign_public:
            return
        try:
            adopted = keystore.adopt_rotation(self.config, self.master, mine.sign, self.now())
        except (CasusnetError, OSError):
            return  # no identity files (an in-memory node), or they do not open
        if adopted is None or adopted.sign_public != mine.sign:
            return
        old = self.identity.fingerprint
        self.identity = adopted
        with self.store.transaction():
            self._audit(
                actor="operator",
                action="key_rotated",
                old=old,
                new=adopted.fingerprint,
                roster=self.roster.version,
            )

    def roster_bytes(self) -> bytes:
        data = self.store.one("SELECT data FROM rosters ORDER BY version DESC LIMIT 1")
        return bytes(data)

    # -- outbox ----------------------------------------------------------------------

    def enqueue(self, peer: str, kind: str, room: bytes | None, envelope: bytes) -> None:
        """Queue an envelope for ``peer`` (inside the caller's transaction)."""
        if peer == self.me:
            return
        self.store.execute(
            "INSERT INTO outbox (peer, kind, room, envelope, env_hash, created, attempts,"
            " next_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
            (peer, kind, room, envelope, digest(envelope), self.now()),
        )
        self._woken.add(peer)

    def flush_wakeups(self) -> None:
        woken, self._woken = self._woken, set()
        for peer in woken:
            self.wake(peer)

    def _audience(self, state: RoomState) -> set[str]:
        """Who receives the room's events (see :func:`followers`), but this node."""
        return followers(self.registry, state) - {self.me}

    # -- the chair's side of the chain -------------------------------------------------

    def _chair_event(self, state: RoomState, kind: str, data: Any) -> RoomState:
        """Sign, apply, store and send one event; then cut an epoch if membership moved."""
        event = chain.next_event(self.identity.signer, state, kind, data, self.now())
        before = self._audience(state)
        new = self.rooms.apply(state, event, self.now())
        for peer in sorted(self._audience(new) | before):
            if peer not in before:  # a new follower gets the whole chain
                for old in self.rooms.events_after(new.room, -1, limit=1 << 30):
                    self.enqueue(peer, "event", new.room, old)
            else:
                self.enqueue(peer, "event", new.room, event)
        self._audit(
            actor=self.me,
            action=_audit_action(kind),
            room=new.room,
            case_ref=new.case,
            seq=new.seq,
        )
        if kind in ("join", "consent", "remove", "leave", "assess") and new.phase != chain.CLOSED:
            new = self._maybe_epoch(new)
        return new

    def _maybe_epoch(self, state: RoomState) -> RoomState:
        basis = self.registry.bases[state.room_basis]
        admitted = chain.admitted(state, basis)
        if admitted == dict(state.members) and not state.leaving:
            return state
        members = tuple(EpochMember(n, m.role, m.key) for n, m in sorted(admitted.items()))
        return self._chair_event(state, "epoch", EpochData(state.epoch + 1, members))

    def _state(self, room: bytes) -> RoomState:
        return require(self.rooms.state(room, self.now()))

    def _as_chair(self, room: bytes) -> RoomState:
        state = self._state(room)
        if state.chair != self.me:
            raise NotChairError("only the chair's node can do this")
        return state

    # -- staff actions -----------------------------------------------------------------

    def convene(
        self, staff: Staff, *, case: str, purpose: str, bases: Sequence[str], meeting: int
    ) -> RoomState:
        basis_objs = [self.registry.get(b) for b in bases]
        room_bases = [b for b in basis_objs if b.kind == "room"]
        if room_bases and self.config.org not in room_bases[0].conveners:
            raise NotAllowedError(
                f"a {self.config.org} node cannot convene under "
                f"{room_bases[0].id}; ask the gemeente or the ZVH"
            )
        pair = BoxKeyPair.generate(self.rand)
        data = ConveneData(
            case,
            purpose,
            tuple(sorted(set(bases))),
            chain.retention_years(basis_objs),
            meeting,
            pair.public,
        )
        event = chain.convene(self.identity.signer, self.me, data, self.now())
        with self.store.transaction():
            state = self.rooms.apply(None, event, self.now())
            self.rooms.new_key(state.room, pair, self.now())
            staffmod.assign(self.store, state.room, staff.name)
            self._audit(
                actor=staff.name,
                action="convene",
                room=state.room,
                case_ref=state.case,
                bases=list(data.bases),
            )
        return state

    def invite(self, staff: Staff, room: bytes, node: str, role: str) -> RoomState:
        if node not in self.roster.by_node:
            raise NotAllowedError(f"{node} is not in the federation roster")
        with self.store.transaction():
            state = self._as_chair(room)
            new = self._chair_event(state, "invite", InviteData(node, role, state.epoch + 1))
            self._audit(
                actor=staff.name,
                action="invite",
                room=room,
                case_ref=state.case,
                node=node,
                role=role,
            )
        self.flush_wakeups()
        return new

    def remove(self, staff: Staff, room: bytes, node: str) -> RoomState:
        with self.store.transaction():
            new = self._chair_event(self._as_chair(room), "remove", RemoveData(node))
        self.flush_wakeups()
        return new

    def _check_member(self, state: RoomState) -> Any:
        basis = self.registry.bases[state.room_basis]
        if self.me not in state.members:
            raise NotAllowedError("this node is not (yet) a member of the room")
        return basis

    def assess(self, staff: Staff, room: bytes, verdict: str, criteria: dict[str, int]) -> None:
        state = self._state(room)
        basis = self._check_member(state)
        if state.phase != chain.INTAKE:
            raise NotAllowedError("the intake of this room is over")
        if self.config.org not in basis.intake_by:
            raise NotAllowedError(
                f"a {self.config.org} node takes no part in the intake under {basis.id}"
            )
        scores = Criteria(**{c: int(criteria.get(c, 0)) for c in CRITERIA})
        body = Assess("assess", 1, room, state.seq, self.me, scores, verdict, self.now())
        self._make_statement(staff, state, "assess", body, verdict=verdict)

    def consent(self, staff: Staff, room: bytes, subject: str) -> None:
        state = self._state(room)
        basis = self._check_member(state)
        if self.config.org not in basis.third_party_consent:
            raise NotAllowedError(
                f"a {self.config.org} node gives no consent for third parties under {basis.id}"
            )
        invite = state.invited.get(subject)
        if invite is None or invite.role != "derde":
            raise NotAllowedError(f"{subject} is not invited as a third party")
        body = Consent("consent", 1, room, state.seq, self.me, subject, self.now())
        self._make_statement(staff, state, "consent", body, subject=subject)

    def leave(self, staff: Staff, room: bytes) -> None:
        state = self._state(room)
        body = Leave("leave", 1, room, state.seq, self.me, self.now())
        self._make_statement(staff, state, "leave", body)

    def _make_statement(
        self, staff: Staff, state: RoomState, kind: str, body: Any, **detail: Any
    ) -> None:
        signed = chain.statement(self.identity.signer, self.me, body)
        with self.store.transaction():
            if state.chair == self.me:
                self._chair_event(state, kind, StatementData(signed))
            else:
                self.enqueue(state.chair, kind, state.room, signed)
            self._audit(
                actor=staff.name,
                action=kind,
                room=state.room,
                case_ref=state.case,
                **detail,
            )
        self.flush_wakeups()

    def _join(self, state: RoomState) -> None:
        """Answer an invite (or rotate the room key): a fresh room key and a join."""
        pair = BoxKeyPair.generate(self.rand)
        self.rooms.new_key(state.room, pair, self.now())
        body = Join("join", 1, state.room, state.seq, self.me, pair.public, self.now())
        self.enqueue(
            state.chair, "join", state.room, chain.statement(self.identity.signer, self.me, body)
        )
        self._audit(
            actor=self.me,
            action="join",
            room=state.room,
            case_ref=state.case,
        )

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
        results: list[bytes | CasusnetError] = []
        with self.store.transaction():
            for staff, room, fields in requests:
                try:
                    with self.store.savepoint():
                        results.append(self._share_one(staff, room, fields))
                except (PolicyError, LocalProtocolError) as exc:
                    # recorded after the rollback of the attempt
                    self._audit(
                        actor=staff.name,
                        action="refused",
                        room=room,
                        code=exc.code,
                        detail=exc.detail,
                    )
                    results.append(exc)
                except CasusnetError as exc:
                    results.append(exc)
        self.flush_wakeups()
        return results

    def _share_one(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> bytes:
        state, draft = self._draft(staff, room, fields)
        return self._share(staff, state, draft)

    def _draft(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> tuple[RoomState, Draft]:
        state = self._state(room)
        fields = dict(fields)
        if not fields.get("recipients"):
            fields["recipients"] = default_recipients(state, self.me)
        try:
            draft = Draft(author_function=staff.function, **fields)
        except TypeError as exc:
            raise LocalProtocolError(f"share fields: {exc}"[:200]) from None
        return state, draft

    def check_share(self, staff: Staff, room: bytes, fields: dict[str, Any]) -> list[str]:
        """Every check a share would pass through, without sealing, storing or sending
        anything (and not audited); returns the recipients it would go to."""
        state, draft = self._draft(staff, room, fields)
        return list(check_draft(draft, state=state, registry=self.registry, sender=self.me))

    def _share(self, staff: Staff, state: RoomState, draft: Draft) -> bytes:
        room = state.room
        with self.store.transaction():
            seq = self._next_seq(room)
            envelope = seal_share(
                draft,
                state=state,
                registry=self.registry,
                sender=self.me,
                signer=self.identity.signer,
                seq=seq,
                now=self.now(),
                rand=self.rand,
            )
            share = decode(decode(envelope, Signed.SPEC).body, _SHARE_SPEC)
            self._store_share(share, envelope, own=True, author=staff.name)
            self.store.execute(
                "INSERT INTO plaintext (share, sealed) VALUES (?, ?)",
                (share.id, self.master.seal("share", _own_content(draft))),
            )
            for peer in share.recipients:
                self.store.execute(
                    "INSERT INTO deliveries (share, peer, state, updated) VALUES (?, ?, ?, ?)",
                    (share.id, peer, "pending", self.now()),
                )
                self.enqueue(peer, "share", room, envelope)
            self._audit(
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

    def _next_seq(self, room: bytes) -> int:
        # a restored node starts above every number its lost incarnation may have used
        # (``seq_floor``, set by ``casusnet restore``; see node/backup.py)
        floor = int(self.store.get_meta("seq_floor") or 0)
        seq = (
            max(
                self.store.one(
                    "SELECT seq FROM seqs WHERE room = ? AND sender = ?", (room, self.me)
                )
                or 0,
                floor,
            )
            + 1
        )
        self.store.execute(
            "INSERT OR REPLACE INTO seqs (room, sender, seq) VALUES (?, ?, ?)", (room, self.me, seq)
        )
        return int(seq)

    def _store_share(self, share: Any, envelope: bytes, *, own: bool, author: str = "") -> None:
        self.store.execute(
            "INSERT INTO shares (id, room, sender, seq, epoch, basis, categories, recipients,"
            " created, envelope, env_hash, own, received_at, author)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                share.id,
                share.room,
                share.sender,
                share.seq,
                share.epoch,
                share.basis,
                json.dumps(list(share.categories)),
                json.dumps(list(share.recipients)),
                share.created,
                envelope,
                digest(envelope),
                int(own),
                self.now(),
                author,
            ),
        )

    def view_share(
        self, staff: Staff, room: bytes, share_id: bytes, sender: str | None = None
    ) -> dict[str, Any]:
        """Decrypt a share for a staff member; the view is audited."""
        staffmod.require_room(self.store, room, staff)
        row = self.store.row(
            "SELECT * FROM shares WHERE id = ? AND room = ? AND (? IS NULL OR sender = ?)"
            " ORDER BY own DESC, received_at LIMIT 1",
            (share_id, room, sender, sender),
        )
        if row is None:
            raise NotFoundError("share")
        state = self._state(room)
        out = {
            "id": share_id.hex(),
            "sender": row["sender"],
            "basis": row["basis"],
            "categories": json.loads(row["categories"]),
            "recipients": json.loads(row["recipients"]),
            "created": row["created"],
        }
        if row["own"]:
            sealed = self.store.one("SELECT sealed FROM plaintext WHERE share = ?", (share_id,))
            if sealed is None:
                raise RevokedError()
            kept = self.master.open("share", sealed)
            try:
                out.update(json.loads(kept))
            except ValueError:  # kept by an earlier version: the summary only
                out["summary"] = kept.decode()
        else:
            if row["envelope"] is None:
                raise RevokedError()
            share = decode(decode(row["envelope"], Signed.SPEC).body, _SHARE_SPEC)
            member = state.member_of(self.me, share.epoch)
            key = self.rooms.key(room, member.key) if member else None
            if key is None:
                raise RevokedError("the room key is destroyed")
            content = open_share(
                share, me=self.me, room_key=key, state=state, registry=self.registry
            )
            out.update(
                summary=content.summary,
                justification=content.justification,
                decision_ref=content.decision_ref,
                consent=content.consent,
                conditions=content.conditions,
                author_function=content.author_function,
            )
        with self.store.transaction():
            if not row["own"]:
                self.store.execute(
                    "INSERT OR IGNORE INTO views (staff, room, sender, share, at, held)"
                    " VALUES (?, ?, ?, ?, ?, 1)",
                    (staff.name, room, row["sender"], share_id, self.now()),
                )
            self._audit(
                actor=staff.name,
                action="share_viewed",
                room=room,
                case_ref=state.case,
                share=share_id.hex(),
            )
        return out

    def plan(
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
        with self.store.transaction():
            state = self._as_chair(room)
            data = seal_item(
                state, kind, title=title, measure=measure, owner=owner, due=due, rand=self.rand
            )
            self._chair_event(state, kind, data)
            self._audit(
                actor=staff.name,
                action="plan",
                room=room,
                case_ref=state.case,
                item=data.item.hex(),
                kind=kind,
            )
        self.flush_wakeups()
        return bytes(data.item)

    def export_plan(self, staff: Staff, room: bytes) -> dict[str, Any]:
        """The plan van aanpak for the ZVH's file; the export is audited like a view."""
        state = self._state(room)
        items = self.plan_items(room) if state.phase != "closed" else []
        with self.store.transaction():
            self._audit(
                actor=staff.name,
                action="plan_exported",
                room=room,
                case_ref=state.case,
                items=len(items),
            )
        return {
            "case": state.case,
            "chair": state.chair,
            "bases": list(state.bases),
            "phase": state.phase,
            "plan": items,
        }

    def plan_items(self, room: bytes) -> list[dict[str, Any]]:
        state = self._state(room)
        items = []
        for raw in self.rooms.events_after(room, 0, limit=10_000):
            event = decode(decode(raw, Signed.SPEC).body, Event.SPEC)
            if event.kind not in ("agenda", "decision"):
                continue
            member = state.member_of(self.me, event.data.epoch)
            key = self.rooms.key(room, member.key) if member else None
            if key is None:
                continue
            try:
                item = open_item(event.kind, event.data, me=self.me, room_key=key, state=state)
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

    def close(self, staff: Staff, room: bytes, outcome: str) -> RoomState:
        with self.store.transaction():
            state = self._as_chair(room)
            new = self._chair_event(state, "close", CloseData(outcome))
            self._audit(
                actor=staff.name,
                action="close",
                room=room,
                case_ref=state.case,
                outcome=outcome,
            )
            self._after_close(new)
        self.flush_wakeups()
        return new

    def revoke(
        self,
        staff: Staff | None,
        room: bytes,
        share_ids: Sequence[bytes] = (),
        *,
        reason: str = "ingetrokken",
    ) -> int:
        """Revoke own shares (all of them when ``share_ids`` is empty)."""
        actor = staff.name if staff else self.me
        with self.store.transaction():
            rows = self.store.rows(
                "SELECT id, recipients FROM shares"
                " WHERE room = ? AND own = 1 AND revoked_at IS NULL",
                (room,),
            )
            if share_ids:
                wanted = set(share_ids)
                rows = [r for r in rows if r["id"] in wanted]
                if len(rows) != len(wanted):
                    raise NotAllowedError("only own, not yet revoked shares can be revoked")
            if not rows:
                return 0
            peers = sorted({p for r in rows for p in json.loads(r["recipients"])})
            envelope = make_revoke(
                self.identity.signer,
                self.me,
                room=room,
                seq=self._next_seq(room),
                shares=[] if not share_ids else [r["id"] for r in rows],
                revoke_all=not share_ids,
                reason=reason,
                now=self.now(),
                rand=self.rand,
            )
            for r in rows:
                self.store.execute(
                    "UPDATE shares SET revoked_at = ? WHERE id = ? AND own = 1",
                    (self.now(), r["id"]),
                )
                self.store.execute("DELETE FROM plaintext WHERE share = ?", (r["id"],))
                self.store.execute(
                    "UPDATE deliveries SET state = 'revoked', updated = ? WHERE share = ?"
                    " AND state IN ('pending', 'delivered')",
                    (self.now(), r["id"]),
                )
            self.store.after_commit(self._shred)  # own plaintext leaves the WAL too
            for peer in peers:
                self.enqueue(peer, "revoke", room, envelope)
            self._audit(
                actor=actor,
                action="revoke_sent",
                room=room,
                shares=[r["id"].hex() for r in rows],
                reason=reason,
            )
        self.flush_wakeups()
        return len(rows)

    # -- closure -----------------------------------------------------------------------

    def _after_close(self, state: RoomState) -> None:
        """Closure at this node (inside a transaction): revoke, shred, confirm."""
        if self.config.closure_grace > 0:
            return  # the retention job finishes it when the grace period ends
        self.finish_closure(state)

    def finish_closure(self, state: RoomState) -> None:
        room = state.room
        row = self.store.row(
            "SELECT keys_destroyed, closed_receipt_sent FROM rooms WHERE room = ?", (room,)
        )
        if row and row["closed_receipt_sent"]:
            return
        own = self.store.one(
            "SELECT COUNT(*) FROM shares WHERE room = ? AND own = 1 AND revoked_at IS NULL", (room,)
        )
        if own:
            self.revoke(None, room, reason="gesloten")
        received = self.store.rows(
            "SELECT id FROM shares WHERE room = ? AND own = 0 AND envelope IS NOT NULL", (room,)
        )
        self.store.execute(
            "UPDATE shares SET envelope = NULL, deleted_at = ? WHERE room = ?"
            " AND own = 0 AND envelope IS NOT NULL",
            (self.now(), room),
        )
        destroyed = self.rooms.destroy_keys(room)
        self.store.after_commit(self._shred)
        close_event = self.rooms.events_after(room, state.seq - 1, limit=1)[0]
        everyone = {n for members in state.epochs.values() for n in members} - {self.me}
        for peer in sorted(everyone):
            receipt = make_receipt(
                self.identity.signer,
                self.me,
                kind="closed",
                room=room,
                envelope=close_event,
                to=peer,
                items=[r["id"] for r in received],
                now=self.now(),
            )
            self.enqueue(peer, "receipt", room, receipt)
        self.store.execute("UPDATE rooms SET closed_receipt_sent = 1 WHERE room = ?", (room,))
        self._audit(
            actor=self.me,
            action="keys_destroyed",
            room=room,
            case_ref=state.case,
            keys=destroyed,
            deleted=len(received),
        )

    def _shred(self) -> None:
        """Truncate the WAL so that destroyed keys and deleted content leave no copy."""
        try:
            self.store.checkpoint()
            self.shred_pending = False
        except StorageError:
            self.shred_pending = True  # the retention job tries again


def followers(registry: Registry, state: RoomState) -> set[str]:
    """Who may receive and fetch a room's chain.

    The members, those leaving (they learn they are removed), and invitees; but a
    third party invited under a basis that asks for joint consent only once that
    consent is complete, so that it never sees the intake before it is admitted. A
    node removed earlier follows no more.
    """
    basis = registry.bases[state.room_basis]
    invited = {
        node
        for node, invite in state.invited.items()
        if invite.role != "derde"
        or basis.third_party_consent <= state.consents.get(node, frozenset())
    }
    return set(state.members) | set(state.leaving) | invited


def _own_content(draft: Draft) -> bytes:
    """What the sender keeps of its own share (encrypted at rest with the master key)."""
    fields = (
        "summary",
        "justification",
        "decision_ref",
        "consent",
        "conditions",
        "author_function",
    )
    return json.dumps({f: getattr(draft, f) for f in fields}, ensure_ascii=False).encode()
