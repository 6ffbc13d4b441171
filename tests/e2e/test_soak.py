"""Faults together, for a few minutes: the soak of ``bench/soak.py`` on six real nodes
(SIGKILLs and restarts, a partner away for a while, clock jumps of up to ten minutes,
closures) must lose nothing, duplicate nothing, miss no receipt and leave no content
or key at the recipients of a closed room.

``SOAK_TEST_SECONDS`` sets the length of the stream of faults (default 120) and
``SOAK_SEED`` the schedule (default random; the seed is in the failure message and
in the captured output). ``bench/soak.py`` runs the same soak for half an hour.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import fakeclock
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import soak  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.skipif(
    not fakeclock.available(), reason="faketime is not installed (apt-get install faketime)"
)
def test_faults_together_lose_nothing(tmp_path: Path) -> None:
    seconds = float(os.environ.get("SOAK_TEST_SECONDS", "120"))
    seed = soak.seed_from_env()
    # a chair's event dated up to 600 s ahead is taken 300 s later (MAX_SKEW): the
    # settling allows for it (it ends as soon as every outbox is empty)
    run = soak.run_soak(tmp_path, seconds, seed, settle=400)
    t = run.tally
    why = f"seed {seed} (SOAK_SEED={seed} repeats it): {run.result}\n" + "\n".join(t.problems[:30])
    assert run.sent, why
    assert run.counts["rooms"] >= 3, why
    assert run.counts["kills"], why
    assert run.counts["jumps"], why
    assert run.counts["stops"], why
    assert run.counts["closed"], why
    assert not run.harness_errors, f"{why}\nharness: {run.harness_errors[:10]}"
    assert t.lost == 0, why
    assert t.duplicated == 0, why
    assert t.receipts_missing == 0, why
    assert t.leaks == 0, why  # no content or key at the recipients of a closed room
    assert t.corrupt == 0, why
