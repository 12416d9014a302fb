"""Rules cannot stall the engine, flood a phone or exhaust its memory, against the real
``twoway run``: a reply over ``settings.max_reply_parts`` is not sent and an error event names
its rule; a batch of hostile texts for catastrophic regexes leaves another phone its reply, each
hostile text reported once; a rule file over 1 MiB saved into the running engine is refused
before it is read, the previous rules still serving; a loop of states without a wait is refused
by ``twoway check``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.engine_process import REPO, http_address
from tests.support.hostile import EVIL, SLOW_REGEXES
from tests.support.jsonl_client import Client, assert_clean, mo, running_engine

HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."

HOSTILE = 'autoreply:\n  - keyword: ECHO\n    reply: "You said: {text}"\n' + SLOW_REGEXES


def rules_with(tmp_path: Path, name: str, text: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    (rules / name).write_text(text, encoding="utf-8")
    return rules


def health(config: Path) -> dict[str, object]:
    host, port = http_address(config)
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/health", timeout=10) as reply:
            body = reply.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
    report: dict[str, object] = json.loads(body)
    return report


async def test_a_reply_over_max_reply_parts_is_not_sent_and_its_rule_is_named(
    tmp_path: Path,
) -> None:
    rules = rules_with(tmp_path, "hostile.yaml", HOSTILE)
    async with running_engine(tmp_path, rules=rules) as running:
        client = await Client().connect(running.port)
        client.send(mo("long", "+33600000001", "ECHO " + "x" * 1600))  # > 10 parts echoed
        client.send(mo("short", "+33600000002", "ECHO hi"))
        for mo_id in ("long", "short"):
            assert (await client.answer(mo_id))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        assert [mt["text"] for mt in client.mts()] == ["You said: ECHO hi"]
        assert await running.stop() == 0
    [(data,)] = running.rows("SELECT data FROM events WHERE type = 'error'")
    error = json.loads(data)
    assert error["message"] == (
        "the reply needs more than 10 SMS parts (settings.max_reply_parts): it is not sent"
    )
    assert error["rule"] == f"{rules / 'hostile.yaml'}:3:5"
    assert running.rows("SELECT count(*) FROM outbox") == [(1,)]
    assert_clean(running.log())


async def test_hostile_texts_for_slow_regexes_leave_another_phone_its_reply(
    tmp_path: Path,
) -> None:
    rules = rules_with(tmp_path, "hostile.yaml", HOSTILE)
    async with running_engine(tmp_path, rules=rules) as running:
        client = await Client().connect(running.port)
        for n in range(50):
            client.send(mo(f"evil{n}", f"+336000002{n:02d}", EVIL))
        client.send(mo("good", "+33600000001", "HOURS"))
        for mo_id in [*(f"evil{n}" for n in range(50)), "good"]:
            assert (await client.answer(mo_id))["type"] == "ack"
        await client.wait_for(lambda: any(mt["to"] == "+33600000001" for mt in client.mts()))
        assert [mt["text"] for mt in client.mts() if mt["to"] == "+33600000001"] == [HOURS]
        assert await running.stop() == 0
    errors = running.rows(
        "SELECT contact, count(*) FROM events WHERE type = 'error' GROUP BY contact"
    )
    assert len(errors) == 50  # every hostile text reported, each once
    assert {count for _, count in errors} == {1}
    assert_clean(running.log())


async def test_a_rule_file_over_the_size_limit_saved_into_a_running_engine_changes_nothing(
    tmp_path: Path,
) -> None:
    rules = rules_with(tmp_path, "hostile.yaml", HOSTILE)
    async with running_engine(tmp_path, rules=rules) as running:
        big = rules / "big.yaml"
        with big.open("w", encoding="utf-8") as out:  # 2 MiB of plausible rules
            out.write("autoreply:\n")
            for n in range(40_000):
                out.write(f"  - {{keyword: K{n}, reply: x}}\n")
        config = running.engine.config
        report, probes = health(config), 0
        while "E104" not in json.dumps(report):  # until the reload has run
            probes += 1
            assert probes < 300, report  # a bound on a hung test, not a timing
            client = await Client().connect(running.port)
            client.send(mo(f"probe{probes}", f"+3360000{probes:04d}", "HOURS"))
            assert (await client.answer(f"probe{probes}"))["type"] == "ack"
            await client.wait_for(lambda c=client: len(c.mts()) == 1)
            assert [mt["text"] for mt in client.mts()] == [HOURS]  # the old rules still serve
            await client.aclose()
            report = health(config)
        assert report["status"] == "degraded"
        errors = str(report["rules"]["errors"])  # type: ignore[index]
        assert f"{big}:1:1: error[E104]: the file is larger than 1 MiB" in errors
        assert await running.stop() == 0
    assert_clean(running.log())


def test_a_loop_of_states_without_a_wait_is_refused_by_check(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "loop.yaml").write_text(
        "flow: loop\n"
        "trigger: {keyword: LOOP}\n"
        "start: tick\n"
        "states:\n"
        "  tick:\n"
        "    say: tick\n"
        "    goto: tock\n"
        "  tock:\n"
        "    say: tock\n"
        "    goto: tick\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "engine", "check", str(rules)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "error[E408]" in done.stdout + done.stderr
