"""Own the SQL of campaigns: starting one, taking its due recipients, their fate and its counts.

A campaign's recipients are rows that wait with the time they may go. The engine takes the due
ones in the same transaction that steps and commits them (``take``), so a recipient is started
once, whatever crashes; a recipient due while their quiet hours hold is moved to the next
allowed moment instead, and one over the marketing cap or opted out since is skipped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from engine.core.model import EMPTY
from engine.core.notices import NONE, Subscriptions
from engine.core.quiet import UTC_ZONE, QuietHours, zone_named
from engine.core.records import CampaignRow, CampaignState, Launch, Step
from engine.store import notices
from engine.store.codec import dumps, loads, time_in, time_out
from engine.store.sql import many, select_in

__all__ = [
    "CampaignRow",
    "CampaignStatus",
    "Recipient",
    "attribute",
    "campaign_named",
    "counts",
    "create",
    "finished",
    "mark_started",
    "running",
    "set_status",
    "take",
    "window_from_json",
    "window_to_json",
]


class Recipient(NamedTuple):
    """One recipient as a campaign starts: waiting from ``due``, or excluded for ``reason`` (a
    named tuple: a campaign makes 100,000 of them at once)."""

    phone: str
    zone: str
    due: datetime | None = None
    params: Mapping[str, Any] = EMPTY
    reason: str | None = None
    """Why they get nothing (opted out, invalid number…); None for a recipient who waits."""


@dataclass(frozen=True, slots=True)
class CampaignStatus:
    """Where a campaign's recipients are."""

    campaign: CampaignRow
    queued: int
    held: int
    held_until: datetime | None
    """When the first held recipient may go."""
    started: int
    sent: int
    delivered: int
    failed: int
    replied: int
    opted_out: int
    skipped: Mapping[str, int]
    excluded: Mapping[str, int]
    cancelled: int
    last_due: datetime | None


def window_to_json(window: QuietHours | None) -> str | None:
    if window is None:
        return None
    return json.dumps(
        {
            "from": window.start.strftime("%H:%M") if window.start else None,
            "to": window.end.strftime("%H:%M") if window.end else None,
            "days_off": sorted(window.days_off),
            "holidays": window.holidays,
            "name": window.name,
        }
    )


def window_from_json(text: str | None) -> QuietHours | None:
    if not text:
        return None
    data = json.loads(text)
    return QuietHours(
        start=time.fromisoformat(data["from"]) if data.get("from") else None,
        end=time.fromisoformat(data["to"]) if data.get("to") else None,
        days_off=frozenset(int(d) for d in data.get("days_off") or ()),
        holidays=data.get("holidays"),
        name=data.get("name") or "",
    )


_COLUMNS = (
    "id, name, title, number, flow, kind, throughput, window, status, recipients, excluded,"
    " created_at, finished_at, started_by, changed_by"
)


def _row(row: Sequence[Any]) -> CampaignRow:
    return CampaignRow(
        id=row[0],
        name=row[1],
        title=row[2],
        number=row[3],
        flow=row[4],
        kind=row[5],
        throughput=row[6],
        window=window_from_json(row[7]),
        status=row[8],
        recipients=row[9],
        excluded=row[10],
        created_at=time_out(row[11]),
        finished_at=time_out(row[12]) if row[12] else None,
        started_by=row[13],
        changed_by=row[14],
    )


def campaign_named(conn: sqlite3.Connection, name: str) -> CampaignRow | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM campaigns WHERE name = ?", (name,)).fetchone()
    return _row(row) if row else None


