"""The sender's screen tells a share that waits (and is sent again) from one refused
for good, and the header says when the node's clock is off."""

from __future__ import annotations

from typing import Any

from tui import i18n
from tui.screens.room.shares import share_state


def own(deliveries: dict[str, str], waiting: dict[str, str] | None = None) -> dict[str, Any]:
    return {"own": True, "deliveries": deliveries, "waiting": waiting or {}}


def test_a_share_waiting_on_a_clock_is_not_shown_as_refused() -> None:
    i18n.set_language("nl")
    text = share_state(own({"om": "pending", "politie": "delivered"}, {"om": "chain.future"}))
    assert text == "1/2 ontvangen · wacht: klok"
    assert "geweigerd" not in text
    expired = own({"om": "pending"}, {"om": "om answered 401 request.expired"})
    assert share_state(expired) == "0/1 ontvangen · wacht: klok"
    away = own({"om": "pending"}, {"om": "om: ClientConnectorError"})
    assert share_state(away) == "0/1 ontvangen · wacht: niet bereikbaar"
    assert share_state(own({"om": "pending"}, {"om": "node.retry"})).endswith("loopt achter")


def test_a_share_refused_for_good_says_so() -> None:
    i18n.set_language("nl")
    text = share_state(own({"om": "refused", "politie": "delivered"}))
    assert text == "1/2 ontvangen · 1 geweigerd"
    i18n.set_language("en")
    try:
        assert share_state(own({"om": "refused"})) == "0/1 delivered · 1 refused"
    finally:
        i18n.set_language("nl")


class OffClock:
    """The canned gemeente node, but its clock runs ten minutes ahead of its partners."""

    def __init__(self) -> None:
        import canned

        self.inner = canned.CannedTransport()

    @property
    def token(self) -> str | None:
        return self.inner.token

    @token.setter
    def token(self, value: str | None) -> None:
        self.inner.token = value

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        doc = self.inner.request(method, path, body)
        if path == "/v1/rooms":
            clock = {"offset": 600.0, "peers": 5, "off": True, "expired_by": ["om"]}
            return dict(doc, clock=clock)
        return doc


async def test_the_header_says_the_clock_is_off() -> None:
    from test_screens import SIZE, logged_in

    from tui.app import CasusnetApp

    i18n.set_language("nl")
    app = CasusnetApp(OffClock(), place="gemeente", blink=False, poll=3600)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(pilot)
        assert app.sub_title.startswith("klok wijkt +600 s af · ")
