"""``create_app(config)``: the node daemon as an aiohttp application.

The federation endpoints are served on the configured TCP address (optionally with
TLS); the local API on a unix socket in a directory of its own (``socket_directory``:
0660 for the staff group, else 0600), apart from the 0700 data dir. The outbox
worker, the federation client and the retention job live in ``cleanup_ctx``.
"""

from __future__ import annotations

import asyncio
import contextlib
import grp
import logging
import os
import ssl
import sys
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from node.config import SOCKET_NAME, Config
from node.domain.node import Node
from node.domain.retention import retention_loop
from node.faces.federation import (
    CLIENT_KEY,
    GUARD_KEY,
    LIMITER_KEY,
    NODE_KEY,
    OUTBOX_KEY,
    TASKS_KEY,
    FederationClient,
    Outbox,
    RateLimiter,
    add_routes,
    resync,
)
from node.faces.federation.clocks import make_stamp
from node.faces.federation.replay import KeptGuard
from node.faces.localapi import create_local_app
from node.faces.mail import mailer_for, notice_loop
from node.faces.metrics import start_metrics
from node.store import keystore
from node.store.db import DamagedStoreError, Store

log = logging.getLogger("casusnet.node")


START_CHECK_SECONDS = 2.0
"""How long a node checks its database's pages before it starts (``quick_check``):
all of a small store; on a large one as much as fits, the rest by ``casusnet doctor``."""


def open_node(config: Config, passphrase: str | None = None) -> Node:
    master = keystore.load_master(config, passphrase)
    identity = keystore.load_identity(config, master)
    store = Store(config.db_path)
    found = store.check(full=False, budget=START_CHECK_SECONDS)
    if found.problems:
        store.close()
        raise DamagedStoreError(f"{config.db_path}: {found.problems[0]}")
    return Node(config, master, identity, store)


def create_app(
    config: Config, node: Node | None = None, *, local_api: bool = True
) -> web.Application:
    node = node or open_node(config)
    mailer = mailer_for(node)  # refuses a credential file others may read
    app = web.Application(client_max_size=config.max_body + 4096)
    app[NODE_KEY] = node
    app[GUARD_KEY] = KeptGuard.load(node)  # with the nonces kept before a restart
    app[LIMITER_KEY] = RateLimiter(config.rate_per_peer)
    app[TASKS_KEY] = set()
    app.on_response_prepare.append(make_stamp(node.ctx.clock))
    add_routes(app)

    async def background(app: web.Application) -> AsyncIterator[None]:
        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit_per_host=4))
        client = FederationClient(node, session)
        outbox = Outbox(node, client)
        app[CLIENT_KEY] = client
        app[OUTBOX_KEY] = outbox
        outbox.start()
        local_runner = await _start_local_api(node, config, outbox) if local_api else None
        metrics_runner = (
            await start_metrics(node, outbox, config.metrics_listen)
            if config.metrics_listen
            else None
        )
        retention = asyncio.get_running_loop().create_task(retention_loop(node, config))
        notices = asyncio.get_running_loop().create_task(notice_loop(node, mailer))
        log.info(
            "node %s running: federation on %s:%d, roster version %d",
            node.me,
            config.listen_host,
            config.listen_port,
            node.roster.version,
        )
        resyncing = None
        if node.store.get_meta(resync.RESYNC_KEY) is not None:  # restored from a backup
            resyncing = asyncio.get_running_loop().create_task(resync.resync_loop(node, client))
        yield
        if resyncing is not None:
            resyncing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await resyncing
        for timer in (retention, notices):
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        await outbox.close()
        tasks = app[TASKS_KEY]
        for task in list(tasks):
            task.cancel()
        if local_runner is not None:
            await local_runner.cleanup()
            remove_socket(config)  # no stale socket for clients
        if metrics_runner is not None:
            await metrics_runner.cleanup()
        await session.close()
        node.store.close()

    app.cleanup_ctx.append(background)
    return app


async def _start_local_api(node: Node, config: Config, outbox: Outbox) -> web.AppRunner:
    runner = web.AppRunner(create_local_app(node, outbox), access_log=None)
    await runner.setup()
    path = config.socket_path
    gid = socket_directory(config)
    remove_socket(config)
    old = os.umask(0o177 if gid is None else 0o117)
    try:
        await web.UnixSite(runner, str(path)).start()
    finally:
        os.umask(old)
    if gid is not None:  # made 0660 in the node user's own group, then the staff group's
        os.chown(path, -1, gid)
    os.chmod(path, 0o600 if gid is None else 0o660)
    link = config.data_dir / SOCKET_NAME
    if link != path:  # the node's own user and the CLI find it in the data dir as before
        link.symlink_to(path)
    return runner


_said: set[str] = set()


def socket_directory(config: Config) -> int | None:
    """Make the socket's directory and return the staff group's id, or None when only the
    node's own user may connect (no such group here, or the socket in the data dir).

    The directory is the node user's, group ``config.socket_group``, mode 0750: the
    staff accounts in that group may reach the socket (0660), nothing else of the node.
    Without the group (a developer's machine) the socket is 0600 as before, said once."""
    home = config.socket_home
    if home == config.data_dir:
        return None
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        gid = grp.getgrnam(config.socket_group).gr_gid
        os.chown(home, -1, gid)
    except (KeyError, PermissionError) as exc:
        if config.socket_group not in _said:
            _said.add(config.socket_group)
            why = "does not exist" if isinstance(exc, KeyError) else "is not this user's"
            log.warning(
                "group %s %s: the local API is for the node's own user only (mode 0600)",
                config.socket_group,
                why,
            )
        os.chmod(home, 0o700)
        return None
    os.chmod(home, 0o750)
    return gid


def remove_socket(config: Config) -> None:
    for path in (config.socket_path, config.data_dir / SOCKET_NAME):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def ssl_context(config: Config) -> ssl.SSLContext | None:
    if not config.tls_cert or not config.tls_key:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(config.tls_cert), str(config.tls_key))
    return ctx


LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def log_to_stderr(level: int = logging.INFO) -> None:
    """The daemon logs to standard error (the journal under systemd), next to any
    handler set up before (a log file): a log file on a full disk stays empty, the
    journal does not. Logging never stops the node: a record that cannot be
    written is dropped."""
    root = logging.getLogger()
    if not any(getattr(h, "stream", None) is sys.stderr for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)


def run(config: Config, passphrase: str | None = None) -> None:
    """``casusnet run``: serve until SIGTERM/SIGINT."""
    log_to_stderr()
    app = create_app(config, open_node(config, passphrase))
    web.run_app(
        app,
        host=config.listen_host,
        port=config.listen_port,
        ssl_context=ssl_context(config),
        access_log=None,
        print=None,
    )
