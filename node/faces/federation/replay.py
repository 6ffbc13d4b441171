"""The replay guard across a restart: verified requests' nonces kept in the store.

The guard (``protocol.request.ReplayGuard``) is in memory and checks every request;
:class:`KeptGuard` also writes what it accepted to the store (``node.store.nonces``),
and a starting node loads the nonces that have not expired (:meth:`KeptGuard.load`),
so a request replayed after a restart, clean or a crash, is refused with
``request.replay`` like any other replay within its window.

When a nonce is written:

- ``POST /v1/inbox``: in the transaction that applies the batch
  (:meth:`KeptGuard.keep`), so it is durable in the same commit as the envelopes, at
  no extra disk flush. A batch that was applied is never applied again by replaying
  its request.
- every other request (the ``GET`` fetches, and an inbox request refused before its
  transaction): after the handler (:meth:`KeptGuard.keep_late`), in a commit that
  does not wait for the disk (``transaction(durable=False)``). Such a nonce survives
  a restart or a crash of the node, not a power cut of the machine; the fetches
  change nothing, so a replay of one after a power cut only repeats an answer the
  caller was given before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from node.domain.node import Node
from node.store import nonces
from protocol.errors import StorageError
from protocol.request import PendingRequest, ReplayGuard

log = logging.getLogger("casusnet.federation")


@dataclass(frozen=True)
class Seen:
    caller: str
    nonce: bytes
    expires: int


class KeptGuard(ReplayGuard):
    """A replay guard whose accepted nonces are kept in the node's store too."""

    def __init__(self) -> None:
        super().__init__()
        self._unwritten: dict[int, Seen] = {}  # by id() of the request being handled

    @classmethod
    def load(cls, node: Node) -> KeptGuard:
        """A guard holding the store's nonces that have not expired; the expired go."""
        guard = cls()
        now = node.now()
        with node.store.transaction(durable=False):
            nonces.prune(node.store, now)
            live = nonces.live(node.store, now)
        for caller, nonce, expires in live:
            guard.restore(caller, nonce, expires)
        return guard

    def accepted(self, request: web.Request, pending: PendingRequest, now: int) -> None:
        """The request passed the guard: its nonce is to be written."""
        req = pending.request
        self._unwritten[id(request)] = Seen(req.node, req.nonce, self.expiry(req.time, now))

    def keep(self, request: web.Request, node: Node) -> None:
        """Write the request's nonce in the current transaction (``POST /v1/inbox``)."""
        key = id(request)
        seen = self._unwritten.get(key)
        if seen is not None:
            nonces.remember(node.store, seen.caller, seen.nonce, seen.expires, node.now())
            # written only once the transaction commits: a batch rolled back leaves the
            # nonce to ``keep_late`` (INSERT OR REPLACE, so a second write is harmless)
            node.store.after_commit(lambda: self._written(key))

    def _written(self, key: int) -> None:
        self._unwritten.pop(key, None)

    def keep_late(self, request: web.Request, node: Node) -> None:
        """After the handler: write the nonce the handler did not, without waiting
        for the disk. A failure is only logged: the guard in memory holds the nonce."""
        if id(request) not in self._unwritten:
            return
        seen = self._unwritten.get(id(request))
        try:
            if seen is not None:
                with node.store.transaction(durable=False):
                    nonces.remember(node.store, seen.caller, seen.nonce, seen.expires, node.now())
        except StorageError as exc:
            log.warning("could not keep a request's nonce: %s", exc)
        finally:
            self._unwritten.pop(id(request), None)
