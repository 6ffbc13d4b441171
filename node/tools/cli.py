"""casusnet: set up and run a node, and hold a casusoverleg from the command line.

Every meeting command talks to the running node over its local API; every command
takes ``--json`` for scripts. Errors are one line with what to do, and exit 1
(2 for wrong usage). Documented in ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.config import parse_listen
from node.tools import provision
from protocol.errors import CasusnetError
from protocol.events import CRITERIA

SESSION_FILE = "session.token"
ROTATE_FILE = "member-rotate.json"


class Undelivered(CasusnetError):
    """The share is stored and will be delivered when the partner is reachable again."""

    code = "cli.undelivered"


class UsageError(CasusnetError):
    """The command is incomplete; see `casusnet --help`."""

    code = "cli.usage"


# --- helpers -----------------------------------------------------------------------------


def data_dir(args: argparse.Namespace) -> Path:
    value = args.data or os.environ.get("CASUSNET_DATA")
    if not value:
        raise UsageError("give the node's data dir with --data or CASUSNET_DATA")
    return Path(value)


def secret(prompt: str, env: str) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline().rstrip("\n")
    if not line:
        raise UsageError(f"no passphrase given (stdin or {env})")
    return line


def client(args: argparse.Namespace, login: bool = True) -> ApiClient:
    base = data_dir(args)
    token = None
    if login:
        path = Path(os.environ.get("CASUSNET_SESSION", base / SESSION_FILE))
        try:
            token = path.read_text().strip()
        except OSError:
            raise UsageError("not logged in: run `casusnet login --name NAME` first") from None
    return ApiClient(base / "api.sock", token)


def resolve_room(api: ApiClient, ref: str) -> str:
    rooms = api.get("/v1/rooms")["rooms"]
    hits = [r for r in rooms if r["room"].startswith(ref.lower()) or r["case_ref"] == ref]
    if len(hits) != 1:
        raise UsageError(f"{ref}: {'no' if not hits else 'more than one'} room of yours matches")
    return str(hits[0]["room"])


def local_zone() -> dt.tzinfo:
    """Dates without an offset are Dutch time (CASUSNET_TZ overrides)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("CASUSNET_TZ", "Europe/Amsterdam")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r} (CASUSNET_TZ)") from None


def parse_time(value: str | None) -> int:
    if not value:
        return int(time.time())
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{value}: give a date as YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return int(moment.timestamp())


def need(args: argparse.Namespace, *names: str) -> None:
    """Refuse a command that lacks what its action needs."""
    missing = [n for n in names if getattr(args, n, None) in (None, "")]
    if missing:
        labels = {"room": "ROOM", "file": "FILE", "node": "NODE (or --node)"}
        flags = ", ".join(labels.get(n, f"--{n.replace('_', '-')}") for n in missing)
        raise UsageError(f"{args.command} {getattr(args, 'action', '')}: give {flags}")


def csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def out(args: argparse.Namespace, doc: Any, text: str | Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(doc, indent=1, sort_keys=True))
    else:
        print(text() if callable(text) else text)


# --- setup commands ------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> None:
    base = data_dir(args)
    if ":" not in args.listen or not args.listen.rpartition(":")[2].isdigit():
        raise UsageError("--listen needs HOST:PORT, for example 127.0.0.1:8443")
    if args.metrics:
        try:
            parse_listen(args.metrics)
        except ValueError:
            raise UsageError("--metrics needs HOST:PORT, for example 127.0.0.1:9464") from None
    if args.authority_file:
        authority = json.loads(Path(args.authority_file).read_text())["public"]
    else:
        authority = args.authority
    if not authority:
        raise UsageError("pin the roster authority with --authority HEX or --authority-file")
    try:
        if len(bytes.fromhex(authority)) != 32:
            raise ValueError
    except ValueError:
        raise UsageError("--authority: the authority's public key, 64 hex digits") from None
    passphrase = (
        secret("Passphrase for the master key: ", "CASUSNET_PASSPHRASE")
        if args.passphrase
        else None
    )
    entry = provision.init_node(
        base,
        node_id=args.node,
        org=args.org,
        listen=args.listen,
        public_url=args.url,
        authority=bytes.fromhex(authority),
        roster_path=Path(args.roster).resolve(),
        passphrase=passphrase,
        closure_grace=args.closure_grace,
        metrics=args.metrics or "",
    )
    out(
        args,
        entry,
        lambda: (
            f"node {args.node} created in {base}\n"
            f"fingerprint: {entry['fingerprint']}\n"
            f"give {base / provision.MEMBER_FILE} to the roster authority"
        ),
    )