def all_campaigns(conn: sqlite3.Connection) -> list[CampaignRow]:
    return [_row(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM campaigns ORDER BY id")]


def running(conn: sqlite3.Connection) -> list[CampaignRow]:
    sql = f"SELECT {_COLUMNS} FROM campaigns WHERE status = 'running' ORDER BY id"
    return [_row(r) for r in conn.execute(sql)]


def create(
    conn: sqlite3.Connection,
    *,
    name: str,
    title: str,
    number: str,
    flow: str,
    kind: str,
    throughput: float | None,
    window: QuietHours | None,
    recipients: Sequence[Recipient],
    ruleset_version: str,
    now: datetime,
    author: str | None = None,
) -> int | None:
    """Record a started campaign and its recipients (started by ``author``); None when one by
    that name exists."""
    if conn.execute("SELECT 1 FROM campaigns WHERE name = ?", (name,)).fetchone():
        return None
    at = time_in(now)
    excluded = sum(1 for r in recipients if r.reason is not None)
    cursor = conn.execute(
        "INSERT INTO campaigns (name, title, number, flow, kind, throughput, window, status,"
        " recipients, excluded, ruleset_version, created_at, updated_at, started_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
        (
            name,
            title,
            number,
            flow,
            kind,
            throughput,
            window_to_json(window),
            len(recipients) - excluded,
            excluded,
            ruleset_version,
            at,
            at,
            author,
        ),
    )
    campaign = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO campaign_recipients (campaign, phone, status, reason, due, zone, params)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign, phone) DO NOTHING",
        [
            (
                campaign,
                r.phone,
                "excluded" if r.reason else "waiting",
                r.reason,
                time_in(r.due) if r.due else None,
                r.zone,
                dumps(dict(r.params)),
            )
            for r in recipients
        ],
    )
    return campaign


def set_status(
    conn: sqlite3.Connection,
    name: str,
    status: CampaignState,
    now: datetime,
    author: str | None = None,
) -> None:
    """Put campaign ``name`` in ``status``, recording ``author`` as the one who changed it
    (``done``, the engine's own doing, keeps the last person's)."""
    at = time_in(now)
    conn.execute(
        "UPDATE campaigns SET status = ?, updated_at = ?,"
        " changed_by = CASE WHEN ? = 'done' THEN changed_by ELSE ? END,"
        " finished_at = CASE WHEN ? IN ('cancelled', 'done') THEN ? ELSE finished_at END"
        " WHERE name = ?",
        (status, at, status, author, status, at, name),
    )
    if status == "cancelled":
        conn.execute(
            "UPDATE campaign_recipients SET status = 'cancelled' WHERE status = 'waiting'"
            " AND campaign = (SELECT id FROM campaigns WHERE name = ?)",
            (name,),
        )


def next_due(conn: sqlite3.Connection, campaign: int) -> datetime | None:
    row = conn.execute(
        "SELECT min(due) FROM campaign_recipients WHERE campaign = ? AND status = 'waiting'",
        (campaign,),
    ).fetchone()
    return time_out(row[0]) if row and row[0] else None


def take(
    conn: sqlite3.Connection,
    campaign: CampaignRow,
    most: int,
    now: datetime,
    cap: tuple[int, timedelta] | None,
    notify: Subscriptions = NONE,
) -> list[Launch]:
    """Up to ``most`` recipients of ``campaign`` due by ``now`` to start now, in due order.

    Those whose quiet hours hold now wait until they end; those opted out of its number since it
    started, or over the marketing ``cap``, are skipped with the reason. A campaign left with no
    one waiting is done, and its ``campaign_finished`` notifications are written with that.

    Read inside the transaction that starts them: two processes never take one recipient (the
    second finds it started), nor start a campaign paused meanwhile, nor finish it twice."""
    if not _running(conn, campaign.id):
        return []
    launches: list[Launch] = []
    while len(launches) < most:
        size = max(most, 200)
        rows = conn.execute(
            "SELECT phone, zone, params FROM campaign_recipients WHERE campaign = ?"
            " AND status = 'waiting' AND due <= ? ORDER BY due, phone LIMIT ? OFFSET ?",
            # The ones chosen so far still wait (until this transaction commits their step),
            # first in line: the rest of the line is after them.
            (campaign.id, time_in(now), size, len(launches)),
        ).fetchall()
        if not rows:
            break
        launches += _sort(conn, campaign, rows, now, cap, most - len(launches))
        if len(rows) < size:
            break
    if not launches and next_due(conn, campaign.id) is None:
        set_status(conn, campaign.name, "done", now)
        if notify.targets("campaign_finished"):
            notices.add(conn, notify, "campaign_finished", now, finished(conn, campaign, now))
    return launches


def _running(conn: sqlite3.Connection, campaign: int) -> bool:
    row = conn.execute("SELECT status FROM campaigns WHERE id = ?", (campaign,)).fetchone()
    return row is not None and row[0] == "running"


