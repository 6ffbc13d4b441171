"""The headless meeting's first half: from the melding to the samenstelling.

The gemeente records a melding in its register and follows it up with an aanmelding;
reclassering registers the case with the gemeente van verblijf (Wet PGA art. 5 lid 1),
which convenes the casusoverleg from it and invites politie and OM. The three
exchange the signalen, each records a sealed assessment, and they decide jointly: the
beoordeling (lid 3), further data from politie (lid 4), and the samenstelling that
names reclassering and GGZ as derde (lid 5). :mod:`.script` holds the rest.
"""

from __future__ import annotations

import time
from typing import Any

from node.apiclient import ApiError
from node.tools.demo.folder import AANMELDER, DERDE, INTAKE
from node.tools.demo.session import Session, StepFailed

CHAIR = "gemeente"  # the gemeente van verblijf convenes and chairs itself
CRITERIA = {
    "geweldsbereidheid": 2,
    "ideologie": 3,
    "sociale_relaties": 2,
    "identificatie": 1,
    "zelfredzaamheid": None,  # onbekend
}
JUSTIFICATION = "Noodzakelijk voor de weging en het plan van aanpak; geen lichter middel."
MELDING = {
    "source": "school",
    "summary": "Mentor meldt uitingen van sympathie voor geweld en toenemend isolement.",
    "melder": "Mentor, via de school (demo)",
}
AANMELDING_TEXT = (
    "Tijdens het toezicht uitingen over geweld tegen een groep; contact met een "
    "extremistisch netwerk online. Toezicht loopt tot 2027."
)
INTAKE_SHARE = {
    "basis": "pga-r",
    "categories": ["signalen"],
    "recipients": ["om", "politie"],
    "summary": "Melding van school (register van meldingen): isolement, uitingen van "
    "sympathie voor geweld.",
}
VERZAMELEN_SHARE = {
    "basis": "wpg-20",
    "categories": ["politie", "signalen"],
    "recipients": ["gemeente", "om"],
    "agreement_ref": "Afspraak bevoegd gezag casusoverleg PGA Demoland 2026",
    "summary": "Twee registraties van bedreiging online (2025); geen aanhouding.",
}
REASONS = {
    "assess": "Ernstige zorgen over ideologie en geweldsbereidheid; zelfredzaamheid onbekend.",
    "beoordeling": "Eensluidend: de casus past bij het doel van de wet; voorleggen.",
    "samenstelling": "Reclassering houdt toezicht; GGZ voor de behandeling.",
    DERDE: "Eerder in behandeling; psychiatrische expertise nodig voor het plan.",
}