def cmd_roster(args: argparse.Namespace) -> None:
    now = int(time.time())
    needs = {
        "create": ("dir",),
        "add": ("dir", "member", "name"),
        "remove": ("dir", "node"),
        "rotate": ("dir", "member"),
        "sign": ("dir", "out"),
        "show": ("file",),
        "import": ("file",),
    }
    need(args, *needs[args.action])
    if args.action == "create":
        info = provision.create_authority(Path(args.dir), args.federation)
        out(args, info, f"roster authority created; fingerprint {info['fingerprint']}")
    elif args.action == "add":
        entry = json.loads(Path(args.member).read_text())
        provision.add_member(Path(args.dir), entry, name=args.name, now=now)
        out(
            args,
            {"added": entry["node"]},
            f"{entry['node']} added (fingerprint "
            f"{entry['fingerprint']}: compare it with the node's operator by phone)",
        )
    elif args.action == "rotate":
        entry = json.loads(Path(args.member).read_text())
        doc = provision.rotate_member(Path(args.dir), entry, now=now, grace=args.grace)
        out(
            args,
            doc,
            f"{entry['node']} gets the key with fingerprint {entry['fingerprint']} (compare it"
            " with the node's operator by phone); the old key is kept for old signatures."
            " Sign and distribute the roster",
        )
    elif args.action == "remove":
        provision.remove_member(Path(args.dir), args.node)
        out(args, {"removed": args.node}, f"{args.node} removed; sign and distribute the roster")
    elif args.action == "sign":
        roster = provision.sign(Path(args.dir), Path(args.out), now=now)
        out(args, {"version": roster.version}, f"roster version {roster.version} -> {args.out}")
    elif args.action == "show":
        doc = provision.describe(Path(args.file).read_bytes())
        out(
            args,
            doc,
            lambda: "\n".join(
                [f"{doc['federation']} version {doc['version']}"]
                + [
                    f"  {m['node']:<16} {m['org']:<13} {m['fingerprint']}  {m['url']}"
                    for m in doc["members"]
                ]
            ),
        )
    elif args.action == "import":
        node = _offline_node(args)
        roster = node.import_roster(Path(args.file).read_bytes())
        out(args, {"version": roster.version}, f"roster version {roster.version} imported")


def _offline_node(args: argparse.Namespace) -> Any:
    from node.app import open_node
    from node.config import load

    config = load(data_dir(args))
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE") if config.master == "passphrase" else None
    )
    return open_node(config, phrase)


def cmd_run(args: argparse.Namespace) -> None:
    from node.app import run
    from node.config import load

    config = load(data_dir(args))
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE") if config.master == "passphrase" else None
    )
    run(config, phrase)


def cmd_staff(args: argparse.Namespace) -> None:
    from node.domain import staff as staffmod
    from node.store import audit

    node = _offline_node(args)
    passphrase = secret(f"Passphrase for {args.name}: ", "CASUSNET_STAFF_PASSPHRASE")
    member = staffmod.add(
        node.store, args.name, args.function, passphrase, intake=args.intake, now=node.now()
    )
    with node.store.transaction():
        audit.append(
            node.store,
            at=node.now(),
            actor="operator",
            action="staff_added",
            staff=args.name,
            function=args.function,
        )
    out(
        args,
        {"name": member.name, "function": member.function},
        f"staff member {member.name} ({member.function}) added",
    )


