"""Attacks on a running casusoverleg, with four real nodes served in-process.

gemeente convenes a pga-r room (with wpg-20 and wjsg-39fb declared), politie and OM
join and the intake opens the room. rvdk is in the roster but never invited. Every
node runs its app (federation endpoints, outbox) on its roster port; the attacks
come from roster members that sign correctly but break the rules.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import msgpack
import nacl.utils
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestServer
from fed import Federation, capacity_of, intake_steps, make_federation

from node.app import create_app, open_node
from node.domain import staff as staffmod
from node.domain.node import Node
from node.domain.staff import Staff
from node.faces.federation import Batch
from protocol.chain import statement
from protocol.codec import PROTOCOL_VERSION, decode, pack
from protocol.errors import (
    BasisNotDeclaredError,
    CasusnetError,
    DecryptionError,
    OrganisationNotAllowedError,
    PolicyError,
)
from protocol.events import Event, InviteData, Join
from protocol.keys import BoxKeyPair, digest, seal, secretbox
from protocol.request import HEADER, sign_request
from protocol.share import Content, Draft, Share, open_share, seal_share, verify_share
from protocol.signed import Signed, sign

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om", "rvdk": "rvdk"}
MEMBERS = ("gemeente", "politie", "om")
CASE = "RAD-2026-017"
JUSTIFICATION = "Noodzakelijk voor de weging; geen minder ingrijpend middel."
# one meeting for the whole module: every attack measures the state before and after itself
pytestmark = pytest.mark.asyncio(loop_scope="module")

COUNTED = ("events", "rooms", "shares", "inbox", "room_keys", "outbox", "plaintext", "deliveries")


async def until(what: str, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Poll ``condition`` (background delivery moves things) until it holds."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def counts(node: Node) -> dict[str, int]:
    return {t: int(node.store.one(f"SELECT COUNT(*) FROM {t}")) for t in COUNTED}


def refusals(node: Node) -> list[dict[str, Any]]:
    rows = node.store.rows("SELECT actor, detail FROM audit WHERE action = 'refused' ORDER BY seq")
    return [dict(json.loads(r["detail"]), actor=r["actor"]) for r in rows]


@dataclass
class Meeting:
    fed: Federation
    nodes: dict[str, Node]
    staff: dict[str, Staff]
    room: bytes
    session: aiohttp.ClientSession

    def state(self, node: str) -> Any:
        return self.nodes[node].rooms.state(self.room, self.nodes[node].now())

    def chain(self) -> list[bytes]:
        return self.nodes["gemeente"].rooms.events_after(self.room, -1)

    async def settled(self) -> None:
        """Wait until every member holds the chair's chain and every outbox is empty."""

        def done() -> bool:
            seqs = {self.state(n).seq for n in MEMBERS if self.state(n) is not None}
            pending = sum(
                n.store.one("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")
                for n in self.nodes.values()
            )
            return len(seqs) == 1 and all(self.state(n) for n in MEMBERS) and pending == 0

        await until("the meeting to settle", done)

    async def request(
        self, caller: str, to: str, method: str, path: str, body: bytes = b""
    ) -> tuple[int, bytes]:
        """A correctly signed request from ``caller`` to ``to``'s federation endpoint."""
        node = self.nodes[caller]
        value = sign_request(
            node.identity.signer,
            caller,
            to=to,
            method=method,
            path=path,
            body=body,
            now=int(time.time()),
            rand=nacl.utils.random,
        )
        url = f"http://127.0.0.1:{self.fed.ports[to]}{path}"
        async with self.session.request(
            method, url, data=body or None, headers={HEADER: value}
        ) as r:
            return r.status, await r.read()

    async def post(self, caller: str, to: str, *envelopes: bytes) -> list[list[Any]]:
        status, raw = await self.request(caller, to, "POST", "/v1/inbox", Batch(envelopes).encode())
        assert status == 200, raw
        return [list(r) for r in msgpack.unpackb(raw)["results"]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def meeting(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Meeting]:
    fed = make_federation(tmp_path_factory.mktemp("meeting"), NODES, int(time.time()))
    nodes = {n: open_node(fed.config(n)) for n in NODES}
    servers: list[TestServer] = []
    session = aiohttp.ClientSession()
    try:
        for n, node in nodes.items():
            app = create_app(fed.config(n), node, local_api=False)
            servers.append(TestServer(app, host="127.0.0.1", port=fed.ports[n]))
            await servers[-1].start_server()
        staff = {
            n: staffmod.add(
                nodes[n].store,
                f"medewerker-{n}",
                f"{n} · casusregisseur",
                "lange-wachtzin-1",
                intake=True,
                now=nodes[n].now(),
                capacity=capacity_of(nodes[n]),
            )
            for n in MEMBERS
        }
        g = nodes["gemeente"]
        state = g.members.convene(
            staff["gemeente"],
            case=CASE,
            purpose="Weging en aanpak van zorgen over radicalisering",
            bases=["pga-r", "wpg-20", "wjsg-39fb"],
            meeting=g.now() + 7 * 86400,
        )
        m = Meeting(fed, nodes, staff, state.room, session)
        for n in ("politie", "om"):
            g.members.invite(staff["gemeente"], m.room, n, "deelnemer")
        await until(
            "politie and om in the room",
            lambda: all(m.state(n) and set(m.state(n).members) == set(MEMBERS) for n in MEMBERS),
        )
        for what, done in intake_steps(nodes, staff, m.room, chair="gemeente"):
            await until(what, done)
        await until("the room to open", lambda: all(m.state(n).phase == "open" for n in MEMBERS))
        await m.settled()
        yield m
    finally:
        await session.close()
        for server in servers:
            await server.close()
        for node in nodes.values():
            node.store.close()


@pytest_asyncio.fixture(loop_scope="module", autouse=True)
async def quiet(meeting: Meeting) -> None:
    """Each attack starts when the deliveries of the one before have landed."""
    await meeting.settled()


def politie_share() -> dict[str, Any]:
    return dict(
        basis="wpg-20",
        categories=["politie", "signalen"],
        summary="Signalen van toenemende isolatie en online contacten.",
        justification=JUSTIFICATION,
        agreement_ref="Afspraak bevoegd gezag 2026-004",
    )


async def test_the_meeting_works_for_its_members(meeting: Meeting) -> None:
    """The baseline the attacks are measured against: a member's share reaches the others."""
    m = meeting
    share_id = m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    await until(
        "delivery",
        lambda: (
            m.nodes["politie"].store.one(
                "SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'"
            )
            == 2
        ),
    )
    seen = m.nodes["om"].shares.view_share(m.staff["om"], m.room, share_id)
    assert seen["summary"] == politie_share()["summary"]
    assert seen["author_function"] == "politie · casusregisseur"
    assert m.state("rvdk") is None


# --- an outsider in the roster ----------------------------------------------------------


async def test_a_roster_member_outside_the_room_cannot_fetch_its_events(meeting: Meeting) -> None:
    m = meeting
    path = f"/v1/rooms/{m.room.hex()}/events?after=-1"
    status, body = await m.request("rvdk", "gemeente", "GET", path)
    assert status == 403
    assert json.loads(body)["error"] == "node.not_allowed"
    assert refusals(m.nodes["gemeente"])[-1]["actor"] == "rvdk"
    # nor from another member's node
    status, _ = await m.request("rvdk", "politie", "GET", path)
    assert status == 403
    # a member may
    status, _ = await m.request("om", "gemeente", "GET", path)
    assert status == 200


async def test_a_roster_member_outside_the_room_cannot_open_a_leaked_share(
    meeting: Meeting,
) -> None:
    m = meeting
    rvdk = m.nodes["rvdk"]
    share_id = m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share())
    envelope = m.nodes["politie"].store.one("SELECT envelope FROM shares WHERE id = ?", (share_id,))

    # the envelope alone: rvdk does not know the room and stores nothing
    with pytest.raises(CasusnetError):
        rvdk.inbox.receive("politie", envelope)
    assert counts(rvdk)["shares"] == 0

    # with the whole chain leaked as well, rvdk follows the room but is no recipient
    for event in m.chain():
        rvdk.inbox.receive("gemeente", event)
    assert m.state("rvdk").seq == m.state("gemeente").seq
    assert "rvdk" not in m.state("rvdk").members
    with pytest.raises(CasusnetError) as info:
        rvdk.inbox.receive("politie", envelope)
    assert info.value.code == "node.not_recipient"
    assert counts(rvdk)["shares"] == 0
    assert refusals(rvdk)[-1]["code"] == "node.not_recipient"
    # and its own keys open nothing: it has no wrap and no room key in any epoch
    state = m.state("rvdk")
    share = verify_share(envelope, state=state, roster=rvdk.roster, registry=rvdk.registry)
    with pytest.raises(DecryptionError):
        open_share(
            share, me="rvdk", room_key=rvdk.identity.box, state=state, registry=rvdk.registry
        )


