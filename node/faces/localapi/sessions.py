"""Logging in and out: ``/v1/login``, ``/v1/logout``, ``/v1/me``.

A login binds its session to the operating-system account that connected (the unix
socket's peer credentials, ``route.peer_uid``); an account that names its OS account
(``staff add --os-user``) logs in from that account only."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from node.domain import staff as staffmod
from node.domain.staff import AuthError, Staff
from node.faces.localapi.route import NODE, clock_report, peer_uid
from node.store import audit


async def login(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    name = str(body["name"])
    pwhash = staffmod.password_hash(node.store, name)
    # Argon2id takes a noticeable moment: off the loop that also serves the partners
    loop = asyncio.get_running_loop()
    ok = await loop.run_in_executor(
        None, staffmod.check_passphrase, pwhash, str(body["passphrase"])
    )
    try:
        if not ok:
            raise AuthError()
        uid = peer_uid(request)  # the session is this OS account's only
        staffmod.check_account(node.store, name, uid)
        token = staffmod.new_session(node.store, name, now=node.now(), uid=uid)
    except AuthError:
        with node.store.transaction():
            audit.append(node.store, at=node.now(), actor=name[:40], action="login_failed")
        raise
    with node.store.transaction():
        audit.append(node.store, at=node.now(), actor=name, action="login")
    staff = staffmod.get(node.store, name)
    assert staff is not None
    return {
        "token": token,
        "name": name,
        "function": staff.function,
        "capacity": staff.capacity,
        "roles": sorted(staff.roles),
        "node": node.me,
        "org": node.config.org,
        "idle_timeout": node.config.timers.session_idle,
    }


async def logout(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    staffmod.logout(node.store, request.headers["Authorization"][7:])
    with node.store.transaction():
        audit.append(node.store, at=node.now(), actor=who.name, action="logout")
    return {"ok": True}


async def me(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return {
        "name": who.name,
        "function": who.function,
        "capacity": who.capacity,
        "roles": sorted(who.roles),
        "node": node.me,
        "org": node.config.org,
        "clock": clock_report(request),
    }
