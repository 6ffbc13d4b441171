"""The Dutch UI speaks the profession's Dutch, and no English.

The node's error codes and audit actions are read from the source tree, not from a
list kept here: a code or action someone adds later fails this test until the
catalogue (``tui/i18n.py``) has a Dutch and an English text for it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from node.apiclient import ApiError
from tui import fmt, i18n
from tui.api import Api
from tui.i18n import CATALOGUE
from tui.screens.audit import action_text, broken

ROOT = Path(__file__).parents[2]
# Where error classes live (protocol/errors.py, node/errors.py, node/domain, node/faces,
# node/store, node/tools, and the rest of node/): every ``code = "..."`` of a class.
CODE_TREES = ("protocol", "node")
AUDIT = ROOT / "node" / "store" / "audit.py"
EVENTS = ROOT / "protocol" / "events.py"
PLAN_EVENTS = ROOT / "protocol" / "plan_events.py"

# Words that are a translation, not the profession's word (docs/tui.md, "Strings").
FORBIDDEN = (
    r"\bkamers?\b",
    r"\bepoch\b",
    r"\bdelingen\b",
    r"\bdeling\b",
    r"\bbijeengeroepen\b",
    r"\bbijeenroepen\b",
    r"\bbijeen te roepen\b",
    r"\beigenaar\b",
    r"\bplan-item\b",
    r"\bonder \{",
    r"\bverklaarde grondslagen\b",
    r"\bjustitiele\b",
    r"\bfinancien\b",
)


def python_files() -> Iterator[Path]:
    for tree in CODE_TREES:
        yield from sorted((ROOT / tree).rglob("*.py"))


def error_codes() -> dict[str, str]:
    """Every error code in the source: each class's ``code = "..."``, and the codes the
    local API client makes up itself (``ApiError("api.bad_answer", ...)``)."""
    codes: dict[str, str] = {}
    for path in [*python_files(), *sorted((ROOT / "tui").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    value = class_code(stmt)
                    if value is not None:
                        codes[value] = f"{where}:{stmt.lineno}"
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ApiError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes[node.args[0].value] = f"{where}:{node.lineno}"
    return codes


def class_code(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign):
        targets = [stmt.target]
    else:
        return None
    named = any(isinstance(t, ast.Name) and t.id == "code" for t in targets)
    value = getattr(stmt, "value", None)
    if named and isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def audit_actions() -> set[str]:
    """The ``ACTIONS`` of the audit log, and any ``action="..."`` the node writes."""
    actions: set[str] = set()
    for node in ast.walk(ast.parse(AUDIT.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ACTIONS" for t in node.targets
        ):
            actions |= {
                c.value
                for c in ast.walk(node.value)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "audit")  # audit.append(), ctx.audit()
            ):
                continue
            for kw in node.keywords:
                if kw.arg == "action" and isinstance(kw.value, ast.Constant):
                    actions.add(str(kw.value.value))
    return actions


def tuple_of(path: Path, name: str) -> list[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return [str(c.value) for c in ast.walk(node.value) if isinstance(c, ast.Constant)]
    raise AssertionError(f"{name} not found in {path}")


def shown(text: str) -> str:
    """A catalogue text as the user reads it: the names of its fields are not shown."""
    return re.sub(r"\{\w+\}", "{}", text)


def dutch_texts() -> dict[str, str]:
    return {key: shown(nl) for key, (nl, _) in CATALOGUE.items()}


# -- (a) every code and action has a Dutch and an English text -------------------------


def test_the_source_scan_finds_the_codes_and_actions() -> None:
    codes = error_codes()
    assert len(codes) > 60
    assert {"policy.category", "chain.not_chair", "node.forbidden", "api.bad_answer"} <= set(codes)
    actions = audit_actions()
    assert {"share_viewed", "plan_exported", "convene", "key_rotated"} <= actions


def test_every_error_code_has_a_dutch_and_an_english_text() -> None:
    missing = {
        code: where
        for code, where in error_codes().items()
        if not all(CATALOGUE.get(f"error.{code}", ("", "")))
    }
    assert not missing, f"no text in tui/i18n.py ERRORS for: {missing}"
    for code in error_codes():
        nl, en = CATALOGUE[f"error.{code}"]
        assert nl != en, code


def test_every_audit_action_has_a_dutch_and_an_english_text() -> None:
    missing = sorted(
        a for a in audit_actions() if not all(CATALOGUE.get(f"audit.action.{a}", ("", "")))
    )
    assert not missing, f"no text in tui/i18n.py ACTIONS for: {missing}"
    for action in audit_actions():
        nl, en = CATALOGUE[f"audit.action.{action}"]
        assert nl != en, action


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("EVENT_KINDS", "event"),
        ("ROLES", "role"),
        ("OUTCOMES", "outcome"),
        ("VERDICTS", "verdict"),
        ("MEASURE_KINDS", "measure"),
        ("CRITERIA", "criterion"),
    ],
)
def test_every_protocol_word_the_screens_show_has_a_text(name: str, prefix: str) -> None:
    try:
        values = tuple_of(EVENTS, name)
    except AssertionError:  # the living plan's words live beside the events
        values = tuple_of(PLAN_EVENTS, name)
    assert values
    assert not [v for v in values if f"{prefix}.{v}" not in CATALOGUE]


# -- (b) the Dutch is the profession's ------------------------------------------------


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_no_dutch_text_uses_a_translated_word(pattern: str) -> None:
    found = {
        key: text
        for key, text in dutch_texts().items()
        if re.search(pattern, text, flags=re.IGNORECASE)
    }
    assert not found


def test_the_forbidden_words_are_found_where_they_are() -> None:
    for sample in ("Nieuwe Kamer", "epoch 3", "Delingen", "onder {law}", "Justitiele"):
        assert any(re.search(p, sample, flags=re.IGNORECASE) for p in FORBIDDEN), sample
    for sample in ("kamergrondslag", "verdeling", "mededeling", "eigenaren"):
        hits = [p for p in FORBIDDEN if re.search(p, sample, flags=re.IGNORECASE)]
        assert not hits, (sample, hits)


def test_no_text_says_epoch_in_either_language() -> None:
    assert not [k for k, (nl, en) in CATALOGUE.items() if "epoch" in shown(nl + en).lower()]


# -- what the screens make of an error and an audit entry ----------------------------


@pytest.fixture
def api() -> Api:
    from canned import REGISTRY, ROSTER

    a = Api(transport=None)  # type: ignore[arg-type]
    a.registry, a.roster = REGISTRY, ROSTER
    return a


@pytest.fixture(autouse=True)
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("nl")


def test_a_refusal_is_dutch_with_its_ids_not_its_english_prose(api: Api) -> None:
    exc = ApiError(
        "policy.organisation",
        "This organisation type may not share under this grondslag.",
        "om (deelnemer) under pga-r",
    )
    text = fmt.describe(exc, api)
    assert text.startswith(CATALOGUE["error.policy.organisation"][0])
    assert "(Openbaar Ministerie, deelnemer, pga-r)" in text
    assert not re.search(r"\b(under|may|not|share)\b", text)
    assert text.endswith("[policy.organisation]")


def test_an_unknown_code_is_a_dutch_sentence_and_the_code(api: Api) -> None:
    exc = ApiError("registry.v3_only", "The registry is too new for this node.", "version 3")
    text = fmt.describe(exc, api)
    assert "registry" not in text.replace("[registry.v3_only]", "")
    assert "too new" not in text
    assert text.endswith("[registry.v3_only]")
    i18n.set_language("en")
    assert fmt.describe(exc, api).startswith("The registry is too new for this node. (version 3)")


def test_in_english_the_node_sees_its_own_detail(api: Api) -> None:
    i18n.set_language("en")
    exc = ApiError("node.not_allowed", "not allowed", "gemeente is not the chair")
    assert fmt.describe(exc, api) == (
        "This action is not allowed for this node in this room. "
        "(gemeente is not the chair) [node.not_allowed]"
    )


def test_audit_actions_read_dutch_and_a_broken_chain_names_the_entry(api: Api) -> None:
    assert action_text("share_viewed") == "verstrekking gelezen"
    assert action_text("something_new") == "andere handeling (something_new)"
    text = broken(
        ApiError("node.audit", "The audit log does not verify", "entry 17 was changed"), api
    )
    assert text.startswith("AUDITKETEN GEBROKEN bij regel 17: Het auditlog")
    assert "changed" not in text


def test_organisations_in_a_sentence_go_by_their_names(api: Api) -> None:
    assert api.org_name("om") == "Openbaar Ministerie"
    assert api.org_name("gemeente") == "Gemeente"  # without "(burgemeester / college)"
    assert api.node_name("ggz") == api.org_name("ggz")
    bare = Api(transport=None)  # type: ignore[arg-type]
    assert [bare.org_name(o) for o in ("om", "zvh", "ggz", "gemeente")] == [
        "OM",
        "ZVH",
        "GGZ",
        "gemeente",
    ]
    assert fmt.names(["Gemeente", "Politie", "OM"]) == "Gemeente, Politie en OM"
