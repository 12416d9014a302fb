"""A date and time without an offset is read in ``settings.timezone`` where that is unambiguous:
a poll's ``closes``, a test's ``now``; without a time zone, the hint shows the offset of that date
(not always +01:00); an hour the clocks skip or repeat is refused, naming both readings."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.ruleset.compiler import compile_rules
from engine.ruleset.moments import MomentError, read_moment

PARIS = ZoneInfo("Europe/Paris")

POLL = """\
poll: Finale
number: "36111"
trigger: {keyword: VOTE}
choices: {A: Alice, B: Bob}
closes: 2026-07-14T22:30:00
tests:
  - name: closed at 22:30 Paris time, summer (+02:00)
    now: 2026-07-14T22:31:00
    steps:
      - send: VOTE A
        expect: "Désolé, le vote est clos."
  - name: still open at 22:29
    now: 2026-07-14T22:29:00
    steps:
      - send: VOTE A
        expect: "Merci, votre vote pour Alice est enregistré."
"""


def test_a_poll_closing_without_an_offset_closes_at_that_hour_in_the_settings_zone(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.yaml").write_text("settings: {language: fr, timezone: Europe/Paris}\n")
    (tmp_path / "vote.yaml").write_text(POLL, encoding="utf-8")
    compiled = compile_rules(tmp_path)
    assert compiled.errors == []
    assert compiled.ruleset is not None
    (poll,) = compiled.ruleset.polls.values()
    assert poll.closes == datetime(2026, 7, 14, 22, 30, tzinfo=PARIS)
    assert poll.closes.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    result = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("2 passed, 0 failed")


def test_without_a_time_zone_the_error_says_how_to_write_it(tmp_path: Path) -> None:
    (tmp_path / "vote.yaml").write_text(POLL.split("tests:")[0], encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "error[E207]: '2026-07-14T22:30:00' has no time zone" in result.output
    assert "or set settings.timezone to read it there" in result.output


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-03-29T02:30:00", "'2026-03-29T02:30:00' does not exist in Europe/Paris"),
        ("2026-10-25T02:30:00", "'2026-10-25T02:30:00' happens twice in Europe/Paris"),
    ],
)
def test_an_hour_the_clocks_skip_or_repeat_is_refused(raw: str, message: str) -> None:
    with pytest.raises(MomentError) as caught:
        read_moment(raw, "Europe/Paris")
    assert caught.value.message.startswith(message)
    assert "+01:00" in caught.value.hint and "+02:00" in caught.value.hint


def test_an_offset_written_wins_and_winter_reads_plus_one() -> None:
    assert read_moment("2026-01-08T14:30:00Z", "Europe/Paris").utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    winter = read_moment("2026-01-08T14:30:00", "Europe/Paris")
    assert winter.isoformat() == "2026-01-08T14:30:00+01:00"
