"""Transfer of a case to another gemeente (Wet PGA art. 7) across real node processes,
driven through the CLI, with every node's clock injected through the environment at
start (``fakeclock``): the gemeente transfers an open case to gemeente2; politie
objects, OM and the gemeente itself supply again, RvdK never answers; gemeente2 takes
it in as an aanmelding and reads the two supplied verstrekkingen and not the objected
one; when every node's clock passes the deadline, RvdK's counts as not supplied and its
late answer is refused. The original case stays open."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeclock
import pytest
from cluster import Cluster
from fakeclock import FakeClock

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not fakeclock.available(), reason="faketime is not installed (apt-get install faketime)"
    ),
]

NODES = {
    "gemeente": "gemeente", "gemeente2": "gemeente", "politie": "politie", "om": "om",
    "rvdk": "rvdk",
}  # fmt: skip
STAFF = {"gemeente": "anna", "gemeente2": "gerda", "politie": "piet", "om": "olga",
         "rvdk": "ruud"}  # fmt: skip
CASE = "RAD-2026-052"
NOTE = "Betrokkene woont sinds kort in gemeente2; het plan loopt door. NOTE-7c1"
REASON = "Lopend opsporingsonderzoek: verstrekken schaadt het onderzoek. REASON-5e2"
JUSTIFICATION = "Noodzakelijk voor de aanpak; geen lichter middel."
SHARES: dict[str, tuple[str, ...]] = {
    "politie": ("--basis", "wpg-20", "--categories", "politie,signalen",
                "--agreement-ref", "WPG20-2026-012"),
    "om": ("--basis", "wjsg-39fb", "--categories", "justitieel"),
    "gemeente": ("--basis", "pga-r", "--categories", "signalen"),
    "rvdk": ("--basis", "pga-r", "--categories", "signalen"),
}  # fmt: skip
DAY = 86400


@contextlib.contextmanager
def clocked_room(root: Path) -> Iterator[tuple[Cluster, dict[str, FakeClock]]]:
    """The federation with every node's clock injected at start, and an open PGA-R room
    of gemeente with politie, OM and RvdK at the table."""
    c = Cluster(root, dict(NODES))
    c.setup()
    clocks = {n: FakeClock(root / f"{n}.faketime") for n in NODES}
    try:
        for n in NODES:
            c.start(n, clocks[n].env)
        c.open_pga_room(CASE, STAFF, named=("rvdk",))
        c.cli("gemeente", "room", "invite", CASE, "rvdk")
        c.wait_for("rvdk at the table", lambda: len(c.room("rvdk", CASE)["members"]) == 4)
        yield c, clocks
    finally:
        c.stop_all()


def marker(node: str) -> str:
    return f"Verstrekking van {node}: MARKER-{node}-9a4"


def listing(c: Cluster, node: str) -> dict[str, Any]:
    return dict(c.json(node, "transfer", "list"))


def statuses(t: dict[str, Any]) -> dict[str, str]:
    return {i["supplier"]: i["status"] for i in t["items"]}


def files(c: Cluster, node: str) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(c.data(node).glob("node.db*")))


def test_one_supplier_objects_two_supply_and_the_fourth_runs_out_of_time(tmp_path: Path) -> None:
    with clocked_room(tmp_path) as (c, clocks):
        shares = {
            n: c.json(n, "share", CASE, *args, "--justification", JUSTIFICATION, "--wait", "20",
                      stdin=marker(n))["share"]
            for n, args in SHARES.items()
        }  # fmt: skip
        c.wait_for("every verstrekking at the gemeente", lambda: all(
            s in json.dumps(c.room("gemeente", CASE)) for s in shares.values()
        ))  # fmt: skip

        # the gemeente van verblijf transfers the open case; its note travels sealed
        started = c.json("gemeente", "room", "transfer", CASE, "--gemeente", "gemeente2",
                         "--ground", "woonplaats", "--note", NOTE,
                         "--deadline-days", "3")  # fmt: skip
        ident = started["id"]
        assert statuses(started) == {n: "open" for n in SHARES}

        # gemeente2 takes it in as an aanmelding; politie and OM that judge it have it too
        c.wait_for("the transfer at gemeente2", lambda: listing(c, "gemeente2")["received"])
        shown = c.json("gemeente2", "transfer", "show", ident)
        assert (shown["note"], shown["ground"]) == (NOTE, "woonplaats")
        aanmelding = shown["aanmelding"]
        for judge in ("gemeente2", "politie", "om"):
            c.wait_for(f"the aanmelding at {judge}", lambda j=judge: any(  # type: ignore[misc]
                a["id"] == aanmelding for a in c.json(j, "aanmelding", "list")["aanmeldingen"]
            ))  # fmt: skip

        # each supplier is asked about its own verstrekkingen only
        for n in SHARES:
            c.wait_for(f"the request at {n}", lambda n=n: listing(c, n)["requests"])  # type: ignore[misc]
            [req] = listing(c, n)["requests"]
            assert [i["share"] for i in req["items"]] == [shares[n]]

        c.cli("politie", "transfer", "answer", ident, shares["politie"], "--object",
              "--reason", REASON)  # fmt: skip
        for n in ("om", "gemeente"):
            c.cli(n, "transfer", "answer", ident, shares[n], "--supply")
        expect = {"politie": "objected", "om": "supplied", "gemeente": "supplied",
                  "rvdk": "open"}  # fmt: skip
        for n, key in (("gemeente2", "received"), ("gemeente", "started")):
            c.wait_for(f"the answers at {n}", lambda n=n, k=key: [  # type: ignore[misc]
                statuses(t) for t in listing(c, n)[k]] == [expect])  # fmt: skip

        # the receiving gemeente reads the two supplied ones, not the objected one
        for n in ("om", "gemeente"):
            read = c.json("gemeente2", "transfer", "read", ident, shares[n])
            assert read["summary"] == marker(n)
        refused = c.cli("gemeente2", "transfer", "read", ident, shares["politie"], check=False)
        assert refused.returncode != 0
        # the objection's reasons stay at politie; the origin keeps no content
        for n in NODES:
            assert REASON.encode() not in files(c, n), n
        assert marker("om").encode() not in files(c, "gemeente2")
        assert _count(c, "gemeente", "SELECT COUNT(*) FROM transfer_items"
                      " WHERE envelope IS NOT NULL") == 0  # fmt: skip

        # every node's clock passes the deadline: RvdK's counts as not supplied
        for clock in clocks.values():
            clock.set(3 * DAY + DAY + 3600)
        for n in NODES:
            c.login(n, STAFF[n])  # the sessions ended with the clock's jump
        expect["rvdk"] = "expired"
        for n, key in (("gemeente2", "received"), ("gemeente", "started")):
            c.wait_for(f"the deadline at {n}", lambda n=n, k=key: [  # type: ignore[misc]
                statuses(t) for t in listing(c, n)[k]] == [expect])  # fmt: skip
        late = c.cli("rvdk", "transfer", "answer", ident, shares["rvdk"], "--supply", check=False)
        assert late.returncode != 0
        assert "transfer.expired" in late.stderr
        [req] = listing(c, "rvdk")["requests"]
        assert statuses(req) == {"rvdk": "expired"}

        # the original case stays open
        assert all(c.room(n, CASE)["phase"] == "open" for n in SHARES)
        export = c.json("gemeente2", "audit", "export", "--case", CASE)
        actions = [e["action"] for e in export["audit"]]
        for action in ("transfer_received", "transfer_viewed", "transfer_share_viewed",
                       "transfer_expired"):  # fmt: skip
            assert action in actions

        # the deelnemers close it as overgedragen; a transfer of the closed case comes
        # from the afgeschermde records, each opened with the purpose overdracht
        c.close("gemeente", CASE, "overgedragen")
        c.wait_for("closed at OM", lambda: c.room("om", CASE)["phase"] == "closed")
        again = c.json("gemeente", "room", "transfer", CASE, "--gemeente", "gemeente2",
                       "--ground", "effecten", "--note", NOTE)["id"]  # fmt: skip
        c.wait_for("the request at OM", lambda: any(
            r["transfer"] == again for r in listing(c, "om")["requests"]))  # fmt: skip
        c.cli("om", "transfer", "answer", again, shares["om"], "--supply")
        c.wait_for("the supply at gemeente2", lambda: any(
            t["id"] == again and statuses(t)["om"] == "supplied"
            for t in listing(c, "gemeente2")["received"]))  # fmt: skip
        read = c.json("gemeente2", "transfer", "read", again, shares["om"])
        assert read["summary"] == marker("om")
        for n in ("gemeente", "om"):
            opened = c.json(n, "audit", "export", "--case", CASE)["audit"]
            assert any(e["action"] == "shielded_opened" and e["detail"]["purpose"] == "overdracht"
                       for e in opened), n  # fmt: skip


def _count(c: Cluster, node: str, sql: str) -> int:
    con = sqlite3.connect(f"file:{c.data(node) / 'node.db'}?mode=ro", uri=True)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()
