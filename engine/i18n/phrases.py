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
    # --- schemas/config.schema.json: x-kind, x-expect, x-hint -----------------------------------
    "a canned reply": "une réponse toute prête",
    "a connector": "un connecteur",
    "a jsonl connector": "un connecteur jsonl",
    "a loopback connector": "un connecteur loopback",
    "a modem connector": "un connecteur modem",
    "a notification subscriber": "un abonné aux notifications",
    "a short name (1 to 80 characters)": "un nom court (1 à 80 caractères)",
    "a text (1 to 1600 characters)": "un texte (1 à 1600 caractères)",
    "a token": "un jeton",
    "a value per kind of number": "une valeur par type de numéro",
    "an http connector": "un connecteur http",
    "an smpp connector": "un connecteur smpp",
    "the API's authentication": "l'authentification de l'API",
    "the configuration": "la configuration",
    "the provider's REST API": "l'API REST du fournisseur",
    "the provider's statuses": "les statuts du fournisseur",
    "the webhook's fields": "les champs du webhook",
    "1 to ask for delivery receipts, 0 for none": (
        "1 pour demander des accusés de réception, 0 pour aucun"
    ),
    "MOs of one connection waiting for their ack before the engine stops reading it": (
        "les MO d'une connexion en attente de leur ack avant que le moteur cesse de la lire"
    ),
    "Twilio's API root (https://api.twilio.com)": "la racine de l'API Twilio (https://api.twilio.com)",
    "Twilio's auth token, or env:NAME to read it from the environment": (
        "le jeton d'authentification Twilio, ou env:NOM pour le lire dans l'environnement"
    ),
    "a country code of two letters like FR": "un code de pays de deux lettres comme FR",
    "a file path (or :memory:)": "un chemin de fichier (ou :memory:)",
    "a folder path": "un chemin de dossier",
    'a list of HTTP status codes (200) or classes ("2xx")': (
        'une liste de codes de statut HTTP (200) ou de classes ("2xx")'
    ),
    "a name of letters, digits, - and _ that starts with a letter": (
        "un nom de lettres, de chiffres, de - et de _ qui commence par une lettre"
    ),
    "a number of connections, at least 1": "un nombre de connexions, au moins 1",
    "a phone number, a short code or an alphanumeric sender of up to 11 characters": (
        "un numéro de téléphone, un numéro court ou un expéditeur alphanumérique de 11 "
        "caractères au plus"
    ),
    "a rate like 100/s or 30/min": "un débit comme 100/s ou 30/min",
    "a serial port or pyserial URL": "un port série ou une URL pyserial",
    "a serial speed like 115200": "une vitesse série comme 115200",
    "a time zone name like Europe/Paris": "un nom de fuseau horaire comme Europe/Paris",
    "a token (text or env:NAME), or {name, token, scopes}": (
        "un jeton (texte ou env:NOM), ou {name, token, scopes}"
    ),
    "a token (text), or env:NAME": "un jeton (texte), ou env:NOM",
    "an HTTP status code (100 to 599) like 201, or a class like 5xx": (
        "un code de statut HTTP (100 à 599) comme 201, ou une classe comme 5xx"
    ),
    "an address like 127.0.0.1:8080": "une adresse comme 127.0.0.1:8080",
    "an http:// or https:// URL": "une URL http:// ou https://",
    "bytes of one line at most; a longer line gets an error frame and is skipped": (
        "les octets d'une ligne au plus ; une ligne plus longue reçoit une trame d'erreur et "
        "est ignorée"
    ),
    "connections at once; one more gets an error frame and is closed": (
        "les connexions simultanées ; une de plus reçoit une trame d'erreur et est fermée"
    ),
    "debug, info, warning or error": "debug, info, warning ou error",
    "how many submit_sm may wait for their response at once": (
        "combien de submit_sm peuvent attendre leur réponse en même temps"
    ),
    "seconds a peer has to acknowledge an MT (mt_ack) before it is sent again": (
        "les secondes dont un pair dispose pour acquitter un MT (mt_ack) avant qu'il soit renvoyé"
    ),
    "seconds a peer has to read what is written to it before it is cut off": (
        "les secondes dont un pair dispose pour lire ce qui lui est écrit avant d'être coupé"
    ),
    "seconds of silence before an enquire_link": "les secondes de silence avant un enquire_link",
    "seconds to wait for a response before giving up": (
        "les secondes d'attente d'une réponse avant d'abandonner"
    ),
    "seconds to wait for the missing parts of a long inbound message": (
        "les secondes d'attente des parties manquantes d'un long message entrant"
    ),
    "seconds within which an identical inbound message is a re-delivery (0: off)": (
        "les secondes pendant lesquelles un message entrant identique est une nouvelle "
        "livraison (0 : désactivé)"
    ),
    "seconds without a line from the peer before its connection is closed": (
        "les secondes sans ligne du pair avant que sa connexion soit fermée"
    ),
    "seconds, at least 1": "des secondes, au moins 1",
    "the SIM's PIN, or env:NAME to read it from the environment": (
        "le code PIN de la SIM, ou env:NOM pour le lire dans l'environnement"
    ),
    "the SMSC number in international form, like +33609001390": (
        "le numéro du SMSC au format international, comme +33609001390"
    ),
    "the URL the provider posts to (and signs), like https://sms.example.com/hooks/NAME": (
        "l'URL où le fournisseur poste (et qu'il signe), comme https://sms.example.com/hooks/NOM"
    ),
    "the bind password, or env:NAME to read it from the environment": (
        "le mot de passe du bind, ou env:NOM pour le lire dans l'environnement"
    ),
    "the body's fields, with {to}, {from}, {text} and {reference} filled in": (
        "les champs du corps, avec {to}, {from}, {text} et {reference} remplis"
    ),
    "the name of a connector": "le nom d'un connecteur",
    "the path of a PEM certificate file": "le chemin d'un fichier de certificat PEM",
    "the path of its PEM private key file": "le chemin de son fichier de clé privée PEM",
    'the secret a peer sends first ({"type": "auth", "token": …}), or env:NAME to read it from '
    "the environment": (
        'le secret qu\'un pair envoie d\'abord ({"type": "auth", "token": …}), ou env:NOM pour '
        "le lire dans l'environnement"
    ),
    "the shared secret of X-Twoway-Signature (HMAC-SHA256 of the body), or env:NAME": (
        "le secret partagé de X-Twoway-Signature (HMAC-SHA256 du corps), ou env:NOM"
    ),
    "the signing secret, or env:NAME to read it from the environment": (
        "le secret de signature, ou env:NOM pour le lire dans l'environnement"
    ),
    "true to ask Twilio to post each message's status to public_url": (
        "true pour demander à Twilio de poster le statut de chaque message sur public_url"
    ),
    "true to listen on an address other than loopback (then token: env:NAME is required)": (
        "true pour écouter sur une autre adresse que loopback (token: env:NOM est alors requis)"
    ),
    "where the answer keeps the message id: a key or dotted path (sid, data.id)": (
        "où la réponse met l'identifiant du message : une clé ou un chemin pointé (sid, data.id)"
    ),
    "generic: twoway's JSON shape (docs/operations.md); twilio: Twilio's form webhooks and "
    "Messages API": (
        "generic : la forme JSON de twoway (docs/operations.md) ; twilio : les webhooks de "
        "formulaire et l'API Messages de Twilio"
    ),
    "gsm7 sends GSM-7 when every character fits and UCS-2 otherwise; latin1 tries Latin-1 "
    "before UCS-2": (
        "gsm7 envoie en GSM-7 quand tous les caractères y tiennent, sinon en UCS-2 ; latin1 "
        "essaie Latin-1 avant UCS-2"
    ),
    "udh sends a long text as concatenated parts; message_payload sends it whole in one "
    "submit_sm (if the SMSC takes that TLV)": (
        "udh envoie un long texte en parties concaténées ; message_payload l'envoie en entier "
        "dans un seul submit_sm (si le SMSC accepte ce TLV)"
    ),
    "write host:port, like 127.0.0.1:8080, or [::1]:8080": (
        "écrivez hôte:port, comme 127.0.0.1:8080, ou [::1]:8080"
    ),
    "write it like 100/s or 30/min": "écrivez-le comme 100/s ou 30/min",
}
