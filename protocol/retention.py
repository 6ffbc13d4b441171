"""Retention dates computed from the declared bases.

Content never outlives closure: it is revoked and its keys destroyed at ``close``
(plus an organisation's grace period). Metadata and audit entries are kept until the
end of the longest applicable term of the room's bases, and never before a logging
duty ends (``wjsg-39fb``: at least 4 years). Terms count from the first or last
processing, as each basis says; years are calendar years in UTC (29 February maps
to 28 February in a year that has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .errors import BasisUnknownError
from .registry import Registry


def add_years(timestamp: int, years: int) -> int:
    """``timestamp`` plus whole calendar years (UTC)."""
    start = datetime.fromtimestamp(timestamp, UTC)
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return int(end.timestamp())


def purge_after(
    bases: Iterable[str], registry: Registry, *, first_processing: int, last_processing: int
) -> int:
    """When a room's metadata and audit entries may be purged."""
    ends = [last_processing]
    for basis_id in bases:
        basis = registry.bases.get(basis_id)  # a basis no longer in force still has its terms
        if basis is None:
            raise BasisUnknownError(basis_id[:40])
        if basis.retention_years is not None:
            start = (
                first_processing if basis.retention_from == "first_processing" else last_processing
            )
            ends.append(add_years(start, basis.retention_years))
        if basis.log_min_years:
            ends.append(add_years(last_processing, basis.log_min_years))
    return max(ends)


def content_deadline(closed_at: int, grace_seconds: int = 0) -> int:
    """When content must be revoked and room keys destroyed after closure."""
    return closed_at + max(0, grace_seconds)
