"""Hot reload in process: a save swaps the rule set, a broken save changes nothing, bursts and
editor temp files cost no extra compile. Real watchfiles on a folder in ``tmp_path``."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from reload_helpers import HOURS_V1, HOURS_V2, SORRY, info, live_engine, write_rules

from engine.reload import is_rule_file
from engine.ruleset.compiler import compile_rules
from tests.support.metrics import sample

BROKEN = """\
autoreply:
  - keyword: [HOURS, HORAIRES]
    reply: "Open {now.hour"
  - otherwise: "Sorry, I did not understand."
"""


async def test_saving_a_changed_reply_makes_the_new_reply_appear(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    v1 = compile_rules(rules).raise_for_errors().version
    async with live_engine(rules, tmp_path / "t.db") as live:
        assert await live.send("+33600000001", "HOURS") == [HOURS_V1]
        (rules / "info.yaml").write_text(info(HOURS_V2), encoding="utf-8")
        await live.reloaded(reloads_ok=1)
        v2 = live.service.ruleset.version
        assert v2 != v1
        assert await live.send("+33600000002", "HOURS") == [HOURS_V2]

        status = live.reloader.status()
        assert status["version"] == v2
        assert status["reloads_ok"] == 1 and status["reloads_failed"] == 0
        assert status["last_error"] is None and status["watching"] is True
        assert status["last_changed"] == ["info.yaml"]
        assert status["loaded_at"] == status["last_reload_at"]
        # each event and session records the rule set that handled it
        versions = live.rows(
            "SELECT contact, ruleset_version FROM events WHERE type = 'message_received'"
        )
        assert versions == [("+33600000001", v1), ("+33600000002", v2)]


async def test_a_broken_save_changes_nothing_and_reports_file_line_col(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules = write_rules(tmp_path / "rules")
    async with live_engine(rules, tmp_path / "t.db") as live:
        v1 = live.service.ruleset.version
        with caplog.at_level(logging.ERROR, logger="engine.reload"):
            (rules / "info.yaml").write_text(BROKEN, encoding="utf-8")
            await live.reloaded(reloads_failed=1)
        assert live.service.ruleset.version == v1
        assert await live.send("+33600000001", "HOURS") == [HOURS_V1]

        errors = live.reloader.errors
        assert errors is not None
        where = re.search(r"info\.yaml:(\d+):(\d+): error\[E\d+\]", errors)
        assert where is not None, errors
        assert where.group(1) == "3", errors  # the line of the bad template
        assert "^" in errors and errors.rstrip().endswith("1 error found")
        status = live.reloader.status()
        assert status["last_error"] == errors and status["last_error_count"] == 1
        assert status["version"] == v1 and status["reloads_ok"] == 0
        assert status["failed_at"] is not None
        logged = "\n".join(r.getMessage() for r in caplog.records)
        assert "rules not reloaded" in logged and where.group(0) in logged

        # fixing it again swaps, and clears the errors
        (rules / "info.yaml").write_text(info(HOURS_V2), encoding="utf-8")
        await live.reloaded(reloads_ok=1)
        assert live.service.ruleset.version != v1
        assert live.reloader.errors is None and live.reloader.rule_errors == ()
        assert live.reloader.status()["last_error"] is None
        # both outcomes reach the metrics that /metrics serves
        exposed = live.service.metrics.render()
        assert sample(exposed, "twoway_rules_reloads_total", outcome="error") == 1
        assert sample(exposed, "twoway_rules_reloads_total", outcome="ok") == 1
        assert await live.send("+33600000002", "HOURS") == [HOURS_V2]


async def test_a_burst_of_saves_produces_one_compile(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    async with live_engine(rules, tmp_path / "t.db") as live:
        # an editor saving several files, several times each, in a few milliseconds
        for i in range(10):
            (rules / "info.yaml").write_text(info(f"Burst {i}."), encoding="utf-8")
            (rules / "extra.yaml").write_text(
                f'autoreply:\n  - keyword: EXTRA\n    reply: "Extra {i}."\n', encoding="utf-8"
            )
        final = compile_rules(rules).raise_for_errors().version
        await live.reloaded(compiles=1)
        assert live.reloader.compiles == 1
        assert live.service.ruleset.version == final  # the compile saw the last save
        assert sorted(live.reloader.last_changed) == ["extra.yaml", "info.yaml"]
        assert await live.send("+33600000001", "HOURS") == ["Burst 9."]
        # one more save is one more compile: nothing else was left pending from the burst
        (rules / "info.yaml").write_text(info(HOURS_V2), encoding="utf-8")
        after = compile_rules(rules).raise_for_errors().version
        await live.reloader.wait_until(lambda: live.service.ruleset.version == after, 20)
        assert live.reloader.compiles == 2


async def test_editor_temp_files_and_other_files_are_ignored(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    async with live_engine(rules, tmp_path / "t.db") as live:
        for name in (".info.yaml.swp", "info.yaml~", "4913", "notes.txt"):
            (rules / name).write_text("garbage: [", encoding="utf-8")
        (rules / ".#info.yaml").symlink_to("user@host.4242:1700000000")  # emacs's lock: dangling
        (rules / "info.test.yaml").write_text("tests: []\n", encoding="utf-8")
        (rules / "info.yaml").write_text(info(HOURS_V2), encoding="utf-8")
        await live.reloaded(compiles=1)
        assert live.reloader.last_changed == ("info.yaml",)
        assert live.reloader.compiles == 1 and live.reloader.reloads_ok == 1


async def test_a_save_that_changes_nothing_swaps_nothing(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    async with live_engine(rules, tmp_path / "t.db") as live:
        before = live.service.ruleset
        (rules / "info.yaml").write_text(info(), encoding="utf-8")  # same text again
        await live.reloaded(compiles=1)
        assert live.service.ruleset is before
        assert live.reloader.reloads_ok == 1 and live.reloader.reloads_failed == 0


async def test_a_deleted_rule_file_is_a_change_too(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "rules",
        extra='autoreply:\n  - keyword: EXTRA\n    reply: "Extra."\n',
    )
    async with live_engine(rules, tmp_path / "t.db") as live:
        assert await live.send("+33600000001", "EXTRA") == ["Extra."]
        (rules / "extra.yaml").unlink()
        await live.reloaded(reloads_ok=1)
        assert "extra" not in live.service.ruleset.flows
        assert await live.send("+33600000002", "EXTRA") == [SORRY]


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("info.yaml", True),
        ("info.yml", True),
        (".hidden.yaml", True),
        ("info.test.yaml", False),
        ("info.test.yml", False),
        (".info.yaml.swp", False),
        (".info.yaml.swx", False),
        ("info.yaml~", False),
        (".#info.yaml", False),
        ("4913", False),
        ("info.yaml.tmp", False),
        ("README.md", False),
    ],
)
def test_only_rule_files_count(name: str, kept: bool) -> None:
    assert is_rule_file(Path("/rules") / name) is kept