def finished(conn: sqlite3.Connection, campaign: CampaignRow, now: datetime) -> dict[str, Any]:
    """The data of a ``campaign_finished`` notification: the campaign and where its recipients
    ended (messages may still be on their way: ``sent`` counts those handed over by now)."""
    status = counts(conn, campaign, now)
    return {
        "campaign": campaign.name,
        "title": campaign.title,
        "number": campaign.number,
        "recipients": campaign.recipients,
        "started": status.started,
        "sent": status.sent,
        "failed": status.failed,
        "replied": status.replied,
        "opted_out": status.opted_out,
        "skipped": sum(status.skipped.values()),
        "excluded": sum(status.excluded.values()),
    }


def _sort(
    conn: sqlite3.Connection,
    campaign: CampaignRow,
    rows: list[tuple[str, str, str]],
    now: datetime,
    cap: tuple[int, timedelta] | None,
    room: int,
) -> list[Launch]:
    """Of ``rows`` (due recipients, in order), up to ``room`` to start now; the others that
    quiet hours hold get their next allowed moment, those opted out or capped are skipped.
    Rows after the ``room``-th start are left as they are."""
    phones = [row[0] for row in rows]
    opted = {
        contact
        for (contact,) in select_in(
            conn,
            "SELECT contact FROM opt_outs WHERE opted_out = 1 AND number = ?"
            " AND contact IN ({marks})",
            phones,
            (campaign.number,),
        )
    }
    capped = _over_cap(conn, phones, now, cap) if campaign.kind == "marketing" and cap else set()
    launches: list[Launch] = []
    held: list[tuple[str, int, str]] = []
    skipped: list[tuple[str, int, str]] = []
    window = campaign.window
    for phone, zone_name, params in rows:
        if len(launches) == room:
            break
        zone = zone_named(zone_name) or UTC_ZONE
        if window is not None and window.quiet(now.astimezone(zone)):
            held.append((time_in(window.next_allowed(now, zone)), campaign.id, phone))
        elif phone in opted:
            skipped.append(("opted out", campaign.id, phone))
        elif phone in capped:
            skipped.append(("marketing cap", campaign.id, phone))
        else:
            launches.append(
                Launch(campaign.id, phone, campaign.number, campaign.flow, loads(params))
            )
    conn.executemany(
        "UPDATE campaign_recipients SET due = ? WHERE campaign = ? AND phone = ?", held
    )
    conn.executemany(
        "UPDATE campaign_recipients SET status = 'skipped', reason = ? WHERE campaign = ?"
        " AND phone = ?",
        skipped,
    )
    return launches


def _over_cap(
    conn: sqlite3.Connection, phones: Sequence[str], now: datetime, cap: tuple[int, timedelta]
) -> set[str]:
    most, period = cap
    sql = (
        "SELECT r.phone, COUNT(*) FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign"
        " WHERE r.status = 'started' AND c.kind = 'marketing' AND r.started_at >= ?"
        " AND r.phone IN ({marks}) GROUP BY r.phone"
    )
    return {
        phone
        for phone, count in select_in(conn, sql, phones, (time_in(now - period),))
        if count >= most
    }


def mark_started(
    conn: sqlite3.Connection, steps: Sequence[Step], first_rows: Mapping[int, int]
) -> None:
    """Mark the recipients ``steps`` started, with the first outbox row each step wrote
    (``first_rows``: step index → outbox id); no statement for a batch without any."""
    many(
        conn,
        "UPDATE campaign_recipients SET status = 'started', started_at = ?, outbox_id = ?"
        " WHERE campaign = ? AND phone = ? AND status = 'waiting'",
        [
            (time_in(step.at), first_rows.get(index), step.campaign, step.contact)
            for index, step in enumerate(steps)
            if step.campaign is not None
        ],
    )


