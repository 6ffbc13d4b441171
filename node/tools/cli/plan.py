"""The living plan van aanpak from the command line: ``room measure
propose|adopt|adjust|status|withdraw``, ``room meeting plan|agenda|verslag``, ``room
plan`` and the re-assessment ``room assess --meeting N``, through the local API.
:mod:`.meeting` parses the ``room`` command and hands these actions over: for
``measure`` and ``meeting`` the step comes first, then the room and the measure's item
(or the meeting's number)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import UsageError, local_zone, out, parse_time, resolve_room
from protocol.events import AUTHORITIES, MEASURE_KINDS, MEASURE_STATUSES

MEASURE_STEPS = ("propose", "adopt", "adjust", "status", "withdraw")
MEETING_STEPS = ("plan", "agenda", "verslag")


def add_arguments(s: argparse.ArgumentParser) -> None:
    """The ``room`` parser's options for the living plan (``--reason``, ``--note``,
    ``--file`` and ``--meeting`` are shared with other actions)."""
    s.add_argument("item", nargs="?", help="measure: the measure's item; meeting: its number")
    s.add_argument("--title", help="measure propose/adjust, meeting agenda: the title")
    s.add_argument("--kind", choices=MEASURE_KINDS, help="measure: the kind of measure")
    s.add_argument("--uitvoerder", help="measure: the node at the table that carries it out")
    s.add_argument(
        "--authority",
        choices=[*AUTHORITIES, "geen"],
        help="measure: the competent authority where that is not the uitvoerder (geen: none)",
    )
    s.add_argument("--risk", help="measure: the risk the measure addresses")
    s.add_argument("--due", help="measure: the due date, YYYY-MM-DD")
    s.add_argument("--status", choices=MEASURE_STATUSES, help="measure status: the new status")
    s.add_argument("--at", help="meeting plan: the meeting's time, YYYY-MM-DDTHH:MM")
    s.add_argument("--text", help="meeting verslag: the verslag (or --file)")


def measure(args: argparse.Namespace, api: ApiClient) -> None:
    step, room = _step_and_room(args, api, MEASURE_STEPS, "measure")
    base = f"/v1/rooms/{room}/measures"
    if step == "propose":
        body = _fields(args)
        missing = [f for f in ("title", "kind", "uitvoerder", "risk", "due") if f not in body]
        if missing:
            raise UsageError(f"room measure propose: give --{', --'.join(missing)}")
        doc = api.post(base, body)
        out(args, doc, f"measure {doc['item']} proposed; the chair adopts it for the table")
        return
    item = _need(args.item, "the measure's ITEM")
    if step == "adopt":
        doc = api.post(f"{base}/{item}/adopt", {})
        text = f"measure {item} adopted"
    elif step == "adjust":
        fields = _fields(args)
        if not fields:
            raise UsageError("room measure adjust: give a field to change (--title, --due, ...)")
        body = {**fields, "reason": _need(args.reason, "--reason")}
        doc = api.post(f"{base}/{item}/adjust", body)
        text = f"measure {item} adjusted"
    elif step == "status":
        body = {"status": _need(args.status, "--status")}
        if args.note:
            body["note"] = args.note
        doc = api.post(f"{base}/{item}/status", body)
        text = f"measure {item}: {args.status}"
    else:
        doc = api.post(f"{base}/{item}/withdraw", {"reason": _need(args.reason, "--reason")})
        text = f"measure {item} withdrawn"
    out(args, doc, text)


def meeting(args: argparse.Namespace, api: ApiClient) -> None:
    step, room = _step_and_room(args, api, MEETING_STEPS, "meeting")
    if step == "plan":
        doc = api.post(f"/v1/rooms/{room}/meetings", {"at": parse_time(_need(args.at, "--at"))})
        out(args, doc, f"meeting {doc['meeting']} planned")
        return
    n = _need(args.item, "the meeting's NUMBER")
    if not n.isdigit():
        raise UsageError(f"{n}: the meeting's number (1 is the first)")
    if step == "agenda":
        doc = api.post(
            f"/v1/rooms/{room}/meetings/{n}/agenda", {"title": _need(args.title, "--title")}
        )
        out(args, doc, f"agenda point {doc['item']} added to meeting {n}")
        return
    text = args.text or (Path(args.file).read_text(encoding="utf-8").strip() if args.file else "")
    doc = api.post(
        f"/v1/rooms/{room}/meetings/{n}/verslag", {"text": _need(text, "--text or --file")}
    )
    out(args, doc, f"verslag of meeting {n} recorded")


def show(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    doc = api.get(f"/v1/rooms/{room}/plan")
    out(args, doc, lambda: plan_text(doc))


def plan_text(doc: dict[str, Any]) -> str:
    """The measures with their status and history, the meetings, and the criteria."""
    lines = [f"plan van aanpak of {doc['case']}"]
    nxt = doc["next_meeting"]
    if nxt:
        lines.append(f"next meeting: {nxt['meeting']} on {_when(nxt['at'])}")
    lines.append("measures:" if doc["measures"] else "no measures")
    for m in doc["measures"]:
        flag = " OVERDUE" if m["overdue"] else " due soon" if m["due_soon"] else ""
        authority = f", bevoegd: {m['authority']}" if m["authority"] else ""
        lines.append(
            f"  {m['item']} {m['status']:<11} {m['title'] or '(not readable here)'}"
            f" [{m['kind'] or '?'}; {m['uitvoerder']}{authority}; due {_when(m['due'])}]{flag}"
        )
        if m["risk"]:
            lines.append(f"      risk: {m['risk']}")
        for h in m["history"]:
            what = h["action"] + (f" {h['status']}" if h["action"] == "status" else "")
            changes = ", ".join(
                f"{k} {_value(k, v[0])} -> {_value(k, v[1])}"
                for k, v in (h["changes"] or {}).items()
            )
            note = f": {h['note']}" if h["note"] else ""
            lines.append(
                f"      {_when(h['at'])} {h['by']:<12} {what}"
                + (f" ({changes})" if changes else "")
                + note
            )
    for g in doc["meetings"]:
        lines.append(f"meeting {g['meeting']} on {_when(g['at'])}")
        for a in g["agenda"]:
            lines.append(f"  agenda: {a['title'] or '(not readable here)'} ({a['by']})")
        if g["verslag"]:
            lines.append(
                f"  verslag ({g['verslag']['by']}): {g['verslag']['text'] or '(not readable here)'}"
            )
    if doc["criteria_history"]:
        lines.append("criteria (0 = intake):")
    for c in sorted(doc["criteria_history"], key=lambda c: c["meeting"]):
        scores = ", ".join(f"{k}={v}" for k, v in (c["criteria"] or {}).items())
        lines.append(
            f"  meeting {c['meeting']} {c['org']:<12} {scores or '(not readable here)'}"
            + (f" -> {c['view']}" if c["view"] else "")
        )
    return "\n".join(lines)


def summary_line(doc: dict[str, Any]) -> str | None:
    """``room show``'s line on the next meeting and the measures due (or None)."""
    if (
        not doc.get("next_meeting")
        and not doc.get("measures_due")
        and not doc.get("measures_overdue")
    ):
        return None
    nxt = f"next meeting {_when(doc['next_meeting'])}; " if doc.get("next_meeting") else ""
    return f"{nxt}measures due {doc['measures_due']}, overdue {doc['measures_overdue']}"


