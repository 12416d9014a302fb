"""Own the reading of rule files: YAML text to plain data, with the file position of every value.

``load`` turns the text of one rule file into a ``Document``: the data as plain Python (dict, list,
str, int, float, bool, None) and, for every JSON path, where its key and value are written, so that
every later error (schema, DSL, compiler) can point a caret at the right character.

YAML is read safely (``yaml.compose`` with a ``SafeLoader``; no Python object is ever built) and
with YAML 1.2 core-schema values: ``yes``/``no``/``on``/``off``/``y``/``n`` stay text, only
``true`` and ``false`` (any case) are booleans, ``9:00`` is text, ``0777`` is 777 and ``0o17`` is
octal, and dates stay text (the compiler parses them). Aliases are expanded, ``<<`` merges too.

Errors, never exceptions: E101 the YAML cannot be read (syntax, encoding, unsupported tag, alias
bomb), E102 duplicate key, E103 the file is not a mapping (or a key is not text), E104 the file is
larger than ``MAX_FILE_SIZE`` (refused before it is read).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.errors import RuleError, Span
from engine.i18n import msg, phrase

__all__ = [
    "FORMS",
    "MAX_DEPTH",
    "MAX_FILE_SIZE",
    "MAX_NODES",
    "Document",
    "JsonPath",
    "NodePos",
    "load",
    "load_path",
    "normalise",
    "read_bounded",
    "source_text",
]

JsonPath = tuple[str | int, ...]

FORMS: tuple[str, ...] = ("autoreply", "flow", "poll", "survey", "campaign", "settings")
"""The form keys; a rule file has exactly one of them."""

MAX_NODES = 100_000
"""The most values a file may hold once its aliases are expanded (guards against alias bombs)."""

MAX_DEPTH = 200
"""The deepest nesting of lists and maps a file may have."""

MAX_FILE_SIZE = 1024 * 1024
"""The largest rule file read, in bytes (1 MiB): checked before parsing, so it is a constant and
not a setting (documented in docs/rules.md). A real rule file is a few KiB."""

_SHOWN = 100
"""How much of the first line of a file too large to read is shown under its E104."""

_FORMS = ", ".join(FORMS)


@dataclass(frozen=True, slots=True)
class NodePos:
    """Where one value of a rule file is written.

    ``key`` is the span of its mapping key (None for list items and the root); ``value`` starts
    where the value starts and is as long as the scalar as written on that line (1 for lists and
    maps); ``style`` is the scalar style: None (plain), ``'``, ``"``, ``|`` or ``>``; None for
    lists and maps.
    """

    key: Span | None
    value: Span
    style: str | None


@dataclass(frozen=True)
class Document:
    """One rule file read: its text, its plain data and the position of every value."""

    file: str
    text: str
    data: Any
    positions: Mapping[JsonPath, NodePos]
    extents: Mapping[JsonPath, tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Source range ``[start, end)`` (character offsets in ``text``) of every scalar."""

    _line_starts: list[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", self.text))
        object.__setattr__(self, "_line_starts", starts)

    def span(self, path: Sequence[str | int], *, key: bool = False) -> Span:
        """Return where ``path`` is written: its key (``key=True``) or its value.

        A path that does not exist (a missing key, say) falls back to its nearest existing
        ancestor, pointing at that ancestor's key when it has one.
        """
        current = tuple(path)
        exact = True
        while True:
            pos = self.positions.get(current)
            if pos is not None:
                if (key or not exact) and pos.key is not None:
                    return pos.key
                return pos.value
            if not current:
                return Span(self.file, 1, 1)
            current = current[:-1]
            exact = False

    def locate(self, path: Sequence[str | int], offset: int, length: int = 1) -> Span:
        """Map ``offset`` (0-based, inside the string at ``path``) to where it is in the file.

        Accounts for the opening quote of quoted scalars, ``''`` in single quotes, backslash
        escapes in double quotes, and the line breaks of block (``|``, ``>``) and multi-line plain
        scalars, so that a caret lands under the right character. Offsets past the end point just
        after the value (at the closing quote of a quoted scalar).
        """
        key = tuple(path)
        pos = self.positions.get(key)
        extent = self.extents.get(key)
        value = _lookup(self.data, key)
        if pos is None or extent is None:
            return self.span(key)
        if not isinstance(value, str):
            start = pos.value
            return Span(self.file, start.line, start.col + max(0, offset), max(1, length))
        chars = _char_map(self.text, extent, pos.style, value)
        first = min(max(0, offset), len(value))
        last = min(max(first, first + max(1, length) - 1), len(value))
        begin = chars[first]
        stop = chars[last + 1] if last + 1 < len(chars) else chars[last] + 1
        line = bisect.bisect_right(self._line_starts, begin) - 1
        line_start = self._line_starts[line]
        line_end = self.text.find("\n", begin)
        if line_end == -1:
            line_end = len(self.text)
        width = stop - begin if begin < stop <= line_end else line_end - begin
        return Span(self.file, line + 1, begin - line_start + 1, max(1, width))


def _lookup(data: Any, path: JsonPath) -> Any:
    for part in path:
        found = (isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data)) or (
            isinstance(part, str) and isinstance(data, dict) and part in data
        )
        if not found:
            return None
        data = data[part]
    return data


