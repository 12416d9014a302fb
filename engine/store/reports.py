"""Own the SQL of the report: counts the HTML report draws, aggregated by SQLite.

Plain functions over one ``sqlite3.Connection``, run on the store's thread inside a read
snapshot (``SqliteStore._read``); every value is a bound parameter.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from engine.store.codec import time_in

__all__ = ["inbound_quarters"]

# ``received_at`` is ISO 8601 in UTC (``codec.time_in``): ``2026-01-05T09:07:12.000000+00:00``.
# Its first 13 characters are the hour; characters 15-16 the minute. Quarter hours, not hours:
# every time zone's offset is a whole number of quarter hours (+05:45, +12:45), so the caller
# can add them up into the hours of any zone.
_QUARTERS_SQL = """
    SELECT substr(received_at, 1, 13) AS hour,
           CAST(substr(received_at, 15, 2) AS INTEGER) / 15 AS quarter,
           COUNT(*)
    FROM inbound
    WHERE received_at >= ? AND received_at < ?
    GROUP BY hour, quarter
    ORDER BY hour, quarter
"""

_EVER = datetime(1, 1, 1, tzinfo=UTC)
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def inbound_quarters(
    conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None
) -> list[tuple[datetime, int]]:
    """``(start of a quarter hour in UTC, messages received in it)``, oldest first, for every
    quarter hour with messages received in ``[since, until)`` (all of them by default)."""
    bounds = (time_in(since or _EVER), time_in(until or _NEVER))
    found: list[tuple[datetime, int]] = []
    for hour, quarter, count in conn.execute(_QUARTERS_SQL, bounds):
        start = datetime.fromisoformat(f"{hour}:00:00+00:00").replace(minute=15 * int(quarter))
        found.append((start, int(count)))
    return found
