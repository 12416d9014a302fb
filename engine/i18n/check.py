"""Own the texts of ``twoway check`` in English and French: how an error or a warning is
written (``error[E204]``, ``hint``, the counts, ``ok``), and the messages and hints of reading a
file (E100–E104) and of the schema (E201–E207), by key (``<code>.<what>``), with ``{name}``
placeholders for what varies (names, numbers, keys), which stay as the rule file writes them.
The other codes are in ``check_expressions``, ``check_rulesets`` and ``check_config``."""

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
}
