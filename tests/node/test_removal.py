"""A member taken out of a room (removed by the chair, or leaving) deletes what it
received there and its room keys at once and confirms it; later it hears the close
like every node that was ever at the table, and its ``closed`` receipt is counted.

The casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM, the intake opened it; rvdk and ggz stand by).
"""

from __future__ import annotations

import test_review
from test_review import JUSTIFICATION, Meeting, ciphertext, politie_share

from node.domain.node import Node
from node.store import reports
from protocol.codec import decode
from protocol.events import Event
from protocol.keys import digest
from protocol.revocation import Receipt
from protocol.signed import Signed

meeting = test_review.meeting  # the fixture

OM_SHARE = dict(
    basis="wjsg-39fb",
    categories=["justitieel"],
    summary="Lopend onderzoek, geen vervolging.",
    justification=JUSTIFICATION,
)


def receipts(node: Node, kind: str, issuer: str) -> list[Receipt]:
    """The ``kind`` receipts ``issuer`` signed for ``node``."""
    return [
        decode(decode(bytes(r["data"]), Signed.SPEC).body, Receipt.SPEC)
        for r in node.store.rows(
            "SELECT data FROM receipts WHERE kind = ? AND issuer = ?", (kind, issuer)
        )
    ]


def remove_event(m: Meeting, node: str) -> bytes:
    """The chair's ``remove`` event of ``node``."""
    g = m.nodes["gemeente"]
    for raw in g.rooms.events_after(m.room, -1, limit=1000):
        event = decode(decode(raw, Signed.SPEC).body, Event.SPEC)
        if event.kind == "remove" and event.data.node == node:
            return raw
    raise AssertionError("no remove event")


def test_a_removed_member_deletes_what_it_received_and_its_keys_and_confirms(
    meeting: Meeting,
) -> None:
    m = meeting
    g, politie, om = m.nodes["gemeente"], m.nodes["politie"], m.nodes["om"]
    received = politie.shares.share(m.staff["politie"], m.room, politie_share())
    own = om.shares.share(m.staff["om"], m.room, OM_SHARE)
    g.plan.add(
        m.staff["gemeente"], m.room, kind="decision", title="Gesprek met de ouders",
        measure="zorg", owner="gemeente", due=g.now() + 30 * 86400,
    )  # fmt: skip
    m.pump()
    ct = ciphertext(om.store.one("SELECT envelope FROM shares WHERE id = ?", (received,)))
    keys = [r[0] for r in om.store.execute("SELECT sealed FROM room_keys")]
    assert keys
    assert om.plan.items(m.room)  # the plan is readable while OM is at the table

    g.members.remove(m.staff["gemeente"], m.room, "om")
    m.pump()

    # OM got its removal (and the epoch without it), and kept nothing it received
    assert "om" not in m.state("om").members
    assert om.store.one("SELECT COUNT(*) FROM room_keys WHERE room = ?", (m.room,)) == 0
    assert om.store.one("SELECT envelope FROM shares WHERE id = ?", (received,)) is None
    assert om.plan.items(m.room) == []
    raw = m.files("om")
    assert ct[48:112] not in raw
    assert not any(k in raw for k in keys)
    # what it supplied itself stays (afgeschermd at the close, as for every member)
    assert om.store.one("SELECT COUNT(*) FROM plaintext WHERE share = ?", (own,)) == 1
    assert om.store.one("SELECT revoked_at FROM shares WHERE id = ?", (own,)) is None
    # the room is no more readable here, but it is not shielded: it is not closed
    assert om.store.one("SELECT keys_destroyed FROM rooms WHERE room = ?", (m.room,)) == 0

    # the chair and politie hold its signed confirmation, for the removal event
    ref = digest(remove_event(m, "om"))
    to_chair = receipts(g, "deleted", "om")
    assert [r.ref for r in to_chair] == [ref]
    assert to_chair[0].items == ()  # gemeente sent OM nothing
    to_politie = receipts(politie, "deleted", "om")
    assert [(r.ref, r.items) for r in to_politie] == [(ref, (received,))]
    assert g.closure.removals(m.state("gemeente")) == {"om": True}
    states = dict(politie.store.execute("SELECT peer, state FROM deliveries").fetchall())
    assert states["om"] == "deleted"


