"""The plan van aanpak as a Markdown file for the ZVH's records."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from ... import fmt
from ...i18n import t

COLUMNS = ("title", "kind", "owner", "due", "status")


def rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The living plan's measures where the node gives them (withdrawn ones left out),
    else the items of an earlier node's plan."""
    if isinstance(d.get("measures"), list):
        return [m for m in d["measures"] if m.get("status") != "ingetrokken"]
    return [
        {"title": p.get("title"), "kind": p.get("measure") or p.get("kind"),
         "uitvoerder": p.get("owner"), "due": p.get("due"), "status": None}
        for p in d.get("plan", [])
    ]  # fmt: skip


def export_plan(folder: Path, d: dict[str, Any]) -> Path:
    """The plan as Markdown: the case reference, never a name; readable by this user only."""
    case = str(d.get("case", "casus"))
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", case)
    path = folder / f"plan-van-aanpak-{safe}.md"
    lines = [
        f"# {t('plan.md_title', case=case)}",
        "",
        t(
            "plan.md_meta",
            case=case,
            chair=d.get("chair", ""),
            bases=", ".join(d.get("bases", [])),
            at=fmt.when(int(time.time())),
        ),
        "",
        "| " + " | ".join(t(f"plan.col.{c}") for c in COLUMNS) + " |",
        "|---|---|---|---|---|",
    ]
    for p in rows(d):
        title = str(p.get("title") or "").replace("|", "\\|").replace("\n", " ")
        status = fmt.word("measure_status", p["status"]) if p.get("status") else ""
        lines.append(
            f"| {title} | {fmt.word('measure', p.get('kind') or '')}"
            f" | {p.get('uitvoerder') or ''} | {fmt.day(p.get('due'))} | {status} |"
        )
    lines += ["", f"_{t('plan.md_note')}_", ""]
    # plan titles are free text: readable by this user only
    # never through a link planted under the file's name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return path
