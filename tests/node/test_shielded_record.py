"""Afscherming (Wet PGA art. 6 lid 3, art. 7, art. 9): at closure the recipients delete
what they received and destroy their room keys; what remains (each supplier's record
of what it supplied, the gemeente's integrated record) is sealed, opened only for a
recorded purpose (audited), destroyed at the latest at the art. 9 date unless a legal
hold is recorded. The plan export lands in the node's exports folder.

The casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM; ``fed`` from ``test_aanmeldingen`` for a ZVH chair).
"""

from __future__ import annotations

import dataclasses
import stat
from typing import Any

import pytest
import test_aanmeldingen
import test_review
from fed import CLOSING_NOTE
from test_aanmeldingen import Fed, convene_and_close, register
from test_removal import OM_SHARE
from test_review import MEMBERS, Meeting, politie_share

from node.domain import retention
from node.domain import staff as staffmod
from node.domain.exports import WARN_BEFORE
from node.store import audit
from protocol.errors import CasusnetError

meeting = test_review.meeting  # the fixtures
fed = test_aanmeldingen.fed

SECRET = "Contact met een geradicaliseerde neef in Syrië."


def actions(node: Any, action: str) -> list[dict[str, Any]]:
    return [e for e in audit.entries(node.store) if e["action"] == action]


def fg(node: Any) -> Any:
    """The node's FG: the role ``fg``, assigned to no room."""
    made = staffmod.add(node.store, "fg-1", "FG", "geheim-en-lang", intake=False, now=node.now())
    return dataclasses.replace(made, roles=frozenset({"fg"}))


def record(node: Any, kind: str) -> bytes:
    (row,) = [r for r in node.store.rows("SELECT id, kind FROM shielded") if r["kind"] == kind]
    return bytes(row["id"])


def closed_with_shares(m: Meeting) -> tuple[bytes, bytes]:
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    g.plan.add(m.staff["gemeente"], m.room, kind="decision", title="Gesprek met school",
               measure="zorg", owner="gemeente", due=g.now() + 86400)  # fmt: skip
    shared = politie.shares.share(m.staff["politie"], m.room, politie_share(SECRET))
    gone = politie.shares.share(m.staff["politie"], m.room, politie_share("Ingetrokken."))
    om.shares.share(m.staff["om"], m.room, OM_SHARE)
    m.pump()
    politie.closure.revoke(m.staff["politie"], m.room, [gone])  # revoked by hand: gone
    m.pump()
    m.close("afgeschaald")
    return shared, gone


