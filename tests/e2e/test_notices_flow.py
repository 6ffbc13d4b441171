"""Notices by e-mail across real node processes: politie shares a verstrekking, and
the gemeente's staff member, who chose notices of verstrekkingen with ``casusnet
mail set``, gets a short e-mail through an SMTP relay (``aiosmtpd``, STARTTLS and a
login) started by the test. The mail holds the case reference, not the content; it
leaves as soon as the verstrekking is stored (the periodic scan is set to an hour)."""

from __future__ import annotations

import sqlite3
import ssl
import subprocess
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cluster import Cluster, free_port

pytestmark = pytest.mark.slow

NODES = {"gemeente": "gemeente", "politie": "politie", "om": "om"}
STAFF = {"gemeente": "anna", "politie": "piet", "om": "olga"}
CASE = "RAD-2026-042"
CONTENT = "Jan de Vries (12-03-2008) zoekt online contact met een extremistische groep."
USER, PASSWORD = "casusnet-gemeente", "Relay-Geheim-2026"
ADDRESS = "regie@gemeente.example.nl"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    key, crt = tmp_path / "relay.key", tmp_path / "relay.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(crt), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(crt), str(key))
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
        auth_required=True, auth_require_tls=True, authenticator=authenticate,
    )  # fmt: skip
    controller.start()
    yield inbox, port, crt
    controller.stop()


def test_a_verstrekking_arrives_and_the_staff_member_is_mailed(
    tmp_path: Path, relay: tuple[Inbox, int, Path]
) -> None:
    inbox, port, crt = relay
    c = Cluster(tmp_path / "fed", dict(NODES))
    c.setup()
    data = c.data("gemeente")
    cred = data / "smtp.cred"
    cred.write_text(f"{USER}\n{PASSWORD}\n")
    cred.chmod(0o600)
    with (data / "casusnet.toml").open("a") as f:
        f.write(
            f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nfrom = "casusnet@gemeente.example.nl"\n'
            f'credentials = "smtp.cred"\nca_file = "{crt}"\n\n[notices]\nevery_seconds = 3600\n'
        )
    c.start_all()
    try:
        c.open_pga_room(CASE, STAFF)
        chosen = c.json("gemeente", "mail", "set", "--address", ADDRESS, "--kinds", "share")
        assert (chosen["kinds"], chosen["relay"]) == (["share"], True)
        assert c.json("politie", "mail", "show")["relay"] is False  # no relay configured
        c.cli("politie", "share", CASE, "--basis", "wpg-20", "--categories", "politie,signalen",
              "--agreement-ref", "WPG20-2026-004", "--justification",
              "Noodzakelijk voor de weging.", "--wait", "20", stdin=CONTENT)  # fmt: skip
        c.wait_for("the notice at the relay", lambda: inbox.messages, timeout=30)
        (msg,) = inbox.messages
        assert msg["To"] == ADDRESS
        assert str(msg["Subject"]) == f"Casus {CASE}: nieuwe verstrekking"
        body = msg.get_payload(decode=True).decode()
        assert f"Casus {CASE}: een nieuwe verstrekking is binnengekomen." in body
        for secret in (CONTENT, "Jan de Vries", "12-03-2008", "piet", "anna", "wijkagent",
                       "WPG20-2026-004", "Noodzakelijk voor de weging", PASSWORD):  # fmt: skip
            assert secret not in msg.as_string(), secret
        shown = c.json("gemeente", "mail", "show")
        assert shown["pending"] == 0
        assert [(r["kind"], r["case_ref"]) for r in shown["recent"]] == [("share", CASE)]
    finally:
        c.stop_all()
    log = (c.root / "gemeente.log").read_text()
    assert PASSWORD not in log
    assert CONTENT not in log
    with sqlite3.connect(data / "node.db") as db:
        sent = db.execute("SELECT case_ref FROM audit WHERE action = 'mail_notice_sent'")
        assert [r[0] for r in sent] == [CASE]
