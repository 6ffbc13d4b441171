"""The casusoverleg through the local API: ``room``, ``share``, ``view``, ``plan``, ``revoke``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from node.apiclient import ApiClient
from node.tools.cli.common import (
    Subparsers,
    Undelivered,
    UsageError,
    client,
    csv,
    need,
    out,
    parse_time,
    resolve_room,
)
from node.tools.cli.intake import assess, endorse, room_lines, rule, show
from node.tools.cli.plan import add_arguments as plan_arguments
from node.tools.cli.plan import measure as plan_measure
from node.tools.cli.plan import meeting as plan_meeting
from node.tools.cli.plan import show as plan_show
from node.tools.cli.plan import summary_line as plan_summary
from node.tools.cli.referral import add_arguments as referral_arguments
from node.tools.cli.referral import refer, referral_lines, referrals
from node.tools.cli.transfer import add_arguments as transfer_arguments
from node.tools.cli.transfer import start as transfer_start
from protocol.events import CRITERIA, OUTCOMES, RULING_STAGES, VERDICTS

#: what each ``room`` action needs besides its name (``list`` needs nothing)
ROOM_NEEDS: dict[str, tuple[str, ...]] = {
    "list": (),
    "convene": ("case",),
    "show": ("room",),
    "assess": ("room", "verdict", "reasoning"),
    "rule": ("room", "stage", "reasoning"),
    "endorse": ("room",),
    "intake": ("room",),
    "invite": ("room", "node"),
    "remove": ("room", "node"),
    "consent": ("room", "subject"),
    "assign": ("room", "staff"),
    "close": ("room", "outcome"),
    "export": ("room",),
    "refer": ("room", "to", "verblijf"),
    "referrals": ("room",),
    # the living plan (node/tools/cli/plan.py): room measure|meeting STEP ROOM [ITEM]
    "measure": ("room",),
    "meeting": ("room",),
    "plan": ("room",),
    "transfer": ("room",),
}


def add_parsers(sub: Subparsers) -> None:
    s = sub.add_parser(
        "room",
        help="rooms: list, convene, show, the intake (assess, rule, endorse, intake), invite, "
        "consent, close, export, refer",
    )
    s.add_argument("action", choices=list(ROOM_NEEDS))
    s.add_argument("room", nargs="?", help="room id (prefix) or case reference")
    s.add_argument("node", nargs="?", help="node to invite or remove")
    s.add_argument("--case", help="convene: the case reference (a pseudonym, never a name)")
    s.add_argument(
        "--purpose",
        help="convene: the purpose (default: Weging en aanpak); export after closure: why the"
        " shielded record is opened (overdracht, rechtsvordering, inzageverzoek,"
        " nieuwe_aanmelding), with --reason",
    )
    s.add_argument(
        "--bases", default="pga-r", help="convene: the grondslagen, comma-separated (pga-r, wgs)"
    )
    s.add_argument(
        "--verblijf", help="node of the gemeente van verblijf (pga-r; default: this gemeente)"
    )
    s.add_argument(
        "--meeting",
        help="convene: the meeting time, YYYY-MM-DDTHH:MM; assess: the number of the "
        "follow-up meeting of a re-assessment",
    )
    s.add_argument("--aanmelding", help="convene: from this aanmelding (its case and verblijf)")
    s.add_argument("--verdict", choices=VERDICTS, help="assess: put to the casusoverleg or not")
    s.add_argument(
        "--score",
        action="append",
        metavar="NAME=SCORE",
        help=f"assess: a criterion 0..3 or onbekend (repeat), of: {', '.join(CRITERIA)}",
    )
    s.add_argument("--criteria", help="assess: the scores comma-separated (NAME=SCORE,...)")
    s.add_argument("--reasoning", help="assess, rule: the reasoning (sealed to the intake)")
    s.add_argument("--stage", choices=RULING_STAGES, help="rule: which joint decision")
    s.add_argument(
        "--deelnemer", action="append", metavar="NODE", help="rule samenstelling: (repeat)"
    )
    s.add_argument(
        "--derde",
        action="append",
        metavar="NODE=REASON",
        help="rule samenstelling: a derde and why it is needed (repeat)",
    )
    s.add_argument("--ruling", type=int, metavar="SEQ", help="endorse: the ruling you read")
    s.add_argument(
        "--role", default="deelnemer", choices=["deelnemer", "derde"], help="invite: as what"
    )
    s.add_argument("--subject", help="consent: the derde, or a deelnemer not named")
    s.add_argument("--staff", help="staff member to assign")
    s.add_argument(
        "--outcome",
        choices=[*OUTCOMES, *VERDICTS],
        help="close: how the room ends; rule --stage beoordeling: voorleggen|niet_voorleggen",
    )
    s.add_argument(
        "--note",
        help="close an open room: the closing note with the evaluation (sealed to the "
        "members; the deelnemers sign the closure); transfer: the note to the receiving gemeente",
    )
    referral_arguments(s)
    plan_arguments(s)
    transfer_arguments(s)
    s.set_defaults(func=cmd_room)

    s = sub.add_parser(
        "mandate", help="gemeente: mandate a ZVH node to chair a case on the burgemeester's behalf"
    )
    s.add_argument("--chair", required=True, help="the ZVH node that will chair")
    s.add_argument("--case", required=True, help="the case reference")
    s.set_defaults(func=cmd_mandate)

    s = sub.add_parser("share", help="share a case summary with the room")
    s.add_argument("room")
    share_arguments(s)
    s.add_argument("--request", help="the information request this share answers (its id)")
    s.set_defaults(func=cmd_share)

    s = sub.add_parser("view", help="read a share (the view is audited)")
    s.add_argument("room")
    s.add_argument("share")
    s.set_defaults(func=cmd_view)

    s = sub.add_parser("plan", help="plan van aanpak")
    s.add_argument("action", choices=["add"])
    s.add_argument("room")
    s.add_argument("--title", required=True)
    s.add_argument("--measure", required=True, choices=["strafrechtelijk", "bestuurlijk", "zorg"])
    s.add_argument("--owner", required=True, help="owner partner's node id")
    s.add_argument("--due", required=True, help="YYYY-MM-DD")
    s.set_defaults(func=cmd_plan)

    s = sub.add_parser("revoke", help="revoke own shares")
    s.add_argument("room")
    s.add_argument("shares", nargs="*")
    s.add_argument("--all", action="store_true")
    s.set_defaults(func=cmd_revoke)


def share_arguments(s: argparse.ArgumentParser, required: bool = True) -> None:
    """What a share is made of (``share``, and ``request answer``)."""
    s.add_argument("--basis", required=required, help="the grondslag supplied under")
    s.add_argument("--categories", required=required, help="data categories, comma-separated")
    s.add_argument(
        "--to",
        help="share: recipients, comma-separated (default: the deelnemers; during the intake "
        "the intake's organisations; an answer: the asker); request (ask): the partner asked",
    )
    s.add_argument(
        "--justification", help="why this is necessary: proportionality and subsidiarity"
    )
    s.add_argument(
        "--agreement-ref", help="politie: reference of the agreement with the bevoegd gezag"
    )
    s.add_argument(
        "--secrecy-ground",
        choices=[
            "toestemming",
            "wettelijke_plicht",
            "wettelijke_bevoegdheid",
            "goed_hulpverlenerschap",
        ],
        help="beroepsgeheim: the ground the supply rests on",
    )
    s.add_argument("--secrecy-ref", help="beroepsgeheim: a reference to that ground")
    s.add_argument("--conditions", help="conditions on further use")
    s.add_argument("--file", help="text file (default: stdin)")
    s.add_argument(
        "--wait",
        type=float,
        default=0,
        help="wait up to this many seconds for every delivery receipt",
    )


# --- room ------------------------------------------------------------------------------------

PLAN_STEPS = {"measure": plan_measure, "meeting": plan_meeting}

INTAKE_ACTIONS = {
    "assess": assess,
    "rule": rule,
    "endorse": endorse,
    "intake": show,
}


def cmd_room(args: argparse.Namespace) -> None:
    api = client(args)
    if args.action == "list":
        doc = api.get("/v1/rooms")
        out(args, doc, lambda: _rooms_text(doc))
        return
    if args.action == "convene" and args.aanmelding:
        _convene_from(args, api)
        return
    need(args, *ROOM_NEEDS[args.action])
    if args.action in PLAN_STEPS:
        PLAN_STEPS[args.action](args, api)
        return
    if args.action == "convene":
        _convene(args, api)
        return
    room = resolve_room(api, args.room)
    if args.action == "show":
        doc = api.get(f"/v1/rooms/{room}")
        out(args, doc, lambda: _room_text(doc))
    elif args.action in INTAKE_ACTIONS:
        INTAKE_ACTIONS[args.action](args, api, room)
    elif args.action == "plan":
        plan_show(args, api, room)
    elif args.action == "refer":
        refer(args, api, room)
    elif args.action == "referrals":
        referrals(args, api, room)
    elif args.action == "close":
        close(args, api, room)
    elif args.action == "transfer":
        transfer_start(args, api, room)
    elif args.action == "export":
        export(args, api, room)
    else:
        body, text = _room_post(args)
        out(args, api.post(f"/v1/rooms/{room}/{args.action}", body), text)


def _rooms_text(doc: dict[str, Any]) -> str:
    return (
        "\n".join(
            f"{r['room'][:12]}  {r['case_ref']:<16} {r['status']:<7} chair {r['chair']}"
            f"  received {r['shares_received']}  pending {r['pending']}"
            + (f"  measures overdue {r['measures_overdue']}" if r.get("measures_overdue") else "")
            for r in doc["rooms"]
        )
        or "no rooms"
    )


def _convene(args: argparse.Namespace, api: ApiClient) -> None:
    doc = api.post(
        "/v1/rooms",
        {
            "case": args.case,
            "purpose": args.purpose or "Weging en aanpak",
            "bases": csv(args.bases),
            "meeting": parse_time(args.meeting),
            "verblijf": args.verblijf,
        },
    )
    out(args, doc, f"room {doc['room']} convened for {doc['case']} ({doc['phase']})")


def _convene_from(args: argparse.Namespace, api: ApiClient) -> None:
    body = {
        "purpose": args.purpose or "Weging en aanpak",
        "bases": csv(args.bases),
        "meeting": parse_time(args.meeting),
    }
    doc = api.post(f"/v1/aanmeldingen/{args.aanmelding}/convene", body)
    out(args, doc, f"room {doc['room']} convened for {doc['case']} ({doc['phase']})")


def _room_text(doc: dict[str, Any]) -> str:
    lines = [
        f"case {doc['case']}  phase {doc['phase']}  epoch {doc['epoch']}  chair {doc['chair']}",
        f"bases {', '.join(doc['bases'])}",
        "members:",
    ]
    if doc.get("verblijf"):
        lines.insert(2, f"gemeente van verblijf {doc['verblijf']}")
    if doc.get("aanmelding"):
        a = doc["aanmelding"]
        told = "; aanmelder told" if a["notice_at"] else ""
        lines.insert(2, f"aanmelding {a['id'][:12]} by {a['aanmelder']}{told}")
    for m in doc["members"]:
        role = "chair for the burgemeester" if m.get("on_behalf") else m["role"]
        lines.append(f"  {m['node']:<14} {m['org']:<13} {role:<9} {m['fingerprint']}")
    for m in doc["invited"]:
        waits = m.get("consent_by") if m.get("needs_consent") else None
        consent = f", waits for the consent of {', '.join(waits)}" if waits else ""
        lines.append(f"  {m['node']:<14} {m['org']:<13} invited as {m['role']}{consent}")
    for m in doc.get("former_members", []):
        done = "deletion confirmed" if m["deletion_confirmed"] else "deletion not confirmed"
        lines.append(f"  {m['node']:<14} {m['org']:<13} former member, {done}")
    lines.extend(room_lines(doc))
    lines.append("shares:")
    for s in doc["shares"]:
        state = " ".join(f"{p}:{st}" for p, st in sorted(s["deliveries"].items()))
        lines.append(f"  {s['id']} from {s['sender']:<12} {s['basis']:<10} {state}")
    for item in doc["plan"]:
        lines.append(f"plan: {item['title']} ({item['measure']}, {item['owner']})")
    lines += referral_lines(doc.get("referrals", []))
    planned = plan_summary(doc)
    if planned:
        lines.append(planned)
    if doc["phase"] == "closed":
        lines.append("closed receipts from: " + ", ".join(doc["closed_receipts"]))
    return "\n".join(lines)


def close(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    """Close the room: in an open room the deelnemers decide (Wet PGA art. 6 lid 3; Wgs
    art. 2.31 lid 8), so the chair proposes the closure with its note and the room
    closes once every deelnemer at the table signed it (``room endorse``)."""
    if args.outcome not in OUTCOMES:
        raise UsageError(f"room close: --outcome {'|'.join(OUTCOMES)}")
    body = {"outcome": args.outcome}
    if args.note:
        body["note"] = args.note
    elif _needs_note(api.get(f"/v1/rooms/{room}")):
        raise UsageError(
            "room close: --note TEXT, the closing note with the evaluation: the deelnemers "
            "decide the closure of an open room and sign it"
        )
    doc = api.post(f"/v1/rooms/{room}/close", body)
    if not doc.get("proposed"):
        out(args, doc, f"room closed ({args.outcome}); shares are being revoked")
        return
    out(
        args,
        doc,
        f"closure proposed as {args.outcome} (ruling {doc['seq']}); the room closes once "
        f"every deelnemer at the table has signed it (room endorse {args.room} --ruling "
        f"{doc['seq']}); see room show for who must still sign",
    )


def export(args: argparse.Namespace, api: ApiClient, room: str) -> None:
    """Write the plan van aanpak into the node's exports folder; after closure from the
    gemeente's shielded record, with ``--purpose`` and ``--reason`` (an audited opening)."""
    body = {"purpose": args.purpose, "reason": args.reason} if args.purpose else {}
    doc = api.post(f"/v1/rooms/{room}/plan/export", body)
    out(args, doc, f"plan exported to {doc['path']}")


