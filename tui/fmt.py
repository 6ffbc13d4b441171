"""Formatting for the screen: times in the user's zone, short ids, fingerprints."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .api import ApiError, NodeUnreachable
from .i18n import t


def zone() -> dt.tzinfo:
    name = os.environ.get("CASUSNET_TZ") or os.environ.get("TZ") or "Europe/Amsterdam"
    try:
        return ZoneInfo(name.lstrip(":"))
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def when(ts: Any) -> str:
    if not isinstance(ts, int | float) or ts <= 0:
        return "–"
    return dt.datetime.fromtimestamp(ts, zone()).strftime("%Y-%m-%d %H:%M")


def day(ts: Any) -> str:
    if not isinstance(ts, int | float) or ts <= 0:
        return "–"
    return dt.datetime.fromtimestamp(ts, zone()).strftime("%Y-%m-%d")


def parse_when(text: str) -> int:
    """``YYYY-MM-DD HH:MM`` (or only the date) in the user's zone; ``ValueError`` otherwise."""
    text = text.strip()
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return int(moment.replace(tzinfo=zone()).timestamp())
    raise ValueError(text)


def short(hex_id: str, n: int = 8) -> str:
    return hex_id[:n]


def fingerprint_lines(fp: str | None) -> str:
    """Six groups of five digits, as two lines of three, for narrow tables."""
    if not fp:
        return "–"
    groups = fp.split()
    return " ".join(groups[:3]) + "\n" + " ".join(groups[3:])


def status_word(status: str) -> str:
    key = f"status.{status}"
    try:
        return t(key)
    except KeyError:
        return status


def word(prefix: str, value: Any) -> str:
    """A catalogue word for a protocol value (``delivery.pending``), else the value."""
    try:
        return t(f"{prefix}.{value}")
    except KeyError:
        return str(value)


def names(items: list[str]) -> str:
    """A list in a sentence: ``a, b en c`` (``a, b and c``)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('app.and')} {items[-1]}"


def describe(exc: BaseException) -> str:
    """A refusal in the user's words."""
    if isinstance(exc, NodeUnreachable):
        return t("app.offline")
    if isinstance(exc, ApiError):
        code = exc.remote_code
        if code == "node.forbidden":
            return t("error.forbidden")
        if code == "chain.not_chair":
            return t("error.not_chair")
        if code == "node.not_allowed":
            return t("error.not_allowed", detail=exc.detail or exc.message)
        text = exc.message or code
        if exc.detail:
            text += f" ({exc.detail})"
        return t("error.generic", message=text)
    return t("error.generic", message=type(exc).__name__)
