"""The intake view's text, line by line: pure functions of the room and its intake."""

from __future__ import annotations

from typing import Any

from ... import fmt
from ...i18n import t
from .view import RoomView

#: where the Wet PGA sets each stage of the intake
LAW = {"pga-r": {"analyse": "art. 5 lid 3", "verzamelen": "art. 5 lid 4"}}
INDENT = "  "


def stage_lines(room: RoomView) -> list[str]:
    """The stage in words, and what the intake waits for."""
    if not room.intake_orgs():
        return [t("intake.no_intake")]
    stage = room.stage()
    ref = LAW.get(str(room.basis.get("id")), {}).get(stage)
    lines = [t("intake.stage", stage=t(f"intake.stage.{stage}") + (f" ({ref})" if ref else ""))]
    lines.append(next_step(room, stage))
    return [line for line in lines if line]


def next_step(room: RoomView, stage: str) -> str:
    d = room.doc
    if stage == "afgerond":
        unseated = [
            room.node(n)
            for n in (d.get("named") or {})
            if n not in {m["node"] for m in [*d.get("members", []), *d.get("invited", [])]}
        ]
        if unseated and d.get("phase") == "open":
            return t("intake.next.invite", nodes=fmt.names(unseated))
        return t("intake.is_open") if d.get("phase") == "open" else ""
    if stage == "afgewezen":
        return t("intake.next.close") if d.get("phase") == "intake" else ""
    pending = room.pending_ruling()
    if pending:
        required = in_order(room, pending.get("required", []))
        waiting = [o for o in required if o not in pending.get("endorsed", [])]
        key = "" if room.my_org not in waiting else " " + t("intake.next.key_o")
        return (
            t(
                f"intake.next.sign_{pending.get('stage')}",
                orgs=fmt.names([room.org(o) for o in waiting]),
            )
            + key
        )
    missing = [o for o in room.intake_orgs() if o not in d.get("assessments", {})]
    if stage == "analyse" and missing:
        return t("intake.next.assess", orgs=fmt.names([room.org(o) for o in missing]))
    return t(f"intake.next.rule_{stage}")


def in_order(room: RoomView, orgs: list[str]) -> list[str]:
    """Organisations in the basis's order (gemeente, politie, OM), not the alphabet's."""
    order = {o: i for i, o in enumerate(room.intake_orgs())}
    return sorted(orgs, key=lambda o: (order.get(o, len(order)), o))


def score(value: Any) -> str:
    return t("score.onbekend") if value is None else fmt.word("score", value)


def weging_lines(room: RoomView, intake: dict[str, Any]) -> list[str]:
    """Per deciding organisation: its weging, or that it has none yet."""
    lines = [t("intake.weging")]
    for org in in_order(room, intake.get("deciding") or room.intake_orgs()):
        mine = [a for a in intake.get("assessments", []) if a.get("org") == org]
        if not mine:
            lines.append(INDENT + t("intake.no_weging", org=room.org(org)))
            continue
        a = mine[-1]  # the latest counts
        when = fmt.when(a.get("at"))
        if "verdict" not in a:
            lines.append(INDENT + t("intake.weging_sealed", org=room.org(org), at=when))
            continue
        view = fmt.word("verdict", a.get("verdict"))
        lines.append(INDENT + t("intake.weging_of", org=room.org(org), view=view, at=when))
        for criterion, value in (a.get("criteria") or {}).items():
            lines.append(INDENT * 2 + f"{score(value):<16}{t(f'criterion.{criterion}')}")
        if a.get("reasoning"):
            lines.append(INDENT * 2 + t("intake.reasoning", text=a["reasoning"]))
    return lines


def ruling_lines(room: RoomView, intake: dict[str, Any]) -> list[str]:
    """Each ruling: what it decides, its state, who signed and who has yet to."""
    rulings = intake.get("rulings", [])
    if not rulings:
        return []
    lines = [t("intake.rulings")]
    for r in rulings:
        lines.append(INDENT + ruling_title(room, r) + " · " + ruling_state(r, intake))
        lines += [INDENT * 2 + line for line in ruling_detail(room, r, intake)]
    return lines