def test_closure_seals_what_remains_and_recipients_keep_nothing(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    shared, gone = closed_with_shares(m)
    # every recipient deleted what it received and its room keys
    for n in MEMBERS:
        node = m.nodes[n]
        assert node.store.one("SELECT COUNT(*) FROM room_keys") == 0
        held = "SELECT COUNT(*) FROM shares WHERE own = 0 AND envelope IS NOT NULL"
        assert node.store.one(held) == 0
        assert node.store.one("SELECT COUNT(*) FROM plaintext") == 0
    # the suppliers keep a record; the gemeente (van verblijf, the chair) the integrated one
    kinds = {n: sorted(r["kind"] for r in m.nodes[n].store.rows("SELECT kind FROM shielded"))
             for n in MEMBERS}  # fmt: skip
    assert kinds == {"gemeente": ["gemeente"], "politie": ["supplier"], "om": ["supplier"]}
    # no plaintext of a shielded record in the database files, WAL included
    for n in MEMBERS:
        files = m.files(n)
        for text in (SECRET, CLOSING_NOTE, "Gesprek met school"):
            assert text.encode() not in files, (n, text)
    # the supplier opens its record for a purpose: what it supplied, not what it revoked
    supplied = politie.shielded.supplied(
        m.staff["politie"], m.room, purpose="inzageverzoek", reason="Verzoek van betrokkene."
    )
    assert [(s["share"], s["content"]["summary"]) for s in supplied] == [(shared, SECRET)]
    assert supplied[0]["basis"] == "wpg-20"
    assert supplied[0]["recipients"]
    assert gone not in [s["share"] for s in supplied]
    (opened,) = actions(politie, "shielded_opened")
    assert opened["detail"]["purpose"] == "inzageverzoek"
    assert SECRET not in str(opened)
    assert "betrokkene" not in str(opened)
    # the integrated record at the gemeente: intake, plan, closing decision, index
    rec = g.shielded.integrated(
        m.staff["gemeente"], m.room, purpose="rechtsvordering", reason="Procedure."
    )
    assert rec["closing"]["outcome"] == "afgeschaald"
    assert rec["closing"]["note"] == CLOSING_NOTE
    assert set(rec["closing"]["signed_by"]) == {"gemeente", "politie", "om"}
    assert [p["title"] for p in rec["plan"]["measures"]] == ["Gesprek met school"]
    index = {v["share"]: v for v in rec["verstrekkingen"]}
    assert index[shared.hex()]["sender"] == "politie"
    assert "content" not in index[shared.hex()]
    assert index[gone.hex()]["revoked"] is True
    assert [r["stage"] for r in rec["intake"]["rulings"]]  # the intake decision


def test_opening_needs_a_purpose_and_a_reason_and_the_fg_never_sees_content(
    meeting: Meeting,
) -> None:
    m = meeting
    politie = m.nodes["politie"]
    closed_with_shares(m)
    rid = record(politie, "supplier")
    before = len(audit.entries(politie.store))
    for purpose, reason in ((None, "x"), ("nieuwsgierigheid", "x"), ("overdracht", " ")):
        with pytest.raises(CasusnetError) as bad:
            politie.shielded.open(m.staff["politie"], rid, purpose=purpose, reason=reason)
        assert bad.value.code == "shielded.invalid"
    assert len(audit.entries(politie.store)) == before  # refused: nothing changed
    officer = fg(politie)
    with pytest.raises(CasusnetError) as forbidden:
        politie.shielded.open(officer, rid, purpose="overdracht", reason="Overdracht.")
    assert forbidden.value.code == "shielded.forbidden"
    outsider = staffmod.add(politie.store, "mw-ander", "ander", "geheim-en-lang", intake=False,
                            now=politie.now())  # fmt: skip
    with pytest.raises(CasusnetError):
        politie.shielded.open(outsider, rid, purpose="overdracht", reason="Overdracht.")
    politie.shielded.open(m.staff["politie"], rid, purpose="overdracht", reason="Naar gemeente B.")
    (entry,) = politie.shielded.listing(officer)
    assert (entry["kind"], entry["openings"], entry["hold"]) == ("supplier", 1, False)
    assert entry["opened"][0]["purpose"] == "overdracht"
    assert "content" not in entry
    assert SECRET not in str(entry)


def test_a_legal_hold_stops_the_purge_until_lifted(meeting: Meeting) -> None:
    m = meeting
    g, politie = m.nodes["gemeente"], m.nodes["politie"]
    closed_with_shares(m)
    officer = fg(g)
    rid = record(g, "gemeente")
    with pytest.raises(CasusnetError) as only_fg:
        g.shielded.hold(m.staff["gemeente"], rid, reason="Lopende procedure.")
    assert only_fg.value.code == "shielded.forbidden"
    g.shielded.hold(officer, rid, reason="Lopende procedure.")
    (term,) = g.store.rows("SELECT destroy_by FROM shielded")
    later = term["destroy_by"] + 1
    for n in ("gemeente", "politie"):
        m.nodes[n].ctx.clock = lambda: later
    assert retention.run_once(g)["shielded"] == 0
    assert g.store.one("SELECT COUNT(*) FROM shielded") == 1
    assert g.store.one("SELECT COUNT(*) FROM rooms") == 1  # the room's metadata stays too
    assert retention.run_once(politie)["shielded"] == 1  # no hold there: gone at the term
    assert politie.store.one("SELECT COUNT(*) FROM shielded") == 0
    with pytest.raises(CasusnetError) as held:
        g.shielded.destroy(officer, rid, reason="Niet meer nodig.")
    assert held.value.code == "shielded.held"
    g.shielded.release(officer, rid)
    assert {e["action"] for e in audit.entries(g.store)} >= {"shielded_held", "shielded_released"}
    result = retention.run_once(g)
    assert (result["shielded"], result["purged"]) == (1, 1)
    assert g.store.one("SELECT COUNT(*) FROM shielded") == 0
    assert [e["detail"]["why"] for e in actions(g, "shielded_destroyed")] == ["termijn"]


def test_the_fg_or_the_chair_destroys_when_no_longer_necessary(meeting: Meeting) -> None:
    m = meeting
    g, politie = m.nodes["gemeente"], m.nodes["politie"]
    closed_with_shares(m)
    with pytest.raises(CasusnetError):  # politie is no chair and its staff no FG
        politie.shielded.destroy(m.staff["politie"], record(politie, "supplier"), reason="Klaar.")
    g.shielded.destroy(m.staff["gemeente"], record(g, "gemeente"), reason="Niet meer nodig.")
    politie.shielded.destroy(fg(politie), record(politie, "supplier"), reason="Niet meer nodig.")
    for node in (g, politie):
        assert node.store.one("SELECT COUNT(*) FROM shielded") == 0
        assert [e["detail"]["why"] for e in actions(node, "shielded_destroyed")] == ["besluit"]
    assert SECRET.encode() not in m.files("politie")


def test_the_integrated_record_stays_with_the_gemeente_when_the_zvh_chairs(fed: Fed) -> None:
    f = fed
    aid = register(f, to="gemeente")
    f.pump()
    g = f.nodes["gemeente"]
    g.members.grant_mandate(f.staff["gemeente"], "zvh", test_aanmeldingen.CASE)
    g.aanmeldingen.share_with_chair(f.staff["gemeente"], aid, "zvh")
    f.pump()
    convene_and_close(f, "zvh", aid)
    kinds = {n: [r["kind"] for r in node.store.rows("SELECT kind FROM shielded")]
             for n, node in f.nodes.items()}  # fmt: skip
    assert kinds["gemeente"] == ["gemeente"]
    assert kinds["zvh"] == []
    assert kinds["politie"] == []
    assert kinds["om"] == []


def test_the_export_lands_in_the_exports_folder_and_after_closure_needs_a_purpose(
    meeting: Meeting,
) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    politie = m.nodes["politie"]
    g.plan.add(m.staff["gemeente"], m.room, kind="decision", title="Gesprek met school",
               measure="zorg", owner="gemeente", due=g.now() + 86400)  # fmt: skip
    m.pump()
    early = politie.exports.export(m.staff["politie"], m.room)  # a recipient's copy
    doc = g.exports.export(m.staff["gemeente"], m.room)
    folder = g.config.data_dir / "exports"
    assert doc["path"] == str(folder / doc["file"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / doc["file"]).stat().st_mode) == 0o600
    assert "Gesprek met school" in (folder / doc["file"]).read_text()
    m.close("afgeschaald")
    # the recipient's export went with its copies; the gemeente's stays with its record
    assert not (politie.config.data_dir / "exports" / early["file"]).exists()
    assert (folder / doc["file"]).exists()
    with pytest.raises(CasusnetError):
        g.exports.export(m.staff["gemeente"], m.room)  # no purpose after closure
    with pytest.raises(CasusnetError) as recipient:
        politie.exports.export(m.staff["politie"], m.room, purpose="overdracht", reason="B.")
    assert recipient.value.code == "shielded.export_closed"
    after = g.exports.export(
        m.staff["gemeente"], m.room, purpose="overdracht", reason="Naar gemeente B."
    )
    assert "Gesprek met school" in (folder / after["file"]).read_text()
    assert actions(g, "shielded_opened")[-1]["detail"]["purpose"] == "overdracht"
    rows = g.store.rows("SELECT file, purpose, destroyed FROM exports ORDER BY created")
    assert [r["purpose"] for r in rows] == [None, "overdracht"]
    g.shielded.destroy(m.staff["gemeente"], record(g, "gemeente"), reason="Niet meer nodig.")
    assert not any(folder.iterdir())  # the exports went with the record
    assert len(actions(g, "export_destroyed")) == 2


def test_an_open_room_is_warned_about_before_its_term_and_never_purged_silently(
    meeting: Meeting,
) -> None:
    m = meeting
    politie = m.nodes["politie"]
    term = politie.store.one("SELECT purge_after FROM rooms")
    politie.ctx.clock = lambda: term + 1  # past the term, but no warning yet
    retention.run_once(politie)
    assert politie.store.one("SELECT COUNT(*) FROM rooms") == 1
    (warning,) = actions(politie, "retention_warning")
    assert warning["detail"]["term_ends"] == term
    retention.run_once(politie)
    assert len(actions(politie, "retention_warning")) == 1  # once
    politie.ctx.clock = lambda: term + WARN_BEFORE + 2
    assert retention.run_once(politie)["purged"] == 1
