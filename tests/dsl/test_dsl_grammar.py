"""The grammar builds without conflicts, the public API is what it says, and nothing unsafe."""

from __future__ import annotations

import re
from pathlib import Path

import engine.dsl
from engine.dsl.parser import build_lark

PACKAGE = Path(engine.dsl.__file__).parent


def test_grammar_builds_in_strict_mode() -> None:
    parser = build_lark(strict=True)
    assert parser.parse("a == 1", start="condition") is not None
    assert parser.parse("a|upper", start="template_expr") is not None


def test_public_api() -> None:
    assert sorted(engine.dsl.__all__) == sorted(
        [
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
    )
    for name in engine.dsl.__all__:
        assert hasattr(engine.dsl, name)


def test_one_grammar_file_shipped_as_package_data() -> None:
    assert [p.name for p in PACKAGE.glob("*.lark")] == ["grammar.lark"]


def test_no_dynamic_code_or_attribute_access() -> None:
    forbidden = re.compile(r"\b(eval|exec|pickle|getattr|setattr|__import__|compile)\s*\(")
    for path in PACKAGE.glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            # regex.compile is the regex module's; the DSL's own compile_* functions are fine.
            code = re.sub(r"\b(regex|re)\.compile\(", "", code)
            code = re.sub(r"\bcompile_\w+\(|_compile\w*\(", "", code)
            assert not forbidden.search(code), f"{path.name}:{number}: {line.strip()}"


def test_every_module_says_what_it_owns() -> None:
    for path in PACKAGE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""'), path.name
        assert "from __future__ import annotations" in text, path.name
