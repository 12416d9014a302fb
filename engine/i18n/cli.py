"""Own the common words of the ``twoway`` commands other than ``check`` (``test``'s summary
and failures, errors such as an unknown function) in English and French, by key."""

from __future__ import annotations

__all__ = ["CLI"]

CLI: dict[str, dict[str, str]] = {
    "cli.error": {"en": "error: {message}", "fr": "erreur : {message}"},
    # --- twoway test --------------------------------------------------------------------------
    "test.pass": {"en": "PASS", "fr": "RÉUSSI"},
    "test.fail": {"en": "FAIL", "fr": "ÉCHEC"},
    "test.passed.one": {"en": "{count} passed", "fr": "{count} réussi"},
    "test.passed.other": {"en": "{count} passed", "fr": "{count} réussis"},
    "test.failed.one": {"en": "{count} failed", "fr": "{count} échoué"},
    "test.failed.other": {"en": "{count} failed", "fr": "{count} échoués"},
    "test.no_tests": {"en": "no tests in {folder}", "fr": "aucun test dans {folder}"},
    "test.all_reached": {
        "en": "all {count} states of {folder} reached",
        "fr": "les {count} états de {folder} sont tous atteints",
    },
    "test.not_reached": {
        "en": "{missed} of {count} states of {folder} not reached:",
        "fr": "{missed} états sur {count} de {folder} non atteints :",
    },
    "test.coverage": {
        "en": "coverage: {reached} of {total} states reached ({percent}%)",
        "fr": "couverture : {reached} états atteints sur {total} ({percent} %)",
    },
    "test.rule_error": {"en": "rule error: {message}", "fr": "erreur de règle : {message}"},
    "test.step": {"en": "step {n} ({what} {value})", "fr": "étape {n} ({what} {value})"},
    "test.no_message": {"en": "(no message)", "fr": "(aucun message)"},
    "test.expected": {"en": "expected: {want}", "fr": "attendu :  {want}"},
    "test.got": {"en": "got:      {shown}", "fr": "obtenu :   {shown}"},
    "test.to": {"en": " to {recipient}", "fr": " à {recipient}"},
    "test.is_expected": {
        "en": "{what} is {have}, expected {want}",
        "fr": "{what} vaut {have}, {want} attendu",
    },
    "test.answer": {
        "en": "answer {question} is {have}, expected {want}",
        "fr": "la réponse {question} vaut {have}, {want} attendu",
    },
    "test.session_none": {
        "en": "session is {have}, expected none",
        "fr": "la session est {have}, aucune attendue",
    },
    "test.no_session": {
        "en": "no session, expected {want}",
        "fr": "aucune session, {want} attendue",
    },
    "test.session": {
        "en": "session is {have}, expected {want}",
        "fr": "la session est {have}, {want} attendue",
    },
    "test.variable": {
        "en": "variable {name} is {have}, expected {want}",
        "fr": "la variable {name} vaut {have}, {want} attendu",
    },
    "test.vote": {
        "en": "vote in {poll} is {have}, expected {want}",
        "fr": "le vote dans {poll} vaut {have}, {want} attendu",
    },
    "test.handed": {
        "en": "handed to {teams}, expected no handoff",
        "fr": "transmis à {teams}, aucune transmission attendue",
    },
    "test.but_to": {"en": " (but to {teams})", "fr": " (mais à {teams})"},
    "test.not_handed": {"en": "not handed to {want}{also}", "fr": "non transmis à {want}{also}"},
    "test.opted_out": {
        "en": "opted out is {have}, expected {want}",
        "fr": "désinscrit vaut {have}, {want} attendu",
    },
    "cli.functions.hint": {
        "en": "run `twoway functions` for the list",
        "fr": "lancez `twoway functions` pour la liste",
    },
    "cli.no_function": {
        "en": "no function named '{name}' ({hint})",
        "fr": "aucune fonction nommée '{name}' ({hint})",
    },
    "cli.no_rule_files": {
        "en": "no rule files in {names}{hint}",
        "fr": "aucun fichier de règles dans {names}{hint}",
    },
    "cli.rule_sets_below": {
        "en": " (rule sets below it: {names})",
        "fr": " (jeux de règles en dessous : {names})",
    },
    "cli.explain.no_path": {
        "en": "{path} does not exist (put the message last, after --)",
        "fr": "{path} n'existe pas (mettez le message en dernier, après --)",
    },
    "cli.status.answered": {
        "en": "{target} answered {code} {reason}",
        "fr": "{target} a répondu {code} {reason}",
    },
    "cli.status.silent": {
        "en": "twoway does not answer on {target}: {reason}",
        "fr": "twoway ne répond pas sur {target} : {reason}",
    },
    "cli.status.silent.hint": {
        "en": "the engine is not running (start it with `{run}`), or it listens elsewhere "
        "(http.listen in twoway.yaml)",
        "fr": "le moteur ne tourne pas (lancez-le avec `{run}`), ou il écoute ailleurs "
        "(http.listen dans twoway.yaml)",
    },
    "cli.status.no_report": {
        "en": "{target} did not answer a health report",
        "fr": "{target} n'a pas répondu par un rapport de santé",
    },
    "cli.backup.exists": {
        "en": "{target} exists; add --force to replace it",
        "fr": "{target} existe ; ajoutez --force pour le remplacer",
    },
    "cli.backup.itself": {
        "en": "the backup must not be the store itself",
        "fr": "la sauvegarde ne doit pas être la base elle-même",
    },
    "cli.backup.failed": {
        "en": "cannot back up {source} to {target}: {reason}",
        "fr": "impossible de sauvegarder {source} vers {target} : {reason}",
    },
    "cli.warning": {"en": "warning: {message}", "fr": "avertissement : {message}"},
    "cli.report_written": {"en": "report written to {path}", "fr": "rapport écrit dans {path}"},
    "cli.results_written": {
        "en": "results written to {path}",
        "fr": "résultats écrits dans {path}",
    },
    "cli.recorded": {
        "en": "recorded {count} steps to {path}",
        "fr": "{count} étapes enregistrées dans {path}",
    },
    "cli.refused_written": {
        "en": "refused rows written to {path}",
        "fr": "lignes refusées écrites dans {path}",
    },
    "cli.imported": {
        "en": "imported {created}, updated {changed}, refused {refused}",
        "fr": "importés {created}, mis à jour {changed}, refusés {refused}",
    },
    "cli.exported.one": {
        "en": "exported {count} contact to {path}",
        "fr": "{count} contact exporté vers {path}",
    },
    "cli.exported.other": {
        "en": "exported {count} contacts to {path}",
        "fr": "{count} contacts exportés vers {path}",
    },
    "cli.backed_up": {
        "en": "backed up {source} to {target} ({size} bytes)",
        "fr": "{source} sauvegardé dans {target} ({size} octets)",
    },
    "cli.no_campaigns": {
        "en": "no campaigns: write a rule file with 'campaign:'",
        "fr": "aucune campagne : écrivez un fichier de règles avec 'campaign:'",
    },
    "cli.campaign_test": {
        "en": "test of {name} to {to} queued: the running engine sends it within a second",
        "fr": "test de {name} vers {to} mis en file : le moteur en marche l'envoie dans la seconde",
    },
    "cli.campaign.paused": {"en": "{name} paused", "fr": "{name} en pause"},
    "cli.campaign.running": {"en": "{name} resumed", "fr": "{name} reprise"},
    "cli.campaign.cancelled": {"en": "{name} cancelled", "fr": "{name} annulée"},
}
