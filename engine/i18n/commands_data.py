"""Own the words of the bodies of `twoway results`, `report`, `campaign`, `contacts` and
`chat` in English and French, by key (the column names of CSV, JSON and XLSX stay English)."""

from __future__ import annotations

__all__ = ["DATA"]

DATA: dict[str, dict[str, str]] = {
    # --- twoway results: the titles and column names of its table (CSV, JSON, XLSX: English) -
    "results.title.votes_per_choice": {"en": "votes per choice", "fr": "votes par choix"},
    "results.title.totals": {"en": "totals", "fr": "totaux"},
    "results.title.votes_per_hour": {"en": "votes per hour", "fr": "votes par heure"},
    "results.title.respondents": {"en": "respondents", "fr": "répondants"},
    "results.title.answers_per_question": {
        "en": "answers per question",
        "fr": "réponses par question",
    },
    "results.title.sessions": {"en": "sessions", "fr": "sessions"},
    "results.title.sessions_ended_by": {"en": "sessions ended by", "fr": "sessions terminées par"},
    "results.title.campaigns": {"en": "campaigns", "fr": "campagnes"},
    "results.column.choice": {"en": "choice", "fr": "choix"},
    "results.column.label": {"en": "label", "fr": "libellé"},
    "results.column.votes": {"en": "votes", "fr": "votes"},
    "results.column.voters": {"en": "voters", "fr": "votants"},
    "results.column.refused_second": {"en": "refused_second", "fr": "refusés (2e vote)"},
    "results.column.refused_closed": {"en": "refused_closed", "fr": "refusés (clos)"},
    "results.column.refused_not_open": {"en": "refused_not_open", "fr": "refusés (pas ouvert)"},
    "results.column.hour": {"en": "hour", "fr": "heure"},
    "results.column.phone": {"en": "phone", "fr": "téléphone"},
    "results.column.started": {"en": "started", "fr": "commencées"},
    "results.column.completed": {"en": "completed", "fr": "terminés"},
    "results.column.respondents": {"en": "respondents", "fr": "répondants"},
    "results.column.completion_rate": {"en": "completion_rate", "fr": "taux de complétion"},
    "results.column.question": {"en": "question", "fr": "question"},
    "results.column.value": {"en": "value", "fr": "valeur"},
    "results.column.count": {"en": "count", "fr": "nombre"},
    "results.column.active": {"en": "active", "fr": "actives"},
    "results.column.handoffs": {"en": "handoffs", "fr": "transferts"},
    "results.column.reason": {"en": "reason", "fr": "raison"},
    "results.column.campaign": {"en": "campaign", "fr": "campagne"},
    "results.column.title": {"en": "title", "fr": "titre"},
    "results.column.status": {"en": "status", "fr": "état"},
    "results.column.recipients": {"en": "recipients", "fr": "destinataires"},
    "results.column.sent": {"en": "sent", "fr": "envoyés"},
    "results.column.delivered": {"en": "delivered", "fr": "remis"},
    "results.column.failed": {"en": "failed", "fr": "échoués"},
    "results.column.replied": {"en": "replied", "fr": "ont répondu"},
    "results.column.opted_out": {"en": "opted_out", "fr": "désinscrits"},
    "results.column.held": {"en": "held", "fr": "retenus"},
    "results.column.response_rate": {"en": "response_rate", "fr": "taux de réponse"},
    "results.column.respondents.started": {"en": "started", "fr": "début"},
    "results.column.respondents.completed": {"en": "completed", "fr": "fin"},
    # --- twoway campaign ----------------------------------------------------------------------
    "campaign.none": {"en": "none", "fr": "aucune"},
    "campaign.status.running": {"en": "running", "fr": "en cours"},
    "campaign.status.paused": {"en": "paused", "fr": "en pause"},
    "campaign.status.cancelled": {"en": "cancelled", "fr": "annulée"},
    "campaign.status.done": {"en": "done", "fr": "terminée"},
    "campaign.status.not_started": {"en": "not started", "fr": "non lancée"},
    "campaign.audience.group": {"en": "group {group}", "fr": "groupe {group}"},
    "campaign.audience.file": {"en": "file {file}", "fr": "fichier {file}"},
    "campaign.audience.not_replied": {
        "en": "not replied to {campaign} after {after}",
        "fr": "sans réponse à {campaign} après {after}",
    },
    "campaign.preview.audience": {"en": "audience", "fr": "audience"},
    "campaign.preview.recipients": {"en": "recipients", "fr": "destinataires"},
    "campaign.preview.excluded": {"en": "excluded", "fr": "exclus"},
    "campaign.preview.encoding": {"en": "encoding", "fr": "encodage"},
    "campaign.preview.segments": {"en": "segments", "fr": "segments"},
    "campaign.preview.silent": {"en": "silent", "fr": "muets"},
    "campaign.preview.throughput": {"en": "throughput", "fr": "débit"},
    "campaign.preview.quiet_hours": {"en": "quiet hours", "fr": "heures calmes"},
    "campaign.preview.first": {"en": "first", "fr": "premier"},
    "campaign.preview.last": {"en": "last", "fr": "dernier"},
    "campaign.preview.from": {
        "en": "{audience}, from {number}",
        "fr": "{audience}, depuis le {number}",
    },
    "campaign.preview.to": {"en": "  to {phone}:", "fr": "  à {phone} :"},
    "campaign.preview.parts": {
        "en": "{low}–{high} per message, {total} in all",
        "fr": "{low} à {high} par message, {total} en tout",
    },
    "campaign.preview.silent_why": {
        "en": "{count} (the flow sends them nothing at its start)",
        "fr": "{count} (le parcours ne leur envoie rien à son début)",
    },
    "campaign.preview.rate": {"en": "{rate}/s", "fr": "{rate}/s"},
    "campaign.status.until": {"en": " (until {at})", "fr": " (jusqu'au {at})"},
    "campaign.count.recipients": {"en": "recipients", "fr": "destinataires"},
    "campaign.count.queued": {"en": "queued", "fr": "en file"},
    "campaign.count.held": {"en": "held", "fr": "retenus"},
    "campaign.count.started": {"en": "started", "fr": "commencés"},
    "campaign.count.sent": {"en": "sent", "fr": "envoyés"},
    "campaign.count.delivered": {"en": "delivered", "fr": "remis"},
    "campaign.count.failed": {"en": "failed", "fr": "échoués"},
    "campaign.count.replied": {"en": "replied", "fr": "ont répondu"},
    "campaign.count.opted_out": {"en": "opted out", "fr": "désinscrits"},
    "campaign.count.skipped": {"en": "skipped: {reason}", "fr": "ignorés : {reason}"},
    "campaign.count.excluded": {"en": "excluded: {reason}", "fr": "exclus : {reason}"},
    "campaign.count.cancelled": {"en": "cancelled", "fr": "annulés"},
    "campaign.recipients": {"en": "  {count} recipients", "fr": "  {count} destinataires"},
    "campaign.started": {
        "en": "started {campaign}: {recipients} recipients, {excluded} excluded; first message "
        "{first}, last about {last}",
        "fr": "{campaign} lancée : {recipients} destinataires, {excluded} exclus ; premier "
        "message le {first}, dernier vers le {last}",
    },
    "campaign.no_such": {
        "en": "no campaign named '{name}' in {rules} (campaigns: {known})",
        "fr": "aucune campagne nommée '{name}' dans {rules} (campagnes : {known})",
    },
    "campaign.memory": {
        "en": "the store is :memory:, a campaign would not be kept; give --db FILE",
        "fr": "la base est :memory:, une campagne n'y serait pas gardée ; donnez --db FICHIER",
    },
    "campaign.bad_phone": {
        "en": "'{phone}' is not a valid phone number",
        "fr": "'{phone}' n'est pas un numéro de téléphone valide",
    },
    "campaign.started_once": {
        "en": "campaign {name} was started on {at} and is {status}; a campaign starts once "
        "(see twoway campaign status {name})",
        "fr": "la campagne {name} a été lancée le {at} et est {status} ; une campagne ne se "
        "lance qu'une fois (voir twoway campaign status {name})",
    },
    "campaign.needs_yes": {
        "en": "{count} recipients: run it again with --yes to start",
        "fr": "{count} destinataires : relancez avec --yes pour la lancer",
    },
    "campaign.confirm": {
        "en": "Send campaign {name} to {count} recipients?",
        "fr": "Envoyer la campagne {name} à {count} destinataires ?",
    },
    "campaign.meanwhile": {
        "en": "campaign {name} was started meanwhile",
        "fr": "la campagne {name} a été lancée entre-temps",
    },
    "campaign.never_started": {
        "en": "campaign {name} was never started",
        "fr": "la campagne {name} n'a jamais été lancée",
    },
    "campaign.cannot_be": {
        "en": "campaign {name} is {status}; it cannot be {want}",
        "fr": "la campagne {name} est {status} ; elle ne peut pas être {want}",
    },
    # --- the commands' common errors ------------------------------------------------------
    "cli.no_store": {"en": "no store at {store}", "fr": "aucune base à {store}"},
    "cli.backup.memory": {
        "en": "the store is :memory:, there is nothing on disk to back up",
        "fr": "la base est :memory:, il n'y a rien sur le disque à sauvegarder",
    },
    "cli.empty_password": {"en": "the password is empty", "fr": "le mot de passe est vide"},
    "cli.cannot_write": {
        "en": "cannot write {path}: {reason}",
        "fr": "impossible d'écrire {path} : {reason}",
    },
    "cli.xlsx_output": {
        "en": "--format xlsx writes a file: give --output FILE.xlsx",
        "fr": "--format xlsx écrit un fichier : donnez --output FICHIER.xlsx",
    },
    "results.unknown": {
        "en": "no poll, survey, flow or campaign named '{name}' (known: {known})",
        "fr": "aucun sondage, questionnaire, parcours ou campagne nommé '{name}' "
        "(connus : {known})",
    },
    # --- twoway chat ------------------------------------------------------------------------
    "chat.help": {
        "en": (
            "/start FLOW [key=value …]  start a flow (or a schedule) for you; contact.x=… sets "
            "your field x\n"
            "/wait DURATION             move the clock (25h, 1d 2h, 90s): the timers that fall "
            "due fire\n"
            "/now [TIME]                show the clock, or set it (ISO 8601; without an offset, "
            "in the\n"
            "                           rules' timezone): moving forward fires the timers that "
            "fall due\n"
            "/from [NUMBER]             show the phone you text from, or switch to another one\n"
            "/state                     your session (flow, state, variables, deadline) and "
            "contact\n"
            "/why [TEXT]                why the last message got its answer (the precedence "
            "step, the\n"
            "                           rule's file:line, the cases tried, the replies' SMS "
            "parts), or\n"
            "                           what TEXT would do, without sending it\n"
            "/help                      this list\n"
            "/quit                      end the chat (Ctrl-D does too)\n"
            '//text                     send "/text" as a message'
        ),
        "fr": (
            "/start PARCOURS [clé=valeur …]  lancer un parcours (ou une programmation) pour "
            "vous ;\n"
            "                                contact.x=… fixe votre champ x\n"
            "/wait DURÉE                     avancer l'horloge (25h, 1d 2h, 90s) : les minuteries "
            "échues\n"
            "                                se déclenchent\n"
            "/now [HEURE]                    afficher l'horloge, ou la régler (ISO 8601 ; sans "
            "décalage,\n"
            "                                dans le fuseau des règles) : avancer déclenche les\n"
            "                                minuteries échues\n"
            "/from [NUMÉRO]                  afficher le téléphone d'où vous écrivez, ou en "
            "changer\n"
            "/state                          votre session (parcours, état, variables, échéance) "
            "et votre\n"
            "                                contact\n"
            "/why [TEXTE]                    pourquoi le dernier message a eu cette réponse "
            "(l'étape de\n"
            "                                précédence, le fichier:ligne de la règle, les cas "
            "essayés,\n"
            "                                les segments SMS des réponses), ou ce que ferait "
            "TEXTE, sans\n"
            "                                l'envoyer\n"
            "/help                           cette liste\n"
            "/quit                           finir la conversation (Ctrl-D aussi)\n"
            "//texte                         envoyer « /texte » comme message"
        ),
    },
    "chat.welcome": {
        "en": "You are {phone}, texting {number}. /help for commands, Ctrl-D to quit.",
        "fr": "Vous êtes {phone} et écrivez au {number}. /help pour les commandes, Ctrl-D pour "
        "quitter.",
    },
    "chat.bad_now": {
        "en": "'{text}' is not a date and time (like 2026-12-03T09:00:00+01:00)",
        "fr": "'{text}' n'est pas une date et une heure (comme 2026-12-03T09:00:00+01:00)",
    },
    "chat.to": {"en": "(to {to}) ", "fr": "(à {to}) "},
    "chat.none": {"en": "none", "fr": "aucun"},
    "chat.no_command": {"en": "no command /{name}", "fr": "aucune commande /{name}"},
    "chat.usage.wait": {
        "en": "usage: /wait DURATION (like 25h, 1d 2h, 90s)",
        "fr": "usage : /wait DURÉE (comme 25h, 1d 2h, 90s)",
    },
    "chat.now": {"en": "now: {now}", "fr": "maintenant : {now}"},
    "chat.not_a_time": {
        "en": "'{text}' is not a date and time",
        "fr": "'{text}' n'est pas une date et une heure",
    },
    "chat.usage.now": {
        "en": "usage: /now 2026-12-03T09:00:00+01:00 (or without an offset, in the rules' "
        "timezone)",
        "fr": "usage : /now 2026-12-03T09:00:00+01:00 (ou sans décalage, dans le fuseau des "
        "règles)",
    },
    "chat.no_going_back": {
        "en": "a recorded chat cannot go back in time (a test's clock only moves forward)",
        "fr": "une conversation enregistrée ne peut pas remonter le temps (l'horloge d'un test "
        "ne fait qu'avancer)",
    },
    "chat.you_are": {
        "en": "you are {phone}, texting {number}",
        "fr": "vous êtes {phone} et écrivez au {number}",
    },
    "chat.usage.start": {
        "en": "usage: /start FLOW [key=value …]",
        "fr": "usage : /start PARCOURS [clé=valeur …]",
    },
    "chat.startable": {
        "en": "flows you can start: {flows}",
        "fr": "parcours que vous pouvez lancer : {flows}",
    },
    "chat.unreadable": {
        "en": "cannot read the arguments: {reason}",
        "fr": "impossible de lire les arguments : {reason}",
    },
    "chat.no_flow": {
        "en": "no flow or schedule named '{name}'",
        "fr": "aucun parcours ni programmation nommé '{name}'",
    },
    "chat.no_flow.hint": {"en": "{said}: {hint}", "fr": "{said} : {hint}"},
    "chat.not_key_value": {
        "en": "'{word}' is not key=value",
        "fr": "'{word}' n'est pas de la forme clé=valeur",
    },
    "chat.state.session": {"en": "session: {session}", "fr": "session : {session}"},
    "chat.state.variables": {"en": "variables: {variables}", "fr": "variables : {variables}"},
    "chat.state.deadline": {
        "en": "deadline: {deadline}{kind}",
        "fr": "échéance : {deadline}{kind}",
    },
    "chat.state.contact": {"en": "contact: {fields}", "fr": "contact : {fields}"},
    "chat.state.groups": {"en": "groups: {groups}", "fr": "groupes : {groups}"},
    "chat.state.opted_out": {
        "en": "opted out of: {numbers}",
        "fr": "désinscrit de : {numbers}",
    },
    "chat.state.votes": {"en": "votes: {votes}", "fr": "votes : {votes}"},
    "chat.why.nothing": {
        "en": "no message sent yet: /why TEXT explains TEXT without sending it",
        "fr": "aucun message envoyé pour l'instant : /why TEXTE explique TEXTE sans l'envoyer",
    },
    "chat.record.empty_store": {
        "en": "the recorded test starts from an empty store, without what {db} holds",
        "fr": "le test enregistré part d'une base vide, sans ce que contient {db}",
    },
    "chat.record.other_phone": {
        "en": "contact fields of {phone} are not recorded (a test sets those of {sender} only)",
        "fr": "les champs du contact {phone} ne sont pas enregistrés (un test ne fixe que ceux "
        "de {sender})",
    },
    "chat.record.fields_first": {
        "en": "the recorded test sets these contact fields before its first step",
        "fr": "le test enregistré fixe ces champs du contact avant sa première étape",
    },
    "chat.note.unhandled": {
        "en": "no rule answered: the message is in the inbox for a person",
        "fr": "aucune règle n'a répondu : le message attend une personne dans la boîte de "
        "réception",
    },
    "chat.note.unmatched": {
        "en": "the waiting flow did not understand: the message is in the inbox",
        "fr": "le parcours en attente n'a pas compris : le message est dans la boîte de réception",
    },
    "chat.note.handoff": {"en": "handed to the {team} team", "fr": "transféré à l'équipe {team}"},
    "chat.note.held": {
        "en": "the {team} team has this conversation: the message joins its thread, unanswered",
        "fr": "l'équipe {team} tient cette conversation : le message rejoint son fil, sans réponse",
    },
    "chat.note.ignored": {"en": "ignored ({reason})", "fr": "ignoré ({reason})"},
    "chat.note.reply_limited": {
        "en": "reply limit reached ({limit} per window): nothing sent",
        "fr": "limite de réponses atteinte ({limit} par fenêtre) : rien n'est envoyé",
    },
    "chat.note.retries_exhausted": {
        "en": "no valid answer after the retries",
        "fr": "aucune réponse valide après les relances",
    },
    "chat.note.error": {"en": "rule error: {message}", "fr": "erreur de règle : {message}"},
    "chat.note.keyword_corrected": {
        "en": "read '{typed}' as the keyword '{keyword}'",
        "fr": "'{typed}' lu comme le mot-clé '{keyword}'",
    },
    "chat.note.session_expired": {
        "en": "the {flow} session expired (it waited in {state})",
        "fr": "la session {flow} a expiré (elle attendait dans {state})",
    },
    "chat.note.log": {"en": "log: {text}", "fr": "journal : {text}"},
}
