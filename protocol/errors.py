"""The one error hierarchy of casusnet.

Every error that crosses a package boundary is a :class:`CasusnetError`. Each
concrete class has a stable ``code`` (listed in ``docs/protocol.md``) and its
docstring is the text a user may see. ``detail`` adds which field or rule was
involved; it never contains plaintext, keys or names.

The split follows h11: :class:`LocalProtocolError` means *we* were asked to build
something the protocol does not allow; :class:`RemoteProtocolError` means bytes
that came from a peer are not valid. Crypto and chain errors are remote (they
judge received bytes); policy errors can arise on either side and carry
``side`` ("sender" or "recipient").
"""

from __future__ import annotations

from typing import ClassVar


class CasusnetError(Exception):
    """Something went wrong in casusnet."""

    code: ClassVar[str] = "error"
    transient: ClassVar[bool] = False
    """A refusal that may pass later (a clock, a chain not yet caught up, a restart):
    the sender keeps the envelope and sends it again. Every other refusal is final."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.code}: {self.user_text()}" + (f" ({detail})" if detail else ""))

    @classmethod
    def user_text(cls) -> str:
        """The class docstring's first paragraph: the text a user may see."""
        doc = cls.__doc__ or cls.code
        return " ".join(doc.strip().split("\n\n")[0].split())


# --- protocol: local vs. remote -------------------------------------------------


class ProtocolError(CasusnetError):
    """A message does not follow the casusnet protocol."""

    code = "protocol"


class LocalProtocolError(ProtocolError):
    """This node was asked to build a message that the protocol does not allow."""

    code = "local.invalid"


class RemoteProtocolError(ProtocolError):
    """A message received from a partner is not valid."""

    code = "remote.invalid"


# --- decoding ------------------------------------------------------------------


class DecodeError(RemoteProtocolError):
    """The message could not be read: it is not valid casusnet encoding."""

    code = "decode.malformed"


class DecodeLimitError(DecodeError):
    """The message is larger or more deeply nested than casusnet allows."""

    code = "decode.limit"


class DecodeTrailingError(DecodeError):
    """The message has extra bytes after its end."""

    code = "decode.trailing"


class DecodeTypeError(DecodeError):
    """The message contains a value of a type casusnet does not use (float, extension, ...)."""

    code = "decode.type"


class NonCanonicalError(DecodeError):
    """The message is not in canonical form (field order or encoding differs)."""

    code = "decode.noncanonical"


class SchemaError(DecodeError):
    """A field of the message is missing, unknown, of the wrong type or out of range."""

    code = "decode.schema"


class VersionError(DecodeError):
    """The message uses a protocol version this node does not speak."""

    code = "decode.version"


# --- cryptography ----------------------------------------------------------------


class CryptoError(RemoteProtocolError):
    """A cryptographic check failed."""

    code = "crypto"


class SignatureError(CryptoError):
    """The signature is not valid for this message, signer and purpose."""

    code = "crypto.signature"


class DecryptionError(CryptoError):
    """The content could not be decrypted: it was changed, or is not addressed to this node."""

    code = "crypto.decrypt"


class WeakKeyError(CryptoError):
    """The key is malformed or a weak (low-order) point and is refused."""

    code = "crypto.weak_key"


class UnknownSignerError(CryptoError):
    """The signer is not a member of the current federation roster."""

    code = "crypto.unknown_signer"


class BindingError(CryptoError):
    """The encrypted content does not belong to this header: it was moved or changed."""

    code = "crypto.binding"


# --- roster ----------------------------------------------------------------------


class RosterError(RemoteProtocolError):
    """The federation roster is not valid."""

    code = "roster.invalid"


class RosterAuthorityError(RosterError):
    """The roster is not signed by the pinned roster authority. Compare fingerprints."""

    code = "roster.authority"


class RosterVersionError(RosterError):
    """The roster is not newer than the one this node already has."""

    code = "roster.stale"


class RegistryMismatchError(RosterError):
    """The roster pins a different grondslag registry than this software ships. Upgrade."""

    code = "roster.registry"


# --- room chain ------------------------------------------------------------------


class ChainError(RemoteProtocolError):
    """The room event does not fit the room's chain."""

    code = "chain.invalid"


