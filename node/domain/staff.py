"""Local staff accounts, sessions and room assignments; the staff role model.

A staff member acts in a **capacity** where the organisation has more than one (a
gemeente node serves the burgemeester and the college: Wet PGA art. 3 lid 1 sub a-b),
which their verstrekkingen and intake statements declare; and holds **roles** that
later parts of the node check (:data:`ROLES`).

Staff names never leave the node: other nodes see the organisation and a function
label. Passphrases are stored as Argon2id strings (``nacl.pwhash.argon2id``);
session tokens are random, given to the client once and stored only as a hash; a
session ends after ``session_idle`` seconds without use. A session is bound to the
operating-system account that logged in (its uid, from the local API socket's peer
credentials): a token read by another account on the same host is refused there, and
the session goes on for its owner. An account may also name the one OS account it logs
in from (``os_user``).
"""

from __future__ import annotations

import hashlib
import pwd
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import nacl.pwhash
from nacl.exceptions import InvalidkeyError

from node.store import staff as tables
from node.store.db import Store
from protocol.errors import CasusnetError

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,40}")
OS_USER = re.compile(r"[a-z_][a-z0-9_-]{0,31}")  # a portable POSIX account name
MIN_PASSPHRASE = 10
SEEN_EVERY = 5  # seconds between updates of a session's last use
# Argon2id for staff passphrases: 3 passes over 32 MiB (above OWASP's 2 x 19 MiB),
# so a login costs a node well under a second and little memory.
ARGON_OPS = 3
ARGON_MEM = 32 << 20


class AuthError(CasusnetError):
    """Login failed: unknown name or wrong passphrase."""

    code = "node.auth"


class SessionError(CasusnetError):
    """The session has ended (logged out, or idle too long). Log in again.

    ``detail`` says why, as a stable reason code a client maps to its own words:
    ``idle`` (unused longer than the idle timeout), ``unknown`` (a token this node does
    not hold: logged out, ended by a restore or a restart, or never given), ``missing``
    (no token sent)."""

    code = "node.session"

    IDLE = "idle"
    UNKNOWN = "unknown"
    MISSING = "missing"


class SessionAccountError(SessionError):
    """This session was opened by another operating-system account. Log in yourself."""

    code = "node.session_account"
    owner = ""  # the staff member whose session it is: for the audit, never the client


class LoginAccountError(AuthError):
    """This staff account logs in only from its own operating-system account."""

    code = "node.login_account"


class StaffError(CasusnetError):
    """The staff account cannot be created or changed as asked."""

    code = "node.staff"


class ForbiddenError(CasusnetError):
    """This staff member is not assigned to that room."""

    code = "node.forbidden"


ROLES = {
    "intake": "takes part in the intake and gets every new casus of this node",
    "aandachtsfunctionaris": "the gemeente's officer for the radicalisation file; keeps the"
    " register of meldingen",
    "procesregisseur": "chairs and records on the burgemeester's behalf (ZVH)",
    "fg": "the privacy officer (functionaris gegevensbescherming): metadata, never content",
    "rechten": "the contact point for the person's rights (Wet PGA art. 12)",
}
"""The staff roles, by id."""


@dataclass(frozen=True)
class Staff:
    name: str
    function: str
    intake: bool
    capacity: str | None = None
    roles: frozenset[str] = frozenset()


def add(
    store: Store,
    name: str,
    function: str,
    passphrase: str,
    *,
    intake: bool,
    now: int,
    capacity: str | None = None,
    roles: Iterable[str] = (),
    os_user: str | None = None,
) -> Staff:
    if not NAME.fullmatch(name):
        raise StaffError("name: 2-41 of a-z 0-9 . _ -, starting with a letter or digit")
    if not 1 <= len(function) <= 80:
        raise StaffError("the function label needs 1-80 characters")
    if len(passphrase) < MIN_PASSPHRASE:
        raise StaffError(f"the passphrase needs at least {MIN_PASSPHRASE} characters")
    held = frozenset(roles) | ({"intake"} if intake else frozenset())
    intake = "intake" in held  # the role and the flag are one thing
    if held - ROLES.keys():
        raise StaffError(f"unknown role: {sorted(held - ROLES.keys())[0]}")
    if os_user is not None and not OS_USER.fullmatch(os_user):
        raise StaffError("os user: an operating-system account name (a-z 0-9 _ -)")
    if tables.exists(store, name):
        raise StaffError(f"{name} already exists")
    pwhash = nacl.pwhash.argon2id.str(
        passphrase.encode(), opslimit=ARGON_OPS, memlimit=ARGON_MEM
    ).decode()
    with store.transaction():
        tables.insert(store, name, function, pwhash, intake, now, capacity, sorted(held))
        if os_user is not None:
            tables.set_os_user(store, name, os_user)
    return Staff(name, function, intake, capacity, held)