def _value(field: str, v: Any) -> str:
    """A changed field's old or new value as the plan shows it: a due date as a date,
    no competent authority as ``geen``."""
    if v is None or v == "":
        return "geen"
    if field == "due" and isinstance(v, int):
        return _when(v)
    return str(v)


def _when(t: int) -> str:
    return dt.datetime.fromtimestamp(t, local_zone()).strftime("%Y-%m-%d %H:%M")


def _step_and_room(
    args: argparse.Namespace, api: ApiClient, steps: tuple[str, ...], what: str
) -> tuple[str, str]:
    """``room measure STEP ROOM [ITEM]``: the parser read STEP as the room and ROOM as
    the node."""
    step, ref = args.room, args.node
    if step not in steps:
        raise UsageError(f"room {what}: one of {', '.join(steps)}, then ROOM")
    return step, resolve_room(api, _need(ref, "ROOM"))


def _need(value: str | None, what: str) -> str:
    if not value:
        raise UsageError(f"give {what}")
    return value


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    """The measure's fields given on the command line."""
    fields: dict[str, Any] = {}
    for name in ("title", "kind", "uitvoerder", "risk"):
        if getattr(args, name):
            fields[name] = getattr(args, name)
    if args.authority:
        fields["authority"] = None if args.authority == "geen" else args.authority
    if args.due:
        fields["due"] = parse_time(args.due)
    return fields
