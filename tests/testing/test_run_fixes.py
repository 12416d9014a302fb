"""What a contact sees in five conversations issue 12 found wrong, each run through `twoway test`:
a survey that gives up a question says so, an integer rating refuses ``4,5``, a poll's own
keyword sent again while it waits is that keyword, a flow's ``answer:`` is seen by
``check: answers``, and a flow whose first message cannot be written does not wait."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from engine.cli.main import cli
from tests.support.rule_texts import FEEDBACK_FLOW


def _twoway_test(folder: Path, **files: str) -> str:
    """Write ``files`` (name → YAML) into ``folder``, run `twoway test -v` on it, return its
    output; it must pass."""
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    ran = CliRunner().invoke(cli, ["test", "-v", str(folder)])
    assert ran.exit_code == 0, ran.output
    return ran.output


SURVEY = """
survey: Rating
trigger: {keyword: RATE}
retries: 1
questions:
  - id: score
    ask: "From 1 to 5?"
    type: number
    min: 1
    max: 5
  - id: again
    ask: "Would you come again? YES or NO"
    type: yes_no
outro: "Thank you."
"""


def test_a_survey_says_it_gives_up_a_question_and_goes_on(tmp_path: Path) -> None:
    tests = """
    tests:
      - name: gives up politely
        steps:
          - send: RATE
            expect: "From 1 to 5?"
          - send: "lots"
            expect: "Please reply with a number from 1 to 5."
          - send: "still lots"
            expect:
              - "Sorry, we could not understand your answer; let's move on."
              - "Would you come again? YES or NO"
            check: {session: rating.q_again}
          - send: "maybe"
            expect: "Please reply YES or NO."
          - send: "perhaps"
            expect:
              - "Sorry, we could not understand your answer; let's move on."
              - "Thank you."
            check: {session: none, answers: {score: none}}
    """
    _twoway_test(tmp_path, rating=SURVEY + textwrap.dedent(tests))


def test_a_survey_gives_up_in_french_or_in_its_own_words(tmp_path: Path) -> None:
    french = """
    tests:
      - name: en français
        steps:
          - send: RATE
            expect: "From 1 to 5?"
          - send: "beaucoup"
            expect: "Merci de répondre par un nombre de 1 à 5."
          - send: "énormément"
            expect:
              - "Désolé, nous n'avons pas compris votre réponse ; passons à la suite."
              - "Would you come again? YES or NO"
    """
    _twoway_test(
        tmp_path,
        settings="settings:\n  language: fr\n",
        rating=SURVEY + textwrap.dedent(french),
    )
    own = """
    gave_up: "No matter, {contact.name|default('friend')}."
    tests:
      - name: own words
        steps:
          - send: RATE
            expect: "From 1 to 5?"
          - send: "x"
            expect: "Merci de répondre par un nombre de 1 à 5."
          - send: "y"
            expect: ["No matter, friend.", "Would you come again? YES or NO"]
    """
    _twoway_test(tmp_path, rating=SURVEY + textwrap.dedent(own))


def test_an_integer_rating_refuses_a_decimal(tmp_path: Path) -> None:
    tests = """
    tests:
      - name: 4,5 is no rating
        steps:
          - send: RATE
            expect: "From 1 to 5?"
          - send: "4,5"
            expect: "Please reply with a number from 1 to 5."
            check: {session: rating.q_score}
          - send: "4.5"
            expect: "Please reply with a number from 1 to 5."
          - send: "4"
            expect: "Would you come again? YES or NO"
            check: {answers: {score: 4}}
    """
    _twoway_test(
        tmp_path, rating=SURVEY.replace("retries: 1", "retries: 3") + textwrap.dedent(tests)
    )


def test_a_question_with_decimals_or_decimal_bounds_takes_a_decimal(tmp_path: Path) -> None:
    survey = """
    survey: Weights
    trigger: {keyword: WEIGH}
    questions:
      - id: kilos
        ask: "Your weight?"
        type: number
        min: 1
        max: 300
        decimals: true
      - id: grade
        ask: "Your grade?"
        type: number
        min: 0
        max: 20.0
    tests:
      - name: decimals
        steps:
          - send: WEIGH
            expect: "Your weight?"
          - send: "72,5"
            expect: "Your grade?"
            check: {answers: {kilos: 72.5}}
          - send: "12.5"
            expect: []
            check: {answers: {grade: 12.5}}
    """
    _twoway_test(tmp_path, weights=survey)


POLL = """
poll: Song contest
trigger: {keyword: VOTE}
choices: {A: "Song A", B: "Song B"}
"""


def test_a_polls_keyword_sent_again_while_it_waits_is_the_keyword(tmp_path: Path) -> None:
    tests = """
    tests:
      - name: VOTE B while it waits records B
        steps:
          - send: VOTE
            expect: "Which one? Reply A or B."
          - send: VOTE B
            expect: "Thank you, your vote for Song B is counted."
            check: {votes: {contest: B}, session: none}
      - name: VOTE alone asks again
        steps:
          - send: VOTE
            expect: "Which one? Reply A or B."
          - send: vote
            expect: "Which one? Reply A or B."
            check: {session: contest.vote}
          - send: C
            expect: "Please reply A or B."
          - send: B
            expect: "Thank you, your vote for Song B is counted."
    """
    _twoway_test(tmp_path, contest=POLL + textwrap.dedent(tests))


def test_check_answers_sees_what_a_flow_records(tmp_path: Path) -> None:
    tests = """
    tests:
      - name: recorded
        steps:
          - send: FEEDBACK
            expect: "Your score?"
            check: {answers: {score: none}}
          - send: "8"
            expect: "Thanks."
            check: {answers: {score: 8}}
    """
    _twoway_test(tmp_path, feedback=FEEDBACK_FLOW + textwrap.dedent(tests))


def test_a_flow_whose_first_message_fails_does_not_wait(tmp_path: Path) -> None:
    flow = """
    flow: Appointment
    trigger: [{schedule: reminders}, {keyword: RDV}]
    states:
      remind:
        say: "Your appointment is on {appt.at|date('%d/%m')}. Reply OUI to confirm."
        wait:
          - when: yes
            say: "Confirmed."
            end: true
    tests:
      - name: the reminder cannot be written
        steps:
          - start: reminders
            expect: []
            check: {session: none}
          - send: oui
            expect: []
            check: {session: none}
      - name: nor by its keyword
        steps:
          - send: RDV
            expect: []
            check: {session: none}
      - name: with its parameter it waits
        steps:
          - start: reminders
            params: {appt: {at: "2026-12-03T10:00:00+01:00"}}
            expect: "Your appointment is on 03/12. Reply OUI to confirm."
          - send: oui
            expect: "Confirmed."
    """
    out = _twoway_test(tmp_path, appointment=flow)
    assert "! rule error: the first message of flow 'appointment' could not be written" in out