def get(store: Store, name: str) -> Staff | None:
    row = tables.account(store, name)
    if row is None:
        return None
    roles = frozenset(r for r in (row["roles"] or "").split(",") if r)
    return Staff(row["name"], row["function"], bool(row["intake"]), row["capacity"], roles)


def login(
    store: Store, name: str, passphrase: str, *, now: int, uid: int | None = None
) -> str:
    """Check the passphrase; returns a new session token bound to ``uid``."""
    if not check_passphrase(password_hash(store, name), passphrase):
        raise AuthError()
    return new_session(store, name, now=now, uid=uid)


def check_account(store: Store, name: str, uid: int | None) -> None:
    """Refuse a login from another OS account than the one the staff account names."""
    account = tables.os_user(store, name)
    if account is None:
        return
    try:
        owner = pwd.getpwnam(account).pw_uid
    except KeyError:
        owner = None
    if uid is None or owner != uid:
        raise LoginAccountError()


def password_hash(store: Store, name: str) -> str | None:
    return tables.pwhash(store, name)


def check_passphrase(pwhash: str | None, passphrase: str) -> bool:
    """Argon2id verification: CPU-bound and thread-safe (no store access)."""
    if pwhash is None:
        return False
    try:
        return bool(nacl.pwhash.verify(pwhash.encode(), passphrase.encode()))
    except InvalidkeyError:
        return False


def new_session(store: Store, name: str, *, now: int, uid: int | None = None) -> str:
    """A session for ``name``, bound to the OS account ``uid`` (None: no peer
    credentials, a client that is not on the unix socket)."""
    token = secrets.token_urlsafe(32)
    with store.transaction():
        tables.insert_session(store, _hash(token), name, now, uid)
    return token


def session(store: Store, token: str, *, now: int, idle: int, uid: int | None = None) -> Staff:
    """The staff member of a live session; refreshes it. A session bound to another OS
    account than ``uid`` is refused (:class:`SessionAccountError`, whose ``owner``
    names the owner for the audit) and left as it is."""
    row = tables.session(store, _hash(token))
    if row is None:
        raise SessionError(SessionError.UNKNOWN)
    if now - row["last_seen"] > idle:
        raise SessionError(SessionError.IDLE)
    if row["uid"] is not None and row["uid"] != uid:
        refused = SessionAccountError()
        refused.owner = str(row["staff"])
        raise refused
    if now - row["last_seen"] >= SEEN_EVERY:  # bookkeeping: no need to wait for the disk
        with store.transaction(durable=False):
            tables.touch_session(store, _hash(token), now)
    staff = get(store, row["staff"])
    if staff is None:
        raise SessionError(SessionError.UNKNOWN)
    return staff


def logout(store: Store, token: str) -> None:
    tables.delete_session(store, _hash(token))


def assign(store: Store, room: bytes, name: str) -> None:
    if get(store, name) is None:
        raise StaffError(f"no staff member {name}")
    tables.assign(store, room, name)


def assign_intake(store: Store, room: bytes) -> list[str]:
    """New rooms go to the staff members marked for intake."""
    names = tables.intake_names(store)
    for name in names:
        assign(store, room, name)
    return names


def may_see(store: Store, room: bytes, name: str) -> bool:
    return tables.is_assigned(store, room, name)


def require_room(store: Store, room: bytes, staff: Staff) -> None:
    if not may_see(store, room, staff.name):
        raise ForbiddenError()


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def session_left(store: Store, token: str, *, now: int, idle: int) -> int:
    """Seconds until the session of ``token`` ends for want of use (0 when it has
    ended for want of use, -1 when the node no longer holds it: logged out); unlike
    :func:`session`, this is no use of it (the event stream asks)."""
    row = tables.session(store, _hash(token))
    if row is None:
        return -1
    return max(0, int(row["last_seen"]) + idle - now)
