"""Information requests between nodes, in-process (``meeting`` from ``test_review``:
gemeente chairs a pga-r room with politie and OM), and through the local API."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
import test_localapi_tui
import test_review
from test_review import JUSTIFICATION, Meeting

from node.domain.inbox import RetryLater
from node.errors import NotRecipientError
from node.store import audit
from node.store import inquiries as tables
from node.store import rooms as room_tables
from protocol.codec import decode
from protocol.errors import (
    CasusnetError,
    InquiryAnsweredError,
    InquiryPartyError,
    InquiryUnknownError,
    LocalProtocolError,
    RecipientError,
)
from protocol.inquiry import Inquiry, make_decline
from protocol.signed import Signed, sign

meeting = test_review.meeting  # the fixtures
local = test_localapi_tui.local

TOPIC = "Loopt er een strafzaak tegen betrokkene, en wanneer is de zitting?"
REASON = "Lopend opsporingsonderzoek: verstrekking schaadt het onderzoek (zwaarwegend)."


def om_answer(request: bytes | None, **more: Any) -> dict[str, Any]:
    return dict(
        basis="wjsg-39fb", categories=["justitieel"], summary="Zitting op 12 mei.",
        justification=JUSTIFICATION, request=request, **more,
    )  # fmt: skip


def entries(m: Meeting, node: str, action: str) -> list[dict[str, Any]]:
    return [dict(e["detail"]) for e in audit.entries(m.nodes[node].store) if e["action"] == action]


def test_a_request_is_answered_once_by_a_share_that_names_it(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    ident = politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC, ["justitieel"])
    envelope = politie.store.one("SELECT envelope FROM inquiries WHERE id = ?", (ident,))
    assert TOPIC.encode() not in envelope
    m.pump()
    # only the two hold it: the chair does not learn that it was asked
    assert m.nodes["gemeente"].inquiries.list(m.room) == []
    [asked] = om.inquiries.list(m.room)
    assert (asked["asker"], asked["asked"], asked["status"]) == ("politie", "om", "open")
    assert om.inquiries.view(m.staff["om"], m.room, ident)["topic"] == TOPIC
    assert politie.inquiries.list(m.room)[0]["delivered"] is True

    # the answer goes to the asker by default, and settles the request on both sides
    share_id = om.shares.share(m.staff["om"], m.room, om_answer(ident))
    assert om.shares.view_share(m.staff["om"], m.room, share_id)["recipients"] == ["politie"]
    m.pump()
    for node in (politie, om):
        [row] = node.inquiries.list(m.room)
        assert (row["status"], row["answer"]) == ("answered", share_id.hex())
    assert entries(m, "politie", "inquiry_answered")[0]["share"] == share_id.hex()

    # a second answer, or a decline after it, is refused with its own code
    results = om.shares.share_many([(m.staff["om"], m.room, om_answer(ident))])
    assert isinstance(results[0], InquiryAnsweredError)
    with pytest.raises(InquiryAnsweredError):
        om.inquiries.decline(m.staff["om"], m.room, ident, REASON)
    assert [r["status"] for r in om.inquiries.list(m.room)] == ["answered"]


def test_a_decline_reaches_the_asker_without_its_reasons(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    ident = politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC)
    m.pump()
    om.inquiries.decline(m.staff["om"], m.room, ident, REASON)
    decline = om.store.one("SELECT envelope FROM outbox WHERE kind = 'decline'")
    assert REASON.encode() not in decline
    m.pump()
    seen = politie.inquiries.view(m.staff["politie"], m.room, ident)
    assert seen["status"] == "declined"
    assert "reason" not in seen
    assert seen["topic"] == TOPIC  # the asker's own, kept sealed at rest
    kept = om.inquiries.view(m.staff["om"], m.room, ident)
    assert (kept["reason"], kept["reason_kept"]) == (REASON, True)
    # the reasons sit sealed in the store; the audit entry holds their hash
    assert REASON.encode() not in m.files("om")
    [entry] = entries(m, "om", "inquiry_declined")
    assert set(entry) == {"request", "to", "reason_sha256"}
    assert entries(m, "politie", "inquiry_declined")[0]["request"] == ident.hex()
    with pytest.raises(InquiryAnsweredError):  # settled: no answer after a decline
        om.shares.share(m.staff["om"], m.room, om_answer(ident))


def test_only_the_asked_answers_and_only_to_the_asker(meeting: Meeting) -> None:
    m = meeting
    politie, om, gemeente = m.nodes["politie"], m.nodes["om"], m.nodes["gemeente"]
    ident = politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC)
    m.pump()
    with pytest.raises(LocalProtocolError):  # an answer that leaves the asker out
        om.shares.share(m.staff["om"], m.room, om_answer(ident, recipients=["gemeente"]))
    with pytest.raises(InquiryPartyError):  # the asker does not answer itself
        politie.inquiries.decline(m.staff["politie"], m.room, ident, REASON)
    with pytest.raises(InquiryUnknownError):
        gemeente.inquiries.decline(m.staff["gemeente"], m.room, ident, REASON)
    with pytest.raises(RecipientError):
        politie.inquiries.ask(m.staff["politie"], m.room, "rvdk", TOPIC)  # not a member

    # a decline by a node that was not asked is refused by the asker, and changes nothing
    forged = make_decline(gemeente.identity.signer, "gemeente", room=m.room, request=ident,
                          to="politie", now=gemeente.now())  # fmt: skip
    with pytest.raises(InquiryPartyError):
        politie.inbox.receive("gemeente", forged)
    assert politie.inquiries.list(m.room)[0]["status"] == "open"
    unknown = make_decline(om.identity.signer, "om", room=m.room, request=bytes(16),
                           to="politie", now=om.now())  # fmt: skip
    with pytest.raises(InquiryUnknownError):
        politie.inbox.receive("om", unknown)
    refused = {e["code"] for e in entries(m, "politie", "refused")}
    assert {"inquiry.party", "inquiry.unknown"} <= refused


def test_the_inbox_is_idempotent_and_refuses_a_reused_id(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC)
    envelope = politie.store.one("SELECT envelope FROM outbox WHERE kind = 'inquiry'")
    first = om.inbox.receive("politie", envelope)
    again = om.inbox.receive("politie", envelope)
    assert again.receipt == first.receipt is not None
    assert len(om.inquiries.list(m.room)) == 1
    # the same id under another (re-signed) body is not a second request
    body = decode(decode(envelope, Signed.SPEC).body, Inquiry.SPEC)
    twin = sign(politie.identity.signer, "politie", replace(body, created=body.created + 1))
    with pytest.raises(CasusnetError) as refused:
        om.inbox.receive("politie", twin)
    assert refused.value.code == "inquiry.exists"
    assert len(om.inquiries.list(m.room)) == 1


def test_the_closure_forgets_received_requests(meeting: Meeting) -> None:
    m = meeting
    politie, om = m.nodes["politie"], m.nodes["om"]
    ident = politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC)
    m.pump()
    m.close()
    assert tables.envelope_and_sealed(om.store, "politie", ident)[0] is None
    assert [r["status"] for r in om.inquiries.list(m.room)] == ["open"]  # the record stays
    # the asker keeps its own topic, sealed, until the room's retention ends
    assert politie.inquiries.view(m.staff["politie"], m.room, ident)["topic"] == TOPIC
    with politie.store.transaction():
        room_tables.purge(politie.store, m.room)
    assert tables.of_room(politie.store, m.room) == []


async def test_the_local_api_asks_lists_answers_and_declines(meeting: Meeting, local: Any) -> None:
    m = meeting
    politie, om = await local("politie"), await local("om")
    base = f"/v1/rooms/{m.room.hex()}"
    status, asked = await politie.post(f"{base}/requests", {"to": "om", "topic": TOPIC})
    assert status == 200
    status, second = await politie.post(
        f"{base}/requests", {"to": "om", "topic": "Nog een vraag", "categories": []}
    )
    m.pump()
    status, listed = await om.get(f"{base}/requests")
    assert status == 200
    assert len(listed["requests"]) == 2
    status, doc = await om.get(f"{base}/requests/{asked['request']}")
    assert (status, doc["topic"]) == (200, TOPIC)
    body = dict(om_answer(None), request=asked["request"])
    status, answered = await om.post(f"{base}/shares", body)
    assert status == 200, answered
    status, again = await om.post(f"{base}/shares", body)
    assert (status, again["error"]) == (409, "inquiry.answered")
    status, declined = await om.post(f"{base}/requests/{second['request']}/decline",
                                     {"reason": REASON})  # fmt: skip
    assert (status, declined["status"]) == (200, "declined")
    status, bad = await om.post(f"{base}/requests/{'00' * 16}/decline", {"reason": REASON})
    assert (status, bad["error"]) == (404, "inquiry.unknown")
    status, bad = await om.post(f"{base}/requests/zz/decline", {"reason": REASON})
    assert (status, bad["error"]) == (400, "api.bad_request")
    m.pump()
    status, room = await politie.get(base)
    outcomes = {r["id"]: r["status"] for r in room["requests"]}
    assert outcomes == {asked["request"]: "answered", second["request"]: "declined"}
    status, chair = await (await local("gemeente")).get(base)
    assert chair["requests"] == []


def test_a_request_for_another_node_or_a_later_epoch_changes_nothing(meeting: Meeting) -> None:
    m = meeting
    politie, om, gemeente = m.nodes["politie"], m.nodes["om"], m.nodes["gemeente"]
    politie.inquiries.ask(m.staff["politie"], m.room, "om", TOPIC)
    envelope = politie.store.one("SELECT envelope FROM outbox WHERE kind = 'inquiry'")
    with pytest.raises(NotRecipientError):  # the chair is handed a request to OM
        gemeente.inbox.receive("politie", envelope)
    assert gemeente.inquiries.list(m.room) == []
    assert gemeente.store.one("SELECT COUNT(*) FROM inquiries") == 0
    # a request of an epoch OM has not seen yet waits: it is not refused
    body = decode(decode(envelope, Signed.SPEC).body, Inquiry.SPEC)
    ahead = sign(politie.identity.signer, "politie", replace(body, epoch=body.epoch + 1))
    with pytest.raises(RetryLater):
        om.inbox.receive("politie", ahead)
    assert om.inquiries.list(m.room) == []
