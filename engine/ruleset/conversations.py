"""Own the conversation tests written next to rules: ``tests:`` sections and ``*.test.yaml`` files.

A test is data: messages in, clock moves, flows started, and the replies expected, each as exact
text or ``/regex/``. Parsing keeps each step's place in its file so a failure points at it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.core.groups import parse_groups
from engine.core.messages import normalize_address
from engine.dsl import DslError, parse_duration
from engine.errors import RuleError, Span, did_you_mean
from engine.i18n import msg
from engine.ruleset.loader import Document, load_path, source_text
from engine.ruleset.moments import MomentError, read_moment
from engine.ruleset.ruleset import RuleSet
from engine.ruleset.schema import validate
from engine.ruleset.source import setting_written

__all__ = ["ConversationTest", "Expect", "TestStep", "check_tests", "load_tests", "tests_of"]

DEFAULT_FROM = "+15550000001"
DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_STEP_KEYS = ("send", "wait", "start")


@dataclass(frozen=True, slots=True)
class Expect:
    """One expected message: exact text, or a regular expression searched in it."""

    text: str
    regex: bool = False
    to: str | None = None
    """The recipient it must go to; None: the contact of the test."""

    @classmethod
    def parse(cls, raw: Any) -> Expect:
        if isinstance(raw, dict):
            inner = cls.parse(str(raw.get("text", "")))
            to = raw.get("to")
            return cls(inner.text, inner.regex, normalize_address(str(to)) if to else None)
        text = str(raw)
        if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
            return cls(text[1:-1], regex=True)
        return cls(text)

    def __str__(self) -> str:
        shown = f"/{self.text}/" if self.regex else repr(self.text)
        return f"{shown} to {self.to}" if self.to else shown


@dataclass(frozen=True, slots=True)
class TestStep:
    kind: str
    """``send``, ``wait`` or ``start``."""
    value: Any
    span: Span
    expect: tuple[Expect, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    sender: str | None = None
    written: str = ""
    """The step's value as written in the file (``25h`` rather than a timedelta)."""
    check: dict[str, Any] = field(default_factory=dict)
    """What must hold after the step: session, vars, contact, votes, answers, handoff, opted_out."""


@dataclass(frozen=True, slots=True)
class ConversationTest:
    name: str
    file: str
    span: Span
    sender: str
    recipient: str | None
    contact: dict[str, Any]
    now: datetime
    steps: tuple[TestStep, ...]


def tests_of(
    document: Document, errors: list[RuleError], zone: str | None = None
) -> list[ConversationTest]:
    """Return the tests of a parsed rule or test file; append problems to ``errors``."""
    data = document.data
    if not isinstance(data, dict) or "tests" not in data:
        return []
    raw = data["tests"]
    if not isinstance(raw, list):
        errors.append(RuleError("E501", msg("E501.tests_list"), document.span(("tests",))))
        return []
    found: list[ConversationTest] = []
    for index, item in enumerate(raw):
        test = _test(document, ("tests", index), item, errors, zone)
        if test is not None:
            found.append(test)
    return found


def _test(
    doc: Document, path: tuple[Any, ...], item: Any, errors: list[RuleError], zone: str | None
) -> ConversationTest | None:
    def fail(message: str, where: Sequence[Any], hint: str | None = None) -> None:
        errors.append(RuleError("E501", message, doc.span(where), hint))

    if not isinstance(item, dict) or not isinstance(item.get("steps"), list):
        fail(msg("E501.steps"), path, msg("E501.steps.hint"))
        return None
    now = DEFAULT_START
    if "now" in item:
        try:
            now = read_moment(str(item["now"]), zone)
        except MomentError as wrong:
            fail(wrong.message, (*path, "now"), wrong.hint)
            return None
    steps = _steps(doc, path, item["steps"], fail)
    contact = dict(item.get("contact") or {})
    problem = parse_groups(contact["groups"])[1] if "groups" in contact else None
    if problem is not None:
        fail(problem, (*path, "contact", "groups"))
        return None
    recipient = item.get("to")
    return ConversationTest(
        name=str(item.get("name") or f"test {path[-1] + 1}"),
        file=doc.file,
        span=doc.span(path),
        sender=normalize_address(str(item.get("from", DEFAULT_FROM))),
        recipient=normalize_address(str(recipient)) if recipient is not None else None,
        contact=contact,
        now=now,
        steps=tuple(steps),
    )


def _steps(
    doc: Document, path: tuple[Any, ...], raw_steps: list[Any], fail: Callable[..., None]
) -> list[TestStep]:
    """Read a test's steps; report the bad ones with ``fail`` and leave them out."""
    steps: list[TestStep] = []
    for index, raw in enumerate(raw_steps):
        here = (*path, "steps", index)
        kinds = [k for k in _STEP_KEYS if isinstance(raw, dict) and k in raw]
        if len(kinds) != 1:
            fail(msg("E501.one_kind"), here)
            continue
        kind = kinds[0]
        value: Any = raw[kind]
        if kind == "wait":
            try:
                value = parse_duration(str(value))
            except DslError as exc:
                fail(exc.message, (*here, "wait"), exc.hint)
                continue
        expect = raw.get("expect", [])
        expected = expect if isinstance(expect, list) else [expect]
        steps.append(
            TestStep(
                kind=kind,
                value=str(value) if kind != "wait" else value,
                span=doc.span((*here, kind)),
                expect=tuple(Expect.parse(e) for e in expected),
                check=dict(raw.get("check") or {}),
                params=dict(raw.get("params") or {}),
                sender=normalize_address(str(raw["from"])) if "from" in raw else None,
                written=str(raw[kind]),
            )
        )
    return steps


def check_tests(tests: Sequence[ConversationTest], ruleset: RuleSet) -> list[RuleError]:
    """Report test steps that name a flow or schedule the rule set does not have."""
    names = sorted(
        {t.schedule for f in ruleset.flows.values() for t in f.triggers if t.schedule}
        | set(ruleset.flows)
    )
    errors: list[RuleError] = []
    for test in tests:
        for step in test.steps:
            if step.kind == "start" and ruleset.schedule_flow(step.written) is None:
                hint = did_you_mean(step.written, names) or (
                    msg("E502.hint", names=", ".join(names)) if names else None
                )
                errors.append(
                    RuleError(
                        "E502",
                        msg("E502.no_flow", name=step.written),
                        step.span,
                        hint,
                    )
                )
    return errors


def load_tests(
    folder: Path, documents: Sequence[Document], only: Path | None = None
) -> tuple[list[ConversationTest], list[RuleError], dict[str, str]]:
    """Collect a rule set's tests: its files' ``tests:`` and its ``*.test.yaml`` files.

    With ``only``, collect that test file's tests and nothing else.
    """
    errors: list[RuleError] = []
    sources: dict[str, str] = {}
    tests: list[ConversationTest] = []
    zone = setting_written(documents, "timezone")
    if only is not None:
        files = [only]
    else:
        for document in documents:
            tests.extend(tests_of(document, errors, zone))
        files = (
            []
            if folder.is_file()
            else sorted([*folder.glob("*.test.yaml"), *folder.glob("*.test.yml")])
        )
    for file in files:
        loaded, load_errors = load_path(file)
        errors.extend(load_errors)
        if loaded is None:
            sources[str(file)] = source_text(file)
            continue
        sources[loaded.file] = loaded.text
        schema_errors = validate(loaded)
        errors.extend(schema_errors)
        if not schema_errors:
            tests.extend(tests_of(loaded, errors, zone))
    return tests, errors, sources
