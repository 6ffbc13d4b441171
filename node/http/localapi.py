"""The local API: JSON over HTTP on a unix socket (mode 0600) in the data dir.

Staff log in with their passphrase and get a session token (``Authorization:
Bearer <token>``). Every room call checks that the staff member is assigned to the
room. Errors are ``{"error": code, "message": text}`` with a 4xx status. The
routes are documented in ``docs/api.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from node.domain import staff as staffmod
from node.domain.node import Node
from node.domain.staff import AuthError, ForbiddenError, SessionError, Staff
from node.errors import NotAllowedError, NotFoundError, RevokedError
from node.http.federation import Outbox, outbox_depths
from node.store import audit
from protocol.codec import decode
from protocol.errors import (
    CasusnetError,
    LocalProtocolError,
    NotChairError,
    PolicyError,
    RemoteProtocolError,
    StorageError,
)
from protocol.events import CRITERIA, STATEMENT_SPECS, Event
from protocol.signed import Signed

NODE = web.AppKey("node", Node)
OUTBOX = web.AppKey("outbox", Outbox)

_STATUS: list[tuple[type[CasusnetError], int]] = [
    (AuthError, 401),
    (SessionError, 401),
    (ForbiddenError, 403),
    (NotChairError, 403),
    (NotAllowedError, 403),
    (NotFoundError, 404),
    (RevokedError, 410),
    (PolicyError, 422),
    (LocalProtocolError, 422),
    (RemoteProtocolError, 422),
    (StorageError, 503),
]


def _status(exc: CasusnetError) -> int:
    return next((s for cls, s in _STATUS if isinstance(exc, cls)), 400)


def error(exc: CasusnetError) -> web.Response:
    body = {"error": exc.code, "message": exc.user_text(), "detail": exc.detail}
    return web.json_response(body, status=_status(exc))


class BadRequest(CasusnetError):
    """The request is incomplete or malformed."""

    code = "api.bad_request"


Route = Callable[[web.Request, Staff, dict[str, Any]], Awaitable[Any]]


def route(
    handler: Route, *, login: bool = True
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def wrapped(request: web.Request) -> web.Response:
        node = request.app[NODE]
        try:
            body: dict[str, Any] = {}
            if request.can_read_body:
                raw = await request.read()  # whole body; over client_max_size is a 413
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    raise BadRequest("body is not JSON") from None
                if not isinstance(body, dict):
                    raise BadRequest("body must be a JSON object")
            node.rosters.refresh_roster()  # a roster imported by the CLI counts at once
            who = _session(request, node) if login else Staff("", "", False)
            result = await handler(request, who, body)
        except CasusnetError as exc:
            return error(exc)
        except (KeyError, TypeError, ValueError) as exc:
            return error(BadRequest(f"missing or invalid field: {exc}"[:200]))
        return web.json_response(result)

    return wrapped


def _session(request: web.Request, node: Node) -> Staff:
    auth = request.headers.get("Authorization", "")
    if not auth.startswith("Bearer "):
        raise SessionError()
    return staffmod.session(
        node.store, auth[7:], now=node.now(), idle=node.config.timers.session_idle
    )


def _room(request: web.Request, who: Staff) -> bytes:
    node = request.app[NODE]
    try:
        room = bytes.fromhex(request.match_info["room"])
    except ValueError:
        raise BadRequest("room id is not hex") from None
    staffmod.require_room(node.store, room, who)
    return room


# --- handlers -------------------------------------------------------------------------


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
        token = staffmod.new_session(node.store, name, now=node.now())
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
    return {"name": who.name, "function": who.function, "node": node.me, "org": node.config.org}


async def list_rooms(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    rows = node.store.rows(
        "SELECT r.room, r.case_ref, r.chair, r.phase, r.epoch, r.meeting, r.updated, r.outcome,"
        " r.keys_destroyed FROM rooms r JOIN assignments a ON a.room = r.room AND a.staff = ?"
        " ORDER BY r.updated DESC",
        (who.name,),
    )
    # two aggregates over partial indexes instead of two subqueries per room
    received = dict(
        node.store.execute(
            "SELECT room, COUNT(*) FROM shares WHERE own = 0 AND envelope IS NOT NULL GROUP BY room"
        ).fetchall()
    )
    pending = dict(
        node.store.execute(
            # CROSS JOIN: driven by the few pending deliveries, not by all shares
            "SELECT s.room, COUNT(*) FROM deliveries d"
            " CROSS JOIN shares s ON s.id = d.share AND s.own = 1"
            " WHERE d.state = 'pending' GROUP BY s.room"
        ).fetchall()
    )
    # received shares still held that this staff member viewed (a partial index)
    viewed = dict(
        node.store.execute(
            "SELECT room, COUNT(*) FROM views WHERE staff = ? AND held = 1 GROUP BY room",
            (who.name,),
        ).fetchall()
    )
    for r in rows:
        room = r["room"]
        r["shares_received"] = received.get(room, 0)
        r["unread"] = max(0, received.get(room, 0) - viewed.get(room, 0))
        r["pending"] = pending.get(room, 0)
        r["room"] = room.hex()
        r["status"] = room_status(r["phase"], r.pop("keys_destroyed"))
    return {"rooms": rows}


def room_status(phase: str, keys_destroyed: int | None) -> str:
    """``intake``, ``open``, ``closed`` (closure not finished here: room keys still
    held, e.g. in the grace period) or ``shielded`` (closed, room keys destroyed)."""
    if phase == "closed" and keys_destroyed:
        return "shielded"
    return phase


async def convene(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    state = node.members.convene(
        who,
        case=str(body["case"]),
        purpose=str(body.get("purpose") or "Weging en aanpak"),
        bases=[str(b) for b in body["bases"]],
        meeting=int(body.get("meeting", node.now())),
    )
    return {"room": state.room.hex(), "case": state.case, "phase": state.phase}


async def show_room(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    state = node.ctx.state(room)
    roster = node.roster
    from protocol.keys import fingerprint

    def node_info(n: str) -> dict[str, Any]:
        m = roster.by_node.get(n)
        return {
            "node": n,
            "org": m.org if m else "?",
            "name": m.name if m else "?",
            "fingerprint": fingerprint(m.sign) if m else None,
        }

    members = [
        dict(node_info(n), role=m.role, epoch_since=_since_epoch(state, n))
        for n, m in sorted(state.members.items())
    ]
    shares = node.store.rows(
        "SELECT id, sender, basis, categories, recipients, created, own, revoked_at,"
        " deleted_at, CASE WHEN own = 1 THEN EXISTS (SELECT 1 FROM plaintext p"
        " WHERE p.share = shares.id) ELSE envelope IS NOT NULL END AS readable, author"
        " FROM shares WHERE room = ?"
        " ORDER BY created, seq",
        (room,),
    )
    deliveries = node.store.rows(
        "SELECT d.share, d.peer, d.state FROM deliveries d"
        " JOIN shares s ON s.id = d.share AND s.own = 1"
        " WHERE s.room = ?",
        (room,),
    )
    viewed = {
        (r[0], r[1])
        for r in node.store.execute(
            "SELECT sender, share FROM views WHERE staff = ? AND room = ?", (who.name, room)
        )
    }
    by_share: dict[bytes, dict[str, str]] = {}
    for d in deliveries:
        by_share.setdefault(d["share"], {})[d["peer"]] = d["state"]
    for s in shares:
        s["deliveries"] = by_share.get(s["id"], {})
        s["viewed"] = bool(s["own"]) or (s["sender"], s["id"]) in viewed
        s["id"] = s["id"].hex()
        s["categories"] = json.loads(s["categories"])
        s["recipients"] = json.loads(s["recipients"])
        s["readable"] = bool(s["readable"])
        s["own"] = bool(s["own"])
        if not s["own"]:
            s.pop("author")
    closed = node.store.rows(
        "SELECT issuer FROM receipts WHERE room = ? AND kind = 'closed'", (room,)
    )
    plan_items, events = request.app[CHAIN_VIEWS].get(node, room, state)
    return {
        "room": room.hex(),
        "case": state.case,
        "purpose": state.purpose,
        "phase": state.phase,
        "status": room_status(
            state.phase,
            node.store.one("SELECT keys_destroyed FROM rooms WHERE room = ?", (room,)),
        ),
        "chair": state.chair,
        "bases": list(state.bases),
        "epoch": state.epoch,
        "meeting": state.meeting,
        "outcome": state.outcome,
        "closed_at": state.closed_at,
        "members": members,
        "invited": [dict(node_info(n), role=i.role) for n, i in sorted(state.invited.items())],
        "assessments": {org: v for org, (v, _) in state.assessments.items()},
        "consents": {n: sorted(c) for n, c in state.consents.items()},
        "shares": shares,
        "plan": plan_items,
        "closed_receipts": sorted(r["issuer"] for r in closed),
        "timeline": events,
        "outbox_pending": node.store.one(
            "SELECT COUNT(*) FROM outbox WHERE room = ? AND done_at IS NULL", (room,)
        ),
    }


class ChainViews:
    """A room's plan and timeline, read from its chain once per chain position.

    The TUI polls a room every second; both lists change only when the chain does,
    so they are kept for the last few (room, seq) pairs instead of decoding (and
    decrypting) the whole chain on every poll.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._views: OrderedDict[tuple[bytes, int], tuple[list[Any], list[Any]]] = OrderedDict()

    def get(self, node: Node, room: bytes, state: Any) -> tuple[list[Any], list[Any]]:
        key = (room, state.seq)
        views = self._views.get(key)
        if views is None:
            plan = node.plan.items(room) if state.phase != "closed" else []
            views = self._views[key] = (plan, timeline(node, room))
            while len(self._views) > self.size:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return views


