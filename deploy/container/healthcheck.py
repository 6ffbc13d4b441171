"""Container health check: is this node's federation endpoint answering?

Reads the node's ``casusnet.toml`` (data dir from ``CASUSNET_DATA`` or the first
argument), asks ``GET /v1/health`` on the node's own listen address, and exits 0 when
the answer names this node, 1 otherwise. It reads no key and prints no secret.

With the node's own TLS option the probe speaks TLS to the loopback address without
checking the certificate: it checks that this process answers, not who it is.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import urllib.request
from pathlib import Path

from node.config import load


def probe(data_dir: Path, timeout: float = 3.0) -> str:
    """The problem with the node, or "" when it is healthy."""
    try:
        config = load(data_dir)
    except Exception as exc:  # a container must never crash its own health check
        return f"no usable configuration: {exc}"
    host = config.listen_host.strip("[]")
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    context = None
    scheme = "http"
    if config.tls_cert and config.tls_key:
        scheme = "https"
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    url = f"{scheme}://{host}:{config.listen_port}/v1/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:
            doc = json.loads(answer.read())
    except (OSError, ValueError) as exc:
        return f"{url}: {type(exc).__name__}"
    if doc.get("status") != "ok" or doc.get("node") != config.node_id:
        return f"{url} answered for {doc.get('node')!r}, not {config.node_id!r}"
    return ""


def main(argv: list[str]) -> int:
    data = argv[1] if len(argv) > 1 else os.environ.get("CASUSNET_DATA", "/var/lib/casusnet")
    problem = probe(Path(data))
    if problem:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
