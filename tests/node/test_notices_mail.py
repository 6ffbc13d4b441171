"""Notices by e-mail (issue 14 point 3), against a real SMTP server on loopback.

The casusoverleg runs in-process (``meeting`` from ``test_review``: gemeente chairs a
pga-r room with politie and OM). Each node's notices go through an ``aiosmtpd``
relay started here that requires STARTTLS (a self-signed certificate made with
``openssl``, trusted by the node through ``ca_file``) and a login. Every message the
relay receives is scanned for what a notice must never hold: content, staff names,
the person's details and the password.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email
import logging
import os
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import test_localapi_tui
import test_review
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from test_review import MEMBERS, Meeting, politie_share

from node.app import create_app
from node.config import ConfigError, MailConfig
from node.domain.node import Node
from node.domain.notices import Notices
from node.errors import NoticeSettingsError
from node.faces import mail
from node.faces.mail import Mailer, notice_loop, run_once
from node.store import audit
from node.store import notices as tables

meeting = test_review.meeting  # the fixture
local = test_localapi_tui.local  # each node's local API, logged in

DAY = 86_400
USER, PASSWORD = "casusnet-relay", "Relay-Wachtwoord-7731"
PERSON = "Jan de Vries, geboren 12-03-2008, Dorpsstraat 1 Ergensdorp"
SUMMARY = f"Signalen over {PERSON}: isolatie en online contacten."
TITLE = "Gesprek met Jan over zijn online contacten"
ADDRESS = {"gemeente": "regie@gemeente.example.nl", "politie": "wijk@politie.example.nl",
           "om": "zsm@om.example.nl"}  # fmt: skip


# --- the relay -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the relay's), made by openssl."""
    return make_cert(tmp_path_factory.mktemp("relay-cert"))


def make_cert(where: Path) -> tuple[Path, Path]:
    key, crt = where / "key.pem", where / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return crt, key


class Inbox:
    """What the relay received: each message as parsed, and who logged in."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     data: Any) -> AuthResult:  # fmt: skip
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(), PASSWORD.encode(),
        )  # fmt: skip
        if ok:
            self.logins.append(USER)
        return AuthResult(success=ok)

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


#: every relay a test started: all they received is scanned after each test
RELAYS: list[Relay] = []


class Relay:
    """An aiosmtpd relay on loopback that requires STARTTLS and a login."""

    def __init__(self, cert: tuple[Path, Path], port: int) -> None:
        self.port, self.inbox = port, Inbox()
        RELAYS.append(self)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert[0]), str(cert[1]))
        self.controller = Controller(
            self.inbox, hostname="127.0.0.1", port=port, tls_context=context,
            require_starttls=True, auth_required=True, auth_require_tls=True,
            authenticator=self.inbox.authenticate,
        )  # fmt: skip

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def relay(cert: tuple[Path, Path]) -> Iterator[Relay]:
    r = Relay(cert, free_port())
    r.start()
    yield r
    r.stop()


def credentials(tmp: Path) -> Path:
    path = tmp / "smtp.cred"
    path.write_text(f"{USER}\n{PASSWORD}\n")
    path.chmod(0o600)
    return path


def with_relay(node: Node, port: int, cert: Path, cred: Path, **more: Any) -> Mailer:
    """Configure ``node`` for the relay on ``port``; its mailer."""
    config = MailConfig(
        host="127.0.0.1", port=port, sender="casusnet@gemeente.example.nl", credentials=cred,
        ca_file=cert, **{"timeout": 5.0, **more},
    )  # fmt: skip
    node.ctx.config = dataclasses.replace(node.ctx.config, mail=config)
    return Mailer(config)


@pytest.fixture
def mailers(meeting: Meeting, relay: Relay, cert: tuple[Path, Path], tmp_path: Path) -> Any:
    cred = credentials(tmp_path)
    return {n: with_relay(meeting.nodes[n], relay.port, cert[0], cred) for n in MEMBERS}


def choose(m: Meeting, node: str, kinds: list[str], lang: str = "nl") -> None:
    Notices(m.nodes[node].ctx).choose(m.staff[node], address=ADDRESS[node], kinds=kinds, lang=lang)


async def send_all(m: Meeting, mailers: dict[str, Mailer]) -> dict[str, mail.Round]:
    return {n: await run_once(m.nodes[n], Notices(m.nodes[n].ctx), mailers[n]) for n in mailers}


# --- what a notice must never hold -----------------------------------------------------------


def secrets_of(m: Meeting) -> list[str]:
    """Texts the tests put in that must never reach a mailbox: the content, the
    person's details, staff names and function labels, the password."""
    share = politie_share(summary=SUMMARY)
    found = [SUMMARY, PERSON, "Jan de Vries", "12-03-2008", "Dorpsstraat", TITLE, PASSWORD,
             share["justification"], share["agreement_ref"], "voorleggen"]  # fmt: skip
    for s in m.staff.values():
        found += [s.name, s.function]
    return found


