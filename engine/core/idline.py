"""Own ``IdLine``: ids waiting in line, kept as runs of consecutive ids (the outbox's rows that
wait in the store once its memory is full)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

__all__ = ["IdLine"]


class IdLine:
    """Ids in line, kept as runs of consecutive ids: the rows of one transaction have
    consecutive ids, so 100,000 replies waiting cost a few runs, not 100,000 integers."""

    def __init__(self) -> None:
        self._runs: deque[list[int]] = deque()  # [first, last], in line order
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def extend(self, ids: Iterable[int]) -> None:
        for row_id in ids:
            if self._runs and self._runs[-1][1] + 1 == row_id:
                self._runs[-1][1] = row_id
            else:
                self._runs.append([row_id, row_id])
            self._count += 1

    def put_back(self, ids: Sequence[int]) -> None:
        """Return ``ids`` (from ``take``) to the head of the line, in order."""
        for row_id in reversed(ids):
            if self._runs and self._runs[0][0] - 1 == row_id:
                self._runs[0][0] = row_id
            else:
                self._runs.appendleft([row_id, row_id])
            self._count += 1

    def take(self, most: int) -> list[int]:
        """Remove and return up to ``most`` ids from the head of the line."""
        taken: list[int] = []
        while self._runs and len(taken) < most:
            first, last = self._runs[0]
            end = min(last, first + most - len(taken) - 1)
            taken.extend(range(first, end + 1))
            if end == last:
                self._runs.popleft()
            else:
                self._runs[0][0] = end + 1
        self._count -= len(taken)
        return taken
