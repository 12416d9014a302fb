"""Properties over arbitrary text: compilers raise only DslError, normalize is idempotent."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.dsl import (
    DslError,
    EvalError,
    compile_condition,
    compile_pattern,
    compile_template,
    intent,
    normalize,
)

# Text rich in the characters the DSL cares about, plus anything at all.
DSL_ALPHABET = st.sampled_from(list("{}|()[]'\"\\/~!=<>.,:-+*% aAzZ09_éß\n\t👍"))
DSL_TEXT = st.one_of(st.text(), st.text(alphabet=DSL_ALPHABET, max_size=40))
# Derandomized and without an example database, so that every run checks the same examples.
PROPERTY = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
CTX = {"a": 1, "z": "Z", "text": "x", "now": dt.datetime(2026, 1, 1)}


@PROPERTY
@given(DSL_TEXT)
def test_compile_template_raises_only_dsl_errors(source: str) -> None:
    try:
        template = compile_template(source)
    except DslError as error:
        assert error.code in {"E302", "E304", "E306", "E307", "E308"}
        assert 0 <= error.offset <= len(source)
        assert error.length >= 1
        return
    with contextlib.suppress(EvalError):
        assert isinstance(template.render(CTX), str)


@PROPERTY
@given(DSL_TEXT)
def test_compile_condition_raises_only_dsl_errors(source: str) -> None:
    try:
        condition = compile_condition(source)
    except DslError as error:
        assert error.code in {"E301", "E304", "E307", "E308"}
        assert 0 <= error.offset <= len(source)
        return
    with contextlib.suppress(EvalError):
        assert condition.evaluate(CTX) in (True, False)


@PROPERTY
@given(DSL_TEXT, st.text(max_size=60))
def test_compile_pattern_raises_only_dsl_errors(source: str, message: str) -> None:
    try:
        pattern = compile_pattern(source)
    except DslError as error:
        assert error.code == "E303"
        assert 0 <= error.offset <= len(source)
        return
    found = pattern.match(message)
    assert found is None or set(found) == set(pattern.captures)


@PROPERTY
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


@PROPERTY
@given(st.text())
def test_intent_is_total(text: str) -> None:
    assert intent(text) in {None, "yes", "no", "stop", "help"}


@PROPERTY
@given(st.text(max_size=30))
def test_literal_word_patterns_match_their_own_words(word: str) -> None:
    if not normalize(word) or "{" in word or "}" in word:
        return
    pattern = compile_pattern(word + " {rest:text}")
    assert pattern.match(word + " tail") is not None
    assert pattern.match(word.upper() + "!") is not None
