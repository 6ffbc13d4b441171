"""Helpers to drive the real TUI (textual's Pilot) against real node processes."""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "e2e"))

from cluster import Cluster  # noqa: E402

from tui import i18n  # noqa: E402
from tui.api import SocketTransport  # noqa: E402
from tui.app import CasusnetApp  # noqa: E402

PARTNERS = {n: n for n in ("gemeente", "politie", "om", "zvh", "reclassering", "ggz")}
STAFF = {
    "gemeente": ("anna", "aandachtsfunctionaris radicalisering"),
    "politie": ("piet", "wijkagent"),
    "om": ("olga", "officier van justitie"),
    "zvh": ("zeynep", "procesregisseur"),
    "reclassering": ("rob", "reclasseringswerker"),
    "ggz": ("greet", "psychiater"),
}
SIZE = (100, 40)


def passphrase(name: str) -> str:
    return f"wachtwoord-van-{name}"


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("tui"), dict(PARTNERS))
    cluster.setup()
    cluster.start_all()
    try:
        for node, (name, function) in STAFF.items():
            cluster.add_staff(node, name, function)
            cluster.login(node, name)
        yield cluster
    finally:
        cluster.stop_all()


def screen_text(app: CasusnetApp) -> str:
    """What the current screen shows: every text widget and every table cell."""
    from textual.widgets import Button, DataTable, Label, OptionList, Static

    parts: list[str] = [str(app.sub_title)]
    for w in app.screen.query("*"):
        if isinstance(w, Static | Label) and not isinstance(w, Button):
            parts.append(str(w.content))
        elif isinstance(w, OptionList):
            parts += [str(w.get_option_at_index(i).prompt) for i in range(w.option_count)]
        elif isinstance(w, DataTable):
            parts.append(" | ".join(str(c.label) for c in w.columns.values()))
            for i in range(w.row_count):
                parts.append(" | ".join(str(c) for c in w.get_row_at(i)))
    return "\n".join(parts)


async def until(pilot: Any, check: Callable[[], Any], what: str, within: float = 30) -> Any:
    deadline = time.monotonic() + within
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except Exception as exc:  # a widget not mounted yet
            last = exc
        if last and not isinstance(last, Exception):
            return last
        await pilot.pause(0.1)
    shown = screen_text(pilot.app)[-1500:]
    raise AssertionError(f"waited {within}s for {what}; last: {last!r}; screen:\n{shown}")


@asynccontextmanager
async def tui(
    cluster: Cluster, node: str, *, login: bool = True, lang: str = "nl", **kw: Any
) -> AsyncIterator[tuple[CasusnetApp, Any]]:
    i18n.set_language(lang)
    app = CasusnetApp(
        SocketTransport(cluster.data(node) / "api.sock"),
        place=node,
        blink=False,
        poll=0.25,
        **kw,
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            if login:
                await log_in(app, pilot, STAFF[node][0])
            yield app, pilot
    finally:
        i18n.set_language("nl")


async def log_in(app: CasusnetApp, pilot: Any, name: str, secret: str | None = None) -> None:
    from tui.screens.login import LoginScreen
    from tui.screens.rooms import RoomsScreen

    await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
    app.screen.query_one("#name").value = name
    field = app.screen.query_one("#passphrase")
    field.value = secret or passphrase(name)
    field.focus()
    await pilot.pause()
    await pilot.press("enter")  # as a person does: Enter in the passphrase field
    if secret is None:
        await until(pilot, lambda: isinstance(app.screen, RoomsScreen), "the rooms screen")


async def press_button(app: CasusnetApp, pilot: Any, selector: str) -> None:
    """Focus a button and press Enter, as a keyboard user does."""
    app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press("enter")
