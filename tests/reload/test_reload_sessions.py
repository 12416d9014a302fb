"""Hot reload and the sessions waiting in the flows it changes.

Documented behaviour (docs/operations.md, Hot reload): a session whose state still exists under
the same name continues in the new definition of that state; a session whose state (or whole
flow) is gone ends on its next message, with an ``error`` event and the reason
``state_vanished``, and that message then follows the normal precedence (triggers, catch-all,
inbox). Nothing crashes the engine.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from reload_helpers import SORRY, live_engine, write_rules

QUIZ_V1 = """\
flow: Quiz
trigger: {keyword: QUIZ}
states:
  q1:
    say: "Question 1: your name?"
    wait:
      - keyword: NEXT
        goto: q2
      - otherwise:
          say: "Answer question 1, or NEXT."
  q2:
    say: "Question 2: your colour?"
    wait:
      - otherwise:
          say: "Done: {text}."
          end: true
"""

QUIZ_V2 = """\
flow: Quiz
trigger: {keyword: QUIZ}
states:
  q2:
    say: "Question 2: your favourite colour?"
    wait:
      - otherwise:
          say: "Finished: {text}."
          end: true
"""

IN_Q1, IN_Q2 = 100, 20


def phone(group: int, i: int) -> str:
    return f"+336{group}{i:07d}"


async def test_deleting_a_state_ends_its_waiting_sessions_cleanly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules = write_rules(tmp_path / "rules", quiz=QUIZ_V1)
    async with live_engine(rules, tmp_path / "t.db") as live:
        v1 = live.service.ruleset.version
        for i in range(IN_Q1):
            assert await live.send(phone(1, i), "QUIZ") == ["Question 1: your name?"]
        for i in range(IN_Q2):
            await live.send(phone(2, i), "QUIZ")
            assert await live.send(phone(2, i), "NEXT") == ["Question 2: your colour?"]
        waiting = live.rows(
            "SELECT state, count(*) FROM sessions WHERE status = 'active' GROUP BY 1"
        )
        assert sorted(waiting) == [("q1", IN_Q1), ("q2", IN_Q2)]

        (rules / "quiz.yaml").write_text(QUIZ_V2, encoding="utf-8")  # q1 is gone
        await live.reloaded(reloads_ok=1)
        v2 = live.service.ruleset.version
        assert v2 != v1

        with caplog.at_level(logging.WARNING):
            # sessions in q1: each ends on its next message, which then follows the precedence
            for i in range(IN_Q1):
                text, expected = (
                    ("hello", SORRY) if i % 2 else ("QUIZ", "Question 2: your favourite colour?")
                )
                assert await live.send(phone(1, i), text) == [expected], i
            # sessions in q2 (still there under the same name) continue, in the new definition
            for i in range(IN_Q2):
                assert await live.send(phone(2, i), "blue") == ["Finished: blue."]
            # and the engine goes on as before
            assert await live.send(phone(3, 0), "QUIZ") == ["Question 2: your favourite colour?"]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        vanished = live.rows(
            "SELECT contact, data, ruleset_version FROM events WHERE type = 'error' ORDER BY id"
        )
        assert [c for c, _, _ in vanished] == [phone(1, i) for i in range(IN_Q1)]
        assert all("'q1' no longer exists" in data for _, data, _ in vanished)
        assert {version for _, _, version in vanished} == {v2}
        ended = live.rows(
            "SELECT contact, ruleset_version FROM sessions WHERE status = 'ended' AND state = 'q1'"
        )
        reasons = live.rows(
            "SELECT count(*) FROM events WHERE type = 'session_ended'"
            " AND data LIKE '%state_vanished%'"
        )
        assert reasons == [(IN_Q1,)]
        assert sorted(c for c, _ in ended) == [phone(1, i) for i in range(IN_Q1)]
        # the row of a session records the rule set that last handled it: the one that ended it
        assert {version for _, version in ended} == {v2}
        # the q1 contacts who sent QUIZ again wait in the new flow's q2; nobody waits in q1
        active = live.rows(
            "SELECT state, count(*) FROM sessions WHERE status = 'active' GROUP BY 1"
        )
        assert active == [("q2", IN_Q1 // 2 + 1)]
        assert live.service.processed == IN_Q1 * 2 + IN_Q2 * 3 + 1


async def test_deleting_a_flow_file_ends_its_sessions_on_their_next_message(
    tmp_path: Path,
) -> None:
    rules = write_rules(tmp_path / "rules", quiz=QUIZ_V1)
    async with live_engine(rules, tmp_path / "t.db") as live:
        for i in range(10):
            await live.send(phone(1, i), "QUIZ")
        (rules / "quiz.yaml").unlink()
        await live.reloaded(reloads_ok=1)
        assert "quiz" not in live.service.ruleset.flows
        for i in range(10):
            assert await live.send(phone(1, i), "NEXT") == [SORRY]
        assert live.rows("SELECT count(*) FROM sessions WHERE status = 'active'") == [(0,)]
        errors = live.rows("SELECT count(*) FROM events WHERE type = 'error'")
        assert errors == [(10,)]


REMINDER_V1 = """\
flow: Reminder
trigger: {keyword: REMIND}
states:
  ask:
    say: "Confirm? YES or NO"
    wait:
      - when: yes
        say: "Confirmed."
        end: true
    timeout: {after: 1h, say: "Still there?", then: end}
"""

REMINDER_V2 = """\
flow: Reminder
trigger: {keyword: REMIND}
states:
  confirm:
    say: "Please confirm: YES or NO"
    wait:
      - when: yes
        say: "Confirmed, thank you."
        end: true
"""


async def test_the_timeout_of_a_session_whose_state_is_gone_ends_it_silently(
    tmp_path: Path,
) -> None:
    rules = write_rules(tmp_path / "rules", reminder=REMINDER_V1)
    async with live_engine(rules, tmp_path / "t.db") as live:
        assert await live.send(phone(1, 0), "REMIND") == ["Confirm? YES or NO"]
        (rules / "reminder.yaml").write_text(REMINDER_V2, encoding="utf-8")
        await live.reloaded(reloads_ok=1)
        live.service.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
        await live.service.run_due_timers()
        assert live.transport.take() == []  # the old state's timeout text is gone with it
        assert live.rows("SELECT count(*) FROM sessions WHERE status = 'active'") == [(0,)]
        ended = live.rows("SELECT data FROM events WHERE type = 'session_ended'")
        assert len(ended) == 1 and '"expired"' in ended[0][0]


async def test_the_timeout_of_a_session_whose_flow_is_gone_ends_it(
    tmp_path: Path,
) -> None:
    rules = write_rules(tmp_path / "rules", reminder=REMINDER_V1)
    async with live_engine(rules, tmp_path / "t.db") as live:
        assert await live.send(phone(1, 0), "REMIND") == ["Confirm? YES or NO"]
        (rules / "reminder.yaml").unlink()
        await live.reloaded(reloads_ok=1)
        live.service.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
        await live.service.run_due_timers()
        assert live.transport.take() == []
        errors = live.rows("SELECT data FROM events WHERE type = 'error'")
        assert len(errors) == 1 and "no longer exists" in errors[0][0]
        assert live.rows("SELECT count(*) FROM sessions WHERE status = 'active'") == [(0,)]
        # its next message follows the precedence, as from a contact without a session
        assert await live.send(phone(1, 0), "yes") == [SORRY]