def _needs_note(doc: dict[str, Any]) -> bool:
    """An open room's closure is proposed with a note; while one waits for signatures
    a close without a note is sent, and the node refuses it (chain.closure)."""
    r = doc.get("ruling") or {}
    pending = r.get("stage") == "afsluiting" and not r.get("in_force")
    return bool(doc.get("closed_jointly")) and not pending


def _room_post(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """The body and the message of a ``room`` action that is one POST to the room."""
    match args.action:
        case "invite":
            return {"node": args.node, "role": args.role}, f"{args.node} invited as {args.role}"
        case "remove":
            return {"node": args.node}, f"{args.node} removed"
        case "consent":
            return {"subject": args.subject}, f"consent for {args.subject} sent"
        case "assign":
            return {"staff": args.staff}, f"{args.staff} assigned"
    raise UsageError(f"room {args.action}: not an action on a room")


# --- shares and the plan -----------------------------------------------------------------------


def cmd_mandate(args: argparse.Namespace) -> None:
    doc = client(args).post("/v1/mandates", {"chair": args.chair, "case": args.case})
    out(args, doc, f"mandate for {args.chair} to chair {args.case} sent")


def cmd_share(args: argparse.Namespace) -> None:
    api = client(args)
    room = resolve_room(api, args.room)
    text = Path(args.file).read_text() if args.file else sys.stdin.read()
    body = {
        "basis": args.basis,
        "categories": csv(args.categories),
        "recipients": csv(args.to),
        "summary": text.strip(),
        "justification": args.justification,
        "agreement_ref": args.agreement_ref,
        "secrecy_ground": args.secrecy_ground,
        "secrecy_ref": args.secrecy_ref,
        "conditions": args.conditions,
        "request": getattr(args, "request", None),
    }
    path = f"/v1/rooms/{room}/shares"
    if args.wait:
        path += f"?wait=delivered&timeout={args.wait}"
    doc = api.post(path, body)
    out(args, doc, f"share {doc['share']} sent" + (" and delivered" if doc.get("done") else ""))
    if args.wait and not doc.get("done"):
        late = sorted(p for p, s in doc["deliveries"].items() if s == "pending")
        why = "; ".join(f"{p}: {e}" for p, e in sorted(doc.get("errors", {}).items()))
        raise Undelivered(f"not yet delivered to {', '.join(late)}" + (f" ({why})" if why else ""))


def cmd_view(args: argparse.Namespace) -> None:
    api = client(args)
    room = resolve_room(api, args.room)
    doc = api.get(f"/v1/rooms/{room}/shares/{args.share}")
    out(args, doc, lambda: f"{doc['sender']} under {doc['basis']}:\n{doc['summary']}")


def cmd_plan(args: argparse.Namespace) -> None:
    api = client(args)
    room = resolve_room(api, args.room)
    doc = api.post(
        f"/v1/rooms/{room}/plan",
        {
            "kind": "decision",
            "title": args.title,
            "measure": args.measure,
            "owner": args.owner,
            "due": parse_time(args.due),
        },
    )
    out(args, doc, f"plan item {doc['item']} added")


def cmd_revoke(args: argparse.Namespace) -> None:
    api = client(args)
    room = resolve_room(api, args.room)
    if not args.all and not args.shares:
        raise UsageError("name the shares to revoke, or --all")
    body: dict[str, Any] = {"all": True} if args.all else {"shares": args.shares}
    doc = api.post(f"/v1/rooms/{room}/revoke", body)
    out(args, doc, f"{doc['revoked']} share(s) revoked; recipients confirm deletion")
