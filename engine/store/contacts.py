"""Own the SQL of contacts as a whole: imports, exports, suppression lists, opt-out checks,
one contact saved or its fields merged, and forgetting one.

Like the other query modules, plain functions over one ``sqlite3.Connection``, run by
``SqliteStore`` in one transaction each; ``IN (…)`` lists are chunked (``sql.CHUNK`` values,
under SQLite's 999-variable limit of old builds) and every value is a bound parameter.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.core.groups import groups_of
from engine.core.messages import Address
from engine.store.codec import dumps, loads, time_in
from engine.store.sql import select_in

Key = tuple[Address, Address]

__all__ = [
    "FORGOTTEN",
    "ContactRow",
    "all_contacts",
    "contacts_page",
    "forget_contact",
    "import_contacts",
    "import_opt_outs",
    "is_opted_out",
    "opted_out",
    "patch_contact",
    "save_contact",
    "set_contact_fields",
]

ContactRow = tuple[str, Mapping[str, Any], Sequence[str]]
"""(phone, fields, groups)."""

FORGOTTEN = "contact forgotten"
"""Why ``forget_contact`` suppresses a reply still waiting (its ``last_error``)."""


def import_contacts(
    conn: sqlite3.Connection, rows: Sequence[ContactRow], now: str
) -> tuple[int, int]:
    """Create or merge ``rows`` into the contacts (fields: the row's win; groups: added);
    return (contacts created, existing contacts changed)."""
    sql = "SELECT phone, fields, groups FROM contacts WHERE phone IN ({marks})"
    known = {
        phone: (fields, groups)
        for phone, fields, groups in select_in(conn, sql, [row[0] for row in rows])
    }
    inserts: list[tuple[str, str, str, str, str]] = []
    updates: list[tuple[str, str, str, str]] = []
    for phone, fields, groups in rows:
        stored = known.get(phone)
        if stored is None:
            inserts.append((phone, dumps(dict(fields)), dumps(list(groups)), now, now))
            continue
        old_fields, old_groups = loads(stored[0]), loads(stored[1])
        new_fields = {**old_fields, **fields}
        new_groups = [*old_groups, *(g for g in groups if g not in old_groups)]
        if new_fields != old_fields or new_groups != old_groups:
            updates.append((dumps(new_fields), dumps(new_groups), now, phone))
    conn.executemany(
        "INSERT INTO contacts (phone, fields, groups, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        inserts,
    )
    conn.executemany(
        "UPDATE contacts SET fields = ?, groups = ?, updated_at = ? WHERE phone = ?", updates
    )
    return len(inserts), len(updates)


def all_contacts(conn: sqlite3.Connection, group: str | None) -> list[ContactRow]:
    """Every contact (of ``group``, when given), by phone."""
    found: list[ContactRow] = []
    decoded: dict[str, list[str]] = {}  # few distinct sets of groups: each decoded once
    for phone, fields, groups in conn.execute(
        "SELECT phone, fields, groups FROM contacts ORDER BY phone"
    ):
        names = decoded.get(groups)
        if names is None:
            names = decoded[groups] = loads(groups)
        if group is None or group in names:
            found.append((phone, loads(fields), list(names)))
    return found


def contacts_page(
    conn: sqlite3.Connection, after: str | None, limit: int, group: str | None
) -> list[ContactRow]:
    """At most ``limit`` contacts (of ``group``, when given) whose phone sorts after
    ``after``, by phone: one page of a listing that never skips or repeats one."""
    sql = "SELECT phone, fields, groups FROM contacts WHERE phone > ?"
    params: list[Any] = [after or ""]
    if group is not None:
        sql += " AND EXISTS (SELECT 1 FROM json_each(contacts.groups) WHERE json_each.value = ?)"
        params.append(group)
    params.append(limit)
    rows = conn.execute(sql + " ORDER BY phone LIMIT ?", params)
    return [(phone, loads(fields), list(loads(groups))) for phone, fields, groups in rows]


def patch_contact(
    conn: sqlite3.Connection,
    phone: str,
    fields: Mapping[str, Any],
    add: Sequence[str],
    remove: Sequence[str],
    now: str,
) -> bool:
    """Merge ``fields`` into the contact's (a None value removes that field), add the groups
    ``add`` and take out those of ``remove``; False (nothing written) when it is unknown."""
    row = conn.execute("SELECT fields, groups FROM contacts WHERE phone = ?", (phone,)).fetchone()
    if row is None:
        return False
    merged = {**loads(row[0]), **fields}
    kept = {name: value for name, value in merged.items() if value is not None}
    groups = [g for g in loads(row[1]) if g not in remove]
    groups += [g for g in dict.fromkeys(add) if g not in groups and g not in remove]
    conn.execute(
        "UPDATE contacts SET fields = ?, groups = ?, updated_at = ? WHERE phone = ?",
        (dumps(kept), dumps(sorted(groups)), now, phone),
    )
    return True


def import_opt_outs(
    conn: sqlite3.Connection, phones: Sequence[str], numbers: Sequence[str], reason: str, now: str
) -> tuple[int, int]:
    """Opt every phone out of every number, with ``reason`` in the audit log; return
    (pairs opted out now, pairs that were opted out already)."""
    already: set[tuple[str, str]] = set()
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    for contact, number in select_in(conn, sql, phones):
        already.add((contact, number))
    fresh = [(p, n) for p in dict.fromkeys(phones) for n in numbers if (p, n) not in already]
    conn.executemany(
        "INSERT INTO opt_outs (contact, number, opted_out, at) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (contact, number) DO UPDATE SET opted_out = 1, at = excluded.at,"
        " inbound_id = NULL",
        [(p, n, now) for p, n in fresh],
    )
    conn.executemany(
        "INSERT INTO opt_out_log (contact, number, action, at, text) VALUES (?, ?, 'out', ?, ?)",
        [(p, n, now, reason) for p, n in fresh],
    )
    return len(fresh), len(already & {(p, n) for p in phones for n in numbers})


_DELETED = (
    ("sessions", "DELETE FROM sessions WHERE contact = ?"),
    ("votes", "DELETE FROM votes WHERE contact = ?"),
    ("answers", "DELETE FROM answers WHERE contact = ?"),
    ("timers", "DELETE FROM timers WHERE contact = ?"),
    ("inbox", "DELETE FROM inbox WHERE contact = ?"),
    ("threads", "DELETE FROM threads WHERE contact = ?"),
)


def forget_contact(conn: sqlite3.Connection, phone: str, reason: str, now: str) -> dict[str, int]:
    """Erase what the store keeps of ``phone`` but its opt-outs (and their audit log); blank
    the texts of its messages. Return the rows touched per kind (0 when none)."""
    done: dict[str, int] = {}
    row = conn.execute("SELECT fields, groups FROM contacts WHERE phone = ?", (phone,)).fetchone()
    done["fields"] = len(loads(row[0])) if row else 0
    done["groups"] = len(loads(row[1])) if row else 0
    done["contact"] = conn.execute("DELETE FROM contacts WHERE phone = ?", (phone,)).rowcount
    for kind, sql in _DELETED:
        done[kind] = conn.execute(sql, (phone,)).rowcount
    # Its events, counted one by one (a step's are one row of ``event_steps``).
    done["events"] = conn.execute(
        "SELECT COUNT(*) FROM events WHERE contact = ?", (phone,)
    ).fetchone()[0]
    conn.execute("DELETE FROM event_steps WHERE contact = ?", (phone,))
    # A reply still waiting must not leave, and never as an empty text.
    conn.execute(
        "UPDATE outbox SET status = 'suppressed', last_error = ?, updated_at = ?"
        " WHERE (contact = ? OR recipient = ?) AND status IN ('queued', 'sending')",
        (reason, now, phone, phone),
    )
    done["outbox texts"] = conn.execute(
        "UPDATE outbox SET text = '' WHERE (contact = ? OR recipient = ?) AND text != ''",
        (phone, phone),
    ).rowcount
    done["inbound texts"] = conn.execute(
        "UPDATE inbound SET text = '' WHERE sender = ? AND text != ''", (phone,)
    ).rowcount
    done["held parts"] = conn.execute(
        "DELETE FROM held_parts WHERE substr(group_key, 1, ?) = ? AND done_at IS NOT NULL",
        (len(phone) + 1, phone + "|"),
    ).rowcount
    done["opt-outs kept"] = conn.execute(
        "SELECT COUNT(*) FROM opt_outs WHERE contact = ? AND opted_out = 1", (phone,)
    ).fetchone()[0]
    return done


def is_opted_out(conn: sqlite3.Connection, contact: Address, number: Address) -> bool:
    row = conn.execute(
        "SELECT opted_out FROM opt_outs WHERE contact = ? AND number = ?", (contact, number)
    ).fetchone()
    return bool(row and row[0])


def opted_out(conn: sqlite3.Connection, pairs: Sequence[Key]) -> set[Key]:
    """The ``(contact, number)`` pairs among ``pairs`` that are opted out (one query per chunk)."""
    wanted = set(pairs)
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    found = {(row[0], row[1]) for row in select_in(conn, sql, {c for c, _ in wanted})}
    return found & wanted


def save_contact(
    conn: sqlite3.Connection,
    phone: Address,
    fields: Any,
    groups: Sequence[str] | None,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO contacts (phone, fields, groups, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone) DO UPDATE SET"
        " fields = COALESCE(?, fields), groups = COALESCE(?, groups),"
        " updated_at = excluded.updated_at",
        (
            phone,
            dumps(fields or {}),
            dumps(list(groups_of(groups or ()))),
            now,
            now,
            None if fields is None else dumps(fields),
            None if groups is None else dumps(list(groups_of(groups))),
        ),
    )


def set_contact_fields(
    conn: sqlite3.Connection, phone: Address, changes: Mapping[str, Any], at: datetime
) -> None:
    """Merge ``changes`` into the contact's fields (created if unknown), as a commit step does."""
    row = conn.execute("SELECT fields FROM contacts WHERE phone = ?", (phone,)).fetchone()
    fields = loads(row[0]) if row else {}
    fields.update(changes)
    stamp = time_in(at)
    conn.execute(
        "INSERT INTO contacts (phone, fields, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (phone) DO UPDATE SET fields = excluded.fields,"
        " updated_at = excluded.updated_at",
        (phone, dumps(fields), stamp, stamp),
    )
