"""Own the claims that let several engine processes share one store: who may hand an outbox row
over or post a notification, and for how long, so that each leaves once and a dead process's rows
are taken over once its leases run out.

Every engine process has an :class:`Owner` (``host:pid:random``, new at each start). A row it is
to send carries ``claimed_by`` (its owner) and ``lease_until`` (a time of the store's clock):

- the transaction that writes a row ``sending`` (a batch's replies, a message of the API, a
  person's reply) writes the claim as values of its ``INSERT``: no statement more;
- :func:`claim_outbox` takes, in one ``UPDATE … RETURNING``, the rows still to send that nobody
  claimed or whose lease ran out (a start, and every ``LEASE / 2`` after); first, the rows of a
  process of this host that is known to have ended are given back (:func:`release_gone`), so a
  crash's rows go at once at the restart, not a lease later;
- :func:`renew` pushes the leases of the rows an owner still holds, one statement per table;
- a row leaves the claims by its status (``sent``, ``failed``, ``suppressed``, held): nothing is
  cleared.

Notifications are claimed the same way before they are posted (:func:`claim_notifications`);
a failed post gives its row back (``notices.record``). Timers, inbound rows left ``received`` and
a campaign's recipients need no lease: the write transaction that processes them takes them
(:func:`fresh_work`, ``campaigns.take``), and a second process finds them gone.

Times are the store's ISO strings; every statement is plain SQL with bound values, so the same
claims work on a server database (PostgreSQL: the same ``UPDATE … RETURNING``).
"""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from engine.core.messages import Inbound
from engine.core.notices import Notification
from engine.core.records import OutboxRow, Timer, Work
from engine.store.codec import time_in
from engine.store.notices import COLUMNS as NOTICE_COLUMNS
from engine.store.notices import notification
from engine.store.outbox import OUTBOX_COLUMNS, outbox_row
from engine.store.sql import select_in

__all__ = [
    "LEASE",
    "Claim",
    "Owner",
    "claim_notifications",
    "claim_outbox",
    "fresh_work",
    "recover",
    "release",
    "release_gone",
    "renew",
    "take_over",
]

LEASE = timedelta(seconds=30)
"""How long a claim holds without renewal: a live process renews every ``LEASE / 2``; a dead
one's rows are taken over at most this long after its last renewal."""


def _here() -> str:
    """This host, and on Linux its pid namespace (two containers may share a host name)."""
    try:
        return f"{socket.gethostname()}/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        return socket.gethostname()


@dataclass(frozen=True, slots=True)
class Owner:
    """Who claims rows: one engine process, from its start to its stop."""

    name: str

    @classmethod
    def new(cls) -> Owner:
        """A name unique to this process's start: ``host:pid:random``."""
        return cls(f"{_here()}:{os.getpid()}:{secrets.token_hex(4)}")

    @property
    def gone(self) -> bool:
        """Whether this owner is known to have ended: a process of this host (and pid
        namespace) whose pid runs no more. Another host's never is: its lease tells."""
        where, _, rest = self.name.partition(":")
        pid = rest.partition(":")[0]
        if os.name != "posix" or where != _here() or not pid.isdigit():
            return False
        if int(pid) == os.getpid():
            return False  # this process, or another store of it: alive
        try:
            os.kill(int(pid), 0)  # signal 0: only asks whether it exists
        except ProcessLookupError:
            return True
        except OSError:
            return False  # it exists (another user's)
        return False


class Claim(NamedTuple):
    """A claim as written: the owner, and the end of its lease (as stored)."""

    owner: str
    until: str


def claim_outbox(conn: sqlite3.Connection, claim: Claim, now: str, limit: int) -> list[OutboxRow]:
    """Take the rows still to hand over (``queued`` or ``sending``, not held) that nobody
    claimed or whose lease ended before ``now``, in id order, ``limit`` at most."""
    rows = conn.execute(
        f"UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id FROM outbox"
        " WHERE status IN ('queued', 'sending') AND hold_until IS NULL"
        " AND (claimed_by IS NULL OR lease_until < ?) ORDER BY id LIMIT ?)"
        f" RETURNING {OUTBOX_COLUMNS}",
        (claim.owner, claim.until, now, limit),
    ).fetchall()
    return sorted((outbox_row(row) for row in rows), key=lambda row: row.id)


def renew(conn: sqlite3.Connection, claim: Claim) -> int:
    """Push to ``claim.until`` the leases of every row ``claim.owner`` still holds (outbox rows
    to hand over, notifications being posted); return how many."""
    return _held(conn, "lease_until = ?", (claim.until,), claim.owner)


