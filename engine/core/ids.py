"""Own identifier generation: random in production, sequential (seeded) in tests."""

from __future__ import annotations

import itertools
import secrets
from typing import Protocol

__all__ = ["IdSource", "RandomIds", "SequentialIds"]


class IdSource(Protocol):
    def new(self, prefix: str) -> str: ...


class RandomIds:
    """Short random ids, unique enough for sessions and outbound references."""

    def new(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(8)}"


class SequentialIds:
    """Predictable ids (``s_000001``…) so that tests and golden files are stable."""

    def __init__(self, start: int = 1) -> None:
        self._counter = itertools.count(start)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):06d}"
