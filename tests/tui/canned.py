"""A fixed federation for screenshots: the answers a gemeente node gives, frozen.

The shapes are those of the local API (docs/api.md); the values are fixed so a
screenshot is the same on every machine. The flows themselves are tested against
real nodes in test_meeting.py.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from node.apiclient import ApiError

REGISTRY = json.loads(
    (Path(__file__).parents[2] / "protocol" / "grondslagen.json").read_text(encoding="utf-8")
)
T0 = 1796119200  # 2026-12-01 10:00 Europe/Amsterdam... give or take the zone
ROOM = "7" * 64
NODES = {
    "gemeente": ("gemeente", "Gemeente Testregio"),
    "politie": ("politie", "Politie Eenheid Testregio"),
    "om": ("om", "OM Arrondissement Testregio"),
    "zvh": ("zvh", "Zorg- en Veiligheidshuis"),
    "reclassering": ("reclassering", "Reclassering Nederland"),
    "ggz": ("ggz", "GGZ Testregio"),
}


def fp(n: int) -> str:
    return " ".join(f"{(n * 7919 + i * 104729) % 100000:05d}" for i in range(6))


MEMBERS = [
    {
        "node": node,
        "org": org,
        "name": name,
        "fingerprint": fp(i + 1),
        "role": "derde" if node == "ggz" else "deelnemer",
        "epoch_since": 6 if node == "ggz" else (1 if node == "gemeente" else 2),
    }
    for i, (node, (org, name)) in enumerate(NODES.items())
]


def share(i: int, sender: str, basis: str, cats: list[str], own: bool, **kw: Any) -> dict[str, Any]:
    recipients = [n for n in NODES if n not in (sender, "ggz")]
    doc = {
        "id": f"{i:02d}" + "ab" * 15,
        "sender": sender,
        "basis": basis,
        "categories": cats,
        "recipients": recipients,
        "created": T0 + 60 * i,
        "own": own,
        "revoked_at": None,
        "deleted_at": None,
        "readable": True,
        "viewed": i % 2 == 0,
        "deliveries": {r: "delivered" for r in recipients} if own else {},
    }
    doc.update(kw)
    return doc


ROOM_DOC: dict[str, Any] = {
    "room": ROOM,
    "case": "RAD-2026-017",
    "purpose": "Weging en aanpak",
    "phase": "open",
    "status": "open",
    "chair": "gemeente",
    "bases": ["pga-r", "wpg-20", "wjsg-39fb"],
    "epoch": 6,
    "meeting": T0,
    "outcome": None,
    "closed_at": None,
    "members": MEMBERS,
    "invited": [],
    "stage": None,
    "assessments": {"gemeente": "vastgelegd", "politie": "vastgelegd", "om": "vastgelegd"},
    "ruling": {
        "seq": 10,
        "stage": "samenstelling",
        "outcome": None,
        "deelnemers": ["reclassering", "zvh"],
        "derden": [],
        "required": ["gemeente", "om", "politie"],
        "endorsed": ["gemeente", "om", "politie"],
        "in_force": True,
    },  # fmt: skip
    "named": {"reclassering": "deelnemer", "zvh": "deelnemer"},
    "consents": {"ggz": ["gemeente", "om", "politie"]},
    "shares": [
        share(1, "politie", "wpg-20", ["politie", "signalen"], False),
        share(2, "om", "wjsg-39fb", ["justitieel"], False),
        share(3, "gemeente", "pga-r", ["signalen", "sociale_relaties"], True, author="anna"),
        share(4, "zvh", "pga-r", ["plan"], False),
    ],
    "plan": [
        {
            "item": "a" * 32,
            "kind": "decision",
            "title": "Gesprek met moskeebestuur",
            "measure": "bestuurlijk",
            "owner": "gemeente",
            "due": T0 + 86400 * 30,
        },
        {
            "item": "b" * 32,
            "kind": "decision",
            "title": "Meldplicht via de reclassering",
            "measure": "strafrechtelijk",
            "owner": "reclassering",
            "due": T0 + 86400 * 45,
        },
        {
            "item": "c" * 32,
            "kind": "decision",
            "title": "Exitbegeleiding en gezinsondersteuning",
            "measure": "zorg",
            "owner": "ggz",
            "due": T0 + 86400 * 60,
        },
    ],
    "closed_receipts": [],
    "outbox_pending": 0,
    "timeline": [
        {"seq": 0, "kind": "convene", "by": "gemeente", "at": T0 - 7200, "detail": {}},
        *(
            {
                "seq": i,
                "kind": "invite",
                "by": "gemeente",
                "at": T0 - 7100 + i,
                "detail": {"node": n, "role": "derde" if n == "ggz" else "deelnemer"},
            }
            for i, n in enumerate(["politie", "om", "zvh", "reclassering", "ggz"], start=1)
        ),
        *(
            {
                "seq": 5 + i,
                "kind": "assess",
                "by": n,
                "at": T0 - 3600 + i,
                "detail": {"org": n, "verdict": None},
            }
            for i, n in enumerate(["gemeente", "politie", "om"], start=1)
        ),
    ],
}

# information requests: the gemeente asked politie (answered) and OM (declined); ZVH
# asked the gemeente (open, to answer here)
REQUESTS: list[dict[str, Any]] = [
    {"id": "a1" * 16, "asker": "gemeente", "asked": "politie", "own": True,
     "created": T0 + 300, "status": "answered", "answer": "02" + "ab" * 15,
     "settled_at": T0 + 900, "reason_kept": False, "delivered": True},
    {"id": "b2" * 16, "asker": "gemeente", "asked": "om", "own": True, "created": T0 + 400,
     "status": "declined", "answer": None, "settled_at": T0 + 1000, "reason_kept": False,
     "delivered": True},
    {"id": "c3" * 16, "asker": "zvh", "asked": "gemeente", "own": False, "created": T0 + 500,
     "status": "open", "answer": None, "settled_at": None, "reason_kept": False,
     "delivered": None},
]  # fmt: skip
TOPICS = {
    "a1" * 16: "Zijn er recente meldingen over betrokkene bij de politie?",
    "b2" * 16: "Loopt er een strafzaak tegen betrokkene?",
    "c3" * 16: "Is betrokkene bekend bij het wijkteam, en met welke hulp?",
}
ROOM_DOC["requests"] = REQUESTS

CLOSED_DOC = copy.deepcopy(ROOM_DOC)
CLOSED_DOC.update(
    phase="closed", status="closed", outcome="afgeschaald", closed_at=T0 + 3600, plan=[]
)
for s in CLOSED_DOC["shares"]:
    s["readable"] = False
    if s["own"]:
        s["revoked_at"] = T0 + 3600
        s["deliveries"] = {
            "politie": "deleted",
            "om": "deleted",
            "zvh": "revoked",
            "reclassering": "deleted",
        }
CLOSED_DOC["closed_receipts"] = ["ggz", "om", "politie", "reclassering"]

ROOMS = {
    "rooms": [
        {
            "room": ROOM,
            "case_ref": "RAD-2026-017",
            "chair": "gemeente",
            "phase": "open",
            "status": "open",
            "epoch": 6,
            "meeting": T0,
            "updated": T0,
            "outcome": None,
            "shares_received": 3,
            "pending": 0,
            "unread": 2,
        },
        {
            "room": "8" * 64,
            "case_ref": "RAD-2026-009",
            "chair": "gemeente",
            "phase": "intake",
            "status": "intake",
            "epoch": 2,
            "meeting": T0 + 86400 * 7,
            "updated": T0 - 10,
            "outcome": None,
            "shares_received": 0,
            "pending": 0,
            "unread": 0,
        },
        {
            "room": "9" * 64,
            "case_ref": "RAD-2026-003",
            "chair": "zvh",
            "phase": "closed",
            "status": "shielded",
            "epoch": 5,
            "meeting": T0 - 86400 * 40,
            "updated": T0 - 86400,
            "outcome": "overgedragen",
            "shares_received": 0,
            "pending": 0,
            "unread": 0,
        },
    ]
}

ROSTER = {
    "version": 3,
    "federation": "testregio",
    "members": [
        {
            "node": n,
            "org": o,
            "name": name,
            "url": f"https://{n}.testregio.example",
            "fingerprint": fp(i + 1),
            "self": n == "gemeente",
            "reachable": None if n == "ggz" else (n != "reclassering"),
            "last_contact": T0,
            "outbox": 2 if n == "reclassering" else 0,
            "failures": 3 if n == "reclassering" else 0,
        }
        for i, (n, (o, name)) in enumerate(NODES.items())
    ],
}

AUDIT = {
    "entries": [
        {
            "seq": 40 - i,
            "at": T0 - 60 * i,
            "actor": actor,
            "action": action,
            "room": ROOM,
            "case_ref": "RAD-2026-017",
            "detail": {},
        }
        for i, (actor, action) in enumerate(
            [
                ("anna", "share_viewed"),
                ("politie", "receipt"),
                ("anna", "share_sent"),
                ("om", "share_received"),
                ("anna", "plan"),
                ("anna", "consent"),
                ("anna", "assess"),
                ("anna", "invite"),
                ("anna", "convene"),
                ("anna", "login"),
            ]
        )
    ]
}


def aanmelding(i: int, aanmelder: str, to: str, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": f"{i:02d}" + "cd" * 15,
        "case_ref": f"RAD-2026-0{30 + i}",
        "aanmelder": aanmelder,
        "verblijf": "gemeente",
        "to_node": to,
        "recipients": ["gemeente", "om", "politie"],
        "time": T0 - 86400 * i,
        "own": False,
        "via": to,
        "received_at": T0 - 86400 * i,
        "forwarded": False,
        "room": None,
        "outcome": None,
        "decided_at": None,
        "notice_from": None,
        "notice_at": None,
        "delivered": [],
        "purge_after": T0 + 91 * 86400,
    }
    doc.update(kw)
    return doc


#: what the gemeente holds: two aanmeldingen, one of them convened
AANMELDINGEN = [
    aanmelding(1, "reclassering", "politie"),
    aanmelding(2, "om", "gemeente", room=ROOM),
]
#: what reclassering holds: one it registered that was not put to the casusoverleg
OWN = [
    aanmelding(
        3, "reclassering", "politie", own=True, outcome="niet_voorgelegd",
        decided_at=T0, notice_from="gemeente", notice_at=T0 + 60, delivered=["politie"],
    )
]  # fmt: skip
CONTENT = {
    "summary": "Signalen: uitingen over geweld in de begeleiding, contact met een groep.",
    "reason": "Zorgen over radicalisering tijdens het toezicht.",
    "author_function": "reclasseringswerker",
}


# -- a case in its intake (RAD-2026-009): the beoordeling is in force, the samenstelling
# waits for the OM's and the politie's signatures; reclassering was consulted
INTAKE_ROOM = "8" * 64
INTAKE_MEMBERS = [dict(m, epoch_since=1) for m in MEMBERS if m["node"] in
                  ("gemeente", "politie", "om", "reclassering")]  # fmt: skip
INTAKE_DOC: dict[str, Any] = dict(
    copy.deepcopy(ROOM_DOC),
    room=INTAKE_ROOM, case="RAD-2026-009", phase="intake", status="intake", stage="verzamelen",
    bases=["pga-r", "wpg-20", "wjsg-39fb"], epoch=2, members=INTAKE_MEMBERS, invited=[],
    consents={}, named={}, plan=[], requests=[],
    ruling={
        "seq": 9, "stage": "samenstelling", "outcome": None, "deelnemers": ["reclassering"],
        "derden": ["ggz"], "required": ["gemeente", "om", "politie"], "endorsed": ["gemeente"],
        "in_force": False,
    },
    shares=[
        dict(share(5, "gemeente", "pga-r", ["signalen"], True, recipients=["politie", "om"]),
             intake=True),
        dict(share(6, "politie", "wpg-20", ["politie"], False, recipients=["gemeente", "om"]),
             intake=True),
    ],
    timeline=[],
)  # fmt: skip
SCORES = {
    "gemeente": (2, 3, 1, 2, None),
    "politie": (3, 3, 2, 2, 1),
    "om": (2, None, 1, 3, 0),
}
REASONS = {
    "gemeente": "Signalen van school en wijkteam wijzen dezelfde kant op.",
    "politie": "Recente uitingen over geweld; contact met een bekende groep.",
    "om": "Geen strafzaak, wel zorgen over de ontwikkeling.",
}
CRITERIA = ("geweldsbereidheid", "ideologie", "sociale_relaties", "identificatie",
            "zelfredzaamheid")  # fmt: skip
INTAKE_VIEW: dict[str, Any] = {
    "room": INTAKE_ROOM, "case": "RAD-2026-009", "phase": "intake", "stage": "verzamelen",
    "deciding": ["gemeente", "om", "politie"], "intake_nodes": ["gemeente", "om", "politie"],
    "readable": True,
    "assessments": [
        {"seq": 3 + i, "org": org, "node": org, "capacity": "burgemeester" if i == 0 else None,
         "at": T0 - 7200 + 600 * i, "criteria": dict(zip(CRITERIA, SCORES[org], strict=True)),
         "verdict": "voorleggen", "reasoning": REASONS[org]}
        for i, org in enumerate(("gemeente", "politie", "om"))
    ],
    "rulings": [
        {"seq": 6, "stage": "beoordeling", "outcome": "voorleggen", "deelnemers": [],
         "derden": [], "at": T0 - 5000, "endorsed": ["gemeente", "politie", "om"],
         "in_force": True, "reasoning": "Alle drie zien ernstige zorg; voorleggen.",
         "reasons": {}},
        {"seq": 9, "stage": "samenstelling", "outcome": None, "deelnemers": ["reclassering"],
         "derden": ["ggz"], "at": T0 - 1000, "endorsed": ["gemeente"], "in_force": False,
         "reasoning": "Reclassering houdt toezicht; GGZ voor de psychische kant.",
         "reasons": {"ggz": "Psychiatrische expertise bij de weging van het risico."}},
    ],
    "pending": 9,
    "named": {},
}  # fmt: skip
SEALED_VIEW: dict[str, Any] = dict(
    INTAKE_VIEW,
    readable=False,
    assessments=[{k: v for k, v in a.items() if k not in ("criteria", "verdict", "reasoning")}
                 for a in INTAKE_VIEW["assessments"]],
    rulings=[{k: v for k, v in r.items() if k not in ("reasoning", "reasons")}
             for r in INTAKE_VIEW["rulings"]],
)  # fmt: skip
INTAKE_ACTIONS = ("/assess", "/ruling", "/endorse", "/consent", "/close")


class CannedTransport:
    def __init__(self, closed: bool = False, place: str = "gemeente") -> None:
        self.token: str | None = None
        self.closed = closed
        self.place = place
        self.roster: dict[str, Any] = ROSTER
        self.posted: list[tuple[str, dict[str, Any] | None]] = []
        self.posts: list[tuple[str, dict[str, Any]]] = []  # what the TUI sent
        self.room_doc: dict[str, Any] = ROOM_DOC
        self.intake_doc: dict[str, Any] = INTAKE_DOC
        self.intake_view: dict[str, Any] = INTAKE_VIEW
        self.intake_reads = 0  # each an entry in the node's audit log
        self.rooms: dict[str, Any] = ROOMS
        self.plan_view: dict[str, Any] | None = PLAN_VIEW

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == "/v1/login":
            if (body or {}).get("passphrase") != "demo":
                raise ApiError("node.auth", "Login failed", "", 401)
            self.token = "t"
            return {
                "token": "t",
                "name": "anna" if self.place == "gemeente" else "rob",
                "function": "aandachtsfunctionaris radicalisering"
                if self.place == "gemeente"
                else "reclasseringswerker",
                "node": self.place,
                "org": self.place,
                "idle_timeout": 900,
            }
        if path == "/v1/registry":
            return {"node": "gemeente", "org": "gemeente", "registry": REGISTRY}
        if path == "/v1/roster":
            return self.roster
        if path == "/v1/rooms":
            return self.rooms
        if path == f"/v1/rooms/{ROOM}/plan" and method == "GET":
            if self.plan_view is None:
                raise ApiError("node.not_found", "not canned", path, 404)
            return copy.deepcopy(self.plan_view)
        if method == "POST" and ("/measures" in path or "/meetings" in path):
            self.posts.append((path, dict(body or {})))
            return {"item": "e" * 32, "meeting": 3, "ok": True}
        if path == f"/v1/rooms/{INTAKE_ROOM}":
            return self.intake_doc
        if path.startswith("/v1/rooms/") and path.count("/") == 3:
            return CLOSED_DOC if self.closed else self.room_doc
        if path == f"/v1/rooms/{INTAKE_ROOM}/intake":
            self.intake_reads += 1
            return self.intake_view
        if method == "POST" and path.endswith(INTAKE_ACTIONS):
            self.posts.append((path, dict(body or {})))
            return {"room": INTAKE_ROOM, "ok": True, "seq": 11}
        if path.startswith("/v1/audit"):
            return AUDIT
        if path.startswith("/v1/aanmeldingen") or path == "/v1/notices":
            return self.aanmeldingen(method, path, body)
        if method == "POST" and ("/requests" in path or path.endswith("/shares")):
            self.posts.append((path, dict(body or {})))
            return {"request": "d4" * 16, "status": "declined", "share": "05" + "ab" * 15}
        if path == f"/v1/rooms/{ROOM}/requests":
            return {"room": ROOM, "requests": REQUESTS}
        if path.startswith(f"/v1/rooms/{ROOM}/requests/"):
            ident = path.rsplit("/", 1)[1]
            found = next(r for r in REQUESTS if r["id"] == ident)
            return dict(found, topic=TOPICS[ident], categories=["signalen"],
                        author_function="procesregisseur")  # fmt: skip
        raise ApiError("node.not_found", "not canned", path, 404)

    def aanmeldingen(self, method: str, path: str, body: dict[str, Any] | None) -> Any:
        held = OWN if self.place == "reclassering" else AANMELDINGEN
        if method == "POST":
            self.posted.append((path, body))
            if path.endswith("/convene"):
                return {"room": ROOM, "case": "RAD-2026-031", "phase": "intake"}
            return dict(held[0], id="99" + "cd" * 15, own=True)
        if path == "/v1/notices":
            return {"notices": [a for a in held if a["own"] and a["notice_at"]]}
        if path == "/v1/aanmeldingen":
            return {"aanmeldingen": held}
        found = [a for a in held if a["id"] == path.rsplit("/", 1)[1]]
        if not found:
            raise ApiError("node.not_found", "no such aanmelding here", "", 404)
        return dict(found[0], content=CONTENT)


#: a Wgs room convened by the ZVH, seen at politie: in its intake, nothing shared
WGS_ROOM = "6" * 64
WGS_DOC: dict[str, Any] = dict(
    ROOM_DOC,
    room=WGS_ROOM,
    case="WGS-2026-044",
    purpose="Zorg en veiligheid",
    phase="intake",
    status="intake",
    chair="zvh",
    bases=["wgs"],
    epoch=2,
    members=[m for m in MEMBERS if m["node"] in ("zvh", "politie", "gemeente")],
    assessments={},
    consents={},
    shares=[],
    plan=[],
    timeline=[],
    referrals=[],
)


class WgsTransport(CannedTransport):
    """The canned node of politie with one Wgs room, which it may refer (doorverwijzen)."""

    def __init__(self, org: str = "politie") -> None:
        super().__init__(place=org)
        self.doc = copy.deepcopy(WGS_DOC)

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        if path == "/v1/login":
            doc = super().request(method, path, body)
            return dict(doc, name="piet", function="wijkagent radicalisering")
        if path == "/v1/rooms":
            return {"rooms": [dict(ROOMS["rooms"][0], room=WGS_ROOM, case_ref=self.doc["case"],
                                   chair="zvh", phase="intake", status="intake")]}  # fmt: skip
        if path == f"/v1/rooms/{WGS_ROOM}":
            return copy.deepcopy(self.doc)  # the screen keeps what it drew
        if path == f"/v1/rooms/{WGS_ROOM}/refer" and method == "POST":
            self.posted.append((path, body))
            if self.place == "zvh":
                raise ApiError("node.not_pga_deelnemer", "no deelnemer", "", 403)
            to = str((body or {})["to"])  # one node per organisation here
            self.doc["referrals"].append({"aanmelding": "5e" * 16, "to": to,
                                          "verblijf": "gemeente", "time": T0})  # fmt: skip
            return aanmelding(5, self.place, to, own=True, case_ref=self.doc["case"])
        return super().request(method, path, body)


# -- the living plan and the follow-up meetings of RAD-2026-017 (GET .../plan): the first
# follow-up meeting was held with a verslag and a weging again, the second is planned
DAY = 86400


def step(seq: int, at: int, by: str, action: str, **kw: Any) -> dict[str, Any]:
    return {"seq": seq, "at": at, "by": by, "action": action, "status": None,
            "changes": None, "note": None, **kw}  # fmt: skip


def measure(
    i: int,
    title: str,
    kind: str,
    uitvoerder: str,
    authority: str | None,
    status: str,
    due: int,
    history: list[dict[str, Any]],
    **kw: Any,
) -> dict[str, Any]:
    return {"item": f"{i:x}" * 32, "title": title, "kind": kind, "uitvoerder": uitvoerder,
            "authority": authority, "risk": kw.pop("risk", "Verdere radicalisering"),
            "due": due, "status": status, "proposed_by": history[0]["by"],
            "adopted": any(h["action"] == "adopted" for h in history),
            "due_soon": False, "overdue": False, "history": history, **kw}  # fmt: skip


MEETING_1 = T0 + 14 * DAY
MEETING_2 = T0 + 42 * DAY
PLAN_VIEW: dict[str, Any] = {
    "measures": [
        measure(1, "Gesprek met moskeebestuur over signalen", "bestuurlijk", "gemeente",
                "burgemeester", "lopend", T0 + 10 * DAY, [
                    step(20, T0 + 600, "gemeente", "proposed"),
                    step(21, T0 + 700, "gemeente", "adopted"),
                    step(24, MEETING_1 + 3600, "gemeente", "adjusted",
                         changes={"due": [T0 + 30 * DAY, T0 + 10 * DAY]},
                         note="Eerder nodig na de signalen van school."),
                    step(25, MEETING_1 + 7200, "gemeente", "status", status="lopend",
                         note="Eerste gesprek gevoerd."),
                ], overdue=True, risk="Werving in de moskee"),
        measure(2, "Meldplicht via de reclassering", "strafrechtelijk", "reclassering", "om",
                "gepland", MEETING_2 - 2 * DAY, [
                    step(22, T0 + 900, "politie", "proposed"),
                    step(23, T0 + 1000, "gemeente", "adopted"),
                    step(26, MEETING_1 + 9000, "reclassering", "status", status="gepland"),
                ], due_soon=True, risk="Contact met de groep"),
        measure(3, "Gebiedsverbod rond de school", "bestuurlijk", "gemeente", "burgemeester",
                "voorgesteld", MEETING_2, [step(27, MEETING_1 + 9600, "politie", "proposed")],
                risk="Werving van leerlingen"),
        measure(4, "Exitbegeleiding en gezinsondersteuning", "zorg", "zvh", None,
                "uitgevoerd", T0 + 20 * DAY, [
                    step(18, T0 + 300, "zvh", "proposed"),
                    step(19, T0 + 400, "gemeente", "adopted"),
                    step(28, MEETING_1, "zvh", "status", status="uitgevoerd"),
                ], risk="Isolement"),
        measure(5, "Paspoort vervallen verklaren", "bestuurlijk", "gemeente", "minister_jenv",
                "ingetrokken", T0 + 60 * DAY, [
                    step(29, T0 + 1200, "om", "proposed"),
                    step(30, MEETING_1 + 600, "gemeente", "withdrawn",
                         note="Geen aanwijzing voor uitreis."),
                ], risk="Uitreis"),
    ],
    "meetings": [
        {"meeting": 1, "at": MEETING_1,
         "agenda": [{"item": "d1" * 16, "title": "Voortgang meldplicht", "by": "reclassering",
                     "at": T0 + 5 * DAY},
                    {"item": "d2" * 16, "title": "Signalen van school", "by": "gemeente",
                     "at": T0 + 6 * DAY}],
         "verslag": {"text": "Meldplicht loopt; school meldt minder signalen. Gesprek met"
                     " moskeebestuur eerder.", "by": "gemeente", "at": MEETING_1 + 5400}},
        {"meeting": 2, "at": MEETING_2,
         "agenda": [{"item": "d3" * 16, "title": "Evaluatie gebiedsverbod", "by": "politie",
                     "at": MEETING_1 + 86400}],
         "verslag": None},
    ],
    "next_meeting": {"meeting": 2, "at": MEETING_2},
    "criteria_history": [
        *({"meeting": 0, "org": org, "at": T0 - 7200 + 600 * i, "view": "voorleggen",
           "criteria": {c: ("onbekend" if v is None else v)
                        for c, v in zip(CRITERIA, SCORES[org], strict=True)}}
          for i, org in enumerate(("gemeente", "politie", "om"))),
        *({"meeting": 1, "org": org, "at": MEETING_1 + 600 * i, "view": None,
           "criteria": dict(zip(CRITERIA, scores, strict=True))}
          for i, (org, scores) in enumerate((("gemeente", (1, 2, 1, 1, 2)),
                                             ("politie", (2, 2, 1, 2, 1))))),
    ],
}  # fmt: skip
ROOM_AHEAD = dict(ROOM_DOC, next_meeting=MEETING_2, measures_due=1, measures_overdue=1)
ROOMS_AHEAD = {"rooms": [dict(ROOMS["rooms"][0], next_meeting=MEETING_2, measures_due=1,
                              measures_overdue=1),
                         dict(ROOMS["rooms"][1], next_meeting=None),
                         *ROOMS["rooms"][2:]]}  # fmt: skip
