"""Own the French of click's own words: the headings and the usage line of `--help`, and the
usage errors ("Error: No such option …", "Missing argument …", "Try … for help."), keyed by
the English click marks with ``gettext`` (``_``, ``ngettext``), ``{name!r}`` placeholders
included; ``engine.cli.helptext.ClickWords`` gives them to click. A French text may leave out a
placeholder of its English (click's "{name} {filename!r}" names a file type in English).

Not here: the words click translates once and keeps ("Show this message and exit.", "Show the
version and exit.", a path's "file"), which would stay French in a later English run; the help
of the ``--help`` and ``--version`` options is in ``engine.i18n.help``, read when written.
"""

from __future__ import annotations

__all__ = ["CLICK_PLURALS", "CLICK_WORDS"]

CLICK_WORDS: dict[str, str] = {
    # --- help -------------------------------------------------------------------------------------
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "default: {default}": "par défaut : {default}",
    "env var: {var}": "variable d'environnement : {var}",
    "required": "obligatoire",
    "(dynamic)": "(dynamique)",
    "deprecated": "obsolète",
    # --- usage errors -----------------------------------------------------------------------------
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez '{command} {option}' pour obtenir de l'aide.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "Missing command.": "Commande manquante.",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Value must be an iterable.": "La valeur doit être une suite de valeurs.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} n'est pas dans l'intervalle {range}.",
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID valide.",
    "{name} {filename!r} does not exist.": "{filename!r} n'existe pas.",
    "{name} {filename!r} is a file.": "{filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{filename!r} est un dossier.",
    "{name} {filename!r} is not readable.": "{filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{filename!r} n'est pas accessible en écriture.",
    "{name} {filename!r} is not executable.": "{filename!r} n'est pas exécutable.",
    "Could not open file {filename!r}: {message}": (
        "Impossible d'ouvrir le fichier {filename!r} : {message}"
    ),
    "unknown error": "erreur inconnue",
    "Aborted!": "Abandon !",
    # --- prompts (hash-password) ------------------------------------------------------------------
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": (
        "Erreur : les deux valeurs saisies ne sont pas les mêmes."
    ),
    "Error: invalid input": "Erreur : saisie invalide",
}
"""Click's words: English → French."""

CLICK_PLURALS: dict[str, tuple[str, str]] = {
    "Did you mean {possibility}?": (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'un de : {possibilities} ?)",
    ),
    "Got unexpected extra argument ({args})": (
        "Argument en trop inattendu ({args})",
        "Arguments en trop inattendus ({args})",
    ),
    "Option {name!r} requires an argument.": (
        "L'option {name!r} demande un argument.",
        "L'option {name!r} demande {nargs} arguments.",
    ),
    "Takes {nargs} values but 1 was given.": (
        "Demande {nargs} valeurs mais 1 a été donnée.",
        "Demande {nargs} valeurs mais {len} ont été données.",
    ),
    "{value!r} is not {choice}.": (
        "{value!r} n'est pas {choice}.",
        "{value!r} n'est pas l'une des valeurs {choices}.",
    ),
    "{value!r} does not match the format {format}.": (
        "{value!r} ne suit pas le format {format}.",
        "{value!r} ne suit aucun des formats {formats}.",
    ),
}
"""Click's words that have a plural, by their English singular: (French singular, plural),
chosen as click's English is (singular for 1 only: some of its singulars say "1")."""