def cmd_login(args: argparse.Namespace) -> None:
    api = client(args, login=False)
    passphrase = secret(f"Passphrase for {args.name}: ", "CASUSNET_STAFF_PASSPHRASE")
    doc = api.post("/v1/login", {"name": args.name, "passphrase": passphrase})
    path = Path(os.environ.get("CASUSNET_SESSION", data_dir(args) / SESSION_FILE))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(doc["token"] + "\n")
    doc.pop("token")
    out(args, doc, f"logged in as {doc['name']} ({doc['function']}) at {doc['node']}")


# --- meeting commands -----------------------------------------------------------------------


def cmd_room(args: argparse.Namespace) -> None:
    api = client(args)
    action = args.action
    if action == "list":
        doc = api.get("/v1/rooms")
        out(
            args,
            doc,
            lambda: (
                "\n".join(
                    f"{r['room'][:12]}  {r['case_ref']:<16} {r['status']:<7} chair {r['chair']}"
                    f"  received {r['shares_received']}  pending {r['pending']}"
                    for r in doc["rooms"]
                )
                or "no rooms"
            ),
        )
        return
    needs = {
        "convene": ("case",),
        "assess": ("room", "verdict"),
        "invite": ("room", "node"),
        "remove": ("room", "node"),
        "consent": ("room", "subject"),
        "assign": ("room", "staff"),
        "close": ("room", "outcome"),
        "show": ("room",),
    }
    need(args, *needs.get(action, ()))
    if action == "convene":
        doc = api.post(
            "/v1/rooms",
            {
                "case": args.case,
                "purpose": args.purpose,
                "bases": csv(args.bases),
                "meeting": parse_time(args.meeting),
            },
        )
        out(args, doc, f"room {doc['room']} convened for {doc['case']} ({doc['phase']})")
        return
    room = resolve_room(api, args.room)
    if action == "show":
        doc = api.get(f"/v1/rooms/{room}")
        out(args, doc, lambda: _show(doc))
    elif action == "assess":
        try:
            criteria = dict(kv.split("=", 1) for kv in csv(args.criteria))
            scores = {k: int(v) for k, v in criteria.items()}
        except ValueError:
            raise UsageError(
                "--criteria: name=score pairs, e.g. ideologie=2,zelfredzaamheid=1"
            ) from None
        unknown = set(criteria) - set(CRITERIA)
        if unknown:
            raise UsageError(f"unknown criteria {sorted(unknown)}; use {', '.join(CRITERIA)}")
        doc = api.post(
            f"/v1/rooms/{room}/assess",
            {"verdict": args.verdict, "criteria": scores},
        )
        out(args, doc, f"assessment '{args.verdict}' sent")
    elif action == "invite":
        doc = api.post(f"/v1/rooms/{room}/invite", {"node": args.node, "role": args.role})
        out(args, doc, f"{args.node} invited as {args.role}")
    elif action == "remove":
        doc = api.post(f"/v1/rooms/{room}/remove", {"node": args.node})
        out(args, doc, f"{args.node} removed")
    elif action == "consent":
        doc = api.post(f"/v1/rooms/{room}/consent", {"subject": args.subject})
        out(args, doc, f"consent for {args.subject} sent")
    elif action == "assign":
        doc = api.post(f"/v1/rooms/{room}/assign", {"staff": args.staff})
        out(args, doc, f"{args.staff} assigned")
    elif action == "close":
        doc = api.post(f"/v1/rooms/{room}/close", {"outcome": args.outcome})
        out(args, doc, f"room closed ({args.outcome}); shares are being revoked")


def _show(doc: dict[str, Any]) -> str:
    lines = [
        f"case {doc['case']}  phase {doc['phase']}  epoch {doc['epoch']}  chair {doc['chair']}",
        f"bases {', '.join(doc['bases'])}",
        "members:",
    ]
    for m in doc["members"]:
        lines.append(f"  {m['node']:<14} {m['org']:<13} {m['role']:<9} {m['fingerprint']}")
    for m in doc["invited"]:
        lines.append(f"  {m['node']:<14} {m['org']:<13} invited as {m['role']}")
    if doc["assessments"]:
        lines.append("intake: " + ", ".join(f"{k} {v}" for k, v in doc["assessments"].items()))
    lines.append("shares:")
    for s in doc["shares"]:
        state = " ".join(f"{p}:{st}" for p, st in sorted(s["deliveries"].items()))
        lines.append(f"  {s['id']} from {s['sender']:<12} {s['basis']:<10} {state}")
    for item in doc["plan"]:
        lines.append(f"plan: {item['title']} ({item['measure']}, {item['owner']})")
    if doc["phase"] == "closed":
        lines.append("closed receipts from: " + ", ".join(doc["closed_receipts"]))
    return "\n".join(lines)


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
        "decision_ref": args.decision_ref,
        "consent": args.consent,
        "conditions": args.conditions,
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


