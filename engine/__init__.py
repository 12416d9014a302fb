"""twoway: a two-way SMS engine driven by YAML rule files.

The public surface is small: compile rules, step the runtime, run the service.
"""

from __future__ import annotations

from engine.core import Contact, Event, Inbound, Input, Outgoing, Session, Sprint
from engine.errors import RuleError, RuleErrors, TwowayError
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step
from engine.service import Service
from engine.store import SqliteStore
from engine.version import __version__

__all__ = [
    "Contact",
    "Event",
    "Inbound",
    "Input",
    "Outgoing",
    "RuleError",
    "RuleErrors",
    "RuleSet",
    "Service",
    "Session",
    "Sprint",
    "SqliteStore",
    "TwowayError",
    "__version__",
    "compile_rules",
    "step",
]
