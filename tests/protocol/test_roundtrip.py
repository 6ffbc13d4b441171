"""Every message type encodes, decodes and re-encodes to the same bytes; plan items."""

from __future__ import annotations

from typing import Any

import pytest
from world import World

from protocol.codec import decode
from protocol.errors import BindingError, DecryptionError, LocalProtocolError
from protocol.events import EVENT_KINDS, STATEMENT_SPECS, Event
from protocol.request import Request, read_request_header, sign_request
from protocol.revocation import Receipt, Revoke, make_receipt, make_revoke
from protocol.roster import Roster
from protocol.share import Content, Share, open_item, seal_item
from protocol.signed import Signed


def a_whole_meeting() -> tuple[World, dict[str, list[bytes]]]:
    """A room through every event kind; returns the signed messages by type."""
    w = World()
    w.open_room()
    assert w.state is not None
    w.add(
        "agenda",
        seal_item(
            w.state,
            "agenda",
            title="Netwerkanalyse",
            measure=None,
            owner=None,
            due=None,
            rand=w.rand,
        ),
    )
    w.add(
        "decision",
        seal_item(
            w.state,
            "decision",
            title="Meldplicht",
            measure="bestuurlijk",
            owner="gemeente",
            due=w.now + 86400,
            rand=w.rand,
        ),
    )
    measure = {"title": "Gesprek", "kind": "zorg", "authority": None, "risk": "Isolatie"}
    w.plan("politie", "propose", measure, uitvoerder="politie", due=w.now + 86400)
    w.remove("rvdk")
    w.epoch()
    w.leave("reclassering")
    w.epoch()
    share = w.share("politie")
    w.close_jointly("afgesloten")
    assert w.state is not None
    revoke = make_revoke(
        w.signer("politie"),
        "politie",
        room=w.state.room,
        seq=2,
        revoke_all=True,
        now=w.now,
        rand=w.rand,
    )
    receipt = make_receipt(
        w.signer("om"),
        "om",
        kind="closed",
        room=w.state.room,
        envelope=w.events[-1],
        to="gemeente",
        now=w.now,
    )
    return w, {
        "event": w.events,
        "share": [share],
        "revoke": [revoke],
        "receipt": [receipt],
        "roster": [w.roster_bytes],
    }


SPECS: dict[str, Any] = {
    "event": Event.SPEC,
    "share": Share.SPEC,
    "revoke": Revoke.SPEC,
    "receipt": Receipt.SPEC,
    "roster": Roster.SPEC,
}


def test_every_event_kind_occurs() -> None:
    w, _ = a_whole_meeting()
    kinds = {decode(decode(e, Signed.SPEC).body, Event.SPEC).kind for e in w.events}
    assert kinds == set(EVENT_KINDS)


@pytest.mark.parametrize("kind", list(SPECS))
def test_round_trip_of_every_message_type(kind: str) -> None:
    _, messages = a_whole_meeting()
    for raw in messages[kind]:
        wrapper = decode(raw, Signed.SPEC)
        assert wrapper.encode() == raw
        message = decode(wrapper.body, SPECS[kind])
        assert message.encode() == wrapper.body
        assert decode(message.encode(), SPECS[kind]) == message
        if kind == "event" and message.kind in STATEMENT_SPECS:
            inner = decode(message.data.statement, Signed.SPEC)
            statement = decode(inner.body, STATEMENT_SPECS[message.kind])
            assert statement.encode() == inner.body


def test_round_trip_of_request_and_content() -> None:
    w = World()
    header = sign_request(
        w.signer("om"),
        "om",
        to="politie",
        method="GET",
        path="/v1/rooms/ab/events?after=3",
        body=b"",
        now=w.now,
        rand=w.rand,
    )
    pending = read_request_header(header)
    assert decode(pending.request.encode(), Request.SPEC) == pending.request
    content = Content(b"\x00" * 32, "samenvatting", None, None, None, None, None, "wijkagent")
    assert decode(content.encode(), Content.SPEC) == content


def test_plan_items_open_for_members_only() -> None:
    w = World()
    state = w.open_room()
    data = seal_item(
        state,
        "decision",
        title="Paspoortmaatregel",
        measure="bestuurlijk",
        owner="gemeente",
        due=w.now + 7 * 86400,
        rand=w.rand,
        recipients=["gemeente", "om", "politie"],
    )
    w.add("decision", data)
    assert w.state is not None
    item = open_item("decision", data, me="om", room_key=w.room_keys["om"], state=w.state)
    assert item.title == "Paspoortmaatregel"
    assert item.measure == "bestuurlijk"
    assert item.owner == "gemeente"
    with pytest.raises(DecryptionError):
        open_item("decision", data, me="ggz", room_key=w.room_keys["ggz"], state=w.state)
    with pytest.raises(BindingError):  # an agenda item cannot pose as a decision
        open_item("agenda", data, me="om", room_key=w.room_keys["om"], state=w.state)


def test_decisions_need_measure_owner_and_date() -> None:
    w = World()
    state = w.open_room()
    with pytest.raises(LocalProtocolError):
        seal_item(state, "decision", title="x", measure=None, owner="gemeente", due=1, rand=w.rand)
    with pytest.raises(LocalProtocolError):
        seal_item(
            state, "decision", title="x", measure="zorg", owner="jeugdzorg", due=1, rand=w.rand
        )


def test_plan_items_need_an_open_room_and_unique_ids() -> None:
    from protocol.errors import ChainReplayError, ChainStateError

    w = World()
    w.convene()
    assert w.state is not None
    data = seal_item(
        w.state, "agenda", title="Weging", measure=None, owner=None, due=None, rand=w.rand
    )
    with pytest.raises(ChainStateError):
        w.add("agenda", data)
    w2 = World()
    w2.open_room()
    assert w2.state is not None
    data = seal_item(
        w2.state, "agenda", title="Weging", measure=None, owner=None, due=None, rand=w2.rand
    )
    w2.add("agenda", data)
    with pytest.raises(ChainReplayError):
        w2.add("agenda", data)
