"""The scripted casusoverleg of ``casusnet demo --headless``.

Partners hold a whole case through their local APIs, as the Wet PGA has it: a melding
in the gemeente's register, reclassering's aanmelding, the intake by burgemeester,
politie and OM with its joint decisions (:mod:`.intake`), then the casusoverleg: a
verstrekking from every supplier, reading, the living integraal plan van aanpak with
its verslag and next meeting, closing, and every verstrekking deleted at every
recipient. Each step waits until every node
concerned confirms it, and reports one line.
"""

from __future__ import annotations

import contextlib
import time
from functools import partial
from typing import Any

from node.apiclient import ApiClient, ApiError, NodeUnreachable
from node.tools.demo.folder import DERDE, NODES, TABLE, save_state
from node.tools.demo.intake import CHAIR, IntakeSteps
from node.tools.demo.session import StepFailed, states

CLOSING_NOTE = (
    "Evaluatie: de maatregelen zijn uitgevoerd en de zorgen zijn afgenomen; het "
    "reguliere zorgnetwerk neemt de begeleiding over."
)

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
        "recipients": ["ggz", "om", "politie", "reclassering"],
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
    # (proposer, kind, uitvoerder, competent authority, title, risk, days until due)
    (
        "om",
        "strafrechtelijk",
        "om",
        None,
        "Strafrechtelijke afdoening van de bedreiging beoordelen",
        "Herhaling van dreigende berichten",
        30,
    ),
    (
        "gemeente",
        "bestuurlijk",
        "gemeente",
        "burgemeester",
        "Persoonsgericht gesprek en bestuurlijke meldplicht",
        "Verdere aansluiting bij de groep",
        45,
    ),
    (
        "reclassering",
        "zorg",
        "reclassering",
        None,
        "Begeleiding naar dagbesteding en hervatten van behandeling",
        "Isolement en gebrek aan dagstructuur",
        60,
    ),
)
VERSLAG = (
    "Overleg 1: de partners brachten hun informatie in; drie maatregelen vastgesteld. "
    "Volgend overleg over twee weken."
)
AGENDA = "Terugkoppeling van school en voortgang dagbesteding"


