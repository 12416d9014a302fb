"""Own the words of the bodies of `twoway results`, `campaign` and `contacts` in English and
French, by key (the column names of CSV, JSON and XLSX stay English)."""

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
    "cli.password": {"en": "Password", "fr": "Mot de passe"},
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
    # --- twoway contacts ---------------------------------------------------------------------
    "contacts.memory": {
        "en": "the store is :memory:, nothing would be kept; give --db FILE",
        "fr": "la base est :memory:, rien n'y serait gardé ; donnez --db FICHIER",
    },
    "contacts.country": {
        "en": "'{code}' is not a known country code",
        "fr": "'{code}' n'est pas un code de pays connu",
    },
    "contacts.value": {"en": "'{value}': ", "fr": "'{value}' : "},
    "contacts.refused": {"en": "row {row}: {value}{reason}", "fr": "ligne {row} : {value}{reason}"},
    "contacts.no_numbers": {
        "en": "no numbers in the configuration: give --number N (repeatable)",
        "fr": "aucun numéro dans la configuration : donnez --number N (répétable)",
    },
    "contacts.numbers.one": {"en": "{count} number", "fr": "{count} numéro"},
    "contacts.numbers.other": {"en": "{count} numbers", "fr": "{count} numéros"},
    "contacts.opted_out": {
        "en": "opted out {numbers} of {ours} ({fresh} new, {already} already), refused {refused}",
        "fr": "désinscrit {numbers} de {ours} ({fresh} nouveaux, {already} déjà), refusés "
        "{refused}",
    },
    "contacts.removed.contact.one": {"en": "{count} contact", "fr": "{count} contact"},
    "contacts.removed.contact.other": {"en": "{count} contacts", "fr": "{count} contacts"},
    "contacts.removed.sessions.one": {"en": "{count} session", "fr": "{count} session"},
    "contacts.removed.sessions.other": {"en": "{count} sessions", "fr": "{count} sessions"},
    "contacts.removed.votes.one": {"en": "{count} vote", "fr": "{count} vote"},
    "contacts.removed.votes.other": {"en": "{count} votes", "fr": "{count} votes"},
    "contacts.removed.answers.one": {"en": "{count} answer", "fr": "{count} réponse"},
    "contacts.removed.answers.other": {"en": "{count} answers", "fr": "{count} réponses"},
    "contacts.removed.events.one": {"en": "{count} event", "fr": "{count} événement"},
    "contacts.removed.events.other": {"en": "{count} events", "fr": "{count} événements"},
    "contacts.removed.timers.one": {"en": "{count} timer", "fr": "{count} minuterie"},
    "contacts.removed.timers.other": {"en": "{count} timers", "fr": "{count} minuteries"},
    "contacts.removed.inbox.one": {
        "en": "{count} inbox row",
        "fr": "{count} ligne de boîte de réception",
    },
    "contacts.removed.inbox.other": {
        "en": "{count} inbox rows",
        "fr": "{count} lignes de boîte de réception",
    },
    "contacts.removed.threads.one": {
        "en": "{count} inbox thread",
        "fr": "{count} fil de boîte de réception",
    },
    "contacts.removed.threads.other": {
        "en": "{count} inbox threads",
        "fr": "{count} fils de boîte de réception",
    },
    "contacts.removed.held_parts.one": {
        "en": "{count} held message part",
        "fr": "{count} segment de message retenu",
    },
    "contacts.removed.held_parts.other": {
        "en": "{count} held message parts",
        "fr": "{count} segments de message retenus",
    },
    "contacts.removed.whole": {
        "en": "1 contact ({fields}, {groups})",
        "fr": "1 contact ({fields}, {groups})",
    },
    "contacts.fields.one": {"en": "{count} fields", "fr": "{count} champ"},
    "contacts.fields.other": {"en": "{count} fields", "fr": "{count} champs"},
    "contacts.groups.one": {"en": "{count} groups", "fr": "{count} groupe"},
    "contacts.groups.other": {"en": "{count} groups", "fr": "{count} groupes"},
    "contacts.blanked": {
        "en": "blanked {inbound} inbound and {outbox} outbox texts",
        "fr": "effacé les textes de {inbound} messages reçus et de {outbox} messages sortants",
    },
    "contacts.nothing": {"en": "nothing", "fr": "rien"},
    "contacts.forgot": {
        "en": "forgot {phone}: removed {removed}; {blanked}",
        "fr": "{phone} oublié : supprimé {removed} ; {blanked}",
    },
    "contacts.kept": {
        "en": "kept its opt-out of {count} number(s): it stays silenced",
        "fr": "sa désinscription de {count} numéro(s) est gardée : il reste sans message",
    },
}
