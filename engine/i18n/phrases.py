"""Own the French of texts known by their English words: the ``x-`` annotations of
``schemas/rules.schema.json`` (``x-kind``, ``x-expect``, ``x-none-message``, …), which stay
English in the schema file; ``engine.i18n.phrase`` looks them up. ``{0}`` and ``{1}`` are the
keys an ``x-two-message`` names."""

from __future__ import annotations

__all__ = ["PHRASES"]

PHRASES: dict[str, str] = {
    # --- x-kind: what a map is ----------------------------------------------------------------
    "the file": "le fichier",
    "a campaign": "une campagne",
    "a case": "un cas",
    "a check": "une vérification",
    "a choice question": "une question à choix",
    "a choose case": "un cas de choose",
    "a flow": "un parcours",
    "a map of texts by language": "un dictionnaire de textes par langue",
    "a poll": "un vote",
    "a question": "une question",
    "a rule file": "un fichier de règles",
    "a settings file": "un fichier de réglages",
    "a state": "un état",
    "a survey": "une enquête",
    "a test": "un test",
    "a test file": "un fichier de tests",
    "a test step": "une étape de test",
    "a timeout": "un délai (timeout)",
    "a trigger": "un déclencheur",
    "an autoreply entry": "une entrée d'autoreply",
    "an autoreply file": "un fichier autoreply",
    "an expected message": "un message attendu",
    # --- what a value is ----------------------------------------------------------------------
    "a whole number": "un nombre entier",
    "a number": "un nombre",
    "a list": "une liste",
    "a single value": "une valeur seule",
    "empty": "vide",
    "an empty list": "une liste vide",
    "an empty map": "un dictionnaire vide",
    "a name": "un nom",
    "a text in quotes": "un texte entre guillemets",
    "a regex /…/": "une regex /…/",
    "an operator": "un opérateur",
    "a filter '|name'": "un filtre '|nom'",
    "the end of the condition": "la fin de la condition",
    "expression": "l'expression",
    "condition": "la condition",
    # --- x-expect: what a value must be ---------------------------------------------------
    "'flow.state', 'state' or none": "'flow.state', 'state' ou rien",
    "a cap like 2/week (per day, week or month)": (
        "un plafond comme 2/week (par jour, semaine ou mois : day, week, month)"
    ),
    "a case: a map with 'when' or 'otherwise'": (
        "un cas : un dictionnaire avec 'when' ou 'otherwise'"
    ),
    "a case: a map with 'when', 'keyword', 'match' or 'otherwise'": (
        "un cas : un dictionnaire avec 'when', 'keyword', 'match' ou 'otherwise'"
    ),
    "a condition written as text, like 'answers.score >= 9'": (
        "une condition écrite comme du texte, comme 'answers.score >= 9'"
    ),
    "a country code like FR": "un code de pays comme FR",
    "a date and time like 2026-12-05T10:00:00+01:00, or {field: rdv, before: 24h}": (
        "une date et une heure comme 2026-12-05T10:00:00+01:00, ou {field: rdv, before: 24h}"
    ),
    "a date and time like 2026-12-24T20:00:00+01:00": (
        "une date et une heure comme 2026-12-24T20:00:00+01:00"
    ),
    "a day of the week like sunday": "un jour de la semaine en anglais, comme sunday",
    "a duration like 90s, 15m, 24h, 2d or 2 heures": (
        "une durée comme 90s, 15m, 24h, 2d ou 2 heures"
    ),
    "a file name next to the rules, like clients.xlsx": (
        "un nom de fichier à côté des règles, comme clients.xlsx"
    ),
    "a group name": "un nom de groupe",
    "a group name or a list of them": "un nom de groupe ou une liste de noms de groupe",
    "a label (text)": "un libellé (texte)",
    "a language code like en or fr": "un code de langue comme en ou fr",
    "a list of cases": "une liste de cas",
    "a list of cases with 'when', and an 'otherwise'": (
        "une liste de cas avec 'when', et un 'otherwise'"
    ),
    "a list of days like [sunday]": "une liste de jours comme [sunday]",
    "a list of entries": "une liste d'entrées",
    "a list of questions": "une liste de questions",
    "a list of steps": "une liste d'étapes",
    "a list of tests": "une liste de tests",
    "a map": "un dictionnaire",
    "a map like {keyword: VOTE}": "un dictionnaire comme {keyword: VOTE}",
    "a map like {keyword: VOTE}, or a list of them": (
        "un dictionnaire comme {keyword: VOTE}, ou une liste de dictionnaires"
    ),
    "a map of actions": "un dictionnaire d'actions",
    "a map of actions with goto or end": "un dictionnaire d'actions avec goto ou end",
    "a map of contact fields": "un dictionnaire de champs du contact",
    'a map of keys to labels, like {A: "Song A", B: "Song B"}': (
        'un dictionnaire de clés et de libellés, comme {A: "Chanson A", B: "Chanson B"}'
    ),
    "a map of names to values": "un dictionnaire de noms et de valeurs",
    "a map of parameter names to types (text, number, datetime, date)": (
        "un dictionnaire de noms de paramètres et de types (text, number, datetime, date)"
    ),
    "a map of settings": "un dictionnaire de réglages",
    "a map of states by name": "un dictionnaire d'états par nom",
    "a map with 'after', actions and 'then'": "un dictionnaire avec 'after', des actions et 'then'",
    "a map with 'count' and 'per'": "un dictionnaire avec 'count' et 'per'",
    "a map with 'keyword', 'match', 'when' or 'otherwise'": (
        "un dictionnaire avec 'keyword', 'match', 'when' ou 'otherwise'"
    ),
    "a map with 'poll' and 'choice'": "un dictionnaire avec 'poll' et 'choice'",
    "a map with 'question' and 'value'": "un dictionnaire avec 'question' et 'value'",
    "a map with 'to' and 'text'": "un dictionnaire avec 'to' et 'text'",
    "a map with one of group, file, not_replied": (
        "un dictionnaire avec l'une des clés group, file, not_replied"
    ),
    "a name made of letters, digits and _, like first_visit": (
        "un nom fait de lettres, de chiffres et de _, comme first_visit"
    ),
    "a name made of letters, digits, _ and dots, like appt.status": (
        "un nom fait de lettres, de chiffres, de _ et de points, comme appt.status"
    ),
    "a pattern written as text, like 'PRICE {product:word}'": (
        "un motif écrit comme du texte, comme 'PRIX {produit:word}'"
    ),
    "a phone number in quotes": "un numéro de téléphone entre guillemets",
    "a preset like fr-marketing, or a map with from, to, days_off, holidays": (
        "un préréglage comme fr-marketing, ou un dictionnaire avec from, to, days_off, holidays"
    ),
    "a question: a map with 'id', 'ask' and 'type'": (
        "une question : un dictionnaire avec 'id', 'ask' et 'type'"
    ),
    "a rate like 20/s or 600/min": "un débit comme 20/s ou 600/min",
    "a step: a map with 'send', 'wait' or 'start'": (
        "une étape : un dictionnaire avec 'send', 'wait' ou 'start'"
    ),
    "a team name": "un nom d'équipe",
    "a test: a map with 'name' and 'steps'": "un test : un dictionnaire avec 'name' et 'steps'",
    "a text to reply, or a map of actions": "un texte à répondre, ou un dictionnaire d'actions",
    "a text, a /regex/, {to, text} or a list of them": (
        "un texte, une /regex/, {to, text} ou une liste de ceux-ci"
    ),
    'a time of day like "08:00"': 'une heure de la journée comme "08:00"',
    'a time of day like "20:00"': 'une heure de la journée comme "20:00"',
    "a time zone like Europe/Paris": "un fuseau horaire comme Europe/Paris",
    "a whole number of SMS parts from 1 to 255": "un nombre entier de parties de SMS de 1 à 255",
    "a word or a list of words": "un mot ou une liste de mots",
    'one of our numbers, quoted, like "36111"': (
        'un de nos numéros, entre guillemets, comme "36111"'
    ),
    "text": "du texte",
    'text (a number in quotes, like "36111") or a list of them': (
        'du texte (un numéro entre guillemets, comme "36111") ou une liste de textes'
    ),
    "text, a number or true/false": "du texte, un nombre ou true/false",
    "text, a number or true/false (a list of group names for contact.groups)": (
        "du texte, un nombre ou true/false (une liste de noms de groupe pour contact.groups)"
    ),
    "text, number, datetime or date": "text, number, datetime ou date",
    'text, or a map of texts by language like {en: "...", fr: "..."}': (
        'du texte, ou un dictionnaire de textes par langue comme {en: "...", fr: "..."}'
    ),
    "the id of a flow (its file name)": "l'identifiant d'un parcours (son nom de fichier)",
    "the name of a flow, survey or poll": "le nom d'un parcours, d'une enquête ou d'un vote",
    "the name of a state": "le nom d'un état",
    "the name of a team, like reception": "le nom d'une équipe, comme reception",
    "the name of an earlier campaign": "le nom d'une campagne précédente",
    "the preset fr-marketing": "le préréglage fr-marketing",
    "true or false": "true ou false",
    # --- x-not-allowed, x-two-message, x-two-hint, x-none-message, x-unique-… ----------------
    "'choices' is only for questions of type choice": (
        "'choices' n'existe que pour les questions de type choice"
    ),
    "'decimals' is only for questions of type number": (
        "'decimals' n'existe que pour les questions de type number"
    ),
    "'max' is only for questions of type number": (
        "'max' n'existe que pour les questions de type number"
    ),
    "'min' is only for questions of type number": (
        "'min' n'existe que pour les questions de type number"
    ),
    "a case has exactly one test; this one has both '{0}' and '{1}'": (
        "un cas a exactement un test ; celui-ci a à la fois '{0}' et '{1}'"
    ),
    "a choose case has exactly one test; this one has both '{0}' and '{1}'": (
        "un cas de choose a exactement un test ; celui-ci a à la fois '{0}' et '{1}'"
    ),
    "a rule file has exactly one form; this one has both '{0}' and '{1}'": (
        "un fichier de règles a exactement une forme ; celui-ci a à la fois '{0}' et '{1}'"
    ),
    "a test step has exactly one of 'send', 'wait' or 'start'; this one has both '{0}' and '{1}'": (
        "une étape de test a exactement un de 'send', 'wait' ou 'start' ; celle-ci a à la fois "
        "'{0}' et '{1}'"
    ),
    "a trigger has exactly one of 'keyword', 'match' or 'schedule'; this one has both '{0}' "
    "and '{1}'": (
        "un déclencheur a exactement un de 'keyword', 'match' ou 'schedule' ; celui-ci a à la "
        "fois '{0}' et '{1}'"
    ),
    "an autoreply entry has exactly one test; this one has both '{0}' and '{1}'": (
        "une entrée d'autoreply a exactement un test ; celle-ci a à la fois '{0}' et '{1}'"
    ),
    "put each form in its own file": "mettez chaque forme dans son propre fichier",
    "split it into two cases, each starting with '- '": (
        "séparez-le en deux cas, chacun commençant par '- '"
    ),
    "split it into two entries, each starting with '- '": (
        "séparez-la en deux entrées, chacune commençant par '- '"
    ),
    "split it into two steps, each starting with '- '": (
        "séparez-la en deux étapes, chacune commençant par '- '"
    ),
    "write a list of triggers, one per line starting with '- '": (
        "écrivez une liste de déclencheurs, un par ligne commençant par '- '"
    ),
    "a case needs one of 'when', 'keyword', 'match' or 'otherwise'": (
        "un cas requiert l'un de 'when', 'keyword', 'match' ou 'otherwise'"
    ),
    "a choose case needs 'when' or 'otherwise'": "un cas de choose requiert 'when' ou 'otherwise'",
    "a rule file needs one of: autoreply, flow, poll, survey, campaign, settings": (
        "un fichier de règles requiert l'une de ces clés : autoreply, flow, poll, survey, "
        "campaign, settings"
    ),
    "a test step needs one of 'send', 'wait' or 'start'": (
        "une étape de test requiert l'un de 'send', 'wait' ou 'start'"
    ),
    "a trigger needs one of 'keyword', 'match' or 'schedule'": (
        "un déclencheur requiert l'un de 'keyword', 'match' ou 'schedule'"
    ),
    "an autoreply entry needs one of 'keyword', 'match', 'when' or 'otherwise'": (
        "une entrée d'autoreply requiert l'un de 'keyword', 'match', 'when' ou 'otherwise'"
    ),
    "an autoreply file has a single 'otherwise' entry": (
        "un fichier autoreply a une seule entrée 'otherwise'"
    ),
    "merge the two 'otherwise' entries into one": "fusionnez les deux entrées 'otherwise' en une",
    "a duration is a number followed by s, m, h, d or w (or hours, heures, jours…), e.g. 90s, "
    "24h, 1h30m or 2 heures": (
        "une durée est un nombre suivi de s, m, h, d ou w (ou heures, jours, hours…), par "
        "exemple 90s, 24h, 1h30m ou 2 heures"
    ),
    "one vote per phone number is the only mode for now: write once_per: contact": (
        "un vote par numéro de téléphone est le seul mode pour l'instant : écrivez "
        "once_per: contact"
    ),
}
