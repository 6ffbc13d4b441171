"""The daemon's log: standard error (the journal) always, next to any log file."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.app import log_to_stderr

ROOT = Path(__file__).parents[2]


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def test_the_log_goes_to_stderr_as_well_as_to_a_log_file(
    root_logger: logging.Logger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = logging.FileHandler(tmp_path / "node.log")
    root_logger.addHandler(file)
    try:
        log_to_stderr()
        log_to_stderr()  # once is enough
        logging.getLogger("casusnet.test").warning("disk full: the outbox waits")
    finally:
        root_logger.removeHandler(file)
        file.close()
    assert "casusnet.test WARNING disk full: the outbox waits" in capsys.readouterr().err
    assert "disk full: the outbox waits" in (tmp_path / "node.log").read_text()


def test_a_log_that_cannot_be_written_does_not_stop_the_node() -> None:
    """Standard error on a full disk (``/dev/full``): the record is lost, the process
    goes on."""
    code = (
        "import logging; from node.app import log_to_stderr; log_to_stderr();"
        "logging.getLogger('casusnet.node').warning('x' * 10000); print('still running')"
    )
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=full, cwd=ROOT, timeout=60
        )
    assert done.stdout.decode().strip() == "still running"
