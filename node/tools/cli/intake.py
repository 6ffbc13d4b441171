"""The intake from the command line (Wet PGA art. 5; Wgs art. 2.31): ``room assess``,
``room rule``, ``room endorse``, ``room intake``, and the intake lines of ``room show``.
:mod:`.meeting` parses the ``room`` command and hands these actions over."""

from __future__ import annotations

import argparse
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import UsageError, csv, out
from protocol.events import CRITERIA, VERDICTS


def scores(args: argparse.Namespace) -> dict[str, int | None]:
    """``--score NAME=0..3|onbekend`` (repeatable) and ``--criteria NAME=SCORE,...``."""
    pairs = [*(args.score or []), *csv(args.criteria)]
    try:
        given = dict(kv.split("=", 1) for kv in pairs)
        result = {k.strip(): None if v.strip() == "onbekend" else int(v) for k, v in given.items()}
    except ValueError:
        raise UsageError(
            "--score: NAME=SCORE, a score 0..3 or onbekend, e.g. ideologie=2"
        ) from None
    unknown = set(result) - set(CRITERIA)
    if unknown:
        raise UsageError(f"unknown criteria {sorted(unknown)}; use {', '.join(CRITERIA)}")
    return result


def assess(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    body: dict[str, Any] = {
        "verdict": args.verdict, "criteria": scores(args), "reasoning": args.reasoning,
    }  # fmt: skip
    if args.meeting:  # a re-assessment at a follow-up meeting of an open room
        if not args.meeting.isdigit():
            raise UsageError("room assess --meeting: the meeting's number (1 is the first)")
        body["meeting"] = int(args.meeting)
    doc = api.post(f"/v1/rooms/{room}/assess", body)
    sealed = (
        f"meeting {args.meeting}, sealed to the table" if args.meeting else "sealed to the intake"
    )
    out(args, doc, f"assessment '{args.verdict}' sent, {sealed}")


def derden(values: list[str] | None) -> dict[str, str]:
    """``--derde NODE=REASON`` (repeatable): each derde and the reason it is needed."""
    result: dict[str, str] = {}
    for value in values or []:
        node, sep, reason = value.partition("=")
        if not sep or not node.strip() or not reason.strip():
            raise UsageError(f"--derde {value}: give NODE=REASON (why the derde is needed)")
        result[node.strip()] = reason.strip()
    return result


def rule(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    body: dict[str, Any] = {"stage": args.stage, "reasoning": args.reasoning}
    if args.stage == "beoordeling":
        if args.outcome not in VERDICTS:
            raise UsageError(f"room rule --stage beoordeling: --outcome {'|'.join(VERDICTS)}")
        if args.deelnemer or args.derde:
            raise UsageError(
                "the beoordeling names nobody: --deelnemer and --derde are for the samenstelling"
            )
        body["outcome"] = args.outcome
        what = f"beoordeling '{args.outcome}'"
    else:
        if args.outcome:
            raise UsageError("the samenstelling has no --outcome: it names who joins")
        body["deelnemers"] = sorted(set(args.deelnemer or []))
        body["derden"] = derden(args.derde)
        what = "samenstelling"
    doc = api.post(f"/v1/rooms/{room}/ruling", body)
    out(args, doc, f"{what} proposed (ruling {doc['seq']}); it waits for the endorsements")


def endorse(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    body = {} if args.ruling is None else {"ruling": args.ruling}
    doc = api.post(f"/v1/rooms/{room}/endorse", body)
    out(args, doc, "ruling endorsed" + (f" ({args.ruling})" if args.ruling is not None else ""))


def show(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    doc = api.get(f"/v1/rooms/{room}/intake")
    out(args, doc, lambda: intake_text(doc))


def intake_text(doc: dict[str, Any]) -> str:
    """``room intake``: the stage, who assessed, the rulings and their signatures, and
    the content where this node can read it."""
    lines = [
        f"case {doc['case']}  phase {doc['phase']}  stage {doc['stage'] or '-'}",
        f"deciding {', '.join(doc['deciding']) or '-'}",
    ]
    if not doc["readable"]:
        lines.append("the scores, views and reasoning are sealed to the intake: not readable here")
    lines.append("assessments:" if doc["assessments"] else "assessments: none yet")
    for a in doc["assessments"]:
        head = f"  [{a['seq']}] {a['org']} ({a['node']})"
        if "verdict" not in a:
            lines.append(f"{head} vastgelegd")
            continue
        given = ", ".join(
            f"{c}={'onbekend' if s is None else s}" for c, s in a.get("criteria", {}).items()
        )
        lines.append(f"{head} {a['verdict']}: {given}")
        if a.get("reasoning"):
            lines.append(f"      {a['reasoning']}")
    lines.append("rulings:" if doc["rulings"] else "rulings: none yet")
    for r in doc["rulings"]:
        lines.extend(_ruling_lines(r, pending=r["seq"] == doc["pending"]))
    if doc["named"]:
        named = ", ".join(f"{n} ({role})" for n, role in sorted(doc["named"].items()))
        lines.append(f"named: {named}")
    return "\n".join(lines)


def _ruling_lines(r: dict[str, Any], *, pending: bool) -> list[str]:
    state = "in force" if r["in_force"] else "waits for endorsements" if pending else "replaced"
    what = r["stage"] + (f" {r['outcome']}" if r["outcome"] else "")
    lines = [f"  [{r['seq']}] {what}: {state}; endorsed by {', '.join(r['endorsed']) or 'none'}"]
    if r["deelnemers"]:
        lines.append(f"      deelnemers {', '.join(r['deelnemers'])}")
    reasons = r.get("reasons", {})
    for node in r["derden"]:
        lines.append(f"      derde {node}" + (f": {reasons[node]}" if node in reasons else ""))
    if r.get("reasoning"):
        lines.append(f"      {r['reasoning']}")
    return lines


def room_lines(doc: dict[str, Any]) -> list[str]:
    """What ``room show`` prints of the intake: the stage, who assessed, the pending
    ruling and the samenstelling."""
    lines: list[str] = []
    if doc.get("stage"):
        lines.append(f"intake stage {doc['stage']}")
    if doc["assessments"]:
        lines.append("assessed: " + ", ".join(f"{k} {v}" for k, v in doc["assessments"].items()))
    r = doc.get("ruling")
    if r and not r["in_force"] and r["stage"] == "afsluiting":
        waiting = sorted(set(r["required"]) - set(r["endorsed"]))
        signed = ", ".join(r["endorsed"]) or "nobody yet"
        lines.append(
            f"pending closure (ruling {r['seq']}): {r['outcome']}; signed by {signed}; "
            f"must still sign: {', '.join(waiting)}"
        )
    elif r and not r["in_force"]:
        what = r["stage"] + (f" {r['outcome']}" if r["outcome"] else "")
        waiting = sorted(set(r["required"]) - set(r["endorsed"]))
        lines.append(f"pending ruling {r['seq']}: {what}; waits for {', '.join(waiting)}")
    if doc.get("named"):
        lines.append(
            "samenstelling: "
            + ", ".join(f"{n} ({role})" for n, role in sorted(doc["named"].items()))
        )
    return lines
