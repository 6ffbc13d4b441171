"""The federation's wire messages: a batch of envelopes, its answer, and a list of events.

A batch is ``{"envelopes": [bin, ...]}`` (1 to :data:`MAX_BATCH`); its answer is
``{"results": [[status, receipt, code], ...]}`` in the same order, status one of
``ok``, ``retry`` or ``refused``. Events (``GET /v1/rooms/{room}/events`` and
``/sent``) are ``{"events": [bin, ...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protocol.codec import Bin, Limits, List, Message, Str, Struct

MAX_BATCH = 64
BATCH_LIMITS = Limits(max_size=8 << 20, max_bin=2 << 20, max_array=MAX_BATCH, max_map=4)


@dataclass(frozen=True)
class Batch(Message):
    envelopes: tuple[bytes, ...]


Batch.SPEC = Struct(Batch, (("envelopes", List(Bin(max_len=2 << 20, min_len=1), MAX_BATCH, 1)),))


@dataclass(frozen=True)
class Events(Message):
    events: tuple[bytes, ...]


Events.SPEC = Struct(Events, (("events", List(Bin(max_len=1 << 20), 500)),))


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
