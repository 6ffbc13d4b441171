"""What the federation app keeps in its state: typed keys for ``app[...]``."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from node.domain.node import Node
from node.faces.federation.client import FederationClient
from node.faces.federation.delivery import Outbox
from node.faces.federation.ratelimit import RateLimiter
from node.faces.federation.replay import KeptGuard

NODE_KEY = web.AppKey("node", Node)
#: background jobs of the handlers (gap filling), kept until they finish
TASKS_KEY: web.AppKey[set[asyncio.Task[Any]]] = web.AppKey("tasks")
#: the replay guard, its nonces kept in the store across a restart
GUARD_KEY = web.AppKey("guard", KeptGuard)
LIMITER_KEY = web.AppKey("limiter", RateLimiter)
#: set once the client session is open (in ``cleanup_ctx``), like the outbox
CLIENT_KEY = web.AppKey("client", FederationClient)
OUTBOX_KEY = web.AppKey("outbox", Outbox)
