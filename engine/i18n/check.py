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
}
