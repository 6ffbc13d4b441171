"""Roster and identity: which roster this node follows and which key it signs with.

Owns the ``rosters`` table and the audit actions ``roster_imported`` and
``key_rotated``. The roster and identity in force live on the :class:`Context`,
which every other service reads.
"""

from __future__ import annotations

import dataclasses

from node.config import Config
from node.domain.context import Context
from node.store import keystore
from node.store import rosters as tables
from node.store.db import Store
from protocol.errors import CasusnetError, StorageError
from protocol.registry import Registry
from protocol.roster import Roster, accept_roster


def load_roster(store: Store, config: Config, registry: Registry, now: int) -> Roster:
    """The newest roster in the store; at first start the one the operator installed."""
    data = tables.latest(store)
    if data is not None:
        return accept_roster(data, config.authority, registry)
    try:
        data = config.roster_path.read_bytes()
    except OSError:
        raise StorageError(f"no roster at {config.roster_path}") from None
    roster = accept_roster(data, config.authority, registry)
    with store.transaction():
        tables.insert(store, roster.version, data, now, replace_none=True)
    return roster


def history_roster(store: Store, config: Config, registry: Registry, roster: Roster) -> Roster:
    """The current roster plus the last entry of every node that has left it.

    Room chains are history: a statement signed by a partner that has since left
    the federation must still verify when the chain is replayed, or every room
    it was in would become unusable (no revocation, no closure). This view is used
    only to check signatures already in the chains; requests are checked against
    the current roster, so a node that left can send nothing new.
    """
    members = {m.node: m for m in roster.members}
    for data in tables.newest_first(store):
        try:
            old = accept_roster(data, config.authority, registry)
        except CasusnetError:
            continue
        for m in old.members:
            members.setdefault(m.node, m)
    if len(members) == len(roster.members):
        return roster
    return dataclasses.replace(
        roster, members=tuple(sorted(members.values(), key=lambda m: m.node))
    )


class Rosters:
    """Roster updates and the identity key that follows them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def import_roster(self, data: bytes, actor: str = "operator") -> Roster:
        ctx = self.ctx
        roster = accept_roster(data, ctx.config.authority, ctx.registry, current=ctx.roster)
        with ctx.store.transaction():
            tables.insert(ctx.store, roster.version, data, ctx.now())
            ctx.audit(actor=actor, action="roster_imported", version=roster.version)
        self._follow(roster)
        return roster

    def refresh_roster(self) -> Roster:
        """Pick up a roster imported into the store by `casusnet roster import`."""
        ctx = self.ctx
        version = tables.newest_version(ctx.store)
        if version is not None and version > ctx.roster.version:
            data = tables.version(ctx.store, version)
            assert data is not None  # the row just counted
            self._follow(accept_roster(data, ctx.config.authority, ctx.registry))
        return ctx.roster

    def roster_bytes(self) -> bytes:
        data = tables.latest(self.ctx.store)
        if data is None:
            raise StorageError("no roster in the store")
        return data

    def history_roster(self) -> Roster:
        ctx = self.ctx
        return history_roster(ctx.store, ctx.config, ctx.registry, ctx.roster)

    def _follow(self, roster: Roster) -> None:
        self.ctx.roster = roster
        self.ctx.rooms.reload(self.history_roster())
        self.adopt_identity()

    def adopt_identity(self) -> None:
        """Sign with the key the roster lists for this node (after ``key rotate``).

        The roster is what partners check against: once it lists the pending key
        made by ``casusnet key rotate``, that key becomes the identity and the old
        one goes to the sealed key history (``keystore.adopt_rotation``). Until then
        the node keeps signing with the key partners know.
        """
        ctx = self.ctx
        mine = ctx.roster.by_node.get(ctx.me)
        if mine is None or mine.sign == ctx.identity.sign_public:
            return
        try:
            adopted = keystore.adopt_rotation(ctx.config, ctx.master, mine.sign, ctx.now())
        except (CasusnetError, OSError):
            return  # no identity files (an in-memory node), or they do not open
        if adopted is None or adopted.sign_public != mine.sign:
            return
        old = ctx.identity.fingerprint
        ctx.identity = adopted
        with ctx.store.transaction():
            ctx.audit(
                actor="operator",
                action="key_rotated",
                old=old,
                new=adopted.fingerprint,
                roster=ctx.roster.version,
            )
