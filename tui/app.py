"""``casusnet tui``: the meeting instrument, a textual app on the node's local API.

The app holds one ``Api`` (the node's local API client, run in worker threads) and
a stack of screens: login, the rooms list, a room with its tabs, and the forms.
While someone is logged in, one background thread holds the node's event stream
(``tui.api.Live``) and hands each event to the screens that show the changed thing;
nothing polls. The stream also tells of a lost node (shown in the header; the stream
is tried again with a backoff) and of an ended session (back to login). The user's
own inactivity is a local timer: the stream is no use of the session, so the app
touches it (``/v1/me``) only after key presses, and logs out by itself after the
session's idle time without one.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding

from . import i18n
from .api import Api, ApiError, Live, NodeUnreachable, SocketTransport, Transport
from .fmt import session_message, session_reason
from .i18n import t
from .screens.base import Base
from .screens.help import HelpScreen
from .screens.login import LoginScreen
from .widgets import translate_bindings

if TYPE_CHECKING:
    from .screens.base import Host


FULL_GC_NEVER = 1 << 30  # the oldest generation's threshold while the TUI runs
QUIET_FOR_GC = 2.0  # seconds without a key or an event before a full collection


class CasusnetApp(App[None]):
    CSS_PATH = "casusnet.tcss"
    TITLE = "casusnet"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit", "app.quit", priority=True, show=False),
        Binding("f1", "help", "app.help"),  # works inside text fields too
        Binding("question_mark", "help", "app.help", show=False),
    ]

    def __init__(
        self,
        transport: Transport,
        *,
        place: str = "",
        blink: bool = True,
        poll: float = 1.0,
        idle_timeout: float | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.api = Api(transport)
        self.place = place
        self.blink = blink
        self.poll = poll
        self.idle_override = idle_timeout
        self.offline = False
        self.clock: dict[str, Any] = {}
        self.last_input = time.monotonic()
        self.last_call = time.monotonic()
        self.lang = i18n.language()
        self.live = Live(self.api, self._from_live)
        self.last_event = time.monotonic()
        self.gc_thresholds = gc.get_threshold()

    # -- life cycle -------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.push_screen(LoginScreen())
        self.set_interval(2.0, self._tick_idle)
        # A full collection of the TUI's heap stalls the screen for a fifth of a second
        # while verstrekkingen and receipts pour in. What was loaded to start is frozen
        # (never walked again), and the full collection waits for a quiet moment
        # (``_collect``): the young generations still run as usual.
        gc.freeze()
        gc.set_threshold(self.gc_thresholds[0], self.gc_thresholds[1], FULL_GC_NEVER)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.live.stop()
        gc.set_threshold(*self.gc_thresholds)
        gc.unfreeze()

    @property
    def idle_timeout(self) -> float:
        if self.idle_override is not None:
            return self.idle_override
        return float(self.api.me.get("idle_timeout") or 900)

    def _tick_idle(self) -> None:
        now = time.monotonic()
        self._collect(now)
        if self.api.logged_in and now - self.last_input > self.idle_timeout:
            self.run_worker(
                self._idle_logout(), exclusive=True, group="logout", exit_on_error=False
            )
        elif self.api.logged_in and self.last_input > self.last_call:
            # keys pressed since the last call: keep the node's session in use, as the
            # polling did (an idle TUI sends nothing)
            if now - self.last_call > min(60.0, self.idle_timeout / 4):
                self.last_call = now
                self.run_worker(self._touch(), exclusive=True, group="touch", exit_on_error=False)

    async def _touch(self) -> None:
        try:
            await self.get("/v1/me")
        except (ApiError, NodeUnreachable):
            pass

    async def _idle_logout(self) -> None:
        self.live.stop()
        await self.api.logout()
        self.to_login(t("login.expired"))

    def to_login(self, message: str = "") -> None:
        self.live.stop()
        self.api.transport.token = None
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LoginScreen):
            self.pop_screen()
        if isinstance(self.screen, LoginScreen):
            self.screen.show_message(message)
        self.sub_title = ""

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- calls to the node ---------------------------------------------------------------

    def set_offline(self, offline: bool) -> None:
        if offline == self.offline:
            return
        self.offline = offline
        self.sub_title = t("app.offline") if offline else self._who()
        if offline:
            self.notify(markup=False, message=t("app.offline"), severity="error", timeout=4)

    def _who(self) -> str:
        me = self.api.me
        if not me:
            return ""
        who = t("app.subtitle", function=me.get("function", ""), node=me.get("node", ""))
        warning = self._clock_warning()
        return f"{warning} · {who}" if warning else who

    def _clock_warning(self) -> str:
        """The header's word on a clock that is off (from the node's ``clock`` report)."""
        clock = self.clock if isinstance(self.clock, dict) else {}
        if not clock.get("off"):
            return ""
        offset = clock.get("offset")
        if isinstance(offset, int | float):
            return t("app.clock_off", offset=f"{offset:+.0f}")
        return t("app.clock_refused")

    def _note_clock(self, doc: Any) -> None:
        """Answers that carry the node's ``clock`` report keep the header up to date."""
        if isinstance(doc, dict) and isinstance(doc.get("clock"), dict):
            if doc["clock"] != self.clock:
                was_off = bool(self.clock.get("off"))
                self.clock = doc["clock"]
                if not self.offline:
                    self.sub_title = self._who()
                if self.clock.get("off") and not was_off:
                    self.notify(markup=False, message=t("app.clock_advice"), severity="warning")

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One API call; marks the node offline or online, and ends an expired session."""
        self.last_call = time.monotonic()
        try:
            doc = await self.api.call(method, path, body)
        except NodeUnreachable:
            self.set_offline(True)
            raise
        except ApiError as exc:
            self.set_offline(False)
            if exc.remote_code == "node.session" and self.api.logged_in:
                self.to_login(session_message(exc))
            raise
        self.set_offline(False)
        self._note_clock(doc)
        return doc

    async def get(self, path: str) -> Any:
        return await self.call("GET", path)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return await self.call("POST", path, body)

    def after_login(self) -> None:
        if isinstance(self.api.me, dict) and isinstance(self.api.me.get("clock"), dict):
            self.clock = self.api.me["clock"]
        self.sub_title = self._who()
        self.last_input = time.monotonic()
        self.live.start()

    # -- the event stream ------------------------------------------------------------------

    def _collect(self, now: float) -> None:
        """The full collection deferred in ``on_mount``: when as many younger ones ran as
        would have started it, and neither a key nor an event came for two seconds."""
        quiet = now - max(self.last_input, self.last_event) > QUIET_FOR_GC
        if quiet and gc.get_count()[2] >= self.gc_thresholds[2]:
            gc.collect()

    def _from_live(self, event: dict[str, Any]) -> None:
        """In the stream's thread: hand the event to the app's loop (and wait for it)."""
        self.call_from_thread(self.live_event, event)

    def live_event(self, event: dict[str, Any]) -> None:
        """What the node's event stream told: the screens that show it reload."""
        self.last_event = time.monotonic()
        topic = event.get("topic")
        if topic == "offline":
            self.set_offline(True)
            return
        if topic == "session":
            if self.api.logged_in:
                self.to_login(session_reason(str(event.get("reason", ""))))
            return
        if topic == "hello":  # (re)connected: whatever changed meanwhile, reload
            self.set_offline(False)
            event = {"topic": "resync"}
        for screen in self.screen_stack:
            if isinstance(screen, Base):
                screen.live_event(event)


if TYPE_CHECKING:
    _: type[Host] = CasusnetApp  # mypy checks that the app is what the screens expect


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="casusnet tui", description="the meeting instrument")
    p.add_argument("--node", "--data", dest="node", help="the node's data dir (CASUSNET_DATA)")
    p.add_argument("--lang", choices=i18n.LANGUAGES, default=os.environ.get("CASUSNET_LANG"))
    return p


def run(node_dir: str | Path | None, lang: str | None = None) -> int:
    directory = Path(node_dir or os.environ.get("CASUSNET_DATA") or ".").expanduser()
    socket_path = directory / "api.sock"
    i18n.set_language(lang or "nl")
    if not socket_path.exists():
        print(
            f"casusnet tui: no node socket at {socket_path}: start the node with "
            f"`casusnet --data {directory} run`, or give --node DIR",
            file=sys.stderr,
        )
        return 2
    app = CasusnetApp(SocketTransport(socket_path), place=directory.resolve().name)
    app.run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return run(args.node, args.lang)


if __name__ == "__main__":
    raise SystemExit(main())
