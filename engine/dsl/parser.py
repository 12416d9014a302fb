"""Own the one parser of the DSL: the grammar file, the cached Lark parser, the syntax tree it
builds, and the translation of every Lark error into a teaching ``DslError``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal as TypingLiteral

from lark import Lark, Token, Tree
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from engine.dsl import ast
from engine.dsl.errors import DslError
from engine.i18n import joined, msg, phrase

__all__ = ["MAX_DEPTH", "build_lark", "parse_condition", "parse_template_expr"]

# Deeper nesting than this is surely a mistake, and would exhaust Python's stack later on.
MAX_DEPTH = 200

Start = TypingLiteral["condition", "template_expr"]


def build_lark(*, strict: bool = False) -> Lark:
    """Build a Lark LALR parser from ``grammar.lark`` (``strict`` also checks for conflicts)."""
    grammar = resources.files("engine.dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        start=["condition", "template_expr"],
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
    )


@cache
def _lark() -> Lark:
    return build_lark()


def parse_condition(source: str) -> ast.Expr:
    """Parse a condition into its syntax tree, or raise ``DslError`` E301."""
    if not source.strip():
        raise DslError(
            "E301",
            msg("E301.empty"),
            length=max(1, len(source)),
            hint=msg("E301.empty.hint"),
        )
    tree = _parse(source, "condition", "E301", 0)
    return _Builder(source, 0, "E301").expr(_child(tree, 0))


def parse_template_expr(body: str, base: int) -> ast.TemplateExpr:
    """Parse the ``body`` of a template's ``{…}`` found at ``base``, or raise ``DslError`` E302."""
    tree = _parse(body, "template_expr", "E302", base)
    return _Builder(body, base, "E302").template_expr(tree)