# --- YAML 1.2 core schema --------------------------------------------------------------------

_PLAIN_TAG = "tag:twoway.dev,2026:plain"
_TAG = "tag:yaml.org,2002:"
_NULL = re.compile(r"null|Null|NULL|~|")
_BOOL = re.compile(r"true|false", re.IGNORECASE)
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


class _NoValue(Exception):
    """The scalar cannot be read as the type its tag asks for."""


def _core_null(text: str) -> None:
    if not _NULL.fullmatch(text):
        raise _NoValue
    return None


def _core_bool(text: str) -> bool:
    if not _BOOL.fullmatch(text):
        raise _NoValue
    return text.lower() == "true"


def _core_int(text: str) -> int:
    if _INT.fullmatch(text):
        return int(text, 10)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    raise _NoValue


def _core_float(text: str) -> float:
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    raise _NoValue


def _resolve_plain(text: str) -> Any:
    """Resolve a plain (unquoted, untagged) scalar by the YAML 1.2 core schema."""
    for reader in (_core_null, _core_bool, _core_int, _core_float):
        try:
            return reader(text)
        except _NoValue:
            continue
    return text


def _as_text(text: str) -> str:
    return text


_EXPLICIT: dict[str, Any] = {
    _TAG + "str": _as_text,
    _TAG + "timestamp": _as_text,
    _TAG + "null": _core_null,
    _TAG + "bool": _core_bool,
    _TAG + "int": _core_int,
    _TAG + "float": _core_float,
}


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose plain scalars are left for ``_resolve_plain`` (YAML 1.2 core)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN_TAG
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag


# --- building plain data with positions -------------------------------------------------------


class _Abort(Exception):
    """Stop building: the file is too large, too deep or self-referencing."""

    def __init__(self, error: RuleError) -> None:
        super().__init__(error.message)
        self.error = error


_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")
_PROPERTIES = re.compile(r"(?:[&!][^ \t\n]*\s+)+")


