"""Own the words of `twoway chat` (its welcome, ``/help``, ``/state``, refusals and notes) in
English and French, by key."""

from __future__ import annotations

__all__ = ["CHAT"]

CHAT: dict[str, dict[str, str]] = {
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
    "chat.groups": {"en": "contact.groups: {problem}", "fr": "contact.groups : {problem}"},
}
