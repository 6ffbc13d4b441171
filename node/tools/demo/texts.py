"""The demo's words, in Dutch and English: its messages and the meeting's steps."""

from __future__ import annotations

TEXT = {
    "nl": {
        "ask": "Bestaande demo hergebruiken of opnieuw beginnen? [H/o] ",
        "created": "demo aangemaakt in {dir} ({secs:.1f} s)",
        "reused": "bestaande demo in {dir}",
        "starting": "zes nodes starten ...",
        "ready": "zes nodes draaien ({secs:.1f} s); logs in {dir}/<node>/node.log",
        "table": "Demo-accounts (node, naam, functie, wachtwoord; ook in {dir}/demo.json):",
        "others": "De TUI van een andere partner, in een tweede terminal:",
        "serving": "De zes nodes draaien tot Ctrl-C.",
        "stopping": "nodes stoppen ...",
        "stopped": "alle nodes gestopt",
        "interrupted": "onderbroken",
        "meeting": "casusoverleg {case} (headless)",
        "done": "alles bevestigd: casusoverleg in {secs:.1f} s",
        "failed": "MISLUKT bij stap: {step}",
        "shares": "Verstrekkingen",
        "nodes": "Nodes",
        "running": "er draait al een demo-node uit {dir} ({nodes}); stop die eerst",
        "not_demo": "{dir} bestaat en is geen demo; kies een andere --dir",
        "no_demo": "geen demo in {dir}; maak er een met `casusnet demo --setup-only`",
        "setup_only": "opgezet; wachtwoorden staan in {dir}/demo.json",
        "use_attach": (
            "de demo uit {dir} draait al (pid {pid}, bijvoorbeeld `make demo` in een andere"
            " terminal); houd het overleg tegen die nodes met `casusnet demo --headless"
            " --attach`"
        ),
        "demo_running": (
            "de demo uit {dir} draait al (pid {pid}) in een andere terminal; stop die daar"
            " (Ctrl+Q of Ctrl-C), of gebruik `casusnet demo --headless --attach`"
        ),
        "leftovers_stopped": "achtergebleven demo-nodes gestopt: {nodes}",
        "port_taken": (
            "een poort of socket van de demo uit {dir} is bezet door een ander programma:"
            " {what}; stop dat, of begin opnieuw met nieuwe poorten: `casusnet demo --reset`"
        ),
        "stopped_nodes": "nodes gestopt: {nodes}",
        "stopped_all": "alle nodes gestopt: {nodes}",
        "by_hand": "{node} (met de hand gestart, pid {pid})",
        "none_running": "er draaide geen node meer",
        "not_stopped": "NIET gestopt: {nodes}; stop ze met `kill {pids}`",
    },
    "en": {
        "ask": "Reuse the existing demo or start afresh? [R/n] ",
        "created": "demo created in {dir} ({secs:.1f} s)",
        "reused": "existing demo in {dir}",
        "starting": "starting six nodes ...",
        "ready": "six nodes running ({secs:.1f} s); logs in {dir}/<node>/node.log",
        "table": "Demo accounts (node, name, function, passphrase; also in {dir}/demo.json):",
        "others": "Another partner's TUI, in a second terminal:",
        "serving": "The six nodes run until Ctrl-C.",
        "stopping": "stopping nodes ...",
        "stopped": "all nodes stopped",
        "interrupted": "interrupted",
        "meeting": "casusoverleg {case} (headless)",
        "done": "everything confirmed: the casusoverleg took {secs:.1f} s",
        "failed": "FAILED at step: {step}",
        "shares": "Shares",
        "nodes": "Nodes",
        "running": "a demo node is already running from {dir} ({nodes}); stop it first",
        "not_demo": "{dir} exists and is not a demo; choose another --dir",
        "no_demo": "no demo in {dir}; create one with `casusnet demo --setup-only`",
        "setup_only": "set up; the passphrases are in {dir}/demo.json",
        "use_attach": (
            "the demo from {dir} is already running (pid {pid}, `make demo` in another"
            " terminal, say); hold the meeting against its nodes with `casusnet demo"
            " --headless --attach`"
        ),
        "demo_running": (
            "the demo from {dir} is already running (pid {pid}) in another terminal; stop"
            " it there (Ctrl+Q or Ctrl-C), or use `casusnet demo --headless --attach`"
        ),
        "leftovers_stopped": "stopped demo nodes left running: {nodes}",
        "port_taken": (
            "a port or socket of the demo from {dir} is held by another program: {what};"
            " stop it, or start afresh with new ports: `casusnet demo --reset`"
        ),
        "stopped_nodes": "nodes stopped: {nodes}",
        "stopped_all": "all nodes stopped: {nodes}",
        "by_hand": "{node} (started by hand, pid {pid})",
        "none_running": "no node was running any more",
        "not_stopped": "NOT stopped: {nodes}; stop them with `kill {pids}`",
    },
}

