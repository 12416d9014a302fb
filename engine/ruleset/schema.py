"""Own the validation of a rule file against ``schemas/rules.schema.json``, with errors that teach.

``validate`` runs the JSON Schema (draft 2020-12) over a loaded ``Document`` and turns jsonschema's
errors into analyst errors placed at file:line:col: every mistake is reported, one per place.

The schema carries ``x-`` annotations that word the messages: ``x-kind`` names an object ("a
state"), ``x-expect`` says what a value must be, ``x-actions`` marks maps whose keys are actions
(an unknown key there is an unknown action), ``x-discriminator`` marks a ``oneOf`` whose branch is
chosen by which key is present (forms, cases, entries, triggers, steps), so that only the chosen
branch's errors are reported instead of jsonschema's cascade.

Codes: E201 unknown key, E202 missing key, E203 wrong type or value, E204 unknown action,
E205 no form (or two), E206 invalid duration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.errors import RuleError, Span, did_you_mean
from engine.i18n import joined, msg, phrase
from engine.resources import load_schema
from engine.ruleset.loader import Document, JsonPath

__all__ = ["TEST_FILE_SUFFIXES", "is_test_file", "validate"]

TEST_FILE_SUFFIXES = (".test.yaml", ".test.yml")
"""Files with these endings hold conversation tests only (``#/$defs/test_file``)."""

_TYPE_WORDS = {
    "string": "text",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
    "object": "a map",
    "array": "a list",
    "null": "empty",
}

# Keys that only one form has: they tell which form key a file forgot.
_FORM_CLUES = {
    "states": "flow",
    "choices": "poll",
    "once_per": "poll",
    "questions": "survey",
    "intro": "survey",
}

# Ranks decide which error wins when two fall on the same place: the most specific first.
_UNKNOWN, _VALUE, _MISSING = 0, 1, 2


def is_test_file(file: str) -> bool:
    """Whether ``file`` is a conversation test file (``*.test.yaml``)."""
    return file.endswith(TEST_FILE_SUFFIXES)


def validate(document: Document, schema: str = "rules") -> list[RuleError]:
    """Return every schema error of ``document`` (sorted by position, one per place).

    ``schema`` names the file in ``schemas/``: ``rules`` (a rule file, or a test file by its
    name) or ``config`` (``twoway.yaml``).
    """
    if schema == "rules":
        validator = _validator("test_file" if is_test_file(document.file) else "rules")
    else:
        validator = _whole_validator(schema)
    report = _Report(document, schema)
    for error in validator.iter_errors(document.data):
        report.convert(error)
    return report.errors()


@cache
def _validator(kind: str) -> Draft202012Validator:
    schema = load_schema("rules")
    if kind == "rules":
        return Draft202012Validator(schema)
    wrapper = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}
    return Draft202012Validator(wrapper)


@cache
def _whole_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


def _resolve(schema: Any, root: str = "rules") -> dict[str, Any]:
    """Follow a local ``$ref`` (``#/$defs/name``) of the schema file ``root`` to its schema."""
    if not isinstance(schema, dict):
        return {}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target: dict[str, Any] = load_schema(root)["$defs"][ref.removeprefix("#/$defs/")]
        return target
    return schema


def _quoted(names: Sequence[str]) -> str:
    """'a', 'a' and 'b', 'a', 'b' and 'c'."""
    return joined([f"'{name}'" for name in names])


