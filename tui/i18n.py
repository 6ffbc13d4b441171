"""Every string the TUI shows, in Dutch (the default) and English.

``t(key, **fields)`` looks a key up in the language chosen with ``set_language``.
A key missing from the catalogue is a programming error and raises ``KeyError``
(a test checks that every key used in ``tui/`` exists in both languages).

The Dutch is the profession's own (``docs/tui.md``, "Strings"): casusoverleg, not
"kamer"; verstrekking, not "deling"; samenstelling, not "epoch"; uitvoerder of a
measure; afsluiten of a case. The node speaks English in its errors and audit
log; ``ERRORS`` and ``ACTIONS`` give every error code and audit action a Dutch
text (``tests/tui/test_dutch.py`` reads the codes from the source and checks).
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
    "app.clock_off": ("klok wijkt {offset} s af", "clock {offset} s off"),
    "app.clock_refused": ("klok wijkt af", "clock off"),
    "app.clock_advice": (
        "De klok van deze node wijkt af van die van de partners. Laat de beheerder de"
        " tijdsynchronisatie herstellen; verstrekkingen wachten tot dan en gaan niet"
        " verloren.",
        "This node's clock is off from its partners'. Ask the administrator to fix the"
        " time synchronisation; verstrekkingen wait until then and are not lost.",
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
    "status.keys_destroyed": ("sleutels vernietigd", "keys destroyed"),
    # afscherming: the shielded records after closure (tui/screens/shielded.py)
    "rooms.shielded": ("Afgeschermd", "Shielded"),
    "rooms.term_warning": (
        "Let op: de bewaartermijn van {cases} loopt binnen 90 dagen af.",
        "Note: the retention term of {cases} ends within 90 days.",
    ),
    "shielded.title": ("Afgeschermd na afsluiting", "Shielded after closure"),
    "shielded.col.case": ("Casus", "Case"),
    "shielded.col.kind": ("Soort", "Kind"),
    "shielded.col.destroy_by": ("Termijn tot", "Term ends"),
    "shielded.col.hold": ("Bewaarplicht", "Legal hold"),
    "shielded.col.openings": ("Geopend", "Opened"),
    "shielded.kind.supplier": ("eigen verstrekkingen", "own supplies"),
    "shielded.kind.gemeente": ("integraal dossier", "integrated record"),
    "shielded.held": ("ja", "yes"),
    "shielded.count": ("{n} afgeschermde dossiers", "{n} shielded records"),
    "shielded.empty": ("Geen afgeschermde dossiers.", "No shielded records."),
    "shielded.note": (
        "Openen alleen met een doel en een toelichting; elke opening staat in de auditlog.",
        "Opening only with a purpose and a reason; every opening is in the audit log.",
    ),
    "shielded.fg_note": (
        "U ziet als FG de gegevens over de dossiers, nooit de inhoud.",
        "As FG you see the records' metadata, never their content.",
    ),
    "shielded.open": ("Openen", "Open"),
    "shielded.hold": ("Bewaarplicht", "Legal hold"),
    "shielded.release": ("Opheffen", "Lift"),
    "shielded.destroy": ("Vernietigen", "Destroy"),
    "shielded.open_title": ("Afgeschermd dossier {case} openen", "Open shielded record {case}"),
    "shielded.hold_title": ("Bewaarplicht voor {case}", "Legal hold on {case}"),
    "shielded.release_title": ("Bewaarplicht {case} opheffen", "Lift legal hold on {case}"),
    "shielded.destroy_title": ("Dossier {case} vernietigen", "Destroy record {case}"),
    "shielded.open_explain": (
        "Alleen voor een doel uit de wet; de opening wordt vastgelegd en de FG ziet haar.",
        "Only for a purpose the law names; the opening is recorded and the FG sees it.",
    ),
    "shielded.hold_explain": (
        "Zolang de bewaarplicht geldt, wordt het dossier niet vernietigd, ook niet na de"
        " termijn.",
        "While the hold lasts the record is not destroyed, not even after its term.",
    ),
    "shielded.release_explain": (
        "Na opheffen wordt het dossier vernietigd zodra de termijn voorbij is.",
        "Once lifted, the record is destroyed when its term has passed.",
    ),
    "shielded.destroy_explain": (
        "Het dossier is niet meer nodig: het wordt nu vernietigd. Dit kan niet ongedaan.",
        "The record is no longer necessary: it is destroyed now. This cannot be undone.",
    ),
    "shielded.purpose": ("Doel", "Purpose"),
    "shielded.purpose.overdracht": ("overdracht aan andere gemeente", "transfer to a gemeente"),
    "shielded.purpose.rechtsvordering": ("rechtsvordering", "legal claim"),
    "shielded.purpose.inzageverzoek": ("inzageverzoek", "access request"),
    "shielded.purpose.nieuwe_aanmelding": ("nieuwe aanmelding", "new aanmelding"),
    "shielded.reason": ("Toelichting", "Reason"),
    "shielded.no_purpose": ("Kies een doel.", "Choose a purpose."),
    "shielded.no_reason": ("Geef een toelichting.", "Give a reason."),
    "shielded.opened": ("Geopend; vastgelegd in de auditlog.", "Opened; recorded in the audit log."),
    "shielded.hold_done": ("Bewaarplicht vastgelegd.", "Legal hold recorded."),
    "shielded.release_done": ("Bewaarplicht opgeheven.", "Legal hold lifted."),
    "shielded.destroy_done": ("Dossier vernietigd.", "Record destroyed."),
    "shielded.closing": ("Afgesloten: {outcome} op {at}", "Closed: {outcome} on {at}"),
    "shielded.index": ("{n} verstrekkingen in de index", "{n} verstrekkingen in the index"),
    "shielded.export_title": ("Plan {case} exporteren", "Export plan {case}"),
    "shielded.export_explain": (
        "De casus is afgesloten: het plan komt uit het afgeschermde dossier, alleen met een"
        " doel en een toelichting.",
        "The case is closed: the plan comes from the shielded record, only with a purpose and"
        " a reason.",
    ),
    "role.deelnemer": ("deelnemer", "participant"),
    "role.derde": ("incidentele derde", "incidental third party"),
    "delivery.pending": ("onderweg", "pending"),
    "delivery.delivered": ("ontvangen", "delivered"),
    "delivery.revoked": ("ingetrokken", "revoked"),
    "delivery.deleted": ("verwijderd ✓", "deleted ✓"),
    "verdict.voorleggen": ("voorleggen", "put to the casusoverleg"),
    "verdict.niet_voorleggen": ("niet voorleggen", "not put to the casusoverleg"),
    # an earlier release's verdicts, still in the timeline of rooms it opened
    "verdict.opnemen": ("opnemen", "take up"),
    "verdict.niet_opnemen": ("niet opnemen", "do not take up"),
    "outcome.afgeschaald": ("afgeschaald", "scaled down"),
    "outcome.overgedragen": ("overgedragen", "handed over"),
    "outcome.afgesloten": ("afgesloten", "closed"),
    "outcome.niet_voorgelegd": ("niet voorgelegd", "not put to the casusoverleg"),
    "measure.strafrechtelijk": ("strafrechtelijk", "criminal law"),
    "measure.bestuurlijk": ("bestuurlijk", "administrative"),
    "measure.zorg": ("zorg", "care"),
    # the criteria of Wet PGA art. 5 lid 3, in the law's words, each scored as concern
    "criterion.geweldsbereidheid": (
        "Bereid geweld te gebruiken of uit te dragen",
        "Willing to use or propagate violence",
    ),
    "criterion.ideologie": (
        "Vasthouden aan extremistische denkbeelden",
        "Holding on to extremist ideas",
    ),
    "criterion.sociale_relaties": ("Sociale relaties", "Social relations"),
    "criterion.identificatie": (
        "Identificatie met extremistische groep of ideologie",
        "Identification with an extremist group or ideology",
    ),
    "criterion.zelfredzaamheid": ("Zelfredzaamheid", "Self-reliance"),
    "score.onbekend": ("onbekend", "unknown"),
    "score.0": ("0 geen zorg", "0 no concern"),
    "score.1": ("1 enige zorg", "1 some concern"),
    "score.2": ("2 zorg", "2 concern"),
    "score.3": ("3 ernstige zorg", "3 grave concern"),
    # -- create a case meeting (the convene wizard) ------------------------------------
    "convene.title": ("Casusoverleg aanmaken", "Create a case meeting"),
    "convene.case": (
        "Casusreferentie (pseudoniem, nooit een naam), bijv. RAD-2026-017",
        "Case reference (a pseudonym, never a name), e.g. RAD-2026-017",
    ),
    "convene.purpose": ("Doel van het overleg", "Purpose of the meeting"),
    "convene.purpose_default": ("Weging en aanpak", "Weging en aanpak"),
    "convene.bases": (
        "Grondslag van het casusoverleg (kies er één)",
        "Legal basis of the case meeting (choose one)",
    ),
    "rooms.mandate": ("Mandaat geven", "Give a mandate"),
    "mandate.title": ("Mandaat om voor te zitten", "Mandate to chair"),
    "mandate.explain": (
        "Als burgemeester van de gemeente van verblijf laat u de procesregisseur van het ZVH een casusoverleg namens u voorzitten.",
        "As burgemeester of the gemeente van verblijf, you let the ZVH's procesregisseur chair a case meeting on your behalf.",
    ),
    "mandate.chair": ("Procesregisseur (ZVH)", "Procesregisseur (ZVH)"),
    "mandate.submit": ("Mandaat geven", "Give the mandate"),
    "mandate.incomplete": (
        "Kies het ZVH en vul de casusreferentie in.",
        "Choose the ZVH and fill in the case reference.",
    ),
    "mandate.done": (
        "Mandaat voor {case} gegeven aan {chair}.",
        "Mandate for {case} given to {chair}.",
    ),
    "convene.supply_note": (
        "De grondslagen waarop politie en OM verstrekken (Wpg, Wjsg) komen vanzelf mee.",
        "The bases politie and OM supply under (Wpg, Wjsg) come with it.",
    ),
    "convene.verblijf": ("Gemeente van verblijf", "Gemeente van verblijf (where the person lives)"),
    "convene.deelnemers": (
        "Deelnemers voor de intake uitnodigen",
        "Invite participants to the intake",
    ),
    "convene.derden_later": (
        "Derden, en deelnemers die niet bij de intake horen, nodigt u uit vanuit de casus "
        "(i) zodra de samenstelling is vastgesteld.",
        "Third parties, and participants outside the intake, are invited from the case (i) "
        "once the samenstelling is decided.",
    ),
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
    "room.tab.plan": ("Plan", "Plan"),  # "Integraal plan" did not fit the tab bar at 80 columns
    "room.tab.revocation": ("Intrekking", "Revocation"),
    "room.col.node": ("Partner", "Partner"),
    "room.col.org": ("Organisatie", "Organisation"),
    "room.col.role": ("Rol", "Role"),
    "room.col.fingerprint": ("Vingerafdruk", "Fingerprint"),
    "room.col.epoch": ("Sinds", "Since"),
    "room.role.on_behalf": ("voorzitter namens de burgemeester", "chair for the burgemeester"),
    "room.role.verblijf": ("{role}, gemeente van verblijf", "{role}, gemeente van verblijf"),
    "room.invited": ("uitgenodigd", "invited"),
    "room.share": ("Verstrekken", "Share"),
    "room.assess": ("Weging", "Assess"),
    "room.rule": ("Besluit", "Decide"),
    "room.endorse": ("Ondertekenen", "Sign"),
    "room.invite": ("Uitnodigen", "Invite"),
    "room.consent": ("Instemmen", "Consent"),
    "room.plan": ("Maatregel", "Measure"),
    "room.requests": ("Verzoeken", "Requests"),
    "room.export": ("Plan exporteren", "Export plan"),
    "room.close": ("Afsluiten", "Close"),
    "room.revoke": ("Intrekken", "Revoke"),
    "room.view": ("Lezen", "Read"),
    "room.audit": ("Audit", "Audit"),
    "room.refer": ("Doorverwijzen (Wet PGA)", "Refer (Wet PGA)"),
    "room.referred": (
        "doorverwezen naar het Wet PGA-casusoverleg: aangemeld bij {to}, {when}",
        "referred to the Wet PGA casusoverleg: registered with {to}, {when}",
    ),
    "room.not_chair": (
        "Alleen de voorzitter ({chair}) kan dit.",
        "Only the chair ({chair}) can do this.",
    ),
    "room.not_open": ("De casus is niet open.", "The case is not open."),
    "room.closed_note": (
        "Afgesloten: inhoud wordt ingetrokken en verwijderd.",
        "Closed: content is being revoked and deleted.",
    ),
    # intake (Wet PGA art. 5 lid 3-5): the intake view
    "intake.no_intake": ("Deze grondslag kent geen intake.", "This basis has no intake."),
    "intake.stage": ("Fase: {stage}", "Stage: {stage}"),
    "intake.stage.analyse": ("analyse van de aanmelding", "analysis of the aanmelding"),
    "intake.stage.verzamelen": (
        "verzamelen na positieve beoordeling",
        "collecting after a positive beoordeling",
    ),
    "intake.stage.afgewezen": ("niet voorgelegd", "not put to the casusoverleg"),
    "intake.stage.afgerond": ("afgerond", "completed"),
    "intake.next.assess": (
        "Wacht op de weging van {orgs} (toets w).",
        "Waiting for the weging of {orgs} (key w).",
    ),
    "intake.next.rule_analyse": (
        "Alle wegingen zijn vastgelegd: de voorzitter stelt de eensluidende beoordeling voor (toets b).",
        "Every weging is recorded: the chair proposes the eensluidende beoordeling (key b).",
    ),
    "intake.next.rule_verzamelen": (
        "De voorzitter stelt de samenstelling voor: wie deelneemt en welke derden (toets b).",
        "The chair proposes the samenstelling: who joins and which third parties (key b).",
    ),
    "intake.next.sign_beoordeling": (
        "De beoordeling wacht op de ondertekening van {orgs}.",
        "The beoordeling waits for the signature of {orgs}.",
    ),
    "intake.next.sign_samenstelling": (
        "De samenstelling wacht op de ondertekening van {orgs}.",
        "The samenstelling waits for the signature of {orgs}.",
    ),
    "intake.next.key_o": ("Ondertekenen: toets o.", "To sign: key o."),
    "intake.nobody": ("niemand", "nobody"),
    "intake.next.close": (
        "Niet voorgelegd aan het casusoverleg: de voorzitter sluit af met 'niet voorgelegd' (toets s).",
        "Not put to the casusoverleg: the chair closes with 'not put to the casusoverleg' (key s).",
    ),
    "intake.next.invite": (
        "Intake afgerond. Genoemd maar nog niet uitgenodigd: {nodes} (toets i).",
        "Intake completed. Named but not yet invited: {nodes} (key i).",
    ),
    "intake.is_open": ("Intake afgerond: de casus is open.", "Intake complete: the case is open."),
    "intake.weging": ("Weging per organisatie", "Weging per organisation"),
    "intake.no_weging": ("{org}: nog geen weging", "{org}: no weging yet"),
    "intake.weging_sealed": ("{org}: weging vastgelegd {at}", "{org}: weging recorded {at}"),
    "intake.weging_of": ("{org}: {view} (vastgelegd {at})", "{org}: {view} (recorded {at})"),
    "intake.reasoning": ("Motivering: {text}", "Reasoning: {text}"),
    "intake.rulings": ("Besluiten", "Decisions"),
    "intake.ruling.beoordeling": (
        "Eensluidende beoordeling: {outcome}",
        "Eensluidende beoordeling: {outcome}",
    ),
    "intake.ruling.samenstelling": (
        "Samenstelling: deelnemers {deelnemers}; derden {derden}",
        "Samenstelling: participants {deelnemers}; third parties {derden}",
    ),
    "intake.ruling.afsluiting": (
        "Afsluiten als {outcome}",
        "Close as {outcome}",
    ),
    "intake.ruling.in_force": ("van kracht", "in force"),
    "intake.ruling.pending": ("ter ondertekening", "awaiting signatures"),
    "intake.ruling.replaced": ("vervangen", "replaced"),
    "intake.reason_derde": ("Reden {node}: {reason}", "Reason for {node}: {reason}"),
    "intake.signed": (
        "Ondertekend door {signed}; nog niet door {unsigned}",
        "Signed by {signed}; not yet by {unsigned}",
    ),
    "intake.signed_all": ("Ondertekend door {signed}", "Signed by {signed}"),
    "intake.exchange": ("Uitwisseling tijdens de intake", "Exchange during the intake"),
    "intake.exchange_none": ("nog geen verstrekkingen", "no verstrekkingen yet"),
    "intake.exchange_line": (
        "{id} {at} van {sender}, op grond van {basis}: {categories}",
        "{id} {at} from {sender}, under {basis}: {categories}",
    ),
    "intake.burgemeester": ("de burgemeester", "the burgemeester"),
    "intake.unreadable": (
        "De wegingen en besluiten van de intake zijn alleen zichtbaar voor {orgs}.",
        "The intake's wegingen and decisions are visible only to {orgs}.",
    ),
    "intake.consents": (
        "Instemming met toelating (toets t)",
        "Consent to admission (key t)",
    ),
    "intake.consent_line": (
        "{subject} ({role}): instemming van {given}; nodig: {needed}",
        "{subject} ({role}): consent from {given}; needed: {needed}",
    ),
    "intake.not_now": (
        "Er is nu geen besluit over de intake te nemen.",
        "There is no intake decision to take now.",
    ),
    "assess.title": ("Weging vastleggen: {case}", "Record the weging: {case}"),
    "assess.criteria": (
        "Criteria van de wet (zorg: 0 geen – 3 ernstig; of onbekend)",
        "The law's criteria (concern: 0 none – 3 grave; or unknown)",
    ),
    "assess.verdict": ("Standpunt", "View"),
    "assess.reasoning": ("Motivering (verplicht)", "Reasoning (required)"),
    "assess.no_reasoning": (
        "Geef de motivering van uw weging.",
        "Give the reasoning for your weging.",
    ),
    "assess.submit": ("Weging versturen", "Send weging"),
    "assess.done": ("Weging verstuurd.", "Weging sent."),
    "assess.not_now": (
        "De weging hoort bij de analyse van de aanmelding; die is voorbij.",
        "The weging belongs to the analysis of the aanmelding, which is over.",
    ),
    "ruling.title_beoordeling": (
        "Eensluidende beoordeling voorstellen: {case}",
        "Propose the eensluidende beoordeling: {case}",
    ),
    "ruling.title_samenstelling": (
        "Samenstelling voorstellen: {case}",
        "Propose the samenstelling: {case}",
    ),
    "ruling.outcome": ("Beoordeling", "Beoordeling"),
    "ruling.deelnemers": ("Deelnemers", "Participants"),
    "ruling.derden": ("Incidentele derden", "Incidental third parties"),
    "ruling.reason": ("Reden dat {node} nodig is (verplicht)", "Why {node} is needed (required)"),
    "ruling.no_reason": ("Geef de reden dat {node} nodig is.", "Give the reason {node} is needed."),
    "ruling.reasoning": ("Motivering (verplicht)", "Reasoning (required)"),
    "ruling.no_reasoning": (
        "Geef de motivering van het besluit.",
        "Give the reasoning for the decision.",
    ),
    "ruling.note": (
        "Het besluit geldt zodra {orgs} het ondertekenen.",
        "The decision is in force once {orgs} sign it.",
    ),
    "ruling.submit": ("Voorstellen", "Propose"),
    "ruling.done": (
        "Besluit voorgesteld; het wacht op ondertekening.",
        "Decision proposed; it awaits signatures.",
    ),
    "endorse.title": ("Besluit ondertekenen: {case}", "Sign the decision: {case}"),
    "endorse.ask": (
        "Ondertekent u namens {org} dit besluit?",
        "Do you sign this decision on behalf of {org}?",
    ),
    "endorse.submit": ("Ondertekenen", "Sign"),
    "endorse.done": ("Besluit ondertekend.", "Decision signed."),
    "endorse.none": (
        "Er wacht geen besluit op de ondertekening van uw organisatie.",
        "No decision awaits your organisation's signature.",
    ),
    "consent.none": (
        "Er wacht geen partner op uw instemming.",
        "No partner awaits your consent.",
    ),
    "consent.done": ("Instemming voor {subject} verstuurd.", "Consent for {subject} sent."),
    "consent.ask": (
        "Instemmen met toelating van {subject} als {role}?",
        "Consent to admitting {subject} as {role}?",
    ),
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
    "event.assess": ("weging vastgelegd", "weging recorded"),
    "event.assess_legacy": ("weging: {verdict}", "weging: {verdict}"),
    "event.ruling": ("besluit intake voorgesteld: {stage}", "intake decision proposed: {stage}"),
    "event.endorse": ("besluit #{ruling} ondertekend", "decision #{ruling} signed"),
    "ruling.stage.beoordeling": ("eensluidende beoordeling", "eensluidende beoordeling"),
    "ruling.stage.samenstelling": ("samenstelling", "samenstelling"),
    "event.consent": ("instemming voor {subject}", "consent for {subject}"),
    "event.remove": ("{node} verwijderd", "{node} removed"),
    "event.leave": ("vertrokken uit het casusoverleg", "left the case meeting"),
    "event.agenda": ("agendapunt toegevoegd", "agenda item added"),
    "event.decision": ("maatregel toegevoegd", "measure added"),
    "event.plan": ("integraal plan bijgewerkt", "action plan updated"),
    "event.close": ("afgesloten: {outcome}", "closed: {outcome}"),
    "event.request": (
        "informatieverzoek {id} van {asker} aan {asked}",
        "information request {id} from {asker} to {asked}",
    ),
    "event.request_answered": (
        "informatieverzoek {id} beantwoord met verstrekking {share}",
        "information request {id} answered with share {share}",
    ),
    "event.request_declined": (
        "informatieverzoek {id} geweigerd (zwaarwegende redenen)",
        "information request {id} declined (weighty reasons)",
    ),
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
    "shares.refused": ("{n} geweigerd", "{n} refused"),
    "shares.wait_clock": ("wacht: klok", "waiting: clock"),
    "shares.wait_behind": ("wacht: partner loopt achter", "waiting: partner behind"),
    "shares.wait_away": ("wacht: niet bereikbaar", "waiting: unreachable"),
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
    "view.article": ("Op grond van", "Under"),
    "view.capacity": ("Verstrekt als", "Supplied as"),
    "view.agreement_ref": ("Afspraak met het bevoegd gezag", "Agreement with the bevoegd gezag"),
    "view.secrecy_ground": ("Grond (beroepsgeheim)", "Ground (professional secrecy)"),
    "view.secrecy_ref": ("Referentie bij die grond", "Reference for that ground"),
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
    "compose.answering": (
        "Antwoord op informatieverzoek {id} van {asker}: de verstrekking gaat naar {asker}.",
        "Answer to information request {id} from {asker}: the share goes to {asker}.",
    ),
    # information requests (informatieverzoeken) and their answers
    "requests.title": ("Informatieverzoeken in {case}", "Information requests in {case}"),
    "requests.col.id": ("Kenmerk", "Request"),
    "requests.col.asker": ("Van", "From"),
    "requests.col.asked": ("Aan", "To"),
    "requests.col.at": ("Gevraagd", "Asked"),
    "requests.col.state": ("Stand", "State"),
    "requests.ask": ("Vragen", "Ask"),
    "requests.answer": ("Beantwoorden", "Answer"),
    "requests.decline": ("Weigeren", "Decline"),
    "requests.open": ("open", "open"),
    "requests.sending": ("open, nog niet afgeleverd", "open, not yet delivered"),
    "requests.answered": ("beantwoord ({share})", "answered ({share})"),
    "requests.declined": ("geweigerd", "declined"),
    "requests.empty": (
        "Nog geen informatieverzoeken. n: een partner om informatie vragen.",
        "No information requests yet. n: ask a partner for information.",
    ),
    "requests.note": (
        "(*) deze node · Enter lezen (vastgelegd in het auditlog)",
        "(*) this node · Enter read (recorded in the audit log)",
    ),
    "requests.pick": (
        "Kies een open informatieverzoek dat aan deze node is gericht.",
        "Pick an open information request made to this node.",
    ),
    "ask.title": ("Informatie vragen in {case}", "Ask for information in {case}"),
    "ask.to": ("Aan welke partner", "Which partner"),
    "ask.topic": ("Onderwerp: welke informatie, en waarvoor", "Topic: what, and what for"),
    "ask.categories": ("Gewenste categorieën (optioneel)", "Categories wished (optional)"),
    "ask.note": (
        "Alleen de gevraagde partner kan het onderwerp lezen; de voorzitter en de andere "
        "deelnemers zien het verzoek niet.",
        "Only the partner asked can read the topic; the chair and the other members do "
        "not see the request.",
    ),
    "ask.submit": ("Verzoek versturen", "Send request"),
    "ask.incomplete": ("Kies een partner en vul het onderwerp in.", "Pick a partner and a topic."),
    "ask.done": ("Informatieverzoek verstuurd aan {node}.", "Information request sent to {node}."),
    "request.title": (
        "Informatieverzoek {id} van {asker}",
        "Information request {id} from {asker}",
    ),
    "request.meta": (
        "Van {asker} aan {asked} · {function} · {created}",
        "From {asker} to {asked} · {function} · {created}",
    ),
    "request.categories": ("Gewenste categorieën", "Categories wished"),
    "request.state": ("Stand", "State"),
    "request.reason": ("Zwaarwegende redenen", "Weighty reasons"),
    "request.reason_kept": (
        "Deze redenen blijven bij deze node; de vrager ziet alleen dat het is geweigerd.",
        "These reasons stay at this node; the asker sees only that it was declined.",
    ),
    "request.audited": (
        "Dat u dit verzoek leest, is vastgelegd in het auditlog.",
        "Your reading of this request is recorded in the audit log.",
    ),
    "request.gone": (
        "Het onderwerp is niet meer leesbaar: de casus is afgesloten en de sleutels "
        "zijn vernietigd.",
        "The topic can no longer be read: the case is closed and its keys are destroyed.",
    ),
    "decline.title": (
        "Informatieverzoek {id} van {asker} weigeren",
        "Decline information request {id} from {asker}",
    ),
    "decline.note": (
        "Weiger alleen op zwaarwegende redenen. De vrager ziet dat het verzoek is "
        "geweigerd, niet waarom; de redenen blijven hier, vastgelegd bij de weigering.",
        "Decline only for weighty reasons. The asker sees that it was declined, not why; "
        "the reasons stay here, recorded with the refusal.",
    ),
    "decline.reason": ("Zwaarwegende redenen", "Weighty reasons"),
    "decline.submit": ("Weigeren", "Decline"),
    "decline.no_reason": ("Vul de redenen in.", "State the reasons."),
    "decline.done": ("Informatieverzoek geweigerd.", "Information request declined."),
    "compose.basis": ("Grondslag", "Legal basis"),
    "compose.categories": ("Categorieën gegevens", "Data categories"),
    "compose.recipients": ("Ontvangers", "Recipients"),
    "compose.justification": (
        "Onderbouwing (noodzaak, proportionaliteit, subsidiariteit)",
        "Justification (necessity, proportionality, subsidiarity)",
    ),
    "compose.agreement_ref": (
        "Referentie afspraak met het bevoegd gezag",
        "Reference of the agreement with the bevoegd gezag",
    ),
    "compose.secrecy_ground": (
        "Grond voor verstrekking ondanks beroepsgeheim",
        "Ground for supplying despite professional secrecy",
    ),
    "compose.secrecy_ref": (
        "Referentie bij die grond (bijv. de toestemming)",
        "Reference for that ground (e.g. the consent)",
    ),
    "compose.capacity": ("U verstrekt als: {capacity}", "You supply as: {capacity}"),
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
    # policy refusals, in the words of the rule (other codes: the ERRORS below)
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
    "policy.category_basis": (
        "deze gegevens mogen alleen op grond van hun eigen wet worden verstrekt: {detail}",
        "these data may only be supplied under their own law: {detail}",
    ),
    "policy.secrecy": (
        "wie een beroepsgeheim heeft, noemt de grond voor verstrekking en een referentie.",
        "a holder of professional secrecy names the ground for supplying and a reference.",
    ),
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
    "plan.export_failed": (
        "Exporteren mislukt: {path} kan niet worden geschreven ({reason}).",
        "Export failed: {path} cannot be written ({reason}).",
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
    "close.note": (
        "Afsluitnotitie met de evaluatie (voor de deelnemers)",
        "Closing note with the evaluation (for the deelnemers)",
    ),
    "close.no_note": (
        "Schrijf de afsluitnotitie met de evaluatie.",
        "Write the closing note with the evaluation.",
    ),
    "close.propose": ("Voorstellen", "Propose"),
    "close.proposed": (
        "Afsluiten voorgesteld; de casus sluit zodra alle deelnemers aan tafel hebben "
        "ondertekend (o).",
        "Closure proposed; the case closes once every deelnemer at the table has signed (o).",
    ),
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
    "audit.filter": ("Filter (handeling, door, casus)", "Filter (action, actor, case)"),
    "audit.verify": ("Verifiëren", "Verify"),
    "audit.ok": ("Auditketen intact: {n} regels.", "Audit chain intact: {n} entries."),
    "audit.broken": ("AUDITKETEN GEBROKEN: {detail}", "AUDIT CHAIN BROKEN: {detail}"),
    "audit.broken_at": (
        "AUDITKETEN GEBROKEN bij regel {seq}: {detail}",
        "AUDIT CHAIN BROKEN at entry {seq}: {detail}",
    ),
    "audit.col.seq": ("#", "#"),
    "audit.col.at": ("Tijd", "Time"),
    "audit.col.actor": ("Door", "Actor"),
    "audit.col.action": ("Handeling", "Action"),
    "audit.col.case": ("Casus", "Case"),
    "audit.count": ("{shown} van {total} regels", "{shown} of {total} entries"),
    "audit.other": ("andere handeling ({action})", "other action ({action})"),
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
    # the register of meldingen (the gemeente's aandachtsfunctionaris)
    "rooms.meldingen": ("Meldingen", "Reports"),
    "meldingen.title": ("Register van meldingen", "Register of reports (meldingen)"),
    "meldingen.title_no_intake": (
        "Register van meldingen: zonder intake",
        "Register of reports: no intake",
    ),
    "meldingen.col.id": ("Nr.", "No."),
    "meldingen.col.received": ("Ontvangen", "Received"),
    "meldingen.col.source": ("Bron", "Source"),
    "meldingen.col.follow_up": ("Opvolging", "Follow-up"),
    "meldingen.col.case": ("Casus", "Case"),
    "meldingen.col.melder": ("Melder", "Reporter"),
    "meldingen.col.keep": ("Bewaren tot", "Kept until"),
    "meldingen.melder_kept": ("afgeschermd", "shielded"),
    "meldingen.with_case": ("met de casus", "with the case"),
    "meldingen.no_intake_yet": ("nog geen intake", "no intake yet"),
    "meldingen.count": ("{n} meldingen", "{n} reports"),
    "meldingen.empty": (
        "Geen meldingen. Druk n om een melding vast te leggen.",
        "No reports. Press n to record one.",
    ),
    "meldingen.fg_note": (
        "U ziet het register zonder inhoud en zonder melders (FG).",
        "You see the register without content and without reporters (FG).",
    ),
    "meldingen.new": ("Nieuwe melding", "New report"),
    "meldingen.open": ("Openen", "Open"),
    "meldingen.no_intake": ("Zonder intake", "No intake"),
    "meldingen.all": ("Alle meldingen", "All reports"),
    "follow_up.geen": ("geen", "none"),
    "follow_up.volgen": ("volgen", "watch"),
    "follow_up.aanmelding": ("aanmelding", "aanmelding (case registered)"),
    "source.burger": ("burger", "citizen"),
    "source.school": ("school", "school"),
    "source.leerplicht": ("leerplicht", "school attendance officer"),
    "source.jongerenwerk": ("jongerenwerk", "youth work"),
    "source.wijkteam": ("wijkteam", "neighbourhood team"),
    "source.zorg": ("zorg", "care"),
    "source.jeugdhulp": ("jeugdhulp", "youth care"),
    "source.politie": ("politie", "police"),
    "source.meld_misdaad_anoniem": ("Meld Misdaad Anoniem", "Meld Misdaad Anoniem (crime line)"),
    "source.ambtsbericht": ("ambtsbericht (AIVD)", "official notice (AIVD)"),
    "source.werkgever": ("werkgever", "employer"),
    "source.eigen_waarneming": ("eigen waarneming", "own observation"),
    "source.anders": ("anders", "other"),
    "melding.title": ("Melding {id}", "Report {id}"),
    "melding.meta": (
        "Ontvangen {received} · bron: {source} · vastgelegd door {by}",
        "Received {received} · source: {source} · recorded by {by}",
    ),
    "melding.follow_up": ("Opvolging: {follow_up}", "Follow-up: {follow_up}"),
    "melding.case": ("Aanmelding als casus {case}: {phase}", "Registered as case {case}: {phase}"),
    "melding.keep": ("Bewaren tot {date}", "Kept until {date}"),
    "melding.keep_case": (
        "Bewaren zolang de casus bestaat",
        "Kept as long as the case exists",
    ),
    "melding.melder_kept": (
        "Identiteit melder: vastgelegd en afgeschermd (toets i om in te zien, met reden)",
        "Reporter's identity: recorded and shielded (key i to open it, with a reason)",
    ),
    "melding.melder_none": (
        "Identiteit melder: niet vastgelegd",
        "Reporter's identity: not recorded",
    ),
    "melding.history": ("Geschiedenis", "History"),
    "melding.change.recorded": ("vastgelegd", "recorded"),
    "melding.change.follow_up": ("opvolging: {follow_up}", "follow-up: {follow_up}"),
    "melding.change.summary": ("samenvatting gecorrigeerd", "summary corrected"),
    "melding.change.melder_added": ("identiteit melder vastgelegd", "reporter's identity recorded"),
    "melding.change.melder_changed": ("identiteit melder gewijzigd", "reporter's identity changed"),
    "melding.change.melder_removed": (
        "identiteit melder verwijderd",
        "reporter's identity removed",
    ),
    "melding.audited": (
        "Dit lezen is vastgelegd in het auditlog.",
        "This reading is recorded in the audit log.",
    ),
    "melding.update": ("Opvolgen", "Follow up"),
    "melding.melder": ("Melder inzien", "Open reporter"),
    "melding.add_title": ("Melding vastleggen", "Record a report"),
    "melding.update_title": ("Melding {id} opvolgen", "Follow up report {id}"),
    "melding.received": ("Ontvangen op (JJJJ-MM-DD)", "Received on (YYYY-MM-DD)"),
    "melding.today": ("leeg: vandaag", "empty: today"),
    "melding.source": ("Bron van het signaal", "Source of the signal"),
    "melding.summary": (
        "Samenvatting van het signaal (geen naam van de melder)",
        "Summary of the signal (no name of the reporter)",
    ),
    "melding.melder_field": (
        "Identiteit en contact van de melder (alleen als nodig; wordt afgeschermd)",
        "Reporter's identity and contact (only if needed; kept shielded)",
    ),
    "melding.follow_up_field": ("Opvolging", "Follow-up"),
    "melding.case_field": (
        "Casusreferentie bij een aanmelding, bijv. RAD-2026-017",
        "Case reference for an aanmelding, e.g. RAD-2026-017",
    ),
    "melding.submit": ("Vastleggen", "Record"),
    "melding.save": ("Opslaan", "Save"),
    "melding.bad_date": (
        "Datum: gebruik JJJJ-MM-DD, bijv. 2026-12-01.",
        "Date: use YYYY-MM-DD, e.g. 2026-12-01.",
    ),
    "melding.no_summary": ("De samenvatting is leeg.", "The summary is empty."),
    "melding.no_case": (
        "Een aanmelding heeft een casusreferentie nodig.",
        "An aanmelding needs a case reference.",
    ),
    "melding.no_source": ("Kies de bron van het signaal.", "Choose the source of the signal."),
    "melding.recorded": ("Melding {id} vastgelegd.", "Report {id} recorded."),
    "melding.updated": ("Melding {id} bijgewerkt.", "Report {id} updated."),
    "melder.title": ("Identiteit van de melder: melding {id}", "Reporter's identity: report {id}"),
    "melder.explain": (
        "De melder is beschermd: zijn identiteit gaat nooit mee in een verstrekking. Het"
        " inzien wordt met de reden vastgelegd in het auditlog.",
        "The reporter is protected: their identity never goes into a verstrekking. Opening"
        " it is recorded in the audit log with the reason.",
    ),
    "melder.purpose": ("Reden", "Reason"),
    "melder.purpose.contact_melder": ("contact met de melder", "contact the reporter"),
    "melder.purpose.correctie": ("corrigeren of verwijderen", "correct or remove"),
    "melder.purpose.verzoek_melder": ("verzoek van de melder", "the reporter's request"),
    "melder.open": ("Inzien", "Open"),
    "melder.remove": ("Identiteit verwijderen", "Remove identity"),
    "melder.remove_confirm": (
        "De identiteit van de melder definitief verwijderen?",
        "Remove the reporter's identity for good?",
    ),
    "melder.none": (
        "Er is geen identiteit van de melder vastgelegd.",
        "No reporter's identity is recorded.",
    ),
    "melder.removed": (
        "De identiteit van de melder is verwijderd.",
        "The reporter's identity is removed.",
    ),
    "melder.no_purpose": ("Kies een reden.", "Choose a reason."),
    # errors: the node's codes are in ERRORS below, as "error.<code>"
    "error.unknown": (
        "De node weigerde dit; de melding is niet vertaald.",
        "The node refused this.",
    ),
    "error.unexpected": ("Onverwachte fout ({kind}).", "Unexpected error ({kind})."),
    # -- aanmelding (Wet PGA art. 5) ------------------------------------------------
    "rooms.aanmelden": ("Aanmelden", "Register a case"),
    "rooms.aanmeldingen": ("Aanmeldingen", "Aanmeldingen"),
    "rooms.notices": (
        "{n} aanmelding(en) van u niet voorgelegd aan het casusoverleg; druk o.",
        "{n} of your aanmeldingen not put to the casusoverleg; press o.",
    ),
    "aanmelden.title": ("Casus aanmelden", "Register a case"),
    "aanmelden.explain": (
        "Meld een casus aan bij politie, OM of de burgemeester van de gemeente van verblijf"
        " (Wet PGA art. 5 lid 1). Alleen zij drie kunnen de aanmelding lezen; noem geen"
        " melder bij naam.",
        "Register a case with politie, the OM or the burgemeester of the gemeente van"
        " verblijf (Wet PGA art. 5 lid 1). Only those three can read it; never name a"
        " melder.",
    ),
    "aanmelden.with": ("Aanmelden bij", "Register with"),
    "aanmelden.with.politie": ("politie", "politie"),
    "aanmelden.with.om": ("Openbaar Ministerie", "Openbaar Ministerie (OM)"),
    "aanmelden.with.gemeente": (
        "burgemeester (gemeente van verblijf)",
        "burgemeester (gemeente van verblijf)",
    ),
    "aanmelden.summary": ("Signalen", "Signals"),
    "aanmelden.reason": ("Reden van aanmelding", "Reason for registering"),
    "aanmelden.reason_default": (
        "Aanmelding op grond van art. 5 lid 1 Wet PGA",
        "Aanmelding under Wet PGA art. 5 lid 1",
    ),
    "aanmelden.submit": ("Aanmelden", "Register"),
    "aanmelden.incomplete": (
        "Vul casus, gemeente van verblijf, bij wie en de signalen in.",
        "Fill in the case, the gemeente van verblijf, with whom, and the signals.",
    ),
    "aanmelden.done": ("Casus {case} aangemeld.", "Case {case} registered."),
    # doorverwijzen: a Wgs case to the Wet PGA casusoverleg (Wgs art. 2.31 lid 13)
    "refer.title": (
        "Doorverwijzen naar het Wet PGA-casusoverleg",
        "Refer to the Wet PGA casusoverleg",
    ),
    "refer.explain": (
        "Bij een vermoeden van radicalisering meldt u de casus aan bij het Wet"
        " PGA-casusoverleg (art. 2.31 lid 13 Wgs): bij politie, OM of de burgemeester van"
        " de gemeente van verblijf. Alleen het casusnummer gaat vanzelf mee; verstrekkingen,"
        " plan en deelnemers van dit overleg niet. Noem geen melder bij naam.",
        "When radicalisation is suspected, register the case with the Wet PGA casusoverleg"
        " (Wgs art. 2.31 lid 13): with politie, the OM or the burgemeester of the gemeente"
        " van verblijf. Only the case reference goes along by itself; this meeting's"
        " shares, plan and members do not. Never name a melder.",
    ),
    "refer.case": ("Casus: {case} (dit casusoverleg)", "Case: {case} (this meeting)"),
    "refer.function": ("Uw functie", "Your function"),
    "refer.submit": ("Doorverwijzen", "Refer"),
    "refer.reason_default": (
        "Vermoeden van radicalisering: doorverwezen op grond van art. 2.31 lid 13 Wgs",
        "Suspected radicalisation: referred under Wgs art. 2.31 lid 13",
    ),
    "refer.incomplete": (
        "Vul gemeente van verblijf, bij wie, de signalen en uw functie in.",
        "Fill in the gemeente van verblijf, with whom, the signals and your function.",
    ),
    "refer.done": (
        "Casus {case} doorverwezen naar het Wet PGA-casusoverleg.",
        "Case {case} referred to the Wet PGA casusoverleg.",
    ),
    "aanmeldingen.title": ("Aanmeldingen", "Aanmeldingen"),
    "aanmeldingen.convene": ("Casusoverleg aanmaken", "Create case meeting"),
    "aanmeldingen.col.case": ("Casus", "Case"),
    "aanmeldingen.col.state": ("Stand", "State"),
    "aanmeldingen.col.aanmelder": ("Aanmelder", "Aanmelder"),
    "aanmeldingen.col.with": ("Aangemeld bij", "Registered with"),
    "aanmeldingen.col.time": ("Aangemeld", "Registered"),
    "aanmeldingen.count": ("{n} aanmeldingen", "{n} aanmeldingen"),
    "aanmeldingen.state.sent": ("verstuurd", "sent"),
    "aanmeldingen.state.received": ("ontvangen", "received"),
    "aanmeldingen.state.convened": ("casusoverleg", "case meeting"),
    "aanmeldingen.notice": (
        "Bericht: casus {case} is niet voorgelegd aan het casusoverleg ({by}, {when}).",
        "Notice: case {case} was not put to the casusoverleg ({by}, {when}).",
    ),
    "aanmeldingen.detail": (
        "Casus {case}, aangemeld door {aanmelder}; gemeente van verblijf {verblijf}.",
        "Case {case}, registered by {aanmelder}; gemeente van verblijf {verblijf}.",
    ),
    "aanmeldingen.by": ("Door: {function}", "By: {function}"),
    "aanmeldingen.reason": ("Reden: {reason}", "Reason: {reason}"),
    "aanmeldingen.sealed": (
        "De inhoud is alleen voor gemeente, politie en OM.",
        "The content is for the gemeente, politie and OM only.",
    ),
    "aanmeldingen.cannot_convene": (
        "Alleen de gemeente (of het ZVH met mandaat) maakt het casusoverleg aan, één keer.",
        "Only the gemeente (or the ZVH with a mandate) creates the case meeting, once.",
    ),
    "aanmeldingen.convened": (
        "Casusoverleg {case} aangemaakt uit de aanmelding.",
        "Case meeting {case} created from the aanmelding.",
    ),
    # help
    "help.title": ("Help: toetsen", "Help: keys"),
    "help.body": (
        "Overal\n"
        "  F1 of ?  help      Esc  terug        Ctrl+Q  stoppen\n"
        "Casussen\n"
        "  Enter  openen    n  casusoverleg aanmaken   p  partners\n"
        "  a  audit         u  uitloggen               g  mandaat geven (ZVH)\n"
        "  m  aanmelden     o  aanmeldingen en berichten (c: overleg aanmaken)\n"
        "  q  overdrachten (leveren, bezwaar)\n"
        "  f  afgeschermd na afsluiting (openen met doel; FG: bewaarplicht)\n"
        "Casus\n"
        "  1-7  tabbladen: deelnemers, intake, tijdlijn, verstrekkingen,\n"
        "       integraal plan, intrekking, overleggen\n"
        "  d  verstrekken   w  weging          t  instemmen   i  uitnodigen\n"
        "  b  besluit intake (voorzitter)     o  besluit ondertekenen\n"
        "  m  maatregel     x  plan exporteren s  afsluiten   r  intrekken\n"
        "  Enter  verstrekking lezen    a  audit    v  informatieverzoeken\n"
        "  y  doorverwijzen naar het Wet PGA-casusoverleg (Wgs-casusoverleg)\n"
        "Integraal plan en overleggen\n"
        "  m  maatregel voorstellen   Enter  maatregel: geschiedenis, en daar\n"
        "     v vaststellen, p aanpassen (voorzitter), u status (uitvoerder), i intrekken\n"
        "  k  volgend overleg plannen (voorzitter)   g  agendapunt\n"
        "  l  verslag (procesregisseur)   w  weging bij een overleg\n"
        "  j  overdragen aan een andere gemeente (gemeente van verblijf)\n"
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
        "  a  audit         u  log out                 g  give a mandate (ZVH)\n"
        "  m  register      o  aanmeldingen and notices (c: create meeting)\n"
        "  q  transfers (supply, object)\n"
        "  f  shielded after closure (open for a purpose; FG: legal hold)\n"
        "Case\n"
        "  1-7  tabs: members, intake, timeline, shares, action plan,\n"
        "       revocation, meetings\n"
        "  d  share         w  assess          t  consent     i  invite\n"
        "  b  intake decision (chair)         o  sign the decision\n"
        "  m  measure       x  export plan     s  close       r  revoke\n"
        "  Enter  read a share          a  audit    v  information requests\n"
        "  y  refer to the Wet PGA casusoverleg (a Wgs meeting)\n"
        "Action plan and meetings\n"
        "  m  propose a measure       Enter  a measure: its history, and there\n"
        "     v adopt, p adjust (chair), u status (uitvoerder), i withdraw\n"
        "  k  plan the next meeting (chair)   g  agenda item\n"
        "  l  minutes (procesregisseur)   w  assess at a meeting\n"
        "  j  transfer to another gemeente (gemeente van verblijf)\n"
        "Forms\n"
        "  Tab  next field     Space  pick      Ctrl+S  send\n"
        "Audit\n"
        "  /  filter   v  verify\n\n"
        "Staff names never leave your node; partners see only your\n"
        "function. Every time you read a share, the audit log records it.",
    ),
}

# Every error code the node (or the client) can send, as ``error.<code>``. The codes
# are the ``code`` of each error class in protocol/ and node/; the English is the
# class's docstring, which the node sends as ``message``.
ERRORS: dict[str, tuple[str, str]] = {
    "error": ("Er ging iets mis in casusnet.", "Something went wrong in casusnet."),
    # protocol
    "protocol": (
        "Een bericht volgt het casusnet-protocol niet.",
        "A message does not follow the casusnet protocol.",
    ),
    "local.invalid": (
        "Deze node werd gevraagd een bericht te maken dat het protocol niet toestaat.",
        "This node was asked to build a message that the protocol does not allow.",
    ),
    "remote.invalid": (
        "Een bericht van een partner is ongeldig.",
        "A message received from a partner is not valid.",
    ),
    "decode.malformed": (
        "Het bericht kon niet worden gelezen: het is geen geldige casusnet-codering.",
        "The message could not be read: it is not valid casusnet encoding.",
    ),
    "decode.limit": (
        "Het bericht is groter of dieper genest dan casusnet toestaat.",
        "The message is larger or more deeply nested than casusnet allows.",
    ),
    "decode.trailing": (
        "Het bericht heeft extra bytes na het einde.",
        "The message has extra bytes after its end.",
    ),
    "decode.type": (
        "Het bericht bevat een waarde van een soort die casusnet niet gebruikt.",
        "The message contains a value of a type casusnet does not use.",
    ),
    "decode.noncanonical": (
        "Het bericht is niet in de vaste vorm (volgorde of codering van de velden wijkt af).",
        "The message is not in canonical form (field order or encoding differs).",
    ),
    "decode.schema": (
        "Een veld van het bericht ontbreekt, is onbekend, van de verkeerde soort of te groot.",
        "A field of the message is missing, unknown, of the wrong type or out of range.",
    ),
    "decode.version": (
        "Het bericht gebruikt een protocolversie die deze node niet kent.",
        "The message uses a protocol version this node does not speak.",
    ),
    "crypto": ("Een cryptografische controle is mislukt.", "A cryptographic check failed."),
    "crypto.signature": (
        "De handtekening is niet geldig voor dit bericht, deze ondertekenaar en dit doel.",
        "The signature is not valid for this message, signer and purpose.",
    ),
    "crypto.decrypt": (
        "De inhoud kon niet worden ontsleuteld: ze is gewijzigd of niet voor deze node bestemd.",
        "The content could not be decrypted: it was changed, or is not addressed to this node.",
    ),
    "crypto.weak_key": (
        "De sleutel is misvormd of zwak en wordt geweigerd.",
        "The key is malformed or a weak (low-order) point and is refused.",
    ),
    "crypto.unknown_signer": (
        "De ondertekenaar staat niet op de huidige ledenlijst van de federatie.",
        "The signer is not a member of the current federation roster.",
    ),
    "crypto.binding": (
        "De versleutelde inhoud hoort niet bij dit bericht: ze is verplaatst of gewijzigd.",
        "The encrypted content does not belong to this header: it was moved or changed.",
    ),
    "roster.invalid": (
        "De ledenlijst van de federatie is ongeldig.",
        "The federation roster is not valid.",
    ),
    "roster.authority": (
        "De ledenlijst is niet ondertekend door de vastgelegde beheerder van de federatie. "
        "Vergelijk de vingerafdrukken.",
        "The roster is not signed by the pinned roster authority. Compare fingerprints.",
    ),
    "roster.stale": (
        "De ledenlijst is niet nieuwer dan die deze node al heeft.",
        "The roster is not newer than the one this node already has.",
    ),
    "roster.registry": (
        "De ledenlijst verwijst naar een ander grondslagenregister dan deze software kent. "
        "Werk de software bij.",
        "The roster pins a different grondslag registry than this software ships. Upgrade.",
    ),
    "chain.invalid": (
        "De gebeurtenis past niet in de keten van dit casusoverleg.",
        "The room event does not fit the room's chain.",
    ),
    "chain.link": (
        "De gebeurtenis sluit niet aan op de laatste gebeurtenis van het casusoverleg.",
        "The event does not follow the last event of the room (wrong sequence or hash).",
    ),
    "chain.future": (
        "De gebeurtenis is gedateerd na de klok van deze node; ze wordt verwerkt zodra"
        " de klokken overeenkomen.",
        "The event is dated ahead of this node's clock; it is accepted once the clocks agree.",
    ),
    "chain.replay": (
        "Deze gebeurtenis is al verwerkt in dit casusoverleg.",
        "The event was already applied to this room.",
    ),
    "chain.not_chair": (
        "Alleen de voorzitter van het casusoverleg kan dit.",
        "Only the chair of the room may sign this event.",
    ),
    "chain.convener": (
        "Deze organisatie mag op grond van deze grondslag geen casusoverleg aanmaken.",
        "This organisation may not convene a room under this grondslag.",
    ),
    "chain.state": (
        "Dit kan niet in de huidige stand van het casusoverleg.",
        "This event is not allowed in the room's current state.",
    ),
    "chain.membership": (
        "Deze wijziging van de samenstelling kan niet: de partner is niet uitgenodigd, "
        "toegelaten of lid.",
        "The membership change is not allowed: the node is not invited, admitted or a member.",
    ),
    "chain.intake": (
        "Dit past niet in de intake zoals die nu staat: een weging, besluit of ondertekening "
        "buiten zijn fase of van een partner die niet meebeslist, of een derde tijdens de "
        "intake; of de casus is nog in intake.",
        "This does not fit the intake as it stands: an assessment, decision or signature out "
        "of its stage or by a partner that does not decide, or a third party during the "
        "intake; or the room is still in intake.",
    ),
    "chain.closure": (
        "Het afsluiten is nog niet besloten: niet alle deelnemers aan tafel hebben het "
        "voorstel ondertekend.",
        "The closure is not decided yet: not every deelnemer at the table signed the proposal.",
    ),
    "chain.measure": (
        "Deze stap past niet bij de maatregel: alleen een deelnemer stelt voor, de voorzitter "
        "neemt over, past aan of trekt in, de uitvoerder zet de stand; de uitvoerder is een "
        "deelnemer aan tafel, de streefdatum ligt binnen vijf jaar en een ingetrokken "
        "maatregel blijft dat.",
        "This step does not fit the measure: only a deelnemer proposes, the chair adopts, "
        "adjusts or withdraws, the uitvoerder sets the status; the uitvoerder is a deelnemer "
        "at the table, the due date lies within five years and a withdrawn measure stays "
        "withdrawn.",
    ),
    "chain.meeting": (
        "Deze stap past niet bij de overleggen: alleen de voorzitter plant een volgend overleg "
        "(na het vorige), agendapunten en verslag horen bij een gepland overleg, het verslag "
        "komt van de voorzitter na het overleg, en een nieuwe weging van een deelnemer in een "
        "lopende casus.",
        "This step does not fit the meetings: only the chair plans the next meeting (after the "
        "last one), agenda points and verslag belong to a planned meeting, the verslag comes "
        "from the chair after the meeting, and a re-assessment from a deelnemer in an open room.",
    ),
    "chain.consent": (
        "De incidentele derde heeft niet de gezamenlijke instemming van gemeente, politie en OM.",
        "The third party lacks the joint consent of gemeente, politie and OM.",
    ),
    "chain.statement": (
        "Een verklaring in de gebeurtenis is niet door die partner voor dit casusoverleg "
        "ondertekend.",
        "A member's statement inside the event is not signed by that member for this room.",
    ),
    "request.auth": (
        "Het verzoek is niet juist ondertekend door een lid van de federatie.",
        "The request is not correctly signed by a roster member.",
    ),
    "request.expired": (
        "Het tijdstip van het verzoek valt buiten de toegestane marge. "
        "Controleer de klokken van beide nodes.",
        "The request's time is outside the accepted window. Check the clocks of both nodes.",
    ),
    "request.replay": (
        "Het verzoek is al eens ontvangen en wordt als herhaling geweigerd.",
        "The request was already received once and is refused as a replay.",
    ),
    "inquiry.invalid": (
        "Het antwoord past niet bij het informatieverzoek waar het naar verwijst.",
        "The answer does not fit the information request it refers to.",
    ),
    "inquiry.party": (
        "Alleen de gevraagde partner kan een informatieverzoek beantwoorden of weigeren, "
        "en het antwoord gaat naar de partner die het vroeg.",
        "Only the partner that was asked may answer or decline an information request, "
        "and the answer goes to the partner that asked.",
    ),
    "inquiry.answered": (
        "Het informatieverzoek is al beantwoord of geweigerd: het wordt één keer beantwoord.",
        "The information request was already answered or declined: it is answered once.",
    ),
    "inquiry.unknown": (
        "Dit informatieverzoek is hier niet bekend.",
        "There is no such information request here.",
    ),
    "inquiry.exists": (
        "De partner stuurde al een informatieverzoek met dit kenmerk.",
        "The partner already sent an information request with this id.",
    ),
    "policy": (
        "De verstrekking is niet toegestaan op grond van de opgegeven grondslag.",
        "The share is not allowed under the declared legal basis (grondslag).",
    ),
    "policy.basis_unknown": (
        "De grondslag staat niet in het register.",
        "The grondslag is not in the registry.",
    ),
    "policy.basis_not_in_force": (
        "De grondslag is niet van kracht (zoals de Wams: een wetsvoorstel, geen wet).",
        "The grondslag is not in force (for example the Wams, which is a bill, not law).",
    ),
    "policy.basis_not_declared": (
        "De grondslag hoort niet bij de grondslagen van dit casusoverleg.",
        "The grondslag is not one of the bases this room declared.",
    ),
    "policy.organisation": (
        "Dit soort organisatie mag op grond van deze grondslag niet verstrekken.",
        "This organisation type may not share under this grondslag.",
    ),
    "policy.category": (
        "Een categorie gegevens is op grond van deze grondslag niet toegestaan.",
        "A data category is not allowed under this grondslag.",
    ),
    "policy.field_required": (
        "De grondslag vereist een gegeven dat ontbreekt (onderbouwing of referentie van de afspraak met het bevoegd gezag).",
        "The grondslag requires a field that is missing (justification or the agreement reference).",
    ),
    "policy.capacity": (
        "Vermeld in welke hoedanigheid de gemeente verstrekt: als burgemeester of als college.",
        "Declare the capacity the gemeente supplies in: as burgemeester or as college.",
    ),
    "policy.category_basis": (
        "Deze categorie mag alleen op grond van haar eigen wet worden verstrekt (politiegegevens op grond van de Wpg, justitiële gegevens op grond van de Wjsg).",
        "This category may only be supplied under its own law (police data under the Wpg, justice data under the Wjsg).",
    ),
    "policy.secrecy": (
        "Wie een beroepsgeheim heeft, verstrekt alleen op een genoemde grond (uitdrukkelijke toestemming, een wettelijke plicht of bevoegdheid, of goed hulpverlenerschap) met een referentie.",
        "A holder of professional secrecy supplies only on a stated ground (explicit consent, a legal duty or power, or goed hulpverlenerschap) with a reference.",
    ),
    "policy.recipient": (
        "Een ontvanger is geen lid van het casusoverleg in de huidige samenstelling.",
        "A recipient is not a member of the room in this composition.",
    ),
    "policy.sender": (
        "De verstrekker is geen lid van het casusoverleg in de huidige samenstelling.",
        "The sender is not a member of the room in this composition.",
    ),
    "policy.room_not_open": (
        "De casus is niet open voor verstrekkingen (de intake loopt nog, of hij is afgesloten).",
        "The room is not open for sharing (intake pending, or closed).",
    ),
    "storage": (
        "De opslag van de node kon dit niet voltooien; er is niets gewijzigd.",
        "The node's store could not complete the operation; nothing was changed.",
    ),
    "request.too_large": (
        "Het verzoek is groter dan de node aanneemt.",
        "The request body is larger than the node accepts.",
    ),
    "request.rate_limited": (
        "Te veel verzoeken kort na elkaar; de node antwoordt straks weer.",
        "Too many requests in a short time; the node answers again shortly.",
    ),
    "storage.damaged": (
        "De database van de node is beschadigd. De node start er niet op en wijzigt niets: bewaar het bestand en zet de laatste back-up terug.",
        "The node's database is damaged. The node does not start on it and changes nothing: keep the file, and restore the last backup.",
    ),
    "transport": (
        "Een partnernode was niet bereikbaar. De bezorging wordt vanzelf opnieuw geprobeerd.",
        "A partner node could not be reached. Delivery is retried automatically.",
    ),
    # node
    "node.not_allowed": (
        "Dit is voor deze node in dit casusoverleg niet toegestaan.",
        "This action is not allowed for this node in this room.",
    ),
    "node.not_recipient": (
        "Deze verstrekking is niet aan deze node gericht.",
        "This share is not addressed to this node.",
    ),
    "node.not_chair": (
        "Verklaringen van leden gaan naar de voorzitter van het casusoverleg, en deze node is niet de voorzitter.",
        "Member statements go to the room's chair, and this node is not the chair.",
    ),
    "node.not_own": (
        "Een node stuurt alleen zijn eigen verklaringen en mandaten.",
        "A node sends only its own statements and mandates.",
    ),
    "node.share_exists": (
        "De verstrekker heeft al een verstrekking met dit kenmerk gestuurd.",
        "The sender already sent a share with this id.",
    ),
    "node.envelope_kind": (
        "Een ledenlijst of een verzoek is geen bericht dat een node in zijn inbox aanneemt.",
        "A roster or a request is not an envelope a node accepts in its inbox.",
    ),
    "node.not_found": (
        "Dit casusoverleg of deze verstrekking is hier niet bekend (misschien nooit aangekomen).",
        "There is no such room or share here (it may never have reached this node).",
    ),
    "node.revoked": (
        "Deze verstrekking is ingetrokken of de casus is afgesloten: de inhoud is verwijderd.",
        "This share was revoked or its room closed: its content is deleted.",
    ),
    "node.retry": (
        "Het bericht kan nog niet worden verwerkt; het wordt later opnieuw gestuurd.",
        "The envelope cannot be applied yet (the room's chain is behind); send it again later.",
    ),
    "node.auth": (
        "Inloggen mislukt: onbekende naam of verkeerde wachtwoordzin.",
        "Login failed: unknown name or wrong passphrase.",
    ),
    "node.session": (
        "Uw sessie is beëindigd (uitgelogd of te lang niet gebruikt). Log opnieuw in.",
        "The session has ended (logged out, or idle too long). Log in again.",
    ),
    "node.staff": (
        "Het account van de medewerker kan niet zo worden aangemaakt of gewijzigd.",
        "The staff account cannot be created or changed as asked.",
    ),
    "node.forbidden": (
        "U bent niet aan deze casus toegewezen.",
        "This staff member is not assigned to that room.",
    ),
    "node.keys": (
        "De sleutels van de node konden niet worden geopend: verkeerde wachtwoordzin of "
        "hoofdsleutel.",
        "The node's keys could not be opened: wrong passphrase or master key file.",
    ),
    "node.passphrase": (
        "De wachtwoordzin klopt niet. Probeer het opnieuw; de node is niet gestart.",
        "The passphrase is not correct. Try again; the node was not started.",
    ),
    "node.audit": (
        "Het auditlog klopt niet: een regel is gewijzigd, verwijderd of verplaatst.",
        "The audit log does not verify: an entry was edited, removed or reordered.",
    ),
    "node.config": (
        "De configuratie van de node ontbreekt of is ongeldig. Draai `casusnet doctor`.",
        "The node's configuration is missing or invalid. Run `casusnet doctor` for details.",
    ),
    "node.provision": (
        "De node of de ledenlijst kon niet zo worden aangemaakt.",
        "The node or roster could not be created as asked.",
    ),
    "backup": (
        "De back-up kon niet worden gemaakt of teruggezet.",
        "The backup could not be made or restored.",
    ),
    "backup.format": (
        "Dit bestand is geen casusnet-back-up, of het is afgebroken.",
        "This file is not a casusnet backup, or it is truncated.",
    ),
    "backup.version": (
        "Deze back-up heeft een indeling die deze software niet leest.",
        "This backup was made in a format or schema this software does not read.",
    ),
    "backup.integrity": (
        "De back-up is beschadigd of na het maken gewijzigd; er is niets teruggezet.",
        "The backup is damaged or was changed after it was made; nothing was restored.",
    ),
    "backup.key": (
        "De back-up gaat niet open met deze hoofdsleutel (sleutelbestand of wachtwoordzin).",
        "The backup does not open with this master key (key file or passphrase).",
    ),
    "backup.target": (
        "De gegevensmap voor het terugzetten is niet leeg; kies een lege, of --force.",
        "The data dir for the restore is not empty; give an empty one, or --force.",
    ),
    "cli.undelivered": (
        "De verstrekking is opgeslagen en wordt bezorgd zodra de partner weer bereikbaar is.",
        "The share is stored and will be delivered when the partner is reachable again.",
    ),
    "cli.usage": (
        "De opdracht is onvolledig; zie `casusnet --help`.",
        "The command is incomplete; see `casusnet --help`.",
    ),
    "demo.failed": (
        "De demo kon niet worden opgezet of gestart.",
        "The demo could not be set up or started as asked.",
    ),
    # the local API and its client
    "api.bad_request": (
        "Het verzoek aan de node is onvolledig of onjuist.",
        "The request is incomplete or malformed.",
    ),
    "api.error": ("De node weigerde het verzoek.", "The node refused the request."),
    "api.unreachable": (
        "De node draait niet of is niet bereikbaar. Start hem met `casusnet run`.",
        "The node is not running or its socket is not reachable. Start it with `casusnet run`.",
    ),
    "api.bad_answer": (
        "De node gaf een onleesbaar antwoord.",
        "The node gave an unreadable answer.",
    ),
    # the register of meldingen
    "melding.invalid": (
        "De melding is onvolledig of een veld valt buiten het bereik; er is niets vastgelegd"
        " of gewijzigd.",
        "The melding is incomplete or a field is out of range; nothing was recorded or changed.",
    ),
    "melding.forbidden": (
        "Alleen de aandachtsfunctionaris kan dit in het register van meldingen.",
        "Only the aandachtsfunctionaris may do this in the register of meldingen.",
    ),
    "melding.not_found": (
        "Deze melding staat niet in het register (misschien vernietigd na de bewaartermijn).",
        "There is no such melding in the register (it may have been destroyed after its"
        " retention period).",
    ),
    "melding.not_gemeente": (
        "Het register van meldingen wordt alleen bij de node van de gemeente bijgehouden.",
        "The register of meldingen is kept at the gemeente's node only.",
    ),
    # aanmelding and notice (Wet PGA art. 5)
    "aanmelding.invalid": ("De aanmelding is ongeldig.", "The aanmelding is not valid."),
    "aanmelding.aanmelder": (
        "Alleen een deelnemer van de Wet PGA (gemeente, politie, OM, reclassering, RvdK)"
        " meldt een casus aan.",
        "Only a deelnemer of the Wet PGA (gemeente, politie, OM, reclassering, RvdK)"
        " registers a case.",
    ),
    "aanmelding.recipients": (
        "Een aanmelding gaat naar de gemeente van verblijf en de politie en het OM die"
        " volgens de ledenlijst die gemeente bedienen.",
        "An aanmelding goes to the gemeente van verblijf and the politie and OM that the"
        " roster says serve it.",
    ),
    "notice.invalid": (
        "Het bericht hoort niet bij deze aanmelding, of komt van een node die haar niet behandelt.",
        "The notice does not belong to this aanmelding, or comes from a node that does"
        " not handle it.",
    ),
    "node.aanmelding_exists": (
        "Een aanmelding met dit kenmerk is er al, met een andere inhoud.",
        "An aanmelding with this id is already here, with other content.",
    ),
    # the Wgs referral to the Wet PGA (Wgs art. 2.31 lid 13)
    "node.referral_room": (
        "Alleen een deelnemer aan een Wgs-casusoverleg dat niet is afgesloten verwijst"
        " de casus door naar het Wet PGA-casusoverleg.",
        "Only a member of a Wgs casusoverleg that is not closed refers its case to the"
        " Wet PGA casusoverleg.",
    ),
    "node.not_pga_deelnemer": (
        "Uw organisatie is geen deelnemer aan het Wet PGA-casusoverleg en kan daar geen"
        " casus aanmelden (alleen gemeente, politie, OM, reclassering en RvdK).",
        "This organisation is no deelnemer of the Wet PGA casusoverleg and cannot register"
        " a case there (only gemeente, politie, OM, reclassering and RvdK can).",
    ),
    # afscherming: the shielded record (Wet PGA art. 6 lid 3, 7, 9)
    "shielded.invalid": (
        "Geef een doel (overdracht, rechtsvordering, inzageverzoek, nieuwe aanmelding) en een"
        " toelichting; er is niets geopend of gewijzigd.",
        "Give a purpose (transfer, legal claim, access request, new aanmelding) and a reason;"
        " nothing was opened or changed.",
    ),
    "shielded.forbidden": (
        "Alleen medewerkers van de casus openen een afgeschermd dossier (nooit de FG); alleen"
        " de FG legt een bewaarplicht op of heft die op; alleen de FG of de voorzitter besluit"
        " tot vernietigen.",
        "Only staff of the case open a shielded record (never the FG); only the FG records or"
        " lifts a legal hold; only the FG or the chair decide destruction.",
    ),
    "shielded.not_found": (
        "Dit afgeschermde dossier is er niet (meer): misschien al vernietigd.",
        "There is no such shielded record here (it may have been destroyed).",
    ),
    "shielded.held": (
        "Op dit afgeschermde dossier rust een bewaarplicht: het wordt niet vernietigd tot die"
        " is opgeheven.",
        "A legal hold is recorded on this shielded record: it is not destroyed until the hold"
        " is lifted.",
    ),
    "shielded.export_closed": (
        "Na afsluiting wordt het plan alleen uit het afgeschermde dossier van de gemeente"
        " geëxporteerd, met een doel en een toelichting.",
        "After closure the plan is exported only from the gemeente's shielded record, with a"
        " purpose and a reason.",
    ),
}

# Every action of the audit log (node/store/audit.py ACTIONS), as ``audit.action.<id>``.
ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("ingelogd", "logged in"),
    "login_failed": ("inloggen mislukt", "login failed"),
    "logout": ("uitgelogd", "logged out"),
    "staff_added": ("medewerker toegevoegd", "staff member added"),
    "convene": ("casusoverleg aangemaakt", "case meeting created"),
    "assess": ("weging vastgelegd", "assessment recorded"),
    "ruling": ("besluit intake voorgesteld", "intake decision proposed"),
    "endorse": ("besluit ondertekend", "decision signed"),
    "close_proposed": ("afsluiten voorgesteld", "closure proposed"),
    "intake_viewed": ("intake ingezien", "intake viewed"),
    "invite": ("partner uitgenodigd", "partner invited"),
    "consent": ("instemming met toelating", "consent to an admission"),
    "join": ("toegetreden", "joined"),
    "epoch": ("nieuwe samenstelling", "new composition"),
    "remove": ("partner verwijderd", "partner removed"),
    "leave": ("casusoverleg verlaten", "left the case meeting"),
    "plan": ("integraal plan aangevuld", "action plan item added"),
    "plan_exported": ("integraal plan geëxporteerd", "action plan exported"),
    "plan_viewed": ("integraal plan ingezien", "action plan viewed"),
    "close": ("casus afgesloten", "case closed"),
    "share_sent": ("verstrekking verstuurd", "share sent"),
    "share_received": ("verstrekking ontvangen", "share received"),
    "share_viewed": ("verstrekking gelezen", "share read"),
    "refused": ("geweigerd", "refused"),
    "revoke_sent": ("intrekking verstuurd", "revocation sent"),
    "revoke_received": ("intrekking ontvangen", "revocation received"),
    "receipt": ("bevestiging ontvangen", "receipt received"),
    "keys_destroyed": ("sleutels vernietigd", "keys destroyed"),
    "removal_deleted": (
        "uit het overleg: ontvangen verstrekkingen en sleutels gewist",
        "out of the meeting: received shares and keys deleted",
    ),
    "purge": ("vernietigd na bewaartermijn", "destroyed after retention"),
    "roster_imported": ("ledenlijst ingelezen", "roster imported"),
    "assigned": ("medewerker toegewezen", "staff member assigned"),
    "received_gap": ("ontbrekende berichten aangevuld", "missing messages filled in"),
    "restored": ("back-up teruggezet", "backup restored"),
    "resynced": ("opnieuw gelijkgetrokken", "resynchronised"),
    "key_rotated": ("sleutel vervangen", "key rotated"),
    "mandate_granted": ("mandaat aan de procesregisseur gegeven", "mandate to chair given"),
    "mandate_received": ("mandaat van de burgemeester ontvangen", "mandate to chair received"),
    "melding_recorded": ("melding vastgelegd", "report recorded"),
    "melding_viewed": ("melding gelezen", "report read"),
    "melding_updated": ("melding bijgewerkt", "report updated"),
    "melder_viewed": ("identiteit melder ingezien", "reporter's identity opened"),
    "melding_purged": ("melding vernietigd na bewaartermijn", "report destroyed after retention"),
    "aanmelding_sent": ("casus aangemeld", "case registered"),
    "aanmelding_received": ("aanmelding ontvangen", "aanmelding received"),
    "aanmelding_forwarded": ("aanmelding doorgestuurd", "aanmelding forwarded"),
    "aanmelding_viewed": ("aanmelding gelezen", "aanmelding read"),
    "aanmelding_convened": (
        "casusoverleg uit aanmelding aangemaakt",
        "meeting created from aanmelding",
    ),
    "aanmelding_purged": (
        "aanmelding vernietigd na korte termijn",
        "aanmelding destroyed after short term",
    ),
    "notice_sent": ("aanmelder bericht: niet voorgelegd", "aanmelder told: not put to the meeting"),
    "notice_received": ("bericht: niet voorgelegd", "notice: not put to the meeting"),
    "referral": (
        "doorverwezen naar het Wet PGA-casusoverleg",
        "referred to the Wet PGA casusoverleg",
    ),
    "inquiry_sent": ("informatieverzoek verstuurd", "information request sent"),
    "inquiry_received": ("informatieverzoek ontvangen", "information request received"),
    "inquiry_answered": ("informatieverzoek beantwoord", "information request answered"),
    "inquiry_declined": ("informatieverzoek geweigerd", "information request declined"),
    "inquiry_viewed": ("informatieverzoek gelezen", "information request read"),
    # afscherming, exports and retention as a ceiling
    "shielded_sealed": ("afgeschermd bij afsluiting", "shielded at closure"),
    "shielded_opened": ("afgeschermd dossier geopend met doel", "shielded record opened"),
    "shielded_held": ("bewaarplicht opgelegd", "legal hold recorded"),
    "shielded_released": ("bewaarplicht opgeheven", "legal hold lifted"),
    "shielded_destroyed": ("afgeschermd dossier vernietigd", "shielded record destroyed"),
    "export_destroyed": ("export vernietigd", "export destroyed"),
    "retention_warning": ("bewaartermijn loopt bijna af", "retention term ends soon"),
}

# -- transfer to another gemeente (Wet PGA art. 7) --------------------------------------
CATALOGUE.update({
    "room.transfer": ("Overdragen", "Transfer"),
    "rooms.transfers": ("Overdrachten", "Transfers"),
    "transfer.title": ("Casus {case} overdragen aan een andere gemeente",
                       "Transfer case {case} to another gemeente"),
    "transfer.explain": (
        "Wet PGA art. 7: elke verstrekker beslist per verstrekking; de casus kan hier open blijven.",
        "Wet PGA art. 7: each supplier decides per verstrekking; the case may stay open here.",
    ),
    "transfer.to": ("Ontvangende gemeente", "Receiving gemeente"),
    "transfer.ground": ("Grond", "Ground"),
    "transfer.ground.woonplaats": ("betrokkene woont daar nu", "the person now lives there"),
    "transfer.ground.effecten": (
        "de gevolgen van de radicalisering doen zich daar voor",
        "the effects of the radicalisation are felt there",
    ),
    "transfer.ground.sociale_relaties": (
        "personen met wie betrokkene sociale relaties heeft wonen daar",
        "people with whom the person has social relations live there",
    ),
    "transfer.note": ("Toelichting (versleuteld voor de ontvangende gemeente)",
                      "Note (sealed for the receiving gemeente)"),
    "transfer.days": ("Termijn voor de verstrekkers (dagen, 1-60)",
                      "Deadline for the suppliers (days, 1-60)"),
    "transfer.submit": ("Overdragen", "Transfer"),
    "transfer.incomplete": ("Kies een gemeente, vul de toelichting in en een termijn in dagen.",
                            "Choose a gemeente, fill in the note and a deadline in days."),
    "transfer.done": ("Overdracht aan {to} verstuurd; de verstrekkers zijn gevraagd.",
                      "Transfer to {to} sent; the suppliers have been asked."),
    "transfer.not_verblijf": (
        "Alleen de gemeente van verblijf draagt de casus over.",
        "Only the gemeente van verblijf transfers the case.",
    ),
    "transfers.title": ("Overdrachten (Wet PGA art. 7)", "Transfers (Wet PGA art. 7)"),
    "transfers.col.kind": ("Soort", "Kind"),
    "transfers.col.case": ("Casus", "Case"),
    "transfers.col.party": ("Partner", "Partner"),
    "transfers.col.share": ("Kenmerk", "Id"),
    "transfers.col.status": ("Status", "Status"),
    "transfers.col.deadline": ("Termijn", "Deadline"),
    "transfers.kind.request": ("gevraagd", "asked"),
    "transfers.kind.started": ("overgedragen", "transferred"),
    "transfers.kind.received": ("ontvangen", "received"),
    "transfers.status.open": ("open", "open"),
    "transfers.status.supplied": ("geleverd", "supplied"),
    "transfers.status.objected": ("bezwaar", "objected"),
    "transfers.status.expired": ("termijn verstreken", "deadline passed"),
    "transfers.note": (
        "l leveren · b bezwaar · Enter een geleverde verstrekking lezen (ontvangende gemeente)",
        "l supply · b object · Enter read a supplied share (receiving gemeente)",
    ),
    "transfers.empty": ("Geen overdrachten.", "No transfers."),
    "transfers.pick": ("Kies een open verstrekking die u nog moet beantwoorden.",
                       "Choose an open verstrekking you must still answer."),
    "transfers.how": ("Leveren met l, bezwaar maken met b.", "Supply with l, object with b."),
    "transfers.supply": ("Leveren", "Supply"),
    "transfers.object": ("Bezwaar", "Object"),
    "transfers.supply_confirm": (
        "Verstrekking {share} opnieuw verstrekken aan {to}?",
        "Supply verstrekking {share} again to {to}?",
    ),
    "transfers.supplied": ("Geleverd aan de ontvangende gemeente.",
                           "Supplied to the receiving gemeente."),
    "object.title": ("Bezwaar tegen verstrekking {share} aan {to}",
                     "Object to supplying {share} to {to}"),
    "object.note": (
        "Zwaarwegende redenen: de reden blijft bij uw node; de ontvangende en de"
        " overdragende gemeente horen alleen dat u bezwaar maakt.",
        "Weighty reasons: the reason stays at your node; the receiving and the origin"
        " gemeente learn only that you object.",
    ),
    "object.reason": ("Reden", "Reason"),
    "object.submit": ("Bezwaar maken", "Object"),
    "object.no_reason": ("Geef de zwaarwegende redenen.", "State the weighty reasons."),
    "object.done": ("Bezwaar vastgelegd.", "Objection recorded."),
    "supplied.title": ("Verstrekking {share} van {supplier} (overdracht)",
                       "Share {share} from {supplier} (transfer)"),
    "supplied.meta": ("Grondslag {basis} · {categories} · {function}",
                      "Basis {basis} · {categories} · {function}"),
    "supplied.justification": ("Noodzaak", "Justification"),
    "received.title": ("Overdracht van casus {case} door {origin}",
                       "Transfer of case {case} by {origin}"),
    "received.plan": ("Integraal plan van aanpak (overgedragen):",
                      "Integraal plan van aanpak (carried over):"),
})  # fmt: skip
ERRORS.update({
    "transfer.invalid": (
        "Dit bericht past niet bij de overdracht waar het over gaat.",
        "The message does not fit the transfer it refers to.",
    ),
    "transfer.party": (
        "Alleen de gemeente van de casus draagt haar over, aan een andere gemeente; een"
        " verstrekker antwoordt alleen voor zijn eigen verstrekkingen.",
        "Only the gemeente of the case transfers it, to another gemeente; a supplier"
        " answers only for its own verstrekkingen.",
    ),
    "transfer.answered": (
        "Op deze verstrekking van de overdracht is al geantwoord: dat gebeurt één keer.",
        "This verstrekking of the transfer was already answered: it is answered once.",
    ),
    "transfer.expired": (
        "De termijn van de overdracht is verstreken: wat niet beantwoord is, geldt als niet"
        " verstrekt.",
        "The transfer's deadline has passed: what was not answered counts as not supplied.",
    ),
    "transfer.unknown": (
        "Deze overdracht, of deze verstrekking erin, is hier niet bekend.",
        "There is no such transfer, or no such verstrekking in it, here.",
    ),
    "node.transfer_unavailable": (
        "De casus is afgesloten: overdragen kan alleen uit het afgeschermde dossier, en dat"
        " kan deze node nog niet openen.",
        "The case is closed: it transfers only from its shielded record, which this node"
        " cannot open yet.",
    ),
})  # fmt: skip
ACTIONS.update({
    "transfer_started": ("casus overgedragen aan andere gemeente", "case transferred"),
    "transfer_requested": ("verzoek om verstrekking bij overdracht", "asked to supply for a transfer"),
    "transfer_supplied": ("verstrekking bij overdracht geleverd", "supplied for a transfer"),
    "transfer_objected": (
        "bezwaar tegen verstrekking bij overdracht", "objected to supplying for a transfer"
    ),
    "transfer_received": ("overdracht ontvangen", "transfer received"),
    "transfer_answer_received": (
        "antwoord op overdrachtsverzoek ontvangen", "answer to a transfer request received"
    ),
    "transfer_viewed": ("overdracht gelezen", "transfer read"),
    "transfer_share_viewed": ("overgedragen verstrekking gelezen", "transferred share read"),
    "transfer_expired": ("termijn overdracht verstreken", "transfer deadline passed"),
    "transfer_purged": ("overdracht vernietigd na bewaartermijn", "transfer destroyed"),
})  # fmt: skip

# notices by e-mail (issue 14): node/domain/notices.py, node/faces/mail.py
ERRORS.update({
    "node.notice_settings": (
        "Deze keuze voor meldingen per e-mail klopt niet: geef één e-mailadres, de soorten"
        " uit de lijst en de taal nl of en.",
        "This choice of notices by e-mail is not valid: give one e-mail address, kinds from"
        " the list and the language nl or en.",
    ),
})  # fmt: skip
ACTIONS.update({
    "mail_notice_sent": ("melding per e-mail verstuurd", "notice sent by e-mail"),
    "mail_notice_failed": (
        "melding per e-mail niet verstuurd (wordt opnieuw geprobeerd)",
        "notice by e-mail not sent (retried)",
    ),
})  # fmt: skip

CATALOGUE.update({f"error.{code}": texts for code, texts in ERRORS.items()})
CATALOGUE.update({f"audit.action.{action}": texts for action, texts in ACTIONS.items()})

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


# -- the living plan van aanpak and the follow-up meetings (issue 13, points 1 and 2) ----
CATALOGUE.update(
    {
        "room.tab.meetings": ("Overleggen", "Meetings"),
        "room.measures_due": ("\nmaatregelen: {parts}", "\nmeasures: {parts}"),
        "room.overdue": ("{n} te laat", "{n} overdue"),
        "room.due_soon": ("{n} binnenkort", "{n} due soon"),
        "rooms.col.measures": ("Maatregelen", "Measures"),
        "room.propose": ("Maatregel voorstellen", "Propose a measure"),
        "room.plan_meeting": ("Volgend overleg", "Next meeting"),
        "room.agenda": ("Agendapunt", "Agenda item"),
        "room.verslag": ("Verslag", "Minutes"),
        "plan.col.authority": ("Bevoegd gezag", "Competent authority"),
        "plan.col.status": ("Status", "Status"),
        "plan.hint": (
            "m maatregel voorstellen · Enter geschiedenis en wat u ermee kunt",
            "m propose a measure · Enter its history and what you can do",
        ),
        "plan.unreadable": (
            "De inhoud van dit plan is voor deze node niet te lezen.",
            "This node cannot read the content of this plan.",
        ),
        "plan.late": ("te laat", "overdue"),
        "plan.soon": ("binnenkort", "due soon"),
        "plan.not_adopted": ("nog niet vastgesteld", "not yet adopted"),
        "measure_status.voorgesteld": ("voorgesteld", "proposed"),
        "measure_status.gepland": ("gepland", "planned"),
        "measure_status.lopend": ("lopend", "ongoing"),
        "measure_status.uitgevoerd": ("uitgevoerd", "carried out"),
        "measure_status.gestopt": ("gestopt", "stopped"),
        "measure_status.ingetrokken": ("ingetrokken", "withdrawn"),
        "authority.minister_jenv": ("Minister van JenV", "Minister of JenV"),
        "authority.nctv": ("NCTV", "NCTV"),
        "authority.burgemeester": ("burgemeester", "burgemeester"),
        "authority.om": ("Openbaar Ministerie", "Openbaar Ministerie"),
        "authority.none": (
            "geen ander (de uitvoerder zelf)",
            "no one else (the uitvoerder itself)",
        ),
        "measure.propose_title": ("Maatregel voorstellen", "Propose a measure"),
        "measure.title": ("Omschrijving", "Description"),
        "measure.kind": ("Soort", "Kind"),
        "measure.uitvoerder": ("Uitvoerder", "Uitvoerder"),
        "measure.authority": ("Bevoegd gezag", "Authority"),
        "measure.risk": ("Risico", "Risk"),
        "measure.due": ("Datum", "Date"),
        "measure.no_title": ("Geef een omschrijving.", "Give a description."),
        "measure.no_risk": (
            "Noem het risico dat de maatregel aanpakt.",
            "Name the risk the measure addresses.",
        ),
        "measure.deelnemer_only": (
            "Een maatregel stelt een deelnemer voor; een derde niet.",
            "A deelnemer proposes a measure; a derde does not.",
        ),
        "measure.proposed": (
            "Maatregel voorgesteld; de voorzitter stelt hem vast.",
            "Measure proposed; the chair adopts it.",
        ),
        "measure.detail_title": ("Maatregel: {title}", "Measure: {title}"),
        "measure.meta": (
            "Soort: {kind} · uitvoerder: {uitvoerder} · bevoegd gezag: {authority}\n"
            "Risico: {risk}\n"
            "Datum: {due} · status: {status}",
            "Kind: {kind} · uitvoerder: {uitvoerder} · competent authority: {authority}\n"
            "Risk: {risk}\n"
            "Date: {due} · status: {status}",
        ),
        "measure.proposed_by": (
            "Voorgesteld door {org}; {adopted}.",
            "Proposed by {org}; {adopted}.",
        ),
        "measure.adopted_yes": ("vastgesteld door de tafel", "adopted by the table"),
        "measure.history": ("Geschiedenis", "History"),
        "measure.no_history": ("Nog geen geschiedenis.", "No history yet."),
        "measure.adopt": ("Vaststellen", "Adopt"),
        "measure.adjust": ("Aanpassen", "Adjust"),
        "measure.update": ("Status bijwerken", "Update status"),
        "measure.withdraw": ("Intrekken", "Withdraw"),
        "measure.close": ("Sluiten", "Close"),
        "measure.adopted": ("Maatregel vastgesteld.", "Measure adopted."),
        "measure.adjust_title": ("Maatregel aanpassen: {title}", "Adjust the measure: {title}"),
        "measure.reason": ("Reden", "Reason"),
        "measure.no_reason": ("Geef de reden.", "Give the reason."),
        "measure.no_change": ("Er is niets veranderd.", "Nothing was changed."),
        "measure.adjusted": ("Maatregel aangepast.", "Measure adjusted."),
        "measure.status_title": ("Status bijwerken: {title}", "Update the status: {title}"),
        "measure.status": ("Status", "Status"),
        "measure.note": ("Toelichting (niet verplicht)", "Explanation (optional)"),
        "measure.updated": ("Status bijgewerkt.", "Status updated."),
        "measure.withdraw_title": ("Maatregel intrekken: {title}", "Withdraw the measure: {title}"),
        "measure.withdrawn": ("Maatregel ingetrokken.", "Measure withdrawn."),
        "measure.not_uitvoerder": (
            "Alleen de uitvoerder ({uitvoerder}) werkt de status bij.",
            "Only the uitvoerder ({uitvoerder}) updates the status.",
        ),
        "measure.not_withdrawable": (
            "Intrekken kan de voorzitter, of wie voorstelde zolang de maatregel niet is"
            " vastgesteld.",
            "The chair can withdraw, or the proposer while the measure is not adopted.",
        ),
        "measure.ended": ("Deze maatregel is ingetrokken.", "This measure was withdrawn."),
        "measure.already_adopted": ("De maatregel is al vastgesteld.", "The measure is adopted."),
        "history.proposed": ("voorgesteld", "proposed"),
        "history.adopted": ("vastgesteld", "adopted"),
        "history.adjusted": ("aangepast", "adjusted"),
        "history.status": ("status {status}", "status {status}"),
        "history.withdrawn": ("ingetrokken", "withdrawn"),
        "history.line": ("{at}  {org}: {what}", "{at}  {org}: {what}"),
        "history.change": ("  {field}: {old} → {new}", "  {field}: {old} → {new}"),
        "history.note": ("  toelichting: {note}", "  explanation: {note}"),
        "field.title": ("omschrijving", "description"),
        "field.kind": ("soort", "kind"),
        "field.uitvoerder": ("uitvoerder", "uitvoerder"),
        "field.authority": ("bevoegd gezag", "competent authority"),
        "field.risk": ("risico", "risk"),
        "field.due": ("datum", "date"),
        "field.status": ("status", "status"),
        "meetings.hint": (
            "k overleg plannen · g agendapunt · l verslag · w weging bij een overleg",
            "k plan a meeting · g agenda item · l minutes · w assess at a meeting",
        ),
        "meetings.none": ("Nog geen overleg gepland.", "No meeting planned yet."),
        "meetings.heading": ("Overleg {n} · {at}{next}", "Meeting {n} · {at}{next}"),
        "meetings.next": (" (volgend overleg)", " (next meeting)"),
        "meetings.agenda": ("Agenda:", "Agenda:"),
        "meetings.no_agenda": ("Agenda: nog geen punten.", "Agenda: no items yet."),
        "meetings.agenda_item": ("  - {title} ({org})", "  - {title} ({org})"),
        "meetings.verslag": ("Verslag ({org}, {at}):", "Minutes ({org}, {at}):"),
        "meetings.no_verslag": ("Nog geen verslag.", "No minutes yet."),
        "meetings.sealed": ("(niet te lezen voor deze node)", "(this node cannot read it)"),
        "meetings.criteria": (
            "Hoe de criteria bewogen (laagste–hoogste score van de organisaties)",
            "How the criteria moved (lowest–highest score of the organisations)",
        ),
        "meetings.no_criteria": ("Nog geen weging.", "No assessment yet."),
        "meetings.col.criterion": ("Criterium", "Criterion"),
        "meetings.col.intake": ("intake", "intake"),
        "meetings.col.meeting": ("ov. {n}", "mtg {n}"),
        "meeting.plan_title": ("Volgend overleg plannen", "Plan the next meeting"),
        "meeting.at": ("Datum en tijd (JJJJ-MM-DD UU:MM)", "Date and time (YYYY-MM-DD HH:MM)"),
        "meeting.bad_at": ("Datum en tijd: gebruik JJJJ-MM-DD UU:MM.", "Use YYYY-MM-DD HH:MM."),
        "meeting.planned": ("Overleg gepland.", "Meeting planned."),
        "meeting.plan": ("Plannen", "Plan"),
        "meeting.which": ("Overleg", "Meeting"),
        "meeting.choice": ("Overleg {n} · {at}", "Meeting {n} · {at}"),
        "meeting.none": (
            "Er is nog geen overleg gepland; de voorzitter plant het met k.",
            "No meeting is planned yet; the chair plans one with k.",
        ),
        "meeting.agenda_title": ("Agendapunt toevoegen", "Add an agenda item"),
        "meeting.agenda_field": ("Agendapunt", "Agenda item"),
        "meeting.no_title": ("Geef het agendapunt.", "Give the agenda item."),
        "meeting.agenda_added": ("Agendapunt toegevoegd.", "Agenda item added."),
        "meeting.add": ("Toevoegen", "Add"),
        "meeting.verslag_title": ("Verslag vastleggen", "Record the minutes"),
        "meeting.verslag_field": (
            "Verslag (versleuteld voor de leden van het casusoverleg)",
            "Minutes (encrypted to the members of the casusoverleg)",
        ),
        "meeting.no_verslag": ("Schrijf het verslag.", "Write the minutes."),
        "meeting.verslag_saved": ("Verslag vastgelegd.", "Minutes recorded."),
        "meeting.record": ("Vastleggen", "Record"),
        "meeting.not_chair_node": (
            "Het verslag legt de procesregisseur vast, op de node van de voorzitter ({chair}).",
            "The procesregisseur records the minutes, at the chair's node ({chair}).",
        ),
        "reassess.title": ("Weging bij een overleg: {case}", "Assessment at a meeting: {case}"),
        # issue 14, forms: the keys and questions every form shares
        "form.submit": ("Bevestigen", "Confirm"),
        "form.discard": ("Concept weggooien?", "Discard the draft?"),
        "room.export_key": ("Exporteren", "Export"),
        "form.close_list": ("Lijst sluiten", "Close the list"),
        "aanmeldingen.one": ("1 aanmelding", "1 aanmelding"),
        "form.example": ("bijv. {example}", "e.g. {example}"),
        "convene.no_meeting": (
            "Vul de datum en tijd van het overleg in (JJJJ-MM-DD UU:MM).",
            "Fill in the date and time of the meeting (YYYY-MM-DD HH:MM).",
        ),
        "measure.no_due": (
            "Vul de termijn in (JJJJ-MM-DD).", "Fill in the deadline (YYYY-MM-DD)."
        ),
        "meeting.no_at": (
            "Vul de datum en tijd in (JJJJ-MM-DD UU:MM).",
            "Fill in the date and time (YYYY-MM-DD HH:MM).",
        ),
    }
)

# -- access from a workstation (issue 14, point 4) ---------------------------------------
_DESK_ERRORS = {
    "node.session_account": (
        "Deze sessie is van een ander account op deze computer. Log zelf in.",
        "This session belongs to another operating-system account. Log in yourself.",
    ),
    "node.login_account": (
        "Dit medewerkersaccount logt alleen in vanaf het eigen account op de server.",
        "This staff account logs in only from its own operating-system account.",
    ),
}
_DESK_ACTIONS = {
    "session_refused": (
        "sessie geweigerd: gebruikt vanaf een ander account",
        "session refused: used from another account",
    ),
}
ERRORS.update(_DESK_ERRORS)
ACTIONS.update(_DESK_ACTIONS)
CATALOGUE.update({f"error.{code}": texts for code, texts in _DESK_ERRORS.items()})
CATALOGUE.update({f"audit.action.{action}": texts for action, texts in _DESK_ACTIONS.items()})

# -- layout, a stopped partner, the audit view (issue 14) ---------------------------------
CATALOGUE.update(
    {
        "plan.col.owner_kind": ("Uitvoerder", "Responsible"),
        # the audit view: a filter of words, the basis and verstrekking, one entry, counts
        "audit.filter_words": (
            "Filter: woorden uit handeling, door, casus, grondslag of kenmerk",
            "Filter: words of action, actor, case, basis or id",
        ),
        "audit.col.about": ("Grondslag · kenmerk", "Basis · id"),
        "audit.count_found": (
            "{shown} van {total} regels gevonden",
            "{shown} of {total} entries found",
        ),
        "audit.count_newest": (
            "{shown} regels: de nieuwste {loaded} van {total}",
            "{shown} entries: the newest {loaded} of {total}",
        ),
        "audit.count_found_newest": (
            "{shown} gevonden in de nieuwste {loaded} van {total} regels",
            "{shown} found in the newest {loaded} of {total} entries",
        ),
        "audit.ok_node": (
            "Auditketen van deze node intact: alle {n} regels geverifieerd (deze weergave: {total}).",
            "This node's audit chain is intact: all {n} entries verified (this view: {total}).",
        ),
        "audit.entry_title": ("Auditregel {seq}", "Audit entry {seq}"),
        "audit.field.seq": ("Volgnummer: {value}", "Sequence: {value}"),
        "audit.field.at": ("Tijd: {value}", "Time: {value}"),
        "audit.field.actor": ("Door: {value}", "Actor: {value}"),
        "audit.field.action": ("Handeling: {value}", "Action: {value}"),
        "audit.field.case": ("Casus: {value}", "Case: {value}"),
        "audit.field.room": ("Casusoverleg (id): {value}", "Casusoverleg (id): {value}"),
        "audit.detail.basis": ("Grondslag", "Basis"),
        "audit.detail.share": ("Verstrekking", "Verstrekking"),
        "audit.detail.categories": ("Categorieën", "Categories"),
        "audit.detail.recipients": ("Ontvangers", "Recipients"),
        "audit.detail.request": ("Informatieverzoek", "Information request"),
        "audit.detail.transfer": ("Overdracht", "Transfer"),
        "audit.detail.code": ("Foutcode", "Error code"),
        "audit.detail.kind": ("Soort", "Kind"),
        "audit.detail.staff": ("Medewerker", "Staff member"),
        "audit.detail.items": ("Aantal", "Items"),
        "audit.detail.to": ("Aan", "To"),
        "audit.detail.outcome": ("Uitkomst", "Outcome"),
        "audit.detail.reason": ("Reden", "Reason"),
        "audit.detail.purpose": ("Doel", "Purpose"),
        # why a session ended, by the node's reason (SessionError's detail)
        "login.session_idle": (
            "Uw sessie is verlopen: te lang niet gebruikt. Log opnieuw in.",
            "Your session has expired: unused for too long. Log in again.",
        ),
        "login.session_ended": (
            "Uw sessie is beëindigd: de node kent haar niet meer (de node is opnieuw"
            " gestart of hersteld, of u bent uitgelogd). Log opnieuw in.",
            "Your session has ended: the node no longer knows it (the node was restarted"
            " or restored, or you were logged out). Log in again.",
        ),
        # a partner that does not answer, and who a verstrekking waits for
        "partners.unreachable_since": (
            "onbereikbaar sinds {since} ({n} mislukt)",
            "unreachable since {since} ({n} failed)",
        ),
        "shares.waits_for": ("wacht op {who}", "waiting for {who}"),
        "shares.who_unreachable": (
            "{who} (onbereikbaar sinds {since})",
            "{who} (unreachable since {since})",
        ),
        "shares.who_unreachable_now": ("{who} (onbereikbaar)", "{who} (unreachable)"),
    }
)

# -- integration of issue 14 ---------------------------------------------------------------
CATALOGUE.update(
    {
        "meldingen.one": ("1 melding", "1 report"),
    }
)
CATALOGUE.update(
    {
        "rooms.empty_invited": (
            "Geen casussen. Een casus verschijnt hier zodra de voorzitter van een "
            "casusoverleg u uitnodigt; met m meldt u een persoon aan.",
            "No cases. A case appears here once the chair of a casusoverleg invites you; "
            "press m to refer a person.",
        ),
    }
)