# the meeting's steps, in Dutch and English
STEPS = {
    "meeting": ("casusoverleg {case}", "casusoverleg {case}"),
    "login": ("inloggen bij zes nodes", "logging in at six nodes"),
    "melding": (
        "register van meldingen: de gemeente legt een melding van school vast; opvolging "
        "aanmelding {case}",
        "register of meldingen: the gemeente records a melding from a school; followed up "
        "as aanmelding {case}",
    ),
    "aanmelding": (
        "reclassering meldt {case} aan bij de gemeente van verblijf (Wet PGA art. 5 lid 1)",
        "reclassering registers {case} with the gemeente van verblijf (Wet PGA art. 5 lid 1)",
    ),
    "convene": (
        "gemeente maakt het casusoverleg aan vanuit de aanmelding; politie en OM aan tafel "
        "voor de intake",
        "gemeente convenes the casusoverleg from the aanmelding; politie and OM at the table "
        "for the intake",
    ),
    "exchange": (
        "analyse: gemeente verstrekt de signalen aan politie en OM (pga-r)",
        "analyse: gemeente supplies the signalen to politie and OM (pga-r)",
    ),
    "assess": (
        "burgemeester, politie en OM leggen elk hun beoordeling vast (versleuteld, met motivering)",
        "burgemeester, politie and OM each record their assessment (sealed, with a reasoning)",
    ),
    "beoordeling": (
        "eensluidende beoordeling 'voorleggen', ondertekend door burgemeester, politie en OM",
        "joint beoordeling 'voorleggen', endorsed by burgemeester, politie and OM",
    ),
    "verzamelen": (
        "verzamelen (art. 5 lid 4): politie verstrekt politiegegevens (wpg-20) aan gemeente en OM",
        "gathering (art. 5 lid 4): politie supplies politiegegevens (wpg-20) to gemeente and OM",
    ),
    "samenstelling": (
        "samenstelling: reclassering als deelnemer, GGZ als derde (met reden); ondertekend",
        "samenstelling: reclassering as deelnemer, GGZ as derde (with its reason); endorsed",
    ),
    "admit": (
        "reclassering en GGZ uitgenodigd; zonder verdere instemming aan tafel (genoemd)",
        "reclassering and GGZ invited; at the table without further consent (named)",
    ),
    "share": (
        "{node} verstrekt op grond van {basis} ({categories})",
        "{node} supplies under {basis} ({categories})",
    ),
    "share_to": (" aan {recipients}", " with {recipients}"),
    "delivered": (": afgeleverd bij {n}", ": delivered to {n}"),
    "view": (
        "OM leest de verstrekking van politie (gelogd); GGZ alleen wat aan GGZ gericht is",
        "OM reads politie's supply (audited); GGZ only what was addressed to it",
    ),
    "plan": (
        "plan van aanpak: OM, gemeente en reclassering stellen maatregelen voor, de voorzitter"
        " stelt ze vast; verslag van dit overleg, volgend overleg met een agendapunt",
        "plan van aanpak: OM, gemeente and reclassering propose measures, the chair adopts"
        " them; verslag of this meeting, the next meeting with an agenda point",
    ),
    "close": (
        "afsluiten (afgeschaald): gemeente stelt voor met de evaluatie, de deelnemers ondertekenen",
        "closure (afgeschaald): gemeente proposes with the evaluation, the deelnemers sign",
    ),
    "deleted": (
        "elke partner trekt in: elke verstrekking bij elke ontvanger verwijderd",
        "every partner revokes: every supply deleted at every recipient",
    ),
    "receipts": (
        "sluitingsbewijzen van alle leden bij alle nodes",
        "closed receipts of every member at every node",
    ),
    "share_head": (
        "verstrekking|afzender|grondslag|ontvangers|afgeleverd|verwijderd",
        "share|sender|basis|recipients|delivered|deleted",
    ),
    "node_head": ("node|fase|sluitingsbewijzen", "node|phase|closed receipts"),
}
