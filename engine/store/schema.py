"""Own the schema's history: every migration the store has known, its statements, in order.

The store's tables and indexes are what these statements leave; ``migrations`` applies those a
database lacks. Each migration says why it was made beside its statements: a released one is
never edited or reordered, so the reasons stay with the changes.
"""

from __future__ import annotations

from dataclasses import dataclass

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

# The hot path's commit writes fewer b-trees (each one a WAL page of every commit, at least):
# - ``inbound_content`` (a sha256 of the content, a random key: a page of its own for nearly
#   every message) goes: re-deliveries without an id are looked up by sender, recipient and
#   time through ``inbound_conversation``, which every row is in anyway; the ``content``
#   column stays (nullable) with the keys of the older rows, no longer read or written.
# - ``outbox_contact`` (contact, kind, created_at, sender) and ``outbox_conversation``
#   (contact, sender, created_at) become one (contact, sender, created_at, kind): it covers the
#   count of recent replies per conversation and the reads by conversation both.
# - ``inbox_status`` (status, id) served no query of the engine since the threads (0010): the
#   console and the API read threads; only ``SqliteStore.inbox``, the tests' helper, reads inbox
#   rows by status, and may walk them. Every unmatched text or hand-off wrote an entry.
_LEAN_INDEXES = (
    "DROP INDEX IF EXISTS inbound_content",
    "DROP INDEX IF EXISTS inbox_status",
    "DROP INDEX IF EXISTS outbox_contact",
    "DROP INDEX IF EXISTS outbox_conversation",
    "CREATE INDEX outbox_conversation ON outbox (contact, sender, created_at, kind)",
)

# The messages of a conversation still ``received`` (committed and acknowledged, not processed
# yet: ``intake.waiting_before``), found by the batch that processes the conversation's next one.
# Only such rows are in it: the hot path writes its rows ``processed``, so it adds no b-tree to
# its commits; ``inbound_conversation`` would walk every message a phone ever sent.
_INBOUND_WAITING = (
    "CREATE INDEX inbound_waiting ON inbound (sender, recipient) WHERE status = 'received'",
)

# Keys that every message paid for, rebuilt without the entries no query reads:
# - ``inbound``'s UNIQUE (transport, external_id) held an entry for every message without a
#   provider id too (an SMPP or modem MO: NULL), a b-tree more in every commit; the provider
#   ids are unique through a partial index of the rows that have one.
# - ``votes``: UNIQUE (contact, poll) instead of (poll, contact) serves the reads by contact,
#   so ``votes_contact`` goes; the reads by poll go through ``votes_tally`` (poll, choice).
# Both tables are rebuilt (a table's own UNIQUE cannot be dropped), their rows and ids kept.
_LEAN_KEYS = (
    """
    CREATE TABLE inbound_new (
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
        content TEXT
    )
    """,
    "INSERT INTO inbound_new (id, transport, external_id, fingerprint, sender, recipient, text,"
    " received_at, status, processed_at, content) SELECT id, transport, external_id,"
    " fingerprint, sender, recipient, text, received_at, status, processed_at, content"
    " FROM inbound",
    "DROP TABLE inbound",
    "ALTER TABLE inbound_new RENAME TO inbound",
    "CREATE UNIQUE INDEX inbound_external_id ON inbound (transport, external_id)"
    " WHERE external_id IS NOT NULL",
    "CREATE UNIQUE INDEX inbound_fingerprint ON inbound (fingerprint)"
    " WHERE fingerprint IS NOT NULL",
    "CREATE INDEX inbound_pending ON inbound (id) WHERE status = 'received'",
    "CREATE INDEX inbound_conversation ON inbound (sender, recipient, received_at)",
    "CREATE INDEX inbound_waiting ON inbound (sender, recipient) WHERE status = 'received'",
    """
    CREATE TABLE votes_new (
        id INTEGER PRIMARY KEY,
        poll TEXT NOT NULL,
        contact TEXT NOT NULL,
        choice TEXT NOT NULL,
        at TEXT NOT NULL,
        inbound_id INTEGER REFERENCES inbound (id),
        UNIQUE (contact, poll)
    )
    """,
    "INSERT INTO votes_new (id, poll, contact, choice, at, inbound_id)"
    " SELECT id, poll, contact, choice, at, inbound_id FROM votes",
    "DROP TABLE votes",
    "ALTER TABLE votes_new RENAME TO votes",
    "CREATE INDEX votes_tally ON votes (poll, choice)",
)

