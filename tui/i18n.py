"""Every string the TUI shows, in Dutch (the default) and English.

``t(key, **fields)`` looks a key up in the language chosen with ``set_language``.
A key missing from the catalogue is a programming error and raises ``KeyError``
(a test checks that every key used in ``tui/`` exists in both languages).

The Dutch is the profession's own (``docs/tui.md``, "Strings"): casusoverleg, not
"kamer"; verstrekking, not "deling"; samenstelling, not "epoch"; uitvoerder of a
measure; afsluiten of a case.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("nl", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- general ------------------------------------------------------------------
    "app.title": ("casusnet", "casusnet"),
    "app.subtitle": ("{function} · {node}", "{function} · {node}"),
    "app.offline": (
        "GEEN VERBINDING met de node, opnieuw proberen…",
        "NO CONNECTION to the node, retrying…",
    ),
    "app.back": ("Terug", "Back"),
    "app.quit": ("Stoppen", "Quit"),
    "app.help": ("Help", "Help"),
    "app.cancel": ("Annuleren", "Cancel"),
    "app.ok": ("OK", "OK"),
    "app.yes": ("ja", "yes"),
    "app.no": ("nee", "no"),
    "app.and": ("en", "and"),
    "app.none": ("geen", "none"),
    "app.saved": ("Opgeslagen.", "Saved."),
    "app.working": ("Bezig…", "Working…"),
    "app.unknown": ("onbekend", "unknown"),
    # -- login --------------------------------------------------------------------
    "login.title": ("Inloggen", "Log in"),
    "login.intro": (
        "Inloggen bij de node van {node}. Gebruik uw eigen naam en wachtwoordzin.",
        "Log in to the node of {node}. Use your own name and passphrase.",
    ),
    "login.intro_unknown": (
        "Inloggen bij uw organisatie-node.",
        "Log in to your organisation's node.",
    ),
    "login.name": ("Naam", "Name"),
    "login.passphrase": ("Wachtwoordzin", "Passphrase"),
    "login.submit": ("Inloggen", "Log in"),
    "login.failed": (
        "Inloggen mislukt: onbekende naam of verkeerde wachtwoordzin.",
        "Login failed: unknown name or wrong passphrase.",
    ),
    "login.expired": (
        "Uw sessie is verlopen (te lang niet gebruikt). Log opnieuw in.",
        "Your session has ended (idle too long). Log in again.",
    ),
    "login.logged_out": ("U bent uitgelogd.", "You are logged out."),
    "login.checking": ("Wachtwoordzin controleren…", "Checking passphrase…"),
    "login.missing": ("Vul naam en wachtwoordzin in.", "Enter name and passphrase."),
    # -- rooms --------------------------------------------------------------------
    "rooms.title": ("Mijn casussen", "My cases"),
    "rooms.empty": (
        "Geen casussen. Druk n om een casusoverleg aan te maken.",
        "No cases. Press n to create a case meeting.",
    ),
    "rooms.col.case": ("Casus", "Case"),
    "rooms.col.status": ("Status", "Status"),
    "rooms.col.chair": ("Voorzitter", "Chair"),
    "rooms.col.meeting": ("Overleg", "Meeting"),
    "rooms.col.unread": ("Ongelezen", "Unread"),
    "rooms.col.pending": ("Onderweg", "Pending"),
    "rooms.open": ("Openen", "Open"),
    "rooms.convene": ("Casusoverleg aanmaken", "Create case meeting"),
    "rooms.partners": ("Partners", "Partners"),
    "rooms.audit": ("Audit", "Audit"),
    "rooms.logout": ("Uitloggen", "Log out"),
    "rooms.count": ("{n} casussen", "{n} cases"),
    # -- status words ---------------------------------------------------------------
    "status.intake": ("intake", "intake"),
    "status.open": ("open", "open"),
    "status.closed": ("afgesloten", "closed"),
    "status.shielded": ("afgeschermd", "shielded"),
    "role.deelnemer": ("deelnemer", "participant"),
    "role.derde": ("incidentele derde", "incidental third party"),
    "delivery.pending": ("onderweg", "pending"),
    "delivery.delivered": ("ontvangen", "delivered"),
    "delivery.revoked": ("ingetrokken", "revoked"),
    "delivery.deleted": ("verwijderd ✓", "deleted ✓"),
    "verdict.opnemen": ("opnemen", "take up"),
    "verdict.niet_opnemen": ("niet opnemen", "do not take up"),
    "outcome.afgeschaald": ("afgeschaald", "scaled down"),
    "outcome.overgedragen": ("overgedragen", "handed over"),
    "outcome.afgesloten": ("afgesloten", "closed"),
    "outcome.niet_opgenomen": ("niet opgenomen", "not taken up"),
    "measure.strafrechtelijk": ("strafrechtelijk", "criminal law"),
    "measure.bestuurlijk": ("bestuurlijk", "administrative"),
    "measure.zorg": ("zorg", "care"),
    "criterion.geweldsbereidheid": ("Geweldsbereidheid", "Willingness to use violence"),
    "criterion.ideologie": ("Extremistische ideologie", "Extremist ideology"),
    "criterion.sociale_relaties": ("Sociale relaties", "Social relations"),
    "criterion.identificatie": ("Identificatie met groep", "Identification with a group"),
    "criterion.zelfredzaamheid": ("Zelfredzaamheid", "Self-reliance"),
    "score.0": ("0 geen", "0 none"),
    "score.1": ("1 laag", "1 low"),
    "score.2": ("2 midden", "2 medium"),
    "score.3": ("3 hoog", "3 high"),
    # -- create a case meeting (the convene wizard) ------------------------------------
    "convene.title": ("Casusoverleg aanmaken", "Create a case meeting"),
    "convene.case": (
        "Casusreferentie (pseudoniem, nooit een naam), bijv. RAD-2026-017",
        "Case reference (a pseudonym, never a name), e.g. RAD-2026-017",
    ),
    "convene.purpose": ("Doel van het overleg", "Purpose of the meeting"),
    "convene.purpose_default": ("Weging en aanpak", "Weging en aanpak"),
    "convene.bases": (
        "Grondslagen: precies één voor het casusoverleg, plus die voor verstrekkingen",
        "Legal bases: exactly one for the case meeting, plus those for shares",
    ),
    "convene.deelnemers": ("Deelnemers uitnodigen", "Invite participants"),
    "convene.derden": ("Incidentele derden uitnodigen", "Invite incidental third parties"),
    "convene.meeting": (
        "Datum en tijd van het overleg (JJJJ-MM-DD UU:MM)",
        "Meeting date and time (YYYY-MM-DD HH:MM)",
    ),
    "convene.submit": ("Aanmaken", "Create"),
    "convene.bad_time": (
        "Datum en tijd: gebruik JJJJ-MM-DD UU:MM, bijv. 2026-12-01 10:00.",
        "Date and time: use YYYY-MM-DD HH:MM, e.g. 2026-12-01 10:00.",
    ),
    "convene.no_case": ("Vul een casusreferentie in.", "Enter a case reference."),
    "convene.done": (
        "Casusoverleg {case} aangemaakt; {n} partners uitgenodigd.",
        "Case meeting {case} created; {n} partners invited.",
    ),
    "convene.invite_failed": (
        "Uitnodiging voor {node} mislukt: {error}",
        "Inviting {node} failed: {error}",
    ),
    "basis.kind.room": ("casusoverleg", "case meeting"),
    "basis.kind.supply": ("verstrekking", "share"),
    # -- room ---------------------------------------------------------------------------
    "room.header": (
        "{case} · {status}{outcome}\n"
        "voorzitter {chair} · samenstelling {epoch} · overleg {meeting}",
        "{case} · {status}{outcome}\nchair {chair} · composition {epoch} · meeting {meeting}",
    ),
    "room.outcome": (" · uitkomst: {outcome}", " · outcome: {outcome}"),
    "room.tab.members": ("Deelnemers", "Members"),
    "room.tab.intake": ("Intake", "Intake"),
    "room.tab.timeline": ("Tijdlijn", "Timeline"),
    "room.tab.shares": ("Verstrekkingen", "Shares"),
    "room.tab.plan": ("Integraal plan", "Action plan"),
    "room.tab.revocation": ("Intrekking", "Revocation"),
    "room.col.node": ("Partner", "Partner"),
    "room.col.org": ("Organisatie", "Organisation"),
    "room.col.role": ("Rol", "Role"),
    "room.col.fingerprint": ("Vingerafdruk", "Fingerprint"),
    "room.col.epoch": ("Sinds", "Since"),
    "room.invited": ("uitgenodigd", "invited"),
    "room.share": ("Verstrekken", "Share"),
    "room.assess": ("Weging", "Assess"),
    "room.invite": ("Uitnodigen", "Invite"),
    "room.consent": ("Instemmen", "Consent"),
    "room.plan": ("Maatregel", "Measure"),
    "room.export": ("Plan exporteren", "Export plan"),
    "room.close": ("Afsluiten", "Close"),
    "room.revoke": ("Intrekken", "Revoke"),
    "room.view": ("Lezen", "Read"),
    "room.audit": ("Audit", "Audit"),
    "room.not_chair": (
        "Alleen de voorzitter ({chair}) kan dit.",
        "Only the chair ({chair}) can do this.",
    ),
    "room.not_open": ("De casus is niet open.", "The case is not open."),
    "room.closed_note": (
        "Afgesloten: inhoud wordt ingetrokken en verwijderd.",
        "Closed: content is being revoked and deleted.",
    ),
    # intake
    "intake.col.org": ("Organisatie", "Organisation"),
    "intake.col.verdict": ("Oordeel", "Verdict"),
    "intake.waiting": ("nog niet gewogen", "not yet assessed"),
    "intake.open_when": (
        "De casus gaat open voor verstrekkingen zodra {orgs} allen 'opnemen' hebben gewogen.",
        "The case opens for sharing once {orgs} have all assessed 'take up'.",
    ),
    "intake.is_open": ("Intake afgerond: de casus is open.", "Intake complete: the case is open."),
    "intake.no_intake": ("Deze grondslag kent geen intake.", "This basis has no intake."),
    "intake.consents": (
        "Instemming voor derden (toets t)",
        "Consent for third parties (key t)",
    ),
    "intake.consent_line": (
        "{subject} ({role}): instemming van {given}; nodig: {needed}",
        "{subject} ({role}): consent from {given}; needed: {needed}",
    ),
    "assess.title": ("Weging vastleggen: {case}", "Record the assessment: {case}"),
    "assess.criteria": ("Vijf criteria (0 geen – 3 hoog)", "Five criteria (0 none – 3 high)"),
    "assess.verdict": ("Oordeel", "Verdict"),
    "assess.submit": ("Weging versturen", "Send assessment"),
    "assess.done": ("Weging verstuurd.", "Assessment sent."),
    "assess.not_yours": (
        "Uw organisatie ({org}) weegt niet bij deze casus.",
        "Your organisation ({org}) does not assess this case.",
    ),
    "consent.none": (
        "Er wacht geen derde op uw instemming.",
        "No third party awaits your consent.",
    ),
    "consent.done": ("Instemming voor {subject} verstuurd.", "Consent for {subject} sent."),
    "consent.ask": ("Instemmen met toelating van {subject}?", "Consent to admitting {subject}?"),
    "invite.title": ("Partner uitnodigen", "Invite a partner"),
    "invite.node": ("Partner", "Partner"),
    "invite.role": ("Rol", "Role"),
    "invite.done": ("{node} uitgenodigd als {role}.", "{node} invited as {role}."),
    # timeline: one text per chain event kind (protocol/events.py EVENT_KINDS)
    "timeline.col.seq": ("#", "#"),
    "timeline.col.at": ("Tijd", "Time"),
    "timeline.col.by": ("Door", "By"),
    "timeline.col.what": ("Gebeurtenis", "Event"),
    "event.convene": ("casusoverleg aangemaakt", "case meeting created"),
    "event.invite": ("{node} uitgenodigd ({role})", "{node} invited ({role})"),
    "event.join": ("toegetreden", "joined"),
    "event.epoch": ("nieuwe samenstelling {epoch}", "new composition {epoch}"),
    "event.assess": ("weging: {verdict}", "assessment: {verdict}"),
    "event.consent": ("instemming voor {subject}", "consent for {subject}"),
    "event.remove": ("{node} verwijderd", "{node} removed"),
    "event.leave": ("vertrokken uit het casusoverleg", "left the case meeting"),
    "event.agenda": ("agendapunt toegevoegd", "agenda item added"),
    "event.decision": ("maatregel toegevoegd", "measure added"),
    "event.close": ("afgesloten: {outcome}", "closed: {outcome}"),
    "event.other": ("andere gebeurtenis ({kind})", "other event ({kind})"),
    "event.share": ("verstrekking {id} ({basis})", "share {id} ({basis})"),
    # shares
    "shares.col.id": ("Kenmerk", "Share"),
    "shares.col.sender": ("Van", "From"),
    "shares.col.basis": ("Grondslag", "Basis"),
    "shares.col.categories": ("Categorieën", "Categories"),
    "shares.col.state": ("Stand", "State"),
    "shares.unread": ("nieuw", "new"),
    "shares.read": ("gelezen", "read"),
    "shares.gone": ("verwijderd", "deleted"),
    "shares.own_state": ("{done}/{total} ontvangen", "{done}/{total} delivered"),
    "shares.own_revoked": (
        "ingetrokken, {done}/{total} verwijderd",
        "revoked, {done}/{total} deleted",
    ),
    "shares.empty": ("Nog geen verstrekkingen.", "No shares yet."),
    "view.title": ("Verstrekking {id} van {sender}", "Share {id} from {sender}"),
    "view.meta": (
        "Grondslag {basis} · categorieën {categories} · door {function} · {created}",
        "Basis {basis} · categories {categories} · by {function} · {created}",
    ),
    "view.justification": ("Onderbouwing", "Justification"),
    "view.decision_ref": ("Besluitreferentie", "Decision reference"),
    "view.consent": ("Toestemming", "Consent"),
    "view.conditions": ("Voorwaarden", "Conditions"),
    "view.audited": (
        "Dit lezen is vastgelegd in het auditlog.",
        "This reading is recorded in the audit log.",
    ),
    "view.revoked": (
        "Deze verstrekking is ingetrokken of de casus is afgesloten: de inhoud is verwijderd.",
        "This share was revoked or the case closed: its content is deleted.",
    ),
    # compose
    "compose.title": ("Verstrekken in {case}", "Share in {case}"),
    "compose.basis": ("Grondslag", "Legal basis"),
    "compose.categories": ("Categorieën gegevens", "Data categories"),
    "compose.recipients": ("Ontvangers", "Recipients"),
    "compose.justification": (
        "Onderbouwing (noodzaak, proportionaliteit, subsidiariteit)",
        "Justification (necessity, proportionality, subsidiarity)",
    ),
    "compose.decision_ref": (
        "Referentie schriftelijk besluit",
        "Reference of the written decision",
    ),
    "compose.consent": ("Referentie toestemming betrokkene", "Reference of the person's consent"),
    "compose.conditions": ("Voorwaarden voor verder gebruik", "Conditions on further use"),
    "compose.summary": ("Samenvatting (geen namen van melders)", "Summary (no names of reporters)"),
    "compose.required": ("verplicht", "required"),
    "compose.check": ("Controleren", "Check"),
    "compose.send": ("Versturen", "Send"),
    "compose.no_basis": (
        "Uw organisatie mag op geen van de grondslagen van dit casusoverleg verstrekken.",
        "Your organisation may not share under any basis of this case meeting.",
    ),
    "compose.ok": ("Toegestaan: gaat naar {recipients}.", "Allowed: goes to {recipients}."),
    "compose.sent": ("Verstrekt: {id}. Bezorging volgt.", "Shared: {id}. Delivery follows."),
    "compose.empty_summary": ("De samenvatting is leeg.", "The summary is empty."),
    "compose.no_categories": ("Kies ten minste één categorie.", "Choose at least one category."),
    "compose.derde_note": (
        "Een incidentele derde ontvangt alleen wat u hem uitdrukkelijk stuurt.",
        "An incidental third party receives only what you address to it.",
    ),
    # policy errors, in the words of the rule
    "policy.refused": ("Niet toegestaan: {reason}", "Not allowed: {reason}"),
    "policy.field_required": (
        "{law} ({articles}) vereist: {fields}.",
        "{law} ({articles}) requires: {fields}.",
    ),
    "policy.category": (
        "op grond van {law} mag {org} deze categorieën niet verstrekken: {detail}",
        "under {law}, {org} may not share these categories: {detail}",
    ),
    "policy.organisation": (
        "op grond van {law} mag {org} niet verstrekken.",
        "under {law}, {org} may not share.",
    ),
    "policy.basis": (
        "deze grondslag hoort niet bij dit casusoverleg of is niet van kracht.",
        "this basis is not one of the case meeting's or not in force.",
    ),
    "policy.room_state": (
        "de casus is niet open voor verstrekkingen.",
        "the case is not open for sharing.",
    ),
    "policy.recipient": (
        "een ontvanger is geen lid van de casus.",
        "a recipient is not a member of the case.",
    ),
    "policy.conditions": (
        "op grond van {law} mogen geen voorwaarden worden gesteld.",
        "{law} does not allow conditions.",
    ),
    "policy.other": ("{message}", "{message}"),
    # plan: the integraal plan van aanpak, its measures and who carries them out
    "plan.col.title": ("Maatregel", "Measure"),
    "plan.col.kind": ("Soort", "Kind"),
    "plan.col.owner": ("Uitvoerder", "Responsible"),
    "plan.col.due": ("Datum", "Date"),
    "plan.empty": ("Nog geen maatregelen.", "No measures yet."),
    "plan.add_title": ("Maatregel toevoegen", "Add a measure"),
    "plan.title_field": ("Omschrijving", "Description"),
    "plan.measure": ("Soort maatregel", "Kind of measure"),
    "plan.owner": ("Uitvoerder (partner)", "Responsible partner"),
    "plan.due": ("Datum (JJJJ-MM-DD)", "Date (YYYY-MM-DD)"),
    "plan.bad_due": ("Datum: gebruik JJJJ-MM-DD.", "Date: use YYYY-MM-DD."),
    "plan.added": ("Maatregel toegevoegd.", "Measure added."),
    "plan.exported": (
        "Integraal plan van aanpak geëxporteerd naar {path}",
        "Action plan exported to {path}",
    ),
    "plan.md_title": ("Integraal plan van aanpak: {case}", "Integrated action plan: {case}"),
    "plan.md_meta": (
        "Casus {case} · voorzitter {chair} · grondslagen {bases} · geëxporteerd {at}",
        "Case {case} · chair {chair} · bases {bases} · exported {at}",
    ),
    "plan.md_note": (
        "Dit plan bevat geen namen; de casusreferentie is een pseudoniem.",
        "This plan holds no names; the case reference is a pseudonym.",
    ),
    # closing the case, and revocation
    "close.title": ("Casus afsluiten: {case}", "Close the case: {case}"),
    "close.outcome": ("Uitkomst", "Outcome"),
    "close.warning": (
        "Na het afsluiten trekt elke partner in wat hij verstrekte, verwijdert wat hij ontving en vernietigt de sleutels. Dit kan niet ongedaan worden gemaakt.",
        "After closing, every partner revokes what it shared, deletes what it received and destroys the keys. This cannot be undone.",
    ),
    "close.submit": ("Afsluiten", "Close"),
    "close.done": ("Casus afgesloten; intrekking loopt.", "Case closed; revocation under way."),
    "revoke.confirm": (
        "Verstrekking {id} intrekken bij alle ontvangers?",
        "Revoke share {id} at every recipient?",
    ),
    "revoke.done": ("{n} verstrekking(en) ingetrokken.", "{n} share(s) revoked."),
    "revoke.pick": (
        "Kies een eigen verstrekking op het tabblad Verstrekkingen.",
        "Pick an own share on the Shares tab.",
    ),
    "matrix.title": ("Intrekkingsmatrix", "Revocation matrix"),
    "matrix.col.share": ("Eigen verstrekking", "Own share"),
    "matrix.closed_row": ("Afgesloten", "Closed"),
    "matrix.closed_yes": ("✓ afgesl.", "✓ closed"),
    "matrix.closed_no": ("open", "open"),
    "matrix.pending": ("wacht", "pending"),
    "matrix.delivered": ("ontv.", "recvd"),
    "matrix.revoked": ("ingetr.", "revoked"),
    "matrix.deleted": ("✓ verw.", "✓ deleted"),
    "matrix.legend": (
        "ontv. = ontvangen · ingetr. = intrekking verstuurd · ✓ verw. = verwijdering bevestigd · ✓ afgesl. = afsluiting bevestigd",
        "recvd = delivered · revoked = revocation sent · ✓ deleted = deletion confirmed · ✓ closed = closure confirmed",
    ),
    "matrix.progress": (
        "{done} van {total} bevestigingen binnen",
        "{done} of {total} confirmations in",
    ),
    "matrix.outstanding": ("Nog openstaand: {nodes}", "Still outstanding: {nodes}"),
    "matrix.complete": (
        "Alles bevestigd: elke partner heeft verwijderd en afgesloten.",
        "All confirmed: every partner deleted and closed.",
    ),
    "matrix.not_closed": (
        "De casus is nog niet afgesloten. Eigen verstrekkingen en hun stand:",
        "The case is not closed yet. Own shares and their state:",
    ),
    "matrix.none": ("geen eigen verstrekkingen", "no own shares"),
    # audit
    "audit.title": ("Auditlog: {scope}", "Audit log: {scope}"),
    "audit.scope_me": ("mijn handelingen", "my actions"),
    "audit.filter": ("Filter (actie, door, casus)", "Filter (action, actor, case)"),
    "audit.verify": ("Verifiëren", "Verify"),
    "audit.ok": ("Auditketen intact: {n} regels.", "Audit chain intact: {n} entries."),
    "audit.broken": ("AUDITKETEN GEBROKEN: {detail}", "AUDIT CHAIN BROKEN: {detail}"),
    "audit.col.seq": ("#", "#"),
    "audit.col.at": ("Tijd", "Time"),
    "audit.col.actor": ("Door", "Actor"),
    "audit.col.action": ("Actie", "Action"),
    "audit.col.case": ("Casus", "Case"),
    "audit.count": ("{shown} van {total} regels", "{shown} of {total} entries"),
    # partners
    "partners.title": (
        "Partners in de federatie (ledenlijst versie {version})",
        "Federation partners (roster v{version})",
    ),
    "partners.col.node": ("Node", "Node"),
    "partners.col.name": ("Naam", "Name"),
    "partners.col.org": ("Soort", "Type"),
    "partners.col.fingerprint": ("Vingerafdruk", "Fingerprint"),
    "partners.col.reach": ("Bereikbaar", "Reachable"),
    "partners.self": ("deze node", "this node"),
    "partners.reach_yes": ("ja", "yes"),
    "partners.reach_no": ("nee ({n} mislukt)", "no ({n} failed)"),
    "partners.reach_unknown": ("nog geen contact", "no contact yet"),
    "partners.compare": (
        "Lees vingerafdrukken hardop voor aan de partner (telefoon) om ze te vergelijken.",
        "Read fingerprints aloud to the partner (by phone) to compare them.",
    ),
    # errors
    "error.generic": ("Fout: {message}", "Error: {message}"),
    "error.forbidden": (
        "U bent niet aan deze casus toegewezen.",
        "You are not assigned to this case.",
    ),
    "error.not_allowed": (
        "Niet toegestaan voor deze node: {detail}",
        "Not allowed for this node: {detail}",
    ),
    "error.not_chair": ("Alleen de voorzitter kan dit.", "Only the chair can do this."),
    # help
    "help.title": ("Help: toetsen", "Help: keys"),
    "help.body": (
        "Overal\n"
        "  F1 of ?  help      Esc  terug        Ctrl+Q  stoppen\n"
        "Casussen\n"
        "  Enter  openen    n  casusoverleg aanmaken   p  partners\n"
        "  a  audit         u  uitloggen\n"
        "Casus\n"
        "  1-6  tabbladen: deelnemers, intake, tijdlijn, verstrekkingen,\n"
        "       integraal plan, intrekking\n"
        "  d  verstrekken   w  weging          t  instemmen   i  uitnodigen\n"
        "  m  maatregel     x  plan exporteren s  afsluiten   r  intrekken\n"
        "  Enter  verstrekking lezen           a  audit\n"
        "Formulieren\n"
        "  Tab  volgend veld   Spatie  kiezen   Ctrl+S  versturen\n"
        "Audit\n"
        "  /  filter   v  verifiëren\n\n"
        "Namen van medewerkers verlaten uw node nooit; partners zien alleen uw\n"
        "functie. Het auditlog legt elke keer vast dat u een verstrekking leest.",
        "Everywhere\n"
        "  F1 or ?  help      Esc  back         Ctrl+Q  quit\n"
        "Cases\n"
        "  Enter  open      n  create a case meeting   p  partners\n"
        "  a  audit         u  log out\n"
        "Case\n"
        "  1-6  tabs: members, intake, timeline, shares, action plan,\n"
        "       revocation\n"
        "  d  share         w  assess          t  consent     i  invite\n"
        "  m  measure       x  export plan     s  close       r  revoke\n"
        "  Enter  read a share                 a  audit\n"
        "Forms\n"
        "  Tab  next field     Space  pick      Ctrl+S  send\n"
        "Audit\n"
        "  /  filter   v  verify\n\n"
        "Staff names never leave your node; partners see only your\n"
        "function. Every time you read a share, the audit log records it.",
    ),
}

_lang = "nl"


def set_language(lang: str) -> None:
    global _lang
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    _lang = lang


def language() -> str:
    return _lang


def t(key: str, **fields: Any) -> str:
    nl, en = CATALOGUE[key]
    text = nl if _lang == "nl" else en
    return text.format(**fields) if fields else text