# --- a member acting as chair -----------------------------------------------------------


def forged_event(m: Meeting, signer: str, claimed: str, data: Any) -> bytes:
    state = m.state(signer)
    now = int(time.time())
    event = Event("event", PROTOCOL_VERSION, m.room, state.seq + 1, state.head, "invite", now, data)
    return sign(m.nodes[signer].identity.signer, claimed, event)


@pytest.mark.parametrize(
    ("claimed", "code"),
    [("politie", "chain.not_chair"), ("gemeente", "crypto.signature")],
    ids=["signed-as-politie", "politie-posing-as-the-chair"],
)
async def test_an_invite_not_signed_by_the_chair_is_refused(
    meeting: Meeting, claimed: str, code: str
) -> None:
    m = meeting
    om = m.nodes["om"]
    before_state, before = m.state("om"), counts(om)
    data = InviteData("rvdk", "deelnemer", before_state.epoch + 1)
    invite = forged_event(m, "politie", claimed, data)
    [(status, receipt, got)] = await m.post("politie", "om", invite)
    assert (status, receipt, got) == ("refused", None, code)
    after = m.state("om")
    assert (after.seq, after.head) == (before_state.seq, before_state.head)
    assert "rvdk" not in after.invited
    assert counts(om) == before
    entry = refusals(om)[-1]
    assert (entry["actor"], entry["code"], entry["kind"]) == ("politie", code, "event")


