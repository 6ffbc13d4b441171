"""A client for the node's local API over its unix socket (used by the CLI and the TUI)."""

from __future__ import annotations

import http.client
import json
import socket
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

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.request("POST", path, body)
