"""The room's seventh tab, *Overleggen*: the follow-up meetings and how the criteria moved.

Each meeting with its time, its agenda points (and who added them) and its verslag;
below, the criteria per assessment round (the intake, then each meeting at which they
were assessed again) as the spread of the organisations' scores. Drawn from
``GET /v1/rooms/{room}/plan``, which the screen reads when the room changed.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ... import fmt
from ...i18n import t
from ...widgets import plain
from ..assess import CRITERIA
from .plan import clip
from .tab import RoomTab
from .view import RoomView

CELL = 8  # one round's column in the criteria table
LABEL = 34  # the criterion's column (the law's words, clipped)


class MeetingsTab(RoomTab):
    def __init__(self) -> None:
        super().__init__(t("room.tab.meetings"), id="meetings")

    def compose(self) -> ComposeResult:
        yield Static(t("meetings.hint"), classes="note", id="meetings-hint")
        with VerticalScroll(id="meetings-scroll"):
            yield Static("", id="meetings-list", classes="intake-part")
            yield Static("", id="meetings-criteria", classes="intake-part")

    def sources(self, doc: dict[str, Any]) -> Any:
        return doc.get("plan_view")

    def draw(self, room: RoomView) -> None:
        view = room.doc.get("plan_view")
        view = view if isinstance(view, dict) else {}
        self.query_one("#meetings-list", Static).update(plain("\n".join(meeting_lines(room, view))))
        self.query_one("#meetings-criteria", Static).update(
            plain("\n".join(criteria_lines(view.get("criteria_history") or [])))
        )


def meeting_lines(room: RoomView, view: dict[str, Any]) -> list[str]:
    meetings = [g for g in view.get("meetings") or [] if isinstance(g, dict)]
    if not meetings:
        return [t("meetings.none")]
    upcoming = (view.get("next_meeting") or {}).get("meeting")
    lines: list[str] = []
    for g in sorted(meetings, key=lambda g: -int(g.get("meeting") or 0)):  # newest first
        n = g.get("meeting")
        mark = t("meetings.next") if n == upcoming else ""
        lines.append(t("meetings.heading", n=n, at=fmt.when(g.get("at")), next=mark))
        agenda = [a for a in g.get("agenda") or [] if isinstance(a, dict)]
        lines.append(t("meetings.agenda") if agenda else t("meetings.no_agenda"))
        for a in agenda:
            title = a.get("title") if a.get("title") is not None else t("meetings.sealed")
            lines.append(t("meetings.agenda_item", title=title, org=room.node(str(a.get("by")))))
        verslag = g.get("verslag")
        if isinstance(verslag, dict):
            by = room.node(str(verslag.get("by")))
            lines.append(t("meetings.verslag", org=by, at=fmt.when(verslag.get("at"))))
            text = verslag.get("text")
            lines.append(str(text) if text is not None else t("meetings.sealed"))
        else:
            lines.append(t("meetings.no_verslag"))
        lines.append("")
    return lines[:-1]


def spread(values: list[Any]) -> str:
    """The organisations' scores for one criterion in one round: ``2`` when they agree,
    ``1–3`` when not, ``?`` when every one left it *onbekend*; ``–`` when none assessed."""
    if not values:
        return "–"
    known = [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if not known:
        return "?"
    low, high = min(known), max(known)
    return str(low) if low == high else f"{low}–{high}"


def criteria_lines(history: list[dict[str, Any]]) -> list[str]:
    """Criterion × round (intake, ov. 1, ov. 2 ...), each cell the spread of the
    organisations' latest scores in that round."""
    rounds: dict[int, dict[str, dict[str, Any]]] = {}
    for h in sorted(history, key=lambda h: int(h.get("at") or 0)):
        if not isinstance(h.get("criteria"), dict):
            continue  # sealed from this node
        rounds.setdefault(int(h.get("meeting") or 0), {})[str(h.get("org"))] = h["criteria"]
    if not rounds:
        return [t("meetings.criteria"), t("meetings.no_criteria")]
    order = sorted(rounds)
    heads = [t("meetings.col.intake") if n == 0 else t("meetings.col.meeting", n=n) for n in order]
    lines = [
        t("meetings.criteria"),
        t("meetings.col.criterion").ljust(LABEL) + "".join(h.ljust(CELL) for h in heads),
    ]
    for c in CRITERIA:
        cells = [spread([s.get(c) for s in rounds[n].values() if c in s]) for n in order]
        label = clip(t(f"criterion.{c}"), LABEL - 1).ljust(LABEL)
        lines.append(label + "".join(x.ljust(CELL) for x in cells))
    return lines