def take_over(conn: sqlite3.Connection, claim: Claim, now: str, limit: int) -> list[OutboxRow]:
    """A start's recovery: give back what processes of this host that ended still hold (a
    crash's rows go at once, not a lease later), then take what nobody holds."""
    release_gone(conn, claim.owner, now)
    return claim_outbox(conn, claim, now, limit)


def release_gone(conn: sqlite3.Connection, me: str, now: str) -> int:
    """Give back the rows of owners known to have ended (``Owner.gone``) whose lease runs on."""
    sql = (
        "SELECT DISTINCT claimed_by FROM outbox WHERE status IN ('queued', 'sending')"
        " AND hold_until IS NULL AND lease_until >= ?"
        " UNION SELECT DISTINCT claimed_by FROM notifications WHERE status = 'pending'"
        " AND lease_until >= ?"
    )
    names = {row[0] for row in conn.execute(sql, (now, now))} - {me, None}
    return sum(release(conn, name) for name in names if Owner(name).gone)


def recover(conn: sqlite3.Connection, claim: Claim, now: str, limit: int) -> list[OutboxRow]:
    """One tick of an owner's claims, in one transaction: renew what it holds, then take the
    rows whose lease ended (a process that died or stalled), whose process of this host is
    gone, or that nobody claimed."""
    renew(conn, claim)
    return take_over(conn, claim, now, limit)


def release(conn: sqlite3.Connection, owner: str) -> int:
    """Give back what ``owner`` holds, for any process to take at once rather than after the
    lease: at a graceful stop (what the drain left), or for a worker its supervisor saw die.
    Return how many rows."""
    return _held(conn, "claimed_by = NULL, lease_until = NULL", (), owner)


_HOLDS = (
    "UPDATE outbox SET {set} WHERE claimed_by = ? AND status IN ('queued', 'sending')"
    " AND hold_until IS NULL",
    "UPDATE notifications SET {set} WHERE claimed_by = ? AND status = 'pending'",
)
"""What an owner holds: its outbox rows still to hand over, its notifications being posted."""


def _held(conn: sqlite3.Connection, assign: str, values: tuple[str, ...], owner: str) -> int:
    """Set ``assign`` (a constant of this module) on every row ``owner`` holds; how many."""
    return sum(conn.execute(sql.format(set=assign), (*values, owner)).rowcount for sql in _HOLDS)


def claim_notifications(
    conn: sqlite3.Connection, claim: Claim, now: datetime, limit: int
) -> list[Notification]:
    """Take the pending notifications due by ``now`` that nobody else holds (unclaimed, the
    owner's own, or a lease ended before ``now``), oldest first."""
    at = time_in(now)
    rows = conn.execute(
        "UPDATE notifications SET claimed_by = ?, lease_until = ? WHERE id IN (SELECT id"
        " FROM notifications WHERE status = 'pending' AND next_at <= ?"
        " AND (claimed_by IS NULL OR claimed_by = ? OR lease_until < ?)"
        f" ORDER BY next_at, id LIMIT ?) RETURNING {NOTICE_COLUMNS}",
        (claim.owner, claim.until, at, claim.owner, at, limit),
    ).fetchall()
    found = [notification(row) for row in rows]
    return sorted(found, key=lambda row: (row.next_at or row.at, row.id))


def fresh_work(conn: sqlite3.Connection, work: Sequence[Work]) -> list[Work]:
    """The items of ``work`` nobody processed yet, read inside the transaction that processes
    them: inbound rows still ``received``, timers still there (a timer is deleted by the
    transaction that fires it; ids are never reused). Campaign launches pass: ``campaigns.take``
    chose them in this transaction."""
    inbound = [item.id for item in work if isinstance(item, Inbound)]
    timers = [item.id for item in work if isinstance(item, Timer)]
    sql = "SELECT id FROM inbound WHERE status = 'received' AND id IN ({marks})"
    waiting = {row[0] for row in select_in(conn, sql, inbound)} if inbound else set()
    sql = "SELECT id FROM timers WHERE id IN ({marks})"
    live = {row[0] for row in select_in(conn, sql, timers)} if timers else set()

    def fresh(item: Work) -> bool:
        if isinstance(item, Inbound):
            return item.id in waiting
        if isinstance(item, Timer):
            return item.id in live
        return True

    return [item for item in work if fresh(item)]
