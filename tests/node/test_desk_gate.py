"""The SSH forced command (``node/tools/ssh_gate.py``) refuses what it does not name:
a shell, file copies, other programs, and export commands with extra words. (It is
driven through a real sshd in tests/deploy/test_sshd_desk.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from node.tools import ssh_gate


@pytest.mark.parametrize(
    "command",
    [
        "/bin/sh",
        "sh -c 'id'",
        "bash",
        "scp -t /tmp",
        "/usr/lib/openssh/sftp-server",
        "internal-sftp",
        "casusnet --data /var/lib/casusnet/gemeente audit export",
        "export-plan",
        "export-plan RAD-1 RAD-2",
        "export-plan --all",
        "rooms extra",
        "tui --lang de",
        "tui; sh",
        "unterminated 'quote",
    ],
)
def test_the_gate_refuses_anything_it_does_not_name(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", command)
    monkeypatch.setenv("CASUSNET_STAFF_PASSPHRASE", "not-asked-for")
    assert ssh_gate.main([str(tmp_path)]) == ssh_gate.REFUSED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "casusnet:" in captured.err


def test_an_export_without_a_node_says_so_without_a_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SSH_ORIGINAL_COMMAND", "export-plan RAD-2026-001 --name anna")
    monkeypatch.setenv("CASUSNET_STAFF_PASSPHRASE", "lange-wachtzin-1")
    assert ssh_gate.main([str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "api.unreachable" in captured.err
    assert "lange-wachtzin-1" not in captured.err
