"""The local API's application: its state and its routes."""

from __future__ import annotations

from aiohttp import web

from node.domain.node import Node
from node.faces.federation import Outbox
from node.faces.localapi.aanmeldingen import add_routes as add_aanmelding_routes
from node.faces.localapi.directory import registry, roster
from node.faces.localapi.events import end_streams, events
from node.faces.localapi.inquiries import ask, decline, list_requests, view_request
from node.faces.localapi.measures import add_routes as add_plan_routes
from node.faces.localapi.meldingen import (
    list_meldingen,
    open_melder,
    record_melding,
    show_melding,
    update_melding,
)
from node.faces.localapi.notices import add_routes as add_notice_routes
from node.faces.localapi.plan import close, plan, revoke
from node.faces.localapi.referrals import add_routes as add_referral_routes
from node.faces.localapi.rooms import (
    assess,
    consent,
    convene,
    endorse,
    grant_mandate,
    intake,
    invite,
    list_rooms,
    remove,
    ruling,
    show_room,
)
from node.faces.localapi.route import NODE, OUTBOX, route
from node.faces.localapi.sessions import login, logout, me
from node.faces.localapi.shares import (
    BATCHER,
    SIGNAL,
    ReceiptSignal,
    ShareBatcher,
    share,
    share_status,
    view,
)
from node.faces.localapi.shielded import add_routes as add_shielded_routes
from node.faces.localapi.shielded import plan_export
from node.faces.localapi.staff import assign, audit_list, audit_verify
from node.faces.localapi.timeline import CHAIN_VIEWS, ChainViews
from node.faces.localapi.transfers import add_routes as add_transfer_routes


def create_local_app(node: Node, outbox: Outbox | None = None) -> web.Application:
    """The local API of ``node``; ``outbox``, when given, supplies the partners' reachability."""
    app = web.Application(client_max_size=2 << 20)
    app[NODE] = node
    if outbox is not None:
        app[OUTBOX] = outbox
    app[SIGNAL] = ReceiptSignal()
    app[BATCHER] = ShareBatcher(node)
    app[CHAIN_VIEWS] = ChainViews()
    node.ctx.receipts_changed = app[SIGNAL].fire
    r = app.router
    r.add_post("/v1/login", route(login, login=False))
    r.add_post("/v1/logout", route(logout))
    r.add_get("/v1/me", route(me))
    r.add_get("/v1/rooms", route(list_rooms))
    r.add_post("/v1/rooms", route(convene))
    r.add_post("/v1/mandates", route(grant_mandate))
    r.add_get("/v1/rooms/{room}", route(show_room))
    r.add_post("/v1/rooms/{room}/invite", route(invite))
    r.add_post("/v1/rooms/{room}/remove", route(remove))
    r.add_post("/v1/rooms/{room}/assess", route(assess))
    r.add_post("/v1/rooms/{room}/ruling", route(ruling))
    r.add_post("/v1/rooms/{room}/endorse", route(endorse))
    r.add_get("/v1/rooms/{room}/intake", route(intake))
    r.add_post("/v1/rooms/{room}/consent", route(consent))
    r.add_post("/v1/rooms/{room}/shares", route(share))
    r.add_get("/v1/rooms/{room}/shares/{share}", route(view))
    r.add_get("/v1/rooms/{room}/shares/{share}/status", route(share_status))
    r.add_post("/v1/rooms/{room}/plan", route(plan))
    r.add_post("/v1/rooms/{room}/plan/export", route(plan_export))
    r.add_post("/v1/rooms/{room}/close", route(close))
    r.add_post("/v1/rooms/{room}/revoke", route(revoke))
    r.add_post("/v1/rooms/{room}/assign", route(assign))
    r.add_post("/v1/rooms/{room}/requests", route(ask))
    r.add_get("/v1/rooms/{room}/requests", route(list_requests))
    r.add_get("/v1/rooms/{room}/requests/{request}", route(view_request))
    r.add_post("/v1/rooms/{room}/requests/{request}/decline", route(decline))
    r.add_get("/v1/audit", route(audit_list))
    r.add_get("/v1/audit/verify", route(audit_verify))
    r.add_get("/v1/roster", route(roster))
    r.add_get("/v1/registry", route(registry))
    r.add_get("/v1/meldingen", route(list_meldingen))
    r.add_post("/v1/meldingen", route(record_melding))
    r.add_get("/v1/meldingen/{melding}", route(show_melding))
    r.add_post("/v1/meldingen/{melding}", route(update_melding))
    r.add_post("/v1/meldingen/{melding}/melder", route(open_melder))
    add_aanmelding_routes(app, route)
    add_referral_routes(app, route)
    add_plan_routes(app, route)
    add_transfer_routes(app, route)
    add_shielded_routes(app, route)
    add_notice_routes(app, route)
    r.add_get("/v1/events", events)  # the event stream (Server-Sent Events)
    app.on_shutdown.append(end_streams)
    return app
