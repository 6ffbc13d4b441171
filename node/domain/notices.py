"""Notices by e-mail: what is due to whom, and the short text that says so.

A staff member opts in per kind (:data:`KINDS`) and gives an address (their own or a
function mailbox). A scan (:meth:`Notices.scan`) looks at the rooms they are assigned
to and queues one notice per staff member, kind and subject (the dedupe key): a case
awaits their organisation's weging in the intake, their organisation's consent is
asked to admit a derde, a verstrekking arrived, a meeting is tomorrow (or sooner), a
measure their organisation carries out is due today or overdue. The mail face
(``node.faces.mail``) sends the queue through the organisation's SMTP relay.

A notice holds the case reference as the rooms list shows it and what happened:
never content, the names of staff or partners' staff, the person's details, or any
text a member wrote. Its wording is fixed here, in Dutch or English.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from node.domain.context import Context
from node.domain.plan import UNFINISHED
from node.domain.staff import Staff
from node.errors import NoticeSettingsError
from node.store import notices as tables
from protocol import chain
from protocol.chain import RoomState
from protocol.errors import CasusnetError
from protocol.registry import Grondslag
from protocol.verblijf import VERBLIJF_ORG

#: the kinds of notice a staff member may choose, in the order the API lists them
KINDS = ("weging", "consent", "share", "meeting", "measure")
#: the languages of a notice
LANGS = ("nl", "en")
#: an address: one mailbox, no display name, no line break (no header injection)
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")

#: kind -> (Dutch, English) subject and body; ``{case}`` is the case reference,
#: ``{meeting}`` the meeting's number and ``{when}`` its date and time
TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "weging": (
        (
            "Casus {case}: uw weging wordt gevraagd",
            "Casus {case}: de intake wacht op de weging van uw organisatie. Open casusnet om"
            " haar vast te leggen.",
        ),
        (
            "Case {case}: your assessment is awaited",
            "Case {case}: the intake awaits your organisation's assessment (weging). Open"
            " casusnet to record it.",
        ),
    ),
    "consent": (
        (
            "Casus {case}: uw toestemming wordt gevraagd",
            "Casus {case}: uw organisatie wordt om toestemming gevraagd om een partij toe te"
            " laten tot het casusoverleg. Open casusnet om te beslissen.",
        ),
        (
            "Case {case}: your consent is asked",
            "Case {case}: your organisation's consent is asked to admit a party to the"
            " casusoverleg. Open casusnet to decide.",
        ),
    ),
    "share": (
        (
            "Casus {case}: nieuwe verstrekking",
            "Casus {case}: een nieuwe verstrekking is binnengekomen. Open casusnet om haar te"
            " lezen.",
        ),
        (
            "Case {case}: new verstrekking",
            "Case {case}: a new verstrekking (share) has arrived. Open casusnet to read it.",
        ),
    ),
    "meeting": (
        (
            "Casus {case}: overleg {meeting} op {when}",
            "Casus {case}: overleg {meeting} is gepland op {when}. Open casusnet voor de agenda.",
        ),
        (
            "Case {case}: meeting {meeting} on {when}",
            "Case {case}: meeting {meeting} is planned for {when}. Open casusnet for the agenda.",
        ),
    ),
    "measure": (
        (
            "Casus {case}: een maatregel is aan de beurt",
            "Casus {case}: een maatregel die uw organisatie uitvoert, moet vandaag klaar zijn"
            " of is over tijd. Open casusnet voor het plan van aanpak.",
        ),
        (
            "Case {case}: a measure is due",
            "Case {case}: a measure your organisation carries out is due today or overdue."
            " Open casusnet for the plan van aanpak.",
        ),
    ),
}
SIGNATURE = (
    "\n\n-- \nDit bericht is automatisch verstuurd door casusnet; u kunt uw meldingen per"
    " e-mail aanpassen in casusnet (casusnet mail).\n",
    "\n\n-- \nThis message was sent automatically by casusnet; change your notices by e-mail"
    " in casusnet (casusnet mail).\n",
)


def zone() -> dt.tzinfo:
    """The zone in which "today" and "tomorrow" are meant: Dutch time (CASUSNET_TZ)."""
    try:
        return ZoneInfo(os.environ.get("CASUSNET_TZ", "Europe/Amsterdam"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True)
class Due:
    """One thing due to a staff member: its kind, the subject it is about (the rest of
    the dedupe key), the room and its case reference, and the text's fields."""

    kind: str
    subject: str
    room: bytes
    case_ref: str
    meeting: int = 0
    at: int = 0

    def text(self, lang: str) -> tuple[str, str]:
        """The mail's subject line and body in ``lang``."""
        nl, en = TEXTS[self.kind]
        subject, body = en if lang == "en" else nl
        when = dt.datetime.fromtimestamp(self.at, zone()).strftime(
            "%Y-%m-%d %H:%M" if lang == "en" else "%d-%m-%Y %H:%M"
        )
        fields = {"case": self.case_ref, "meeting": self.meeting, "when": when}
        return subject.format(**fields), body.format(**fields) + SIGNATURE[lang == "en"]


