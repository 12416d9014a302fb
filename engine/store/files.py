"""Own the store's files on disk: created, and kept, readable and writable by their owner only.

The store holds every phone number and message: its file, the ``-wal`` and ``-shm`` beside it,
and a back-up are mode 0600 whatever the umask. SQLite gives ``-wal`` and ``-shm`` the mode of
the database file; a store an older release created 0644 is tightened when it opens.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "PRIVATE",
    "SIDE_FILES",
    "create_private",
    "make_private",
    "open_private",
    "open_read_only",
    "replaced_privately",
]

log = logging.getLogger(__name__)

PRIVATE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")
"""What SQLite keeps beside ``x.db``: ``x.db-wal``, ``x.db-shm``, ``x.db-journal``."""


def create_private(path: str | Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (SQLite then fills it)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE))


def open_private(path: str | Path) -> int:
    """Open ``path`` for writing, created or emptied, mode 0600 even if it existed with
    another (a report or a list of phone numbers); return its descriptor."""
    fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # O_CREAT leaves an existing file's mode as it was
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def replaced_privately(target: Path) -> Iterator[Path]:
    """The file to write in place of ``target``: ``.NAME.partial`` beside it, new, mode 0600.
    It replaces ``target`` when the block ends and is removed if the block raises: ``target``
    is never half-written, and never readable by others (an export, a back-up, rule files)."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    create_private(partial)
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def make_private(path: str | Path) -> None:
    """Make ``path`` and the SQLite files beside it mode 0600 (those that exist)."""
    for name in (str(path), *(f"{path}{side}" for side in SIDE_FILES)):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            try:
                os.chmod(name, PRIVATE)
            except OSError as exc:
                log.warning(
                    "%s is readable by others (mode %o) and cannot be changed: %s",
                    name,
                    mode,
                    exc.strerror or exc,
                )
            else:
                log.info("%s was mode %o; now 0600 (the store is for its owner only)", name, mode)


def open_read_only(path: str | Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` that cannot write it (``mode=ro``): what reads
    a store another process may be running on (`twoway backup`, `explain --db`, `replay`).

    A store in use in WAL mode always has its ``-wal`` beside it (SQLite deletes it when the
    last connection closes). Without one, nobody has the store open: it is read as immutable,
    so that not even an empty ``-wal`` and a ``-shm`` are left beside it."""
    mode = "ro" if Path(f"{path}-wal").exists() else "ro&immutable=1"
    return sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=timeout)
