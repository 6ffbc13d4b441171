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

from .errors import BasisNotInForceError, BasisUnknownError, RegistryMismatchError
from .keys import digest

ROOM_KINDS = frozenset({"room", "supply"})


@dataclass(frozen=True)
class Grondslag:
    id: str
    title: str  # the citation title
    law: str  # the short name ("Wet PGA", "Wpg")
    bwb: str
    articles: str
    text_date: str  # the consolidated text relied on
    in_force_date: str | None  # the date of entry into force relied on
    in_force: bool
    kind: str  # "room": organises a casusoverleg; "supply": lets a partner supply into one
    conveners: frozenset[str]
    #: organisations that chair on another's behalf: org -> the organisation whose
    #: node signs the mandate (the ZVH for the burgemeester of the gemeente van verblijf)
    chair_on_behalf: Mapping[str, str]
    deelnemers: frozenset[str]
    senders: Mapping[str, frozenset[str] | None]  # org -> category subset (None = all)
    third_parties: bool
    third_party_may_share: bool
    #: what a derde may supply, where the basis narrows it (None: the basis's categories)
    third_party_categories: frozenset[str] | None
    third_party_consent: frozenset[str]
    intake_by: frozenset[str]  # empty: no intake assessment
    #: who of ``intake_by`` (and of ``third_party_consent``) must sign: ``all`` of them
    #: (Wet PGA: burgemeester, politie and OM), or those ``present`` in the room (Wgs:
    #: the public deelnemers at the table)
    intake_quorum: str
    #: what the intake may exchange before a positive beoordeling (Wet PGA art. 5 lid 3:
    #: the aanmelding's own data); None: no narrower set than the basis's categories
    analyse_categories: frozenset[str] | None
    #: who decides the closure of an open room: ``deelnemers`` (every deelnemer at the
    #: table signs: Wet PGA art. 6 lid 3), ``intake`` (those who decide the intake: the
    #: Wgs's public deelnemers at the table, art. 2.31 lid 8) or ``chair`` (alone:
    #: registry v2)
    closure_by: str
    #: the room names its gemeente van verblijf; the gemeente's part in the intake and
    #: the admission of derden belongs to that node, acting as burgemeester
    verblijf: bool
    requires_room: frozenset[str]
    categories: frozenset[str]
    justification: bool
    agreement_ref: bool  # the supplier cites its agreement with the bevoegd gezag
    supply_article: Mapping[str, str]  # room basis -> the article supplied under
    secrecy: bool  # holders of a beroepsgeheim declare the ground they supply on
    retention_years: int | None
    retention_from: str | None
    log_min_years: int
    avg: Mapping[str, str]  # the AVG grounds (art6, art9, art10) for the FG's register
    explain: str


@dataclass(frozen=True)
class Registry:
    bases: Mapping[str, Grondslag]
    organisations: Mapping[str, str]
    capacities: Mapping[str, Mapping[str, str]]  # org -> capacity -> display name
    categories: Mapping[str, str]
    #: categories only the listed bases may carry (politiegegevens only under the Wpg)
    bound_categories: Mapping[str, frozenset[str]]
    secrecy_orgs: frozenset[str]  # organisations bound by a beroepsgeheim
    secrecy_grounds: Mapping[str, str]
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

    def capacities_of(self, org: str) -> Mapping[str, str]:
        """The capacities an organisation acts in (empty: it acts as itself)."""
        return self.capacities.get(org, MappingProxyType({}))

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
            if basis.id in bases:
                raise ValueError(f"{basis.id}: listed twice")
            bases[basis.id] = basis
        for basis in bases.values():
            unknown = basis.requires_room - bases.keys()
            if unknown:
                raise ValueError(f"{basis.id}: requires unknown room basis {sorted(unknown)}")
        bound = {c: frozenset(b) for c, b in doc["bound_categories"].items()}
        for cat, owners in bound.items():
            if cat not in cats or owners - bases.keys():
                raise ValueError(f"bound category {cat}: unknown category or basis")
        secrecy = doc["secrecy"]
        capacities = {org: MappingProxyType(dict(caps)) for org, caps in doc["capacities"].items()}
        if capacities.keys() - orgs.keys():
            raise ValueError("capacities of an unknown organisation")
        return cls(
            bases=MappingProxyType(bases),
            organisations=MappingProxyType(orgs),
            capacities=MappingProxyType(capacities),
            categories=MappingProxyType(cats),
            bound_categories=MappingProxyType(bound),
            secrecy_orgs=frozenset(secrecy["orgs"]),
            secrecy_grounds=MappingProxyType(dict(secrecy["grounds"])),
            criteria=MappingProxyType(dict(doc["criteria"])),
            hash=registry_hash(doc),
            version=int(doc["version"]),
            source=bytes(raw),
        )


