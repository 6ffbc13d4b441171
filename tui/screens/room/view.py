"""A room as the screen and its tabs read it: the node's document and who is looking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ... import fmt
from ...api import Api
from ...i18n import t


@dataclass(frozen=True)
class RoomView:
    doc: dict[str, Any]
    me: str  # this node
    my_org: str
    basis: dict[str, Any]  # the room's own basis (kind "room"), or {}
    api: Api = field(compare=False, repr=False)  # for the names of partners

    @classmethod
    def of(cls, doc: dict[str, Any], api: Api) -> RoomView:
        return cls(
            doc=doc,
            me=str(api.me.get("node", "")),
            my_org=str(api.me.get("org", "")),
            basis=room_basis(doc, api),
            api=api,
        )

    @property
    def status(self) -> str:
        return str(self.doc.get("status") or self.doc.get("phase", ""))

    def header(self) -> str:
        d = self.doc
        return self._heading() + "".join(
            "\n" + t("room.referred", to=self.node(r["to"]), when=fmt.when(r.get("time")))
            for r in d.get("referrals", [])
        )

    def _heading(self) -> str:
        d = self.doc
        return t(
            "room.header",
            case=d.get("case", ""),
            status=fmt.status_word(self.status),
            chair=self.api.node_name(str(d.get("chair", ""))),
            epoch=d.get("epoch", 0),
            meeting=fmt.when(d.get("next_meeting", d.get("meeting"))),
            outcome=t("room.outcome", outcome=fmt.word("outcome", d["outcome"]))
            if d.get("outcome")
            else "",
        ) + measures_due(d)

    def org(self, org: str) -> str:
        """An organisation type in a sentence (``om`` as the registry names it)."""
        return self.api.org_name(org)

    def node(self, node: str) -> str:
        """A partner node in a sentence."""
        return self.api.node_name(node)

    def intake_orgs(self) -> list[str]:
        """The organisations that decide the intake (under quorum ``present``, those
        of them at the table)."""
        intake = self.basis.get("intake") or {}
        return self.present(list(intake.get("by") or []), intake.get("quorum"))

    def present(self, orgs: list[str], quorum: Any) -> list[str]:
        """``orgs``, or under quorum ``present`` those of them with a deelnemer here."""
        if quorum != "present":
            return orgs
        here = {m.get("org") for m in self.doc.get("members", []) if m.get("role") == "deelnemer"}
        return [o for o in orgs if o in here] or orgs

    def consent_needed(self) -> list[str]:
        """The organisations whose consent admits a partner the samenstelling did not name."""
        quorum = (self.basis.get("intake") or {}).get("quorum")
        return self.present(list(self.basis.get("third_party_consent") or []), quorum)

    def needs_consent(self, node: str, role: str) -> bool:
        """Whether an invitee waits for consent (the node says: a derde, or a deelnemer
        the samenstelling did not name, in an open room)."""
        return any(
            m.get("node") == node and m.get("needs_consent") for m in self.doc.get("invited", [])
        )

    def consent_waiting(self) -> list[str]:
        """The invitees still waiting for this organisation's consent."""
        return [
            m["node"]
            for m in self.doc.get("invited", [])
            if m.get("needs_consent") and self.my_org in m.get("consent_by", [])
        ]

    def stage(self) -> str:
        """Where the intake is: ``analyse``, ``verzamelen``, ``afgewezen`` (not put to
        the casusoverleg) or ``afgerond``."""
        d = self.doc
        if d.get("phase") == "intake":
            return str(d.get("stage") or "analyse")
        if d.get("outcome") == "niet_voorgelegd" and not d.get("named"):
            return "afgewezen"
        return "afgerond"

    def pending_ruling(self) -> dict[str, Any] | None:
        """The ruling the intake waits for, or None."""
        ruling = self.doc.get("ruling")
        if not isinstance(ruling, dict) or ruling.get("in_force"):
            return None
        return ruling

    def may_assess(self) -> bool:
        """Whether this node records a weging now (again, to correct it, until the chair
        proposes the beoordeling)."""
        gemeente_elsewhere = (
            self.my_org == "gemeente"
            and self.basis.get("verblijf")
            and self.doc.get("verblijf") not in (None, self.me)
        )  # under the Wet PGA the gemeente van verblijf weighs, as burgemeester
        return (
            self.doc.get("phase") == "intake"
            and self.stage() == "analyse"
            and self.my_org in self.intake_orgs()
            and not gemeente_elsewhere
            and self.pending_ruling() is None
        )

    def may_rule(self) -> str | None:
        """The ruling the chair can propose now (``beoordeling`` once every weging is
        in, ``samenstelling`` after a positive beoordeling), or None."""
        if self.doc.get("phase") != "intake" or self.doc.get("chair") != self.me:
            return None
        stage = self.stage()
        if stage == "analyse":
            done = set(self.doc.get("assessments", {}))
            return "beoordeling" if set(self.intake_orgs()) <= done else None
        return "samenstelling" if stage == "verzamelen" else None

    def may_sign(self) -> bool:
        """Whether this node signs the pending ruling and has not yet."""
        ruling = self.pending_ruling()
        return bool(
            ruling
            and self.my_org in ruling.get("required", [])
            and self.my_org not in ruling.get("endorsed", [])
        )

    def intake_shares(self) -> list[dict[str, Any]]:
        """The shares sent during the intake (the node marks them)."""
        return [s for s in self.doc.get("shares", []) if s.get("intake")]


def room_basis(doc: dict[str, Any], api: Api) -> dict[str, Any]:
    for b in doc.get("bases", []):
        basis = api.basis(b)
        if basis.get("kind") == "room":
            return basis
    return {}


def measures_due(d: dict[str, Any]) -> str:
    """`` · maatregelen: 2 te laat, 1 binnenkort`` where the node counts any, else ""."""
    parts = [
        t(key, n=d[field])
        for field, key in (("measures_overdue", "room.overdue"), ("measures_due", "room.due_soon"))
        if isinstance(d.get(field), int) and d[field] > 0
    ]
    return t("room.measures_due", parts=", ".join(parts)) if parts else ""
