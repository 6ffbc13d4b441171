"""The local API: JSON over HTTP on a unix socket (mode 0600) in the data dir.

Staff log in with their passphrase and get a session token (``Authorization:
Bearer <token>``). Every room call checks that the staff member is assigned to the
room. Errors are ``{"error": code, "message": text}`` with a 4xx status. The
routes are documented in ``docs/api.md``.

- :mod:`.app`: :func:`create_local_app`, the state and the routes;
- :mod:`.route`: reading, authenticating and answering a request (JSON, errors);
- :mod:`.sessions`, :mod:`.rooms`, :mod:`.shares`, :mod:`.plan`, :mod:`.staff`,
  :mod:`.directory`: the handlers, by concern; :mod:`.timeline`: a room's timeline.
"""

from node.faces.localapi.app import create_local_app
from node.faces.localapi.rooms import room_status
from node.faces.localapi.route import BadRequest
from node.faces.localapi.timeline import timeline

__all__ = ["BadRequest", "create_local_app", "room_status", "timeline"]
