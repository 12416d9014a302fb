"""Own the schema's history: every migration the store has known, its statements, in order.

The store's tables and indexes are what these statements leave; ``migrations`` applies those a
database lacks. Each migration says why it was made beside its statements: a released one is
never edited or reordered, so the reasons stay with the changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.store.schema_lean import (
    EVENT_STEPS,
    INBOUND_WAITING,
    LEAN_INDEXES,
    LEAN_KEYS,
    VOTE_COUNTS,
)

__all__ = ["MIGRATIONS", "Migration"]


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    statements: tuple[str, ...]
    rebuilds: bool = False
    """It copies a table other tables refer to into a new one: it runs with foreign keys off
    (SQLite's way to rebuild a table), and is committed only if ``foreign_key_check`` finds
    every reference whole."""


_INITIAL = (
    """
    CREATE TABLE inbound (
        id INTEGER PRIMARY KEY,
        transport TEXT NOT NULL,
        external_id TEXT,
        fingerprint TEXT,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        text TEXT NOT NULL,
        received_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed')),
        processed_at TEXT,
        UNIQUE (transport, external_id)
    )
    """,
    "CREATE UNIQUE INDEX inbound_fingerprint ON inbound (fingerprint)"
    " WHERE fingerprint IS NOT NULL",
    "CREATE INDEX inbound_pending ON inbound (id) WHERE status = 'received'",
    """
    CREATE TABLE contacts (
        phone TEXT PRIMARY KEY,
        fields TEXT NOT NULL DEFAULT '{}',
        groups TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE opt_outs (
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        opted_out INTEGER NOT NULL CHECK (opted_out IN (0, 1)),
        at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        PRIMARY KEY (contact, number)
    )
    """,
    """
    CREATE TABLE opt_out_log (
        id INTEGER PRIMARY KEY,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('out', 'in')),
        at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        text TEXT
    )
    """,
    "CREATE INDEX opt_out_log_contact ON opt_out_log (contact, id)",
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        flow TEXT NOT NULL,
        state TEXT NOT NULL,
        vars TEXT NOT NULL DEFAULT '{}',
        retries INTEGER NOT NULL DEFAULT 0,
        deadline TEXT,
        deadline_kind TEXT CHECK (deadline_kind IN ('timeout', 'expire')),
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ruleset_version TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('active', 'ended')),
        ended_at TEXT
    )
    """,
    "CREATE UNIQUE INDEX sessions_active ON sessions (contact, number) WHERE status = 'active'",
    "CREATE INDEX sessions_contact ON sessions (contact, number)",
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        session_id TEXT,
        flow TEXT,
        type TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        ruleset_version TEXT NOT NULL DEFAULT '',
        inbound_id INTEGER REFERENCES inbound (id)
    )
    """,
    "CREATE INDEX events_contact ON events (contact, id)",
    """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        contact TEXT NOT NULL,
        recipient TEXT NOT NULL,
        sender TEXT NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered',
            'failed', 'expired', 'suppressed', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        external_id TEXT,
        sent_at TEXT,
        updated_at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        session_id TEXT
    )
    """,
    "CREATE INDEX outbox_pending ON outbox (id) WHERE status IN ('queued', 'sending')",
    "CREATE INDEX outbox_status ON outbox (status)",
    "CREATE INDEX outbox_external_id ON outbox (external_id) WHERE external_id IS NOT NULL",
    # Covers load()'s count of recent replies per conversation, and outbox rows by contact.
    "CREATE INDEX outbox_contact ON outbox (contact, kind, created_at, sender)",
    """
    CREATE TABLE votes (
        id INTEGER PRIMARY KEY,
        poll TEXT NOT NULL,
        contact TEXT NOT NULL,
        choice TEXT NOT NULL,
        at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        UNIQUE (poll, contact)
    )
    """,
    "CREATE INDEX votes_contact ON votes (contact)",
    """
    CREATE TABLE answers (
        id INTEGER PRIMARY KEY,
        survey TEXT NOT NULL,
        contact TEXT NOT NULL,
        session_id TEXT,
        question TEXT NOT NULL,
        value TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX answers_survey ON answers (survey, id)",
    """
    CREATE TABLE timers (
        id INTEGER PRIMARY KEY,
        due TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'start')),
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        session_id TEXT,
        flow TEXT,
        params TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "CREATE INDEX timers_due ON timers (due, id)",
    "CREATE INDEX timers_session ON timers (session_id) WHERE session_id IS NOT NULL",
    """
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        team TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        session_id TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed'))
    )
    """,
    "CREATE INDEX inbox_status ON inbox (status, id)",
)

# Timer ids must never be reused: the service tracks timers in flight by id, and SQLite gives a
# plain INTEGER PRIMARY KEY the id of a just-deleted last row again.
_TIMERS_AUTOINCREMENT = (
    """
    CREATE TABLE timers_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        due TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('session', 'start')),
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        session_id TEXT,
        flow TEXT,
        params TEXT NOT NULL DEFAULT '{}'
    )
    """,
    "INSERT INTO timers_new SELECT id, due, kind, contact, number, session_id, flow, params "
    "FROM timers",
    "DROP TABLE timers",
    "ALTER TABLE timers_new RENAME TO timers",
    "CREATE INDEX timers_due ON timers (due, id)",
    "CREATE INDEX timers_session ON timers (session_id) WHERE session_id IS NOT NULL",
)

# Delivery receipts: an outbox row can end `undeliverable`, and records the receipt's error code
# and time. A receipt can arrive before the row records its SMSC id (the submit_sm_resp and the
# receipt race the outbox's commit), so every receipt is kept in `receipts`; one that matched no
# row yet is applied when `mark_sent` records that id.
_DELIVERY_RECEIPTS = (
    """
    CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        contact TEXT NOT NULL,
        recipient TEXT NOT NULL,
        sender TEXT NOT NULL,
        text TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered',
            'failed', 'expired', 'suppressed', 'rejected', 'undeliverable')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        external_id TEXT,
        sent_at TEXT,
        updated_at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        session_id TEXT,
        delivery_error TEXT,
        delivered_at TEXT
    )
    """,
    "INSERT INTO outbox_new (id, created_at, contact, recipient, sender, text, kind, status,"
    " attempts, last_error, external_id, sent_at, updated_at, inbound_id, session_id)"
    " SELECT id, created_at, contact, recipient, sender, text, kind, status, attempts,"
    " last_error, external_id, sent_at, updated_at, inbound_id, session_id FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_new RENAME TO outbox",
    "CREATE INDEX outbox_pending ON outbox (id) WHERE status IN ('queued', 'sending')",
    "CREATE INDEX outbox_status ON outbox (status)",
    "CREATE INDEX outbox_external_id ON outbox (external_id) WHERE external_id IS NOT NULL",
    "CREATE INDEX outbox_contact ON outbox (contact, kind, created_at, sender)",
    """
    CREATE TABLE receipts (
        id INTEGER PRIMARY KEY,
        external_id TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        at TEXT NOT NULL,
        outbox_id INTEGER
    )
    """,
    "CREATE INDEX receipts_unmatched ON receipts (external_id) WHERE outbox_id IS NULL",
)

# Re-deliveries of messages without a provider id (SMPP's deliver_sm): the key of the content
# (transport, sender, recipient, text), looked up with the time it came, within a window.
_INBOUND_CONTENT = (
    "ALTER TABLE inbound ADD COLUMN content TEXT",
    "CREATE INDEX inbound_content ON inbound (content, received_at) WHERE content IS NOT NULL",
)

# The parts of long inbound messages, held until the message is whole (then marked done, and
# kept a while to recognise a part the provider sends again).
_HELD_PARTS = (
    """
    CREATE TABLE held_parts (
        transport TEXT NOT NULL,
        group_key TEXT NOT NULL,
        number INTEGER NOT NULL,
        data TEXT NOT NULL,
        received_at TEXT NOT NULL,
        done_at TEXT,
        PRIMARY KEY (transport, group_key, number)
    )
    """,
)

# Groups live in contacts.groups only: a 'groups' field that ``set: {contact.groups: …}`` wrote
# before it changed the groups (conditions never saw it) joins the column, sorted, each once.
# A text holding ',' or ';' is not a group name and stays a field.
_GROUPS_OUT_OF_FIELDS = (
    """
    UPDATE contacts SET
        groups = (
            SELECT json_group_array(value) FROM (
                SELECT value FROM json_each(contacts.groups)
                UNION
                SELECT CAST(value AS TEXT) FROM json_each(contacts.fields, '$.groups')
                ORDER BY 1
            )
        ),
        fields = json_remove(fields, '$.groups')
    WHERE json_type(fields, '$.groups') = 'array'
        OR (json_type(fields, '$.groups') = 'text'
            AND json_extract(fields, '$.groups') NOT GLOB '*[,;]*'
            AND trim(json_extract(fields, '$.groups')) != '')
    """,
)

# Campaigns: one row per campaign ever started (its name is unique: it never starts twice, and
# the definition it started with is kept, so editing the file later changes nothing), one row
# per recipient (when it may go, in which time zone, and what became of it), and the outbox rows
# a campaign's step wrote carry its id. A message held by quiet hours waits ``queued`` with a
# ``hold_until``; recovery at start leaves it alone.
_CAMPAIGNS = (
    """
    CREATE TABLE campaigns (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        number TEXT NOT NULL,
        flow TEXT NOT NULL,
        kind TEXT NOT NULL,
        throughput REAL,
        window TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'done')),
        recipients INTEGER NOT NULL,
        excluded INTEGER NOT NULL,
        ruleset_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT
    )
    """,
    """
    CREATE TABLE campaign_recipients (
        campaign INTEGER NOT NULL REFERENCES campaigns (id),
        phone TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'started', 'skipped', 'excluded',
            'cancelled')),
        reason TEXT,
        due TEXT,
        zone TEXT NOT NULL,
        params TEXT NOT NULL DEFAULT '{}',
        started_at TEXT,
        outbox_id INTEGER,
        replied_at TEXT,
        opted_out_at TEXT,
        PRIMARY KEY (campaign, phone)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX campaign_recipients_due ON campaign_recipients (campaign, due)"
    " WHERE status = 'waiting'",
    "CREATE INDEX campaign_recipients_phone ON campaign_recipients (phone, started_at)"
    " WHERE status = 'started'",
    "ALTER TABLE outbox ADD COLUMN campaign INTEGER",
    "ALTER TABLE outbox ADD COLUMN hold_until TEXT",
    "CREATE INDEX outbox_held ON outbox (hold_until) WHERE hold_until IS NOT NULL",
)

