"""The TLS proxy examples in deploy/proxy/, run for real in front of a node.

For nginx and Caddy (each skipped where it is not installed): the shipped config,
with only its addresses and certificate paths replaced, passes the proxy's own
check; then a partner whose roster URL is the proxy's https:// address receives a
room invitation through it (a signed POST /v1/inbox whose path must arrive
unchanged), while the proxy answers 404 for anything but the federation paths and
refuses bodies over the node's 4 MiB cap.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nacl.utils
import pytest

from node.config import load
from node.store import keystore
from protocol.request import HEADER, sign_request

ROOT = Path(__file__).resolve().parents[2]
PROXY = ROOT / "deploy" / "proxy"
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from cluster import Cluster, free_port  # noqa: E402

CASE = "RAD-2026-101"
ROOM = "ab" * 32


def binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if path is None:
        pytest.skip(f"{name} is not installed here")
    return path


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (the test's own federation CA)."""
    openssl = binary("openssl")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        + ["-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key)]
        + ["-out", str(cert), "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the shipped config no longer has {old!r} exactly once"
    return text.replace(old, new)


# --- the configs, with test addresses and certificates ----------------------------------------


def nginx_config(where: Path, cert: Path, key: Path, port: int, upstream: int) -> Path:
    site = (PROXY / "nginx.conf").read_text()
    site = replace_once(site, "server 127.0.0.1:8443;", f"server 127.0.0.1:{upstream};")
    site = replace_once(site, "listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    site = replace_once(site, "    listen [::]:443 ssl;\n", "")
    site = replace_once(site, "/etc/casusnet/tls/fullchain.pem", str(cert))
    site = replace_once(site, "/etc/casusnet/tls/privkey.pem", str(key))
    (where / "casusnet.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {where / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    main = where / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {where / "nginx.pid"};
error_log {where / "error.log"};
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 64; }}
http {{
    access_log {where / "access.log"};
    {temp} scgi_temp_path {where / "scgi"};
    include {where / "casusnet.conf"};
}}
"""
    )
    return main


def caddy_config(where: Path, cert: Path, key: Path, port: int, upstream: int) -> Path:
    text = (PROXY / "Caddyfile").read_text()
    text = replace_once(
        text,
        "casus.example.nl {",
        f"{{\n\tadmin off\n\tauto_https disable_redirects\n\tstorage file_system {where}/data\n}}"
        f"\n\nhttps://localhost:{port} {{\n\tbind 127.0.0.1",
    )
    text = replace_once(text, "/etc/casusnet/tls/fullchain.pem", str(cert))
    text = replace_once(text, "/etc/casusnet/tls/privkey.pem", str(key))
    assert text.count("reverse_proxy 127.0.0.1:8443") == 2
    text = text.replace("reverse_proxy 127.0.0.1:8443", f"reverse_proxy 127.0.0.1:{upstream}")
    path = where / "Caddyfile"
    path.write_text(text)
    return path


def check_command(proxy: str, config: Path) -> list[str]:
    if proxy == "nginx":
        where = config.parent
        return [binary("nginx"), "-t", "-p", str(where), "-e", str(where / "error.log")] + [
            "-c",
            str(config),
        ]
    return [binary("caddy"), "validate", "--config", str(config), "--adapter", "caddyfile"]


def run_command(proxy: str, config: Path) -> list[str]:
    if proxy == "nginx":
        where = config.parent
        return [binary("nginx"), "-p", str(where), "-e", str(where / "error.log")] + [
            "-c",
            str(config),
        ]
    return [binary("caddy"), "run", "--config", str(config), "--adapter", "caddyfile"]


def make_config(proxy: str, where: Path, tls: tuple[Path, Path], port: int, upstream: int) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    build = nginx_config if proxy == "nginx" else caddy_config
    return build(where, *tls, port, upstream)


def proxy_env(where: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(where), "XDG_DATA_HOME": str(where / "data")} | {
        "XDG_CONFIG_HOME": str(where / "config")
    }


@pytest.mark.parametrize("proxy", ["nginx", "caddy"])
def test_the_shipped_proxy_config_passes_the_proxy_s_own_check(
    proxy: str, tls: tuple[Path, Path], tmp_path: Path
) -> None:
    config = make_config(proxy, tmp_path / proxy, tls, free_port(), free_port())
    result = subprocess.run(
        check_command(proxy, config),
        capture_output=True,
        text=True,
        timeout=60,
        env=proxy_env(config.parent),
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- a real node behind the real proxy ------------------------------------------------------------


@pytest.fixture
def behind_proxy(
    request: pytest.FixtureRequest, tls: tuple[Path, Path], tmp_path: Path
) -> Iterator[tuple[Cluster, str, ssl.SSLContext, str]]:
    """gemeente on plain loopback; politie reachable only through the proxy, over TLS."""
    proxy: str = request.param
    cert, _ = tls
    # both nodes (and `casusnet doctor`) trust the test CA the way docs/operations.md says
    cluster = Cluster(
        tmp_path, {"gemeente": "gemeente", "politie": "politie"}, env={"SSL_CERT_FILE": str(cert)}
    )
    port = free_port()
    base = f"https://localhost:{port}"
    auth, roster = tmp_path / "authority", tmp_path / "roster.msgpack"
    cluster.cli(None, "roster", "create", "--dir", str(auth), "--federation", "proxytest")
    for node in cluster.nodes:
        cluster.ports[node] = free_port()
        url = base if node == "politie" else f"http://127.0.0.1:{cluster.ports[node]}"
        cluster.cli(
            node,
            *("init", "--node", node, "--org", node, "--url", url),
            *("--listen", f"127.0.0.1:{cluster.ports[node]}", "--roster", str(roster)),
            *("--authority-file", str(auth / "authority.pub")),
        )
        member = str(cluster.data(node) / "member.json")
        cluster.cli(None, "roster", "add", "--dir", str(auth), "--member", member, "--name", node)
    cluster.cli(None, "roster", "sign", "--dir", str(auth), "--out", str(roster))

    config = make_config(proxy, tmp_path / proxy, tls, port, cluster.ports["politie"])
    log = open(tmp_path / f"{proxy}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        run_command(proxy, config), stdout=log, stderr=log, env=proxy_env(config.parent)
    )
    context = ssl.create_default_context(cafile=str(cert))
    try:
        cluster.start_all()
        deadline = time.monotonic() + 20
        while fetch(context, f"{base}/v1/health")[0] != 200:
            assert proc.poll() is None, (tmp_path / f"{proxy}.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the proxy did not come up"
            time.sleep(0.1)
        yield cluster, base, context, proxy
    finally:
        cluster.stop_all()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def fetch(
    context: ssl.SSLContext, url: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def signed(
    cluster: Cluster, context: ssl.SSLContext, base: str, method: str, path: str, body: bytes
) -> tuple[int, bytes]:
    """A request from gemeente to politie, signed as gemeente's node signs it."""
    config = load(cluster.data("gemeente"))
    identity = keystore.load_identity(config, keystore.load_master(config))
    header = sign_request(
        identity.signer,
        "gemeente",
        to="politie",
        method=method,
        path=path,
        body=body,
        now=int(time.time()),
        rand=nacl.utils.random,
    )
    req = urllib.request.Request(base + path, data=body or None, method=method)
    req.add_header(HEADER, header)
    req.add_header("Content-Type", "application/msgpack")
    try:
        with urllib.request.urlopen(req, timeout=10, context=context) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.slow
@pytest.mark.parametrize("behind_proxy", ["nginx", "caddy"], indirect=True)
def test_a_partner_behind_the_proxy_takes_part_and_only_federation_paths_pass(
    behind_proxy: tuple[Cluster, str, ssl.SSLContext, str],
) -> None:
    cluster, base, context, proxy = behind_proxy

    # gemeente's doctor reaches politie over https, through the proxy
    doc = json.loads(cluster.cli("gemeente", "--json", "doctor", check=False).stdout)
    peer = next(c for c in doc["checks"] if c["check"] == "peer politie")
    assert peer["ok"], peer

    # a signed POST /v1/inbox through the proxy: politie learns of the room it is invited to
    for node, name in (("gemeente", "anna"), ("politie", "piet")):
        cluster.add_staff(node, name, "aandachtsfunctionaris")
        cluster.login(node, name)
    cluster.cli("gemeente", "room", "convene", "--case", CASE)
    cluster.cli("gemeente", "room", "invite", CASE, "politie")
    cluster.wait_for(
        "politie to receive the room through the proxy",
        lambda: [
            r for r in cluster.json("politie", "room", "list")["rooms"] if r["case_ref"] == CASE
        ],
    )

    status, answer = fetch(context, f"{base}/v1/health")
    assert status == 200
    assert json.loads(answer)["node"] == "politie"
    # a federation path with a query reaches the node, which wants a signature
    status, answer = fetch(context, f"{base}/v1/rooms/{ROOM}/events?after=-1")
    assert status == 401
    assert json.loads(answer)["error"] == "request.auth"
    # the local API's routes and anything else never reach the node
    for method, path in [
        ("GET", "/v1/rooms"),
        ("POST", "/v1/login"),
        ("GET", "/v1/audit"),
        ("GET", "/v1/me"),
        ("GET", f"/v1/rooms/{ROOM.upper()}/events"),
        ("GET", "/metrics"),
        ("GET", "/"),
    ]:
        status, _ = fetch(context, base + path, method, b"{}" if method == "POST" else None)
        assert status == 404, (method, path, status)
    # the wrong method on a federation path is refused by the proxy
    status, _ = fetch(context, f"{base}/v1/inbox")
    assert status in (403, 404, 405)
    # a signed request keeps its path and query through the proxy: the chair's events
    room = next(r["room"] for r in cluster.json("gemeente", "room", "list")["rooms"])
    status, _ = signed(cluster, context, base, "GET", f"/v1/rooms/{room}/events?after=-1", b"")
    assert status == 200
    # bodies over the node's 4 MiB cap are refused, signed or not
    big = b"\0" * ((4 << 20) + 1024)
    assert signed(cluster, context, base, "POST", "/v1/inbox", big)[0] == 413
    if proxy == "nginx":  # nginx refuses them itself, before the node sees a byte
        assert fetch(context, f"{base}/v1/inbox", "POST", big)[0] == 413