class ChainLinkError(ChainError):
    """The event does not follow the last event of the room (wrong sequence or hash)."""

    code = "chain.link"


class ChainFutureError(ChainError):
    """The event is dated ahead of this node's clock; it is accepted once the clocks agree.

    Transient: a chair whose clock ran ahead (and was corrected, or is) sends the
    event again, and it is taken once the receiver's clock has come within the
    allowed skew of the event's time.
    """

    code = "chain.future"
    transient = True


class ChainReplayError(ChainError):
    """The event was already applied to this room."""

    code = "chain.replay"


class NotChairError(ChainError):
    """Only the chair of the room may sign this event."""

    code = "chain.not_chair"


class ConvenerError(ChainError):
    """This organisation may not convene a room under this grondslag."""

    code = "chain.convener"


class ChainStateError(ChainError):
    """This event is not allowed in the room's current state."""

    code = "chain.state"


class MembershipError(ChainError):
    """The membership change is not allowed: the node is not invited, admitted or a member."""

    code = "chain.membership"


class IntakeError(ChainError):
    """The intake's order is not kept: an assessment, ruling or endorsement out of its
    stage or by an organisation that takes no part, a ruling not signed by all, a derde
    during the intake; or the room is still in intake."""

    code = "chain.intake"


class ClosureError(ChainError):
    """The closure is not decided: the deelnemers at the table (under the Wgs the public
    deelnemers) have not all signed the proposed closure, or the close does not follow it."""

    code = "chain.closure"


class ConsentError(ChainError):
    """The third party lacks the joint consent of gemeente, politie and OM."""

    code = "chain.consent"


class StatementError(ChainError):
    """A member's statement inside the event is not signed by that member for this room."""

    code = "chain.statement"


# --- the living plan van aanpak (issue 13) ----------------------------------------------


class MeasureError(ChainError):
    """This step does not fit the measure: not proposed by a deelnemer, adopted,
    adjusted or withdrawn by another than the chair, a status set by another than its
    uitvoerder, an uitvoerder not a deelnemer at the table, a due date out of range, or
    the measure withdrawn already."""

    code = "chain.measure"


class MeetingError(ChainError):
    """This step does not fit the meetings: a meeting planned by another than the chair
    or not after the last one, an agenda point or verslag for a meeting not planned, a
    verslag by another than the chair's node or before the meeting, or a re-assessment
    not by a deelnemer at a planned meeting of an open room."""

    code = "chain.meeting"


# --- aanmelding and notice (Wet PGA art. 5) -------------------------------------------


class AanmeldingError(RemoteProtocolError):
    """The aanmelding is not valid."""

    code = "aanmelding.invalid"


class AanmelderError(AanmeldingError):
    """Only a deelnemer of the Wet PGA (gemeente, politie, OM, reclassering, RvdK)
    registers a case."""

    code = "aanmelding.aanmelder"


class AanmeldingRecipientsError(AanmeldingError):
    """An aanmelding goes to the gemeente van verblijf and the politie and OM that the
    roster says serve it."""

    code = "aanmelding.recipients"


class NoticeError(RemoteProtocolError):
    """The notice does not belong to this aanmelding, or comes from a node that does not
    handle it."""

    code = "notice.invalid"


# --- information requests (protocol/inquiry.py) --------------------------------


class InquiryError(RemoteProtocolError):
    """The answer does not fit the information request it refers to."""

    code = "inquiry.invalid"


class InquiryPartyError(InquiryError):
    """Only the partner that was asked may answer or decline an information request,
    and the answer goes to the partner that asked."""

    code = "inquiry.party"


class InquiryAnsweredError(InquiryError):
    """The information request was already answered or declined: it is answered once."""

    code = "inquiry.answered"


class InquiryUnknownError(InquiryError):
    """There is no such information request here."""

    code = "inquiry.unknown"


class InquiryExistsError(InquiryError):
    """The partner already sent an information request with this id."""

    code = "inquiry.exists"


# --- requests between nodes ------------------------------------------------------------


class RequestAuthError(RemoteProtocolError):
    """The request is not correctly signed by a roster member."""

    code = "request.auth"


class RequestExpiredError(RequestAuthError):
    """The request's time is outside the accepted window. Check the clocks of both nodes."""

    code = "request.expired"
    transient = True


