"""The close notice: a node removed from a room (or that left it) follows its chain no
more, and accepts the chair's ``close`` alone (docs/protocol.md 6.7.10)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world import World

from protocol import chain
from protocol.chain import MAX_SKEW, RoomState
from protocol.codec import PROTOCOL_VERSION
from protocol.errors import (
    ChainError,
    ChainLinkError,
    ChainReplayError,
    ChainStateError,
    MembershipError,
    NotChairError,
)
from protocol.events import CloseData, Event, RemoveData
from protocol.keys import digest
from protocol.revocation import former_member, verify_close_notice
from protocol.signed import sign


def removed_then_closed(w: World) -> tuple[RoomState, bytes]:
    """OM is removed, the room goes on (an invite), then closes: OM's view of the
    chain (up to the epoch without it) and the close event."""
    w.open_room(third_party=False)
    w.remove("om")
    w.epoch()
    assert w.state is not None
    seen_by_om = w.state
    w.invite("jeugdzorg", "derde")
    close = w.close_jointly("afgesloten")
    return seen_by_om, close


def test_a_former_member_accepts_the_close_without_the_events_between() -> None:
    w = World()
    seen, close = removed_then_closed(w)
    assert former_member(seen, "om")
    with pytest.raises(ChainLinkError):  # the ordinary way: a gap it cannot fill
        chain.apply(seen, close, roster=w.roster, registry=w.registry, now=w.now)
    closed = verify_close_notice(seen, close, node="om", roster=w.roster, now=w.now)
    assert (closed.phase, closed.outcome, closed.closed_at) == ("closed", "afgesloten", w.now)
    assert w.state is not None
    assert closed.seq == w.state.seq
    assert closed.head == digest(close)
    assert closed.epochs == seen.epochs  # nothing of what happened after its removal


def test_a_node_that_still_follows_the_room_takes_the_ordinary_way() -> None:
    w = World()
    seen, close = removed_then_closed(w)
    for node in ("politie", "gemeente"):  # members: they must fetch the gap
        with pytest.raises(MembershipError):
            verify_close_notice(seen, close, node=node, roster=w.roster, now=w.now)
    with pytest.raises(MembershipError):  # never a member at all
        verify_close_notice(seen, close, node="ggz", roster=w.roster, now=w.now)


def test_only_the_chairs_close_of_this_room_later_than_what_was_seen_counts() -> None:
    w = World()
    seen, close = removed_then_closed(w)
    assert w.state is not None
    with pytest.raises(ChainStateError):  # anything but a close
        verify_close_notice(
            seen, w.event("remove", RemoveData("politie")), node="om", roster=w.roster, now=w.now
        )
    forged = Event(
        "event", PROTOCOL_VERSION, w.state.room, w.state.seq + 1, w.state.head, "close", w.now,
        CloseData("afgesloten"),
    )  # fmt: skip
    with pytest.raises(NotChairError):  # signed by a member, not the chair
        verify_close_notice(
            seen, sign(w.signer("politie"), "politie", forged), node="om", roster=w.roster,
            now=w.now,
        )  # fmt: skip
    with pytest.raises(ChainReplayError):  # not later than what OM has seen
        verify_close_notice(seen, w.events[seen.seq], node="om", roster=w.roster, now=w.now)
    foreign = sign(w.signer("gemeente"), "gemeente", replace(forged, room=bytes(32)))
    with pytest.raises(ChainLinkError):  # another room's close
        verify_close_notice(seen, foreign, node="om", roster=w.roster, now=w.now)
    with pytest.raises(ChainError):  # from the future
        verify_close_notice(
            seen, close, node="om", roster=w.roster, now=(w.state.closed_at or 0) - MAX_SKEW - 1
        )


def test_a_closed_room_takes_no_second_close() -> None:
    w = World()
    seen, close = removed_then_closed(w)
    closed = verify_close_notice(seen, close, node="om", roster=w.roster, now=w.now)
    assert w.state is not None
    again = chain.next_event(w.signer("gemeente"), w.state, "close", CloseData("afgesloten"), w.now)
    with pytest.raises(ChainStateError):
        verify_close_notice(closed, again, node="om", roster=w.roster, now=w.now)
