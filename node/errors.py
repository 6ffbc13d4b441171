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


# --- the refusals of an envelope in a partner's inbox (docs/protocol.md section 14.2)


class NotRecipientError(NotAllowedError):
    """This share is not addressed to this node."""

    code = "node.not_recipient"


class NotTheChairError(NotAllowedError):
    """Member statements go to the room's chair, and this node is not the chair."""

    code = "node.not_chair"


class NotOwnError(NotAllowedError):
    """A node sends only its own statements and mandates."""

    code = "node.not_own"


class ShareExistsError(NotAllowedError):
    """The sender already sent a share with this id."""

    code = "node.share_exists"


class EnvelopeKindError(NotAllowedError):
    """A roster or a request is not an envelope a node accepts in its inbox."""

    code = "node.envelope_kind"


class AanmeldingExistsError(NotAllowedError):
    """An aanmelding with this id is already here, with other content."""

    code = "node.aanmelding_exists"


# --- a Wgs room's referral to the Wet PGA (Wgs art. 2.31 lid 13; node/domain/referral.py)


class ReferralRoomError(NotAllowedError):
    """Only a member of a Wgs casusoverleg that is not closed refers its case to the
    Wet PGA casusoverleg."""

    code = "node.referral_room"


class NotPgaDeelnemerError(NotAllowedError):
    """This organisation is no deelnemer of the Wet PGA casusoverleg and cannot register
    a case there (only gemeente, politie, OM, reclassering and RvdK can)."""

    code = "node.not_pga_deelnemer"


# --- notices by e-mail (node/domain/notices.py)


class NoticeSettingsError(CasusnetError):
    """The choice of notices by e-mail is not valid: an e-mail address, the kinds and
    the language as listed."""

    code = "node.notice_settings"
