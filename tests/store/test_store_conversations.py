"""The conversations the REST API lists: every (contact, number) that has a message either way,
paged by keyset without a gap or a repeat, filtered by the flow or state they are in and the
team holding them; and one conversation's messages, newest first."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from engine.store import SqliteStore
from engine.store.conversations import ConversationFilter, conversations, messages

AT = "2026-03-02T09:00:{:02d}.000000+00:00"


def _fill(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        inbound = [
            ("+33600000001", "36111", "hi 1", 1),
            ("+33600000002", "36111", "hi 2", 2),
            ("+33600000001", "36222", "hi 3", 3),
            ("+33600000001", "36111", "again", 7),
        ]
        for n, (sender, to, text, second) in enumerate(inbound, 1):
            conn.execute(
                "INSERT INTO inbound (id, transport, external_id, sender, recipient, text,"
                " received_at, status) VALUES (?, 'p', ?, ?, ?, ?, ?, 'processed')",
                (n, f"m{n}", sender, to, text, AT.format(second)),
            )
        outbox = [("+33600000003", "36111", "campaign", 4), ("+33600000001", "36111", "re 1", 5)]
        for n, (contact, sender, text, second) in enumerate(outbox, 1):
            conn.execute(
                "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind,"
                " status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'reply', 'sent', ?)",
                (n, AT.format(second), contact, contact, sender, text, AT.format(second)),
            )
        conn.execute(
            "INSERT INTO sessions (id, contact, number, flow, state, vars, retries, started_at,"
            " updated_at, ruleset_version, status) VALUES ('s1', '+33600000002', '36111',"
            " 'survey', 'q2', '{}', 0, ?, ?, 'v', 'active')",
            (AT.format(2), AT.format(2)),
        )
        conn.execute(
            "INSERT INTO threads (contact, number, team, kind, status, opened_at, updated_at)"
            " VALUES ('+33600000001', '36222', 'support', 'handoff', 'open', ?, ?)",
            (AT.format(3), AT.format(3)),
        )


async def test_conversations_page_by_page_and_filtered(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "t.db"))
    await store.open()
    try:
        _fill(tmp_path / "t.db")
        seen, after = [], None
        while True:
            page = await store.read(conversations, ConversationFilter(after=after, limit=2))
            seen += [(c.contact, c.number, c.last_text) for c in page.conversations]
            if page.next_after is None:
                break
            after = page.next_after
        assert seen == [
            ("+33600000001", "36111", "again"),
            ("+33600000001", "36222", "hi 3"),
            ("+33600000002", "36111", "hi 2"),
            ("+33600000003", "36111", "campaign"),
        ]
        in_survey = await store.read(conversations, ConversationFilter(flow="survey"))
        assert [(c.contact, c.state) for c in in_survey.conversations] == [("+33600000002", "q2")]
        held = await store.read(conversations, ConversationFilter(team="support"))
        (one,) = held.conversations
        assert (one.contact, one.number, one.held, one.thread) == ("+33600000001", "36222", True, 1)
        alice = await store.read(conversations, ConversationFilter(contact="+33600000001"))
        assert [c.number for c in alice.conversations] == ["36111", "36222"]
        first = await store.read(messages, "+33600000001", "36111", None, 2)
        assert [(m.direction, m.text) for m in first.messages] == [("in", "again"), ("out", "re 1")]
        rest = await store.read(messages, "+33600000001", "36111", first.next_before, 2)
        assert [(m.direction, m.text) for m in rest.messages] == [("in", "hi 1")]
        assert rest.next_before is None
    finally:
        await store.close()
