"""Own identifier generation: random in production, sequential (seeded) in tests."""

from __future__ import annotations

import itertools
import secrets
from typing import Protocol

__all__ = ["IdSource", "RandomIds", "SequentialIds"]


class IdSource(Protocol):
    def new(self, prefix: str) -> str: ...


class RandomIds:
    """Ids unique across processes: a random part drawn once per process, then a counter.

    One system call per process instead of one per id: most messages never use the id they
    are given (it names a session only when a flow starts).
    """

    def __init__(self) -> None:
        self._run = secrets.token_hex(6)
        self._counter = itertools.count(1)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{self._run}{next(self._counter):x}"


class SequentialIds:
    """Predictable ids (``s_000001``…) so that tests and golden files are stable."""

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):06d}"