def cmd_audit(args: argparse.Namespace) -> None:
    from node.config import load
    from node.store import audit, keystore
    from node.store.db import Store

    config = load(data_dir(args))
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE") if config.master == "passphrase" else None
    )
    store = Store(config.db_path)
    # the chain is keyed: verifying needs the master key, as editing it would
    store.audit_key = keystore.load_master(config, phrase).derive("casusnet/audit")
    if args.action == "export":
        need(args, "case")
    if args.action == "verify":
        count = audit.verify(store)
        out(args, {"ok": True, "entries": count}, f"audit log intact: {count} entries")
    else:
        doc = export_case(store, args.case)
        out(args, doc, lambda: json.dumps(doc, indent=1, sort_keys=True))


def export_case(store: Any, case_ref: str) -> dict[str, Any]:
    """What was shared about a case, with whom, on which basis, and its revocation state."""
    from node.store import audit, maintenance

    result: dict[str, Any] = {"case": case_ref, "rooms": []}
    for r in maintenance.case_rooms(store, case_ref):
        shares = maintenance.room_shares(store, r["room"])
        for s in shares:
            s["deliveries"] = maintenance.share_deliveries(store, s["id"])
            s["id"] = s["id"].hex()
            s["direction"] = "sent" if s.pop("own") else "received"
        result["rooms"].append(
            {
                "room": r["room"].hex(),
                "phase": r["phase"],
                "chair": r["chair"],
                "closed_at": r["closed_at"],
                "outcome": r["outcome"],
                "shares": shares,
            }
        )
    result["audit"] = audit.entries(store, case_ref=case_ref, limit=1_000_000)
    return result


def cmd_doctor(args: argparse.Namespace) -> None:
    from node.tools.doctor import doctor

    checks = doctor(data_dir(args))
    ok = all(c["ok"] for c in checks)
    out(
        args,
        {"ok": ok, "checks": checks},
        lambda: "\n".join(
            f"{'ok ' if c['ok'] else 'FAIL'} {c['check']}: {c['detail']}" for c in checks
        ),
    )
    if not ok:
        raise SystemExit(1)


def cmd_key(args: argparse.Namespace) -> None:
    import nacl.utils

    from node.config import load
    from node.store import keystore

    config = load(data_dir(args))
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE") if config.master == "passphrase" else None
    )
    master = keystore.load_master(config, phrase)
    current = keystore.load_identity(config, master)
    identity, made = keystore.prepare_rotation(config, master, nacl.utils.random)
    entry = provision.member_entry(config.node_id, config.org, config.public_url, identity)
    path = data_dir(args) / ROTATE_FILE
    path.write_text(json.dumps(entry, indent=1) + "\n")
    doc = {**entry, "previous": current.fingerprint, "new": made, "file": str(path)}
    out(
        args,
        doc,
        lambda: (
            f"{'new' if made else 'pending'} key for {config.node_id}\n"
            f"fingerprint: {entry['fingerprint']} (was {current.fingerprint})\n"
            f"give {path} to the roster authority (`casusnet roster rotate`); the node keeps"
            " signing with the old key until it imports the roster that lists the new one"
        ),
    )


