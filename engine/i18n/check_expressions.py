"""Own the French and English of what ``twoway check`` says about the expressions of rule files:
names (E305, W301), conditions and templates (E301, E302), patterns (E303), functions, filters
and regexes (E304–E308, W408), durations and dates (E206, E207); by key, with ``{name}``
placeholders."""

from __future__ import annotations

__all__ = ["EXPRESSIONS"]

EXPRESSIONS: dict[str, dict[str, str]] = {
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
    "W408.backtracking": {
        "en": "this regex can backtrack badly: {part}",
        "fr": "cette regex peut s'enliser dans ses retours arrière : {part}",
    },
    "W408.nested.hint": {
        "en": "a repeat inside a repeat can split the same text in many ways, tried one by one "
        "when a message almost matches: remove the inner repeat, use a character class, anchor "
        "the regex, or make the group atomic (?>…) or its repeat possessive (++)",
        "fr": "une répétition dans une répétition peut découper le même texte de mille façons, "
        "essayées une à une quand un message correspond presque : retirez la répétition "
        "intérieure, utilisez une classe de caractères, ancrez la regex, ou rendez le groupe "
        "atomique (?>…) ou sa répétition possessive (++)",
    },
    "W408.alternatives.hint": {
        "en": "two of its alternatives can match the same text: make them exclusive, or write "
        "them as one character class",
        "fr": "deux de ses alternatives peuvent reconnaître le même texte : rendez-les "
        "exclusives, ou écrivez-les en une seule classe de caractères",
    },
    "W408.empty.hint": {
        "en": "the repeated group can match nothing: make it match at least one character "
        "(+ instead of * inside it)",
        "fr": "le groupe répété peut ne rien reconnaître : faites-lui reconnaître au moins un "
        "caractère (+ au lieu de * à l'intérieur)",
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
}
