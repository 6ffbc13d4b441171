"""The grondslag registry: the legal bases casusnet enforces, as data.

The registry ships as ``protocol/grondslagen.json``. Its hash (SHA-256 over the
canonical msgpack encoding of the JSON value with every map's keys sorted) is
pinned in the federation roster, so every node applies the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import msgpack

from .errors import BasisNotInForceError, BasisUnknownError
from .keys import digest

ROOM_KINDS = frozenset({"room", "supply"})


@dataclass(frozen=True)
class ConsentRule:
    """Senders of these organisation types need a consent reference for these categories."""

    orgs: frozenset[str]
    categories: frozenset[str]


@dataclass(frozen=True)
class Grondslag:
    id: str
    title: str
    law: str
    bwb: str
    articles: str
    text_date: str
    in_force: bool
    kind: str
    conveners: frozenset[str]
    deelnemers: frozenset[str]
    senders: Mapping[str, frozenset[str] | None]  # org -> category subset (None = all)
    third_parties: bool
    third_party_may_share: bool
    third_party_consent: frozenset[str]
    intake_by: frozenset[str]  # empty: no intake assessment
    requires_room: frozenset[str]
    categories: frozenset[str]
    justification: bool
    decision_ref: bool
    consent: ConsentRule | None
    conditions_allowed: bool
    retention_years: int | None
    retention_from: str | None
    log_min_years: int
    explain: str


@dataclass(frozen=True)
class Registry:
    bases: Mapping[str, Grondslag]
    organisations: Mapping[str, str]
    categories: Mapping[str, str]
    criteria: Mapping[str, str]
    hash: bytes
    version: int
    #: the registry document as read (JSON bytes), for clients that show the rules
    source: bytes = b""

    def get(self, basis_id: str) -> Grondslag:
        """The basis with this id; refuses unknown bases and bases not in force."""
        basis = self.bases.get(basis_id)
        if basis is None:
            raise BasisUnknownError(basis_id[:40])
        if not basis.in_force:
            raise BasisNotInForceError(basis_id)
        return basis

    @classmethod
    def from_json(cls, raw: bytes) -> Registry:
        """Parse and check the registry; raises ValueError on an inconsistent file."""
        doc = json.loads(raw)
        orgs = dict(doc["organisations"])
        cats = dict(doc["categories"])
        bases: dict[str, Grondslag] = {}
        for entry in doc["bases"]:
            basis = _parse_basis(entry)
            _check_basis(basis, orgs, cats)
            bases[basis.id] = basis
        for basis in bases.values():
            unknown = basis.requires_room - bases.keys()
            if unknown:
                raise ValueError(f"{basis.id}: requires unknown room basis {sorted(unknown)}")
        return cls(
            bases=MappingProxyType(bases),
            organisations=MappingProxyType(orgs),
            categories=MappingProxyType(cats),
            criteria=MappingProxyType(dict(doc["criteria"])),
            hash=registry_hash(doc),
            version=int(doc["version"]),
            source=bytes(raw),
        )


def _parse_basis(e: dict[str, Any]) -> Grondslag:
    senders = {
        org: (None if cats is None else frozenset(cats)) for org, cats in e["senders"].items()
    }
    consent = e["consent"]
    retention = e["retention"]
    intake = e["intake"]
    if intake and intake.get("unanimous") is not True:
        raise ValueError(f"{e['id']}: only a unanimous intake is supported")
    return Grondslag(
        id=e["id"],
        title=e["title"],
        law=e["law"],
        bwb=e["bwb"],
        articles=e["articles"],
        text_date=e["text_date"],
        in_force=bool(e["in_force"]),
        kind=e["kind"],
        conveners=frozenset(e["conveners"]),
        deelnemers=frozenset(e["deelnemers"]),
        senders=MappingProxyType(senders),
        third_parties=bool(e["third_parties"]),
        third_party_may_share=bool(e["third_party_may_share"]),
        third_party_consent=frozenset(e["third_party_consent"]),
        intake_by=frozenset(intake["by"]) if intake else frozenset(),
        requires_room=frozenset(e["requires_room"]),
        categories=frozenset(e["categories"]),
        justification=bool(e["justification"]),
        decision_ref=bool(e["decision_ref"]),
        consent=(
            ConsentRule(frozenset(consent["orgs"]), frozenset(consent["categories"]))
            if consent
            else None
        ),
        conditions_allowed=bool(e["conditions_allowed"]),
        retention_years=int(retention["years"]) if retention else None,
        retention_from=retention["from"] if retention else None,
        log_min_years=int(e["log_min_years"]),
        explain=e["explain"],
    )


def _check_basis(b: Grondslag, orgs: dict[str, str], cats: dict[str, str]) -> None:
    if b.kind not in ROOM_KINDS:
        raise ValueError(f"{b.id}: kind {b.kind!r}")
    used_orgs = b.conveners | b.deelnemers | set(b.senders) | b.third_party_consent | b.intake_by
    if used_orgs - orgs.keys():
        raise ValueError(f"{b.id}: unknown organisation types {sorted(used_orgs - orgs.keys())}")
    used_cats = set(b.categories)
    for subset in b.senders.values():
        used_cats |= subset or set()
    if used_cats - cats.keys():
        raise ValueError(f"{b.id}: unknown categories {sorted(used_cats - cats.keys())}")
    if b.retention_from not in (None, "last_processing", "first_processing"):
        raise ValueError(f"{b.id}: retention from {b.retention_from!r}")


def _sorted_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_value(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_value(v) for v in value]
    if isinstance(value, float):
        raise ValueError("floats are not allowed in the registry")
    return value


def registry_hash(doc: Any) -> bytes:
    """SHA-256 over the canonical msgpack encoding of the JSON value, map keys sorted."""
    return digest(msgpack.packb(_sorted_value(doc), use_bin_type=True))


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry shipped with this software."""
    raw = resources.files("protocol").joinpath("grondslagen.json").read_bytes()
    return Registry.from_json(raw)