# --- shares that break the policy -------------------------------------------------------

REFUSALS = [
    ("politie", {"basis": "wgs", "categories": ["politie"]}, BasisNotDeclaredError),
    ("om", {"basis": "wpg-20", "categories": ["politie"]}, OrganisationNotAllowedError),
    ("politie", {"basis": "wjsg-39fb", "categories": ["justitieel"]}, OrganisationNotAllowedError),
]
IDS = ["undeclared-basis", "om-under-wpg-20", "politie-under-wjsg-39fb"]


def draft_fields(sender: str, change: dict[str, Any]) -> dict[str, Any]:
    fields = dict(
        summary="Samenvatting die niet gedeeld mag worden.",
        justification=JUSTIFICATION,
        agreement_ref="Afspraak bevoegd gezag 2026-004" if change["basis"] == "wpg-20" else None,
        recipients=sorted(n for n in MEMBERS if n != sender),
    )
    return {**fields, **change}


@pytest.mark.parametrize(("sender", "change", "error"), REFUSALS, ids=IDS)
async def test_a_share_outside_the_policy_is_refused_at_the_sender(
    meeting: Meeting, sender: str, change: dict[str, Any], error: type[PolicyError]
) -> None:
    m = meeting
    node = m.nodes[sender]
    before = {n: counts(m.nodes[n]) for n in MEMBERS}
    with pytest.raises(error) as info:
        node.shares.share(m.staff[sender], m.room, draft_fields(sender, change))
    assert info.value.side == "sender"
    await asyncio.sleep(0.1)
    # nothing stored, nothing queued in the outbox, nothing arrived anywhere
    assert {n: counts(m.nodes[n]) for n in MEMBERS} == before