def parse_kinds(kinds: Iterable[Any]) -> list[str]:
    chosen = [str(k).strip() for k in kinds if str(k).strip()]
    unknown = sorted(set(chosen) - set(KINDS))
    if unknown:
        raise NoticeSettingsError(f"unknown kind {unknown[0]!r}: one of {', '.join(KINDS)}")
    return [k for k in KINDS if k in chosen]


def check_address(address: str) -> str:
    address = address.strip()
    if address and (len(address) > 254 or not ADDRESS.fullmatch(address)):
        raise NoticeSettingsError("address: one e-mail address, as name@example.nl")
    return address


class Notices:
    """The staff members' choices and the scan that queues what is due."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- a staff member's choice ------------------------------------------------------

    def settings(self, staff: Staff) -> dict[str, Any]:
        """The choice of ``staff`` (an empty address and no kinds: none made), what of
        theirs waits to be sent, and their latest notices (no address, no text)."""
        store = self.ctx.store
        row = tables.settings(store, staff.name) or {}
        kinds = [k for k in str(row.get("kinds") or "").split(",") if k]
        return {
            "address": row.get("address") or "",
            "kinds": kinds,
            "lang": row.get("lang") or "nl",
            "since": row.get("since"),
            "available": list(KINDS),
            "pending": tables.pending(store, staff.name),
            "recent": tables.recent(store, staff.name),
        }

    def choose(
        self, staff: Staff, *, address: str | None, kinds: Iterable[Any] | None, lang: str | None
    ) -> dict[str, Any]:
        """Set what ``staff`` wants (a field left None stays as it was); no kinds or no
        address: no notices. Unsent notices of a kind no longer chosen are dropped."""
        ctx = self.ctx
        old = tables.settings(ctx.store, staff.name) or {}
        new_address = check_address(address if address is not None else old.get("address") or "")
        old_kinds = [k for k in str(old.get("kinds") or "").split(",") if k]
        new_kinds = parse_kinds(kinds) if kinds is not None else old_kinds
        new_lang = lang if lang is not None else (old.get("lang") or "nl")
        if new_lang not in LANGS:
            raise NoticeSettingsError(f"lang: one of {', '.join(LANGS)}")
        now = ctx.now()
        on = bool(new_address and new_kinds)
        was_on = bool(old.get("address") and old_kinds)
        # a verstrekking that arrived before the staff member chose them is not mailed
        kept = was_on and on and old.get("since") and "share" in old_kinds
        since = int(old["since"]) if kept else now
        with ctx.store.transaction():
            tables.save_settings(
                ctx.store, staff.name, new_address, new_kinds, new_lang, since, now
            )
            tables.drop_unsent(ctx.store, staff.name, new_kinds if on else [])
            tables.readdress_unsent(ctx.store, staff.name, new_address)
        return self.settings(staff)

    # -- the scan -------------------------------------------------------------------------

    def scan(self) -> int:
        """Queue every notice now due to a staff member who chose its kind and did not
        get it yet; returns how many were queued."""
        ctx = self.ctx
        queued = 0
        subscribers = tables.subscribers(ctx.store)
        if not subscribers:
            return 0
        now = ctx.now()
        with ctx.store.transaction():
            for sub in subscribers:
                kinds = set(str(sub["kinds"]).split(","))
                for due in self.due(str(sub["staff"]), kinds, int(sub["since"] or 0), now):
                    subject, body = due.text(str(sub["lang"] or "nl"))
                    row = {
                        "key": f"{sub['staff']}|{due.kind}|{due.subject}",
                        "staff": sub["staff"], "kind": due.kind, "room": due.room,
                        "case_ref": due.case_ref, "address": sub["address"],
                        "subject": subject, "body": body, "created": now,
                    }  # fmt: skip
                    queued += tables.enqueue(ctx.store, row)
        return queued

    def due(self, staff: str, kinds: set[str], since: int, now: int) -> list[Due]:
        """What is due now to ``staff`` of ``kinds`` (shares: those received since
        ``since``), in the rooms they are assigned to and that are not closed."""
        ctx = self.ctx
        found: list[Due] = []
        for r in tables.assigned_rooms(ctx.store, staff):
            room, case = bytes(r["room"]), str(r["case_ref"])
            try:
                state = ctx.state(room)
                basis = ctx.basis(state)
            except (CasusnetError, KeyError):  # a room that does not load is not ours to mail
                continue
            if "share" in kinds:
                found += [
                    Due("share", share_id.hex(), room, case)
                    for share_id in tables.received_shares(ctx.store, room, since)
                ]
            if "weging" in kinds and self._awaits_weging(state, basis):
                found.append(Due("weging", f"{room.hex()}:assess", room, case))
            if "consent" in kinds:
                found += [
                    Due("consent", f"{room.hex()}:consent:{node}:{seq}", room, case)
                    for node, seq in self._consents_asked(state, basis)
                ]
            if state.phase != chain.OPEN:
                continue
            if "meeting" in kinds:
                found += [
                    Due("meeting", f"{room.hex()}:meeting:{n}:{at}", room, case, n, at)
                    for n, at in self._meetings_soon(state, now)
                ]
            if "measure" in kinds:
                found += [
                    Due("measure", f"{room.hex()}:measure:{item.hex()}:{due}", room, case)
                    for item, due in self._measures_due(state, now)
                ]
        return found

    def _ours_to_decide(self, state: RoomState, basis: Grondslag) -> bool:
        """Under a basis that names the gemeente van verblijf, of the gemeenten only
        that node decides (``Intake._acting_for_verblijf``)."""
        if basis.verblijf and self.ctx.config.org == VERBLIJF_ORG:
            return state.verblijf == self.ctx.me
        return True

    def _awaits_weging(self, state: RoomState, basis: Grondslag) -> bool:
        """The intake waits for this organisation's assessment, and it can be given:
        every deciding organisation has joined (``Intake.assess``)."""
        org = self.ctx.config.org
        if not (
            state.phase == chain.INTAKE
            and state.stage == chain.ANALYSE
            and org in basis.intake_by
            and org not in state.assessments
            and self._ours_to_decide(state, basis)
        ):
            return False
        present = {state.members[n].org for n in chain.intake_nodes(state, basis)}
        return not chain.deciding(state, basis, basis.intake_by) - present

    def _consents_asked(self, state: RoomState, basis: Grondslag) -> list[tuple[str, int]]:
        org = self.ctx.config.org
        if state.phase != chain.OPEN or not self._ours_to_decide(state, basis):
            return []
        asked = []
        for node, invite in sorted(state.invited.items()):
            if node in state.members or chain.entitled(state, basis, node):
                continue
            if org in chain.deciding(state, basis, basis.third_party_consent) and org not in (
                state.consents.get(node, frozenset())
            ):
                asked.append((node, invite.seq))
        return asked

    def _meetings_soon(self, state: RoomState, now: int) -> list[tuple[int, int]]:
        """The meetings not held yet that are later today or tomorrow."""
        tomorrow = dt.datetime.fromtimestamp(now, zone()).date() + dt.timedelta(days=1)
        return [
            (n, at)
            for n, at in enumerate(state.meeting_times, 1)
            if n not in state.reported
            and at > now
            and dt.datetime.fromtimestamp(at, zone()).date() <= tomorrow
        ]

    def _measures_due(self, state: RoomState, now: int) -> list[tuple[bytes, int]]:
        """The adopted, unfinished measures this node carries out, due today or before."""
        today = dt.datetime.fromtimestamp(now, zone()).date()
        return [
            (item, m.due)
            for item, m in sorted(state.measures.items())
            if m.uitvoerder == self.ctx.me
            and m.status in UNFINISHED
            and dt.datetime.fromtimestamp(m.due, zone()).date() <= today
        ]
