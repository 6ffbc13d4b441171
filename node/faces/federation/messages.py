"""The federation's wire messages: a batch of envelopes, its answer, and a list of events.

A batch is ``{"envelopes": [bin, ...]}`` (1 to :data:`MAX_BATCH`); its answer is
``{"results": [[status, receipt, code], ...]}`` in the same order, status one of
``ok``, ``retry`` or ``refused``. Events (``GET /v1/rooms/{room}/events`` and
``/sent``) are ``{"events": [bin, ...]}``: at most :data:`MAX_EVENTS` envelopes of
at most 1 MiB each, and at most :data:`EVENTS_MAX_SIZE` bytes in all
(:func:`events_answer`); they are decoded under :data:`EVENTS_LIMITS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from protocol.codec import Bin, Limits, List, Message, Str, Struct

MAX_BATCH = 64
BATCH_LIMITS = Limits(max_size=8 << 20, max_bin=2 << 20, max_array=MAX_BATCH, max_map=4)
MAX_EVENTS = 500
MAX_EVENT = 1 << 20
EVENTS_MAX_SIZE = 8 << 20
EVENTS_LIMITS = Limits(max_size=EVENTS_MAX_SIZE, max_bin=MAX_EVENT, max_array=MAX_EVENTS, max_map=4)


@dataclass(frozen=True)
class Batch(Message):
    envelopes: tuple[bytes, ...]


Batch.SPEC = Struct(Batch, (("envelopes", List(Bin(max_len=2 << 20, min_len=1), MAX_BATCH, 1)),))


@dataclass(frozen=True)
class Events(Message):
    events: tuple[bytes, ...]


Events.SPEC = Struct(Events, (("events", List(Bin(max_len=MAX_EVENT), MAX_EVENTS)),))


def events_answer(envelopes: Sequence[bytes]) -> bytes:
    """The encoded ``Events`` of as many of ``envelopes`` as fit, in their order: at
    most :data:`MAX_EVENTS`, and at most :data:`EVENTS_MAX_SIZE` bytes in all. The
    caller asks again after the last one it got for the rest."""
    size = 11  # the map, its key and the array's header, at the most
    count = 0
    for envelope in envelopes[:MAX_EVENTS]:
        size += len(envelope) + 5  # a bin's header is at most 5 bytes
        if size > EVENTS_MAX_SIZE:
            break
        count += 1
    return Events(tuple(envelopes[:count])).encode()


@dataclass(frozen=True)
class Answer(Message):
    results: tuple[Any, ...]


class _ResultSpec(List[str]):
    """``[status, receipt | nil, code | nil]``."""

    def __init__(self) -> None:
        super().__init__(Str(16), 3)

    def check(self, value: Any) -> Any:
        if type(value) is not list or len(value) != 3:
            self.fail("expected [status, receipt, code]")
        status, receipt, code = value
        if status not in ("ok", "retry", "refused"):
            self.fail("unknown status")
        if receipt is not None and (type(receipt) is not bytes or len(receipt) > 4096):
            self.fail("receipt")
        if code is not None and (type(code) is not str or len(code) > 64):
            self.fail("code")
        return tuple(value)


ANSWER_SPEC = Struct(Answer, (("results", List(_ResultSpec(), MAX_BATCH)),))