@pytest.mark.parametrize(("sender", "change", "error"), REFUSALS[:1], ids=IDS[:1])
async def test_a_share_refused_at_the_sender_is_audited_there(
    meeting: Meeting, sender: str, change: dict[str, Any], error: type[PolicyError]
) -> None:
    m = meeting
    node = m.nodes[sender]
    known = len(refusals(node))
    with pytest.raises(error):
        node.shares.share(m.staff[sender], m.room, draft_fields(sender, change))
    new = [(e["actor"], e["code"]) for e in refusals(node)[known:]]
    assert new == [(m.staff[sender].name, error.code)]


def forge_share(m: Meeting, sender: str, change: dict[str, Any]) -> bytes:
    """A share by a correctly signing sender that skipped its own policy checks."""
    node = m.nodes[sender]
    state = m.state(sender)
    draft = Draft(author_function=f"{sender} · casusregisseur", **draft_fields(sender, change))
    share = Share(
        "share",
        PROTOCOL_VERSION,
        m.room,
        state.epoch,
        nacl.utils.random(16),
        sender,
        99,
        tuple(sorted(draft.recipients)),
        draft.basis,
        capacity_of(node),
        tuple(sorted(draft.categories)),
        int(time.time()),
        b"",
        (),
    )
    content = Content(
        share.header_hash(),
        draft.summary,
        draft.justification,
        draft.agreement_ref,
        draft.secrecy_ground,
        draft.secrecy_ref,
        draft.conditions,
        draft.author_function,
    )
    key = nacl.utils.random(32)
    body = Share.SPEC.wire(share)
    body["ct"] = secretbox(key, nacl.utils.random(24), content.encode())
    body["wraps"] = [
        seal(state.members[r].key, key, nacl.utils.random(32)) for r in share.recipients
    ]
    raw = pack(body)
    return Signed(raw, sender, node.identity.signer.sign("share", raw)).encode()


@pytest.mark.parametrize(("sender", "change", "error"), REFUSALS, ids=IDS)
async def test_a_forged_share_outside_the_policy_is_refused_at_the_recipient(
    meeting: Meeting, sender: str, change: dict[str, Any], error: type[PolicyError]
) -> None:
    m = meeting
    envelope = forge_share(m, sender, change)
    recipient = next(n for n in MEMBERS if n != sender)
    node = m.nodes[recipient]
    before = counts(node)
    [(status, receipt, code)] = await m.post(sender, recipient, envelope)
    assert (status, receipt, code) == ("refused", None, error.code)
    assert counts(node) == before
    entry = refusals(node)[-1]
    assert (entry["actor"], entry["code"], entry["kind"]) == (sender, error.code, "share")
    # the same error as the sender's own check would have raised
    with pytest.raises(error):
        m.nodes[sender].shares.share(m.staff[sender], m.room, draft_fields(sender, change))


async def test_a_share_that_could_not_be_read_is_refused_before_it_is_acknowledged(
    meeting: Meeting,
) -> None:
    """A sender that skipped its checks and left out the justification: the header is
    fine, the content is not. The recipient opens it before answering and refuses it."""
    m = meeting
    change = {"basis": "pga-r", "categories": ["signalen"], "justification": None}
    envelope = forge_share(m, "gemeente", change)
    node = m.nodes["politie"]
    before = counts(node)
    [(status, receipt, code)] = await m.post("gemeente", "politie", envelope)
    assert (status, receipt, code) == ("refused", None, "policy.field_required")
    assert counts(node) == before


