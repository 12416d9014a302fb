"""Locate the files shipped with twoway: JSON schemas, the demo rules, the DSL grammar."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["default_rules_dir", "load_schema", "schema_path"]

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _data_dir(name: str) -> Path:
    """Return ``engine/data/<name>`` in a wheel, or ``<checkout>/<name>`` in a source tree."""
    installed = resources.files("engine").joinpath("data", name)
    if installed.is_dir():
        return Path(str(installed))
    return _CHECKOUT / name


def schema_path(name: str) -> Path:
    return _data_dir("schemas") / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load ``schemas/<name>.schema.json`` once."""
    with schema_path(name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def default_rules_dir() -> Path:
    """Return the folder of demo rules shipped with twoway."""
    return _data_dir("rules")
