"""Own the schema changes the hot path's measurements made: leaner keys and indexes (every b-tree
a commit touches is a WAL page of that commit), the events of a step in one row, the polls'
counts kept as votes change. Each says what it saves beside its statements; ``schema`` lists
them in the order they apply, and a released one is never edited.
"""

from __future__ import annotations

__all__ = ["EVENT_STEPS", "INBOUND_WAITING", "LEAN_INDEXES", "LEAN_KEYS", "VOTE_COUNTS"]


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
LEAN_INDEXES = (
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
INBOUND_WAITING = (
    "CREATE INDEX inbound_waiting ON inbound (sender, recipient) WHERE status = 'received'",
)

# Keys that every message paid for, rebuilt without the entries no query reads:
# - ``inbound``'s UNIQUE (transport, external_id) held an entry for every message without a
#   provider id too (an SMPP or modem MO: NULL), a b-tree more in every commit; the provider
#   ids are unique through a partial index of the rows that have one.
# - ``votes``: UNIQUE (contact, poll) instead of (poll, contact) serves the reads by contact,
#   so ``votes_contact`` goes; the reads by poll go through ``votes_tally`` (poll, choice).
# Both tables are rebuilt (a table's own UNIQUE cannot be dropped), their rows and ids kept.
LEAN_KEYS = (
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
EVENT_STEPS = (
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
# vote whose replies show the leader — 14 ms a batch at 100,000 votes, 89 ms at a million
# (``bench/tallies.py``). ``vote_counts`` keeps them, one row a choice, exact in every
# transaction that changes a vote (its triggers: a vote added, moved to another choice or
# poll, withdrawn). A choice whose votes all went keeps its row at 0 (readers skip it).
# ``votes_tally`` (poll, choice) had no other reader: ``votes_at`` (poll, at) takes its place,
# the results' votes by the minute read from it alone (a million in 0.5 s, not 1 s), and every
# vote still writes one index beside the voter's key.
VOTE_COUNTS = (
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