async def test_a_share_changed_in_transit_is_refused_and_stores_nothing(meeting: Meeting) -> None:
    m = meeting
    politie = m.nodes["politie"]
    state = m.state("politie")
    envelope = seal_share(
        Draft(author_function="wijkagent", recipients=["gemeente", "om"], **politie_share()),
        state=state,
        registry=politie.registry,
        sender="politie",
        signer=politie.identity.signer,
        seq=1000,
        now=int(time.time()),
        rand=nacl.utils.random,
    )
    tampered = bytearray(envelope)
    tampered[len(envelope) // 2] ^= 0x01  # inside the ciphertext
    om = m.nodes["om"]
    before = counts(om)
    [(status, receipt, code)] = await m.post("politie", "om", bytes(tampered))
    assert (status, receipt, code) == ("refused", None, "crypto.signature")
    assert counts(om) == before
    assert refusals(om)[-1]["code"] == "crypto.signature"
    # the untouched envelope passes the same checks: the refusal was the change, nothing else
    verify_share(envelope, state=m.state("om"), roster=om.roster, registry=om.registry)


# --- replays ----------------------------------------------------------------------------


def kind_of(envelope: bytes) -> tuple[str, Any]:
    event = decode(decode(envelope, Signed.SPEC).body, Event.SPEC)
    return event.kind, event.data


async def test_an_old_event_replayed_is_answered_with_the_same_receipt(meeting: Meeting) -> None:
    m = meeting
    om = m.nodes["om"]
    invite = next(e for e in m.chain() if kind_of(e)[0] == "invite" and kind_of(e)[1].node == "om")
    stored = om.store.one("SELECT receipt FROM inbox WHERE env_hash = ?", (digest(invite),))
    at_chair = m.nodes["gemeente"].store.one(
        "SELECT data FROM receipts WHERE env_hash = ? AND issuer = 'om' AND kind = 'delivered'",
        (digest(invite),),
    )
    assert stored is not None
    assert stored == at_chair
    before, state = counts(om), m.state("om")
    audit_before = om.store.one("SELECT COUNT(*) FROM audit")
    [(status, receipt, code)] = await m.post("gemeente", "om", invite)
    assert (status, receipt, code) == ("ok", stored, None)
    # nothing changed: no second join, no new room key, the chain where it was
    assert counts(om) == before
    assert (m.state("om").seq, m.state("om").head) == (state.seq, state.head)
    assert om.store.one("SELECT COUNT(*) FROM audit") == audit_before


async def test_an_old_statement_replayed_to_the_chair_changes_nothing(meeting: Meeting) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    politie_assess = m.nodes["politie"].store.one(
        "SELECT envelope FROM outbox WHERE peer = 'gemeente' AND kind = 'assess'"
    )
    before, state = counts(g), m.state("gemeente")
    stored = g.store.one("SELECT receipt FROM inbox WHERE env_hash = ?", (digest(politie_assess),))
    [(status, receipt, code)] = await m.post("politie", "gemeente", politie_assess)
    assert (status, receipt, code) == ("ok", stored, None)
    assert counts(g) == before
    assert m.state("gemeente").seq == state.seq


async def test_each_refusal_of_the_inbox_has_its_own_code(meeting: Meeting) -> None:
    """docs/protocol.md section 14.2: one code per refusal, stable on the wire."""
    m = meeting
    politie = m.nodes["politie"]
    key = BoxKeyPair.generate(nacl.utils.random).public
    seq = m.state("politie").seq
    body = Join("join", PROTOCOL_VERSION, m.room, seq, "politie", key, politie.now())
    join = statement(politie.identity.signer, "politie", body)
    header = sign_request(
        politie.identity.signer,
        "politie",
        to="om",
        method="GET",
        path="/v1/roster",
        body=b"",
        now=int(time.time()),
        rand=nacl.utils.random,
    )
    request = base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    before = {n: counts(node) for n, node in m.nodes.items()}
    assert await m.post("politie", "om", join) == [["refused", None, "node.not_chair"]]
    assert await m.post("om", "gemeente", join) == [["refused", None, "node.not_own"]]
    roster = politie.rosters.roster_bytes()
    assert await m.post("politie", "om", roster, request) == [
        ["refused", None, "node.envelope_kind"],
        ["refused", None, "node.envelope_kind"],
    ]
    # the batch as a whole: over the limit, or empty
    for envelopes, code in (([join] * 65, "decode.limit"), ([], "decode.schema")):
        batch = pack({"envelopes": envelopes})
        status, raw = await m.request("politie", "om", "POST", "/v1/inbox", batch)
        assert (status, json.loads(raw)["error"]) == (400, code)
    assert {n: counts(node) for n, node in m.nodes.items()} == before


async def test_an_old_event_changed_and_replayed_is_refused(meeting: Meeting) -> None:
    """An earlier state's event, re-signed by the chair's key at the same seq, is a fork."""
    m = meeting
    om = m.nodes["om"]
    old = m.chain()[1]
    wrapper = decode(old, Signed.SPEC)
    event = decode(wrapper.body, Event.SPEC)
    changed = Event(
        event.t, event.v, event.room, event.seq, event.prev, event.kind, event.time + 1, event.data
    )
    forked = sign(m.nodes["gemeente"].identity.signer, "gemeente", changed)
    before, state = counts(om), m.state("om")
    [(status, _, code)] = await m.post("gemeente", "om", forked)
    assert (status, code) == ("refused", "chain.replay")
    assert counts(om) == before
    assert m.state("om").head == state.head


# --- per-sender sequence gaps --------------------------------------------------------------


def shares_from(node: Node, sender: str) -> dict[int, bytes]:
    rows = node.store.rows("SELECT seq, id FROM shares WHERE sender = ? AND own = 0", (sender,))
    return {r["seq"]: r["id"] for r in rows}


async def test_a_share_addressed_to_others_is_not_a_missing_gap(meeting: Meeting) -> None:
    m = meeting
    om = m.nodes["om"]
    politie = m.nodes["politie"]
    only_gemeente = politie.shares.share(
        m.staff["politie"], m.room, dict(politie_share(), recipients=["gemeente"])
    )
    to_om = politie.shares.share(
        m.staff["politie"], m.room, dict(politie_share(), recipients=["om"])
    )
    await until("delivery to om", lambda: to_om in shares_from(om, "politie").values())
    await m.settled()
    await asyncio.sleep(0.2)  # the gap question goes to politie in the background
    assert only_gemeente not in shares_from(om, "politie").values()
    assert not om.store.one("SELECT COUNT(*) FROM audit WHERE action = 'received_gap'")


async def test_a_lost_envelope_is_fetched_from_its_sender(meeting: Meeting) -> None:
    """om loses a stored share (its store restored from an older backup): the next share
    from politie shows the gap, and om fetches what it is missing from politie."""
    m = meeting
    om, politie = m.nodes["om"], m.nodes["politie"]
    first = politie.shares.share(
        m.staff["politie"], m.room, dict(politie_share(), recipients=["om"])
    )
    await until("first delivery", lambda: first in shares_from(om, "politie").values())
    await m.settled()
    seq = next(s for s, i in shares_from(om, "politie").items() if i == first)
    with om.store.transaction():  # what a restore from before the first share looks like
        env_hash = om.store.one("SELECT env_hash FROM shares WHERE id = ?", (first,))
        om.store.execute("DELETE FROM shares WHERE id = ?", (first,))
        om.store.execute("DELETE FROM inbox WHERE env_hash = ?", (env_hash,))
        om.store.execute("UPDATE seqs SET seq = ? WHERE sender = 'politie'", (seq - 1,))
    second = politie.shares.share(
        m.staff["politie"], m.room, dict(politie_share(), recipients=["om"])
    )
    await until(
        "the lost share fetched again",
        lambda: {first, second} <= set(shares_from(om, "politie").values()),
    )
    assert om.store.one("SELECT COUNT(*) FROM audit WHERE action = 'received_gap'") >= 1


async def test_a_room_pushed_at_a_node_without_an_invite_reaches_none_of_its_staff(
    meeting: Meeting,
) -> None:
    m = meeting
    rvdk = m.nodes["rvdk"]
    staffmod.add(
        rvdk.store,
        "raad-intake",
        "raadsonderzoeker",
        "lange-wachtzin-1",
        intake=True,
        now=rvdk.now(),
    )
    g = m.nodes["gemeente"]
    other = g.members.convene(
        m.staff["gemeente"], case="RAD-2026-099", purpose="Weging", bases=["pga-r"], meeting=g.now()
    )
    convene = g.rooms.events_after(other.room, -1)[0]
    results = await m.post("gemeente", "rvdk", convene)
    assert results[0][0] == "ok"
    assert rvdk.store.one("SELECT COUNT(*) FROM assignments WHERE room = ?", (other.room,)) == 0