def _show(value: Any) -> str:
    """Show a value the way an analyst wrote it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return phrase("empty")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return phrase("an empty list" if not value else "a list")
    if isinstance(value, dict):
        return phrase("an empty map" if not value else "a map")
    text = str(value)
    first = text.splitlines()[0] if text else ""
    if len(first) > 40 or first != text:
        first = first[:40] + "…"
    return f"'{first}'"


def _expected(schema: Mapping[str, Any], types: Any) -> str:
    expect = schema.get("x-expect")
    if isinstance(expect, str):
        return phrase(expect)
    names = types if isinstance(types, list) else [types]
    words = [phrase(_TYPE_WORDS.get(str(name), str(name))) for name in names]
    said = words[0]
    for word in words[1:]:
        said = msg("list.or", first=said, last=word)
    return said


def _types(schema: Mapping[str, Any]) -> set[str]:
    types = schema.get("type", [])
    return set(types) if isinstance(types, list) else {types}


class _Report:
    """Collects analyst errors from jsonschema errors."""

    def __init__(self, document: Document, root: str = "rules") -> None:
        self.doc = document
        self.root = root
        self.found: list[tuple[int, RuleError]] = []

    # --- output -----------------------------------------------------------------------------

    def add(self, rank: int, code: str, message: str, span: Span, hint: str | None) -> None:
        self.found.append((rank, RuleError(code, message, span, hint)))

    def errors(self) -> list[RuleError]:
        best: dict[tuple[int, int], tuple[int, int, RuleError]] = {}
        for order, (rank, error) in enumerate(self.found):
            assert error.span is not None
            place = (error.span.line, error.span.col)
            if place not in best or rank < best[place][0]:
                best[place] = (rank, order, error)
        chosen = sorted(best.values(), key=lambda item: item[1])
        return sorted((error for _, _, error in chosen), key=RuleError.sort_key)

    # --- places and names -------------------------------------------------------------------

    def key_span(self, path: JsonPath) -> Span:
        return self.doc.span(path, key=True)

    def object_span(self, path: JsonPath, instance: Any) -> Span:
        """Where to report about a whole map: its key, else its first key, else its value."""
        if path and isinstance(path[-1], str):
            return self.doc.span(path, key=True)
        if isinstance(instance, dict) and instance:
            return self.doc.span((*path, next(iter(instance))), key=True)
        return self.doc.span(path)

    def source(self, path: JsonPath) -> str:
        """The value at ``path`` as written on its line."""
        span = self.doc.span(path)
        lines = self.doc.text.splitlines()
        if not 1 <= span.line <= len(lines):
            return ""
        return lines[span.line - 1][span.col - 1 : span.col - 1 + span.length]

    @staticmethod
    def subject(path: JsonPath) -> str:
        if not path:
            return phrase("the file")
        last = path[-1]
        if isinstance(last, int):
            parent = next((p for p in reversed(path[:-1]) if isinstance(p, str)), None)
            if parent:
                return msg("schema.item_of", n=last + 1, parent=parent)
            return msg("schema.item", n=last + 1)
        return f"'{last}'"

    @staticmethod
    def kind(schema: Mapping[str, Any], path: JsonPath) -> str:
        kind = schema.get("x-kind")
        if isinstance(kind, str):
            return phrase(kind)
        return _Report.subject(path) if path else phrase("a rule file")

    # --- conversion -------------------------------------------------------------------------

    def convert(self, error: ValidationError) -> None:
        schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
        path: JsonPath = tuple(error.absolute_path)
        instance = error.instance
        validator = error.validator
        if validator == "oneOf" and "x-discriminator" in schema:
            self.union(error, schema, path, instance)
        elif validator == "additionalProperties" and isinstance(instance, dict):
            self.unknown(schema, path, instance)
        elif validator == "required" and isinstance(instance, dict):
            self.missing(schema, path, instance)
        elif validator == "not" and "x-not-allowed" in schema:
            self.add(_UNKNOWN, "E201", phrase(schema["x-not-allowed"]), self.key_span(path), None)
        elif "propertyNames" in error.relative_schema_path:
            self.bad_name(schema, path, str(instance))
        elif validator == "maxContains" and "x-unique-key" in schema:
            self.not_unique(schema, path, instance)
        else:
            self.value(error, schema, path, instance)

    def union(
        self, error: ValidationError, schema: dict[str, Any], path: JsonPath, instance: Any
    ) -> None:
        """A ``oneOf`` whose branch is chosen by which of its keys is present."""
        if not isinstance(instance, dict):
            return  # the type error of the same place says it
        keys: list[str] = list(schema["x-discriminator"])
        present = [key for key in instance if key in keys]
        guard = schema.get("x-guard")
        if guard in present and len(present) == 2 and "otherwise" not in present:
            present.remove(guard)  # a `when` beside a `keyword` or `match` is its guard
        root_code = schema.get("x-code")
        if len(present) == 1:
            branch = keys.index(present[0])
            for sub in error.context or []:
                if sub.relative_schema_path and sub.relative_schema_path[0] == branch:
                    self.convert(sub)
            return
        if len(present) > 1:
            message = phrase(str(schema["x-two-message"]), present[0], present[1])
            span = self.key_span((*path, present[1]))
            two_hint = schema.get("x-two-hint")
            hint = phrase(two_hint) if isinstance(two_hint, str) else None
            self.add(_UNKNOWN, root_code or "E203", message, span, hint)
            return
        message = phrase(str(schema["x-none-message"]))
        near = next((key for key in instance if did_you_mean(key, keys)), None)
        if root_code:
            self.no_form(root_code, message, path, instance, near, keys)
            return
        allowed: list[str] = []
        for branch_schema in schema.get("oneOf", []):
            for key in _resolve(branch_schema, self.root).get("properties", {}):
                if key not in allowed:
                    allowed.append(key)
        for key in instance:
            if key not in allowed:
                self.unknown_key(schema, path, key, allowed)
        if near is None:
            example = schema.get("x-example")
            hint = msg("schema.example", example=example) if example else None
            self.add(_MISSING, "E202", message, self.object_span(path, instance), hint)

    def no_form(
        self,
        code: str,
        message: str,
        path: JsonPath,
        instance: dict[str, Any],
        near: str | None,
        keys: Sequence[str],
    ) -> None:
        if near is not None:
            span = self.key_span((*path, near))
            hint = did_you_mean(near, keys)
        else:
            span = self.object_span(path, instance)
            guess = next((form for key, form in _FORM_CLUES.items() if key in instance), None)
            if guess is not None:
                clue = next(key for key in _FORM_CLUES if key in instance)
                hint = msg("E205.clue.hint", clue=clue, form=guess)
            elif "tests" in instance:
                hint = msg("E205.tests.hint")
            else:
                hint = msg("E205.start.hint")
        self.add(_UNKNOWN, code, message, span, hint)

    def unknown(self, schema: dict[str, Any], path: JsonPath, instance: dict[str, Any]) -> None:
        allowed = list(schema.get("properties", {}))
        inside = schema.get("x-inside")
        inner: list[str] = []
        if isinstance(inside, str):
            inner = list(_resolve(schema["properties"][inside], self.root).get("properties", {}))
        for key in instance:
            if key in allowed:
                continue
            if key in inner:
                self.add(
                    _UNKNOWN,
                    "E201",
                    msg("E201.inside", key=key, inside=inside),
                    self.key_span((*path, key)),
                    msg("E201.inside.hint", inside=inside),
                )
            elif inner:
                self.add(
                    _UNKNOWN,
                    "E204",
                    msg("E204.unknown", key=key),
                    self.key_span((*path, key)),
                    did_you_mean(key, inner) or msg("E204.inside.hint", inside=inside),
                )
            else:
                self.unknown_key(schema, path, key, allowed)

    def unknown_key(
        self, schema: Mapping[str, Any], path: JsonPath, key: str, allowed: Iterable[str]
    ) -> None:
        names = list(allowed)
        kind = self.kind(schema, path)
        hint = did_you_mean(key, names) or msg(
            "E201.allowed.hint", kind=kind, keys=", ".join(names)
        )
        if key == "then" and "goto" in names:
            target = self.source((*path, key))
            way = msg("E201.then.end") if target == "end" else f"'goto: {target}'"
            hint = msg("E201.then.hint", way=way)
        span = self.key_span((*path, key))
        if schema.get("x-actions"):
            self.add(_UNKNOWN, "E204", msg("E204.unknown", key=key), span, hint)
        else:
            self.add(_UNKNOWN, "E201", msg("E201.unknown", key=key, kind=kind), span, hint)

    def missing(self, schema: dict[str, Any], path: JsonPath, instance: dict[str, Any]) -> None:
        required = [str(key) for key in schema.get("required", [])]
        absent = [key for key in required if key not in instance]
        keys_of = schema.get("x-keys-of")  # a conditional part of the schema of ...
        if isinstance(keys_of, str):
            allowed = _resolve({"$ref": f"#/$defs/{keys_of}"}, self.root).get("properties", {})
        else:
            allowed = (
                schema.get("properties", {})
                if schema.get("additionalProperties") is False
                else None
            )
        if allowed is not None:
            strays = [key for key in instance if key not in allowed]
            # a misspelt key already says what is missing
            absent = [key for key in absent if not any(did_you_mean(s, [key]) for s in strays)]
        if not absent:
            return
        kind = self.kind(schema, path)
        own = _resolve(schema.get("properties", {}).get(absent[0]), self.root).get("x-example")
        example = schema.get("x-example")
        if len(absent) == 1 and isinstance(own, str):
            hint = msg("E202.add.hint", example=own)
        elif isinstance(example, str):
            hint = msg("schema.example", example=example)
        else:
            hint = msg("E202.must_have.hint", kind=kind, keys=_quoted(required))
        message = msg("E202.needs", kind=kind, keys=_quoted(absent))
        self.add(_MISSING, "E202", message, self.object_span(path, instance), hint)

    def bad_name(self, schema: dict[str, Any], path: JsonPath, name: str) -> None:
        expect = phrase(str(schema.get("x-expect", "a valid name")))
        message = msg("E203.key_name", name=name, subject=self.subject(path), expect=expect)
        self.add(_VALUE, "E203", message, self.key_span((*path, name)), None)

    def not_unique(self, schema: dict[str, Any], path: JsonPath, instance: Any) -> None:
        key = str(schema["x-unique-key"])
        holders = [
            i for i, item in enumerate(instance or []) if isinstance(item, dict) and key in item
        ]
        where = (*path, holders[1], key) if len(holders) > 1 else path
        given = schema.get("x-unique-message")
        message = phrase(given) if isinstance(given, str) else msg("E203.only_one", key=key)
        unique_hint = schema.get("x-unique-hint")
        hint = phrase(unique_hint) if isinstance(unique_hint, str) else None
        self.add(_VALUE, "E203", message, self.key_span(where), hint)

    def value(
        self, error: ValidationError, schema: dict[str, Any], path: JsonPath, instance: Any
    ) -> None:
        """A value of the wrong type, or outside what is allowed: caret on the value."""
        code = str(schema.get("x-code", "E203"))
        subject = self.subject(path)
        shown = _show(instance)
        if isinstance(instance, bool | int | float) and self.source(path):
            shown = self.source(path)  # as written: +33600000001, not 33600000001
        validator = error.validator
        hint: str | None = None
        message: str
        x_hint = schema.get("x-hint")
        if validator == "type":
            expected = _expected(schema, error.validator_value)
            message = msg("E203.must_be", subject=subject, expected=expected, shown=shown)
            hint = self.type_hint(schema, path, instance)
        elif validator in ("enum", "const"):
            options = error.validator_value
            choices = [str(o) for o in (options if isinstance(options, list) else [options])]
            if len(choices) == 1:
                message = msg("E203.must_be", subject=subject, expected=choices[0], shown=shown)
            else:
                message = msg(
                    "E203.one_of", subject=subject, choices=", ".join(choices), shown=shown
                )
            guess = did_you_mean(str(instance), choices) if isinstance(instance, str) else None
            hint = guess or (phrase(x_hint) if isinstance(x_hint, str) else None)
        elif validator == "pattern":
            expected = _expected(schema, "string")
            message = msg("E203.must_be", subject=subject, expected=expected, shown=shown)
            hint = phrase(x_hint) if isinstance(x_hint, str) else None
        elif validator in ("minItems", "minProperties"):
            message = msg("E203.empty", subject=subject)
            example = schema.get("x-example")
            hint = msg("schema.example", example=example) if example else None
        elif validator in ("minimum", "exclusiveMinimum"):
            low = error.validator_value
            message = msg("E203.at_least", subject=subject, limit=low, shown=shown)
        elif validator in ("maximum", "exclusiveMaximum"):
            high = error.validator_value
            message = msg("E203.at_most", subject=subject, limit=high, shown=shown)
        else:
            message = f"{subject}: {error.message}"
        self.add(_VALUE, code, message, self.doc.span(path), hint)

    def type_hint(self, schema: dict[str, Any], path: JsonPath, instance: Any) -> str | None:
        types = _types(schema)
        if instance is None:
            key = path[-1] if path and isinstance(path[-1], str) else None
            if key is not None and types & {"object", "array"}:
                return msg("E203.value_of.hint", key=key)
            return msg("E203.value.hint")
        number = isinstance(instance, int | float) and not isinstance(instance, bool)
        if schema.get("x-code") == "E206" and number:
            return msg("E206.unit.hint", n=instance)
        if "string" in types and isinstance(instance, bool | int | float):
            return msg("E203.quotes.hint", source=self.source(path))
        if "boolean" in types and isinstance(instance, str):
            return msg("E203.boolean.hint")
        if "array" in types and "object" not in types and isinstance(instance, dict):
            return msg("E203.list.hint")
        example = schema.get("x-example")
        if isinstance(example, str):
            return msg("schema.example", example=example)
        x_hint = schema.get("x-hint")
        return phrase(x_hint) if isinstance(x_hint, str) else None