# The counts of a poll that templates read (``poll.<id>.total``) are taken for every batch: this
# index covers them, so they are read from the index alone (about 8 times faster).
_VOTES_TALLY = ("CREATE INDEX votes_tally ON votes (poll, choice)",)

# The REST API's ``Idempotency-Key``s: the first answer to a key, per token, kept 24 hours.
_IDEMPOTENCY = (
    """
    CREATE TABLE idempotency (
        token TEXT NOT NULL,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        answer TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (token, key)
    )
    """,
    "CREATE INDEX idempotency_created ON idempotency (created_at)",
)

# The hand-off inbox as threads: one per conversation handed to people, ``open`` → ``assigned``
# → ``closed`` or ``released`` (given back to the rules). A ``handoff`` thread holds the
# conversation while open or assigned (the rules do not answer it); an ``unmatched`` one lists
# messages nothing answered and holds nothing. Each inbox row (a message handed over) belongs to
# its thread; a person's messages are outbox rows of kind ``agent`` with their ``author``. Open
# inbox rows from before are gathered into ``unmatched`` threads: an upgrade silences no one.
_THREADS = (
    """
    CREATE TABLE threads (
        id INTEGER PRIMARY KEY,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        team TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('handoff', 'unmatched')),
        status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'closed', 'released')),
        assigned_to TEXT,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT,
        closed_by TEXT
    )
    """,
    "CREATE UNIQUE INDEX threads_active ON threads (contact, number)"
    " WHERE status IN ('open', 'assigned')",
    "CREATE INDEX threads_status ON threads (status, id)",
    "ALTER TABLE inbox ADD COLUMN thread_id INTEGER REFERENCES threads (id)",
    "CREATE INDEX inbox_thread ON inbox (thread_id)",
    "ALTER TABLE outbox ADD COLUMN author TEXT",
    # A thread's messages and the API's conversations read a conversation's messages in time.
    "CREATE INDEX inbound_conversation ON inbound (sender, recipient, received_at)",
    "CREATE INDEX outbox_conversation ON outbox (contact, sender, created_at)",
    """
    INSERT INTO threads (contact, number, team, kind, status, opened_at, updated_at)
    SELECT contact, number, MIN(team), 'unmatched', 'open', MIN(at), MAX(at)
    FROM inbox WHERE status = 'open' GROUP BY contact, number
    """,
    """
    UPDATE inbox SET thread_id = (SELECT t.id FROM threads t
        WHERE t.contact = inbox.contact AND t.number = inbox.number)
    WHERE status = 'open'
    """,
)

