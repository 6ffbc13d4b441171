"""The outbox's own rules: a batch fits the partner's body limit, a partner that asked
to wait is not hurried by its own requests, and a hostile error body cannot stop it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fed import make_federation

from node.app import open_node
from node.faces.federation.client import _error_code
from node.faces.federation.delivery import BODY_MARGIN, Outbox, fit_body


def rows(*sizes: int) -> list[dict[str, Any]]:
    return [{"envelope": b"x" * n, "id": i} for i, n in enumerate(sizes)]


def test_a_batch_never_exceeds_the_partners_body_limit() -> None:
    cap = 4 << 20
    fitted = fit_body(rows(*[520_000] * 16), cap)
    assert 1 <= len(fitted) < 16
    assert sum(len(r["envelope"]) for r in fitted) <= cap - BODY_MARGIN
    assert fit_body(rows(10, 10, 10), cap) == rows(10, 10, 10)  # small ones all go
    assert len(fit_body(rows(cap + 1, 5), cap)) == 1  # one always goes (the partner judges it)


def test_an_error_body_of_any_shape_gives_a_code_or_nothing() -> None:
    assert _error_code(b'{"error": "request.expired"}') == "request.expired"
    assert _error_code(b"[" * 4096) == ""  # would recurse in json
    assert _error_code(b"\xff\xfe") == ""
    assert _error_code(b'{"error": "' + b"a" * 100 + b'"}') == ""


class NoClient:
    clocks = None


@pytest.fixture
def outbox(tmp_path: Path) -> Any:
    fed = make_federation(
        tmp_path, {"gemeente": "gemeente", "politie": "politie"}, int(time.time())
    )
    node = open_node(fed.config("gemeente"))
    yield Outbox(node, NoClient())  # type: ignore[arg-type]
    node.store.close()


async def test_a_partner_that_asked_to_wait_is_not_hurried_by_its_requests(outbox: Any) -> None:
    outbox._closing = True  # no delivery tasks: the rules alone
    outbox._answered.add("politie")
    outbox._backoff("politie", 3, "chain.future")
    due = outbox._due["politie"]
    outbox.peer_contacted("politie")
    assert outbox._due["politie"] == due  # the wait it asked for runs its course
    outbox._answered.discard("politie")  # unreachable instead: its request ends the wait
    outbox.peer_contacted("politie")
    assert "politie" not in outbox._due
