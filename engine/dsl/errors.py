"""Own the two exceptions of the DSL: ``DslError`` (a mistake in a DSL string, found when compiling)
and ``EvalError`` (a mistake found when evaluating against a context)."""

from __future__ import annotations

from engine.errors import TwowayError

__all__ = ["DslError", "EvalError", "UnknownNameError"]


class DslError(TwowayError):
    """Report a compile-time mistake in a DSL string, located by a 0-based ``offset``."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        offset: int = 0,
        length: int = 1,
        hint: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.offset = max(0, offset)
        self.length = max(1, length)
        self.hint = hint

    def __repr__(self) -> str:
        return (
            f"DslError({self.code!r}, {self.message!r}, offset={self.offset}, "
            f"length={self.length}, hint={self.hint!r})"
        )


class EvalError(TwowayError):
    """Report a runtime mistake: a missing name, a bad type, a regex that ran too long."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownNameError(EvalError):
    """Report a name (or dotted path) absent from the context; ``default()`` catches it."""

    def __init__(self, path: str) -> None:
        super().__init__(f"unknown name '{path}'")
        self.path = path