def ruling_title(room: RoomView, r: dict[str, Any]) -> str:
    if r.get("stage") == "afsluiting":
        return t("intake.ruling.afsluiting", outcome=fmt.word("outcome", r.get("outcome")))
    if r.get("stage") == "beoordeling":
        return t("intake.ruling.beoordeling", outcome=fmt.word("verdict", r.get("outcome")))
    return t(
        "intake.ruling.samenstelling",
        deelnemers=fmt.names([room.node(n) for n in r.get("deelnemers", [])]) or t("app.none"),
        derden=fmt.names([room.node(n) for n in r.get("derden", [])]) or t("app.none"),
    )


def ruling_state(r: dict[str, Any], intake: dict[str, Any]) -> str:
    if r.get("in_force"):
        return t("intake.ruling.in_force")
    if r.get("seq") == intake.get("pending"):
        return t("intake.ruling.pending")
    return t("intake.ruling.replaced")


def ruling_detail(room: RoomView, r: dict[str, Any], intake: dict[str, Any]) -> list[str]:
    """A ruling's reasons and signatures, as the endorse dialog shows them too."""
    lines = [
        t("intake.reason_derde", node=room.node(n), reason=reason)
        for n, reason in (r.get("reasons") or {}).items()
    ]
    if r.get("reasoning"):
        lines.append(t("intake.reasoning", text=r["reasoning"]))
    signed = in_order(room, list(r.get("endorsed", [])))
    deciding = r.get("required") or intake.get("deciding", [])  # a closure: the deelnemers
    unsigned = [o for o in in_order(room, list(deciding)) if o not in signed]
    lines.append(
        t(
            "intake.signed",
            signed=fmt.names([room.org(o) for o in signed]) or t("intake.nobody"),
            unsigned=fmt.names([room.org(o) for o in unsigned]) or t("intake.nobody"),
        )
        if not r.get("in_force")
        else t("intake.signed_all", signed=fmt.names([room.org(o) for o in signed]))
    )
    return lines


def exchange_lines(room: RoomView) -> list[str]:
    """The verstrekkingen of the intake, oldest first."""
    shares = sorted(room.intake_shares(), key=lambda s: float(s.get("created") or 0))
    if not shares:
        return [t("intake.exchange"), INDENT + t("intake.exchange_none")]
    lines = [t("intake.exchange")]
    for s in shares:
        lines.append(
            INDENT
            + t(
                "intake.exchange_line",
                id=fmt.short(str(s.get("id", ""))),
                at=fmt.when(s.get("created")),
                sender=room.node(str(s.get("sender", ""))),
                basis=s.get("basis", ""),
                categories=", ".join(s.get("categories", [])),
            )
        )
    return lines


def unreadable_line(room: RoomView, intake: dict[str, Any]) -> str:
    """Why this node sees no weging: the intake is sealed to those who decide it."""
    deciding = in_order(room, intake.get("deciding") or room.intake_orgs())
    as_burgemeester = bool(room.basis.get("verblijf"))
    who = [
        t("intake.burgemeester") if o == "gemeente" and as_burgemeester else room.org(o)
        for o in deciding
    ]
    return t("intake.unreadable", orgs=fmt.names(who))


def consent_lines(room: RoomView) -> list[str]:
    """A line for each invitee that waits for consent: the consents given, and needed."""
    d = room.doc
    needed = room.consent_needed()
    consents = d.get("consents", {})
    order = {o: i for i, o in enumerate(needed)}  # those given, in the order of those needed
    invited = {m["node"] for m in d.get("invited", [])}
    lines = []
    for m in [*d.get("invited", []), *d.get("members", [])]:
        role = str(m.get("role"))
        waits = m["node"] in invited and room.needs_consent(m["node"], role)
        if m["node"] not in consents and not waits:
            continue
        given = sorted(consents.get(m["node"], []), key=lambda o: (order.get(o, len(order)), o))
        lines.append(
            INDENT
            + t(
                "intake.consent_line",
                subject=room.node(m["node"]),
                role=fmt.word("role", role),
                given=fmt.names([room.org(o) for o in given]) or t("app.none"),
                needed=fmt.names([room.org(o) for o in needed]) or t("app.none"),
            )
        )
    return [t("intake.consents"), *lines] if lines else []
