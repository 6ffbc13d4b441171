"""``casusnet melding`` against the gemeente's local API on its real unix socket: the
summary and the melder come from files or stdin, never from the command line."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import test_meldingen
from aiohttp import web
from test_meldingen import CASE, MELDER, PASS, SUMMARY, Register

from node.faces.localapi import create_local_app
from node.store import audit
from node.tools import cli

register = test_meldingen.register  # the fixture


@pytest.fixture
async def served(register: Register) -> AsyncIterator[Register]:
    runner = web.AppRunner(create_local_app(register.node))
    await runner.setup()
    site = web.UnixSite(runner, str(register.node.config.data_dir / "api.sock"))
    await site.start()
    yield register
    await runner.cleanup()


async def casusnet(
    r: Register, capsys: pytest.CaptureFixture[str], *args: str, stdin: str = ""
) -> tuple[int, Any]:
    def run() -> int:
        return cli.main(["--data", str(r.node.config.data_dir), "--json", *args])

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = await asyncio.to_thread(run)
    finally:
        sys.stdin = old
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else captured.err


async def test_the_cli_records_lists_follows_up_and_opens_the_melder(
    served: Register,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    r = served
    monkeypatch.setenv("CASUSNET_STAFF_PASSPHRASE", PASS)
    assert (await casusnet(r, capsys, "login", "--name", "anna"))[0] == 0
    melder = tmp_path / "melder.txt"
    melder.write_text(MELDER + "\n", encoding="utf-8")
    code, doc = await casusnet(
        r,
        capsys,
        "melding", "add", "--source", "school", "--received", "2026-11-27",
        "--melder-file", str(melder),
        stdin=SUMMARY + "\n",
    )  # fmt: skip
    assert code == 0
    number = str(doc["melding"])
    code, listed = await casusnet(r, capsys, "melding", "list", "--no-intake")
    assert [m["id"] for m in listed["meldingen"]] == [int(number)]
    assert listed["meldingen"][0]["has_melder"] is True
    code, shown = await casusnet(r, capsys, "melding", "show", number)
    assert shown["summary"] == SUMMARY
    assert "Vries" not in json.dumps(shown)
    code, doc = await casusnet(
        r, capsys, "melding", "update", number, "--follow-up", "aanmelding", "--case", CASE
    )
    assert (code, doc["case_ref"]) == (0, CASE)
    code, doc = await casusnet(
        r, capsys, "melding", "melder", number, "--purpose", "contact_melder"
    )
    assert doc == {"melder": MELDER}
    code, doc = await casusnet(r, capsys, "melding", "update", number, "--forget-melder")
    assert doc["has_melder"] is False
    # the melder was never an argument: it is nowhere in the audit log either
    assert "Vries" not in json.dumps(audit.entries(r.node.store, limit=1000))


async def test_the_cli_refuses_what_the_node_refuses_and_wrong_usage(
    served: Register, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    r = served
    monkeypatch.setenv("CASUSNET_STAFF_PASSPHRASE", PASS)
    assert (await casusnet(r, capsys, "login", "--name", "fenna"))[0] == 0
    code, err = await casusnet(r, capsys, "melding", "add", "--source", "burger", stdin="x")
    assert code == 1
    assert "melding.forbidden" in err
    assert (await casusnet(r, capsys, "melding", "show"))[0] == 2
    assert (await casusnet(r, capsys, "melding", "update", "1"))[0] == 2
    code, listed = await casusnet(r, capsys, "melding", "list")
    assert (code, listed["meldingen"]) == (0, [])
    assert "school" in listed["sources"]
    assert r.node.store.one("SELECT COUNT(*) FROM meldingen") == 0
