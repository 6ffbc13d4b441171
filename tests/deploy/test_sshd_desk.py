"""Staff at their own desks: the TUI through a real ``sshd`` (issue 14 point 4).

The test starts ``sshd -D`` on 127.0.0.1 with a host key made in a temporary directory,
and deploy/ssh's configuration: the snippet ``sshd_config.d/casusnet.conf`` included as
Debian's sshd_config includes it, and the forced command ``casusnet-ssh`` pointing at
this checkout. A staff OS account in the ``casusnet`` group logs in with an ed25519 key:
in tmux it gets the TUI, logs in and sees its rooms; an export command prints to
standard output; a shell and a forwarded port are refused.

Needs root (``useradd``, sshd) and ``openssh-server`` (the Makefile's SYSDEPS install it).

The staff account must run the project's Python. A virtualenv's python links to the
interpreter it was made from, here below ``/root`` (mode 0700), which another account
may not enter. The test grants the account traverse rights (an ACL entry ``u:ACCOUNT:x``,
``setfacl``) on exactly the directories on the way to the interpreter and the checkout
that it could not pass, and takes them back afterwards: nothing else of ``/root``
becomes readable, and it works the same on a fresh clone in CI. On a real host the
node runs from ``/opt/casusnet``, which every account may execute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "tests" / "node"))
sys.path.insert(0, str(ROOT / "tests" / "tui"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from desk_accounts import accounts, as_account, need_root, open_place, running, set_socket_dir  # noqa: E402
from fed import make_federation  # noqa: E402
from test_terminal import wait_for  # noqa: E402  (tmux: capture-pane until the text shows)

from node import ports  # noqa: E402
from node.apiclient import ApiClient  # noqa: E402
from node.app import open_node  # noqa: E402
from node.config import load  # noqa: E402
from node.tools import provision  # noqa: E402

pytestmark = pytest.mark.slow

ACCOUNT = "cndesk-sshanna"
PASS = "lange-wachtzin-1"
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
DEPLOY = ROOT / "deploy" / "ssh"


@dataclass
class Host:
    port: int
    key: Path
    node_port: int
    socket: Path

    def ssh(self, *remote: str, options: tuple[str, ...] = ()) -> list[str]:
        """``ssh [options] ACCOUNT@127.0.0.1 [remote command]``."""
        return [
            "ssh", "-i", str(self.key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", *options,
            f"{ACCOUNT}@127.0.0.1", *remote,
        ]  # fmt: skip


def _need_tools() -> None:
    need_root()
    missing = [t for t in ("ssh", "ssh-keygen", "tmux", "setfacl") if not shutil.which(t)]
    if not os.access(SSHD, os.X_OK):
        missing.append("sshd")
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (make installs them as root)")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Host]:
    _need_tools()
    place = open_place()
    try:
        fed = make_federation(place, {"gemeente": "gemeente"}, int(time.time()))
        data = fed.data("gemeente")
        socket_dir = place / "run" / "gemeente"
        set_socket_dir(data, socket_dir)
        node = open_node(load(data))
        try:
            provision.add_staff(
                node, "anna", "beleid", PASS, intake=True, capacity="burgemeester",
                os_user=ACCOUNT,
            )  # fmt: skip
        finally:
            node.store.close()
        with accounts(ACCOUNT), _python_for(ACCOUNT), running(data, place / "node.log"):
            key = tmp_path / "id_ed25519"
            _keygen(key)
            _authorize(ACCOUNT, key.with_suffix(".pub").read_text())
            port = ports.free_port()
            with _sshd(tmp_path, place, port, socket_dir):
                yield Host(port, key, fed.ports["gemeente"], socket_dir / "api.sock")
    finally:
        shutil.rmtree(place, ignore_errors=True)


def _keygen(path: Path) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", str(path)],
        check=True,
    )


def _authorize(account: str, public: str) -> None:
    home = Path(os.path.expanduser(f"~{account}"))
    ssh = home / ".ssh"
    ssh.mkdir(mode=0o700, exist_ok=True)
    (ssh / "authorized_keys").write_text(public)
    os.chmod(ssh / "authorized_keys", 0o600)
    shutil.chown(ssh, account, account)
    shutil.chown(ssh / "authorized_keys", account, account)


class _python_for:  # noqa: N801 - used as a context manager, like the others
    """ACL entries that let ``account`` pass the directories on the way to this
    interpreter and this checkout (see the module docstring)."""

    def __init__(self, account: str) -> None:
        self.account = account
        self.granted: list[Path] = []

    def __enter__(self) -> None:
        for target in (Path(os.path.realpath(sys.executable)), ROOT / "node"):
            for parent in reversed(target.parents):
                if parent.stat().st_mode & 0o001 or parent in self.granted:
                    continue
                subprocess.run(
                    ["setfacl", "-m", f"u:{self.account}:x", str(parent)], check=True
                )
                self.granted.append(parent)

    def __exit__(self, *exc: object) -> None:
        for parent in self.granted:
            subprocess.run(["setfacl", "-x", f"u:{self.account}", str(parent)], check=False)


class _sshd:  # noqa: N801
    """``sshd -D`` on 127.0.0.1:PORT with deploy/ssh's snippet and forced command."""

    def __init__(self, tmp: Path, place: Path, port: int, socket_dir: Path) -> None:
        self.tmp, self.place, self.port, self.socket_dir = tmp, place, port, socket_dir
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> None:
        tmp = self.tmp
        _keygen(tmp / "host_ed25519")
        gate = self.place / "casusnet-ssh"  # where the account may run it
        gate.write_text(
            (DEPLOY / "casusnet-ssh")
            .read_text()
            .replace("PYTHON=/opt/casusnet/bin/python", f"PYTHON={sys.executable}")
        )
        os.chmod(gate, 0o755)
        snippet = tmp / "casusnet.conf"
        snippet.write_text(
            (DEPLOY / "sshd_config.d" / "casusnet.conf")
            .read_text()
            .replace("/usr/local/bin/casusnet-ssh", str(gate))
            .replace("/run/casusnet/gemeente", str(self.socket_dir))
        )
        config = tmp / "sshd_config"
        config.write_text(
            f"Include {snippet}\n"  # first, as in Debian's /etc/ssh/sshd_config
            f"ListenAddress 127.0.0.1\nPort {self.port}\n"
            f"HostKey {tmp / 'host_ed25519'}\nPidFile {tmp / 'sshd.pid'}\n"
            "UsePAM no\nAuthorizedKeysFile .ssh/authorized_keys\nStrictModes yes\n"
            "LogLevel VERBOSE\nSubsystem sftp internal-sftp\n"
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
        subprocess.run([SSHD, "-t", "-f", str(config)], check=True)
        log = open(tmp / "sshd.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log
        )
        deadline = time.monotonic() + 20
        while "Server listening" not in (tmp / "sshd.log").read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp / "sshd.log").read_text()[-2000:])
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def test_staff_open_the_tui_over_ssh_and_log_in(host: Host) -> None:
    session = f"casusnet-ssh-{uuid.uuid4().hex[:8]}"
    command = " ".join(host.ssh(options=("-tt",)))
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
         "-e", "TERM=xterm-256color", command],
        check=True,
    )  # fmt: skip
    try:
        wait_for(session, "Wachtwoordzin")
        subprocess.run(["tmux", "send-keys", "-t", session, "anna", "Enter"], check=True)
        time.sleep(0.3)
        subprocess.run(["tmux", "send-keys", "-t", session, PASS, "Enter"], check=True)
        screen = wait_for(session, "Mijn casussen")
        assert PASS not in screen
        assert "gemeente" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def test_an_export_command_prints_to_standard_output(host: Host) -> None:
    """``ssh anna@host export-plan CASE > plan.md``: the passphrase on standard input,
    the plan on standard output, nothing else in it."""

    def convene() -> str:  # as anna's OS account: her staff account logs in from it only
        api = ApiClient(host.socket)
        api.token = api.post("/v1/login", {"name": "anna", "passphrase": PASS})["token"]
        body = {"case": "RAD-2026-314", "purpose": "Weging en aanpak", "bases": ["pga-r"],
                "meeting": int(time.time())}  # fmt: skip
        return str(api.post("/v1/rooms", body)["room"])

    assert as_account(ACCOUNT, convene)

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            host.ssh(*command, "--name", "anna"), input=PASS + "\n", capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip

    rooms = run("rooms")
    assert rooms.returncode == 0, rooms.stderr
    assert [r["case_ref"] for r in json.loads(rooms.stdout)["rooms"]] == ["RAD-2026-314"]
    plan = run("export-plan", "RAD-2026-314")
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.startswith("#")
    assert "RAD-2026-314" in plan.stdout
    assert PASS not in plan.stdout + plan.stderr
    assert run("plan", "RAD-2026-314").stdout.startswith("{")
    missing = run("export-plan", "RAD-0000")
    assert missing.returncode == 1
    assert "no room of yours matches" in missing.stderr


def test_a_shell_and_forwarding_are_refused(host: Host) -> None:
    shell = subprocess.run(
        host.ssh("/bin/sh", "-c", "'echo shell-reached'"), capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert shell.returncode == 2
    assert "shell-reached" not in shell.stdout
    assert "casusnet: this login opens the casusnet TUI" in shell.stderr
    forward = subprocess.run(
        host.ssh(options=("-W", f"127.0.0.1:{host.node_port}")), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert forward.returncode == 255  # the channel to the node's port was not opened
    assert "forwarding failed" in forward.stderr
    assert forward.stdout == ""
    sftp = subprocess.run(
        host.ssh("sftp", options=("-s",)), capture_output=True, text=True, timeout=60, input=""
    )
    assert sftp.returncode == 2  # the forced command ran instead, and refused
