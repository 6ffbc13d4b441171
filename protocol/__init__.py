"""casusnet protocol core: pure, synchronous, no I/O.

Everything that decides whether a message is valid lives here: canonical
encoding, keys, the roster, the room chain, shares, policy, revocation, receipts,
request signatures and retention. Time (``now``) and randomness (``rand``) are
arguments; nothing here touches sockets, files (but its own registry data file),
clocks or global random state.
"""

from .codec import PROTOCOL_VERSION
from .errors import CasusnetError

__all__ = ["CasusnetError", "PROTOCOL_VERSION"]
