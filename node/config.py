"""A node's configuration: ``casusnet.toml`` in its data dir.

Timers can be shortened through the environment for tests and demos
(``CASUSNET_BACKOFF_BASE``, ``CASUSNET_BACKOFF_CAP``, ``CASUSNET_SESSION_IDLE``), the
way magic-wormhole's tests shorten theirs.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from protocol.errors import CasusnetError

CONFIG_NAME = "casusnet.toml"
SOCKET_NAME = "api.sock"
SOCKET_GROUP = "casusnet"
"""The operating-system group of the staff accounts that may open the local API."""


class ConfigError(CasusnetError):
    """The node's configuration is missing or invalid. Run `casusnet doctor` for details."""

    code = "node.config"


@dataclass(frozen=True)
class Timers:
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    session_idle: int = 15 * 60
    request_timeout: float = 10.0
    retention_every: float = 3600.0

    @classmethod
    def from_env(cls) -> Timers:
        env = os.environ
        return cls(
            backoff_base=float(env.get("CASUSNET_BACKOFF_BASE", cls.backoff_base)),
            backoff_cap=float(env.get("CASUSNET_BACKOFF_CAP", cls.backoff_cap)),
            session_idle=int(env.get("CASUSNET_SESSION_IDLE", cls.session_idle)),
            request_timeout=float(env.get("CASUSNET_REQUEST_TIMEOUT", cls.request_timeout)),
            retention_every=float(env.get("CASUSNET_RETENTION_EVERY", cls.retention_every)),
        )


