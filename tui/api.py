"""The TUI's only way to its node: the local API client, called off the event loop.

Every call runs in a worker thread (``asyncio.to_thread``), so a slow node never
freezes the screen. ``NodeUnreachable`` and ``ApiError`` come straight from
``node.apiclient``, the one module of ``node`` the TUI may import. :class:`Live`
holds the node's event stream in one background thread: the screens reload when the
node tells them something changed, and never poll.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from node.apiclient import ApiClient, ApiError, EventStream, NodeUnreachable

__all__ = ["Api", "ApiError", "Live", "NodeUnreachable", "Transport", "SocketTransport"]


class Transport(Protocol):
    token: str | None

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any: ...


class SocketTransport(ApiClient):
    """The real transport: HTTP on the node's unix socket."""

    def __init__(self, socket_path: Path) -> None:
        super().__init__(socket_path, timeout=70.0)


class Api:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.me: dict[str, Any] = {}
        self.registry: dict[str, Any] = {}
        self.roster: dict[str, Any] = {}

    @property
    def logged_in(self) -> bool:
        return bool(self.transport.token)

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return await asyncio.to_thread(self.transport.request, method, path, body)

    async def get(self, path: str) -> Any:
        return await self.call("GET", path)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.call("POST", path, body)

    async def login(self, name: str, passphrase: str) -> dict[str, Any]:
        self.transport.token = None
        doc = await self.post("/v1/login", {"name": name, "passphrase": passphrase})
        if not isinstance(doc, dict) or not isinstance(doc.get("token"), str):
            raise ApiError("api.bad_answer", "the node gave an unreadable answer")
        self.transport.token = doc["token"]
        self.me = doc
        return dict(doc)

    def open_stream(self) -> EventStream | None:
        """Blocking: the node's event stream, or ``None`` for a transport without one
        (a canned test transport)."""
        stream: Callable[[], EventStream] | None = getattr(self.transport, "stream", None)
        return None if stream is None else stream()

    async def load_context(self) -> None:
        """What the forms need: the registry and the roster (errors leave them empty)."""
        try:
            self.registry = (await self.get("/v1/registry")).get("registry", {})
            self.roster = await self.get("/v1/roster")
        except (ApiError, NodeUnreachable):
            pass

    async def ensure_context(self) -> None:
        if not self.registry or not self.roster:
            await self.load_context()

    async def logout(self) -> None:
        if self.transport.token:
            try:
                await self.post("/v1/logout")
            except (ApiError, NodeUnreachable):
                pass
        self.transport.token = None
        self.me = {}

    # -- registry helpers (data only: the node enforces the rules) -------------------

    def may_convene(self) -> bool:
        """Whether this organisation may convene a casusoverleg under a basis in force
        (the registry's ``conveners``); True while the registry is not read yet."""
        bases = self.registry.get("bases")
        if not bases:
            return True
        org = self.me.get("org", "")
        return any(
            b.get("kind") == "room"
            and b.get("in_force", True)
            and org in (b.get("conveners") or [])
            for b in bases
        )

    def basis(self, basis_id: str) -> dict[str, Any]:
        for b in self.registry.get("bases", []):
            if b.get("id") == basis_id:
                return dict(b)
        return {"id": basis_id, "law": basis_id, "articles": "", "title": basis_id}

    def org_of(self, node: str) -> str:
        for m in self.roster.get("members", []):
            if m.get("node") == node:
                return str(m.get("org", "?"))
        return "?"

    def category_label(self, cat: str) -> str:
        return str(self.registry.get("categories", {}).get(cat, cat))

    # -- names for sentences: an organisation or a node as the user knows it ------------

    def org_name(self, org: str) -> str:
        """The registry's display name of an organisation type, without its gloss.

        ``om`` is "Openbaar Ministerie", ``gemeente`` "Gemeente" (the registry's
        "(burgemeester / college)" is left out of a sentence). Without the registry a
        short id is shown in capitals (``om`` as OM), a longer one as it is.
        """
        entry = self.registry.get("organisations", {}).get(org)
        if isinstance(entry, dict):  # a registry that gives more than one name
            entry = entry.get("short") or entry.get("name") or entry.get("label")
        if isinstance(entry, str) and entry.strip():
            return re.sub(r"\s*\([^()]*\)\s*$", "", entry.strip()) or entry.strip()
        return org.upper() if 0 < len(org) <= 4 else org

    def node_name(self, node: str) -> str:
        """A partner node in a sentence: its organisation's name where the node is named
        after its organisation (``om``), else the node's own id."""
        org = self.org_of(node)
        return self.org_name(org) if org == node else node

    def known_ids(self) -> dict[str, str]:
        """The ids a node's error detail may name, each with the form to show it in."""
        known: dict[str, str] = {}
        for cat in self.registry.get("categories", {}):
            known[str(cat)] = str(cat)
        for b in self.registry.get("bases", []):
            known[str(b.get("id"))] = str(b.get("id"))
        for org in self.registry.get("organisations", {}):
            known[str(org)] = self.org_name(str(org))
        for m in self.roster.get("members", []):
            known[str(m.get("node"))] = self.node_name(str(m.get("node")))
        return known


BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)
"""Seconds between attempts to reach the event stream of a node that is away."""


class Live:
    """The node's event stream, held by one daemon thread while someone is logged in.

    ``deliver`` gets each event in that thread (the app hands it to its own loop), and
    also ``{"topic": "offline"}`` when the node cannot be reached (tried again after
    :data:`BACKOFF`) and ``{"topic": "session"}`` when the session has ended. Each
    (re)connection starts with ``hello``: whatever was missed meanwhile, reload.
    """

    def __init__(self, api: Api, deliver: Callable[[dict[str, Any]], None]) -> None:
        self.api, self.deliver = api, deliver
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: EventStream | None = None
        self.connections = 0  # streams opened (the tests count them)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def start(self) -> None:
        if self.running:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name="casusnet-events", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def _run(self, stop: threading.Event) -> None:
        attempt = 0
        while not stop.is_set() and self.api.logged_in:
            try:
                stream = self.api.open_stream()
            except NodeUnreachable:
                self._tell(stop, {"topic": "offline"})
            except ApiError as exc:
                if exc.remote_code == "node.session":
                    self._tell(stop, {"topic": "session"})
                    return
                if exc.status == 404:  # a node without the stream: nothing to hold
                    return
            else:
                if stream is None:
                    return
                self._stream, attempt = stream, 0
                self.connections += 1
                if self._follow(stop, stream):
                    return
            stop.wait(BACKOFF[min(attempt, len(BACKOFF) - 1)])
            attempt += 1

    def _follow(self, stop: threading.Event, stream: EventStream) -> bool:
        """Pass the stream's events on until it ends; True when the session ended."""
        try:
            for event in stream:
                if stop.is_set():
                    return True
                self._tell(stop, event)
                if event.get("topic") == "session":
                    return True
        except NodeUnreachable:
            self._tell(stop, {"topic": "offline"})
        finally:
            stream.close()
        return stop.is_set()

    def _tell(self, stop: threading.Event, event: dict[str, Any]) -> None:
        if stop.is_set():
            return
        try:
            self.deliver(event)
        except Exception:  # the app is gone: nobody to tell any more
            stop.set()
