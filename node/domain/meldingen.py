"""The gemeente's register of meldingen: the signals that come in before a case.

Anyone may report a signal to the burgemeester (Wet PGA art. 5 lid 2); the
aandachtsfunctionaris records it (where it came from, when, what it says), weighs
it, and follows it up: ``geen`` (nothing), ``volgen`` (watch it), or ``aanmelding``
(a case is registered; its case reference is kept). The register is local to the
gemeente's node: nothing of it is sent to a partner, and it is no verstrekking.

The melder is protected (art. 4 onder d names the *deelnemer* that brought a
signal in, never a citizen or teacher who reported). The melder's identity is kept
only when the gemeente records it, sealed at rest apart from the summary, and opened
only for staff with the role :data:`MELDER_ROLE`, on a separate request that names a
purpose and is audited (``melder_viewed``). The summary is sealed at rest too, and
reading it is audited (``melding_viewed``). Lists carry neither.

Retention (:data:`TERMS`): a melding is destroyed when its follow-up's term after its
last change has passed; an aanmelding only once this node holds no room of its case
any more (it follows the case). ``docs/law.md`` gives the reasons.

Owns the ``melding_recorded``, ``melding_viewed``, ``melding_updated``,
``melder_viewed`` and ``melding_purged`` audit actions.
"""

from __future__ import annotations

import re
from typing import Any

from node.domain.context import Context
from node.domain.staff import ForbiddenError, Staff
from node.errors import NotAllowedError, NotFoundError
from node.store import meldingen as tables
from protocol.errors import LocalProtocolError
from protocol.events import CASE_REF

SOURCES = (
    "burger",
    "school",
    "leerplicht",
    "jongerenwerk",
    "wijkteam",
    "zorg",
    "jeugdhulp",
    "politie",
    "meld_misdaad_anoniem",
    "ambtsbericht",
    "werkgever",
    "eigen_waarneming",
    "anders",
)
"""Where a signal came from, in the profession's words (``docs/api.md``)."""

FOLLOW_UPS = ("geen", "volgen", "aanmelding")

DAY = 86400
TERMS = {"geen": 183 * DAY, "volgen": 365 * DAY, "aanmelding": 365 * DAY}
"""How long a melding is kept after its last change, by follow-up. An aanmelding's
term starts to count only once this node holds no room of its case."""

MELDER_PURPOSES = ("contact_melder", "correctie", "verzoek_melder")
"""Why the melder's identity is opened: to contact the melder (a question, feedback),
to correct or remove it, or at the melder's own request."""

REGISTER_ROLE = "aandachtsfunctionaris"
"""Records, reads and follows up meldingen."""
MELDER_ROLE = "aandachtsfunctionaris"
"""May open the melder's identity (each time on purpose, audited)."""
LIST_ROLES = frozenset({REGISTER_ROLE, "fg"})
"""May list the register (dates, sources, follow-up, terms): no summary, no melder."""

MAX_SUMMARY = 2000
MAX_MELDER = 200
FUTURE_SLACK = DAY  # a received date may lie this far ahead of the node's clock


class MeldingError(LocalProtocolError):
    """The melding is incomplete or a field is out of range; nothing was recorded or
    changed."""

    code = "melding.invalid"


class MeldingForbiddenError(ForbiddenError):
    """Only the aandachtsfunctionaris may do this in the register of meldingen."""

    code = "melding.forbidden"


class MeldingNotFoundError(NotFoundError):
    """There is no such melding in the register (it may have been destroyed after its
    retention period)."""

    code = "melding.not_found"


class NotGemeenteError(NotAllowedError):
    """The register of meldingen is kept at the gemeente's node only."""

    code = "melding.not_gemeente"


