"""The node's domain, wired together: one :class:`Context` and the services over it.

Every service method is synchronous and runs one store transaction: the state
change, its audit entries and the envelopes it causes (the outbox) commit together
or not at all. The faces (``node.faces``) move envelopes and requests; nothing here
touches the network.
"""

from __future__ import annotations

import time

import nacl.utils

from node.config import Config
from node.domain.aanmelding import Aanmeldingen
from node.domain.changes import Changes
from node.domain.closure import Closure
from node.domain.context import Clock, Context, Rand
from node.domain.exports import Exports
from node.domain.identity import Rosters, history_roster, load_roster
from node.domain.inbox import Inbox
from node.domain.inquiries import Inquiries
from node.domain.intake import Intake
from node.domain.meldingen import Meldingen
from node.domain.membership import Membership
from node.domain.plan import Plan
from node.domain.receipts import Receipts
from node.domain.referral import Referrals
from node.domain.rooms import Rooms
from node.domain.shares import Shares
from node.domain.shielded import Shielded
from node.domain.transfer import Transfers
from node.store.db import Store
from node.store.keystore import MasterKey
from protocol.keys import NodeIdentity
from protocol.registry import Registry, default_registry
from protocol.roster import Roster


class Node:
    """One node: its context and its services (``members``, ``intake``, ``shares``,
    ``plan``, ``closure``, ``receipts``, ``inbox``, ``rosters``, ``inquiries``,
    ``aanmeldingen``, ``referrals``, ``shielded``, ``exports``; at a gemeente also
    ``meldingen``, the register of meldingen)."""

    def __init__(
        self,
        config: Config,
        master: MasterKey,
        identity: NodeIdentity,
        store: Store,
        *,
        roster: Roster | None = None,
        clock: Clock = time.time,
        rand: Rand = nacl.utils.random,
        registry: Registry | None = None,
    ) -> None:
        store.audit_key = master.derive("casusnet/audit")
        registry = registry or default_registry()
        roster = roster or load_roster(store, config, registry, int(clock()))
        rooms = Rooms(
            store, master, registry, history_roster(store, config, registry, roster), config.node_id
        )
        store.on_rollback(rooms.forget_uncommitted)
        self.ctx = ctx = Context(
            config=config,
            store=store,
            master=master,
            registry=registry,
            identity=identity,
            roster=roster,
            rooms=rooms,
            clock=clock,
            rand=rand,
        )
        self.rosters = Rosters(ctx)
        self.rosters.adopt_identity()
        self.members = Membership(ctx)
        self.intake = Intake(ctx, self.members)
        self.inquiries = Inquiries(ctx)
        self.shares = Shares(ctx, self.inquiries)
        self.plan = Plan(ctx, self.members)
        self.closure = Closure(ctx, self.members)
        self.receipts = Receipts(ctx)
        self.inbox = Inbox(ctx, self.members, self.closure, self.receipts, inquiries=self.inquiries)
        self.meldingen = Meldingen(ctx)
        self.aanmeldingen = Aanmeldingen(ctx, self.members)
        self.referrals = Referrals(ctx, self.aanmeldingen)
        self.closure.closed_hooks.append(self.aanmeldingen.room_closed)
        self.shielded = Shielded(ctx, self.intake, self.plan)
        self.closure.finishing_hooks.append(self.shielded.seal_at_closure)
        self.exports = Exports(ctx, self.shielded, self.plan)
        self.inbox.handlers["aanmelding"] = self.aanmeldingen.receive
        self.inbox.handlers["notice"] = self.aanmeldingen.receive_notice
        self.transfers = Transfers(ctx, self.aanmeldingen, self.plan, self.shielded)
        self.inbox.handlers["transfer"] = self.transfers.receive_transfer
        self.inbox.handlers["transfer_request"] = self.transfers.receive_request
        self.inbox.handlers["transfer_answer"] = self.transfers.receive_answer

    # what every face reads of the node
    @property
    def me(self) -> str:
        return self.ctx.me

    @property
    def config(self) -> Config:
        return self.ctx.config

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def registry(self) -> Registry:
        return self.ctx.registry

    @property
    def roster(self) -> Roster:
        return self.ctx.roster

    @property
    def identity(self) -> NodeIdentity:
        return self.ctx.identity

    @property
    def changes(self) -> Changes:
        """The change bus (what the local API's event stream tells)."""
        return self.ctx.changes

    @property
    def rooms(self) -> Rooms:
        return self.ctx.rooms

    def now(self) -> int:
        return self.ctx.now()