class _Builder:
    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.positions: dict[JsonPath, NodePos] = {}
        self.extents: dict[JsonPath, tuple[int, int]] = {}
        self.errors: list[RuleError] = []
        self.count = 0
        self.active: set[int] = set()
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def content_start(self, node: Node) -> int:
        """Where the node's own text starts, after an ``&anchor`` and a ``!tag``, if any."""
        start: int = node.start_mark.index
        properties = _PROPERTIES.match(self.text, start)
        return properties.end() if properties else start

    def span_of(self, node: Node) -> Span:
        start = self.content_start(node)
        end: int = node.end_mark.index
        line_end = self.text.find("\n", start)
        if line_end == -1:
            line_end = len(self.text)
        if isinstance(node, ScalarNode):
            if node.style in ("|", ">"):
                header = _BLOCK_HEADER.match(self.text, start)
                length = len(header.group()) if header else 1
            elif end <= line_end:
                length = end - start
            else:
                length = len(self.text[start:line_end].rstrip())
        else:
            length = 1
        line = bisect.bisect_right(self.line_starts, start) - 1
        return Span(self.file, line + 1, start - self.line_starts[line] + 1, max(1, length))

    def error(self, code: str, message: str, node: Node, hint: str | None = None) -> None:
        self.errors.append(RuleError(code, message, self.span_of(node), hint))

    def build(self, node: Node, path: JsonPath, key: Span | None) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _Abort(
                RuleError(
                    "E101",
                    msg("E101.aliased"),
                    self.span_of(node),
                    msg("E101.aliased.hint", most=f"{MAX_NODES:,}"),
                )
            )
        if len(path) > MAX_DEPTH:
            raise _Abort(
                RuleError(
                    "E101",
                    msg("E101.deep"),
                    self.span_of(node),
                    msg("E101.deep.hint", most=MAX_DEPTH),
                )
            )
        if id(node) in self.active:
            raise _Abort(
                RuleError(
                    "E101",
                    msg("E101.self_alias"),
                    self.span_of(node),
                    msg("E101.self_alias.hint"),
                )
            )
        style = node.style if isinstance(node, ScalarNode) else None
        self.positions[path] = NodePos(key, self.span_of(node), style)
        if isinstance(node, ScalarNode):
            self.extents[path] = (self.content_start(node), node.end_mark.index)
            return self.scalar(node)
        if node.tag not in (_TAG + "seq", _TAG + "map"):
            self.unsupported_tag(node)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, i), None) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        return None  # pragma: no cover - yaml only makes the three kinds of node

    def scalar(self, node: ScalarNode) -> Any:
        text: str = node.value
        if node.tag == _PLAIN_TAG:
            return _resolve_plain(text)
        reader = _EXPLICIT.get(node.tag)
        if reader is None:
            self.unsupported_tag(node)
            return text
        try:
            return reader(text)
        except _NoValue:
            self.error(
                "E101",
                msg("E101.tag_value", tag=_short_tag(node.tag), text=text),
                node,
                msg("E101.tag_value.hint"),
            )
            return text

    def unsupported_tag(self, node: Node) -> None:
        self.error(
            "E101",
            msg("E101.tag", tag=_short_tag(node.tag)),
            node,
            msg("E101.tag.hint"),
        )

    def key_of(self, node: Node) -> str | None:
        if isinstance(node, ScalarNode):
            if node.tag == _PLAIN_TAG and _NULL.fullmatch(node.value):
                self.error(
                    "E103",
                    msg("E103.null_key"),
                    node,
                    msg("E103.null_key.hint"),
                )
                return None
            return str(node.value)
        kind = phrase("a list" if isinstance(node, SequenceNode) else "a map")
        self.error("E103", msg("E103.key", kind=kind), node, msg("E103.key.hint"))
        return None

    def mapping(self, node: MappingNode, path: JsonPath) -> dict[str, Any]:
        pairs = node.value
        explicit = {
            key.value
            for key, _ in pairs
            if isinstance(key, ScalarNode) and not _is_merge(key) and key.value is not None
        }
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in pairs:
            if _is_merge(key_node):
                for merged_key, merged_value in self.merged_pairs(value_node, set()):
                    merged = str(merged_key.value)
                    if merged in explicit or merged in result:
                        continue
                    child = (*path, merged)
                    result[merged] = self.build(merged_value, child, self.span_of(merged_key))
                continue
            name = self.key_of(key_node)
            if name is None:
                continue
            if name in first_line:
                self.error(
                    "E102",
                    msg("E102.duplicate", name=name),
                    key_node,
                    msg("E102.duplicate.hint", line=first_line[name]),
                )
                continue
            first_line[name] = key_node.start_mark.line + 1
            child = (*path, name)
            result[name] = self.build(value_node, child, self.span_of(key_node))
        return result

    def merged_pairs(self, node: Node, seen: set[int]) -> list[tuple[ScalarNode, Node]]:
        """The (key, value) pairs a ``<<: *anchor`` merge brings, first source winning."""
        self.count += 1
        if self.count > MAX_NODES or id(node) in seen:
            return []
        seen = seen | {id(node)}
        sources = node.value if isinstance(node, SequenceNode) else [node]
        out: list[tuple[ScalarNode, Node]] = []
        names: set[str] = set()
        for source in sources:
            if not isinstance(source, MappingNode):
                self.error(
                    "E101",
                    msg("E101.merge"),
                    source,
                    msg("E101.merge.hint"),
                )
                continue
            own = [(k, v) for k, v in source.value if not _is_merge(k)]
            inherited = [
                p for k, v in source.value if _is_merge(k) for p in self.merged_pairs(v, seen)
            ]
            for key, value in own + inherited:
                if isinstance(key, ScalarNode) and str(key.value) not in names:
                    names.add(str(key.value))
                    out.append((key, value))
        return out