@pytest.fixture(autouse=True)
def every_notice_is_scanned(meeting: Meeting) -> Iterator[None]:
    """After each test, every message any relay received holds none of the test's
    secrets (:func:`assert_clean` checks the same within the tests that send)."""
    yield
    for relay in RELAYS:
        assert_clean(relay.inbox, meeting, sent=False)
    RELAYS.clear()


def assert_clean(inbox: Inbox, m: Meeting, sent: bool = True) -> None:
    assert inbox.messages or not sent, "the test sent no notice to scan"
    for msg in inbox.messages:
        text = msg.as_string()
        body = msg.get_payload(decode=True).decode()
        for secret in secrets_of(m):
            assert secret not in text, secret
            assert secret not in body, secret


# --- the tests -----------------------------------------------------------------------------


async def test_opted_in_kinds_are_mailed_once_and_opted_out_kinds_never(
    meeting: Meeting, relay: Relay, mailers: dict[str, Mailer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    m = meeting
    g, politie, om = (m.nodes[n] for n in MEMBERS)
    choose(m, "gemeente", ["share", "meeting"])
    choose(m, "politie", ["measure"])
    choose(m, "om", ["weging", "consent"])  # nothing of those is due
    # a verstrekking from politie, a meeting tomorrow, a measure politie carries out
    politie.shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    now = g.now()
    g.plan.plan_meeting(m.staff["gemeente"], m.room, now + DAY)
    g.plan.plan_meeting(m.staff["gemeente"], m.room, now + 14 * DAY)  # not tomorrow: no notice
    item = om.plan.propose(m.staff["om"], m.room, {
        "title": TITLE, "kind": "zorg", "uitvoerder": "politie", "authority": None,
        "risk": "Verdere isolatie", "due": now + 3 * DAY,
    })  # fmt: skip
    m.pump()
    g.plan.adopt(m.staff["gemeente"], m.room, item)
    m.pump()
    rounds = await send_all(m, mailers)
    # the measure is not due yet at politie; gemeente got the share and the meeting
    assert [rounds[n].sent for n in MEMBERS] == [2, 0, 0]
    subjects = sorted(str(msg["Subject"]) for msg in relay.inbox.to(ADDRESS["gemeente"]))
    assert subjects[0].startswith(f"Casus {test_review.CASE}: nieuwe verstrekking")
    assert subjects[1].startswith(f"Casus {test_review.CASE}: overleg 2 op ")
    share_mail = next(msg for msg in relay.inbox.messages if "verstrekking" in str(msg["Subject"]))
    assert "Open casusnet om haar te lezen." in share_mail.get_payload(decode=True).decode()
    # three days on, the measure is due at politie (its uitvoerder)
    later = now + 3 * DAY + 3600
    for node in m.nodes.values():
        node.ctx.clock = lambda: later
    rounds = await send_all(m, mailers)
    assert [rounds[n].sent for n in MEMBERS] == [0, 1, 0]
    (measure_mail,) = relay.inbox.to(ADDRESS["politie"])
    assert "maatregel" in str(measure_mail["Subject"])
    assert relay.inbox.to(ADDRESS["om"]) == []
    # each notice once: the next passes send nothing more
    rounds = await send_all(m, mailers)
    assert sum(r.sent + r.queued for r in rounds.values()) == 0
    assert len(relay.inbox.messages) == 3
    assert relay.inbox.logins == [USER] * 3  # each over STARTTLS, with the login
    # audited at the staff member's node, with the kind, not the text
    sent = [e for e in audit.entries(g.store, limit=100) if e["action"] == "mail_notice_sent"]
    assert sorted(e["actor"] for e in sent) == ["mw-gemeente", "mw-gemeente"]
    assert {e["case_ref"] for e in sent} == {test_review.CASE}
    assert_clean(relay.inbox, m)
    assert PASSWORD not in caplog.text


async def test_weging_and_consent_notices_in_english_and_opting_out_stops_them(
    meeting: Meeting, relay: Relay, mailers: dict[str, Mailer]
) -> None:
    m = meeting
    g, om = m.nodes["gemeente"], m.nodes["om"]
    choose(m, "om", ["weging", "consent"], lang="en")
    choose(m, "politie", ["weging"])
    # a new case: its intake waits for OM's and politie's weging
    second = g.members.convene(
        m.staff["gemeente"], case="RAD-2026-018", purpose="Weging en aanpak",
        bases=["pga-r", "wjsg-39fb", "wpg-20"], meeting=g.now(),
    )  # fmt: skip

    def weging_due() -> list[str]:  # the chair's own, not mailed here
        return [d.case_ref for d in Notices(g.ctx).due("mw-gemeente", {"weging"}, 0, g.now())]

    assert weging_due() == []  # not before politie and OM joined: it cannot be given yet
    for n in ("politie", "om"):
        g.members.invite(m.staff["gemeente"], second.room, n, "deelnemer")
    m.pump()
    assert weging_due() == ["RAD-2026-018"]
    # a derde invited in the open room: OM's consent is asked
    g.members.invite(m.staff["gemeente"], m.room, "ggz", "derde")
    m.pump()
    await send_all(m, mailers)
    subjects = sorted(str(msg["Subject"]) for msg in relay.inbox.to(ADDRESS["om"]))
    assert subjects == [
        f"Case {test_review.CASE}: your consent is asked",
        "Case RAD-2026-018: your assessment is awaited",
    ]
    (weging,) = relay.inbox.to(ADDRESS["politie"])
    assert str(weging["Subject"]) == "Casus RAD-2026-018: uw weging wordt gevraagd"
    # politie opts out; OM consents: nothing new for either
    Notices(m.nodes["politie"].ctx).choose(m.staff["politie"], address=None, kinds=[], lang=None)
    om.intake.consent(m.staff["om"], m.room, "ggz")
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    m.pump()
    rounds = await send_all(m, mailers)
    assert sum(r.sent for r in rounds.values()) == 0
    assert len(relay.inbox.messages) == 3
    assert_clean(relay.inbox, m)


async def test_a_relay_that_is_down_is_retried_and_the_node_keeps_serving(
    meeting: Meeting, cert: tuple[Path, Path], tmp_path: Path, local: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    m = meeting
    g = m.nodes["gemeente"]
    # a relay that accepts the connection and never answers: the send waits for its timeout
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    mailer = with_relay(g, port, cert[0], credentials(tmp_path), timeout=2.0, every=3600.0)
    choose(m, "gemeente", ["share"])
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    m.pump()
    api = await local("gemeente")
    wake = asyncio.Event()
    loop = asyncio.create_task(notice_loop(g, mailer, wake))
    try:
        await _until(lambda: tables.pending(g.store) == 1)
        # while the notice waits on the silent relay, the node answers its staff
        status, mine = await asyncio.wait_for(api.get("/v1/me/notices"), 1.5)
        assert (status, mine["pending"], mine["address"]) == (200, 1, ADDRESS["gemeente"])
        status, rooms = await asyncio.wait_for(api.get("/v1/rooms"), 1.5)
        assert status == 200
        assert rooms["rooms"]
        failed = await _until(lambda: _audited(g, "mail_notice_failed"))
        assert failed[0]["actor"] == "mw-gemeente"
        assert tables.pending(g.store) == 1  # kept for the retry, not lost
    finally:
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop
        silent.close()
    # the relay comes up at that port; the retry is due after its backoff
    relay = Relay(cert, port)
    relay.start()
    try:
        await run_once(g, Notices(g.ctx), mailer)
        assert relay.inbox.messages == []  # not before its time
        later = g.now() + 3600
        g.ctx.clock = lambda: later
        done = await run_once(g, Notices(g.ctx), mailer)
        assert done.sent == 1
        await run_once(g, Notices(g.ctx), mailer)
        (msg,) = relay.inbox.messages
        assert str(msg["Subject"]).startswith(f"Casus {test_review.CASE}: nieuwe verstrekking")
        assert tables.pending(g.store) == 0
        assert_clean(relay.inbox, m)
    finally:
        relay.stop()
    assert PASSWORD not in caplog.text
    for e in audit.entries(g.store, limit=1000):
        assert PASSWORD not in repr(e)
        assert ADDRESS["gemeente"] not in repr(e)


async def _until(check: Any, rounds: int = 400) -> Any:
    for _ in range(rounds):
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def _audited(node: Node, action: str) -> list[dict[str, Any]]:
    return [e for e in audit.entries(node.store, limit=1000) if e["action"] == action]


async def test_the_queue_survives_a_restart(
    meeting: Meeting, relay: Relay, cert: tuple[Path, Path], tmp_path: Path
) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    choose(m, "gemeente", ["share"])
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    m.pump()
    assert Notices(g.ctx).scan() == 1  # queued, the node stops before sending
    g.store.close()
    from node.app import open_node

    again = open_node(m.fed.config("gemeente"))
    m.nodes["gemeente"] = again
    mailer = with_relay(again, relay.port, cert[0], credentials(tmp_path))
    done = await run_once(again, Notices(again.ctx), mailer)
    assert (done.queued, done.sent) == (0, 1)
    assert len(relay.inbox.messages) == 1


async def test_the_choice_through_the_local_api(meeting: Meeting, local: Any) -> None:
    api = await local("politie")
    status, doc = await api.get("/v1/me/notices")
    assert status == 200
    assert (doc["address"], doc["kinds"], doc["lang"], doc["relay"]) == ("", [], "nl", False)
    assert doc["available"] == ["weging", "consent", "share", "meeting", "measure"]
    status, doc = await api.post(
        "/v1/me/notices", {"address": "wijk@politie.example.nl", "kinds": ["share", "meeting"]}
    )
    assert status == 200
    assert (doc["address"], doc["kinds"]) == ("wijk@politie.example.nl", ["share", "meeting"])
    status, doc = await api.post("/v1/me/notices", {"lang": "en"})
    assert (doc["lang"], doc["kinds"]) == ("en", ["share", "meeting"])
    for bad in (
        {"kinds": ["alles"]},
        {"address": "wijk@politie.example.nl\r\nBcc: x@example.org"},
        {"address": "Wijk <wijk@politie.example.nl>"},
        {"lang": "de"},
    ):
        status, err = await api.post("/v1/me/notices", bad)
        assert (status, err["error"]) == (400, "node.notice_settings"), bad
    status, err = await api.post("/v1/me/notices", {"kinds": "share"})
    assert (status, err["error"]) == (400, "api.bad_request")
    with pytest.raises(NoticeSettingsError):
        Notices(meeting.nodes["om"].ctx).choose(
            meeting.staff["om"], address="geen-adres", kinds=None, lang=None
        )


def test_a_credential_file_others_may_read_stops_the_node(
    meeting: Meeting, cert: tuple[Path, Path], tmp_path: Path
) -> None:
    g = meeting.nodes["gemeente"]
    cred = credentials(tmp_path)
    cred.chmod(0o640)
    config = MailConfig(host="127.0.0.1", port=25, sender="casusnet@gemeente.example.nl",
                        credentials=cred)  # fmt: skip
    g.ctx.config = dataclasses.replace(g.ctx.config, mail=config)
    with pytest.raises(ConfigError) as refused:
        create_app(g.config, g, local_api=False)
    assert "0600" in str(refused.value.detail)
    assert PASSWORD not in str(refused.value.detail)
    assert os.stat(cred).st_mode & 0o777 == 0o640  # the node changes nothing itself
    cred.chmod(0o600)
    assert PASSWORD not in repr(mail.load_credentials(cred))  # nor in a traceback's locals


def test_the_relay_settings_in_casusnet_toml(meeting: Meeting, tmp_path: Path) -> None:
    from node import config as configmod

    data = meeting.fed.data("om")
    path = data / "casusnet.toml"
    original = path.read_text()
    path.write_text(
        original + '\n[smtp]\nhost = "smtp.om.example.nl"\nfrom = "casusnet@om.example.nl"\n'
        'credentials = "smtp.cred"\nca_file = "relay-ca.pem"\n\n[notices]\nevery_seconds = 30\n'
    )
    loaded = configmod.load(data)
    assert (loaded.mail.host, loaded.mail.port, loaded.mail.starttls) == (
        "smtp.om.example.nl", 587, True,
    )  # fmt: skip
    assert loaded.mail.credentials == (data / "smtp.cred").resolve()
    assert loaded.mail.every == 30.0
    configmod.write(loaded)  # what `casusnet` writes back keeps the relay
    assert configmod.load(data).mail == loaded.mail
    path.write_text(original + '\n[smtp]\nhost = "smtp.om.example.nl"\nfrom = "x@om.nl"\n'
                    'starttls = false\ncredentials = "smtp.cred"\n')  # fmt: skip
    with pytest.raises(ConfigError):  # a password is never sent in the clear
        configmod.load(data)
    path.write_text(original)
    assert configmod.load(data).mail == MailConfig()  # no relay: no notices


async def test_a_notice_the_relay_never_took_is_given_up_once_stale(
    meeting: Meeting, relay: Relay, cert: tuple[Path, Path], tmp_path: Path
) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    closed = with_relay(g, free_port(), cert[0], credentials(tmp_path))  # nothing listens
    choose(m, "gemeente", ["share"])
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    m.pump()
    assert (await run_once(g, Notices(g.ctx), closed)).failed == 1
    later = g.now() + 73 * 3600  # past give_up_hours (72)
    g.ctx.clock = lambda: later
    mailer = with_relay(g, relay.port, cert[0], credentials(tmp_path))
    done = await run_once(g, Notices(g.ctx), mailer)
    assert (done.given_up, done.sent, done.queued) == (1, 0, 0)  # stale news is not sent
    assert relay.inbox.messages == []
    assert tables.pending(g.store) == 0
    (gave_up,) = [
        e for e in _audited(g, "mail_notice_failed") if "given up" in e["detail"]["reason"]
    ]
    assert gave_up["case_ref"] == test_review.CASE


async def test_a_relay_whose_certificate_the_node_does_not_trust_gets_nothing(
    meeting: Meeting, relay: Relay, tmp_path: Path
) -> None:
    m = meeting
    g = m.nodes["gemeente"]
    other, _ = make_cert(tmp_path)  # a CA that did not sign the relay's certificate
    mailer = with_relay(g, relay.port, other, credentials(tmp_path))
    choose(m, "gemeente", ["share"])
    m.nodes["politie"].shares.share(m.staff["politie"], m.room, politie_share(summary=SUMMARY))
    m.pump()
    assert (await run_once(g, Notices(g.ctx), mailer)).failed == 1
    assert relay.inbox.messages == []
    assert relay.inbox.logins == []  # the password never went to a relay not verified
    (failed,) = _audited(g, "mail_notice_failed")
    assert failed["detail"]["reason"].startswith("SSLCertVerificationError")
