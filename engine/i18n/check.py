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
}