CHAIN_VIEWS = web.AppKey("chain_views", ChainViews)


def timeline(node: Node, room: bytes) -> list[dict[str, Any]]:
    """The room's chain events in order, with only what is safe and useful to show.

    ``by`` is the node that signed: the chair for its own events, the member for a
    statement it signed (``assess``, ``consent``, ``join``, ``leave``) that the chair
    put in the chain. Never content (plan items are encrypted; only their ids show),
    keys or signatures.
    """
    orgs = {m.node: m.org for m in node.rooms.roster.members}
    out = []
    for raw in node.rooms.events_after(room, -1, limit=1 << 30):
        wrapper = decode(raw, Signed.SPEC)
        event = decode(wrapper.body, Event.SPEC)
        by, data = wrapper.signer, event.data
        detail: dict[str, Any] = {}
        if event.kind in STATEMENT_SPECS:
            inner = decode(data.statement, Signed.SPEC)
            statement = decode(inner.body, STATEMENT_SPECS[event.kind])
            by = inner.signer
            if event.kind == "assess":
                detail = {"org": orgs.get(by, "?"), "verdict": statement.verdict}
            elif event.kind == "consent":
                detail = {"org": orgs.get(by, "?"), "subject": statement.subject}
            else:
                detail = {"node": statement.node}
        elif event.kind == "convene":
            detail = {"case": data.case, "bases": list(data.bases), "meeting": data.meeting}
        elif event.kind == "invite":
            detail = {"node": data.node, "role": data.role}
        elif event.kind == "epoch":
            detail = {"epoch": data.epoch, "members": [m.node for m in data.members]}
        elif event.kind == "remove":
            detail = {"node": data.node}
        elif event.kind in ("agenda", "decision"):
            detail = {"item": data.item.hex(), "epoch": data.epoch}
        elif event.kind == "close":
            detail = {"outcome": data.outcome}
        out.append(
            {"seq": event.seq, "kind": event.kind, "by": by, "at": event.time, "detail": detail}
        )
    return out


