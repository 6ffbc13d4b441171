"""The federation client: signed requests to a partner node's federation endpoints."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from node.domain.inbox import RetryLater
from node.domain.node import Node
from node.faces.federation.clocks import Clocks, peer_time
from node.faces.federation.messages import (
    ANSWER_SPEC,
    BATCH_LIMITS,
    EVENTS_LIMITS,
    Batch,
    Events,
)
from protocol.codec import decode
from protocol.errors import CasusnetError, TransportError
from protocol.request import HEADER, sign_request


class FederationClient:
    def __init__(self, node: Node, session: aiohttp.ClientSession) -> None:
        self.node = node
        self.session = session
        self.clocks = Clocks(node.ctx.clock)

    def _url(self, peer: str, path: str) -> str:
        return self.node.roster.member(peer).url.rstrip("/") + path

    def _headers(self, peer: str, method: str, path: str, body: bytes) -> dict[str, str]:
        node = self.node
        header = sign_request(
            node.identity.signer,
            node.me,
            to=peer,
            method=method,
            path=path,
            body=body,
            now=node.now(),
            rand=node.ctx.rand,
        )
        return {HEADER: header, "Content-Type": "application/msgpack"}

    async def post_batch(self, peer: str, envelopes: list[bytes]) -> list[list[Any]]:
        body = Batch(tuple(envelopes)).encode()
        path = "/v1/inbox"
        data = await self._request(peer, "POST", path, body)
        answer = decode(data, ANSWER_SPEC, BATCH_LIMITS)
        if len(answer.results) != len(envelopes):
            raise TransportError(f"{peer} answered {len(answer.results)} of {len(envelopes)}")
        return [list(r) for r in answer.results]

    async def fetch_events(self, peer: str, room: bytes, after: int) -> list[bytes]:
        path = f"/v1/rooms/{room.hex()}/events?after={after}"
        data = await self._request(peer, "GET", path, b"")
        return list(decode(data, Events.SPEC, EVENTS_LIMITS).events)

    async def fetch_sent(self, peer: str, room: bytes, after: int) -> list[bytes]:
        path = f"/v1/rooms/{room.hex()}/sent?after={after}"
        data = await self._request(peer, "GET", path, b"")
        return list(decode(data, Events.SPEC, EVENTS_LIMITS).events)

    async def catch_up(self, chair: str, room: bytes, after: int, rounds: int = 20) -> int:
        """Fetch and apply the events of a room this node is missing, from its chair.

        Stops when the chair has nothing more, when a round brings the chain no
        further (a chair that repeats itself), or after ``rounds`` rounds.
        """
        state = self.node.rooms.state(room, self.node.now())
        if state is not None:
            chair = state.chair  # never whoever claimed to be the chair
        applied = 0
        for _ in range(rounds):
            events = await self.fetch_events(chair, room, after)
            for raw in events:
                try:
                    self.node.inbox.receive(chair, raw)
                except (RetryLater, CasusnetError):
                    break
            state = self.node.rooms.state(room, self.node.now())
            head = state.seq if state is not None else -1
            if not events or head <= after:
                return applied
            applied += head - after
            after = head
        return applied

    async def _request(self, peer: str, method: str, path: str, body: bytes) -> bytes:
        try:
            url = self._url(peer, path)
        except CasusnetError as exc:
            raise TransportError(f"{peer} is not in the roster") from exc
        timeout = aiohttp.ClientTimeout(total=self.node.config.timers.request_timeout)
        clock = self.node.ctx.clock
        try:
            sent = clock()
            async with self.session.request(
                method,
                url,
                data=body or None,
                timeout=timeout,
                headers=self._headers(peer, method, path, body),
            ) as r:
                data = await r.read()
                self.clocks.observe(peer, sent, clock(), peer_time(r.headers))
                code = _error_code(data) if r.status != 200 else ""
                self.clocks.refused_expired(peer, code == "request.expired")
                if r.status != 200:
                    raise TransportError(f"{peer} answered {r.status} {code}".rstrip())
                return data
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransportError(f"{peer}: {type(exc).__name__}") from None


def _error_code(data: bytes) -> str:
    """The ``error`` code of a refusal's JSON body (empty when there is none)."""
    try:
        doc = json.loads(data[:4096])
    except (ValueError, RecursionError):  # an unauthenticated body: anything may come
        return ""
    code = doc.get("error") if isinstance(doc, dict) else None
    return code if isinstance(code, str) and len(code) <= 64 else ""
