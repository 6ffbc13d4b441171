"""Formatting for the screen: times in the user's zone, short ids, fingerprints."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .api import Api, ApiError, NodeUnreachable
from .i18n import CATALOGUE, language, t


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


def error_text(code: str, message: str = "") -> str:
    """The catalogue's sentence for a node's error code.

    An unknown code shows the node's own (English) message only in English; in Dutch
    it shows a general Dutch sentence (the code follows it wherever it is shown).
    """
    key = f"error.{code}"
    if key in CATALOGUE:
        return t(key)
    if language() == "en" and message:
        return message
    return t("error.unknown")


def detail_text(detail: str, api: Api | None = None) -> str:
    """A node's error detail, to follow its sentence: as it is in English; in Dutch
    only the ids it names (bases, categories, partners, share ids), never its prose."""
    detail = (detail or "").strip()
    if not detail:
        return ""
    if language() == "en":
        return detail
    known = api.known_ids() if api is not None else {}
    shown: list[str] = []
    for token in re.findall(r"[\w.-]+", detail):
        token = token.strip(".-")
        if token in known:
            word_ = known[token]
        elif f"role.{token}" in CATALOGUE:  # deelnemer, derde
            word_ = t(f"role.{token}")
        elif re.fullmatch(r"[0-9a-f]{16,}", token):
            word_ = short(token)
        else:
            continue
        if word_ not in shown:
            shown.append(word_)
    return ", ".join(shown)


def describe(exc: BaseException, api: Api | None = None) -> str:
    """A refusal in the user's words: the sentence for its code, the ids of its
    detail (in Dutch) or the detail (in English), then the code."""
    if isinstance(exc, NodeUnreachable):
        return t("app.offline")
    if isinstance(exc, ApiError):
        code = exc.remote_code
        text = error_text(code, exc.message)
        detail = detail_text(exc.detail, api)
        return f"{text}{f' ({detail})' if detail else ''} [{code}]"
    return t("error.unexpected", kind=type(exc).__name__)


def lower_first(text: str) -> str:
    """A sentence continued after a colon: ``De grondslag …`` as ``de grondslag …``
    (but ``OM …`` stays)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def fit(value: Any, width: int, lines: int = 2) -> str:
    """``text`` in at most ``lines`` lines of ``width``, broken between words (a word
    longer than a line is broken only when it must be); what does not fit ends in …."""
    import textwrap

    text = " ".join(str("" if value is None else value).split())
    width = max(width, 4)
    if len(text) <= width:
        return text
    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if any(len(line) > width for line in wrapped):
        wrapped = textwrap.wrap(text, width, break_on_hyphens=False)
    if len(wrapped) > lines:
        last = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], last[: width - 1].rstrip() + "…"]
    return "\n".join(wrapped)


def room_for(total: int, *others: int, minimum: int = 12, chrome: int = 2) -> int:
    """The width left for one table column when the ``others`` (each with its cell
    padding of 2) are drawn in ``total`` columns (less the screen's own edges)."""
    used = sum(w + 2 for w in others) + 2 + chrome
    return max(minimum, total - used)


#: abbreviations the profession uses for an organisation (the node id shown otherwise)
ABBREVIATIONS = {"om": "OM", "zvh": "ZVH", "ggz": "GGZ", "rvdk": "RvdK", "ggd": "GGD",
                 "dji": "DJI", "nctv": "NCTV", "gi": "GI"}  # fmt: skip


def short_node(api: Api, node: str) -> str:
    """A partner in a narrow column: the organisation's abbreviation (OM, ZVH) where the
    node is named after its organisation, else its name as in a sentence."""
    org = api.org_of(node)
    if org == node and node in ABBREVIATIONS:
        return ABBREVIATIONS[node]
    return api.node_name(node)


def session_message(exc: BaseException) -> str:
    """Why the node ended a session, in the user's words: idle too long, or a session
    the node does not know (restarted, restored, logged out); by the reason the node
    gives in its ``node.session`` refusal."""
    return session_reason(getattr(exc, "detail", "") or "")


def session_reason(reason: str) -> str:
    """Why a session ended, by the node's reason code (``idle``, ``unknown``, ``missing``)."""
    if reason == "idle":
        return t("login.session_idle")
    if reason in ("unknown", "missing"):
        return t("login.session_ended")
    return t("login.expired")  # a node of an earlier release gives no reason


def since(ts: Any) -> str:
    """A moment in a sentence: the time today, else the date and time."""
    if not isinstance(ts, int | float) or ts <= 0:
        return "–"
    moment = dt.datetime.fromtimestamp(ts, zone())
    if moment.date() == dt.datetime.now(zone()).date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")