def attribute(conn: sqlite3.Connection, steps: Sequence[Step]) -> None:
    """Credit replies and opt-outs to the campaign that last started a conversation with the
    contact on that number (only the first reply and the opt-out are recorded)."""
    if conn.execute("SELECT 1 FROM campaigns LIMIT 1").fetchone() is None:
        return  # no campaign ever: nothing to credit (the hot path of a deployment without any)
    replies = [(time_in(s.at), s.contact, s.number, time_in(s.at)) for s in steps if s.inbound_id]
    if not replies:
        return
    latest = (
        "campaign = (SELECT r.campaign FROM campaign_recipients r JOIN campaigns c"
        " ON c.id = r.campaign WHERE r.phone = ?2 AND c.number = ?3 AND r.status = 'started'"
        " AND r.started_at <= ?4 ORDER BY r.started_at DESC LIMIT 1) AND phone = ?2"
    )
    conn.executemany(
        f"UPDATE campaign_recipients SET replied_at = ?1 WHERE replied_at IS NULL AND {latest}",
        replies,
    )
    outs = [
        (time_in(s.at), s.contact, s.number, time_in(s.at)) for s in steps if s.sprint.opt == "out"
    ]
    conn.executemany(
        f"UPDATE campaign_recipients SET opted_out_at = ?1 WHERE opted_out_at IS NULL AND {latest}",
        outs,
    )


_FAILED = ("failed", "expired", "rejected", "undeliverable", "suppressed")


def counts(conn: sqlite3.Connection, campaign: CampaignRow, now: datetime) -> CampaignStatus:
    at = time_in(now)
    by: dict[str, int] = {}
    skipped: dict[str, int] = {}
    excluded: dict[str, int] = {}
    for status, reason, count in conn.execute(
        "SELECT status, reason, COUNT(*) FROM campaign_recipients WHERE campaign = ?"
        " GROUP BY status, reason",
        (campaign.id,),
    ):
        by[status] = by.get(status, 0) + count
        if status == "skipped":
            skipped[reason or "?"] = count
        elif status == "excluded":
            excluded[reason or "?"] = count
    queued, held, first_held, last_due = conn.execute(
        "SELECT COUNT(*) FILTER (WHERE due <= ?1), COUNT(*) FILTER (WHERE due > ?1),"
        " min(due) FILTER (WHERE due > ?1), max(due)"
        " FROM campaign_recipients WHERE campaign = ?2 AND status = 'waiting'",
        (at, campaign.id),
    ).fetchone()
    outbox: dict[str, int] = {}
    for status, count in conn.execute(
        "SELECT o.status, COUNT(*) FROM campaign_recipients r JOIN outbox o ON o.id = r.outbox_id"
        " WHERE r.campaign = ? GROUP BY o.status",
        (campaign.id,),
    ):
        outbox[status] = count
    replied, opted_out = conn.execute(
        "SELECT COUNT(replied_at), COUNT(opted_out_at) FROM campaign_recipients WHERE campaign = ?",
        (campaign.id,),
    ).fetchone()
    return CampaignStatus(
        campaign=campaign,
        queued=queued,
        held=held,
        held_until=time_out(first_held) if first_held else None,
        started=by.get("started", 0),
        sent=outbox.get("sent", 0) + outbox.get("delivered", 0),
        delivered=outbox.get("delivered", 0),
        failed=sum(outbox.get(s, 0) for s in _FAILED),
        replied=replied,
        opted_out=opted_out,
        skipped=skipped,
        excluded=excluded,
        cancelled=by.get("cancelled", 0),
        last_due=time_out(last_due) if last_due else None,
    )


def not_replied(
    conn: sqlite3.Connection, name: str, after: timedelta, now: datetime
) -> list[tuple[str, Mapping[str, Any]]]:
    """Who campaign ``name`` started at least ``after`` ago and has not replied since, with
    the parameters they were started with."""
    return [
        (phone, loads(params))
        for phone, params in conn.execute(
            "SELECT r.phone, r.params FROM campaign_recipients r JOIN campaigns c"
            " ON c.id = r.campaign WHERE c.name = ? AND r.status = 'started'"
            " AND r.replied_at IS NULL AND r.opted_out_at IS NULL AND r.started_at <= ?"
            " ORDER BY r.started_at, r.phone",
            (name, time_in(now - after)),
        )
    ]


def opted_out_of(conn: sqlite3.Connection, number: str) -> set[str]:
    """Every contact opted out of ``number``."""
    sql = "SELECT contact FROM opt_outs WHERE opted_out = 1 AND number = ?"
    return {row[0] for row in conn.execute(sql, (number,))}
