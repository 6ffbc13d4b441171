"""``casusnet mail``: a staff member's choice of notices by e-mail, against the
gemeente's local API on its real unix socket (``meeting`` from ``test_review``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import test_review
from aiohttp import web
from test_review import PASS, Meeting

from node.faces.localapi import create_local_app
from node.tools import cli

meeting = test_review.meeting  # the fixture


@pytest.fixture
async def served(meeting: Meeting) -> AsyncIterator[Meeting]:
    runner = web.AppRunner(create_local_app(meeting.nodes["gemeente"]))
    await runner.setup()
    await web.UnixSite(runner, str(meeting.fed.data("gemeente") / "api.sock")).start()
    yield meeting
    await runner.cleanup()


async def casusnet(m: Meeting, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    data = str(m.fed.data("gemeente"))
    code = await asyncio.to_thread(cli.main, ["--data", data, *args])
    captured = capsys.readouterr()
    return code, captured.out if code == 0 else captured.err


async def test_choosing_showing_and_stopping_notices(
    served: Meeting, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    m = served
    monkeypatch.setenv("CASUSNET_STAFF_PASSPHRASE", PASS)
    assert (await casusnet(m, capsys, "login", "--name", "mw-gemeente"))[0] == 0
    code, text = await casusnet(m, capsys, "mail", "show")
    assert code == 0
    assert text.startswith("no notices by e-mail")
    assert "no mail relay configured" in text
    code, text = await casusnet(
        m, capsys, "mail", "set", "--address", "regie@gemeente.example.nl", "--kinds",
        "share,meeting",
    )  # fmt: skip
    assert code == 0
    assert "notices by e-mail to regie@gemeente.example.nl (nl): share, meeting" in text
    code, text = await casusnet(
        m, capsys, "--json", "mail", "set", "--kinds", "all", "--lang", "en"
    )
    doc: dict[str, Any] = json.loads(text)
    assert (doc["kinds"], doc["lang"]) == (doc["available"], "en")
    code, text = await casusnet(m, capsys, "mail", "set", "--address", "Regie <r@x.nl>")
    assert code == 1
    assert "[node.notice_settings]" in text
    code, text = await casusnet(m, capsys, "mail", "set")
    assert code == 2
    code, text = await casusnet(m, capsys, "--json", "mail", "off")
    assert json.loads(text)["kinds"] == []
