"""Migration 0019: a step's events are one row of ``event_steps``, and the view ``events`` shows
them as before — one row an event, the same columns, in the order they were written — for an
upgraded store's older events too."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from store_helpers import ALICE, BOB, NUMBER, T0, step

from engine.core.events import EventType
from engine.core.model import Event, Sprint
from engine.store import SqliteStore
from engine.store.codec import dumps, loads, time_in
from engine.store.migrations import MIGRATIONS

BEFORE = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0019_event_steps")]

OLDER = [  # (contact, type, data) as the code before 0019 wrote them, one row each
    (ALICE, "message_received", '{"text":"Déjà vu ☕ \\"quoted\\""}'),
    (ALICE, "flow_started", '{"flow":"info","state":"entry_1"}'),
    (BOB, "error", '{"message":"x","nested":{"a":[1,2.5,null,true]}}'),
    (BOB, "answer_recorded", '{"value":Infinity}'),  # what Python wrote for a number too large
]


def _steps(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT contact, items FROM event_steps ORDER BY id").fetchall()
    conn.close()
    return rows


async def test_an_older_stores_events_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path, migrations=BEFORE):
        pass
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO events (at, contact, number, flow, type, data) VALUES (?, ?, ?, 'info',"
            " ?, ?)",
            [(time_in(T0), contact, NUMBER, kind, data) for contact, kind, data in OLDER],
        )
    conn.close()

    async with SqliteStore(path) as store:
        events = await store.events()
        assert [(e["contact"], e["type"], e["data"]) for e in events] == [
            (ALICE, "message_received", {"text": 'Déjà vu ☕ "quoted"'}),
            (ALICE, "flow_started", {"flow": "info", "state": "entry_1"}),
            (BOB, "error", {"message": "x", "nested": {"a": [1, 2.5, None, True]}}),
            (BOB, "answer_recorded", {"unreadable": '{"value":Infinity}'}),  # no JSON to SQLite
        ]
        assert all(e["at"] == T0 and e["number"] == NUMBER for e in events)
        await store.commit(
            [step(Sprint(session=None, events=(Event(EventType.HANDOFF, {"team": "inbox"}),)))]
        )
        after = await store.events(contact=ALICE)
    assert [e["type"] for e in after] == ["message_received", "flow_started", "handoff"]
    ids = [e["id"] for e in after]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert len(_steps(path)) == 5  # the four older events, one row each; the new step's one


async def test_a_steps_events_are_one_row_and_read_in_their_order(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    many = tuple(Event(EventType.STATE_ENTERED, {"state": f"s{n}"}) for n in range(1030))
    async with SqliteStore(path) as store:
        await store.commit(
            [
                step(
                    Sprint(
                        session=None,
                        events=(
                            Event(EventType.MESSAGE_RECEIVED, {"text": "HOURS"}),
                            Event(EventType.FLOW_STARTED, {"flow": "info"}),
                            Event(EventType.SESSION_ENDED, {"reason": "completed"}),
                        ),
                    )
                ),
                step(Sprint(session=None, events=many), BOB),  # more than a row holds
            ]
        )
        alice = await store.events(contact=ALICE)
        bob = await store.events(contact=BOB, type="state_entered")
        counts = await store.counts()
    assert [(e["type"], e["data"]) for e in alice] == [
        ("message_received", {"text": "HOURS"}),
        ("flow_started", {"flow": "info"}),
        ("session_ended", {"reason": "completed"}),
    ]
    assert [e["data"]["state"] for e in bob] == [f"s{n}" for n in range(1030)]
    assert [contact for contact, _ in _steps(path)] == [ALICE, BOB, BOB]  # 1,024 + 6
    assert counts["events"] == 1033


async def test_a_number_that_is_not_finite_is_stored_null_and_every_event_stays_readable(
    tmp_path: Path,
) -> None:
    """An answer of 400 digits is a float that is not finite: SQLite's JSON has no Infinity,
    and one unreadable row would fail every read of the view that meets it."""
    huge = float("1" * 400 + ".5")
    data = {"value": huge, "nested": [float("nan"), -huge, 1.5], "text": "1" * 400 + ".5"}
    async with SqliteStore(tmp_path / "db.sqlite") as store:
        await store.commit(
            [
                step(Sprint(session=None, events=(Event(EventType.ANSWER_RECORDED, data),))),
                step(Sprint(session=None, events=(Event(EventType.FLOW_STARTED, {}),)), BOB),
            ]
        )
        answered = await store.events(type="answer_recorded")
        everything = await store.events()
    assert [e["data"] for e in answered] == [
        {"value": None, "nested": [None, None, 1.5], "text": "1" * 400 + ".5"}
    ]
    assert [e["type"] for e in everything] == ["answer_recorded", "flow_started"]


_KEYS = st.text(max_size=5).filter(lambda key: not key.startswith("$"))  # "$date": a tagged date
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner),
    max_leaves=12,
)


def _nulled(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _nulled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nulled(item) for item in value]
    return value


@given(st.dictionaries(_KEYS, _JSON, max_size=5))
def test_event_data_is_json_sqlite_reads_and_otherwise_what_dumps_writes(data: dict) -> None:
    written = dumps(data, strict=True)
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT json_valid(?)", (written,)).fetchone() == (1,)
    conn.close()
    assert loads(written) == _nulled(data)
    if _nulled(data) == data:  # every number finite: exactly what dumps writes
        assert written == dumps(data)


async def test_events_of_a_type_are_counted_by_flow_and_reason(tmp_path: Path) -> None:
    """``event_counts`` (a flow's result): by the event's own ``flow``, else its step's (an
    ended session's step may be another flow's), by ``reason`` (None without one); the events of
    the older rows one a step count too."""
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path, migrations=BEFORE):
        pass
    with sqlite3.connect(path) as conn:  # an event of the store before 0019, one row each
        conn.execute(
            "INSERT INTO events (at, contact, number, flow, type, data) VALUES"
            " (?, ?, ?, 'info', 'session_ended', '{\"reason\":\"completed\"}')",
            (time_in(T0), ALICE, NUMBER),
        )
    conn.close()

    def ended(flow: str | None, reason: str | None) -> Sprint:
        data: dict[str, str] = {"state": "done"}
        if flow is not None:
            data["flow"] = flow
        if reason is not None:
            data["reason"] = reason
        return Sprint(session=None, flow="info", events=(Event(EventType.SESSION_ENDED, data),))

    async with SqliteStore(path) as store:
        await store.commit(
            [
                step(ended(None, "completed")),  # the step's flow
                step(ended("survey", "expired")),  # the event's own
                step(ended("", None), BOB),  # an empty flow is none: the step's
                step(Sprint(session=None, events=(Event(EventType.HANDOFF, {"team": "x"}),))),
            ]
        )
        counts = await store.event_counts(EventType.SESSION_ENDED)
    assert counts == {("info", "completed"): 2, ("survey", "expired"): 1, ("info", None): 1}