def test_a_share_arriving_after_the_removal_is_refused(meeting: Meeting) -> None:
    """A verstrekking sealed while OM was a member, delivered after its removal: OM
    keeps nothing new of the room."""
    m = meeting
    g, politie, om = m.nodes["gemeente"], m.nodes["politie"], m.nodes["om"]
    g.members.remove(m.staff["gemeente"], m.room, "om")
    # sealed for OM in the epoch before: politie has not heard of the removal yet
    share = politie.shares.share(m.staff["politie"], m.room, politie_share())
    m.pump()  # the chair's outbox first: OM is out before the share reaches it
    assert om.store.one("SELECT COUNT(*) FROM shares WHERE id = ?", (share,)) == 0
    refusals = om.store.rows("SELECT actor, detail FROM audit WHERE action = 'refused'")
    assert [r["actor"] for r in refusals] == ["politie"]
    assert "node.not_allowed" in refusals[0]["detail"]
    states = dict(politie.store.execute("SELECT peer, state FROM deliveries").fetchall())
    assert states["gemeente"] == "delivered"


def test_a_member_that_leaves_deletes_and_confirms_too(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = m.nodes["gemeente"], m.nodes["politie"], m.nodes["om"]
    received = om.shares.share(m.staff["om"], m.room, OM_SHARE)
    m.pump()
    politie.members.leave(m.staff["politie"], m.room)
    m.pump()
    assert politie.store.one("SELECT COUNT(*) FROM room_keys") == 0
    assert politie.store.one("SELECT envelope FROM shares WHERE id = ?", (received,)) is None
    assert g.closure.removals(m.state("gemeente")) == {"politie": True}
    assert [r.items for r in receipts(om, "deleted", "politie")] == [(received,)]


def test_a_removed_member_hears_the_close_and_its_closed_receipt_counts(
    meeting: Meeting,
) -> None:
    m = meeting
    g, politie, om, rvdk = (m.nodes[n] for n in ("gemeente", "politie", "om", "rvdk"))
    own = om.shares.share(m.staff["om"], m.room, OM_SHARE)
    m.pump()
    g.members.remove(m.staff["gemeente"], m.room, "om")
    m.pump()
    seen_by_om = m.state("om").seq
    # the meeting goes on without OM: RvdK joins; OM sees none of it
    g.members.invite(m.staff["gemeente"], m.room, "rvdk", "deelnemer")
    m.pump()
    assert m.state("gemeente").seq > seen_by_om + 1
    assert m.state("om").seq == seen_by_om

    m.close()

    state = m.state("om")
    assert (state.phase, state.outcome) == ("closed", "afgesloten")
    assert state.head == m.state("gemeente").head
    om.rooms.cache.clear()  # the close notice survives a replay of the stored chain
    assert om.rooms.state(m.room, om.now()) == state
    assert om.store.one("SELECT phase FROM rooms WHERE room = ?", (m.room,)) == "closed"
    assert om.store.one("SELECT keys_destroyed FROM rooms WHERE room = ?", (m.room,)) == 1
    # its own share is revoked now, as every member's, and the recipients confirmed
    assert om.store.one("SELECT COUNT(*) FROM plaintext WHERE share = ?", (own,)) == 0
    states = dict(om.store.execute("SELECT peer, state FROM deliveries").fetchall())
    assert states == {"gemeente": "deleted", "politie": "deleted"}
    # its closed receipt is counted by the chair and by politie, who sat with it
    close = om.rooms.events_after(m.room, state.seq - 1, limit=1)[0]
    for node in (g, politie):
        assert [r.ref for r in receipts(node, "closed", "om")] == [digest(close)]
    assert "om" in reports.closed_receipts(g.store, m.room)
    # RvdK, which never sat with OM, hears nothing from it and tells it nothing
    assert receipts(rvdk, "closed", "om") == []
    assert receipts(om, "closed", "rvdk") == []
    assert sorted(r.issuer for r in receipts(om, "closed", "gemeente")) == ["gemeente"]


def test_closed_receipts_name_only_the_addressees_own_shares(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = m.nodes["gemeente"], m.nodes["politie"], m.nodes["om"]
    from_politie = politie.shares.share(m.staff["politie"], m.room, politie_share())
    from_om = om.shares.share(m.staff["om"], m.room, OM_SHARE)
    m.pump()
    m.close()
    # the chair received both; each sender hears only of its own verstrekking
    assert [r.items for r in receipts(politie, "closed", "gemeente")] == [(from_politie,)]
    assert [r.items for r in receipts(om, "closed", "gemeente")] == [(from_om,)]
    assert [r.items for r in receipts(politie, "closed", "om")] == [(from_politie,)]
    # a partner that sent nothing learns no ids at all
    assert [r.items for r in receipts(g, "closed", "politie")] == [()]
    assert [r.items for r in receipts(g, "closed", "om")] == [()]
