"""Own the writer queue of a store shared by several engine processes (``workers: N``): an OS
file lock, ``STORE.writer`` beside the store (mode 0600), taken before ``BEGIN IMMEDIATE`` and
let go after ``COMMIT`` or ``ROLLBACK``.

Why: SQLite has one write lock, and a connection that finds it taken does not queue for it.
Its busy handler *sleeps* (1, 2, 5, 10, 15, 20, 25 … ms, retrying in between) until the lock is
free at one of its tries, so a worker waiting behind a 2 ms commit often sleeps 5 to 25 ms, and
the lock stands free meanwhile (before this lock: 38 % of a worker's store thread's time). A
blocking ``flock`` is a queue instead: the waiting thread sleeps in the kernel (the GIL let go)
and is woken the moment the holder lets go. Measured with
``bench/smpp.py --workers 1,2`` (``docs/operations.md``, "Workers").

``flock`` locks belong to an open file description, not to a process: two stores in one
process exclude each other too (the tests rely on it), and the kernel lets go of a lock
whose process died, even by SIGKILL. The wait has no bound of its own: whoever holds the lock
is inside one write transaction, which SQLite's ``busy_timeout`` bounds, or about to start one
(a turn, below); a worker stopped (SIGSTOP) while it holds the lock stops the others' writes
until it goes on or dies, as it would hold SQLite's own lock. Writers that do not
take the lock (``twoway`` commands such as ``contacts import``, which open the store alone)
still meet the engine at SQLite's lock, through ``busy_timeout``, as before.

The intake waits for its turn *before* it takes its batch (``SqliteStore.writer_turn``, then
``write``): the messages that arrived while the other worker committed ride in this
transaction rather than wait for the next, so each commit carries more of them (measured: 3.2
messages a transaction instead of 2.3 at the bench's flat out, two workers).

A store used by one process has no lock file: its transactions are queued already, on its one
connection thread (``Writer``). A PostgreSQL store would not need this file: its row locks queue
waiters.

Both writers time their work in a ``WriteTimes`` (``/metrics``: ``twoway_store_transactions``,
``twoway_store_write_seconds``, ``twoway_store_writer_wait_seconds``): how busy the store's one
writer is, which is what bounds ``workers: N`` (docs/operations.md, "Workers").
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Callable, Sequence
from time import perf_counter
from typing import Concatenate, ParamSpec, TypeVar

from engine.core.records import WriteTimes
from engine.store import transactions
from engine.store.files import PRIVATE

__all__ = ["SUFFIX", "Writer", "WriterLock", "lock_path"]

P = ParamSpec("P")
T = TypeVar("T")

SUFFIX = ".writer"


def lock_path(store: str) -> str:
    """The lock file of the store at ``store``: ``twoway.db.writer`` beside ``twoway.db``."""
    return f"{store}{SUFFIX}"


class Writer:
    """The writer of a store one process uses alone: ``transactions.write``, timed."""

    shared = False
    """Whether other processes write to the store too (``WriterLock``)."""

    def __init__(self, times: WriteTimes) -> None:
        self.times = times

    def open(self) -> None:
        """Nothing to open: the connection's thread queues the writes already."""

    def close(self) -> None:
        """Nothing to close."""

    def write(
        self,
        conn: sqlite3.Connection,
        marks: Sequence[transactions.Rider],
        body: Callable[Concatenate[sqlite3.Connection, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``transactions.write`` in this process's turn, its time added to ``times``: run on
        the store's connection thread."""
        since = self._turn_begins()
        try:
            return transactions.write(conn, marks, body, *args, **kwargs)
        finally:
            self._turn_ends()
            times = self.times
            times.transactions += 1
            times.writing += perf_counter() - since

    def take_turn(self, conn: sqlite3.Connection) -> None:
        """A turn is only needed when processes share the store."""

    def _turn_begins(self) -> float:
        """Wait for this process's turn to write; return when it began."""
        return perf_counter()

    def _turn_ends(self) -> None:
        """Let the other processes write."""


class WriterLock(Writer):
    """The writer queue of one store connection: ``write`` is ``transactions.write`` with the
    lock held around it. Open it with the store, close it with the store."""

    shared = True

    def __init__(self, store: str, times: WriteTimes | None = None) -> None:
        super().__init__(times or WriteTimes())
        self.path = lock_path(store)
        self._fd: int | None = None
        self._turn = False
        """Held already for the next write (``take_turn``): that write lets go of it."""
        self._since = 0.0
        """When the lock was taken: the write that lets go of it counts the time since."""
        self._held = -1
        """The file the write under way locked."""

    def open(self) -> None:
        """Open (create, mode 0600) the lock file; an OSError says why it cannot be."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, PRIVATE)
        try:
            os.fchmod(fd, PRIVATE)  # O_CREAT leaves an existing file's mode as it was
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # lets go of the lock too, were it held

    def _turn_begins(self) -> float:
        """Block the store's thread (only) until the other processes' transactions ahead are
        over, unless ``take_turn`` waited already: this write is the one it was for."""
        fd = self._held = self._opened()
        if self._turn:
            self._turn = False
        else:
            self._take(fd)
        return self._since

    def _turn_ends(self) -> None:
        fcntl.flock(self._held, fcntl.LOCK_UN)  # the file locked, even if closed meanwhile

    def take_turn(self, conn: sqlite3.Connection) -> None:
        """Wait for the lock and keep it for the next ``write`` on this connection, which
        lets go of it (whichever write that is; closing the file lets go too)."""
        fd = self._opened()
        if not self._turn:
            self._take(fd)
            self._turn = True

    def _opened(self) -> int:
        if self._fd is None:
            raise sqlite3.OperationalError("the store's writer lock is not open")
        return self._fd

    def _take(self, fd: int) -> None:
        start = perf_counter()
        fcntl.flock(fd, fcntl.LOCK_EX)  # releases the GIL; woken as soon as the holder lets go
        self._since = perf_counter()
        self.times.waiting += self._since - start
