"""Own the French and English of what ``twoway check`` says about a whole rule set: states and
links (E401–E412), quiet hours (E422), campaigns (E420–E427), conversation tests (E501, E502)
and the warnings (W401–W406); by key, with ``{name}`` placeholders."""

from __future__ import annotations

__all__ = ["RULESETS"]

RULESETS: dict[str, dict[str, str]] = {
    # --- E4xx: the whole rule set ---------------------------------------------------------
    "E401.no_state": {"en": "no state named '{name}'", "fr": "aucun état nommé '{name}'"},
    "E401.states.hint": {"en": "states here: {names}", "fr": "états ici : {names}"},
    "W407.unreachable": {
        "en": "state '{name}' can never be reached",
        "fr": "l'état '{name}' ne peut jamais être atteint",
    },
    "W407.hint": {
        "en": "no 'goto' or 'then' on the way from the start state '{start}' leads to it",
        "fr": "aucun 'goto' ni 'then' n'y mène depuis l'état de départ '{start}'",
    },
    "E403.no_way_out": {
        "en": "state '{name}' has no way out",
        "fr": "l'état '{name}' n'a pas de sortie",
    },
    "E403.hint": {
        "en": "end it with 'wait:', 'goto: <state>' or 'end: true'",
        "fr": "terminez-le par 'wait:', 'goto: <état>' ou 'end: true'",
    },
    "E404.same_file": {
        "en": "keyword '{keyword}' is already used in this file, at line {line}",
        "fr": "le mot-clé '{keyword}' est déjà utilisé dans ce fichier, ligne {line}",
    },
    "E404.other_file": {
        "en": "keyword '{keyword}' is already used by {file}",
        "fr": "le mot-clé '{keyword}' est déjà utilisé par {file}",
    },
    "E404.hint": {
        "en": "first claimed at {where}; give one of them another keyword or a different 'number'",
        "fr": "pris d'abord en {where} ; donnez à l'un d'eux un autre mot-clé ou un autre 'number'",
    },
    "E406.no_poll": {"en": "no poll named '{name}'", "fr": "aucun vote nommé '{name}'"},
    "E406.hint": {
        "en": "a poll is defined by a file with 'poll:'; its id is the file name",
        "fr": "un vote est défini par un fichier avec 'poll:' ; son identifiant est le nom du "
        "fichier",
    },
    "E407.stop": {
        "en": "keyword '{keyword}' is a compliance word: it opts the contact out before any rule "
        "runs",
        "fr": "le mot-clé '{keyword}' est un mot réservé : il désinscrit le contact avant toute "
        "règle",
    },
    "E407.start": {
        "en": "keyword '{keyword}' is a compliance word: it opts the contact in before any rule "
        "runs",
        "fr": "le mot-clé '{keyword}' est un mot réservé : il réinscrit le contact avant toute "
        "règle",
    },
    "E407.help": {
        "en": "keyword '{keyword}' is a compliance word: it answers the help text before any "
        "rule runs",
        "fr": "le mot-clé '{keyword}' est un mot réservé : il répond le texte d'aide avant toute "
        "règle",
    },
    "E407.hint": {
        "en": "choose another keyword (ANNULER, RESTART…) or a longer phrase ('{keyword} ORDER')",
        "fr": "choisissez un autre mot-clé (ANNULER, RESTART…) ou une expression plus longue "
        "('{keyword} COMMANDE')",
    },
    "E408.itself": {
        "en": "state '{name}' goes to itself without waiting",
        "fr": "l'état '{name}' revient sur lui-même sans attendre",
    },
    "E408.loop": {
        "en": "states {states} loop without waiting",
        "fr": "les états {states} tournent en boucle sans attendre",
    },
    "E408.hint": {
        "en": "each turn sends its messages again at once; give one of these states a 'wait:' "
        "(with a 'timeout:' for a reminder), or end the loop with 'end: true'",
        "fr": "chaque tour renvoie aussitôt ses messages ; donnez à l'un de ces états un 'wait:' "
        "(avec un 'timeout:' pour une relance), ou terminez la boucle par 'end: true'",
    },
    # --- E410–E412: groups and states ---------------------------------------------------------
    "E410.empty": {
        "en": "a group name cannot be empty",
        "fr": "un nom de groupe ne peut pas être vide",
    },
    "E410.separator": {
        "en": "the group name '{name}' has a comma or a semicolon",
        "fr": "le nom de groupe '{name}' contient une virgule ou un point-virgule",
    },
    "E410.space": {
        "en": "the group name '{name}' starts or ends with a space",
        "fr": "le nom de groupe '{name}' commence ou finit par une espace",
    },
    "E410.long": {
        "en": "the group name '{name}…' is {length} characters long, more than {most}",
        "fr": "le nom de groupe '{name}…' fait {length} caractères, plus de {most}",
    },
    "E410.hint": {
        "en": "a group name is text without ',' or ';', at most 64 characters",
        "fr": "un nom de groupe est un texte sans ',' ni ';', de 64 caractères au plus",
    },
    "E203.not_a_list": {
        "en": "'{target}' must be text, a number or true/false, not a list",
        "fr": "'{target}' doit être du texte, un nombre ou true/false, pas une liste",
    },
    "E203.not_a_list.hint": {
        "en": "only {groups} takes a list (of group names)",
        "fr": "seul {groups} prend une liste (de noms de groupe)",
    },
    "E411.fall_through": {
        "en": "'fall_through' without 'wait'",
        "fr": "'fall_through' sans 'wait'",
    },
    "E411.fall_through.hint": {
        "en": "fall_through says what a waiting state does with a message no case matches; add "
        "'wait:' or remove it",
        "fr": "fall_through dit ce que fait un état en attente d'un message qu'aucun cas ne "
        "reconnaît ; ajoutez 'wait:' ou retirez-le",
    },
    "E412.both": {
        "en": "a state has 'choose' or '{key}', not both",
        "fr": "un état a 'choose' ou '{key}', pas les deux",
    },
    "E412.both.hint": {
        "en": "each choose case says where to go with its own goto or end",
        "fr": "chaque cas de choose dit où aller avec son propre goto ou end",
    },
    "E412.where": {
        "en": "a choose case must say where to go",
        "fr": "un cas de choose doit dire où aller",
    },
    "E412.where.hint": {
        "en": "add 'goto: <state>' or 'end: true' to it",
        "fr": "ajoutez-lui 'goto: <état>' ou 'end: true'",
    },
    "E412.otherwise": {"en": "'choose' has no otherwise", "fr": "'choose' n'a pas d'otherwise"},
    "E412.otherwise.hint": {
        "en": "add '- otherwise: {goto: <state>}' for when no case is true",
        "fr": "ajoutez '- otherwise: {goto: <état>}' pour quand aucun cas n'est vrai",
    },
    # --- E420–E427: campaigns -------------------------------------------------------------
    "E420.start_or_say": {
        "en": "a campaign needs either 'start' (a flow, survey or poll) or 'say' (a text)",
        "fr": "une campagne requiert soit 'start' (un parcours, une enquête ou un vote), soit "
        "'say' (un texte)",
    },
    "E420.hint": {
        "en": 'write start: <flow name> or say: "your text"',
        "fr": 'écrivez start: <nom du parcours> ou say: "votre texte"',
    },
    "E421.zero": {
        "en": "a campaign's throughput must be above zero",
        "fr": "le débit d'une campagne doit être supérieur à zéro",
    },
    "E423.one_of": {
        "en": "an audience is one of: group, file, not_replied{has}",
        "fr": "une audience est l'une de : group, file, not_replied{has}",
    },
    "E423.has": {"en": " (this one has {keys})", "fr": " (celle-ci a {keys})"},
    "E423.hint": {
        "en": "audience: {group: clients}, {file: clients.xlsx} or "
        "{not_replied: alert-1, after: 30m}",
        "fr": "audience: {group: clients}, {file: clients.xlsx} ou "
        "{not_replied: alert-1, after: 30m}",
    },
    "E423.after": {"en": "'after' goes with 'not_replied'", "fr": "'after' va avec 'not_replied'"},
    "E424.not_contacts": {
        "en": "'{name}' is not a list of contacts",
        "fr": "'{name}' n'est pas une liste de contacts",
    },
    "E424.not_contacts.hint": {
        "en": "give a .csv or .xlsx file next to the rule file",
        "fr": "donnez un fichier .csv ou .xlsx à côté du fichier de règles",
    },
    "E424.no_file": {
        "en": "no file '{name}' next to the rules",
        "fr": "aucun fichier '{name}' à côté des règles",
    },
    "E424.no_file.hint": {"en": "put it in {root}", "fr": "mettez-le dans {root}"},
    "E425.no_flow": {
        "en": "no flow, survey or poll named '{name}'",
        "fr": "aucun parcours, enquête ou vote nommé '{name}'",
    },
    "E425.flows.hint": {"en": "flows here: {names}", "fr": "parcours ici : {names}"},
    "E425.none.hint": {
        "en": 'these rules have no flow, survey or poll yet; or write say: "a text"',
        "fr": "ces règles n'ont encore ni parcours, ni enquête, ni vote ; ou écrivez "
        'say: "un texte"',
    },
    "E426.no_campaign": {
        "en": "no campaign named '{name}'",
        "fr": "aucune campagne nommée '{name}'",
    },
    "E426.hint": {
        "en": "name an earlier campaign by its file name",
        "fr": "nommez une campagne précédente par son nom de fichier",
    },
    "E427.quiet": {
        "en": "a marketing campaign needs quiet hours",
        "fr": "une campagne marketing requiert des heures de silence",
    },
    "E427.hint": {
        "en": "write quiet_hours: fr-marketing (or {from, to, days_off, holidays}) here or in "
        "settings; kind: transactional or kind: alert for messages that must not wait",
        "fr": "écrivez quiet_hours: fr-marketing (ou {from, to, days_off, holidays}) ici ou dans "
        "settings ; kind: transactional ou kind: alert pour les messages qui ne doivent pas "
        "attendre",
    },
    "E409.settings": {
        "en": "only one file may hold settings",
        "fr": "un seul fichier peut contenir les réglages",
    },
    "E409.hint": {"en": "merge it with {file}", "fr": "fusionnez-le avec {file}"},
    # --- E501, E502: conversation tests ---------------------------------------------------
    "E501.tests_list": {
        "en": "'tests' must be a list of tests",
        "fr": "'tests' doit être une liste de tests",
    },
    "E501.steps": {
        "en": "a test needs 'steps', a list",
        "fr": "un test requiert 'steps', une liste",
    },
    "E501.steps.hint": {
        "en": "see docs/rules.md, Conversation tests",
        "fr": "voyez docs/rules.md, Conversation tests",
    },
    "E501.one_kind": {
        "en": "a step has exactly one of 'send', 'wait' or 'start'",
        "fr": "une étape a exactement un de 'send', 'wait' ou 'start'",
    },
    "E502.no_flow": {
        "en": "no flow or schedule named '{name}'",
        "fr": "aucun parcours ni planification nommé '{name}'",
    },
    "E502.hint": {
        "en": "schedules and flows here: {names}",
        "fr": "planifications et parcours ici : {names}",
    },
    # --- W4xx: warnings -----------------------------------------------------------------------
    "W401.too_long": {
        "en": "this text alone takes {parts} SMS parts, more than settings.max_reply_parts "
        "({most}): it is never sent",
        "fr": "ce texte seul prend {parts} parties de SMS, plus que settings.max_reply_parts "
        "({most}) : il n'est jamais envoyé",
    },
    "W401.too_long.hint": {
        "en": "shorten it, or raise max_reply_parts in the settings file",
        "fr": "raccourcissez-le, ou augmentez max_reply_parts dans le fichier de réglages",
    },
    "W401.copies": {
        "en": "this text copies the message {count} times ({names}): a long message makes it "
        "take more than settings.max_reply_parts ({most}) SMS parts, and then it is not sent",
        "fr": "ce texte copie le message {count} fois ({names}) : un long message lui fait "
        "prendre plus de settings.max_reply_parts ({most}) parties de SMS, et il n'est alors "
        "pas envoyé",
    },
    "W401.copies.hint": {
        "en": "copy the message once at most",
        "fr": "copiez le message une fois au plus",
    },
    "W402.one": {
        "en": "{names} makes this {length}-character text UCS-2: {parts} instead of {then}",
        "fr": "{names} fait passer ce texte de {length} caractères en UCS-2 : {parts} au lieu "
        "de {then}",
    },
    "W402.many": {
        "en": "{names} make this {length}-character text UCS-2: {parts} instead of {then}",
        "fr": "{names} font passer ce texte de {length} caractères en UCS-2 : {parts} au lieu "
        "de {then}",
    },
    "W402.parts.one": {"en": "{n} SMS part", "fr": "{n} partie de SMS"},
    "W402.parts.many": {"en": "{n} SMS parts", "fr": "{n} parties de SMS"},
    "W402.outside": {"en": "outside GSM-7: {chars}", "fr": "hors GSM-7 : {chars}"},
    "W402.at": {"en": "{name} at {where}{instead}", "fr": "{name} en {where}{instead}"},
    "W402.instead": {"en": " (write {what})", "fr": " (écrivez {what})"},
    "W403.shadowed": {
        "en": "this pattern can never match: every message starting with '{word}' is taken by "
        "the keyword '{word}' of flow '{flow}'{at}, as keywords are tried before patterns",
        "fr": "ce motif ne peut jamais reconnaître de message : tout message commençant par "
        "'{word}' est pris par le mot-clé '{word}' du parcours '{flow}'{at}, car les mots-clés "
        "sont essayés avant les motifs",
    },
    "W403.hint": {
        "en": "make the keyword longer (a phrase), start the pattern with another word, or write "
        "the keyword's rule as this pattern's",
        "fr": "allongez le mot-clé (une expression), commencez le motif par un autre mot, ou "
        "écrivez la règle du mot-clé comme celle de ce motif",
    },
    "W404.no_close": {
        "en": "this poll has no closing time: it takes votes forever",
        "fr": "ce vote n'a pas d'heure de clôture : il accepte des votes indéfiniment",
    },
    "W404.hint": {
        "en": "write closes: 2026-12-31T20:00 (and opens: when it should not start at once)",
        "fr": "écrivez closes: 2026-12-31T20:00 (et opens: s'il ne doit pas commencer tout de "
        "suite)",
    },
    "W405.no_opt_out": {
        "en": "this marketing campaign's message does not say how to stop receiving them",
        "fr": "le message de cette campagne marketing ne dit pas comment ne plus en recevoir",
    },
    "W405.hint": {
        "en": 'add "STOP to opt out" (or "ARRET pour vous désabonner"), or write kind: '
        "transactional for a message that is not marketing",
        "fr": 'ajoutez "STOP pour vous désabonner" (ou "STOP to opt out"), ou écrivez kind: '
        "transactional pour un message qui n'est pas du marketing",
    },
    "W406.timeout_only": {
        "en": "state '{name}' is left only by its timeout: every case and the otherwise stay in "
        "it, whatever the contact answers",
        "fr": "l'état '{name}' n'est quitté que par son délai : chaque cas et l'otherwise y "
        "restent, quoi que réponde le contact",
    },
    "W406.hint": {
        "en": "lead a case (or the otherwise) to another state, or to end",
        "fr": "menez un cas (ou l'otherwise) vers un autre état, ou vers la fin",
    },
    # --- E422: quiet hours --------------------------------------------------------------------
    "E422.time": {
        "en": "'{key}' must be a time of day like \"20:00\", not '{text}'",
        "fr": "'{key}' doit être une heure de la journée comme \"20:00\", pas '{text}'",
    },
    "E422.preset": {
        "en": "no quiet-hours preset named '{name}' (presets: {presets})",
        "fr": "aucun préréglage d'heures de silence nommé '{name}' (préréglages : {presets})",
    },
    "E422.shape": {
        "en": "quiet hours are a preset's name or {from, to, days_off, holidays}",
        "fr": "les heures de silence sont le nom d'un préréglage ou {from, to, days_off, holidays}",
    },
    "E422.both": {
        "en": "give both 'from' and 'to', or neither",
        "fr": "donnez 'from' et 'to', ou aucun des deux",
    },
    "E422.day": {
        "en": "'{name}' is not a day of the week (monday … sunday)",
        "fr": "'{name}' n'est pas un jour de la semaine (monday … sunday)",
    },
    "E422.calendar": {
        "en": "no public holiday calendar for '{code}' (use a country code: FR)",
        "fr": "aucun calendrier de jours fériés pour '{code}' (utilisez un code de pays : FR)",
    },
    "E422.subdivision": {
        "en": "'{country}' has no subdivision '{subdivision}'",
        "fr": "'{country}' n'a pas de subdivision '{subdivision}'",
    },
}