@dataclass(frozen=True)
class Config:
    data_dir: Path
    node_id: str
    org: str
    listen_host: str
    listen_port: int
    public_url: str
    authority: bytes
    roster_path: Path
    master: str = "file"  # "file" | "passphrase"
    master_file: Path | None = None
    salt: bytes = b""
    tls_cert: Path | None = None
    tls_key: Path | None = None
    closure_grace: int = 0
    max_body: int = 4 << 20
    rate_per_peer: float = 200.0  # requests per second, burst of the same size
    metrics_listen: str = ""  # HOST:PORT of the health and metrics endpoint; "" = off
    socket_dir: Path | None = None  # [local] socket_dir; None: see ``socket_home``
    socket_group: str = SOCKET_GROUP  # [local] group: the staff accounts that may connect
    timers: Timers = field(default_factory=Timers.from_env)
    mail: MailConfig = field(default_factory=lambda: MailConfig())  # [smtp] and [notices]

    @property
    def db_path(self) -> Path:
        return self.data_dir / "node.db"

    @property
    def socket_home(self) -> Path:
        """The directory of the local API socket: ``[local] socket_dir``; else the
        runtime directory systemd made for the service (``RuntimeDirectory=``, given as
        ``$RUNTIME_DIRECTORY``); else the data dir (a node run by a normal user: the
        demo, the tests, a developer). Wherever it is, ``data_dir/api.sock`` finds it."""
        if self.socket_dir is not None:
            return self.socket_dir
        runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
        return Path(runtime) if runtime else self.data_dir

    @property
    def socket_path(self) -> Path:
        return self.socket_home / SOCKET_NAME

    @property
    def identity_path(self) -> Path:
        return self.data_dir / "identity.sealed"


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6); raises ValueError otherwise."""
    host, sep, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r}: expected HOST:PORT")
    return host, int(port)


def metrics_setting(doc: dict[str, object]) -> str:
    """``[metrics] listen``, overridden by ``CASUSNET_METRICS`` (``off``: no endpoint)."""
    section = doc.get("metrics", {})
    value = str(section.get("listen", "") if isinstance(section, dict) else "")
    value = os.environ.get("CASUSNET_METRICS", value).strip()
    if value in ("", "off"):
        return ""
    parse_listen(value)
    return value


def load(data_dir: Path) -> Config:
    path = data_dir / CONFIG_NAME
    try:
        doc = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"no {CONFIG_NAME} in {data_dir}; run `casusnet init` first") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        node, net, fed, keys = doc["node"], doc["network"], doc["federation"], doc["keys"]
        host, _, port = net["listen"].rpartition(":")

        def rel(value: str | None) -> Path | None:
            return None if not value else (data_dir / value).resolve()

        roster_path = rel(fed["roster"])
        assert roster_path is not None
        return Config(
            data_dir=data_dir.resolve(),
            node_id=node["id"],
            org=node["org"],
            listen_host=host or "127.0.0.1",
            listen_port=int(port),
            public_url=net["public_url"],
            authority=bytes.fromhex(fed["authority"]),
            roster_path=roster_path,
            master=keys.get("master", "file"),
            master_file=rel(keys.get("master_file")),
            salt=bytes.fromhex(keys.get("salt", "")),
            tls_cert=rel(net.get("tls_cert")),
            tls_key=rel(net.get("tls_key")),
            closure_grace=int(doc.get("policy", {}).get("closure_grace_seconds", 0)),
            metrics_listen=metrics_setting(doc),
            mail=mail_setting(doc, rel),
            socket_dir=rel(doc.get("local", {}).get("socket_dir")),
            socket_group=str(doc.get("local", {}).get("group", SOCKET_GROUP)),
        )
    except (KeyError, ValueError, AssertionError) as exc:
        raise ConfigError(f"{path}: missing or invalid setting {exc}") from None


def write(config: Config) -> Path:
    """Write ``casusnet.toml`` (paths relative to the data dir where possible).

    Values are written by ``tomli_w``, so a path or name holding a quote or a
    backslash still makes a valid file; the comments are fixed text around them.
    """

    def rel(p: Path | None) -> str:
        if p is None:
            return ""
        try:
            return str(p.relative_to(config.data_dir))
        except ValueError:
            return str(p)

    sections = [
        _section("node", [("id", config.node_id), ("org", config.org)]),
        _section(
            "network",
            [
                ("listen", f"{config.listen_host}:{config.listen_port}"),
                ("public_url", config.public_url),
                ("tls_cert", rel(config.tls_cert)),
                ("tls_key", rel(config.tls_key)),
            ],
        ),
        _section(
            "federation",
            [
                ("roster", rel(config.roster_path)),
                "the roster authority's public key, pinned at init; compare its fingerprint"
                " by phone",
                ("authority", config.authority.hex()),
            ],
        ),
        _section(
            "keys",
            [
                ("master", config.master),
                ("master_file", rel(config.master_file)),
                ("salt", config.salt.hex()),
            ],
        ),
        _section(
            "policy",
            [
                "seconds after closure before own shares are revoked automatically (0: at once)",
                ("closure_grace_seconds", config.closure_grace),
            ],
        ),
    ]
    if config.metrics_listen:
        sections.append(
            _section(
                "metrics",
                [
                    "health and Prometheus metrics for operations (no login: keep it on loopback)",
                    ("listen", config.metrics_listen),
                ],
            )
        )
    if config.mail.host:
        sections.append(mail_sections(config.mail, rel))
    if config.socket_dir is not None or config.socket_group != SOCKET_GROUP:
        local: list[tuple[str, str | int | float | bool] | str] = [
            "the local API socket's own directory (staff reach it over SSH; the data dir"
            " stays 0700) and the group of the staff accounts that may open it",
        ]
        if config.socket_dir is not None:
            local.append(("socket_dir", rel(config.socket_dir)))
        local.append(("group", config.socket_group))
        sections.append(_section("local", local))
    path = config.data_dir / CONFIG_NAME
    path.write_text("# casusnet node configuration\n" + "\n".join(sections))
    return path


def _section(name: str, lines: list[tuple[str, str | int | float | bool] | str]) -> str:
    """A TOML table: a ``(key, value)`` is written by ``tomli_w``, a string is a comment."""
    text = f"[{name}]\n"
    for line in lines:
        text += f"# {line}\n" if isinstance(line, str) else tomli_w.dumps(dict([line]))
    return text


# --- notices by e-mail: [smtp] and [notices] (node/faces/mail.py) --------------------------


@dataclass(frozen=True)
class MailConfig:
    """The organisation's SMTP relay and the notices' timers. No ``host``: no notice is
    queued or sent (staff may still make their choice)."""

    host: str = ""
    port: int = 587
    sender: str = ""  # the From address, e.g. casusnet@gemeente.example.nl
    starttls: bool = True
    credentials: Path | None = None  # "username" and "password" lines; must be 0600
    ca_file: Path | None = None  # the CA that signed the relay's certificate (else the system's)
    timeout: float = 10.0  # seconds for one SMTP conversation
    every: float = 60.0  # seconds between scans for notices due
    backoff_base: float = 30.0  # seconds before the first retry of a failed notice
    backoff_cap: float = 3600.0  # the longest wait between retries
    give_up: float = 72 * 3600.0  # seconds after which a notice not sent is stale: given up


def mail_setting(doc: dict[str, object], rel: Callable[[str | None], Path | None]) -> MailConfig:
    """``[smtp]`` and ``[notices]`` of ``casusnet.toml`` (both optional)."""
    smtp, notices = doc.get("smtp", {}), doc.get("notices", {})
    if not isinstance(smtp, dict) or not isinstance(notices, dict):
        raise ValueError("[smtp] and [notices] are tables")
    default = MailConfig()
    config = MailConfig(
        host=str(smtp.get("host", "")),
        port=int(smtp.get("port", default.port)),
        sender=str(smtp.get("from", "")),
        starttls=bool(smtp.get("starttls", True)),
        credentials=rel(smtp.get("credentials")),
        ca_file=rel(smtp.get("ca_file")),
        timeout=float(smtp.get("timeout_seconds", default.timeout)),
        every=float(notices.get("every_seconds", default.every)),
        backoff_base=float(notices.get("retry_seconds", default.backoff_base)),
        backoff_cap=float(notices.get("retry_max_seconds", default.backoff_cap)),
        give_up=float(notices.get("give_up_hours", default.give_up / 3600)) * 3600,
    )
    if config.host and not config.sender:
        raise ValueError("smtp.from")
    if config.credentials and not config.starttls:
        raise ValueError("smtp.starttls: a password is never sent without STARTTLS")
    return config


def mail_sections(mail: MailConfig, rel: Callable[[Path | None], str]) -> str:
    """``[smtp]`` and ``[notices]`` as ``write`` puts them in ``casusnet.toml``."""
    smtp = _section(
        "smtp",
        [
            "the organisation's relay for notices by e-mail (docs/operations.md)",
            ("host", mail.host),
            ("port", mail.port),
            ("from", mail.sender),
            ("starttls", mail.starttls),
            "a file of two lines, username and password, mode 0600 (or leave out: no login)",
            ("credentials", rel(mail.credentials)),
            ("ca_file", rel(mail.ca_file)),
            ("timeout_seconds", mail.timeout),
        ],
    )
    notices = _section(
        "notices",
        [
            ("every_seconds", mail.every),
            ("retry_seconds", mail.backoff_base),
            ("retry_max_seconds", mail.backoff_cap),
            "a notice the relay did not take within this many hours is given up (stale)",
            ("give_up_hours", mail.give_up / 3600),
        ],
    )
    return smtp + "\n" + notices