def _parse_basis(e: dict[str, Any]) -> Grondslag:
    senders = {
        org: (None if cats is None else frozenset(cats)) for org, cats in e["senders"].items()
    }
    retention = e["retention"]
    intake = e["intake"]
    if intake and intake.get("unanimous") is not True:
        raise ValueError(f"{e['id']}: only a unanimous intake is supported")
    quorum = intake.get("quorum", "all") if intake else "all"
    if quorum not in ("all", "present"):
        raise ValueError(f"{e['id']}: intake quorum {quorum!r}")
    return Grondslag(
        id=e["id"],
        title=e["title"],
        law=e["law"],
        bwb=e["bwb"],
        articles=e["articles"],
        text_date=e["text_date"],
        in_force_date=e["in_force_date"],
        in_force=bool(e["in_force"]),
        kind=e["kind"],
        conveners=frozenset(e["conveners"]),
        chair_on_behalf=MappingProxyType(dict(e["chair_on_behalf"])),
        deelnemers=frozenset(e["deelnemers"]),
        senders=MappingProxyType(senders),
        third_parties=bool(e["third_parties"]),
        third_party_may_share=bool(e["third_party_may_share"]),
        third_party_categories=(
            frozenset(e["third_party_categories"])
            if e["third_party_categories"] is not None
            else None
        ),
        third_party_consent=frozenset(e["third_party_consent"]),
        intake_by=frozenset(intake["by"]) if intake else frozenset(),
        intake_quorum=quorum,
        closure_by=_closure_by(e),
        analyse_categories=(
            frozenset(intake["analyse_categories"])
            if intake and intake.get("analyse_categories") is not None
            else None
        ),
        verblijf=bool(e["verblijf"]),
        requires_room=frozenset(e["requires_room"]),
        categories=frozenset(e["categories"]),
        justification=bool(e["justification"]),
        agreement_ref=bool(e["agreement_ref"]),
        supply_article=MappingProxyType(dict(e["supply_article"])),
        secrecy=bool(e["secrecy"]),
        retention_years=int(retention["years"]) if retention else None,
        retention_from=retention["from"] if retention else None,
        log_min_years=int(e["log_min_years"]),
        avg=MappingProxyType(dict(e["avg"])),
        explain=e["explain"],
    )


def _closure_by(e: dict[str, Any]) -> str:
    closure = e.get("closure", "chair")
    if closure not in ("deelnemers", "intake", "chair"):
        raise ValueError(f"{e['id']}: closure {closure!r}")
    if closure == "intake" and not e["intake"]:
        raise ValueError(f"{e['id']}: closure by the intake needs an intake")
    return str(closure)


def _check_basis(b: Grondslag, orgs: dict[str, str], cats: dict[str, str]) -> None:
    if b.kind not in ROOM_KINDS:
        raise ValueError(f"{b.id}: kind {b.kind!r}")
    used_orgs = b.conveners | b.deelnemers | set(b.senders) | b.third_party_consent | b.intake_by
    used_orgs |= set(b.chair_on_behalf) | set(b.chair_on_behalf.values())
    if used_orgs - orgs.keys():
        raise ValueError(f"{b.id}: unknown organisation types {sorted(used_orgs - orgs.keys())}")
    used_cats = set(b.categories)
    for subset in b.senders.values():
        used_cats |= subset or set()
    if used_cats - cats.keys():
        raise ValueError(f"{b.id}: unknown categories {sorted(used_cats - cats.keys())}")
    if b.retention_from not in (None, "last_processing", "first_processing"):
        raise ValueError(f"{b.id}: retention from {b.retention_from!r}")
    if b.analyse_categories is not None and not b.analyse_categories <= b.categories:
        raise ValueError(f"{b.id}: analyse categories outside the basis's categories")
    if b.third_party_categories is not None and not b.third_party_categories <= b.categories:
        raise ValueError(f"{b.id}: third-party categories outside the basis's categories")
    if set(b.supply_article) - b.requires_room:
        raise ValueError(f"{b.id}: a supply article for a room basis it does not require")


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


def registry_for(version: int, current: Registry) -> Registry:
    """The registry a room pinned at its convene: the current one, or an earlier
    version this software still ships (``protocol/registries/``)."""
    if version == current.version:
        return current
    return shipped_registry(version)


@lru_cache(maxsize=8)
def shipped_registry(version: int) -> Registry:
    """An earlier registry version this software still ships, for the rooms that pinned
    it (``protocol/registries/grondslagen-v{version}.json``)."""
    path = resources.files("protocol").joinpath(f"registries/grondslagen-v{version}.json")
    if not path.is_file():
        raise RegistryMismatchError(f"registry version {version} is not known to this node")
    return Registry.from_json(path.read_bytes())
