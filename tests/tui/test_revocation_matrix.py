"""The revocation matrix counts former members (removed, or left) like every partner:
each of them confirms the closure too."""

from __future__ import annotations

import copy
from typing import Any

from canned import CLOSED_DOC

from tui.screens.room.revocation import matrix
from tui.screens.room.view import RoomView


def view(doc: dict[str, Any]) -> RoomView:
    return RoomView(doc=doc, me="gemeente", my_org="gemeente", basis={}, api=None)  # type: ignore[arg-type]


def test_a_former_member_has_a_column_and_is_outstanding_until_it_confirms() -> None:
    doc = copy.deepcopy(CLOSED_DOC)
    doc["former_members"] = [
        {"node": "rvdk", "org": "rvdk", "name": "RvdK", "deletion_confirmed": True}
    ]
    before = matrix(view(CLOSED_DOC))
    m = matrix(view(doc))
    assert "rvdk" in m.columns
    assert "rvdk" not in before.columns
    assert m.total == before.total + 1
    assert "rvdk" in m.outstanding
    doc["closed_receipts"] = [*doc["closed_receipts"], "rvdk"]
    done = matrix(view(doc))
    assert done.done == m.done + 1
    assert "rvdk" not in done.outstanding
