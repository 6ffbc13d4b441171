"""A client for the node's local API over its unix socket (used by the CLI and the TUI)."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from protocol.errors import CasusnetError


class ApiError(CasusnetError):
    """The node refused the request."""

    code = "api.error"

    def __init__(self, code: str, message: str, detail: str = "", status: int = 0) -> None:
        self.remote_code, self.message, self.status = code, message, status
        super().__init__(detail)

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.message}{extra} [{self.remote_code}]"


class NodeUnreachable(CasusnetError):
    """The node is not running or its socket is not reachable. Start it with `casusnet run`."""

    code = "api.unreachable"


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


class ApiClient:
    def __init__(self, socket_path: Path, token: str | None = None, timeout: float = 30.0):
        self.socket_path = socket_path
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        conn = _UnixConnection(str(self.socket_path), self.timeout)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            conn.request(
                method,
                path,
                body=json.dumps(body or {}, ensure_ascii=False).encode()
                if method != "GET"
                else None,
                headers=headers,
            )
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            raise NodeUnreachable(str(self.socket_path)) from None
        finally:
            conn.close()
        try:
            doc = json.loads(data or b"{}")
        except ValueError:
            raise ApiError("api.bad_answer", "the node gave an unreadable answer") from None
        if response.status >= 400:
            raise ApiError(
                doc.get("error", "error"),
                doc.get("message", ""),
                doc.get("detail", ""),
                response.status,
            )
        return doc

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def stream(self, since: str | None = None, timeout: float = 45.0) -> EventStream:
        """Open the node's event stream (``GET /v1/events``, docs/api.md); iterate the
        returned :class:`EventStream` for the events. ``since``: the id of the last event
        seen (what was missed since comes first, or a ``resync``). The node sends a
        comment at least every 15 s: ``timeout`` seconds of silence is a lost node."""
        conn = _UnixConnection(str(self.socket_path), timeout)
        headers = {"Accept": "text/event-stream"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if since:
            headers["Last-Event-ID"] = since
        try:
            conn.request("GET", "/v1/events", headers=headers)
            response = conn.getresponse()
            if response.status >= 400:
                data = response.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            raise NodeUnreachable(str(self.socket_path)) from None
        if response.status >= 400:
            conn.close()
            try:
                doc = json.loads(data or b"{}")
            except ValueError:
                doc = {}
            raise ApiError(
                doc.get("error", "error"),
                doc.get("message", ""),
                doc.get("detail", ""),
                response.status,
            )
        return EventStream(conn, response, str(self.socket_path))

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, body)


class EventStream:
    """An open event stream: iterating it yields each event (a dict with ``seq``,
    ``topic`` and, for a room's change, ``room``) until the stream ends; a lost node
    raises :class:`NodeUnreachable`. :meth:`close` may be called from another thread."""

    def __init__(
        self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, where: str
    ) -> None:
        self.conn, self.response, self.where = conn, response, where
        self.last_id: str | None = None
        self.closed = False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        data: list[str] = []
        while True:
            try:
                raw = self.response.readline()
            except (OSError, http.client.HTTPException, ValueError, AttributeError):
                # (AttributeError: http.client read from a connection closed meanwhile)
                if self.closed:
                    return
                raise NodeUnreachable(self.where) from None
            if not raw:
                if self.closed:
                    return
                raise NodeUnreachable(self.where)  # the node went away mid-stream
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].strip())
            elif line.startswith("id:"):
                self.last_id = line[3:].strip()
            elif not line and data:
                try:
                    doc = json.loads("\n".join(data))
                except ValueError:
                    doc = None
                data = []
                if isinstance(doc, dict):
                    yield doc
                    if doc.get("topic") == "session":
                        return

    def close(self) -> None:
        self.closed = True
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.conn.close()