def _since_epoch(state: Any, node: str) -> int:
    return min((e for e, members in state.epochs.items() if node in members), default=0)


async def invite(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    state = node.members.invite(who, room, str(body["node"]), str(body.get("role", "deelnemer")))
    return {"room": room.hex(), "seq": state.seq}


async def remove(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    state = node.members.remove(who, room, str(body["node"]))
    return {"room": room.hex(), "seq": state.seq}


async def assess(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    given = body.get("criteria", {})
    if not isinstance(given, dict) or set(given) - set(CRITERIA):
        raise BadRequest(f"criteria: a map with keys from {', '.join(CRITERIA)}")
    criteria = {c: int(given.get(c, 0)) for c in CRITERIA}
    if not all(0 <= v <= 3 for v in criteria.values()):
        raise BadRequest("criteria: each 0 (geen) to 3 (hoog)")
    node.intake.assess(who, room, str(body["verdict"]), criteria)
    return {"room": room.hex(), "ok": True}


async def consent(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    node.intake.consent(who, room, str(body["subject"]))
    return {"room": room.hex(), "ok": True}


SHARE_FIELDS = (
    "basis",
    "categories",
    "recipients",
    "summary",
    "justification",
    "decision_ref",
    "consent",
    "conditions",
)


async def share(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    room = _room(request, who)
    fields = {k: body[k] for k in SHARE_FIELDS if body.get(k) is not None}
    for key in ("basis", "summary"):
        if not isinstance(fields.get(key), str):
            raise BadRequest(f"{key}: a string is required")
    for key in ("categories", "recipients"):
        value = fields.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadRequest(f"{key}: a list of strings")
    for key in ("justification", "decision_ref", "consent", "conditions"):
        if key in fields and not isinstance(fields[key], str):
            raise BadRequest(f"{key}: a string")
    if _check_only(request):
        node = request.app[NODE]
        return {"ok": True, "recipients": node.shares.check_share(who, room, fields)}
    wait, timeout = _wait_args(request)  # before anything is committed
    share_id = await request.app[BATCHER].share(who, room, fields)
    if not wait:
        return {"share": share_id.hex()}
    return await _deliveries(request, room, share_id, wait, timeout)


def _check_only(request: web.Request) -> bool:
    """``?check=1``: run the checks of a share, send nothing."""
    value = request.query.get("check", "0").lower()
    if value not in ("0", "1", "false", "true"):
        raise BadRequest("check: 1 (only check) or 0 (send)")
    return value in ("1", "true")


async def view(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    sender = request.query.get("sender")  # ids are the sender's: name it if two collide
    return node.shares.view_share(who, room, bytes.fromhex(request.match_info["share"]), sender)


class ShareBatcher:
    """Group commit: share requests that arrive together are committed together."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._pending: list[tuple[Staff, bytes, dict[str, Any], asyncio.Future[bytes]]] = []

    async def share(self, who: Staff, room: bytes, fields: dict[str, Any]) -> bytes:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((who, room, fields, future))
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            results = self.node.shares.share_many([(w, r, f) for w, r, f, _ in batch])
        except CasusnetError as exc:
            results = [exc] * len(batch)
        except Exception as exc:  # never leave a waiting request without an answer
            error = StorageError(f"{type(exc).__name__}")
            error.__cause__ = exc
            results = [error] * len(batch)
        for (_, _, _, future), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


BATCHER = web.AppKey("batcher", ShareBatcher)


class ReceiptSignal:
    """Wakes the waiters of one share when its receipts change (``None``: any share)."""

    def __init__(self) -> None:
        self._events: dict[bytes | None, asyncio.Event] = {}

    def fire(self, env_hash: bytes | None) -> None:
        keys = list(self._events) if env_hash is None else [env_hash, None]
        for key in keys:
            event = self._events.pop(key, None)
            if event is not None:
                event.set()

    async def wait(self, key: bytes | None) -> None:
        await self._events.setdefault(key, asyncio.Event()).wait()


SIGNAL = web.AppKey("signal", ReceiptSignal)
DONE = {"delivered": {"delivered", "deleted"}, "deleted": {"deleted"}}


async def _deliveries(
    request: web.Request, room: bytes, share_id: bytes, wait: str, seconds: float
) -> dict[str, Any]:
    """Delivery states of an own share; with ``wait``, until they are reached or timeout."""
    node = request.app[NODE]
    wanted = DONE.get(wait, set())
    loop = asyncio.get_running_loop()
    if not math.isfinite(seconds):
        raise BadRequest("timeout: a number of seconds")
    deadline = loop.time() + max(0.0, min(seconds, 60.0))
    key = node.store.one("SELECT env_hash FROM shares WHERE id = ? AND own = 1", (share_id,))
    while True:
        rows = node.store.rows(
            "SELECT d.peer, d.state FROM deliveries d"
            " JOIN shares s ON s.id = d.share AND s.own = 1"
            " WHERE d.share = ? AND s.room = ?",
            (share_id, room),
        )
        states = {r["peer"]: r["state"] for r in rows}
        done = bool(states) and set(states.values()) <= wanted
        remaining = deadline - loop.time()
        if not wanted or done or remaining <= 0:
            waiting = (
                []
                if done
                else node.store.rows(
                    "SELECT peer, last_error FROM outbox WHERE env_hash = ? AND done_at IS NULL",
                    (key,),
                )
            )
            errors = {r["peer"]: r["last_error"] for r in waiting if r["last_error"]}
            return {"share": share_id.hex(), "deliveries": states, "done": done, "errors": errors}
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(remaining):
                await request.app[SIGNAL].wait(key if wait == "delivered" else None)


def _wait_args(request: web.Request) -> tuple[str, float]:
    wait = request.query.get("wait", "")
    if wait not in ("", *DONE):
        raise BadRequest(f"wait: one of {', '.join(DONE)}")
    try:
        timeout = float(request.query.get("timeout", 10))
    except ValueError:
        raise BadRequest("timeout: a number of seconds") from None
    if not math.isfinite(timeout):
        raise BadRequest("timeout: a number of seconds")
    return wait, timeout


async def share_status(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    room = _room(request, who)
    share_id = bytes.fromhex(request.match_info["share"])
    wait, timeout = _wait_args(request)
    node = request.app[NODE]
    if not node.store.one(
        "SELECT 1 FROM shares WHERE id = ? AND room = ? AND own = 1", (share_id, room)
    ):
        raise NotFoundError("no own share with this id in the room")
    return await _deliveries(request, room, share_id, wait, timeout)


async def plan_export(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return node.plan.export(who, _room(request, who))


async def plan(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    item = node.plan.add(
        who,
        room,
        kind=str(body.get("kind", "decision")),
        title=str(body["title"]),
        measure=body.get("measure"),
        owner=body.get("owner"),
        due=body.get("due"),
    )
    return {"item": item.hex()}


async def close(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    state = node.closure.close(who, room, str(body["outcome"]))
    return {"room": room.hex(), "phase": state.phase}


async def revoke(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    ids = [bytes.fromhex(s) for s in body.get("shares", [])]
    if not ids and body.get("all") is not True:
        raise BadRequest('name the shares to revoke, or send "all": true')
    return {"revoked": node.closure.revoke(who, room, ids)}


async def assign(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    room = _room(request, who)
    with node.store.transaction():
        staffmod.assign(node.store, room, str(body["staff"]))
        audit.append(
            node.store,
            at=node.now(),
            actor=who.name,
            action="assigned",
            room=room,
            staff=str(body["staff"]),
        )
    return {"ok": True}


async def audit_list(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """A room's audit entries (assigned staff), or else the caller's own entries."""
    node = request.app[NODE]
    room = request.query.get("room")
    limit = min(int(request.query.get("limit", 500)), 5000)
    if room:
        room_id = bytes.fromhex(room)
        staffmod.require_room(node.store, room_id, who)
        return {"entries": audit.entries(node.store, room=room_id, limit=limit)}
    return {"entries": audit.entries(node.store, actor=who.name, limit=limit)}


async def audit_verify(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    return {"ok": True, "entries": audit.verify(node.store)}


async def roster(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    node = request.app[NODE]
    from protocol.keys import fingerprint

    outbox = request.app.get(OUTBOX)
    contacts = outbox.contacts if outbox is not None else {}
    depths = outbox_depths(node)

    def member(m: Any) -> dict[str, Any]:
        me = m.node == node.me
        contact = contacts.get(m.node)
        return {
            "node": m.node,
            "org": m.org,
            "name": m.name,
            "url": m.url,
            "fingerprint": fingerprint(m.sign),
            "self": me,
            "reachable": True if me else (contact.reachable if contact else None),
            "last_contact": None if me or not contact else contact.last_contact,
            "outbox": depths.get(m.node, 0),
            "failures": contact.failures if contact and not me else 0,
        }

    return {
        "version": node.roster.version,
        "federation": node.roster.federation,
        "members": [member(m) for m in node.roster.members],
    }


async def registry(request: web.Request, who: Staff, body: dict[str, Any]) -> Any:
    """The grondslagen registry this node applies (as in ``protocol/grondslagen.json``)."""
    node = request.app[NODE]
    return {"node": node.me, "org": node.config.org, "registry": json.loads(node.registry.source)}


def create_local_app(node: Node, outbox: Outbox | None = None) -> web.Application:
    """The local API of ``node``; ``outbox``, when given, supplies the partners' reachability."""
    app = web.Application(client_max_size=2 << 20)
    app[NODE] = node
    if outbox is not None:
        app[OUTBOX] = outbox
    app[SIGNAL] = ReceiptSignal()
    app[BATCHER] = ShareBatcher(node)
    app[CHAIN_VIEWS] = ChainViews()
    node.ctx.receipts_changed = app[SIGNAL].fire
    r = app.router
    r.add_post("/v1/login", route(login, login=False))
    r.add_post("/v1/logout", route(logout))
    r.add_get("/v1/me", route(me))
    r.add_get("/v1/rooms", route(list_rooms))
    r.add_post("/v1/rooms", route(convene))
    r.add_get("/v1/rooms/{room}", route(show_room))
    r.add_post("/v1/rooms/{room}/invite", route(invite))
    r.add_post("/v1/rooms/{room}/remove", route(remove))
    r.add_post("/v1/rooms/{room}/assess", route(assess))
    r.add_post("/v1/rooms/{room}/consent", route(consent))
    r.add_post("/v1/rooms/{room}/shares", route(share))
    r.add_get("/v1/rooms/{room}/shares/{share}", route(view))
    r.add_get("/v1/rooms/{room}/shares/{share}/status", route(share_status))
    r.add_post("/v1/rooms/{room}/plan", route(plan))
    r.add_post("/v1/rooms/{room}/plan/export", route(plan_export))
    r.add_post("/v1/rooms/{room}/close", route(close))
    r.add_post("/v1/rooms/{room}/revoke", route(revoke))
    r.add_post("/v1/rooms/{room}/assign", route(assign))
    r.add_get("/v1/audit", route(audit_list))
    r.add_get("/v1/audit/verify", route(audit_verify))
    r.add_get("/v1/roster", route(roster))
    r.add_get("/v1/registry", route(registry))
    return app
