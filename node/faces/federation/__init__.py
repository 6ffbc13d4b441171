"""Node-to-node HTTP: the federation endpoints, the client, and the outbox worker.

- :mod:`.messages`: the wire messages (a batch, its answer, a list of events);
- :mod:`.auth`: the signed ``Casusnet-Auth`` header, checked before any handler;
- :mod:`.server`: the handlers (``rx_*``) and :func:`add_routes`;
- :mod:`.client`: :class:`FederationClient`, signed requests to a partner;
- :mod:`.delivery`: :class:`Outbox`, the worker that delivers queued envelopes;
- :mod:`.replay`: :class:`KeptGuard`, the replay guard with its nonces kept across a restart;
- :mod:`.ratelimit` and :mod:`.state`: the rate limiter and the app's typed keys.

Every request but ``GET /v1/health`` is signed; see :mod:`.server` for the endpoints.
"""

from node.faces.federation.auth import authenticated
from node.faces.federation.client import FederationClient
from node.faces.federation.delivery import OUTBOX_BATCH, Contact, Outbox, outbox_depths
from node.faces.federation.messages import (
    BATCH_LIMITS,
    EVENTS_LIMITS,
    MAX_BATCH,
    Answer,
    Batch,
    Events,
)
from node.faces.federation.ratelimit import RateLimiter
from node.faces.federation.server import add_routes, fill_gap
from node.faces.federation.state import (
    CLIENT_KEY,
    GUARD_KEY,
    LIMITER_KEY,
    NODE_KEY,
    OUTBOX_KEY,
    TASKS_KEY,
)

__all__ = [
    "BATCH_LIMITS",
    "CLIENT_KEY",
    "EVENTS_LIMITS",
    "GUARD_KEY",
    "LIMITER_KEY",
    "MAX_BATCH",
    "NODE_KEY",
    "OUTBOX_BATCH",
    "OUTBOX_KEY",
    "TASKS_KEY",
    "Answer",
    "Batch",
    "Contact",
    "Events",
    "FederationClient",
    "Outbox",
    "RateLimiter",
    "add_routes",
    "authenticated",
    "fill_gap",
    "outbox_depths",
]
