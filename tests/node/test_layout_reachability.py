"""A partner that stops is unreachable at once: a refused connection marks it so on the
failed attempt, a partner that accepts the connection but never answers after a short
wait (not at the request timeout); ``unreachable_since`` says from when, and a success
clears it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fed import make_federation

from node.app import open_node
from node.domain.node import Node
from node.faces.federation import delivery
from node.faces.federation.delivery import Outbox
from node.store import outbox as queue
from protocol.errors import TransportError


class Client:
    """A federation client whose partner refuses, hangs, or answers, as told."""

    clocks = None

    def __init__(self) -> None:
        self.mode = "refuse"
        self.attempts = 0

    async def post_batch(self, peer: str, envelopes: list[bytes]) -> list[list[Any]]:
        self.attempts += 1
        if self.mode == "refuse":
            raise TransportError(f"{peer}: ClientConnectorError")
        if self.mode == "hang":
            await asyncio.sleep(3600)
        return [["retry", None, "node.retry"] for _ in envelopes]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    fed = make_federation(
        tmp_path, {"gemeente": "gemeente", "politie": "politie"}, int(time.time())
    )
    opened = open_node(fed.config("gemeente"))
    yield opened
    opened.store.close()


def queued(node: Node) -> None:
    with node.store.transaction():
        queue.enqueue(node.store, "politie", "share", None, b"envelope", b"h" * 32, node.now())


async def until(check: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "waited in vain"
        await asyncio.sleep(0.01)


async def test_a_refused_connection_marks_the_partner_unreachable_at_once(node: Node) -> None:
    client = Client()
    outbox = Outbox(node, client)  # type: ignore[arg-type]
    outbox.contacts["politie"] = delivery.Contact(reachable=True, last_contact=node.now())
    queued(node)
    outbox.wake("politie")
    await until(lambda: client.attempts >= 1)
    await until(lambda: outbox.contact("politie").reachable is False, within=1.0)
    contact = outbox.contact("politie")
    assert contact.unreachable_since is not None
    assert contact.failures >= 1
    first = contact.unreachable_since
    # a later failure keeps the moment it stopped answering
    outbox._failed("politie")
    assert outbox.contact("politie").unreachable_since == first
    # an answer clears it
    outbox.peer_contacted("politie")
    assert outbox.contact("politie").reachable is True
    assert outbox.contact("politie").unreachable_since is None
    await outbox.close()


async def test_a_partner_that_does_not_answer_is_unreachable_before_the_timeout(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "NO_ANSWER", 0.2)
    client = Client()
    client.mode = "hang"
    outbox = Outbox(node, client)  # type: ignore[arg-type]
    outbox.contacts["politie"] = delivery.Contact(reachable=True, last_contact=node.now())
    queued(node)
    outbox.wake("politie")
    await until(lambda: client.attempts >= 1)
    assert node.config.timers.request_timeout >= 5  # the attempt would run on that long
    await until(lambda: outbox.contact("politie").reachable is False, within=3.0)
    assert outbox.contact("politie").unreachable_since is not None
    await outbox.close()
