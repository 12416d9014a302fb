"""A poll's counts (``vote_counts``, migration 0020): what the rules' ``{poll.….total}`` and the
results' tally read, kept exact by the votes' own triggers — a vote counted, a changed vote
moved to its new choice, an erased contact's vote withdrawn — and counted from the votes of an
older store when it is upgraded."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

from store_helpers import ALICE, BOB, T0, inbound, step

from engine.core.events import EventType
from engine.core.model import Event, Sprint, Tallies, Vote
from engine.store import SqliteStore
from engine.store.migrations import MIGRATIONS

CAROL = "+33600000003"
_ASKERS = itertools.count()
BEFORE = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0020_vote_counts")]


def _recount(path: Path) -> dict[str, dict[str, int]]:
    """The counts as the votes themselves give them (what the table must always say)."""
    found: dict[str, dict[str, int]] = {}
    with sqlite3.connect(path) as conn:
        sql = "SELECT poll, choice, COUNT(*) FROM votes GROUP BY poll, choice"
        for poll, choice, count in conn.execute(sql):
            found.setdefault(poll, {})[choice] = count
    conn.close()
    return found


def _vote(contact: str, poll: str, choice: str, *, replaces: bool = False):  # type: ignore[no-untyped-def]
    return step(Sprint(session=None, votes=(Vote(poll, choice, replaces),)), contact)


async def _tallies(store: SqliteStore, *polls: str) -> Tallies:
    """The counts a batch's decision is given (``polls``: those its rules read)."""
    given: list[Tallies] = []

    def decide(conversations, work, tallies):  # type: ignore[no-untyped-def]
        given.append(tallies)
        return []

    asker = f"+3369999{next(_ASKERS):04d}"  # a new phone each time: never a duplicate
    await store.handle([inbound(asker, "SCORE")], decide, replies_since=T0, polls=polls)
    [tallies] = given
    return tallies


async def test_the_counts_follow_every_vote_added_changed_and_erased(tmp_path: Path) -> None:
    path = tmp_path / "twoway.db"
    async with SqliteStore(path) as store:
        await store.commit(
            [
                _vote(ALICE, "final", "A"),
                _vote(BOB, "final", "A"),
                _vote(CAROL, "final", "B"),
                _vote(ALICE, "other", "yes"),
            ]
        )
        assert await _tallies(store, "final", "other") == {
            "final": {"A": 2, "B": 1},
            "other": {"yes": 1},
        }
        assert await store.tally("final") == {"A": 2, "B": 1}

        # a second vote that may not replace the first changes nothing; one that may, moves
        await store.commit([_vote(BOB, "final", "C")])
        assert await store.tally("final") == {"A": 2, "B": 1}
        await store.commit([_vote(BOB, "final", "C", replaces=True)])
        assert await store.tally("final") == {"A": 1, "C": 1, "B": 1}
        await store.commit([_vote(BOB, "final", "C", replaces=True)])  # the same choice again
        assert await store.tally("final") == {"A": 1, "C": 1, "B": 1}

        # an erased contact's votes are withdrawn; a choice left with none is not listed
        await store.forget_contact(ALICE, "asked to be forgotten")
        assert await _tallies(store, "final", "other") == {"final": {"B": 1, "C": 1}, "other": {}}
        assert await store.tally("final") == {"B": 1, "C": 1}
    assert _recount(path) == {"final": {"B": 1, "C": 1}}


async def test_an_older_stores_votes_are_counted_when_it_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "twoway.db"
    async with SqliteStore(path, migrations=BEFORE) as older:
        await older.commit(
            [_vote(ALICE, "final", "A"), _vote(BOB, "final", "B"), _vote(CAROL, "final", "B")]
        )
    async with SqliteStore(path) as store:
        assert await store.tally("final") == {"B": 2, "A": 1}
        await store.commit([_vote("+33600000004", "final", "A")])
        assert await _tallies(store, "final") == {"final": {"A": 2, "B": 2}}
    assert _recount(path) == {"final": {"A": 2, "B": 2}}


async def test_the_refused_votes_are_counted_by_reason_for_their_poll_alone(
    tmp_path: Path,
) -> None:
    def refused(contact: str, poll: str, reason: str):  # type: ignore[no-untyped-def]
        data = {"poll": poll, "choice": "A", "reason": reason}
        return step(Sprint(session=None, events=(Event(EventType.VOTE_REFUSED, data),)), contact)

    # a text that names a refusal is not one (the steps are looked into by their text first)
    mimic = Event(EventType.MESSAGE_RECEIVED, {"text": '"vote_refused" poll final'})
    async with SqliteStore(tmp_path / "twoway.db") as store:
        await store.commit(
            [
                refused(ALICE, "final", "already_voted"),
                refused(BOB, "final", "already_voted"),
                refused(CAROL, "final", "closed"),
                refused(ALICE, "other", "closed"),
                step(Sprint(session=None, events=(mimic,)), CAROL),
            ]
        )
        assert await store.refused_votes("final") == {"already_voted": 2, "closed": 1}
        assert await store.refused_votes("other") == {"closed": 1}
        assert await store.refused_votes("none") == {}