# A step's events in one row (``event_steps``: what they share once, ``items`` their types and
# data as a JSON array of ``[type, data]``): a row, an entry in the contact's index and a
# reference check a step, where each event was all three (3.75 a message on the hot path). The
# view ``events`` keeps what every reader reads: the same columns, one row an event, ids in the
# order the events were written (a step's id times 1024 plus the event's place in it; an older
# event keeps its place as its step's only one; one whose data SQLite cannot read as JSON — an
# ``Infinity`` the code before wrote for a number too large — keeps its text under
# ``unreadable``).
_EVENT_STEPS = (
    """
    CREATE TABLE event_steps (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        contact TEXT NOT NULL,
        number TEXT NOT NULL,
        session_id TEXT,
        flow TEXT,
        ruleset_version TEXT NOT NULL DEFAULT '',
        inbound_id INTEGER REFERENCES inbound (id),
        items TEXT NOT NULL
    )
    """,
    "INSERT INTO event_steps (id, at, contact, number, session_id, flow, ruleset_version,"
    " inbound_id, items) SELECT id, at, contact, number, session_id, flow, ruleset_version,"
    " inbound_id, json_array(json_array(type, CASE WHEN json_valid(data) THEN json(data)"
    " ELSE json_object('unreadable', data) END)) FROM events",
    "DROP TABLE events",
    "CREATE INDEX event_steps_contact ON event_steps (contact, id)",
    """
    CREATE VIEW events (
        id, at, contact, number, session_id, flow, type, data, ruleset_version, inbound_id
    ) AS SELECT
        s.id * 1024 + e.key, s.at, s.contact, s.number, s.session_id, s.flow,
        json_extract(e.value, '$[0]'), json_extract(e.value, '$[1]'), s.ruleset_version,
        s.inbound_id
    FROM event_steps AS s, json_each(s.items) AS e
    """,
)

# A poll's live counts (``{poll.finale.total}`` in a reply, the results' tally) were counted
# from the votes on every read: the ``votes_tally`` index walked whole, in every batch of a TV
# vote whose replies show the leader — 8 ms a batch at 100,000 votes, 89 ms at a million
# (``bench/tallies.py``). ``vote_counts`` keeps them, one row a choice, exact in every
# transaction that changes a vote (its triggers: a vote added, moved to another choice or
# poll, withdrawn). A choice whose votes all went keeps its row at 0 (readers skip it).
# ``votes_tally`` (poll, choice) had no other reader: ``votes_at`` (poll, at) takes its place,
# the results' votes by the minute read from it alone (a million in 0.5 s, not 1 s), and every
# vote still writes one index beside the voter's key.
_VOTE_COUNTS = (
    """
    CREATE TABLE vote_counts (
        poll TEXT NOT NULL,
        choice TEXT NOT NULL,
        votes INTEGER NOT NULL,
        PRIMARY KEY (poll, choice)
    ) WITHOUT ROWID
    """,
    "INSERT INTO vote_counts (poll, choice, votes)"
    " SELECT poll, choice, COUNT(*) FROM votes GROUP BY poll, choice",
    """
    CREATE TRIGGER vote_counted AFTER INSERT ON votes BEGIN
        INSERT INTO vote_counts (poll, choice, votes) VALUES (new.poll, new.choice, 1)
        ON CONFLICT (poll, choice) DO UPDATE SET votes = votes + 1;
    END
    """,
    """
    CREATE TRIGGER vote_moved AFTER UPDATE OF poll, choice ON votes
    WHEN old.poll IS NOT new.poll OR old.choice IS NOT new.choice BEGIN
        UPDATE vote_counts SET votes = votes - 1 WHERE poll = old.poll AND choice = old.choice;
        INSERT INTO vote_counts (poll, choice, votes) VALUES (new.poll, new.choice, 1)
        ON CONFLICT (poll, choice) DO UPDATE SET votes = votes + 1;
    END
    """,
    """
    CREATE TRIGGER vote_withdrawn AFTER DELETE ON votes BEGIN
        UPDATE vote_counts SET votes = votes - 1 WHERE poll = old.poll AND choice = old.choice;
    END
    """,
    "DROP INDEX votes_tally",
    "CREATE INDEX votes_at ON votes (poll, at)",
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
    Migration("0016_lean_indexes", _LEAN_INDEXES),
    Migration("0017_inbound_waiting", _INBOUND_WAITING),
    Migration("0018_lean_keys", _LEAN_KEYS, rebuilds=True),
    Migration("0019_event_steps", _EVENT_STEPS),
    Migration("0020_vote_counts", _VOTE_COUNTS),
)
"""Every migration, in the order they apply. Append only: never edit or reorder one released."""
