"""Own the common words of the ``twoway`` commands other than ``check`` (``test``'s summary
and failures, errors such as an unknown function) in English and French, by key."""

from __future__ import annotations

__all__ = ["CLI"]

CLI: dict[str, dict[str, str]] = {
    "cli.error": {"en": "error: {message}", "fr": "erreur : {message}"},
}
