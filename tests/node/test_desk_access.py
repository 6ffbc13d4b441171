"""Access from a workstation (issue 14 point 4): staff are operating-system accounts in
the ``casusnet`` group. They may open the node's local API socket, which lives in a
directory of its own, but not read the node's data; and a session is bound to the
account that logged in (the socket's peer credentials), so another account on the same
host cannot use its token.

Root only (the accounts are made with ``useradd``); the dev box and CI run as root.
"""

from __future__ import annotations

import grp
import pwd
import shutil
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from desk_accounts import accounts, as_account, need_root, open_place, running, set_socket_dir
from fed import make_federation

from node.apiclient import ApiClient, ApiError
from node.app import open_node
from node.config import load
from node.store import audit
from node.tools import provision

pytestmark = pytest.mark.slow  # a node process and forked accounts

PASS = "lange-wachtzin-1"
ANNA, BERT, OUTSIDER = "cndesk-anna", "cndesk-bert", "cndesk-other"


@dataclass
class Place:
    data: Path
    socket: Path
    log: Path


@pytest.fixture
def place() -> Iterator[Place]:
    """A gemeente node whose data dir and socket dir lie where any account may look (as
    /var/lib/casusnet and /run/casusnet do), with staff anna (any OS account) and carla
    (only from the OS account cndesk-anna)."""
    need_root()
    root = open_place()
    try:
        fed = make_federation(root, {"gemeente": "gemeente"}, int(time.time()))
        data = fed.data("gemeente")
        set_socket_dir(data, root / "run" / "gemeente")
        node = open_node(load(data))
        try:
            for name, account in (("anna", None), ("carla", ANNA)):
                provision.add_staff(
                    node, name, "beleid", PASS, intake=True, capacity="burgemeester",
                    os_user=account,
                )  # fmt: skip
        finally:
            node.store.close()
        with accounts(ANNA, BERT, outside=(OUTSIDER,)):
            yield Place(data, load(data).socket_path, root / "node.log")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def login(socket: Path, name: str) -> Any:
    try:
        return ApiClient(socket).post("/v1/login", {"name": name, "passphrase": PASS})["token"]
    except ApiError as exc:
        return exc.remote_code


def me(socket: Path, token: str) -> Any:
    try:
        return ApiClient(socket, token).get("/v1/me")["name"]
    except ApiError as exc:
        return (exc.status, exc.remote_code)


def reads(path: Path) -> str:
    try:
        path.read_bytes()
    except PermissionError:
        return "refused"
    return "read"


def test_a_staff_account_opens_the_socket_but_cannot_read_the_data(place: Place) -> None:
    with running(place.data, place.log):
        sock, home = place.socket.stat(), place.socket.parent.stat()
        assert stat.S_IMODE(sock.st_mode) == 0o660
        assert stat.S_IMODE(home.st_mode) == 0o750
        assert home.st_gid == sock.st_gid == grp.getgrnam("casusnet").gr_gid
        assert stat.S_IMODE(place.data.stat().st_mode) == 0o700
        assert place.socket.parent != place.data

        token = as_account(ANNA, lambda: login(place.socket, "anna"))
        assert len(token) > 20
        assert as_account(ANNA, lambda: me(place.socket, token)) == "anna"
        for secret in ("node.db", "master.key", "identity.sealed", "casusnet.toml"):
            assert (place.data / secret).exists()
            assert as_account(ANNA, lambda s=secret: reads(place.data / s)) == "refused"

        # an account outside the group does not reach the socket at all
        assert as_account(OUTSIDER, lambda: _connects(place.socket)) == "refused"
        # the node's own user (and the CLI on --data) still finds it in the data dir
        assert me(place.data / "api.sock", login(place.data / "api.sock", "anna")) == "anna"
    assert not (place.data / "api.sock").exists()
    assert not place.socket.exists()


def _connects(socket: Path) -> str:
    try:
        ApiClient(socket).get("/v1/health")
    except PermissionError:
        return "refused"
    except Exception as exc:  # noqa: BLE001 - the client wraps the refusal
        return "refused" if "ermission" in repr(exc.__context__ or exc) else repr(exc)
    return "connected"


def test_another_account_cannot_use_a_session_and_the_owner_keeps_it(place: Place) -> None:
    with running(place.data, place.log):
        token = as_account(ANNA, lambda: login(place.socket, "anna"))
        assert as_account(BERT, lambda: me(place.socket, token)) == (401, "node.session_account")
        # the refusal did not end anna's session
        assert as_account(ANNA, lambda: me(place.socket, token)) == "anna"
        # bert logs in himself, as the same staff member: his own session, and his only
        own = as_account(BERT, lambda: login(place.socket, "anna"))
        assert as_account(BERT, lambda: me(place.socket, own)) == "anna"
        assert as_account(ANNA, lambda: me(place.socket, own)) == (401, "node.session_account")
    node = open_node(load(place.data))
    try:
        refused = [e for e in audit.entries(node.store) if e["action"] == "session_refused"]
    finally:
        node.store.close()
    assert len(refused) == 2
    assert refused[-1]["actor"] == "anna"
    assert refused[-1]["detail"]["uid"] == _uid(BERT)
    assert PASS not in str(refused)
    assert token not in str(refused)


def test_a_staff_member_bound_to_an_os_account_logs_in_only_from_it(place: Place) -> None:
    with running(place.data, place.log):
        assert as_account(BERT, lambda: login(place.socket, "carla")) == "node.login_account"
        token = as_account(ANNA, lambda: login(place.socket, "carla"))
        assert as_account(ANNA, lambda: me(place.socket, token)) == "carla"


def test_without_the_group_the_socket_is_the_node_users_only(place: Place) -> None:
    text = (place.data / "casusnet.toml").read_text().replace(
        'group = "casusnet"', 'group = "casusnet-nowhere"'
    )
    (place.data / "casusnet.toml").write_text(text)
    with running(place.data, place.log):
        assert stat.S_IMODE(place.socket.stat().st_mode) == 0o600
        assert stat.S_IMODE(place.socket.parent.stat().st_mode) == 0o700
        assert as_account(ANNA, lambda: _connects(place.socket)) == "refused"
    said = place.log.read_text()
    assert said.count("group casusnet-nowhere does not exist") == 1


def _uid(name: str) -> int:
    return pwd.getpwnam(name).pw_uid

