"""The law matrix: who may supply what under which basis, in which stage of the intake,
who decides the intake and who may register a case, written by hand from
../shared/grondslagen.md (one article per row). The runner is tests/law/test_matrix.py."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    # organisation type: gemeente, politie, om, zvh, reclassering, rvdk, ggz, ggd, jeugdzorg,
    # gi, veilig_thuis, dji, sociaal_domein, nctv
    sender: str
    # "burgemeester" or "college" for a gemeente sender; None otherwise
    capacity: str | None
    # the sender's role in the room: "deelnemer" or "derde"
    role: str
    # the room's basis: "pga-r" or "wgs"
    room: str
    # the basis the verstrekking declares: "pga-r", "wgs", "wpg-20", "wjsg-39fb", "wjsg-39fa",
    # "wjsg-tul", "wams"
    basis: str
    categories: tuple[str, ...]
    # the optional fields filled in: "justification", "agreement_ref" (politie: reference to
    # the agreement with the bevoegd gezag), "secrecy" (beroepsgeheim: ground + reference),
    # "conditions"
    fields: frozenset[str]
    # "ok", or the refusal code
    expect: str
    # one article, the Dutch way: "Wet PGA art. 3 lid 1", "Wgs art. 2.29 lid 2"
    cite: str
    # the room's stage: "open" (after the samenstelling), or during the intake "analyse"
    # (art. 5 lid 3), "verzamelen" (lid 4, after a positive beoordeling), "afgewezen"
    stage: str = "open"


# The fields a correct verstrekking fills in. Every row breaks at most one rule: the
# justification is there unless the row is about it, politie gives its agreement_ref
# under wpg-20, a holder of a beroepsgeheim (ggz, ggd, jeugdzorg, gi, veilig_thuis)
# gives its secrecy ground, a gemeente names its capacity.
NONE: frozenset[str] = frozenset()
J = frozenset({"justification"})
J_AGREE = frozenset({"justification", "agreement_ref"})
J_SECRET = frozenset({"justification", "secrecy"})

OK = "ok"
ORGANISATION = "policy.organisation"
CATEGORY = "policy.category"
CATEGORY_BASIS = "policy.category_basis"
CAPACITY = "policy.capacity"
FIELD_REQUIRED = "policy.field_required"
SECRECY = "policy.secrecy"
NOT_IN_FORCE = "policy.basis_not_in_force"
NOT_DECLARED = "policy.basis_not_declared"
ROOM_NOT_OPEN = "policy.room_not_open"

B, C = "burgemeester", "college"
D, T = "deelnemer", "derde"

# fmt: off
# (a table: one case per two lines reads better than one argument per line)
CASES: tuple[Case, ...] = (
    # --- pga-r: every deelnemer of Wet PGA art. 3 lid 1 with an allowed supply ---------
    Case("gemeente", B, D, "pga-r", "pga-r", ("identificerend", "signalen"), J,
         OK, "Wet PGA art. 3 lid 1 onder a"),
    Case("gemeente", C, D, "pga-r", "pga-r", ("bsn", "plan"), J,
         OK, "Wet PGA art. 3 lid 1 onder b"),
    Case("politie", None, D, "pga-r", "wpg-20", ("politie",), J_AGREE,
         OK, "Wpg art. 20 lid 4"),
    Case("om", None, D, "pga-r", "wjsg-39fb", ("justitieel",), J,
         OK, "Wjsg art. 39fb"),
    Case("reclassering", None, D, "pga-r", "pga-r", ("plan", "sociale_relaties"), J,
         OK, "Wet PGA art. 3 lid 1 onder e"),
    Case("rvdk", None, D, "pga-r", "pga-r", ("identificerend", "sociale_relaties"), J,
         OK, "Wet PGA art. 3 lid 1 onder f"),
    # verify: everything politie holds about the person is politiegegevens (Wpg art. 1
    # onder a) and goes under wpg-20; only its own name and contact as the deelnemer that
    # brought the signals in is not. Read so, politie may declare `aanmelder` under pga-r.
    Case("politie", None, D, "pga-r", "pga-r", ("aanmelder",), J,
         OK, "Wet PGA art. 4 onder d"),
    # --- pga-r: categories (art. 4 onder a-h, art. 8) ------------------------------------
    Case("gemeente", B, D, "pga-r", "pga-r", ("aanmelder",), J,
         OK, "Wet PGA art. 4 onder d"),
    Case("gemeente", C, D, "pga-r", "pga-r", ("gezondheid",), J,
         OK, "Wet PGA art. 8 lid 1"),
    Case("gemeente", B, D, "pga-r", "pga-r", ("bijzonder",), J,
         OK, "Wet PGA art. 8 lid 1"),
    Case("gemeente", B, D, "pga-r", "pga-r", ("strafrechtelijk",), J,
         OK, "Wet PGA art. 8 lid 2"),
    # Not an art. 4 category: what the plan needs about housing is declared as `plan`.
    Case("gemeente", B, D, "pga-r", "pga-r", ("huisvesting",), J,
         CATEGORY, "Wet PGA art. 4"),
    # verify: art. 4 onder h covers people with whom the person has a social relation, as
    # far as relevant to the plan; that is `sociale_relaties`, so `omgeving` (the Wgs's
    # "directe kring", Wgs art. 2.30 lid 1 onder b) is not a Wet PGA category.
    Case("rvdk", None, D, "pga-r", "pga-r", ("omgeving",), J,
         CATEGORY, "Wet PGA art. 4 onder h"),
    Case("politie", None, D, "pga-r", "pga-r", ("politie",), J,
         CATEGORY_BASIS, "Wet PGA art. 4 onder f"),
    Case("om", None, D, "pga-r", "pga-r", ("justitieel",), J,
         CATEGORY_BASIS, "Wet PGA art. 4 onder g"),
    Case("reclassering", None, D, "pga-r", "pga-r", ("tenuitvoerlegging",), J,
         CATEGORY_BASIS, "Wet PGA art. 4 onder g"),
    # --- pga-r: not a deelnemer (art. 3 lid 1 is exhaustive) -----------------------------
    # The ZVH chairs and records the plan on the burgemeester's behalf; it supplies
    # nothing in its own name.
    Case("zvh", None, D, "pga-r", "pga-r", ("plan",), J,
         ORGANISATION, "Wet PGA art. 3 lid 1"),
    Case("ggz", None, D, "pga-r", "pga-r", ("gezondheid",), J_SECRET,
         ORGANISATION, "Wet PGA art. 3 lid 1"),
    # --- pga-r: derden (art. 3 lid 3-4) ---------------------------------------------------
    Case("ggz", None, T, "pga-r", "pga-r", ("gezondheid", "plan"), J_SECRET,
         OK, "Wet PGA art. 3 lid 4"),
    # The Wet PGA lifts no beroepsgeheim: the holder names its own ground, for all data.
    Case("ggz", None, T, "pga-r", "pga-r", ("gezondheid",), J,
         SECRECY, "BW art. 7:457 lid 1"),
    Case("jeugdzorg", None, T, "pga-r", "pga-r", ("plan",), J,
         SECRECY, "Jeugdwet art. 7.3.11 lid 1"),
    # verify: a derde joins after the intake (art. 5 lid 5) and is never the deelnemer
    # that brought the signals in (art. 5 lid 1), so art. 4 onder d, applied to it
    # correspondingly (art. 3 lid 4), has nothing to cover.
    Case("nctv", None, T, "pga-r", "pga-r", ("aanmelder",), J,
         CATEGORY, "Wet PGA art. 5 lid 1"),
    Case("nctv", None, T, "pga-r", "wpg-20", ("politie",), J_AGREE,
         ORGANISATION, "Wpg art. 20 lid 4"),
    # --- politie: politiegegevens only under wpg-20 (Wpg art. 20 lid 3-4) ----------------
    Case("politie", None, D, "pga-r", "wpg-20", ("politie",), J,
         FIELD_REQUIRED, "Wpg art. 20 lid 4"),
    Case("politie", None, D, "wgs", "wpg-20", ("politie",), J_AGREE,
         OK, "Wpg art. 20 lid 3"),
    Case("politie", None, D, "wgs", "wgs", ("politie",), J,
         CATEGORY_BASIS, "Wgs art. 2.30 lid 1 onder a"),
    # --- OM: justitiële en strafvorderlijke gegevens only under the Wjsg -----------------
    Case("om", None, D, "wgs", "wjsg-39fa", ("justitieel",), J,
         OK, "Wjsg art. 39fa"),
    Case("om", None, D, "wgs", "wgs", ("justitieel",), J,
         CATEGORY_BASIS, "Wgs art. 2.30 lid 1 onder a"),
    Case("om", None, D, "pga-r", "wjsg-39fb", ("justitieel",), NONE,
         FIELD_REQUIRED, "Wjsg art. 39fb"),
    Case("politie", None, D, "pga-r", "wjsg-39fb", ("justitieel",), J,
         ORGANISATION, "Wjsg art. 39fb"),
    # A supply basis in the wrong room.
    Case("om", None, D, "wgs", "wjsg-39fb", ("justitieel",), J,
         NOT_DECLARED, "Wjsg art. 39fb"),
    Case("om", None, D, "pga-r", "wjsg-39fa", ("justitieel",), J,
         NOT_DECLARED, "Wjsg art. 39fa"),
    # --- tenuitvoerleggingsgegevens: the interim basis wjsg-tul --------------------------
    # verify: Wjsg art. 51cb (pga-r) and 51ca (wgs) name "Onze Minister of het openbaar
    # ministerie" as the supplier; reclassering (Wet PGA art. 3 lid 1 onder e, Wgs art.
    # 2.27 lid 2 onder a) supplies them only for the Minister, the controller (Wjsg art. 1
    # onder k, 3°). Best reading: reclassering may, as the Minister's executor.
    Case("reclassering", None, D, "pga-r", "wjsg-tul", ("tenuitvoerlegging",), J,
         OK, "Wjsg art. 51cb"),
    Case("reclassering", None, D, "wgs", "wjsg-tul", ("tenuitvoerlegging",), J,
         OK, "Wjsg art. 51ca"),
    # verify: the text names the OM itself; the brief's registry gives wjsg-tul to
    # reclassering only. The lead decides whether the OM is a sender under wjsg-tul.
    Case("om", None, D, "pga-r", "wjsg-tul", ("tenuitvoerlegging",), J,
         OK, "Wjsg art. 51cb"),
    Case("gemeente", C, D, "pga-r", "wjsg-tul", ("tenuitvoerlegging",), J,
         ORGANISATION, "Wjsg art. 51cb"),
    # --- wgs: the deelnemers (Wgs art. 2.27), public (lid 1) and private (lid 2) --------
    Case("rvdk", None, D, "wgs", "wgs", ("identificerend", "sociale_relaties"), J,
         OK, "Wgs art. 2.27 lid 1 onder a"),
    Case("gemeente", B, D, "wgs", "wgs", ("handhaving",), J,
         OK, "Wgs art. 2.27 lid 1 onder e"),
    Case("gemeente", C, D, "wgs", "wgs", ("zorg", "financien"), J,
         OK, "Wgs art. 2.27 lid 1 onder f"),
    Case("ggd", None, D, "wgs", "wgs", ("gezondheid",), J_SECRET,
         OK, "Wgs art. 2.27 lid 1 onder g"),
    Case("reclassering", None, D, "wgs", "wgs", ("handhaving",), J,
         OK, "Wgs art. 2.27 lid 2 onder a"),
    Case("ggz", None, D, "wgs", "wgs", ("gezondheid",), J_SECRET,
         OK, "Wgs art. 2.27 lid 2 onder d"),
    Case("sociaal_domein", None, D, "wgs", "wgs", ("financien", "huisvesting"), J,
         OK, "Wgs art. 2.27 lid 2 onder e"),
    # The ZVH is the samenwerkingsverband: its deelnemers supply to it (art. 1.5 lid 1);
    # it is not one of them and supplies nothing in its own name.
    Case("zvh", None, D, "wgs", "wgs", ("zorg",), J,
         ORGANISATION, "Wgs art. 2.24 lid 1"),
    Case("nctv", None, T, "wgs", "wgs", ("sociale_relaties",), J,
         OK, "Wgs art. 2.31 lid 10"),
    # --- wgs: beroepsgeheim, for all the holder's data (art. 2.29 lid 2) -----------------
    Case("ggz", None, D, "wgs", "wgs", ("huisvesting",), J,
         SECRECY, "Wgs art. 2.29 lid 2"),
    Case("veilig_thuis", None, D, "wgs", "wgs", ("sociale_relaties",), J,
         SECRECY, "Wgs art. 2.29 lid 2"),
    # --- wgs: categories (art. 2.29 lid 1, art. 2.30) ------------------------------------
    # Health is the only special category the Wgs allows.
    Case("rvdk", None, D, "wgs", "wgs", ("bijzonder",), J,
         CATEGORY, "Wgs art. 2.29 lid 1"),
    Case("sociaal_domein", None, D, "wgs", "wgs", ("omgeving",), J,
         OK, "Wgs art. 2.30 lid 1 onder b"),
    # verify: art. 1.5 lid 3 extends the duty to supply to criminal-law data; art. 2.30
    # names no such category of its own, so the data must also fit one (here handhaving).
    Case("reclassering", None, D, "wgs", "wgs", ("strafrechtelijk", "handhaving"), J,
         OK, "Wgs art. 1.5 lid 3"),
    # verify: art. 2.30 lists no description of signals; art. 2.31 lid 1 lets the
    # aanmelder process data for the aanmelding only. Read strictly, not a category.
    Case("gemeente", C, D, "wgs", "wgs", ("signalen",), J,
         CATEGORY, "Wgs art. 2.30 lid 1"),
    # verify: the plan is made from art. 2.30 data (art. 2.31 lid 5-7); read strictly,
    # `plan` is not a category a deelnemer supplies in a wgs room.
    Case("gemeente", B, D, "wgs", "wgs", ("plan",), J,
         CATEGORY, "Wgs art. 2.31 lid 7"),
    # --- capacity: the burgemeester and the college are separate deelnemers -------------
    Case("gemeente", None, D, "pga-r", "pga-r", ("signalen",), J,
         CAPACITY, "Wet PGA art. 3 lid 1"),
    Case("gemeente", None, D, "wgs", "wgs", ("huisvesting",), J,
         CAPACITY, "Wgs art. 2.27 lid 1"),
    Case("politie", B, D, "pga-r", "wpg-20", ("politie",), J_AGREE,
         CAPACITY, "Wet PGA art. 3 lid 1"),
    # --- the justification (necessity: proportionality and subsidiarity) ----------------
    Case("gemeente", B, D, "pga-r", "pga-r", ("signalen",), NONE,
         FIELD_REQUIRED, "Wet PGA art. 4"),
    Case("sociaal_domein", None, D, "wgs", "wgs", ("financien",), NONE,
         FIELD_REQUIRED, "Wgs art. 1.5 lid 1"),
    # --- conditions: allowed for every supplier, never a refusal -------------------------
    Case("rvdk", None, D, "pga-r", "pga-r", ("sociale_relaties",), J | {"conditions"},
         OK, "Wet PGA art. 7 lid 2"),
    Case("politie", None, D, "wgs", "wpg-20", ("politie",), J_AGREE | {"conditions"},
         OK, "Wgs art. 2.29 lid 3"),
    # --- not law ---------------------------------------------------------------------------
    Case("sociaal_domein", None, D, "wgs", "wams", ("zorg",), J,
         NOT_IN_FORCE, "Kamerstukken 36295 (wetsvoorstel Wams)"),
    # --- pga-r intake (Wet PGA art. 5 lid 3-4): the aanmelding's own data first ------------
    Case("gemeente", B, D, "pga-r", "pga-r", ("identificerend", "signalen"), J,
         OK, "Wet PGA art. 5 lid 3", "analyse"),
    Case("gemeente", B, D, "pga-r", "pga-r", ("sociale_relaties",), J,
         CATEGORY, "Wet PGA art. 5 lid 4", "analyse"),
    Case("politie", None, D, "pga-r", "wpg-20", ("politie",), J_AGREE,
         CATEGORY, "Wet PGA art. 5 lid 4", "analyse"),
    Case("politie", None, D, "pga-r", "wpg-20", ("politie",), J_AGREE,
         OK, "Wet PGA art. 5 lid 4", "verzamelen"),
    Case("gemeente", B, D, "pga-r", "pga-r", ("sociale_relaties",), J,
         OK, "Wet PGA art. 5 lid 4", "verzamelen"),
    # a deelnemer consulted by the three answers them (lid 3: "kunnen raadplegen")
    Case("reclassering", None, D, "pga-r", "pga-r", ("signalen",), J,
         OK, "Wet PGA art. 5 lid 3", "analyse"),
    # not put to the casusoverleg: nothing more is exchanged
    Case("gemeente", B, D, "pga-r", "pga-r", ("signalen",), J,
         ROOM_NOT_OPEN, "Wet PGA art. 5 lid 4", "afgewezen"),
    # --- wgs intake (Wgs art. 2.31 lid 2-4): no narrower set of categories -----------------
    Case("ggz", None, D, "wgs", "wgs", ("gezondheid",), J_SECRET,
         OK, "Wgs art. 2.31 lid 2", "analyse"),
)
# fmt: on


# --- the intake's decisions (Wet PGA art. 3 lid 3, art. 5 lid 3-5; Wgs art. 2.31) ---------


@dataclass(frozen=True)
class IntakeCase:
    # the room's basis: "pga-r" or "wgs"
    room: str
    # "assess" (an assessment), "endorse" (signing the pending beoordeling), "invite-derde"
    action: str
    # the acting organisation (for invite-derde: the derde's)
    org: str
    # the room's stage when it acts: "analyse" or "verzamelen"
    stage: str
    # "ok", or the refusal code
    expect: str
    cite: str


INTAKE = "chain.intake"

INTAKE_CASES: tuple[IntakeCase, ...] = (
    # the three analyse and judge jointly, each for itself (art. 5 lid 3)
    IntakeCase("pga-r", "assess", "gemeente", "analyse", OK, "Wet PGA art. 5 lid 3"),
    IntakeCase("pga-r", "assess", "politie", "analyse", OK, "Wet PGA art. 5 lid 3"),
    IntakeCase("pga-r", "assess", "om", "analyse", OK, "Wet PGA art. 5 lid 3"),
    # a deelnemer consulted is asked, it does not judge
    IntakeCase("pga-r", "assess", "reclassering", "analyse", INTAKE, "Wet PGA art. 5 lid 3"),
    IntakeCase("pga-r", "endorse", "politie", "analyse", OK, "Wet PGA art. 5 lid 3"),
    IntakeCase("pga-r", "endorse", "reclassering", "analyse", INTAKE, "Wet PGA art. 5 lid 3"),
    IntakeCase("pga-r", "endorse", "rvdk", "analyse", INTAKE, "Wet PGA art. 5 lid 3"),
    # a derde only after the three decided who joins (art. 3 lid 3, art. 5 lid 5)
    IntakeCase("pga-r", "invite-derde", "ggz", "analyse", INTAKE, "Wet PGA art. 3 lid 3"),
    IntakeCase("pga-r", "invite-derde", "ggz", "verzamelen", INTAKE, "Wet PGA art. 5 lid 5"),
    # under the Wgs the public deelnemers at the table decide (art. 2.31 lid 2-4)
    IntakeCase("wgs", "assess", "gemeente", "analyse", OK, "Wgs art. 2.31 lid 2"),
    IntakeCase("wgs", "endorse", "politie", "analyse", OK, "Wgs art. 2.31 lid 3"),
    IntakeCase("wgs", "assess", "reclassering", "analyse", INTAKE, "Wgs art. 2.27 lid 2"),
    IntakeCase("wgs", "endorse", "ggz", "analyse", INTAKE, "Wgs art. 2.27 lid 2"),
    IntakeCase("wgs", "invite-derde", "nctv", "analyse", INTAKE, "Wgs art. 2.31 lid 9"),
)


# --- who registers a case (Wet PGA art. 5 lid 1) --------------------------------------------


@dataclass(frozen=True)
class AanmeldCase:
    # the aanmelder's organisation
    org: str
    # whether it carries the gemeente van verblijf's mandate (a ZVH on its behalf)
    mandate: bool
    expect: str
    cite: str


AANMELDER = "aanmelding.aanmelder"

AANMELD_CASES: tuple[AanmeldCase, ...] = (
    AanmeldCase("gemeente", False, OK, "Wet PGA art. 5 lid 1"),
    AanmeldCase("politie", False, OK, "Wet PGA art. 5 lid 1"),
    AanmeldCase("om", False, OK, "Wet PGA art. 5 lid 1"),
    AanmeldCase("reclassering", False, OK, "Wet PGA art. 5 lid 1"),
    AanmeldCase("rvdk", False, OK, "Wet PGA art. 5 lid 1"),
    # a deelnemer registers in its own name
    AanmeldCase("reclassering", True, AANMELDER, "Wet PGA art. 5 lid 1"),
    # anyone else reports (een melding, lid 2); it does not register
    AanmeldCase("ggz", False, AANMELDER, "Wet PGA art. 5 lid 2"),
    AanmeldCase("nctv", False, AANMELDER, "Wet PGA art. 5 lid 2"),
    # the ZVH prepares it only on the burgemeester's behalf
    AanmeldCase("zvh", False, AANMELDER, "Wet PGA art. 12 lid 3"),
    AanmeldCase("zvh", True, OK, "Wet PGA art. 12 lid 3"),
)