class Meeting(IntakeSteps):
    """One case, held by the script; afterwards its shares and members."""

    def run(self) -> None:
        case = self.next_case()
        self.progress.line(self.say("meeting", case=case))
        self.login()
        self.melding(case)
        self.convene(self.aanmelding(case))
        self.exchange()
        self.assess()
        self.beoordeling()
        self.verzamelen()
        self.samenstelling()
        self.admit()
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
            try:
                self.supply(node, spec, label)
            except StepFailed as exc:
                failures.append(exc)
            except NodeUnreachable as exc:
                failures.append(StepFailed(label, str(exc)))
                self.progress.fail(label, str(exc))

        self.parallel(send, list(SHARES))
        if failures:
            raise failures[0]

    def shared(self, node: str) -> str:
        """The id of ``node``'s verstrekking to the casusoverleg (its last)."""
        return [share for sender, share in self.shares if sender == node][-1]

    def view(self) -> None:
        label = self.say("view")
        with self.step(label):
            seen = self.api["om"].get(
                f"/v1/rooms/{self.room}/shares/{self.shared('politie')}?sender=politie"
            )
            if seen["summary"] != SHARES["politie"]["summary"]:
                raise StepFailed(label, "om read another text than politie sent")
            if seen["author_function"] != "wijkagent":
                raise StepFailed(label, "the author's function did not arrive")
            self.api[DERDE].get(
                f"/v1/rooms/{self.room}/shares/{self.shared('gemeente')}?sender=gemeente"
            )
            try:
                self.api[DERDE].get(
                    f"/v1/rooms/{self.room}/shares/{self.shared('politie')}?sender=politie"
                )
            except ApiError as exc:
                if exc.remote_code != "node.not_found":
                    raise
            else:
                raise StepFailed(label, "ggz could read a share not addressed to it")

    def plan(self) -> None:
        """The living plan: each measure proposed by a deelnemer and adopted by the
        chair; reclassering starts its own; the chair's procesregisseur records the
        verslag of this meeting and plans the next, and politie puts a point on its
        agenda (Wet PGA art. 6 lid 1-2)."""
        label = self.say("plan")
        with self.step(label):
            now = int(time.time())

            def propose(entry: tuple[Any, ...]) -> str:
                node, kind, uitvoerder, authority, title, risk, days = entry
                body = {"title": title, "kind": kind, "uitvoerder": uitvoerder, "risk": risk}
                body["due"] = now + days * 86400
                if authority:
                    body["authority"] = authority
                item: str = self.api[node].post(f"/v1/rooms/{self.room}/measures", body)["item"]
                return item

            items = self.parallel(propose, list(PLAN))
            for item in items:
                self.wait(label, partial(self._measure, CHAIR, item))
                self.api[CHAIR].post(f"/v1/rooms/{self.room}/measures/{item}/adopt", {})
            ours = items[[entry[0] for entry in PLAN].index("reclassering")]
            self.wait(label, lambda: self._status("reclassering", ours) == "gepland")
            self.api["reclassering"].post(
                f"/v1/rooms/{self.room}/measures/{ours}/status",
                {"status": "lopend", "note": "Eerste gesprek met de jongere gevoerd"},
            )
            self.api[CHAIR].post(f"/v1/rooms/{self.room}/meetings/1/verslag", {"text": VERSLAG})
            nxt = self.api[CHAIR].post(f"/v1/rooms/{self.room}/meetings", {"at": now + 14 * 86400})
            meeting = nxt["meeting"]
            self.wait(label, lambda: self._next_meeting("politie") == meeting)
            self.api["politie"].post(
                f"/v1/rooms/{self.room}/meetings/{meeting}/agenda", {"title": AGENDA}
            )
            self.wait(label, lambda: all(self._planned(n, items) for n in TABLE if n != DERDE))

    def _plan_at(self, node: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.api[node].get(f"/v1/rooms/{self.room}/plan")
        return doc

    def _measure(self, node: str, item: str) -> dict[str, Any] | None:
        return next((m for m in self._plan_at(node)["measures"] if m["item"] == item), None)

    def _status(self, node: str, item: str) -> str | None:
        measure = self._measure(node, item)
        return None if measure is None else str(measure["status"])

    def _next_meeting(self, node: str) -> int | None:
        nxt = self._plan_at(node)["next_meeting"]
        return None if nxt is None else int(nxt["meeting"])

    def _planned(self, node: str, items: list[str]) -> bool:
        """``node`` sees every measure adopted, one under way, and the agenda point."""
        plan = self._plan_at(node)
        status = {m["item"]: m["status"] for m in plan["measures"]}
        agenda = [a for g in plan["meetings"] for a in g["agenda"]]
        return (
            all(status.get(i) in ("gepland", "lopend") for i in items)
            and "lopend" in status.values()
            and bool(agenda)
        )

    def close(self) -> None:
        """The chair proposes the closure with its note; every deelnemer at the table
        (burgemeester, politie, OM, reclassering: not the derde) signs it, and the
        chair's node closes the room (Wet PGA art. 6 lid 3)."""
        label = self.say("close")
        with self.step(label):
            doc = self.api[CHAIR].post(
                f"/v1/rooms/{self.room}/close", {"outcome": "afgeschaald", "note": CLOSING_NOTE}
            )
            seq = doc["seq"]
            deelnemers = [n for n in TABLE if n != DERDE]

            def endorsed(node: str) -> None:
                self.wait(label, lambda: (self.room_at(node)["ruling"] or {}).get("seq") == seq)
                self.api[node].post(f"/v1/rooms/{self.room}/endorse", {"ruling": seq})

            self.parallel(endorsed, deelnemers)
            self.wait(label, lambda: self.room_at(CHAIR)["phase"] == "closed")

    def wait_deleted(self) -> None:
        """Until every partner's share is deleted at every recipient."""
        label = self.say("deleted")
        with self.step(label):

            def deleted(entry: tuple[str, str]) -> None:
                node, share = entry
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

            self.parallel(deleted, self.shares)

    def wait_receipts(self) -> None:
        """Until every node holds the closed receipt of every other member."""
        label = self.say("receipts")
        with self.step(label):
            self.wait(label, lambda: all(self._all_receipts(n) for n in TABLE))

    def _all_receipts(self, node: str) -> bool:
        doc = self.room_at(node)
        return doc["phase"] == "closed" and set(doc["closed_receipts"]) >= (
            set(self.members[node]) - {node}
        )
