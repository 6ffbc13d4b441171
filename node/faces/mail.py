"""Notices by e-mail, sent: the SMTP sender and the loop over the durable queue.

The loop (:func:`notice_loop`) scans for notices due (``node.domain.notices``) every
``[notices] every_seconds`` and sends what is queued through the organisation's relay
(``[smtp]``): STARTTLS by default, verified against the system's CAs or ``ca_file``,
with the username and password of a credential file that must be readable by the
node's user alone. Each conversation runs in a thread with a timeout, so a relay
that hangs or is down never blocks the node; a failed notice is retried with backoff,
and as the queue is in the database a restart loses nothing (a notice the relay did
not take within ``give_up_hours`` is given up: its news is stale). Neither the password nor
a notice's body is ever logged; the log and the audit name the kind and the case.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import smtplib
import ssl
import stat
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from node.config import ConfigError, MailConfig
from node.domain.node import Node
from node.domain.notices import Notices
from node.store import notices as tables

log = logging.getLogger("casusnet.mail")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never the password, not even in a traceback's locals
        return f"Credentials(username={self.username!r}, password=<hidden>)"


def load_credentials(path: Path | None) -> Credentials | None:
    """The relay's login from ``path`` (a line with the username, one with the
    password); refuses a file others than the node's user may read or write."""
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError as exc:
        raise ConfigError(f"smtp.credentials: {path}: {exc.strerror}") from None
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise ConfigError(
            f"smtp.credentials: {path} may be read by others (mode"
            f" {stat.S_IMODE(info.st_mode):o}); make it 0600 (chmod 600 {path.name})"
        )
    lines = path.read_text().splitlines()
    if len(lines) < 2 or not lines[0].strip() or not lines[1]:
        raise ConfigError(
            f"smtp.credentials: {path}: a line with the username, one with the password"
        )
    return Credentials(lines[0].strip(), lines[1])


class RelayError(Exception):
    """One attempt failed; the text names the failure, never a secret or the body."""


class Mailer:
    """Sends one message through the relay, in a thread, with a timeout."""

    def __init__(self, config: MailConfig) -> None:
        self.config = config
        self.credentials = load_credentials(config.credentials)
        if config.ca_file is not None and not config.ca_file.is_file():
            raise ConfigError(f"smtp.ca_file: {config.ca_file} is not a file")

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.config.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=self.config.sender.rpartition("@")[2] or None)
        msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
        msg.set_content(body)
        return msg

    async def send(self, msg: EmailMessage) -> None:
        """Deliver ``msg`` to the relay; raises :class:`RelayError`."""
        limit = self.config.timeout * 3 + 1  # connect, STARTTLS and the data each time out
        try:
            await asyncio.wait_for(asyncio.to_thread(self._send, msg), limit)
        except TimeoutError:
            raise RelayError("the relay did not answer in time") from None

    def _send(self, msg: EmailMessage) -> None:
        c = self.config
        try:
            with smtplib.SMTP(c.host, c.port, timeout=c.timeout) as smtp:
                if c.starttls:
                    context = ssl.create_default_context(
                        cafile=str(c.ca_file) if c.ca_file else None
                    )
                    smtp.starttls(context=context)
                if self.credentials is not None:
                    smtp.login(self.credentials.username, self.credentials.password)
                smtp.send_message(msg)
        except smtplib.SMTPResponseException as exc:  # the relay's code, not its text
            raise RelayError(f"{type(exc).__name__} {exc.smtp_code}") from None
        except (TimeoutError, smtplib.SMTPException, ssl.SSLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or ""
            raise RelayError(f"{type(exc).__name__} {reason}".strip()) from None


@dataclass
class Round:
    """What one pass of the loop did."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    given_up: int = 0


async def run_once(node: Node, notices: Notices, mailer: Mailer | None) -> Round:
    """Queue what is due, then send what waits (none without a relay). After a
    failure the rest waits for the next pass: a relay that is down is tried once."""
    done = Round(queued=notices.scan())
    if mailer is None:
        return done
    store = node.store
    with store.transaction():
        stale = tables.expire(store, node.now() - int(mailer.config.give_up), node.now())
        for row in stale:
            node.ctx.audit(
                actor=str(row["staff"]), action="mail_notice_failed", room=row["room"],
                kind=row["kind"], attempt=int(row["attempts"]), reason="given up: stale",
            )  # fmt: skip
    for row in stale:
        log.warning("notice (%s) given up: not delivered in time", row["kind"])
    done.given_up = len(stale)
    for row in tables.due(store, node.now()):
        msg = mailer.message(str(row["address"]), str(row["subject"]), str(row["body"]))
        try:
            await mailer.send(msg)
        except RelayError as exc:
            wait = min(
                mailer.config.backoff_cap, mailer.config.backoff_base * 2 ** int(row["attempts"])
            )
            with store.transaction():
                attempts = tables.mark_failed(store, row["key"], node.now() + int(wait), str(exc))
                node.ctx.audit(
                    actor=str(row["staff"]), action="mail_notice_failed", room=row["room"],
                    kind=row["kind"], attempt=attempts, reason=str(exc),
                )  # fmt: skip
            log.warning(
                "notice (%s, case %s) not delivered to the relay: %s; retried in %d s",
                row["kind"], row["case_ref"], exc, wait,
            )  # fmt: skip
            done.failed += 1
            break
        with store.transaction():
            tables.mark_sent(store, row["key"], node.now())
            node.ctx.audit(
                actor=str(row["staff"]), action="mail_notice_sent", room=row["room"],
                kind=row["kind"], attempt=int(row["attempts"]) + 1,
            )  # fmt: skip
        log.info("notice (%s, case %s) delivered to the relay", row["kind"], row["case_ref"])
        done.sent += 1
    return done


async def notice_loop(node: Node, mailer: Mailer | None, wake: asyncio.Event | None = None) -> Any:
    """Run :func:`run_once` every ``every`` seconds, and at once (within
    :data:`POLL` seconds) after the node stored a new event or verstrekking, when a
    retry is due, or when ``wake`` is set; until cancelled. An error in one pass is
    logged, not fatal."""
    if mailer is None:  # no relay configured: nothing is queued or sent
        return
    notices = Notices(node.ctx)
    every = node.config.mail.every
    wake = wake or asyncio.Event()
    clock = asyncio.get_running_loop().time
    seen: tuple[int, int] | None = None
    next_scan = 0.0
    while True:
        mark = tables.change_mark(node.store)
        retry = tables.next_attempt(node.store)
        if (
            mark != seen
            or clock() >= next_scan
            or wake.is_set()
            or (retry is not None and retry <= node.now())
        ):
            seen, next_scan = mark, clock() + every
            wake.clear()
            try:
                await run_once(node, notices, mailer)
            except asyncio.CancelledError:
                raise
            except Exception:  # the loop outlives any one pass (logged without the body)
                log.exception("notice pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), min(POLL, every))


#: seconds between the loop's cheap looks for a change (two index lookups)
POLL = 1.0


def mailer_for(node: Node) -> Mailer | None:
    """The node's mailer from ``[smtp]``, or None without a relay configured; raises
    ``ConfigError`` for a credential file others may read."""
    return Mailer(node.config.mail) if node.config.mail.host else None
