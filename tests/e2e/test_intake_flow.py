"""The intake (Wet PGA art. 5) across real node processes, driven through the CLI.

Reclassering registers a case; the gemeente (van verblijf) convenes from it and invites
politie and OM. The three exchange what the aanmelding is about (signalen; politie's
own data only after a positive beoordeling), each records a sealed assessment, and
they decide jointly: the beoordeling, endorsed by all three, then further data, then
the samenstelling naming reclassering and GGZ (derde, with the reason). RvdK, invited
afterwards and not named, enters only once the three consent, and can then read
nothing of the intake: not through any route of its local API, not in its files.
A case not put to the casusoverleg reaches the aanmelder as a notice.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cluster import Cluster, staffed

from node.apiclient import ApiClient, ApiError
from node.faces.localapi.app import create_local_app

pytestmark = pytest.mark.slow

PARTNERS = {
    "gemeente": "gemeente",
    "politie": "politie",
    "om": "om",
    "reclassering": "reclassering",
    "rvdk": "rvdk",
    "ggz": "ggz",
}
INTAKE = ("gemeente", "politie", "om")
CASE, AFGEWEZEN_CASE = "RAD-2026-051", "RAD-2026-052"
WHY = ("--justification", "Nodig voor de gezamenlijke analyse (Wet PGA art. 5 lid 3).")
AGREEMENT = ("--agreement-ref", "Afspraak bevoegd gezag 2026-007")
RUN = secrets.token_hex(4)
#: a unique marker in every intake share and every reasoning, to look for where it
#: must not be
MARKERS = {
    what: f"MRK{RUN}-{what}"
    for what in (
        "signalen-gemeente",
        "signalen-politie",
        "verzamelen-politie",
        "assess-gemeente",
        "assess-politie",
        "assess-om",
        "beoordeling",
        "samenstelling",
        "reden-ggz",
    )
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with staffed(tmp_path_factory.mktemp("intake"), PARTNERS) as c:
        yield c


def refusal(c: Cluster, node: str, *args: str, stdin: str = "") -> str:
    """The error code a refused command ends with (``[code]`` or ``(code)``)."""
    done = c.cli(node, *args, check=False, stdin=stdin)
    assert done.returncode == 1, done.stdout
    return done.stderr


def members(c: Cluster, node: str, case: str) -> set[str]:
    return {m["node"] for m in c.room(node, case)["members"]}


def convene_from_aanmelding(c: Cluster, case: str, to: str, tmp_path: Path) -> str:
    """Reclassering registers ``case`` with ``to``; the gemeente convenes from it and
    invites politie and OM; returns the room id once the three are at the table."""
    signals = tmp_path / f"{case}.txt"
    signals.write_text("Signalen uit het toezicht: uitingen over geweld.\n", encoding="utf-8")
    sent = c.json(
        "reclassering", "aanmelding", "add", "--case", case, "--verblijf", "gemeente",
        "--to", to, "--file", str(signals),
    )  # fmt: skip
    aid = str(sent["id"])
    c.wait_for(
        "the aanmelding at the gemeente",
        lambda: any(
            a["id"] == aid for a in c.json("gemeente", "aanmelding", "list")["aanmeldingen"]
        ),
    )
    room = str(
        c.json("gemeente", "room", "convene", "--aanmelding", aid,
               "--bases", "pga-r,wpg-20,wjsg-39fb")["room"]
    )  # fmt: skip
    for node in ("politie", "om"):
        c.cli("gemeente", "room", "invite", room, node)
    c.wait_for("the three at the table", lambda: members(c, "om", case) == set(INTAKE))
    return room


def share(c: Cluster, node: str, case: str, text: str, *args: str) -> str:
    return str(c.json(node, "share", case, *args, stdin=text)["share"])


def test_the_three_decide_and_rvdk_reads_nothing_of_the_intake(
    cluster: Cluster, tmp_path: Path
) -> None:
    c = cluster
    room = convene_from_aanmelding(c, CASE, "politie", tmp_path)
    assert c.room("gemeente", CASE)["stage"] == "analyse"

    # a derde does not join during the intake
    assert "[chain.intake]" in refusal(
        c, "gemeente", "room", "invite", CASE, "ggz", "--role", "derde"
    )

    # the analyse: the aanmelding's own kinds of data among the three
    signalen = ("--basis", "pga-r", "--categories", "signalen", *WHY)
    from_g = share(c, "gemeente", CASE, MARKERS["signalen-gemeente"], *signalen,
                   "--to", "om,politie")  # fmt: skip
    # politie supplies only under the Wpg: its signalen, not yet its politiegegevens
    wpg_signalen = ("--basis", "wpg-20", "--categories", "signalen", *AGREEMENT, *WHY)
    from_p = share(c, "politie", CASE, MARKERS["signalen-politie"], *wpg_signalen)
    # politiegegevens only after a positive beoordeling (lid 4)
    wpg = ("--basis", "wpg-20", "--categories", "politie,signalen", *AGREEMENT, *WHY)
    refused = refusal(c, "politie", "share", CASE, *wpg, stdin="Politiegegevens.")
    assert "[policy.category]" in refused
    assert "positive beoordeling" in refused
    seen = c.wait_for(
        "om reads the gemeente's signalen", lambda: c.json("om", "view", CASE, from_g)
    )
    assert seen["summary"] == MARKERS["signalen-gemeente"]

    # three sealed assessments, then the beoordeling the three endorse
    for node in INTAKE:
        c.assess(node, CASE, "voorleggen", "--reasoning", MARKERS[f"assess-{node}"],
                 "--score", "sociale_relaties=1")  # fmt: skip
    c.wait_for("three assessments", lambda: len(c.room("gemeente", CASE)["assessments"]) == 3)
    assert set(c.room("gemeente", CASE)["assessments"].values()) == {"vastgelegd"}
    seq = c.rule("gemeente", CASE, "--stage", "beoordeling", "--outcome", "voorleggen",
                 "--reasoning", MARKERS["beoordeling"])  # fmt: skip
    c.wait_for(
        "the pending ruling at politie",
        lambda: "pending ruling" in c.cli("politie", "room", "show", CASE).stdout,
    )
    c.endorse(CASE, seq, INTAKE)
    c.wait_for("verzamelen", lambda: all(c.room(n, CASE)["stage"] == "verzamelen" for n in INTAKE))

    # further data, then the samenstelling with the reason the derde is needed
    verzameld = share(c, "politie", CASE, MARKERS["verzamelen-politie"], *wpg)
    seen = c.wait_for("om reads politie's data", lambda: c.json("om", "view", CASE, verzameld))
    assert seen["summary"] == MARKERS["verzamelen-politie"]
    seq = c.rule("gemeente", CASE, "--stage", "samenstelling", "--deelnemer", "reclassering",
                 "--derde", f"ggz={MARKERS['reden-ggz']}",
                 "--reasoning", MARKERS["samenstelling"])  # fmt: skip
    c.endorse(CASE, seq, INTAKE)
    assert c.room("gemeente", CASE)["named"] == {"reclassering": "deelnemer", "ggz": "derde"}

    # the intake as the three read it: every assessment and reasoning
    view = c.json("politie", "room", "intake", CASE)
    assert view["readable"]
    assert view["stage"] is None
    assert {a["reasoning"] for a in view["assessments"]} == {MARKERS[f"assess-{n}"] for n in INTAKE}
    assert view["assessments"][0]["criteria"]["sociale_relaties"] == 1
    assert view["rulings"][1]["reasons"] == {"ggz": MARKERS["reden-ggz"]}
    assert MARKERS["samenstelling"] in c.cli("om", "room", "intake", CASE).stdout

    # the named join on the invite alone; RvdK (not named) needs the three consents
    c.cli("gemeente", "room", "invite", CASE, "reclassering")
    c.cli("gemeente", "room", "invite", CASE, "ggz", "--role", "derde")
    c.wait_for("the named at the table",
               lambda: members(c, "gemeente", CASE) >= {"reclassering", "ggz"})  # fmt: skip
    c.cli("gemeente", "room", "invite", CASE, "rvdk")
    c.wait_for(
        "the invite at politie",
        lambda: "rvdk" in {m["node"] for m in c.room("politie", CASE)["invited"]},
    )
    for node in ("gemeente", "politie"):
        c.cli(node, "room", "consent", CASE, "--subject", "rvdk")
    c.wait_for(
        "two consents", lambda: len(c.room("gemeente", CASE)["consents"].get("rvdk", [])) == 2
    )
    time.sleep(1.0)
    assert "rvdk" not in members(c, "gemeente", CASE)
    unknown = c.cli("rvdk", "room", "show", CASE, check=False)  # it knows nothing of it
    assert "no room of yours matches" in unknown.stderr
    c.cli("om", "room", "consent", CASE, "--subject", "rvdk")
    c.wait_for("rvdk at the table", lambda: "rvdk" in members(c, "rvdk", CASE))

    # RvdK sees that the intake was decided and by whom, nothing of its content
    rvdk_view = c.json("rvdk", "room", "intake", CASE)
    assert not rvdk_view["readable"]
    assert [a["org"] for a in rvdk_view["assessments"]] == [a["org"] for a in view["assessments"]]
    for a in rvdk_view["assessments"]:
        assert not {"criteria", "verdict", "reasoning"} & set(a), a
    for r in rvdk_view["rulings"]:
        assert not {"reasoning", "reasons"} & set(r), r
    answers = every_get(c, "rvdk", room, shares=[from_g, from_p, verzameld])
    assert len(answers) >= 20
    for path, text in answers.items():
        for marker in MARKERS.values():
            assert marker not in text, f"{marker} in GET {path} at rvdk"
    raw = b"".join(p.read_bytes() for p in sorted(c.data("rvdk").glob("node.db*")))
    raw += (c.root / "rvdk.log").read_bytes()
    for marker in MARKERS.values():
        assert marker.encode() not in raw, f"{marker} in rvdk's files"
    # ... which the three do hold: the scans above look for what is there
    assert MARKERS["beoordeling"] in str(c.json("om", "room", "intake", CASE))


def every_get(c: Cluster, node: str, room: str, shares: list[str]) -> dict[str, str]:
    """Every GET route of the local API (and the reading POST of the plan export),
    called by ``node``'s staff: those with ``{room}`` for ``room``, a share or request
    route for each id given and each id it holds; the answers (or refusals) as text."""
    token = (c.data(node) / "session.token").read_text().strip()
    api = ApiClient(c.data(node) / "api.sock", token)
    app = create_local_app(SimpleNamespace(ctx=SimpleNamespace()))  # type: ignore[arg-type]
    doc = api.get(f"/v1/rooms/{room}")
    values: dict[str, list[str]] = {
        "room": [room],
        "share": shares + [s["id"] for s in doc["shares"]],
        "request": [r["id"] for r in doc["requests"]] or ["0" * 32],
        "melding": ["1"],
        "aanmelding": [a["id"] for a in api.get("/v1/aanmeldingen")["aanmeldingen"]] or ["0" * 32],
        "transfer": ["0" * 32],  # the node holds no transfer of this case
    }
    answers: dict[str, str] = {}
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        template = str(info.get("formatter") or info.get("path"))
        if route.method == "POST" and not template.endswith("/plan/export"):
            continue
        if route.method not in ("GET", "POST"):
            continue
        if template == "/v1/events":  # a stream that never ends; what it tells staff
            continue  # outside a room is tested in tests/node/test_events_stream.py
        for path in expand(template, values):
            answers[f"{route.method} {path}"] = call(api, route.method, path)
    return answers


def expand(template: str, values: dict[str, list[str]]) -> list[str]:
    paths = [template]
    for name, options in values.items():
        if "{" + name + "}" in template:
            paths = [p.replace("{" + name + "}", v) for p in paths for v in options]
    assert "{" not in "".join(paths), template
    return paths


def call(api: ApiClient, method: str, path: str) -> str:
    try:
        answer: Any = api.get(path) if method == "GET" else api.post(path, {})
    except ApiError as exc:
        return str(exc)
    return repr(answer)


def test_a_case_not_put_to_the_casusoverleg_reaches_the_aanmelder(
    cluster: Cluster, tmp_path: Path
) -> None:
    c = cluster
    room = convene_from_aanmelding(c, AFGEWEZEN_CASE, "om", tmp_path)
    for node in INTAKE:
        c.assess(node, room, "niet_voorleggen", "--reasoning", f"Geen radicalisering ({node}).")
    c.wait_for("three assessments", lambda: len(c.room("gemeente", room)["assessments"]) == 3)
    seq = c.rule("gemeente", room, "--stage", "beoordeling", "--outcome", "niet_voorleggen")
    shown = c.cli("politie", "room", "show", AFGEWEZEN_CASE).stdout
    c.endorse(room, seq, INTAKE)
    assert "intake stage analyse" in shown
    c.wait_for("afgewezen", lambda: all(c.room(n, room)["stage"] == "afgewezen" for n in INTAKE))
    assert "[chain.intake]" in refusal(c, "gemeente", "room", "invite", room, "reclassering")
    refused = refusal(c, "politie", "share", room, "--basis", "pga-r", "--categories", "signalen",
                      *WHY, stdin="Nog iets.")  # fmt: skip
    assert "[policy.room_not_open]" in refused
    assert "[chain.state]" in refusal(
        c, "gemeente", "room", "close", room, "--outcome", "afgesloten"
    )
    c.cli("gemeente", "room", "close", room, "--outcome", "niet_voorgelegd")
    notices = c.wait_for(
        "the notice at reclassering",
        lambda: [
            n
            for n in c.json("reclassering", "notices")["notices"]
            if n["case_ref"] == AFGEWEZEN_CASE
        ],  # fmt: skip
    )
    assert [(n["outcome"], n["notice_from"]) for n in notices] == [("niet_voorgelegd", "gemeente")]
    assert AFGEWEZEN_CASE in c.cli("reclassering", "notices").stdout
