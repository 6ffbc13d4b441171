"""A transfer's answer names the verstrekking it lacks, not an information request."""

from __future__ import annotations

import pytest

from node.faces.localapi.route import BadRequest, request_id


def test_a_short_share_id_is_named_a_share() -> None:
    with pytest.raises(BadRequest, match=r"\(share: an id of 32 hex digits\)"):
        request_id("01ab", "share")
    with pytest.raises(BadRequest, match=r"\(request: "):
        request_id("01ab")
    assert request_id("00" * 16, "share") == bytes(16)
