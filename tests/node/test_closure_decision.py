"""The closure of an open room is a decision of the deelnemers (Wet PGA art. 6 lid 3):
the chair proposes it with the closing note, every deelnemer organisation at the
table signs, and the chair's node then closes the room by itself; revocation follows
as for any close.

The casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM, the intake opened it).
"""

from __future__ import annotations

import pytest
import test_review
from fed import CLOSING_NOTE
from test_removal import OM_SHARE, receipts
from test_review import MEMBERS, Meeting, ciphertext, politie_share

from node.errors import NotAllowedError
from protocol.errors import ClosureError
from protocol.events import CloseData

meeting = test_review.meeting  # the fixture


def test_the_chair_closes_by_itself_after_the_last_signature_and_revocation_follows(
    meeting: Meeting,
) -> None:
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    shared = politie.shares.share(m.staff["politie"], m.room, politie_share())
    own = om.shares.share(m.staff["om"], m.room, OM_SHARE)
    m.pump()
    ct = ciphertext(g.store.one("SELECT envelope FROM shares WHERE id = ?", (shared,)))

    with pytest.raises(NotAllowedError):  # an open room: the closing note is asked for
        g.closure.close(m.staff["gemeente"], m.room, "afgeschaald")
    proposed = g.closure.close(m.staff["gemeente"], m.room, "afgeschaald", CLOSING_NOTE)
    m.pump()
    assert proposed.phase == "open"
    ruling = proposed.ruling
    assert ruling is not None
    assert (ruling.stage, ruling.outcome) == ("afsluiting", "afgeschaald")
    assert ruling.required == {"gemeente", "politie", "om"}
    assert "close_proposed" in [r["action"] for r in g.store.rows("SELECT action FROM audit")]
    # the closing note is sealed to every member: politie reads it in the intake view
    (entry,) = [
        r for r in politie.intake.view(m.staff["politie"], m.room)["rulings"]
        if r["stage"] == "afsluiting"
    ]  # fmt: skip
    assert (entry["reasoning"], entry["required"]) == (CLOSING_NOTE, ["gemeente", "om", "politie"])

    for n in ("gemeente", "politie"):
        m.nodes[n].intake.endorse(m.staff[n], m.room, ruling.seq)
        m.pump()
    assert all(m.state(n).phase == "open" for n in MEMBERS)
    with pytest.raises(ClosureError) as waiting:  # the chair cannot close it alone
        g.closure.close(m.staff["gemeente"], m.room, "afgeschaald")
    assert waiting.value.code == "chain.closure"
    assert "om" in str(waiting.value)
    with pytest.raises(ClosureError):  # nor sign a close event past the node's rules
        g.members.chair_event(m.state("gemeente"), "close", CloseData("afgeschaald"))
    assert g.store.one("SELECT COUNT(*) FROM shares WHERE id = ? AND envelope IS NOT NULL",
                       (shared,)) == 1  # fmt: skip

    om.intake.endorse(m.staff["om"], m.room, ruling.seq)  # the last signature
    m.pump()
    for n in MEMBERS:
        state = m.state(n)
        assert (state.phase, state.outcome) == ("closed", "afgeschaald"), n
        assert state.rulings[-1].seq == ruling.seq
    closes = g.store.rows("SELECT actor FROM audit WHERE action = 'close'")
    assert {r["actor"] for r in closes} == {"gemeente"}  # the node, not a staff member
    # revocation follows: the recipients deleted what they received and their keys
    for n in ("gemeente", "om"):
        assert m.nodes[n].store.one("SELECT envelope FROM shares WHERE id = ?", (shared,)) is None
        assert m.nodes[n].store.one("SELECT COUNT(*) FROM room_keys") == 0
        assert ct[48:112] not in m.files(n)
    assert om.store.one("SELECT COUNT(*) FROM plaintext WHERE share = ?", (own,)) == 0
    assert [r.items for r in receipts(politie, "closed", "gemeente")] == [(shared,)]


def test_a_new_note_proposes_again_and_the_signatures_start_over(meeting: Meeting) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    first = g.closure.close(m.staff["gemeente"], m.room, "afgesloten", CLOSING_NOTE).ruling
    m.pump()
    assert first is not None
    m.nodes["politie"].intake.endorse(m.staff["politie"], m.room, first.seq)
    m.pump()
    again = g.closure.close(m.staff["gemeente"], m.room, "overgedragen", "Overdracht naar X.")
    m.pump()
    assert again.ruling is not None
    assert again.ruling.endorsed == frozenset()
    with pytest.raises(NotAllowedError):  # politie read the first: replaced
        m.nodes["politie"].intake.endorse(m.staff["politie"], m.room, first.seq)
    for n in MEMBERS:
        m.nodes[n].intake.endorse(m.staff[n], m.room, again.ruling.seq)
        m.pump()
    assert (m.state("om").phase, m.state("om").outcome) == ("closed", "overgedragen")