def cmd_backup(args: argparse.Namespace) -> None:
    from node.config import load
    from node.store import keystore
    from node.tools import backup

    config = load(data_dir(args))
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE") if config.master == "passphrase" else None
    )
    master = keystore.load_master(config, phrase)
    header = backup.make_backup(config, master, Path(args.to), now=int(time.time()))
    out(
        args,
        {"file": args.to, **header},
        f"backup of {header['node']} -> {args.to} ({header['payload_size']} bytes); "
        "keep the master key apart from it",
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from node.tools import backup

    bundle = Path(getattr(args, "from"))
    header, _ = backup.read_header(bundle.read_bytes()) if bundle.exists() else ({}, b"")
    phrase = (
        secret("Passphrase: ", "CASUSNET_PASSPHRASE")
        if header.get("master") == "passphrase"
        else None
    )
    doc = backup.restore(
        bundle,
        data_dir(args),
        key_file=Path(args.master_key) if args.master_key else None,
        passphrase=phrase,
        force=args.force,
    )
    out(
        args,
        doc,
        f"{doc['node']} restored into {data_dir(args)} from the backup of "
        f"{dt.datetime.fromtimestamp(doc['created']).isoformat(timespec='seconds')}; "
        "start it with `casusnet run`: it catches up with its partners",
    )


# --- the parser -------------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> None:
    from tui.app import run

    code = run(args.node or data_dir(args), args.lang or os.environ.get("CASUSNET_LANG"))
    if code:
        raise SystemExit(code)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="casusnet", description=__doc__.splitlines()[0])
    p.add_argument("--data", help="the node's data dir (or CASUSNET_DATA)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="create a node's data dir")
    s.add_argument("--node", required=True)
    s.add_argument("--org", required=True)
    s.add_argument("--listen", required=True, help="HOST:PORT for the federation endpoints")
    s.add_argument("--url", required=True, help="the URL other nodes use to reach this node")
    s.add_argument("--roster", required=True, help="path of the signed roster file")
    s.add_argument("--authority", help="the roster authority's public key (hex)")
    s.add_argument("--authority-file", help="authority.pub of the roster authority")
    s.add_argument(
        "--passphrase",
        action="store_true",
        help="derive the master key from a passphrase instead of a key file",
    )
    s.add_argument(
        "--closure-grace",
        type=int,
        default=0,
        help="seconds after closure before own shares are revoked",
    )
    s.add_argument(
        "--metrics",
        metavar="HOST:PORT",
        help="serve health and Prometheus metrics on this local address (default: off)",
    )
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("roster", help="the roster authority's tools, and import")
    s.add_argument(
        "action", choices=["create", "add", "remove", "rotate", "sign", "show", "import"]
    )
    s.add_argument("file", nargs="?")
    s.add_argument("--dir", help="the roster authority's directory")
    s.add_argument("--federation", default="casusnet")
    s.add_argument("--member", help="member.json of a node (add)")
    s.add_argument("--name", help="the organisation's display name (add)")
    s.add_argument("--node", help="node id (remove)")
    s.add_argument("--out", help="where to write the signed roster (sign)")
    s.add_argument(
        "--grace",
        type=int,
        default=7 * 86400,
        help="seconds the old key's envelope signatures stay valid (rotate; default 7 days)",
    )
    s.set_defaults(func=cmd_roster)

    s = sub.add_parser("run", help="run the node daemon")
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("staff", help="local staff accounts")
    s.add_argument("action", choices=["add"])
    s.add_argument("--name", required=True)
    s.add_argument("--function", required=True, help="function label others see")
    s.add_argument("--intake", action="store_true", help="gets new rooms assigned")
    s.set_defaults(func=cmd_staff)

    s = sub.add_parser("login", help="log in as a staff member")
    s.add_argument("--name", required=True)
    s.set_defaults(func=cmd_login)

    s = sub.add_parser("room", help="rooms: list, convene, show, assess, invite, consent, close")
    s.add_argument(
        "action",
        choices=[
            "list",
            "convene",
            "show",
            "assess",
            "invite",
            "remove",
            "consent",
            "assign",
            "close",
        ],
    )
    s.add_argument("room", nargs="?", help="room id (prefix) or case reference")
    s.add_argument("node", nargs="?", help="node to invite or remove")
    s.add_argument("--case")
    s.add_argument("--purpose", default="Weging en aanpak")
    s.add_argument("--bases", default="pga-r")
    s.add_argument("--meeting", help="meeting time, YYYY-MM-DDTHH:MM")
    s.add_argument("--verdict", choices=["opnemen", "niet_opnemen"])
    s.add_argument("--criteria", help=f"name=0..3, of: {', '.join(CRITERIA)}")
    s.add_argument("--role", default="deelnemer", choices=["deelnemer", "derde"])
    s.add_argument("--subject", help="third party to consent to")
    s.add_argument("--staff", help="staff member to assign")
    s.add_argument(
        "--outcome", choices=["afgeschaald", "overgedragen", "afgesloten", "niet_opgenomen"]
    )
    s.set_defaults(func=cmd_room)

    s = sub.add_parser("share", help="share a case summary with the room")
    s.add_argument("room")
    s.add_argument("--basis", required=True)
    s.add_argument("--categories", required=True)
    s.add_argument("--to", help="recipients (default: all deelnemers)")
    s.add_argument("--justification")
    s.add_argument("--decision-ref")
    s.add_argument("--consent")
    s.add_argument("--conditions")
    s.add_argument("--file", help="text file (default: stdin)")
    s.add_argument(
        "--wait",
        type=float,
        default=0,
        help="wait up to this many seconds for every delivery receipt",
    )
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

    s = sub.add_parser("audit", help="verify the audit log, or export a case")
    s.add_argument("action", choices=["verify", "export"])
    s.add_argument("--case")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("key", help="rotate the node's identity keys")
    s.add_argument("action", choices=["rotate"])
    s.set_defaults(func=cmd_key)

    s = sub.add_parser("backup", help="a consistent backup of the node (without the master key)")
    s.add_argument("--to", required=True, help="the bundle to write (mode 0600)")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser("restore", help="restore a backup into an empty data dir")
    s.add_argument("--from", required=True, help="the bundle made by `casusnet backup`")
    s.add_argument("--master-key", help="the node's master key file, kept apart")
    s.add_argument("--force", action="store_true", help="restore into a non-empty data dir")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser("doctor", help="check config, keys, roster and peers")
    s.set_defaults(func=cmd_doctor)

    s = sub.add_parser("tui", help="the meeting instrument (terminal UI)")
    s.add_argument("--node", help="the node's data dir (default: --data or CASUSNET_DATA)")
    s.add_argument("--lang", choices=["nl", "en"], help="language (default nl)")
    s.set_defaults(func=cmd_tui)

    from node.tools.demo import add_parser as add_demo_parser

    add_demo_parser(sub)  # casusnet demo: node/demo.py
    return p


HINTS = {
    "node.session": "log in again with `casusnet login --name NAME`",
    "node.auth": "check the name and passphrase",
    "node.passphrase": "check the passphrase (CASUSNET_PASSPHRASE)",
    "roster.authority": "compare the authority's fingerprint with the one pinned at init",
    "roster.stale": "ask the roster authority for the newest roster",
    "transport": "the partner is unreachable; delivery is retried automatically",
    "cli.undelivered": "check the partner with `casusnet doctor`; nothing is lost",
    "backup.key": "give the master key file (--master-key) or passphrase of this node",
    "backup.integrity": "use another copy of the backup",
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except ApiError as exc:
        hint = HINTS.get(exc.remote_code, "")
        print(f"casusnet: {exc}" + (f"; {hint}" if hint else ""), file=sys.stderr)
        return 1
    except NodeUnreachable as exc:
        print(f"casusnet: {exc.user_text()} ({exc.detail})", file=sys.stderr)
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except UsageError as exc:
        print(f"casusnet: {exc.detail}", file=sys.stderr)
        return 2
    except CasusnetError as exc:
        hint = HINTS.get(exc.code, "")
        detail = f" ({exc.detail})" if exc.detail else ""
        print(
            f"casusnet: {exc.user_text()}{detail} [{exc.code}]" + (f"; {hint}" if hint else ""),
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, KeyError) as exc:  # a file, a value or a field given wrong
        what = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
        print(f"casusnet: {what}{where}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
