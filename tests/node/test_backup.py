"""Backup bundles: made from a node's files, checked before anything is restored."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fed import make_federation

from node.config import load
from node.faces.federation.resync import RESYNC_KEY
from node.store import keystore
from node.tools import backup
from node.tools.cli import main

NOW = 1_770_000_000


@pytest.fixture
def bundle(tmp_path: Path) -> tuple[Path, Path, Path]:
    fed = make_federation(tmp_path / "fed", {"politie": "politie"}, NOW)
    config = fed.config("politie")
    master = keystore.load_master(config)
    out = tmp_path / "politie.backup"
    backup.make_backup(config, master, out, now=NOW)
    key = tmp_path / "kept.key"
    key.write_bytes(config.master_file.read_bytes())  # type: ignore[union-attr]
    key.chmod(0o600)
    return out, key, fed.data("politie")


def run(*args: str) -> int:
    return main(list(args))


def test_bundle_is_private_and_holds_no_master_key(bundle: tuple[Path, Path, Path]) -> None:
    out, key, _ = bundle
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    master_hex = key.read_text().strip()
    assert master_hex.encode() not in data
    assert bytes.fromhex(master_hex) not in data


def test_restore_round_trip(bundle: tuple[Path, Path, Path], tmp_path: Path) -> None:
    out, key, original = bundle
    target = tmp_path / "restored"
    assert run("--data", str(target), "restore", "--from", str(out), "--master-key", str(key)) == 0
    config = load(target)
    master = keystore.load_master(config)
    assert (
        keystore.load_identity(config, master).sign_public
        == keystore.load_identity(load(original), keystore.load_master(load(original))).sign_public
    )
    assert stat.S_IMODE((target / "node.db").stat().st_mode) == 0o600
    from node.store.db import Store

    store = Store(target / "node.db")
    assert store.get_meta(RESYNC_KEY) == "1"
    assert int(store.get_meta(backup.SEQ_FLOOR_KEY) or 0) >= backup.seq_floor(NOW)
    store.close()


def _refused(
    capsys: pytest.CaptureFixture[str], target: Path, out: Path, key: Path, code: str
) -> None:
    before = sorted(os.listdir(target)) if target.exists() else None
    rc = run("--data", str(target), "restore", "--from", str(out), "--master-key", str(key))
    err = capsys.readouterr().err
    assert rc == 1, err
    assert f"[{code}]" in err, err
    assert (sorted(os.listdir(target)) if target.exists() else None) == before


def test_truncated_bundle_is_refused(
    bundle: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key, _ = bundle
    data = out.read_bytes()
    for cut in (10, len(backup.MAGIC) + 20, len(data) - 1):
        out.write_bytes(data[:cut])
        _refused(capsys, tmp_path / "t", out, key, "backup.format")


def test_tampered_bundle_is_refused(
    bundle: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key, _ = bundle
    data = bytearray(out.read_bytes())
    data[-100] ^= 1
    out.write_bytes(bytes(data))
    _refused(capsys, tmp_path / "t", out, key, "backup.integrity")


def test_edited_header_is_refused(
    bundle: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key, _ = bundle
    data = out.read_bytes()
    out.write_bytes(data.replace(b'"node":"politie"', b'"node":"politid"', 1))
    _refused(capsys, tmp_path / "t", out, key, "backup.integrity")
    out.write_bytes(data.replace(b'"format":1', b'"format":9', 1))
    _refused(capsys, tmp_path / "t", out, key, "backup.version")


def test_wrong_master_key_and_nonempty_target_are_refused(
    bundle: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key, _ = bundle
    other = tmp_path / "other.key"
    other.write_text("11" * 32 + "\n")
    other.chmod(0o600)
    _refused(capsys, tmp_path / "t", out, other, "backup.key")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "something").write_text("x")
    _refused(capsys, busy, out, key, "backup.target")
    assert run("--data", str(busy), "restore", "--from", str(out), "--master-key", str(key),
               "--force") == 0  # fmt: skip
    assert (busy / "something").exists()
    assert (busy / "node.db").exists()


def test_force_never_overwrites_keys_newer_than_the_backup(
    bundle: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, key, _ = bundle
    target = tmp_path / "rotated"
    assert run("--data", str(target), "restore", "--from", str(out), "--master-key",
               str(key)) == 0  # fmt: skip
    newer = (target / "identity.sealed").read_bytes()[::-1]  # stands for a rotated identity
    (target / "identity.sealed").write_bytes(newer)
    assert run("--data", str(target), "restore", "--from", str(out), "--master-key",
               str(key), "--force") == 1  # fmt: skip
    assert "backup.target" in capsys.readouterr().err
    assert (target / "identity.sealed").read_bytes() == newer
