"""Own the texts of ``twoway check`` in English and French: how an error or a warning is
written (``error[E204]``, ``hint``, the counts) and the messages and hints of each code, by key
(``<code>.<what>``), with ``{name}`` placeholders for what varies (names, numbers, keys), which
stay as the rule file writes them."""

from __future__ import annotations

__all__ = ["CHECK"]

CHECK: dict[str, dict[str, str]] = {
    # --- how a finding is written ---------------------------------------------------------
    "check.error": {
        "en": "{where}error[{code}]: {message}",
        "fr": "{where}erreur[{code}] : {message}",
    },
    "check.warning": {
        "en": "{where}warning[{code}]: {message}",
        "fr": "{where}avertissement[{code}] : {message}",
    },
    "check.hint": {"en": "= hint: {hint}", "fr": "= conseil : {hint}"},
    "check.errors.one": {"en": "{count} error found", "fr": "{count} erreur trouvée"},
    "check.errors.other": {"en": "{count} errors found", "fr": "{count} erreurs trouvées"},
    "check.warnings.one": {"en": "{count} warning", "fr": "{count} avertissement"},
    "check.warnings.other": {"en": "{count} warnings", "fr": "{count} avertissements"},
    "check.ok": {"en": "ok: {what}", "fr": "ok : {what}"},
    "check.files.one": {"en": "{count} file", "fr": "{count} fichier"},
    "check.files.other": {"en": "{count} files", "fr": "{count} fichiers"},
    "check.flows.one": {"en": "{count} flow", "fr": "{count} parcours"},
    "check.flows.other": {"en": "{count} flows", "fr": "{count} parcours"},
    "check.campaigns.one": {"en": "{count} campaign", "fr": "{count} campagne"},
    "check.campaigns.other": {"en": "{count} campaigns", "fr": "{count} campagnes"},
    "check.no_paths": {
        "en": "give the rule folders to check, or --config twoway.yaml",
        "fr": "donnez les dossiers de règles à vérifier, ou --config twoway.yaml",
    },
    "list.comma": {"en": "{a}, {b}", "fr": "{a}, {b}"},
    "list.semicolon": {"en": "{a}; {b}", "fr": "{a} ; {b}"},
    "list.and": {"en": "{first} and {last}", "fr": "{first} et {last}"},
    "list.or": {"en": "{first} or {last}", "fr": "{first} ou {last}"},
    "did_you_mean": {"en": "did you mean '{name}'?", "fr": "vouliez-vous dire '{name}' ?"},
    # --- E1xx: files ------------------------------------------------------------------------
    "E100.no_path": {
        "en": "no such file or folder: {path}",
        "fr": "fichier ou dossier introuvable : {path}",
    },
    "E100.no_path.hint": {
        "en": "give the folder that holds your rule files, like rules/",
        "fr": "donnez le dossier qui contient vos fichiers de règles, comme rules/",
    },
    # --- E2xx: the schema ---------------------------------------------------------------------
    "schema.item_of": {"en": "item {n} of '{parent}'", "fr": "l'élément {n} de '{parent}'"},
    "schema.item": {"en": "item {n}", "fr": "l'élément {n}"},
    "schema.example": {"en": "for example: {example}", "fr": "par exemple : {example}"},
    "E201.inside": {
        "en": "'{key}' belongs inside '{inside}'",
        "fr": "'{key}' va à l'intérieur de '{inside}'",
    },
    "E201.inside.hint": {
        "en": "indent it under '{inside}:', with the other keys of '{inside}'",
        "fr": "indentez-la sous '{inside}:', avec les autres clés de '{inside}'",
    },
    "E201.unknown": {
        "en": "unknown key '{key}' in {kind}",
        "fr": "clé '{key}' inconnue dans {kind}",
    },
    "E201.allowed.hint": {"en": "allowed in {kind}: {keys}", "fr": "permis dans {kind} : {keys}"},
    "E201.then.end": {"en": "'end: true' to end here", "fr": "'end: true' pour finir ici"},
    "E201.then.hint": {
        "en": "write {way}; 'then:' is the way on of an 'otherwise:' with 'retries' and of a "
        "'timeout:'",
        "fr": "écrivez {way} ; 'then:' est la suite d'un 'otherwise:' avec 'retries' et d'un "
        "'timeout:'",
    },
    "E202.needs": {"en": "{kind} needs {keys}", "fr": "{kind} requiert {keys}"},
    "E202.add.hint": {
        "en": "add it, for example: {example}",
        "fr": "ajoutez-la, par exemple : {example}",
    },
    "E202.must_have.hint": {"en": "{kind} must have {keys}", "fr": "{kind} doit avoir {keys}"},
    "E203.key_name": {
        "en": "key '{name}' in {subject} must be {expect}",
        "fr": "la clé '{name}' dans {subject} doit être {expect}",
    },
    "E203.only_one": {
        "en": "only one item may have '{key}'",
        "fr": "un seul élément peut avoir '{key}'",
    },
    "E203.must_be": {
        "en": "{subject} must be {expected}, not {shown}",
        "fr": "{subject} doit être {expected}, pas {shown}",
    },
    "E203.one_of": {
        "en": "{subject} must be one of {choices}, not {shown}",
        "fr": "{subject} doit être l'un de {choices}, pas {shown}",
    },
    "E203.empty": {"en": "{subject} must not be empty", "fr": "{subject} ne doit pas être vide"},
    "E203.at_least": {
        "en": "{subject} must be {limit} or more, not {shown}",
        "fr": "{subject} doit valoir {limit} ou plus, pas {shown}",
    },
    "E203.at_most": {
        "en": "{subject} must be {limit} or less, not {shown}",
        "fr": "{subject} doit valoir {limit} ou moins, pas {shown}",
    },
    "E203.value_of.hint": {
        "en": "write the value of '{key}' after it, or indent its lines under it",
        "fr": "écrivez la valeur de '{key}' après la clé, ou indentez ses lignes en dessous",
    },
    "E203.value.hint": {
        "en": "write a value after the ':'",
        "fr": "écrivez une valeur après le ':'",
    },
    "E203.quotes.hint": {
        "en": 'put quotes around it: "{source}"',
        "fr": 'mettez-la entre guillemets : "{source}"',
    },
    "E203.boolean.hint": {
        "en": "write true or false (yes, no, on and off are text in rule files)",
        "fr": "écrivez true ou false (yes, no, on et off sont du texte dans les fichiers de "
        "règles)",
    },
    "E203.list.hint": {
        "en": "write it as a list: start each item with '- '",
        "fr": "écrivez-la comme une liste : commencez chaque élément par '- '",
    },
    "E204.unknown": {"en": "unknown action '{key}'", "fr": "action '{key}' inconnue"},
    "E204.inside.hint": {
        "en": "write the actions inside '{inside}:'",
        "fr": "écrivez les actions à l'intérieur de '{inside}:'",
    },
    "E205.clue.hint": {
        "en": "this file has '{clue}', like a {form}: add '{form}: <a title>' at the top",
        "fr": "ce fichier a '{clue}', comme un {form} : ajoutez '{form}: <un titre>' en haut",
    },
    "E205.tests.hint": {
        "en": "a file of conversation tests alone must be named <name>.test.yaml",
        "fr": "un fichier qui ne contient que des tests de conversation doit s'appeler "
        "<nom>.test.yaml",
    },
    "E205.start.hint": {
        "en": "start the file with its form, e.g. 'autoreply:' or 'flow: <a title>'",
        "fr": "commencez le fichier par sa forme, par exemple 'autoreply:' ou 'flow: <un titre>'",
    },
    "E206.unit.hint": {
        "en": "add a unit: {n}s, {n}m, {n}h or {n}d",
        "fr": "ajoutez une unité : {n}s, {n}m, {n}h ou {n}d",
    },
    # --- E4xx: the whole rule set ---------------------------------------------------------
    "E401.no_state": {"en": "no state named '{name}'", "fr": "aucun état nommé '{name}'"},
    "E401.states.hint": {"en": "states here: {names}", "fr": "états ici : {names}"},
    "E402.unreachable": {
        "en": "state '{name}' can never be reached",
        "fr": "l'état '{name}' ne peut jamais être atteint",
    },
    "E402.hint": {
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
    # --- E3xx: names and expressions ----------------------------------------------------------
    "write": {"en": "write {what}", "fr": "écrivez {what}"},
    "E305.unknown": {"en": "unknown name '{name}'", "fr": "nom inconnu '{name}'"},
    "E305.not_a_value": {"en": "'{name}' is not a value", "fr": "'{name}' n'est pas une valeur"},
    "E305.choices.hint": {
        "en": "choices of poll '{poll}': {choices}",
        "fr": "choix du vote '{poll}' : {choices}",
    },
    "E305.intent.hint": {
        "en": "did you mean '{intent}'? it is true when the message means {intent}, in English, "
        "French, Spanish or German",
        "fr": "vouliez-vous dire '{intent}' ? c'est vrai quand le message veut dire {intent}, en "
        "anglais, français, espagnol ou allemand",
    },
    "E305.undeclared": {
        "en": "'{name}' is not a declared parameter of this flow",
        "fr": "'{name}' n'est pas un paramètre déclaré de ce parcours",
    },
    "E305.undeclared.hint": {
        "en": "declare it in the schedule's params (declared: {names})",
        "fr": "déclarez-le dans les params du schedule (déclarés : {names})",
    },
    "E305.attributes.hint": {"en": "{root} has {names}", "fr": "{root} a {names}"},
    "E305.no_questions.hint": {
        "en": "this survey has no questions",
        "fr": "cette enquête n'a pas de questions",
    },
    "E305.never": {
        "en": "it is never true; to look for the word in the message, write text ~ /\\b{root}\\b/i",
        "fr": "elle n'est jamais vraie ; pour chercher le mot dans le message, écrivez "
        "text ~ /\\b{root}\\b/i",
    },
    "E305.one_word.hint": {
        "en": "a condition of one word reads a variable, and this flow never sets '{root}': "
        "{never}",
        "fr": "une condition d'un seul mot lit une variable, et ce parcours ne définit jamais "
        "'{root}' : {never}",
    },
    "E406.polls.hint": {"en": "polls here: {names}", "fr": "votes ici : {names}"},
    "W301.set_nowhere": {
        "en": "'{root}' is set nowhere in this flow",
        "fr": "'{root}' n'est défini nulle part dans ce parcours",
    },
    "W301.parameter.hint": {
        "en": "unless the flow is started with '{root}' as a parameter, {never}",
        "fr": "à moins que le parcours ne soit lancé avec '{root}' comme paramètre, {never}",
    },
    "W301.set.hint": {
        "en": "{mean}set it, capture it in a pattern or start the flow with it as a parameter: "
        "read while it is missing, it is an error event",
        "fr": "{mean}définissez-le, capturez-le dans un motif ou lancez le parcours avec lui comme "
        "paramètre : lu tant qu'il manque, c'est un événement d'erreur",
    },
    "W301.mean": {"en": "did you mean '{name}'? ", "fr": "vouliez-vous dire '{name}' ? "},
    # --- E301, E302: conditions and template expressions ----------------------------------
    "E301.empty": {"en": "empty condition", "fr": "condition vide"},
    "E301.empty.hint": {
        "en": "write a test, for example: answers.score >= 9",
        "fr": "écrivez un test, par exemple : answers.score >= 9",
    },
    "dsl.cannot_read": {"en": "cannot read this: {error}", "fr": "illisible : {error}"},
    "dsl.cannot_read_this": {"en": "cannot read this {what}", "fr": "impossible de lire {what}"},
    "dsl.filter_name.hint": {
        "en": "write the name of a filter after '|', like |upper",
        "fr": "écrivez le nom d'un filtre après '|', comme |upper",
    },
    "dsl.name_after_dot.hint": {
        "en": "write a name after '.', like contact.name",
        "fr": "écrivez un nom après '.', comme contact.name",
    },
    "dsl.expected_name": {"en": "expected a name", "fr": "un nom est attendu"},
    "dsl.expected_value": {
        "en": "expected a value: {values}",
        "fr": "une valeur est attendue : {values}",
    },
    "dsl.expected_value_or": {
        "en": "expected a value ({values}) or {others}",
        "fr": "une valeur ({values}) ou {others} est attendu",
    },
    "dsl.expected": {"en": "expected {what}", "fr": "attendu : {what}"},
    "dsl.expected_one_of": {"en": "expected one of: {what}", "fr": "attendu, l'un de : {what}"},
    "dsl.check_syntax.hint": {"en": "check the syntax here", "fr": "vérifiez la syntaxe ici"},
    "dsl.token.name": {"en": "name '{value}'", "fr": "nom '{value}'"},
    "dsl.token.number": {"en": "number {value}", "fr": "nombre {value}"},
    "dsl.token.text": {"en": "text {value}", "fr": "texte {value}"},
    "dsl.token.regex": {"en": "regex {value}", "fr": "regex {value}"},
    "dsl.unexpected_char": {
        "en": "unexpected character '{char}'",
        "fr": "caractère inattendu '{char}'",
    },
    "dsl.unexpected": {"en": "unexpected {what}", "fr": "inattendu : {what}"},
    "dsl.unexpected_end": {"en": "unexpected end of {what}", "fr": "fin inattendue de {what}"},
    "dsl.unclosed_quote": {"en": "unclosed quote", "fr": "guillemet non fermé"},
    "dsl.unclosed_quote.hint": {
        "en": "end the text with a matching {quote}",
        "fr": "terminez le texte par un {quote} assorti",
    },
    "dsl.unclosed_regex": {"en": "unclosed regex", "fr": "regex non fermée"},
    "dsl.unclosed_regex.hint": {"en": "end the regex with '/'", "fr": "terminez la regex par '/'"},
    "dsl.compare.hint": {"en": "use '==' to compare", "fr": "utilisez '==' pour comparer"},
    "dsl.and.hint": {
        "en": "use 'and' to combine tests",
        "fr": "utilisez 'and' pour combiner des tests",
    },
    "dsl.or.hint": {
        "en": "use 'or' to combine tests",
        "fr": "utilisez 'or' pour combiner des tests",
    },
    "dsl.not.hint": {
        "en": "use 'not' to negate, '!=' to compare or '!~' to test a regex",
        "fr": "utilisez 'not' pour nier, '!=' pour comparer ou '!~' pour tester une regex",
    },
    "dsl.braces.hint": {
        "en": "a condition is written without braces: answers.score >= 9",
        "fr": "une condition s'écrit sans accolades : answers.score >= 9",
    },
    "dsl.filter_in_condition.hint": {
        "en": "filters are for templates; in a condition, call the function: lower(x)",
        "fr": "les filtres sont pour les modèles de texte ; dans une condition, appelez la "
        "fonction : lower(x)",
    },
    "dsl.regex_place.hint": {
        "en": "a regex /…/ can only follow '~' or '!~'",
        "fr": "une regex /…/ ne peut suivre que '~' ou '!~'",
    },
    "dsl.chain.hint": {
        "en": "comparisons do not chain: write a < b and b < c",
        "fr": "les comparaisons ne s'enchaînent pas : écrivez a < b and b < c",
    },
    "dsl.contains.hint": {"en": "use 'in': 'word' in text", "fr": "utilisez 'in' : 'mot' in text"},
    "dsl.close_paren.hint": {
        "en": "add ')' to close the '('",
        "fr": "ajoutez ')' pour fermer le '('",
    },
    "dsl.close_list.hint": {
        "en": "add {closer} to close the list of values",
        "fr": "ajoutez {closer} pour fermer la liste de valeurs",
    },
    "dsl.too_deep": {
        "en": "expression is too deeply nested",
        "fr": "l'expression est imbriquée trop profondément",
    },
    "dsl.too_deep.hint": {
        "en": "split it into smaller conditions",
        "fr": "découpez-la en conditions plus petites",
    },
    # --- E303: patterns -----------------------------------------------------------------------
    "E303.empty": {"en": "empty pattern", "fr": "motif vide"},
    "E303.empty.hint": {
        "en": "write words and captures, like VOTE {choice:A|B|C}",
        "fr": "écrivez des mots et des captures, comme VOTE {choice:A|B|C}",
    },
    "E303.unmatched": {"en": "unmatched '}'", "fr": "'}' sans '{'"},
    "E303.unmatched.hint": {
        "en": "a capture is written {name:type}, like {choice:A|B|C}",
        "fr": "une capture s'écrit {nom:type}, comme {choice:A|B|C}",
    },
    "E303.unclosed": {"en": "unclosed '{'", "fr": "'{' non fermée"},
    "E303.unclosed.hint": {
        "en": "close the capture with '}', like {product:word}",
        "fr": "fermez la capture par '}', comme {produit:word}",
    },
    "E303.duplicate": {
        "en": "duplicate capture name '{name}'",
        "fr": "nom de capture '{name}' en double",
    },
    "E303.duplicate.hint": {
        "en": "give each capture its own name",
        "fr": "donnez à chaque capture son propre nom",
    },
    "E303.empty_capture": {"en": "empty capture", "fr": "capture vide"},
    "E303.empty_capture.hint": {
        "en": "a capture is written {name:type}, like {product:word}",
        "fr": "une capture s'écrit {nom:type}, comme {produit:word}",
    },
    "E303.no_name": {"en": "missing capture name", "fr": "nom de capture manquant"},
    "E303.no_name.hint": {
        "en": "name the capture before ':', like {product:word}",
        "fr": "nommez la capture avant ':', comme {produit:word}",
    },
    "E303.bad_name": {
        "en": "invalid capture name '{name}'",
        "fr": "nom de capture invalide '{name}'",
    },
    "E303.bad_name.hint": {
        "en": "a capture name starts with a letter and has letters, digits and _ only",
        "fr": "un nom de capture commence par une lettre et n'a que des lettres, des chiffres "
        "et des _",
    },
    "E303.empty_alternative": {"en": "empty alternative", "fr": "alternative vide"},
    "E303.empty_alternative.hint": {
        "en": "separate alternatives with one '|', like {choice:A|B|C}",
        "fr": "séparez les alternatives par un seul '|', comme {choice:A|B|C}",
    },
    "E303.no_type": {"en": "missing capture type", "fr": "type de capture manquant"},
    "E303.no_type.hint": {
        "en": "write a type after ':' (word, number, text, date, phone, digits) or alternatives "
        "A|B|C",
        "fr": "écrivez un type après ':' (word, number, text, date, phone, digits) ou des "
        "alternatives A|B|C",
    },
    "E303.unknown_type": {
        "en": "unknown capture type '{kind}'",
        "fr": "type de capture inconnu '{kind}'",
    },
    "E303.types.hint": {
        "en": "capture types are word, number, text, date, phone and digits, or alternatives like "
        "A|B|C",
        "fr": "les types de capture sont word, number, text, date, phone et digits, ou des "
        "alternatives comme A|B|C",
    },
    "E303.digits": {
        "en": "bad digits capture '{kind}'",
        "fr": "capture digits incorrecte '{kind}'",
    },
    "E303.digits.hint": {
        "en": "write digits, digits(N) or digits(MIN,MAX) with 1 <= MIN <= MAX <= {most}, like "
        "{code:digits(5,8)}",
        "fr": "écrivez digits, digits(N) ou digits(MIN,MAX) avec 1 <= MIN <= MAX <= {most}, comme "
        "{code:digits(5,8)}",
    },
    # --- E304–E308: functions, filters and regexes ----------------------------------------
    "E304.unknown": {"en": "unknown function '{name}'", "fr": "fonction inconnue '{name}'"},
    "E305.function.hint": {
        "en": "'{name}' is a function: call it, as in {usage}",
        "fr": "'{name}' est une fonction : appelez-la, comme dans {usage}",
    },
    "E305.available.hint": {
        "en": "names available here: {names}",
        "fr": "noms disponibles ici : {names}",
    },
    "E306.unknown": {"en": "unknown filter '{name}'", "fr": "filtre inconnu '{name}'"},
    "E307.flag": {"en": "unknown regex flag '{flag}'", "fr": "option de regex inconnue '{flag}'"},
    "E307.flag.hint": {
        "en": "regex flags are i (ignore case), m (multi-line) and s (dot matches newline)",
        "fr": "les options de regex sont i (ignorer la casse), m (multiligne) et s (le point "
        "reconnaît le saut de ligne)",
    },
    "E307.at": {"en": " (at character {n} of the regex)", "fr": " (au caractère {n} de la regex)"},
    "E307.invalid": {"en": "invalid regex: {error}", "fr": "regex invalide : {error}"},
    "E307.invalid.hint": {
        "en": "check the regex syntax{where}; escape special characters with a backslash",
        "fr": "vérifiez la syntaxe de la regex{where} ; échappez les caractères spéciaux par une "
        "barre oblique inverse",
    },
    "E308.filter": {
        "en": "filter '{name}' takes {takes}, got {given}",
        "fr": "le filtre '{name}' prend {takes}, il en a reçu {given}",
    },
    "E308.function": {
        "en": "function '{name}' takes {takes}, got {given}",
        "fr": "la fonction '{name}' prend {takes}, elle en a reçu {given}",
    },
    "E308.none": {"en": "no arguments", "fr": "0 argument"},
    "E308.one": {"en": "{n} argument", "fr": "{n} argument"},
    "E308.many": {"en": "{n} arguments", "fr": "{n} arguments"},
    "E308.or": {"en": "{least} or {most} arguments", "fr": "{least} ou {most} arguments"},
    "E308.to": {"en": "{least} to {most} arguments", "fr": "{least} à {most} arguments"},
    "E302.empty": {"en": "empty '{}'", "fr": "'{}' vide"},
    "E302.empty.hint": {
        "en": "write a name between the braces, like {contact.name}, or '{{}}' for {}",
        "fr": "écrivez un nom entre les accolades, comme {contact.name}, ou '{{}}' pour {}",
    },
    "E302.unmatched.hint": {
        "en": "write '}}' for a literal brace, or open the expression with '{'",
        "fr": "écrivez '}}' pour une accolade littérale, ou ouvrez l'expression par '{'",
    },
    "E302.unclosed.hint": {
        "en": "close the expression with '}', or write '{{' for a literal brace",
        "fr": "fermez l'expression par '}', ou écrivez '{{' pour une accolade littérale",
    },
    # --- E206, E207: durations, dates and times ---------------------------------------------
    "E206.hint": {
        "en": "write a number and a unit: 90s, 15m, 24h, 2d, 1w (or 2 hours, 2 heures, 1h30)",
        "fr": "écrivez un nombre et une unité : 90s, 15m, 24h, 2d, 1w (ou 2 heures, 2 hours, 1h30)",
    },
    "E206.invalid": {"en": "invalid duration '{text}'", "fr": "durée invalide '{text}'"},
    "E206.zero": {
        "en": "a duration must be longer than zero",
        "fr": "une durée doit être plus longue que zéro",
    },
    "E206.too_long": {
        "en": "duration '{text}' is too long",
        "fr": "la durée '{text}' est trop longue",
    },
    "E207.not_a_date": {
        "en": "'{raw}' is not a date and time",
        "fr": "'{raw}' n'est pas une date et une heure",
    },
    "E207.not_a_date.hint": {
        "en": "write it in ISO 8601, like 2026-12-24T20:00:00+01:00 (the offset may be left out "
        "when settings.timezone is set)",
        "fr": "écrivez-la en ISO 8601, comme 2026-12-24T20:00:00+01:00 (le décalage peut être "
        "omis quand settings.timezone est défini)",
    },
    "E207.missing": {
        "en": "'{raw}' does not exist in {zone} (the clocks change that night)",
        "fr": "'{raw}' n'existe pas en {zone} (les horloges changent cette nuit-là)",
    },
    "E207.twice": {
        "en": "'{raw}' happens twice in {zone} (the clocks change that night)",
        "fr": "'{raw}' a lieu deux fois en {zone} (les horloges changent cette nuit-là)",
    },
    "E207.offset.hint": {
        "en": "add the offset you mean, like {early} or {late}",
        "fr": "ajoutez le décalage voulu, comme {early} ou {late}",
    },
    "E207.no_zone": {"en": "'{raw}' has no time zone", "fr": "'{raw}' n'a pas de fuseau horaire"},
    "E207.no_zone.hint": {
        "en": "add its offset ({written}+01:00 in Paris in winter, {written}+02:00 in summer), Z "
        "for UTC, or set settings.timezone to read it there",
        "fr": "ajoutez son décalage ({written}+01:00 à Paris en hiver, {written}+02:00 en été), Z "
        "pour UTC, ou définissez settings.timezone pour la lire dans ce fuseau",
    },
    # --- E101–E104: reading a file --------------------------------------------------------
    "E101.aliased": {
        "en": "file too large or too deeply aliased",
        "fr": "fichier trop grand ou aux alias trop imbriqués",
    },
    "E101.aliased.hint": {
        "en": "a rule file may hold at most {most} values once its aliases (*name) are expanded",
        "fr": "un fichier de règles peut contenir au plus {most} valeurs une fois ses alias "
        "(*nom) développés",
    },
    "E101.deep": {"en": "file too deeply nested", "fr": "fichier trop profondément imbriqué"},
    "E101.deep.hint": {
        "en": "lists and maps may be nested at most {most} deep",
        "fr": "les listes et dictionnaires peuvent être imbriqués sur {most} niveaux au plus",
    },
    "E101.self_alias": {
        "en": "yaml alias refers to itself",
        "fr": "un alias yaml renvoie à lui-même",
    },
    "E101.self_alias.hint": {
        "en": "an anchor (&name) cannot be used (*name) inside its own value",
        "fr": "une ancre (&nom) ne peut pas être utilisée (*nom) dans sa propre valeur",
    },
    "E101.tag_value": {
        "en": "yaml tag '{tag}' does not fit the value '{text}'",
        "fr": "le tag yaml '{tag}' ne convient pas à la valeur '{text}'",
    },
    "E101.tag_value.hint": {"en": "remove the tag", "fr": "retirez le tag"},
    "E101.tag": {
        "en": "yaml tag '{tag}' is not supported",
        "fr": "le tag yaml '{tag}' n'est pas pris en charge",
    },
    "E101.tag.hint": {
        "en": "remove the tag: rule files use plain YAML values (text, numbers, true/false)",
        "fr": "retirez le tag : les fichiers de règles utilisent des valeurs YAML simples (texte, "
        "nombres, true/false)",
    },
    "E101.merge": {
        "en": "yaml merge '<<' needs a map or a list of maps",
        "fr": "la fusion yaml '<<' requiert un dictionnaire ou une liste de dictionnaires",
    },
    "E101.merge.hint": {
        "en": "write '<<: *name' where &name is a map",
        "fr": "écrivez '<<: *nom' où &nom est un dictionnaire",
    },
    "E101.quote.hint": {
        "en": "put quotes around text that contains ': '",
        "fr": "mettez entre guillemets un texte qui contient ': '",
    },
    "E101.indent.hint": {
        "en": "check the indentation: keys of the same map, and items of the same list, start in "
        "the same column",
        "fr": "vérifiez l'indentation : les clés d'un même dictionnaire, et les éléments d'une "
        "même liste, commencent à la même colonne",
    },
    "E101.tabs.hint": {
        "en": "indent with spaces, not tabs",
        "fr": "indentez avec des espaces, pas des tabulations",
    },
    "E101.unclosed_quote.hint": {
        "en": "this quote is never closed; add the closing quote",
        "fr": "ce guillemet n'est jamais fermé ; ajoutez le guillemet fermant",
    },
    "E101.undefined_alias.hint": {
        "en": "define the anchor with &name before using it with *name",
        "fr": "définissez l'ancre avec &nom avant de l'utiliser avec *nom",
    },
    "E101.escape.hint": {
        "en": "in double quotes write \\\\ for a backslash, or use single quotes",
        "fr": "entre guillemets doubles, écrivez \\\\ pour une barre oblique inverse, ou utilisez "
        "des guillemets simples",
    },
    "E101.colon.hint": {
        "en": "a key needs ': ' after it; put quotes around text that goes on several lines",
        "fr": "une clé doit être suivie de ': ' ; mettez entre guillemets un texte sur plusieurs "
        "lignes",
    },
    "E101.document.hint": {
        "en": "a rule file holds one document: remove the '---' line",
        "fr": "un fichier de règles contient un seul document : retirez la ligne '---'",
    },
    "E101.token.hint": {
        "en": "put quotes around text that starts with * & ! | > % @ or `",
        "fr": "mettez entre guillemets un texte qui commence par * & ! | > % @ ou `",
    },
    "E101.starts_with.hint": {
        "en": "put quotes around text that starts with {char}",
        "fr": "mettez entre guillemets un texte qui commence par {char}",
    },
    "E101.bracket.hint": {
        "en": "close the bracket, and put quotes around text that contains ',', '[' or '{'",
        "fr": "fermez le crochet, et mettez entre guillemets un texte qui contient ',', '[' ou '{'",
    },
    "E101.context.hint": {
        "en": "{context} that starts on line {line}",
        "fr": "{context} (ligne {line})",
    },
    "E101.syntax": {
        "en": "yaml syntax error: {problem}",
        "fr": "erreur de syntaxe yaml : {problem}",
    },
    "E101.control.hint": {
        "en": "remove this control character",
        "fr": "retirez ce caractère de contrôle",
    },
    "E101.anchor_twice": {
        "en": "anchor '&{name}' is defined twice",
        "fr": "l'ancre '&{name}' est définie deux fois",
    },
    "E101.anchor_twice.hint": {
        "en": "the first is at line {line}; give each anchor its own name",
        "fr": "la première est ligne {line} ; donnez à chaque ancre son propre nom",
    },
    "E101.unreadable": {
        "en": "cannot read the file: {reason}",
        "fr": "impossible de lire le fichier : {reason}",
    },
    "E101.utf8": {
        "en": "the file is not valid UTF-8: byte {byte} cannot be read",
        "fr": "le fichier n'est pas en UTF-8 valide : l'octet {byte} est illisible",
    },
    "E101.utf8.hint": {"en": "save the file as UTF-8", "fr": "enregistrez le fichier en UTF-8"},
    "E102.duplicate": {"en": "duplicate key '{name}'", "fr": "clé '{name}' en double"},
    "E102.duplicate.hint": {
        "en": "a key may appear only once in a mapping; the first is at line {line}",
        "fr": "une clé ne peut apparaître qu'une fois dans un dictionnaire ; la première est "
        "ligne {line}",
    },
    "E103.null_key": {
        "en": "a key must be text, not null",
        "fr": "une clé doit être du texte, pas null",
    },
    "E103.null_key.hint": {
        "en": 'put quotes around the key if you mean the word: "null":',
        "fr": 'mettez la clé entre guillemets si vous voulez dire le mot : "null":',
    },
    "E103.key": {
        "en": "a key must be text, not {kind}",
        "fr": "une clé doit être du texte, pas {kind}",
    },
    "E103.key.hint": {
        "en": "keys are single words or texts",
        "fr": "les clés sont des mots simples ou des textes",
    },
    "E103.not_a_mapping": {
        "en": "a rule file must be a mapping with one of: {forms}",
        "fr": "un fichier de règles doit être un dictionnaire avec l'une de ces clés : {forms}",
    },
    "E103.empty.hint": {
        "en": "the file is empty; start it with a form, e.g. 'autoreply:'",
        "fr": "le fichier est vide ; commencez-le par une forme, par exemple 'autoreply:'",
    },
    "E103.kind.hint": {
        "en": "this file is {kind}; start it with a form key, e.g. 'autoreply:', and indent the "
        "rest under it",
        "fr": "ce fichier est {kind} ; commencez-le par une clé de forme, par exemple "
        "'autoreply:', et indentez le reste en dessous",
    },
    "E104.too_large": {
        "en": "the file is larger than {most} MiB, the most a rule file may be: it is not read",
        "fr": "le fichier dépasse {most} Mio, la taille maximale d'un fichier de règles : il "
        "n'est pas lu",
    },
    "E104.too_large.hint": {
        "en": "a rule file this big is a mistake (a log or an export saved as .yaml?); split real "
        "rules into several files",
        "fr": "un fichier de règles aussi gros est une erreur (un journal ou un export enregistré "
        "en .yaml ?) ; répartissez les vraies règles sur plusieurs fichiers",
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
    # --- check --config: the deployment file ------------------------------------------------
    "config.E103": {
        "en": "the configuration must be a map of keys like store:, rules:, connectors:",
        "fr": "la configuration doit être un dictionnaire de clés comme store:, rules:, "
        "connectors:",
    },
    "config.E103.hint": {
        "en": "indent the keys of a section under it; see docs/operations.md for an example",
        "fr": "indentez les clés d'une section sous celle-ci ; voyez docs/operations.md pour un "
        "exemple",
    },
    "config.zone": {
        "en": "'timezone' must be a known time zone, not '{zone}'",
        "fr": "'timezone' doit être un fuseau horaire connu, pas '{zone}'",
    },
    "config.zone.hint": {
        "en": "use a name of the tz database, like Europe/Paris",
        "fr": "utilisez un nom de la base tz, comme Europe/Paris",
    },
    "config.country": {
        "en": "'country' must be a country code, not '{country}'",
        "fr": "'country' doit être un code de pays, pas '{country}'",
    },
    "config.country.hint": {
        "en": "an ISO 3166 code, like FR or BE",
        "fr": "un code ISO 3166, comme FR ou BE",
    },
    "config.connector_type": {
        "en": "connector type '{kind}' is not available in this release",
        "fr": "le type de connecteur '{kind}' n'est pas disponible dans cette version",
    },
    "config.available.hint": {"en": "available: {names}", "fr": "disponibles : {names}"},
    "config.port": {
        "en": "'{key}' has port {port}, above 65535",
        "fr": "'{key}' a le port {port}, au-delà de 65535",
    },
    "config.port.hint": {"en": "pick a port up to 65535", "fr": "choisissez un port jusqu'à 65535"},
    "config.default_listen": {
        "en": "{value} (the default listen)",
        "fr": "{value} (l'adresse d'écoute par défaut)",
    },
    "config.listens": {
        "en": "{what} is where {other} listens already: one address, one listener",
        "fr": "{other} écoute déjà sur {what} : une adresse, un seul écouteur",
    },
    "config.listens.hint": {
        "en": "give each its own port",
        "fr": "donnez à chacun son propre port",
    },
    "config.connectors.hint": {"en": "connectors: {names}", "fr": "connecteurs : {names}"},
    "config.add_connector.hint": {
        "en": "add it under 'connectors:'",
        "fr": "ajoutez-le sous 'connectors:'",
    },
    "config.no_connector": {
        "en": "number {address} uses connector '{connector}', which is not defined",
        "fr": "le numéro {address} utilise le connecteur '{connector}', qui n'est pas défini",
    },
    "config.notify_twice": {
        "en": "{url} is in notify: twice",
        "fr": "{url} figure deux fois dans notify:",
    },
    "config.notify_twice.hint": {
        "en": "list each URL once, with all the events it takes in its events:",
        "fr": "listez chaque URL une fois, avec tous les événements qu'elle reçoit dans son "
        "events:",
    },
    "config.modem_number": {
        "en": "modem connector '{name}' needs exactly one number of its own{found}",
        "fr": "le connecteur modem '{name}' requiert exactement un numéro à lui{found}",
    },
    "config.found": {"en": " (found {n})", "fr": " ({n} trouvés)"},
    "config.modem_number.hint": {
        "en": 'add the SIM\'s number: numbers: {"+33612345678": {connector: {name}, kind: '
        "long_code, throughput: 1/s}}",
        "fr": 'ajoutez le numéro de la SIM : numbers: {"+33612345678": {connector: {name}, kind: '
        "long_code, throughput: 1/s}}",
    },
    "config.modem_alpha": {
        "en": "number {address} is alphanumeric, but a modem sends from its SIM's number",
        "fr": "le numéro {address} est alphanumérique, mais un modem envoie depuis le numéro de "
        "sa SIM",
    },
    "config.modem_alpha.hint": {
        "en": "write kind: long_code (the SIM's number), or use an SMPP connector",
        "fr": "écrivez kind: long_code (le numéro de la SIM), ou utilisez un connecteur SMPP",
    },
    "config.jsonl_remote": {
        "en": "connector '{name}' listens on {host}, which other machines can reach: anyone there "
        "could send SMS through it",
        "fr": "le connecteur '{name}' écoute sur {host}, que d'autres machines peuvent joindre : "
        "n'importe qui là-bas pourrait envoyer des SMS par lui",
    },
    "config.jsonl_remote.hint": {
        "en": "keep it on 127.0.0.1, or set allow_remote: true and token: env:NAME (each peer "
        "then sends that token first)",
        "fr": "gardez-le sur 127.0.0.1, ou définissez allow_remote: true et token: env:NOM "
        "(chaque pair envoie alors d'abord ce jeton)",
    },
    "config.jsonl_token": {
        "en": "connector '{name}' listens on {host}: it needs a token read from the environment",
        "fr": "le connecteur '{name}' écoute sur {host} : il lui faut un jeton lu dans "
        "l'environnement",
    },
    "config.jsonl_token.hint": {
        "en": 'set token: env:NAME; each peer sends it first in {"type": "auth", "token": …}',
        "fr": "définissez token: env:NOM ; chaque pair l'envoie d'abord dans "
        '{"type": "auth", "token": …}',
    },
    "E601.not_a_name": {
        "en": "'{value}' does not name an environment variable",
        "fr": "'{value}' ne nomme pas une variable d'environnement",
    },
    "E601.not_a_name.hint": {
        "en": "write env: then the variable's name, like env:SMPP_PASSWORD",
        "fr": "écrivez env: puis le nom de la variable, comme env:SMPP_PASSWORD",
    },
    "E601.unset": {
        "en": "environment variable {name} is not set",
        "fr": "la variable d'environnement {name} n'est pas définie",
    },
    "E601.unset.hint": {
        "en": "set {name} in the engine's environment (systemd: Environment= or EnvironmentFile=), "
        "or write the value itself",
        "fr": "définissez {name} dans l'environnement du moteur (systemd : Environment= ou "
        "EnvironmentFile=), ou écrivez la valeur elle-même",
    },
    "config.read_from": {
        "en": "{message} (read from {secret})",
        "fr": "{message} (lu depuis {secret})",
    },
    "http.twilio_needs": {
        "en": "preset twilio needs {keys}",
        "fr": "le préréglage twilio requiert {keys}",
    },
    "http.twilio_needs.hint": {
        "en": "add account_sid: ACxxxxxxxx and auth_token: env:TWILIO_AUTH_TOKEN",
        "fr": "ajoutez account_sid: ACxxxxxxxx et auth_token: env:TWILIO_AUTH_TOKEN",
    },
    "http.status_callback": {
        "en": "status_callback needs public_url: the URL Twilio posts the statuses to",
        "fr": "status_callback requiert public_url : l'URL où Twilio poste les statuts",
    },
    "http.status_callback.hint": {
        "en": "add public_url: https://sms.example.com/hooks/NAME",
        "fr": "ajoutez public_url: https://sms.example.com/hooks/NOM",
    },
    "http.outbound_url": {
        "en": "an http connector needs outbound.url: where its messages are sent",
        "fr": "un connecteur http requiert outbound.url : là où ses messages sont envoyés",
    },
    "http.outbound_url.hint": {
        "en": "add outbound: {url: https://api.example.com/v1/messages}",
        "fr": "ajoutez outbound: {url: https://api.example.com/v1/messages}",
    },
    "http.not_a_url": {
        "en": "{key} must be an http:// or https:// URL, not '{value}'",
        "fr": "{key} doit être une URL http:// ou https://, pas '{value}'",
    },
    "http.not_a_url.hint": {
        "en": "write it like https://{example}",
        "fr": "écrivez-la comme https://{example}",
    },
    "smpp.password": {"en": "the SMPP password", "fr": "le mot de passe SMPP"},
    "smpp.key": {"en": "{key} '{value}'", "fr": "{key} '{value}'"},
    "smpp.ascii": {
        "en": "{what} is not printable ASCII",
        "fr": "{what} n'est pas de l'ASCII imprimable",
    },
    "smpp.ascii.hint": {
        "en": "SMPP sends it as ASCII: use letters, digits and punctuation only",
        "fr": "SMPP l'envoie en ASCII : n'utilisez que des lettres, des chiffres et de la "
        "ponctuation",
    },
    "smpp.long": {
        "en": "{what} is longer than SMPP's {limit} characters",
        "fr": "{what} dépasse les {limit} caractères de SMPP",
    },
    "smpp.long.hint": {
        "en": "the SMSC gives a {what} of at most {limit} characters",
        "fr": "le SMSC donne un {what} de {limit} caractères au plus",
    },
    "config.listen": {
        "en": "listen address '{value}' must look like 127.0.0.1:8080",
        "fr": "l'adresse d'écoute '{value}' doit ressembler à 127.0.0.1:8080",
    },
    "config.env_unset": {
        "en": "environment variable {name} is not set (needed by '{value}')",
        "fr": "la variable d'environnement {name} n'est pas définie (requise par '{value}')",
    },
    "config.rate": {
        "en": "throughput '{raw}' is not a rate; write it like 100/s or 30/min",
        "fr": "le débit '{raw}' n'est pas un débit ; écrivez-le comme 100/s ou 30/min",
    },
}
