"""Own the French of texts known by their English words: the ``x-`` annotations of
``schemas/*.schema.json`` (``x-kind``, ``x-expect``, ``x-none-message``, …), which stay English
in the schema files; ``engine.i18n.phrase`` looks them up."""

from __future__ import annotations

__all__ = ["PHRASES"]

PHRASES: dict[str, str] = {
    "the file": "le fichier",
    "a rule file": "un fichier de règles",
}
