"""The scripted casusoverleg of ``casusnet demo --headless``.

Six partners hold a whole meeting through their local APIs, as the Wet PGA has it: the
burgemeester of the gemeente van verblijf mandates the ZVH's procesregisseur to chair,
the ZVH convenes and invites the deelnemers, the intake by burgemeester, politie and
OM, a derde (GGZ) admitted by their joint consent, a verstrekking from every supplier
(the ZVH supplies nothing in its own name), reading, the integraal plan van aanpak,
closing, and every verstrekking deleted at every recipient. Each step waits until
every node concerned confirms it, and reports one line.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import IO, Any

from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.tools.demo.folder import DEELNEMERS, DERDE, INTAKE, NODES, SCRIPT_CHAIR, save_state
from node.tools.demo.session import Session, StepFailed, states

CRITERIA = {
    "geweldsbereidheid": 2,
    "ideologie": 3,
    "sociale_relaties": 2,
    "identificatie": 1,
    "zelfredzaamheid": 2,
}
JUSTIFICATION = "Noodzakelijk voor de weging en het plan van aanpak; geen lichter middel."
SHARES: dict[str, dict[str, Any]] = {
    "politie": {
        "basis": "wpg-20",
        "categories": ["politie", "signalen"],
        "agreement_ref": "Afspraak bevoegd gezag casusoverleg PGA Demoland 2026",
        "summary": "Twee meldingen over dreigende berichten op sociale media; "
        "geen strafbare feiten vastgesteld.",
    },
    "om": {
        "basis": "wjsg-39fb",
        "categories": ["justitieel"],
        "summary": "Eerdere sepot wegens bedreiging; geen lopende zaken.",
    },
    "gemeente": {
        "basis": "pga-r",
        "categories": ["signalen", "sociale_relaties"],
        "recipients": ["ggz", "om", "politie", "reclassering", "zvh"],
        "summary": "Signaal van school over isolement en uitingen van sympathie voor geweld.",
    },
    "reclassering": {
        "basis": "pga-r",
        "categories": ["plan"],
        "summary": "Toezicht loopt; meldt zich trouw, werk en dagbesteding ontbreken.",
    },
    "ggz": {
        "basis": "pga-r",
        "categories": ["gezondheid"],
        "recipients": ["gemeente", "om", "politie"],
        "secrecy_ground": "toestemming",
        "secrecy_ref": "Schriftelijke toestemming betrokkene, 2 maart 2026",
        "summary": "Eerder in beeld met angstklachten; behandeling in 2025 afgebroken.",
    },
}
PLAN = (
    ("strafrechtelijk", "om", "Strafrechtelijke afdoening van de bedreiging beoordelen", 30),
    ("bestuurlijk", "gemeente", "Persoonsgericht gesprek en bestuurlijke meldplicht", 45),
    ("zorg", "ggz", "Behandeling hervatten en begeleiding naar dagbesteding", 60),
)


class Meeting(Session):
    """One casusoverleg, held by the script; afterwards its shares and members."""

    def __init__(
        self, directory: Path, state: dict[str, Any], out: IO[str], timeout: float, lang: str
    ) -> None:
        super().__init__(directory, state, out, timeout, lang)
        self.shares: dict[str, str] = {}  # sender -> share id
        self.members: dict[str, list[str]] = {}

    def run(self) -> None:
        case = self.next_case()
        self.progress.line(self.say("meeting", case=case))
        self.login()
        self.mandate(case)
        self.convene(case)
        self.invite()
        self.assess()
        self.admit_derde()
        self.share_all()
        self.view()
        self.plan()
        self.close()
        self.wait_deleted()
        self.wait_receipts()

    def next_case(self) -> str:
        """The case reference of this meeting: the demo counts its meetings."""
        self.state["meetings"] = int(self.state.get("meetings", 0)) + 1
        with contextlib.suppress(OSError):
            save_state(self.directory, self.state)
        return f"RAD-{time.gmtime().tm_year}-{self.state['meetings']:03d}"

    def login(self) -> None:
        with self.step(self.say("login")):
            for node in NODES:
                self.api[node] = ApiClient(self.directory / node / "api.sock", timeout=90)

            def login(node: str) -> None:
                doc = self.state["nodes"][node]
                answer = self.api[node].post(
                    "/v1/login", {"name": doc["staff"], "passphrase": doc["passphrase"]}
                )
                self.api[node].token = answer["token"]

            self.parallel(login, NODES)

    def mandate(self, case: str) -> None:
        """The burgemeester (gemeente van verblijf) mandates the ZVH to chair the case."""
        with self.step(self.say("mandate", case=case)):
            self.api["gemeente"].post("/v1/mandates", {"chair": SCRIPT_CHAIR, "case": case})

    def convene(self, case: str) -> None:
        label = self.say("convene", case=case)
        with self.step(label):
            body = {
                "case": case,
                "purpose": "Weging en aanpak (demo)",
                "bases": ["pga-r", "wpg-20", "wjsg-39fb"],
                "meeting": int(time.time()),
                "verblijf": "gemeente",
            }

            def convened() -> bool:  # the mandate may still be on its way
                try:
                    self.room = self.api[SCRIPT_CHAIR].post("/v1/rooms", body)["room"]
                except ApiError as exc:
                    if exc.remote_code != "node.not_allowed":
                        raise
                    return False
                return True

            self.wait(label, convened)

    def invite(self) -> None:
        label = self.say("invite")
        with self.step(label):
            for node in DEELNEMERS:
                self.api[SCRIPT_CHAIR].post(f"/v1/rooms/{self.room}/invite", {"node": node})
            table = (SCRIPT_CHAIR, *DEELNEMERS)
            self.wait_members(label, table, table)

    def assess(self) -> None:
        label = self.say("assess")
        with self.step(label):
            for node in INTAKE:
                self.api[node].post(
                    f"/v1/rooms/{self.room}/assess", {"verdict": "opnemen", "criteria": CRITERIA}
                )
            self.wait(
                label,
                lambda: all(
                    self.room_at(n)["phase"] == "open" for n in (SCRIPT_CHAIR, *DEELNEMERS)
                ),
            )

    def admit_derde(self) -> None:
        label = self.say("derde")
        with self.step(label):
            self.api[SCRIPT_CHAIR].post(
                f"/v1/rooms/{self.room}/invite", {"node": DERDE, "role": "derde"}
            )
            # a node consents only to a derde it has seen invited
            self.wait(
                label,
                lambda: all(
                    DERDE in {m["node"] for m in self.room_at(n)["invited"]} for n in INTAKE
                ),
            )
            for node in INTAKE:
                self.api[node].post(f"/v1/rooms/{self.room}/consent", {"subject": DERDE})
            self.wait_members(label, NODES, NODES)
            self.members = {n: [m["node"] for m in self.room_at(n)["members"]] for n in NODES}

    def share_all(self) -> None:
        """A share from every partner, each confirmed delivered to all its recipients."""
        failures: list[StepFailed] = []

        def send(node: str) -> None:
            spec = SHARES[node]
            label = self.say(
                "share", node=node, basis=spec["basis"], categories=", ".join(spec["categories"])
            )
            if "recipients" in spec:
                label += self.say("share_to", recipients=", ".join(spec["recipients"]))
            start = time.monotonic()
            try:
                doc = self.api[node].post(
                    f"/v1/rooms/{self.room}/shares?wait=delivered"
                    f"&timeout={max(1, min(60, int(self.timeout)))}",
                    {**spec, "justification": JUSTIFICATION},
                )
            except (ApiError, NodeUnreachable) as exc:
                failures.append(StepFailed(label, str(exc)))
                self.progress.fail(label, str(exc))
                return
            self.shares[node] = doc["share"]
            if not doc["done"]:
                failure = StepFailed(label, f"not delivered: {states(doc['deliveries'])}")
                failures.append(failure)
                self.progress.fail(label, failure.reason)
                return
            self.progress.ok(
                label + self.say("delivered", n=len(doc["deliveries"])), time.monotonic() - start
            )

        self.parallel(send, list(SHARES))
        if failures:
            raise failures[0]

    def view(self) -> None:
        label = self.say("view")
        with self.step(label):
            seen = self.api["om"].get(
                f"/v1/rooms/{self.room}/shares/{self.shares['politie']}?sender=politie"
            )
            if seen["summary"] != SHARES["politie"]["summary"]:
                raise StepFailed(label, "om read another text than politie sent")
            if seen["author_function"] != "wijkagent":
                raise StepFailed(label, "the author's function did not arrive")
            self.api[DERDE].get(
                f"/v1/rooms/{self.room}/shares/{self.shares['gemeente']}?sender=gemeente"
            )
            try:
                self.api[DERDE].get(
                    f"/v1/rooms/{self.room}/shares/{self.shares['politie']}?sender=politie"
                )
            except ApiError as exc:
                if exc.remote_code != "node.not_found":
                    raise
            else:
                raise StepFailed(label, "ggz could read a share not addressed to it")

    def plan(self) -> None:
        label = self.say("plan")
        with self.step(label):
            now = int(time.time())
            for measure, owner, title, days in PLAN:
                self.api[SCRIPT_CHAIR].post(
                    f"/v1/rooms/{self.room}/plan",
                    {
                        "kind": "decision",
                        "title": title,
                        "measure": measure,
                        "owner": owner,
                        "due": now + days * 86400,
                    },
                )
            self.wait(label, lambda: all(len(self.room_at(n)["plan"]) == len(PLAN) for n in NODES))

    def close(self) -> None:
        with self.step(self.say("close")):
            self.api[SCRIPT_CHAIR].post(f"/v1/rooms/{self.room}/close", {"outcome": "afgeschaald"})

    def wait_deleted(self) -> None:
        """Until every partner's share is deleted at every recipient."""
        label = self.say("deleted")
        with self.step(label):

            def deleted(node: str) -> None:
                share = self.shares[node]
                deadline = time.monotonic() + self.timeout
                while True:
                    left = deadline - time.monotonic()
                    doc = self.api[node].get(
                        f"/v1/rooms/{self.room}/shares/{share}/status"
                        f"?wait=deleted&timeout={max(1, min(60, int(left)))}"
                    )
                    if doc["done"]:
                        return
                    if time.monotonic() > deadline:
                        raise StepFailed(label, f"{node}'s share: {states(doc['deliveries'])}")

            self.parallel(deleted, list(SHARES))

    def wait_receipts(self) -> None:
        """Until every node holds the closed receipt of every other member."""
        label = self.say("receipts")
        with self.step(label):
            self.wait(label, lambda: all(self._all_receipts(n) for n in NODES))

    def _all_receipts(self, node: str) -> bool:
        doc = self.room_at(node)
        return doc["phase"] == "closed" and set(doc["closed_receipts"]) >= (
            set(self.members[node]) - {node}
        )