class IntakeSteps(Session):
    """The melding, the aanmelding and the intake, each step confirmed by every node."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.shares: list[tuple[str, str]] = []  # (sender, share id), in order
        self.members: dict[str, list[str]] = {}  # node -> the table it saw when all sat

    def melding(self, case: str) -> None:
        """The aandachtsfunctionaris records the signal and follows it up: an aanmelding."""
        with self.step(self.say("melding", case=case)):
            api = self.api[CHAIR]
            number = api.post("/v1/meldingen", MELDING)["melding"]
            api.post(f"/v1/meldingen/{number}", {"follow_up": "aanmelding", "case": case})

    def aanmelding(self, case: str) -> str:
        """Reclassering registers the case with the gemeente van verblijf; its id."""
        label = self.say("aanmelding", case=case)
        with self.step(label):
            body = {
                "case": case,
                "verblijf": CHAIR,
                "to": CHAIR,
                "summary": AANMELDING_TEXT,
                "reason": "Vermoeden van radicalisering tijdens het toezicht.",
            }
            aid = str(self.api[AANMELDER].post("/v1/aanmeldingen", body)["id"])
            self.wait(
                label,
                lambda: any(
                    a["id"] == aid for a in self.api[CHAIR].get("/v1/aanmeldingen")["aanmeldingen"]
                ),
            )
        return aid

    def convene(self, aanmelding: str) -> None:
        label = self.say("convene")
        with self.step(label):
            body = {"purpose": "Weging en aanpak (demo)", "bases": ["pga-r", "wpg-20", "wjsg-39fb"]}
            self.room = self.api[CHAIR].post(f"/v1/aanmeldingen/{aanmelding}/convene", body)["room"]
            for node in INTAKE:
                if node != CHAIR:
                    self.api[CHAIR].post(f"/v1/rooms/{self.room}/invite", {"node": node})
            self.wait_members(label, INTAKE, INTAKE)

    def exchange(self) -> None:
        """The analyse: the gemeente brings the melding's signalen to politie and OM."""
        self.supply(CHAIR, INTAKE_SHARE, self.say("exchange"))

    def assess(self) -> None:
        label = self.say("assess")
        with self.step(label):
            body = {"verdict": "voorleggen", "criteria": CRITERIA, "reasoning": REASONS["assess"]}
            for node in INTAKE:
                self.api[node].post(f"/v1/rooms/{self.room}/assess", body)
            self.wait(label, lambda: len(self.room_at(CHAIR)["assessments"]) == len(INTAKE))

    def beoordeling(self) -> None:
        body = {
            "stage": "beoordeling",
            "outcome": "voorleggen",
            "reasoning": REASONS["beoordeling"],
        }
        self.ruling(self.say("beoordeling"), body, lambda doc: doc["stage"] == "verzamelen")

    def verzamelen(self) -> None:
        """Only now politie supplies its own data (Wet PGA art. 5 lid 4)."""
        self.supply("politie", VERZAMELEN_SHARE, self.say("verzamelen"))

    def samenstelling(self) -> None:
        body = {
            "stage": "samenstelling",
            "deelnemers": [AANMELDER],
            "derden": {DERDE: REASONS[DERDE]},
            "reasoning": REASONS["samenstelling"],
        }
        self.ruling(self.say("samenstelling"), body, lambda doc: doc["phase"] == "open")

    def admit(self) -> None:
        """Who the samenstelling named enters on the invite alone."""
        label = self.say("admit")
        with self.step(label):
            for node, role in ((AANMELDER, "deelnemer"), (DERDE, "derde")):
                self.api[CHAIR].post(f"/v1/rooms/{self.room}/invite", {"node": node, "role": role})
            table = (*INTAKE, AANMELDER, DERDE)
            self.wait_members(label, table, table)
            self.members = {n: [m["node"] for m in self.room_at(n)["members"]] for n in table}

    # -- helpers --------------------------------------------------------------------------

    def ruling(self, label: str, body: dict[str, Any], done: Any) -> None:
        """The chair proposes; each of the three endorses once its node holds the ruling."""
        with self.step(label):
            seq = self.api[CHAIR].post(f"/v1/rooms/{self.room}/ruling", body)["seq"]

            def endorsed(node: str) -> None:
                self.wait(label, lambda: (self.room_at(node)["ruling"] or {}).get("seq") == seq)
                self.api[node].post(f"/v1/rooms/{self.room}/endorse", {"ruling": seq})

            self.parallel(endorsed, INTAKE)
            self.wait(label, lambda: all(done(self.room_at(n)) for n in INTAKE))

    def supply(self, node: str, spec: dict[str, Any], label: str) -> None:
        """One verstrekking, confirmed delivered to all its recipients."""
        start = time.monotonic()
        try:
            doc = self.api[node].post(
                f"/v1/rooms/{self.room}/shares?wait=delivered"
                f"&timeout={max(1, min(60, int(self.timeout)))}",
                {**spec, "justification": JUSTIFICATION},
            )
        except ApiError as exc:
            self.progress.fail(label, str(exc))
            raise StepFailed(label, str(exc)) from None
        self.shares.append((node, doc["share"]))
        if not doc["done"]:
            reason = f"not delivered: {doc['deliveries']}"
            self.progress.fail(label, reason)
            raise StepFailed(label, reason)
        self.progress.ok(
            label + self.say("delivered", n=len(doc["deliveries"])), time.monotonic() - start
        )