class Meldingen:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # -- recording and following up ------------------------------------------------------

    def record(
        self,
        staff: Staff,
        *,
        received: Any = None,
        source: Any,
        summary: Any,
        melder: Any = None,
        follow_up: Any = "volgen",
        case: Any = None,
    ) -> int:
        """Record an incoming signal (``received``: when it came in; ``None``: now);
        returns its number."""
        self._require(staff, REGISTER_ROLE)
        ctx = self.ctx
        now = ctx.now()
        row = {
            "received": _received(received, now),
            "source": _choice("source", source, SOURCES),
            "summary": ctx.master.seal("melding", _text("summary", summary, MAX_SUMMARY)),
            "melder": self._seal_melder(melder),
            **_follow_up(follow_up, case),
            "recorded_by": staff.name,
            "created": now,
            "updated": now,
        }
        with ctx.store.transaction():
            number = tables.next_id(ctx.store)
            tables.insert(ctx.store, {"id": number, **row})
            self._history(staff, number, "recorded", row)
            self.audit(
                staff.name,
                number,
                row["case_ref"],
                action="melding_recorded",
                source=row["source"],
                follow_up=row["follow_up"],
                melder=row["melder"] is not None,
            )
        return number

    def update(self, staff: Staff, number: Any, changes: dict[str, Any]) -> dict[str, Any]:
        """Change the follow-up (with its case reference), the summary or the melder
        (``None`` removes it); every change is in the history and the audit log."""
        self._require(staff, REGISTER_ROLE)
        ctx = self.ctx
        number = _number(number)
        unknown = set(changes) - {"follow_up", "case", "summary", "melder"}
        if unknown:
            raise MeldingError(f"unknown field: {sorted(unknown)[0][:40]}")
        if not changes:
            raise MeldingError("nothing to change")
        with ctx.store.transaction():
            row = self._row(number)
            fields: dict[str, Any] = {}
            done: list[str] = []
            if "follow_up" in changes or "case" in changes:
                # a new follow-up names its own case; a case alone keeps the follow-up
                kept_case = None if "follow_up" in changes else row["case_ref"]
                follow_up = changes.get("follow_up", row["follow_up"])
                fields.update(_follow_up(follow_up, changes.get("case", kept_case)))
                done.append("follow_up")
            if "summary" in changes:
                text = _text("summary", changes["summary"], MAX_SUMMARY)
                fields["summary"] = ctx.master.seal("melding", text)
                done.append("summary")
            if "melder" in changes:
                fields["melder"] = self._seal_melder(changes["melder"])
                if fields["melder"] is not None:
                    done.append("melder_changed" if row["has_melder"] else "melder_added")
                elif row["has_melder"]:
                    done.append("melder_removed")
            fields["updated"] = ctx.now()
            tables.update(ctx.store, number, fields)
            state = {**row, **fields}
            for change in done:
                self._history(staff, number, change, state)
            self.audit(
                staff.name,
                number,
                state["case_ref"],
                action="melding_updated",
                changes=done,
                follow_up=state["follow_up"],
            )
        return self._public(self._row(number))

    # -- reading ---------------------------------------------------------------------------

    def vocabulary(self) -> dict[str, Any]:
        """The values the register takes, for the forms: sources, follow-ups with their
        terms in seconds, and the purposes for opening a melder."""
        return {
            "sources": list(SOURCES),
            "follow_ups": list(FOLLOW_UPS),
            "terms": dict(TERMS),
            "purposes": list(MELDER_PURPOSES),
        }

    def listing(
        self, staff: Staff, *, follow_up: Any = None, no_intake: bool = False
    ) -> list[dict[str, Any]]:
        """The register without summaries or melders (not audited: no content)."""
        self._require(staff, *LIST_ROLES)
        if follow_up is not None:
            follow_up = _choice("follow_up", follow_up, FOLLOW_UPS)
        rows = tables.listing(self.ctx.store, follow_up=follow_up, no_intake=no_intake)
        return [self._public(r) for r in rows]

    def show(self, staff: Staff, number: Any) -> dict[str, Any]:
        """One melding with its summary and history, but not its melder; audited."""
        self._require(staff, REGISTER_ROLE)
        ctx = self.ctx
        number = _number(number)
        row = self._row(number)
        out = self._public(row)
        out["summary"] = ctx.master.open("melding", row["summary"]).decode()
        out["history"] = tables.history(ctx.store, number)
        with ctx.store.transaction():
            self.audit(staff.name, number, row["case_ref"], action="melding_viewed")
        return out

    def melder(self, staff: Staff, number: Any, purpose: Any) -> str | None:
        """The melder's identity, for a stated purpose (:data:`MELDER_PURPOSES`);
        ``None`` when none is kept. Every opening is audited."""
        self._require(staff, MELDER_ROLE)
        ctx = self.ctx
        number = _number(number)
        purpose = _choice("purpose", purpose, MELDER_PURPOSES)
        row = self._row(number)
        sealed = tables.sealed_melder(ctx.store, number)
        with ctx.store.transaction():
            self.audit(
                staff.name,
                number,
                row["case_ref"],
                action="melder_viewed",
                purpose=purpose,
                kept=sealed is not None,
            )
        return None if sealed is None else ctx.master.open("melder", sealed).decode()

    # -- retention ---------------------------------------------------------------------------

    def purge_due(self) -> int:
        """Destroy the meldingen whose term has passed (:data:`TERMS`); returns how many."""
        ctx = self.ctx
        now = ctx.now()
        horizons = {f: now - term for f, term in TERMS.items()}
        due = tables.due_for_purge(ctx.store, horizons)
        if not due:
            return 0
        with ctx.store.transaction():
            for r in due:
                tables.delete(ctx.store, r["id"])
                self.audit(
                    ctx.me,
                    r["id"],
                    None,
                    action="melding_purged",
                    follow_up=r["follow_up"],
                    last_change=r["updated"],
                )
        return len(due)

    # -- helpers ---------------------------------------------------------------------------

    def _require(self, staff: Staff, *roles: str) -> None:
        if self.ctx.config.org != "gemeente":
            raise NotGemeenteError()
        if not staff.roles & set(roles):
            raise MeldingForbiddenError(f"needs the role {' or '.join(sorted(roles))}")

    def audit(
        self, actor: str, number: int, case_ref: str | None, *, action: str, **detail: Any
    ) -> None:
        """An audit entry about a melding (its number, and the case of an aanmelding):
        never its summary or melder."""
        self.ctx.audit(actor=actor, action=action, case_ref=case_ref, melding=number, **detail)

    def _row(self, number: int) -> dict[str, Any]:
        row = tables.get(self.ctx.store, number)
        if row is None:
            raise MeldingNotFoundError(f"melding {number}")
        return row

    def _seal_melder(self, melder: Any) -> bytes | None:
        if melder is None:
            return None
        return self.ctx.master.seal("melder", _text("melder", melder, MAX_MELDER))

    def _history(self, staff: Staff, number: int, change: str, row: dict[str, Any]) -> None:
        tables.add_history(
            self.ctx.store,
            number,
            at=self.ctx.now(),
            actor=staff.name,
            change=change,
            follow_up=row["follow_up"],
            case_ref=row["case_ref"],
        )

    def _public(self, row: dict[str, Any]) -> dict[str, Any]:
        """What any answer may carry of a melding: never its summary or melder."""
        out = {
            k: row[k]
            for k in (
                "id",
                "received",
                "source",
                "follow_up",
                "case_ref",
                "recorded_by",
                "created",
                "updated",
                "phase",
            )
        }
        out["has_melder"] = bool(row["has_melder"])
        out["keep_until"] = keep_until(row)
        return out