# Event notifications (``notify:``): one row per event and subscriber, written in the
# transaction of what caused it; the notifier posts the pending ones when ``next_at`` is due.
_NOTIFICATIONS = (
    """
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        target TEXT NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        data TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT,
        last_error TEXT,
        done_at TEXT
    )
    """,
    "CREATE INDEX notifications_due ON notifications (next_at, id) WHERE status = 'pending'",
)

# A message a modem sent in parts gets a status report per part: the provider id and outcome of
# each part, so that the message is delivered only once every part is (and fails with the first
# part that fails), also when the reports come after a restart.
_OUTBOX_PARTS = (
    """
    CREATE TABLE outbox_parts (
        outbox_id INTEGER NOT NULL,
        part INTEGER NOT NULL,
        external_id TEXT NOT NULL,
        status TEXT,
        error TEXT,
        PRIMARY KEY (outbox_id, part)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX outbox_parts_external_id ON outbox_parts (external_id)",
)

# Who started a campaign and who last paused, resumed or cancelled it (``user:NAME`` of the
# console, ``token:NAME`` of the API or the console; none for the ``twoway campaign`` command).
_CAMPAIGN_AUTHORS = (
    "ALTER TABLE campaigns ADD COLUMN started_by TEXT",
    "ALTER TABLE campaigns ADD COLUMN changed_by TEXT",
)

# ``outbox_status`` (status) served no query: the reads by status go through the partial indexes
# ``outbox_pending`` and ``outbox_held``. Every row written and every status change (queued,
# sending, sent, delivered) moved an entry in it: two pages of each batch's commit.
_OUTBOX_STATUS_UNUSED = ("DROP INDEX IF EXISTS outbox_status",)

# Several engine processes over one store (``store.claims``): the outbox rows a process is to hand
# over and the notifications it is posting carry its name and the end of its lease; another
# process takes them only once the lease has ended. The claim queries read the partial indexes
# of rows still to send (``outbox_pending``) and of pending notifications (``notifications_due``):
# no index more for every message to maintain.
_CLAIMS = (
    "ALTER TABLE outbox ADD COLUMN claimed_by TEXT",
    "ALTER TABLE outbox ADD COLUMN lease_until TEXT",
    "ALTER TABLE notifications ADD COLUMN claimed_by TEXT",
    "ALTER TABLE notifications ADD COLUMN lease_until TEXT",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _INITIAL),
    Migration("0002_timer_ids_never_reused", _TIMERS_AUTOINCREMENT),
    Migration("0003_delivery_receipts", _DELIVERY_RECEIPTS),
    Migration("0004_inbound_content", _INBOUND_CONTENT),
    Migration("0005_held_parts", _HELD_PARTS),
    Migration("0006_groups_out_of_fields", _GROUPS_OUT_OF_FIELDS),
    Migration("0007_campaigns", _CAMPAIGNS),
    Migration("0008_votes_tally", _VOTES_TALLY),
    Migration("0009_idempotency", _IDEMPOTENCY),
    Migration("0010_threads", _THREADS),
    Migration("0011_notifications", _NOTIFICATIONS),
    Migration("0012_outbox_parts", _OUTBOX_PARTS),
    Migration("0013_campaign_authors", _CAMPAIGN_AUTHORS),
    Migration("0014_outbox_status_unused", _OUTBOX_STATUS_UNUSED),
    Migration("0015_claims", _CLAIMS),
    Migration("0016_lean_indexes", LEAN_INDEXES),
    Migration("0017_inbound_waiting", INBOUND_WAITING),
    Migration("0018_lean_keys", LEAN_KEYS, rebuilds=True),
    Migration("0019_event_steps", EVENT_STEPS),
    Migration("0020_vote_counts", VOTE_COUNTS),
)
"""Every migration, in the order they apply. Append only: never edit or reorder one released."""
