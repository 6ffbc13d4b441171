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
            meeting=fmt.when(d.get("meeting")),
            outcome=t("room.outcome", outcome=fmt.word("outcome", d["outcome"]))
            if d.get("outcome")
            else "",
        )

    def org(self, org: str) -> str:
        """An organisation type in a sentence (``om`` as the registry names it)."""
        return self.api.org_name(org)

    def node(self, node: str) -> str:
        """A partner node in a sentence."""
        return self.api.node_name(node)

    def intake_orgs(self) -> list[str]:
        intake = self.basis.get("intake") or {}
        return list(intake.get("by") or [])

    def consent_needed(self) -> list[str]:
        """The organisations whose consent admits a third party."""
        return list(self.basis.get("third_party_consent") or [])

    def consent_waiting(self) -> list[str]:
        """The invited third parties still waiting for this organisation's consent."""
        needed = self.consent_needed()
        consents = self.doc.get("consents", {})
        return [
            m["node"]
            for m in self.doc.get("invited", [])
            if m.get("role") == "derde"
            and self.my_org in needed
            and self.my_org not in consents.get(m["node"], [])
        ]


def room_basis(doc: dict[str, Any], api: Api) -> dict[str, Any]:
    for b in doc.get("bases", []):
        basis = api.basis(b)
        if basis.get("kind") == "room":
            return basis
    return {}