def _is_merge(node: Node) -> bool:
    return isinstance(node, ScalarNode) and (
        (node.tag == _PLAIN_TAG and node.value == "<<") or node.tag == _TAG + "merge"
    )


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


# --- syntax errors ------------------------------------------------------------------------------

_QUOTE_HINT = msg("E101.quote.hint")
_INDENT_HINT = msg("E101.indent.hint")


def _syntax_hint(problem: str, context: str, context_line: int | None) -> str | None:
    if "\\t" in problem or "tab" in problem:
        return msg("E101.tabs.hint")
    if "mapping values are not allowed" in problem:
        return _QUOTE_HINT
    if "unexpected end of stream" in problem and "quoted" in context:
        return msg("E101.unclosed_quote.hint")
    if "undefined alias" in problem:
        return msg("E101.undefined_alias.hint")
    if "unknown escape character" in problem:
        return msg("E101.escape.hint")
    if "expected <block end>" in problem or "expected <block mapping end>" in problem:
        return _INDENT_HINT
    if "could not find expected ':'" in problem:
        return msg("E101.colon.hint")
    if "single document" in context or "single document" in problem:
        return msg("E101.document.hint")
    if "cannot start any token" in problem:
        return msg("E101.token.hint")
    if "expected alphabetic or numeric character" in problem and "alias" in context:
        return msg("E101.starts_with.hint", char="*")
    if "expected alphabetic or numeric character" in problem and "anchor" in context:
        return msg("E101.starts_with.hint", char="&")
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        return msg("E101.bracket.hint")
    if context and context_line is not None:
        return msg("E101.context.hint", context=context, line=context_line)
    return None


