"""A damaged store is said plainly: ``doctor`` checks every page, a node refuses to
start on it with one line and the way to restore, and nothing is overwritten."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fed import Federation, make_federation

from node.app import open_node
from node.store import audit
from node.store.db import DamagedStoreError
from node.tools.doctor import doctor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fed(tmp_path: Path) -> Federation:
    fed = make_federation(tmp_path, {"gemeente": "gemeente"}, int(time.time()))
    node = open_node(fed.config("gemeente"))
    with node.store.transaction():  # pages that hold data: a few thousand audit entries
        for i in range(3000):
            audit.append(node.store, at=node.now(), actor="operator", action="login", n=i)
    node.store.close()
    return fed


def db_of(fed: Federation) -> Path:
    return fed.config("gemeente").db_path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage_data_pages(db: Path) -> None:
    """Overwrite the middle of a few pages past the schema: pages holding entries."""
    size = db.stat().st_size
    page = 4096
    with db.open("r+b") as f:
        for n in range(size // page // 2, size // page // 2 + 4):
            f.seek(n * page + 64)
            f.write(os.urandom(2000))


def run_node(fed: Federation) -> subprocess.CompletedProcess[str]:
    data = fed.config("gemeente").data_dir
    return subprocess.run(
        [sys.executable, "-m", "node.tools.cli", "--data", str(data), "run"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_a_healthy_store_passes_the_full_check(fed: Federation) -> None:
    checks = {c["check"]: c for c in doctor(fed.config("gemeente").data_dir)}
    assert checks["store"]["ok"]
    assert "integrity check of every page" in checks["store"]["detail"]


def test_damaged_data_pages_are_found_and_the_node_does_not_start(fed: Federation) -> None:
    db = db_of(fed)
    damage_data_pages(db)
    before = digest(db)
    checks = {c["check"]: c for c in doctor(fed.config("gemeente").data_dir)}
    assert not checks["store"]["ok"]
    with pytest.raises(DamagedStoreError):
        open_node(fed.config("gemeente"))
    done = run_node(fed)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("[storage.damaged]")
    assert "restore the last backup" in done.stderr
    assert digest(db) == before  # nothing overwritten


def test_a_damaged_header_gives_one_line_not_a_traceback(fed: Federation) -> None:
    db = db_of(fed)
    with db.open("r+b") as f:
        f.write(b"not a database at all!!")
    before = digest(db)
    checks = doctor(fed.config("gemeente").data_dir)
    assert [c["ok"] for c in checks if c["check"] == "store"] == [False]
    done = run_node(fed)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "[storage.damaged]" in done.stderr
    assert digest(db) == before