def _parse(source: str, start: Start, code: str, base: int) -> Tree[Token]:
    try:
        return _lark().parse(source, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(error, source, start, code, base) from None
    except LarkError as error:  # pragma: no cover - Lark raises UnexpectedInput for bad input
        raise DslError(code, msg("dsl.cannot_read", error=error), offset=base) from None


def _child(tree: Tree[Token], index: int) -> Tree[Token]:
    child = tree.children[index]
    assert isinstance(child, Tree)
    return child


# --- syntax errors ------------------------------------------------------------------------------

_VALUES = frozenset(
    {"NAME", "INT", "DECIMAL", "STRING", "TRUE", "FALSE", "NULL", "LPAR", "LSQB", "MINUS", "NOT"}
)
_OPERATORS = frozenset(
    {"AND", "OR", "NOT", "IN", "EQ", "NE", "LT", "LE", "GT", "GE", "TILDE", "NTILDE"}
    | {"PLUS", "MINUS", "STAR", "SLASH", "DOT", "LPAR"}
)
_COMPARISONS = frozenset({"EQ", "NE", "LT", "LE", "GT", "GE", "IN", "TILDE", "NTILDE"})
_PUNCTUATION = {
    "EQ": "==", "NE": "!=", "LE": "<=", "GE": ">=", "LT": "<", "GT": ">", "TILDE": "~",
    "NTILDE": "!~", "PLUS": "+", "MINUS": "-", "STAR": "*", "SLASH": "/", "LPAR": "(",
    "RPAR": ")", "LSQB": "[", "RSQB": "]", "COMMA": ",", "DOT": ".", "VBAR": "|",
}  # fmt: skip


def _human(terminal: str, start: Start) -> str:
    """Return how a person calls a terminal: "a name", "')'", "the end of the condition"."""
    if terminal == "$END":
        return "'}'" if start == "template_expr" else phrase("the end of the condition")
    if terminal in _PUNCTUATION:
        return f"'{_PUNCTUATION[terminal]}'"
    word = {
        "NAME": "a name",
        "INT": "a number",
        "DECIMAL": "a number",
        "STRING": "a text in quotes",
        "REGEX": "a regex /…/",
    }.get(terminal)
    return phrase(word) if word else f"'{terminal.lower()}'"


def _join_or(items: list[str]) -> str:
    return joined(items, "or")


def _expected_hint(accepts: set[str], start: Start, before: str = "") -> str:
    """Say in words what could have come at the place of the error (``before`` it: a text)."""
    if accepts == {"NAME"}:
        if before.endswith("|"):
            return msg("dsl.filter_name.hint")
        return msg("dsl.name_after_dot.hint") if before.endswith(".") else msg("dsl.expected_name")
    if "NAME" in accepts:
        # A value was due (after an operator there is never an operator).
        values = [phrase(v) for v in ("a name", "a number", "a text in quotes", "a list")]
        values.append("'('")
        if "REGEX" in accepts:
            values.append(phrase("a regex /…/"))
        others = sorted(_human(t, start) for t in accepts - _VALUES - {"REGEX", "COMMA"})
        if not others:
            return msg("dsl.expected_value", values=_join_or(values))
        return msg("dsl.expected_value_or", values=_join_or(values), others=_join_or(others))
    closers = sorted(accepts - _OPERATORS, key=lambda t: (t == "$END", t))
    if accepts & _OPERATORS and all(
        c in {"$END", "RPAR", "RSQB", "COMMA", "VBAR"} for c in closers
    ):
        words = [
            phrase("a filter '|name'") if closer == "VBAR" else _human(closer, start)
            for closer in closers
        ]
        return msg("dsl.expected", what=_join_or([phrase("an operator"), *words]))
    shown = sorted({_human(terminal, start) for terminal in accepts})
    if not shown:
        return msg("dsl.check_syntax.hint")
    return msg("dsl.expected_one_of", what=", ".join(shown))


def _describe_token(token: Token) -> str:
    kind = token.type
    if kind == "NAME":
        return msg("dsl.token.name", value=token.value)
    if kind in ("INT", "DECIMAL"):
        return msg("dsl.token.number", value=token.value)
    if kind == "STRING":
        return msg("dsl.token.text", value=token.value)
    if kind == "REGEX":
        return msg("dsl.token.regex", value=token.value)
    return f"'{token.value}'"


def _accepts_at(source: str, start: Start, position: int) -> set[str] | None:
    """Return the terminals the parser accepts after ``source[:position]``, if it can tell."""
    try:
        interactive = _lark().parse_interactive(source[:position], start=start)
        interactive.exhaust_lexer()
        # Lark leaves accepts() unannotated.
        return set(interactive.accepts())  # type: ignore[no-untyped-call]
    except LarkError:
        return None


def _syntax_error(
    error: UnexpectedInput, source: str, start: Start, code: str, base: int
) -> DslError:
    what = phrase("expression" if start == "template_expr" else "condition")
    in_template = start == "template_expr"
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = source[position : position + 1]
        accepts = _accepts_at(source, start, position) or set(error.allowed or ())
        message = msg("dsl.unexpected_char", char=char)
        hint: str | None
        if char and char in "'\"":
            message, hint = msg("dsl.unclosed_quote"), msg("dsl.unclosed_quote.hint", quote=char)
        elif char == "=":
            hint = msg("dsl.compare.hint")
        elif char == "&":
            hint = msg("dsl.and.hint")
        elif char == "!":
            hint = msg("dsl.not.hint")
        elif char and char in "{}" and not in_template:
            hint = msg("dsl.braces.hint")
        elif char == "/" and "REGEX" in accepts:
            message, hint = msg("dsl.unclosed_regex"), msg("dsl.unclosed_regex.hint")
        else:
            hint = _expected_hint(accepts, start, source[:position].rstrip())
        return DslError(code, message, offset=base + position, length=1, hint=hint)
    if isinstance(error, UnexpectedToken):
        token = error.token
        accepts = set(error.accepts or error.expected or ())
        if token.type == "$END":
            end = len(source.rstrip())
            return DslError(
                code,
                msg("dsl.unexpected_end", what=what),
                offset=base + end,
                length=1,
                hint=_end_hint(accepts, start, source[:end]),
            )
        offset = base + (token.start_pos or 0)
        length = max(1, (token.end_pos or 0) - (token.start_pos or 0))
        message = msg("dsl.unexpected", what=_describe_token(token))
        next_char = source[token.end_pos or 0 : (token.end_pos or 0) + 1]
        if token.type == "VBAR" and (in_template or next_char == "|"):
            hint = msg("dsl.or.hint")
        elif token.type == "VBAR":
            hint = msg("dsl.filter_in_condition.hint")
        elif token.type == "SLASH" and "REGEX" in accepts:
            message, hint = msg("dsl.unclosed_regex"), msg("dsl.unclosed_regex.hint")
        elif token.type == "REGEX":
            hint = msg("dsl.regex_place.hint")
        elif token.type in _COMPARISONS and "AND" in accepts:
            hint = msg("dsl.chain.hint")
        elif token.type == "NAME" and str(token.value).lower() in ("is", "equals"):
            hint = msg("dsl.compare.hint")
        elif token.type == "NAME" and str(token.value).lower() == "contains":
            hint = msg("dsl.contains.hint")
        else:
            hint = _expected_hint(accepts, start, source[: token.start_pos or 0].rstrip())
        return DslError(code, message, offset=offset, length=length, hint=hint)
    if isinstance(error, UnexpectedEOF):  # pragma: no cover - LALR reports $END as a token
        end = base + len(source.rstrip())
        return DslError(code, msg("dsl.unexpected_end", what=what), offset=end)
    return DslError(code, msg("dsl.cannot_read_this", what=what), offset=base)  # pragma: no cover


def _end_hint(accepts: set[str], start: Start, before: str) -> str:
    if accepts == {"RPAR"}:
        return msg("dsl.close_paren.hint")
    if accepts <= {"RPAR", "RSQB", "COMMA"}:
        closer = "')'" if "RPAR" in accepts else "']'"
        return msg("dsl.close_list.hint", closer=closer)
    return _expected_hint(accepts, start, before)


# --- syntax tree ---------------------------------------------------------------------------------

_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def _unquote(literal: str) -> str:
    """Return the value of a quoted text; unknown escapes stay as written (regexes need them)."""
    body = literal[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            out.append(_ESCAPES.get(following, "\\" + following))
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


class _Builder:
    """Turn a Lark tree into ``ast`` nodes, offsets shifted by ``base``."""

    def __init__(self, source: str, base: int, code: str) -> None:
        self.source = source
        self.base = base
        self.code = code
        self.depth = 0

    def _span(self, tree: Tree[Token]) -> tuple[int, int]:
        start = tree.meta.start_pos
        return self.base + start, max(1, tree.meta.end_pos - start)

    def _token_span(self, token: Token) -> tuple[int, int]:
        start = token.start_pos or 0
        return self.base + start, max(1, (token.end_pos or start) - start)

    def template_expr(self, tree: Tree[Token]) -> ast.TemplateExpr:
        expr = self.expr(_child(tree, 0))
        filters = tuple(
            self._filter(child) for child in tree.children[1:] if isinstance(child, Tree)
        )
        offset, length = self._span(tree)
        return ast.TemplateExpr(offset=offset, length=length, expr=expr, filters=filters)

    def _filter(self, tree: Tree[Token]) -> ast.Filter:
        name = tree.children[1]
        assert isinstance(name, Token)
        args_tree = tree.children[3] if len(tree.children) > 3 else None
        args = self._args(args_tree) if isinstance(args_tree, Tree) else ()
        offset, length = self._token_span(name)
        return ast.Filter(offset=offset, length=length, name=str(name), args=args)

    def _args(self, tree: Tree[Token]) -> tuple[ast.Expr, ...]:
        return tuple(self.expr(child) for child in tree.children if isinstance(child, Tree))

    def expr(self, tree: Tree[Token]) -> ast.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            offset = self._span(tree)[0]
            raise DslError(
                self.code,
                msg("dsl.too_deep"),
                offset=offset,
                length=1,
                hint=msg("dsl.too_deep.hint"),
            )
        try:
            return self._expr(tree)
        finally:
            self.depth -= 1

    def _expr(self, tree: Tree[Token]) -> ast.Expr:
        kind = tree.data
        children = tree.children
        offset, length = self._span(tree)
        if kind == "literal":
            return self._literal(children[0], offset, length)
        if kind == "name":
            parts = [str(c) for c in children if isinstance(c, Token) and c.type == "NAME"]
            root = children[0]
            assert isinstance(root, Token)
            return ast.Name(
                offset=offset,
                length=length,
                path=tuple(parts),
                root_length=self._token_span(root)[1],
            )
        if kind == "call":
            name = children[0]
            assert isinstance(name, Token)
            args = self._args(children[2]) if isinstance(children[2], Tree) else ()
            name_offset, name_length = self._token_span(name)
            return ast.Call(
                offset=name_offset,
                length=name_length,
                name=str(name),
                args=args,
                end=offset + length,
            )
        if kind == "list":
            items = self._args(children[1]) if isinstance(children[1], Tree) else ()
            return ast.ListExpr(offset=offset, length=length, items=items)
        if kind == "paren":
            return self.expr(_child(tree, 1))
        if kind == "neg":
            return ast.Negate(offset=offset, length=length, operand=self.expr(_child(tree, 1)))
        if kind == "not_op":
            return ast.Not(offset=offset, length=length, operand=self.expr(_child(tree, 1)))
        if kind in ("or_op", "and_op"):
            return ast.BoolOp(
                offset=offset,
                length=length,
                op="or" if kind == "or_op" else "and",
                left=self.expr(_child(tree, 0)),
                right=self.expr(_child(tree, 2)),
            )
        if kind == "binary":
            return ast.Binary(
                offset=offset,
                length=length,
                op=str(children[1]),
                left=self.expr(_child(tree, 0)),
                right=self.expr(_child(tree, 2)),
            )
        if kind in ("compare", "in_op", "not_in_op"):
            op = {"in_op": "in", "not_in_op": "not in"}.get(kind, str(children[1]))
            return ast.Compare(
                offset=offset,
                length=length,
                op=op,
                left=self.expr(_child(tree, 0)),
                right=self.expr(_child(tree, -1)),
            )
        if kind == "match_op":
            right = children[2]
            matched = self._regex(right) if isinstance(right, Token) else self.expr(right)
            return ast.Match(
                offset=offset,
                length=length,
                negated=str(children[1]) == "!~",
                left=self.expr(_child(tree, 0)),
                right=matched,
            )
        raise AssertionError(f"unknown rule {kind}")  # pragma: no cover - grammar and builder agree

    def _literal(self, token: Tree[Token] | Token | None, offset: int, length: int) -> ast.Literal:
        assert isinstance(token, Token)
        kind = token.type
        value: object
        if kind == "INT":
            value = int(token)
        elif kind == "DECIMAL":
            value = float(token)
        elif kind == "STRING":
            value = _unquote(str(token))
        else:
            value = {"TRUE": True, "FALSE": False, "NULL": None}[kind]
        return ast.Literal(offset=offset, length=length, value=value)

    def _regex(self, token: Token) -> ast.Regex:
        text = str(token)
        closing = text.rindex("/")
        offset, length = self._token_span(token)
        return ast.Regex(
            offset=offset, length=length, pattern=text[1:closing], flags=text[closing + 1 :]
        )