def keep_until(row: dict[str, Any]) -> int | None:
    """When a melding is destroyed; ``None`` while a room of its case is held here."""
    if row["follow_up"] == "aanmelding" and row.get("phase") is not None:
        return None
    return int(row["updated"]) + TERMS[row["follow_up"]]


def _number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise MeldingError("melding: a number")
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) < 1 << 62:
        raise MeldingError("melding: a number")
    return int(text)


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise MeldingError(f"{name}: one of {', '.join(allowed)}")
    return value


def _text(name: str, value: Any, limit: int) -> bytes:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise MeldingError(f"{name}: 1 to {limit} characters")
    try:
        return value.strip().encode()
    except UnicodeEncodeError:  # a lone surrogate: the error names no character
        raise MeldingError(f"{name}: not valid text") from None


def _received(value: Any, now: int) -> int:
    if value is None:
        return now
    if isinstance(value, bool) or not isinstance(value, int):
        raise MeldingError("received: a time in seconds since 1970")
    if not 0 < value <= now + FUTURE_SLACK:
        raise MeldingError("received: not in the future")
    return value


def _follow_up(follow_up: Any, case: Any) -> dict[str, Any]:
    """The follow-up and its case reference: an aanmelding names its case, nothing else
    does."""
    follow_up = _choice("follow_up", follow_up, FOLLOW_UPS)
    if follow_up != "aanmelding":
        if case not in (None, ""):
            raise MeldingError("case: only with the follow-up aanmelding")
        return {"follow_up": follow_up, "case_ref": None}
    if not isinstance(case, str) or not re.fullmatch(CASE_REF, case.strip().upper()):
        raise MeldingError("case: the case reference of the aanmelding (e.g. RAD-2026-017)")
    return {"follow_up": follow_up, "case_ref": case.strip().upper()}
