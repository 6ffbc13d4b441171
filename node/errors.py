"""Errors of the node that the protocol does not know; codes start with ``node.``."""

from __future__ import annotations

from protocol.errors import CasusnetError


class NotAllowedError(CasusnetError):
    """This action is not allowed for this node in this room."""

    code = "node.not_allowed"


class NotFoundError(CasusnetError):
    """There is no such room or share here (it may never have reached this node)."""

    code = "node.not_found"


class RevokedError(CasusnetError):
    """This share was revoked or its room closed: its content is deleted."""

    code = "node.revoked"