def _syntax_error(file: str, text: str, exc: yaml.YAMLError) -> RuleError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col(text, exc.position)
        char = exc.character if isinstance(exc.character, int) else 0
        return RuleError(
            "E101",
            msg("E101.syntax", problem=f"unacceptable character #x{char:04x}"),
            Span(file, line, col),
            msg("E101.control.hint"),
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = (exc.problem or exc.context or "invalid yaml").lower()
        context = (exc.context or "").lower() if exc.problem else ""
        mark = exc.problem_mark or exc.context_mark
        context_line = exc.context_mark.line + 1 if exc.context_mark else None
        hint = _syntax_hint(problem, context, context_line)
        if problem == "second occurrence" and exc.context_mark is not None:
            anchor = re.search(r"'([^']*)'", exc.context or "")
            name = anchor.group(1) if anchor else ""
            problem = msg("E101.anchor_twice", name=name)
            hint = msg("E101.anchor_twice.hint", line=exc.context_mark.line + 1)
        elif exc.context_mark is not None and (
            "end of stream" in problem or "expected alphabetic or numeric" in problem
        ):
            mark = exc.context_mark
        if problem.startswith("but ") and context:
            problem = f"{context}, {problem}"
        if mark is None:
            return RuleError("E101", msg("E101.syntax", problem=problem), Span(file, 1, 1), hint)
        return RuleError(
            "E101",
            msg("E101.syntax", problem=problem),
            Span(file, mark.line + 1, mark.column + 1),
            hint,
        )
    return RuleError("E101", msg("E101.syntax", problem=str(exc).lower()), Span(file, 1, 1))


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


# --- public API -------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Drop a leading BOM and turn CRLF and lone CR line breaks into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _too_deep(file: str) -> RuleError:
    return RuleError(
        "E101",
        msg("E101.deep"),
        Span(file, 1, 1),
        msg("E101.deep.hint", most=MAX_DEPTH),
    )


def load(file: str, text: str) -> tuple[Document | None, list[RuleError]]:
    """Read one rule file; return its Document (None when unreadable) and every error found.

    The Document's ``text`` is ``text`` without a BOM and with LF line breaks; render errors
    against it. Never raises on bad input.
    """
    text = normalise(text)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return None, [_syntax_error(file, text, exc)]
    except RecursionError:
        return None, [_too_deep(file)]
    if root is None:
        return None, [
            RuleError(
                "E103",
                msg("E103.not_a_mapping", forms=_FORMS),
                Span(file, 1, 1),
                msg("E103.empty.hint"),
            )
        ]
    builder = _Builder(file, text)
    if not isinstance(root, MappingNode):
        kind = phrase("a list" if isinstance(root, SequenceNode) else "a single value")
        return None, [
            RuleError(
                "E103",
                msg("E103.not_a_mapping", forms=_FORMS),
                builder.span_of(root),
                msg("E103.kind.hint", kind=kind),
            )
        ]
    try:
        data = builder.build(root, (), None)
    except _Abort as abort:
        return None, [*_unique(builder.errors), abort.error]
    except RecursionError:
        return None, [_too_deep(file)]
    document = Document(file, text, data, builder.positions, builder.extents)
    return document, _unique(builder.errors)


def _too_large(file: str) -> RuleError:
    return RuleError(
        "E104",
        msg("E104.too_large", most=f"{MAX_FILE_SIZE / 1024 / 1024:g}"),
        Span(file, 1, 1),
        msg("E104.too_large.hint"),
    )


def read_bounded(path: Path, limit: int = MAX_FILE_SIZE) -> bytes | None:
    """Return the bytes of ``path``, or None when it holds more than ``limit`` bytes.

    The size is asked first (stat), and at most ``limit + 1`` bytes are ever read, so a huge
    file (or one that grows while it is read) costs no memory. Raise OSError as ``open`` does.
    """
    if path.stat().st_size > limit:
        return None
    with path.open("rb") as handle:
        raw = handle.read(limit + 1)
    return None if len(raw) > limit else raw


def source_text(path: Path) -> str:
    """The text of a file that could not be loaded, as well as it can be read, to show its
    errors; of a file over ``MAX_FILE_SIZE``, the start of its first line only (E104 points
    there); "" when it cannot be read at all."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_SIZE + 1)
    except OSError:
        return ""
    text = normalise(raw.decode("utf-8-sig", "replace"))
    if len(raw) > MAX_FILE_SIZE:
        return text.partition("\n")[0][:_SHOWN]
    return text


def load_path(path: Path) -> tuple[Document | None, list[RuleError]]:
    """Read and load a rule file: UTF-8 (a BOM is allowed), any line endings, at most
    ``MAX_FILE_SIZE`` bytes (E104 otherwise, before any parsing)."""
    file = str(path)
    try:
        raw = read_bounded(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [
            RuleError("E101", msg("E101.unreadable", reason=reason.lower()), Span(file, 1, 1))
        ]
    if raw is None:
        return None, [_too_large(file)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start]
        line = good.count(b"\n") + 1
        line_start = good.rfind(b"\n") + 1
        col = len(good[line_start:].decode("utf-8", errors="replace")) + 1
        return None, [
            RuleError(
                "E101",
                msg("E101.utf8", byte=f"0x{raw[exc.start]:02x}"),
                Span(file, line, col),
                msg("E101.utf8.hint"),
            )
        ]
    return load(file, text)


def _unique(errors: list[RuleError]) -> list[RuleError]:
    """Drop repeats (an aliased value is built once per use) and sort by position."""
    seen: set[tuple[str, str, Span | None]] = set()
    out: list[RuleError] = []
    for error in errors:
        marker = (error.code, error.message, error.span)
        if marker not in seen:
            seen.add(marker)
            out.append(error)
    return sorted(out, key=RuleError.sort_key)


# --- offsets inside scalars ---------------------------------------------------------------------

_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "\\": "\\",
    "/": "/",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_ESCAPE_CODES = {"x": 2, "u": 4, "U": 8}


def _char_map(text: str, extent: tuple[int, int], style: str | None, value: str) -> list[int]:
    """Return the source offset of every character of ``value`` and one past its end."""
    start, end = extent
    if style in ("'", '"'):
        produced, offsets = _flow_scalar(text, start + 1, end - 1, style)
        sentinel = end - 1
    elif style in ("|", ">"):
        produced, offsets = _block_scalar_any(text, start, end, style == ">", value)
        sentinel = (offsets[len(value) - 1] + 1) if value and len(offsets) >= len(value) else start
    else:
        produced, offsets = _flow_scalar(text, start, end, None)
        sentinel = end
    if not produced.startswith(value):
        # Best effort: the source is read straight through.
        offsets = [min(start + i, max(start, end - 1)) for i in range(len(value))]
        sentinel = end
    return [*offsets[: len(value)], sentinel]


def _flow_scalar(text: str, i: int, stop: int, quote: str | None) -> tuple[str, list[int]]:
    """Decode a plain (``quote`` None) or quoted scalar written in ``text[i:stop]``."""
    out: list[str] = []
    offsets: list[int] = []
    space = " \t" if quote else " "
    while i < stop:
        ch = text[i]
        if quote == "'" and ch == "'" and text.startswith("''", i):
            out.append("'")
            offsets.append(i)
            i += 2
        elif quote == '"' and ch == "\\" and i + 1 < stop:
            nxt = text[i + 1]
            if nxt == "\n":
                i = _skip_breaks(text, i + 2, stop, space, out, offsets)
            elif nxt in _ESCAPE_CODES:
                width = _ESCAPE_CODES[nxt]
                try:
                    out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
                except ValueError:
                    out.append(nxt)
                offsets.append(i)
                i += 2 + width
            else:
                out.append(_ESCAPES.get(nxt, nxt))
                offsets.append(i)
                i += 2
        elif ch in space or ch == "\n":
            j = i
            while j < stop and text[j] in space:
                j += 1
            if j < stop and text[j] == "\n":
                breaks: list[str] = []
                extra: list[int] = []
                j = _skip_breaks(text, j + 1, stop, space, breaks, extra)
                if breaks:
                    out.extend(breaks)
                    offsets.extend(extra)
                else:
                    out.append(" ")
                    offsets.append(i)
                i = j
            else:
                out.append(text[i:j])
                offsets.extend(range(i, j))
                i = j
        else:
            out.append(ch)
            offsets.append(i)
            i += 1
    decoded = "".join(out)
    return decoded, offsets


def _skip_breaks(
    text: str, i: int, stop: int, space: str, out: list[str], offsets: list[int]
) -> int:
    """Skip the indentation after a line break, adding a newline for every empty line."""
    while True:
        while i < stop and text[i] in space:
            i += 1
        if i < stop and text[i] == "\n":
            out.append("\n")
            offsets.append(i)
            i += 1
        else:
            return i


def _block_scalar_any(
    text: str, start: int, end: int, folded: bool, value: str
) -> tuple[str, list[int]]:
    """Decode a block scalar; its indentation is the one that reproduces ``value``."""
    body = text.find("\n", start)
    if body == -1:
        return "", []
    body += 1
    first = _first_indent(text, body, end)
    fallback = _block_scalar(text, body, end, first, folded)
    for indent in (first, *range(1, 41)):
        decoded = _block_scalar(text, body, end, indent, folded)
        if decoded[0].startswith(value):
            return decoded
    return fallback


def _first_indent(text: str, i: int, end: int) -> int:
    """The indentation of the first non-empty line of a block scalar (as PyYAML detects it)."""
    best = 0
    while i < end:
        j = i
        while j < len(text) and text[j] == " ":
            j += 1
        if j < len(text) and text[j] == "\n":
            best = max(best, j - i)
            i = j + 1
            continue
        return max(best, j - i)
    return max(best, 1)


def _block_scalar(text: str, i: int, end: int, indent: int, folded: bool) -> tuple[str, list[int]]:
    """Mirror PyYAML's block scalar scanner from the first body line at ``i``."""
    out: list[str] = []
    offsets: list[int] = []
    size = len(text)

    def skip_indent(k: int) -> int:
        line_start = k
        while k < size and k - line_start < indent and text[k] == " ":
            k += 1
        return k

    def breaks_from(k: int) -> tuple[int, list[int]]:
        found: list[int] = []
        k = skip_indent(k)
        while k < size and text[k] == "\n":
            found.append(k)
            k = skip_indent(k + 1)
        return k, found

    def column(k: int) -> int:
        return k - (text.rfind("\n", 0, k) + 1)

    i, breaks = breaks_from(i)
    while column(i) == indent and i < size and i < end:
        for b in breaks:
            out.append("\n")
            offsets.append(b)
        leading_non_space = text[i] not in " \t"
        line_end = text.find("\n", i)
        if line_end == -1:
            line_end = size
        out.append(text[i:line_end])
        offsets.extend(range(i, line_end))
        if line_end >= size:
            break
        i, breaks = breaks_from(line_end + 1)
        if column(i) == indent and i < size:
            if folded and leading_non_space and text[i] not in " \t":
                if not breaks:
                    out.append(" ")
                    offsets.append(line_end)
            else:
                out.append("\n")
                offsets.append(line_end)
        else:
            out.append("\n")
            offsets.append(line_end)
            for b in breaks:
                out.append("\n")
                offsets.append(b)
            break
    return "".join(out), offsets