class RequestReplayError(RequestAuthError):
    """The request was already received once and is refused as a replay."""

    code = "request.replay"


class RequestTooLargeError(RemoteProtocolError):
    """The request body is larger than the node accepts (4 MiB by default)."""

    code = "request.too_large"


class RateLimitedError(RemoteProtocolError):
    """Too many requests in a short time; the node answers again shortly (retry later)."""

    code = "request.rate_limited"
    transient = True


# --- policy ----------------------------------------------------------------------


class PolicyError(CasusnetError):
    """The share is not allowed under the declared legal basis (grondslag)."""

    code = "policy"

    def __init__(self, detail: str = "", side: str = "sender") -> None:
        self.side = side
        super().__init__(detail)


class BasisUnknownError(PolicyError):
    """The grondslag is not in the registry."""

    code = "policy.basis_unknown"


class BasisNotInForceError(PolicyError):
    """The grondslag is not in force (for example the Wams, which is a bill, not law)."""

    code = "policy.basis_not_in_force"


class BasisNotDeclaredError(PolicyError):
    """The grondslag is not one of the bases this room declared."""

    code = "policy.basis_not_declared"


class OrganisationNotAllowedError(PolicyError):
    """This organisation type may not share under this grondslag."""

    code = "policy.organisation"


class CategoryNotAllowedError(PolicyError):
    """A data category is not allowed under this grondslag."""

    code = "policy.category"


class FieldRequiredError(PolicyError):
    """The grondslag requires a field that is missing (justification, or the agreement with
    the bevoegd gezag)."""

    code = "policy.field_required"


class CapacityError(PolicyError):
    """Declare the capacity the organisation supplies in (a gemeente: as burgemeester or
    as college); other organisations act in none."""

    code = "policy.capacity"


class CategoryBoundError(PolicyError):
    """This category may only be supplied under its own legal basis (politiegegevens
    under the Wet politiegegevens, justitiële gegevens under the Wjsg)."""

    code = "policy.category_basis"


class SecrecyError(PolicyError):
    """A holder of a beroepsgeheim supplies only on a stated ground (explicit consent,
    a legal duty or power, or goed hulpverlenerschap) with a reference to it."""

    code = "policy.secrecy"


class RecipientError(PolicyError):
    """A recipient is not a member of the room in this epoch."""

    code = "policy.recipient"


class SenderNotMemberError(PolicyError):
    """The sender is not a member of the room in this epoch."""

    code = "policy.sender"


class RoomNotOpenError(PolicyError):
    """The room is not open for sharing (intake pending, or closed)."""

    code = "policy.room_not_open"


# --- transfer to another gemeente (Wet PGA art. 7, docs/protocol.md section 17) ---


class TransferError(RemoteProtocolError):
    """The message does not fit the transfer it refers to."""

    code = "transfer.invalid"


class TransferPartyError(TransferError):
    """Only the gemeente of the case transfers it, to another gemeente; a supplier
    answers only for its own verstrekkingen, to the receiving and the origin gemeente."""

    code = "transfer.party"


class TransferAnsweredError(TransferError):
    """This verstrekking of the transfer was already answered: it is answered once."""

    code = "transfer.answered"


class TransferExpiredError(TransferError):
    """The suppliers' deadline of the transfer has passed: what was not answered counts
    as not supplied."""

    code = "transfer.expired"


class TransferUnknownError(TransferError):
    """There is no such transfer, or no such verstrekking in it, here."""

    code = "transfer.unknown"


# --- node-side kinds (raised by node/, defined here so there is one hierarchy) ---


class StorageError(CasusnetError):
    """The node's store could not complete the operation; nothing was changed."""

    code = "storage"
    transient = True


class TransportError(CasusnetError):
    """A partner node could not be reached. Delivery is retried automatically."""

    code = "transport"
    transient = True


def transient_codes() -> list[str]:
    """The codes of the refusals a sender retries (``docs/protocol.md`` lists them)."""
    return sorted(c.code for c in all_error_classes() if c.transient)


def all_error_classes() -> list[type[CasusnetError]]:
    """Every error class, root first; used by the docs and the code-uniqueness test."""
    seen: list[type[CasusnetError]] = []
    stack: list[type[CasusnetError]] = [CasusnetError]
    while stack:
        cls = stack.pop(0)
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen
