"""The living plan van aanpak at the node: measures a deelnemer proposes, the chair
adopts, adjusts and withdraws and the uitvoerder carries out; follow-up meetings with
agenda points, a verslag and a re-assessment; the rooms list's counts; and the
refusals, which change nothing.

The casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM, the intake opened it).
"""

from __future__ import annotations

from typing import Any

import pytest
import test_localapi_tui
import test_review
from test_review import MEMBERS, Meeting

from node.errors import NotAllowedError
from protocol.errors import ChainStateError, MeasureError, MeetingError, NotChairError

meeting = test_review.meeting  # the fixture
local = test_localapi_tui.local  # each node's local API, logged in

DAY = 86_400
TITLE = "Gesprek met de jongere over zijn online contacten"
RISK = "Verdere isolatie en online beïnvloeding"


def measure(m: Meeting, **more: Any) -> dict[str, Any]:
    now = m.nodes["gemeente"].now()
    return {
        "title": TITLE, "kind": "zorg", "uitvoerder": "politie", "authority": None,
        "risk": RISK, "due": now + 30 * DAY, **more,
    }  # fmt: skip


def plan_of(m: Meeting, node: str) -> dict[str, Any]:
    return m.nodes[node].plan.view(m.staff[node], m.room)


def test_a_measure_is_proposed_adopted_adjusted_and_carried_out(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    item = om.plan.propose(m.staff["om"], m.room, measure(m))
    m.pump()
    (proposed,) = plan_of(m, "gemeente")["measures"]
    assert (proposed["status"], proposed["adopted"], proposed["proposed_by"]) == (
        "voorgesteld", False, "om",
    )  # fmt: skip
    assert proposed["title"] == TITLE
    # only the chair adopts; only the uitvoerder sets the status, once adopted
    with pytest.raises(MeasureError):
        om.plan.adopt(m.staff["om"], m.room, item)
    with pytest.raises(MeasureError):
        politie.plan.set_status(m.staff["politie"], m.room, item, "lopend", None)
    g.plan.adopt(m.staff["gemeente"], m.room, item)
    m.pump()
    with pytest.raises(MeasureError):  # the chair is not the uitvoerder
        g.plan.set_status(m.staff["gemeente"], m.room, item, "lopend", None)
    due = g.now() + 10 * DAY
    g.plan.adjust(
        m.staff["gemeente"], m.room, item, {"due": due, "authority": "burgemeester"},
        "Eerder nodig na de melding van school",
    )  # fmt: skip
    m.pump()
    politie.plan.set_status(m.staff["politie"], m.room, item, "lopend", "Eerste gesprek gevoerd")
    m.pump()
    politie.plan.set_status(m.staff["politie"], m.room, item, "uitgevoerd", None)
    m.pump()

    for n in MEMBERS:
        (seen,) = plan_of(m, n)["measures"]
        assert (seen["status"], seen["adopted"], seen["due"]) == ("uitgevoerd", True, due)
        assert seen["authority"] == "burgemeester"
        history = seen["history"]
        assert [h["action"] for h in history] == [
            "proposed", "adopted", "adjusted", "status", "status",
        ]  # fmt: skip
        assert [h["by"] for h in history] == ["om", "gemeente", "gemeente", "politie", "politie"]
        assert history[2]["changes"]["authority"] == [None, "burgemeester"]
        assert history[2]["note"] == "Eerder nodig na de melding van school"
        assert history[3]["note"] == "Eerste gesprek gevoerd"
        assert "mw-" not in repr(history)  # organisations, never staff names
    # the chain holds no title, risk or note in plaintext
    for n in MEMBERS:
        files = m.files(n)
        for secret in (TITLE, RISK, "Eerste gesprek gevoerd"):
            assert secret.encode() not in files, (n, secret)


def test_withdrawals_and_refusals_change_nothing(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    own = politie.plan.propose(m.staff["politie"], m.room, measure(m))
    other = om.plan.propose(m.staff["om"], m.room, measure(m, uitvoerder="om"))
    m.pump()
    with pytest.raises(MeasureError):  # not its own proposal
        politie.plan.withdraw(m.staff["politie"], m.room, other, "Niet nodig")
    politie.plan.withdraw(m.staff["politie"], m.room, own, "Dubbel voorgesteld")
    m.pump()
    g.plan.adopt(m.staff["gemeente"], m.room, other)
    m.pump()
    with pytest.raises(MeasureError):  # adopted: only the chair withdraws it now
        om.plan.withdraw(m.staff["om"], m.room, other, "Niet meer nodig")
    g.plan.withdraw(m.staff["gemeente"], m.room, other, "Niet meer nodig")
    m.pump()
    before = g.store.one("SELECT COUNT(*) FROM events")
    for step in (
        lambda: om.plan.set_status(m.staff["om"], m.room, other, "lopend", None),
        lambda: g.plan.adopt(m.staff["gemeente"], m.room, own),
        lambda: om.plan.propose(m.staff["om"], m.room, measure(m, uitvoerder="ggz")),
        lambda: om.plan.propose(m.staff["om"], m.room, measure(m, due=g.now() - 10 * DAY)),
        lambda: g.plan.adjust(m.staff["gemeente"], m.room, b"\x01" * 16, {"due": g.now()}, "x"),
    ):
        with pytest.raises(MeasureError) as refused:
            step()
        assert refused.value.code == "chain.measure"
    m.pump()
    assert g.store.one("SELECT COUNT(*) FROM events") == before
    statuses = {x["proposed_by"]: x["status"] for x in plan_of(m, "om")["measures"]}
    assert statuses == {"politie": "ingetrokken", "om": "ingetrokken"}
    assert plan_of(m, "om")["measures"][0]["history"][-1]["note"] == "Dubbel voorgesteld"


def test_follow_up_meetings_agenda_verslag_and_re_assessment(meeting: Meeting) -> None:
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    now = g.now()
    with pytest.raises(MeetingError):  # not yet planned
        politie.plan.agenda(m.staff["politie"], m.room, 2, "Terugkoppeling school")
    with pytest.raises(MeetingError):  # only the chair plans a meeting
        politie.plan.plan_meeting(m.staff["politie"], m.room, now + 14 * DAY)
    assert g.plan.plan_meeting(m.staff["gemeente"], m.room, now + 14 * DAY) == 2
    m.pump()
    with pytest.raises(MeetingError):  # not after the last one
        g.plan.plan_meeting(m.staff["gemeente"], m.room, now + 7 * DAY)
    politie.plan.agenda(m.staff["politie"], m.room, 2, "Terugkoppeling school")
    om.plan.agenda(m.staff["om"], m.room, 2, "Stand van het strafrechtelijk onderzoek")
    m.pump()
    with pytest.raises(NotChairError):  # the chair's node records the verslag
        politie.plan.verslag(m.staff["politie"], m.room, 1, "Verslag")
    with pytest.raises(MeetingError):  # meeting 2 has not been held yet
        g.plan.verslag(m.staff["gemeente"], m.room, 2, "Verslag van de tweede")
    g.plan.verslag(m.staff["gemeente"], m.room, 1, "Eerste verslag")
    g.plan.verslag(m.staff["gemeente"], m.room, 1, "Verslag met de afspraken, herzien")
    m.pump()
    scores = {"geweldsbereidheid": 2, "ideologie": 3, "sociale_relaties": None}
    om.plan.reassess(m.staff["om"], m.room, 2, "voorleggen", scores, "Zorgen nemen toe")
    m.pump()

    view = plan_of(m, "politie")
    assert view["next_meeting"] == {"meeting": 2, "at": now + 14 * DAY}
    first, second = view["meetings"]
    assert first["verslag"]["text"] == "Verslag met de afspraken, herzien"
    assert [v["text"] for v in first["verslagen"]] == [
        "Eerste verslag", "Verslag met de afspraken, herzien",
    ]  # fmt: skip
    assert [(a["title"], a["by"]) for a in second["agenda"]] == [
        ("Terugkoppeling school", "politie"),
        ("Stand van het strafrechtelijk onderzoek", "om"),
    ]
    history = view["criteria_history"]
    assert [h["meeting"] for h in history][-1] == 2
    assert {h["meeting"] for h in history[:-1]} == {0}  # the intake's assessments
    again = history[-1]
    assert (again["org"], again["view"]) == ("om", "voorleggen")
    assert again["criteria"]["ideologie"] == 3
    assert again["criteria"]["sociale_relaties"] == "onbekend"
    actions = [r["action"] for r in politie.store.rows("SELECT action FROM audit")]
    assert "plan_viewed" in actions

    listed = {r["room"]: r for r in _rooms(m, "politie")}
    assert listed[m.room.hex()]["next_meeting"] == now + 14 * DAY


def test_the_rooms_list_counts_measures_due_and_overdue(meeting: Meeting) -> None:
    m = meeting
    g, politie = m.nodes["gemeente"], m.nodes["politie"]
    soon = g.plan.propose(m.staff["gemeente"], m.room, measure(m, due=g.now() + 5 * DAY))
    later = g.plan.propose(m.staff["gemeente"], m.room, measure(m, due=g.now() + 60 * DAY))
    for item in (soon, later):
        g.plan.adopt(m.staff["gemeente"], m.room, item)
    m.pump()
    (row,) = _rooms(m, "politie")
    assert (row["measures_due"], row["measures_overdue"], row["my_measures_due"]) == (1, 0, 1)
    ahead = politie.now() + 20 * DAY
    politie.ctx.clock = lambda: ahead
    (row,) = _rooms(m, "politie")
    assert (row["measures_due"], row["measures_overdue"]) == (0, 1)
    (late,) = [x for x in plan_of(m, "politie")["measures"] if x["overdue"]]
    assert late["item"] == soon.hex()


def test_no_plan_step_in_a_closed_room(meeting: Meeting) -> None:
    from fed import close_jointly

    m = meeting
    g = m.nodes["gemeente"]
    close_jointly(m.nodes, m.staff, m.room, m.pump, chair="gemeente")
    with pytest.raises((ChainStateError, NotAllowedError)):
        g.plan.plan_meeting(m.staff["gemeente"], m.room, g.now() + DAY)


def _rooms(m: Meeting, node: str) -> list[dict[str, Any]]:
    from node.faces.localapi.rooms import room_status
    from node.store import reports

    n = m.nodes[node]
    rows = reports.rooms_of_staff(n.store, m.staff[node].name)
    for r in rows:
        r.update(n.plan.summary(n.ctx.state(r["room"])))
        r["room"] = r["room"].hex()
        r["status"] = room_status(r["phase"], r.pop("keys_destroyed"))
    return rows


async def test_the_local_api_routes_and_their_answers(meeting: Meeting, local: Any) -> None:
    """The contract of docs/api.md 6.27, as the TUI calls it."""
    m = meeting
    g, politie = await local("gemeente"), await local("politie")
    room = f"/v1/rooms/{m.room.hex()}"
    body = {k: v for k, v in measure(m).items() if k != "authority"}
    status, doc = await politie.post(f"{room}/measures", body)
    assert status == 200, doc
    item = doc["item"]
    m.pump()
    assert (await politie.post(f"{room}/measures/{item}/adopt"))[0] == 422  # chain.measure
    status, doc = await g.post(f"{room}/measures/{item}/adopt")
    assert (status, doc["item"]) == (200, item)
    assert isinstance(doc["seq"], int)
    status, doc = await g.post(f"{room}/measures/{item}/adjust", {"reason": "x"})
    assert (status, doc["error"]) == (400, "api.bad_request")  # no field to change
    status, doc = await g.post(
        f"{room}/measures/{item}/adjust", {"authority": "nctv", "reason": "Landelijk beeld"}
    )
    assert status == 200, doc
    m.pump()
    status, doc = await politie.post(f"{room}/measures/{item}/status", {"status": "klaar"})
    assert status == 400
    status, doc = await politie.post(
        f"{room}/measures/{item}/status", {"status": "lopend", "note": "Gestart"}
    )
    assert status == 200, doc
    status, doc = await g.post(f"{room}/meetings", {"at": m.nodes["gemeente"].now() + DAY})
    assert (status, doc) == (200, {"meeting": 2})
    m.pump()
    status, doc = await politie.post(f"{room}/meetings/2/agenda", {"title": "Voortgang"})
    assert status == 200, doc
    status, doc = await politie.post(f"{room}/meetings/9/agenda", {"title": "Voortgang"})
    assert (status, doc["error"]) == (422, "chain.meeting")
    status, doc = await g.post(f"{room}/meetings/1/verslag", {"text": "Verslag"})
    assert (status, doc) == (200, {"meeting": 1})
    assess = {"verdict": "voorleggen", "criteria": {"ideologie": 1}, "reasoning": "Minder zorg"}
    status, doc = await politie.post(f"{room}/assess", {**assess, "meeting": 2})
    assert (status, doc["meeting"]) == (200, 2)
    m.pump()

    status, plan = await politie.get(f"{room}/plan")
    assert status == 200
    assert set(plan) >= {"measures", "meetings", "next_meeting", "criteria_history"}
    (entry,) = plan["measures"]
    assert set(entry) >= {
        "item", "title", "kind", "uitvoerder", "authority", "risk", "due", "status",
        "proposed_by", "adopted", "due_soon", "overdue", "history",
    }  # fmt: skip
    assert (entry["status"], entry["authority"]) == ("lopend", "nctv")
    assert set(entry["history"][0]) == {"seq", "at", "by", "action", "status", "changes", "note"}
    assert plan["next_meeting"]["meeting"] == 2
    assert plan["meetings"][1]["agenda"][0]["title"] == "Voortgang"
    assert plan["meetings"][0]["verslag"]["text"] == "Verslag"
    assert plan["criteria_history"][-1]["criteria"]["ideologie"] == 1
    status, rooms = await politie.get("/v1/rooms")
    (row,) = rooms["rooms"]
    assert {"next_meeting", "measures_due", "measures_overdue"} <= set(row)
    status, shown = await politie.get(room)
    assert shown["next_meeting"] == plan["next_meeting"]["at"]
    kinds = [e["detail"].get("action") for e in shown["timeline"] if e["kind"] == "plan"]
    assert kinds[:3] == ["propose", "adopt", "adjust"]
    status, exported = await politie.post(f"{room}/plan/export")
    assert exported["measures"][0]["item"] == item
    # a screen that polls the plan is audited once per change of the chain
    count = "SELECT COUNT(*) FROM audit WHERE action = 'plan_viewed'"
    seen = m.nodes["politie"].store.one(count)
    for _ in range(3):
        assert (await politie.get(f"{room}/plan"))[0] == 200
    assert m.nodes["politie"].store.one(count) == seen


def test_a_member_that_joins_later_sees_the_steps_but_not_earlier_content(
    meeting: Meeting,
) -> None:
    m = meeting
    g, rvdk = m.nodes["gemeente"], m.nodes["rvdk"]
    before = g.plan.propose(m.staff["gemeente"], m.room, measure(m))
    m.pump()
    g.members.invite(m.staff["gemeente"], m.room, "rvdk", "deelnemer")
    m.pump()
    assert "rvdk" in m.state("gemeente").members
    g.plan.adopt(m.staff["gemeente"], m.room, before)
    after = g.plan.propose(m.staff["gemeente"], m.room, measure(m, title="Na de toetreding"))
    m.pump()
    seen = {x["item"]: x for x in plan_of(m, "rvdk")["measures"]}
    old, new = seen[before.hex()], seen[after.hex()]
    assert (old["title"], old["risk"], old["status"], old["adopted"]) == (
        None,
        None,
        "gepland",
        True,
    )
    assert old["uitvoerder"] == "politie"
    assert new["title"] == "Na de toetreding"
    assert rvdk.plan.summary(m.state("rvdk"))["measures_due"] == 0
