"""Own the rule language of twoway: conditions, templates, patterns, durations and intents.

Compile once (``compile_condition``, ``compile_template``, ``compile_pattern``), then evaluate
many times against a context mapping; compile mistakes raise ``DslError``, evaluation mistakes
raise ``EvalError``. The DSL knows nothing of YAML files or SMS transports.
"""

from __future__ import annotations

from engine.dsl.conditions import Condition, compile_condition
from engine.dsl.durations import parse_duration
from engine.dsl.errors import DslError, EvalError
from engine.dsl.functions import FUNCTIONS
from engine.dsl.patterns import Pattern, compile_pattern
from engine.dsl.templates import Template, compile_template
from engine.dsl.text import intent, normalize

__all__ = [
    "FUNCTIONS",
    "Condition",
    "DslError",
    "EvalError",
    "Pattern",
    "Template",
    "compile_condition",
    "compile_pattern",
    "compile_template",
    "intent",
    "normalize",
    "parse_duration",
]
