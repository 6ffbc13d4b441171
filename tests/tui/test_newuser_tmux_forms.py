"""A new user in a real terminal at 80x24 (tmux): typing ahead at the login, and the
convene form's refusal on screen where Ctrl+S was pressed."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from cluster import Cluster
from test_terminal import capture, pair, start_tui, wait_for  # noqa: F401 (pair: the nodes)
from tuikit import passphrase

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def keys(session: str, *typed: str) -> None:
    subprocess.run(["tmux", "send-keys", "-t", session, *typed], check=True)


def test_a_new_user_types_ahead_and_sees_the_forms_refusal(pair: Cluster) -> None:  # noqa: F811
    session = start_tui(pair.data("gemeente"))
    try:
        wait_for(session, "Wachtwoordzin")
        # a wrong passphrase typed in one go, Tab between the fields, as people do
        keys(session, "anna", "Tab", "verkeerd", "Enter")
        wait_for(session, "Inloggen mislukt")
        keys(session, passphrase("anna"), "Enter")  # the name stayed; the cursor is here
        wait_for(session, "Mijn casussen")
        keys(session, "n")
        wait_for(session, "Casusreferentie")
        keys(session, "RAD-2026-078", "C-s")
        screen = wait_for(session, "Vul de datum en tijd")  # on the 80x24 screen
        assert "bijv. 2026-12-01 10:00" in screen  # the hint reads as a hint
        keys(session, "Escape")
        wait_for(session, "Concept weggooien?")
        keys(session, "Enter")  # nee: the draft stays
        gone_by = time.monotonic() + 20
        while "Concept weggooien?" in capture(session) and time.monotonic() < gone_by:
            time.sleep(0.1)
        screen = capture(session)
        assert "Concept weggooien?" not in screen
        assert "^s Aanmaken" in screen  # still the form
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
