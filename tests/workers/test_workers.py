"""``workers: 2``: a supervisor and two engine processes over one store, bound to the node-smpp
SMSC (which spreads MOs over the binds), checked from outside as an operator would: binds,
answers, /health and /metrics of both, the API and console through the supervisor, a worker
killed and restarted, a reload everywhere or nowhere, a graceful stop."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from tests.support.console import Visitor
from tests.transports.node_smsc import NodeSmsc
from tests.workers.cluster import TIMEOUT, TOKEN, Cluster, replies_to, send_mos, write_rules


def _bound(smsc: NodeSmsc) -> int:
    return len(smsc.named("bind_transceiver"))


async def test_two_workers_bind_answer_and_add_up(tmp_path: Path, smsc: NodeSmsc) -> None:
    cluster = Cluster(tmp_path, smsc)
    try:
        await cluster.start_spread()
        answers = await send_mos(smsc, 1, 10)
        assert all(a.get("status") == 0 for a in answers), answers
        assert {a["session"] for a in answers} == {1, 2}  # both binds, so both workers
        await smsc.wait_for(
            lambda e: e["event"] == "submit_sm" and e.get("status") == 0, TIMEOUT, count=10
        )
        assert all(replies_to(smsc, str(33600000001 + i)) == ["v1"] for i in range(10))
        health = await cluster.health()
        assert health["status"] == "ok", health
        assert [(w["index"], w["state"], w["restarts"]) for w in health["workers"]] == [
            (1, "up", 0),
            (2, "up", 0),
        ]
        assert health["connectors"]["operator"]["workers"] == {"1": "up", "2": "up"}
        assert await cluster.metric("twoway_messages_in_total") == 10
        assert await cluster.metric("twoway_workers") == 2
        assert await cluster.metric("twoway_connector_up") == 1  # up in both: not 2
        status, text, _ = await cluster.get(
            "/api/v1/conversations", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert status == 200, text
        status, _, _ = await cluster.get("/api/v1/conversations")
        assert status == 401
        assert cluster.http is not None
        body = {"to": "+33611111111", "from": "36111", "text": "Sent through the supervisor."}
        async with cluster.http.post(
            cluster.url + "/api/v1/messages",
            json=body,
            headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": "w-1"},
        ) as response:
            assert response.status == 202, await response.text()
        await smsc.wait_for(
            lambda e: e["event"] == "submit_sm" and e.get("message") == body["text"], TIMEOUT
        )
        status, text, _ = await cluster.get("/login")
        assert status == 200 and "<form" in text
        assert cluster.engine.proc is not None
        pids = list((await cluster.pids()).values())
        cluster.engine.proc.send_signal(signal.SIGTERM)
        assert await cluster.engine.wait(TIMEOUT) == 0
        for pid in pids:  # the workers are gone too
            assert not _alive(pid), pid
    finally:
        await cluster.close()


async def _status(config: Path) -> str:
    """What ``twoway status`` prints of the supervisor (exit 0: every worker is up)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "engine", "status", "--config", str(config),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    assert proc.returncode == 0, out
    return out.decode()


async def test_the_console_stream_through_the_supervisor_sees_both_workers(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """The console lives in worker 1; a message worker 2 handled reaches its open pages too
    (worker 1 sees the store change under it), through the supervisor's streamed proxy."""
    cluster = Cluster(tmp_path, smsc)
    visitor: Visitor | None = None
    try:
        await cluster.start_spread()
        visitor = Visitor(cluster.url)
        status, _, _ = await visitor.login(token=TOKEN)
        assert status == 303
        async with visitor.session.get(cluster.url + "/events") as stream:
            assert stream.status == 200
            assert stream.headers["Content-Type"].startswith("text/event-stream")
            first = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), TIMEOUT)
            assert b": connected" in first
            for session in (1, 2):  # one bind each worker's: one of them is worker 2's
                phone = str(33600000100 + session)
                answer = await smsc.mo_resp(await smsc.mo(phone, "36111", "HI", session=session))
                assert answer.get("status") == 0 and answer["session"] == session, answer
                seen = b""
                async with asyncio.timeout(TIMEOUT):
                    while b"event: messages" not in seen:
                        seen += await stream.content.readuntil(b"\n\n")
                await smsc.wait_for(
                    lambda e, p=phone: e["event"] == "submit_sm" and e.get("destination_addr") == p,
                    TIMEOUT,
                )
    finally:
        if visitor is not None:
            await visitor.close()
        await cluster.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_behind_a_trusted_proxy_the_workers_throttle_log_ins_per_client(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """The supervisor resolves the client behind ``http.trusted_proxies`` and worker 1, where
    the console lives, throttles that client, not the proxy's address."""
    cluster = Cluster(tmp_path, smsc)
    stranger = colleague = None
    try:
        await cluster.start()
        stranger = Visitor(cluster.url, headers={"X-Forwarded-For": "203.0.113.9"})
        colleague = Visitor(cluster.url, headers={"X-Forwarded-For": "198.51.100.4"})
        for _ in range(5):
            status, headers, _ = await stranger.login(token="not-the-token")
            assert headers["Location"] == "/login?notice=bad-login"
        status, _, _ = await stranger.login(token=TOKEN)
        assert status == 429
        status, headers, _ = await colleague.login(token=TOKEN)
        assert (status, headers["Location"]) == (303, "/inbox")
    finally:
        for visitor in (stranger, colleague):
            if visitor is not None:
                await visitor.close()
        await cluster.close()


async def test_a_killed_worker_is_restarted_and_loses_nothing(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    cluster = Cluster(tmp_path, smsc)
    try:
        await cluster.start_spread()
        pids = await cluster.pids()
        answers = await send_mos(smsc, 1, 20)
        assert all(a.get("status") == 0 for a in answers)
        os.kill(pids[2], signal.SIGKILL)  # at once: its replies may not all be out yet
        down = await cluster.wait_health(lambda h: h["workers"][1]["state"] != "up")
        assert down["status"] == "degraded"
        assert any("worker 2" in p for p in down["problems"]), down
        up = await cluster.wait_health(lambda h: h["status"] == "ok")
        assert up["workers"][1]["restarts"] == 1 and up["workers"][1]["pid"] != pids[2]
        assert up["workers"][1]["last_exit"] == "killed by SIGKILL"
        logged = cluster.engine.log_path.read_text(encoding="utf-8")
        for index in (1, 2):  # each worker's lines say which it is, before the logger's name
            assert re.search(rf" INFO worker {index} twoway[.\w]*: ", logged), logged
        said = await _status(cluster.config)  # as the operator reads it
        assert f"workers     1: up, pid {pids[1]}\n" in said, said
        assert (
            f"2: up, pid {up['workers'][1]['pid']}, restarted once, last exit: killed by SIGKILL"
            in said
        ), said
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", TIMEOUT, count=3)
        # every MO acknowledged before the kill is answered (the restarted worker recovers)
        for i in range(20):
            phone = str(33600000001 + i)
            await smsc.wait_for(
                lambda e, p=phone: (
                    e["event"] == "submit_sm"
                    and e.get("status") == 0
                    and e.get("destination_addr") == p
                ),
                TIMEOUT,
            )
        assert await cluster.metric("twoway_worker_restarts_total") == 1
        # worker 1 down: the API and console answer 503 with Retry-After, not a traceback
        os.kill(pids[1], signal.SIGKILL)
        await cluster.wait_health(lambda h: h["workers"][0]["state"] != "up")
        status, text, headers = await cluster.get(
            "/api/v1/conversations", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert status == 503 and headers["Retry-After"] and '"status": 503' in text
        await cluster.wait_health(lambda h: h["status"] == "ok")
        status, _, _ = await cluster.get(
            "/api/v1/conversations", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert status == 200
    finally:
        await cluster.close()


async def test_a_reload_is_everywhere_or_nowhere(tmp_path: Path, smsc: NodeSmsc) -> None:
    cluster = Cluster(tmp_path, smsc)
    try:
        await cluster.start_spread()
        first = (await cluster.health())["rules"]["version"]
        write_rules(tmp_path / "rules", "v2")
        changed = await cluster.wait_health(lambda h: h["rules"]["version"] != first)
        answers = await send_mos(smsc, 1, 6)
        assert {a["session"] for a in answers} == {1, 2}
        await smsc.wait_for(lambda e: e["event"] == "submit_sm", TIMEOUT, count=6)
        assert all(replies_to(smsc, str(33600000001 + i)) == ["v2"] for i in range(6))
        assert await cluster.metric("twoway_rules_info") == 1  # one version in force
        (tmp_path / "rules" / "broken.yaml").write_text("autoreply: [\n", encoding="utf-8")
        broken = await cluster.wait_health(lambda h: bool(h["rules"]["errors"]))
        assert broken["rules"]["version"] == changed["rules"]["version"]
        assert broken["status"] == "degraded"
        answers = await send_mos(smsc, 11, 6)
        await smsc.wait_for(lambda e: e["event"] == "submit_sm", TIMEOUT, count=12)
        assert all(replies_to(smsc, str(33600000011 + i)) == ["v2"] for i in range(6))
        assert await cluster.metric("twoway_rules_reloads_total") == 2
    finally:
        await cluster.close()


async def test_a_worker_restarted_while_the_rules_are_broken_serves_the_agreed_version(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """An analyst saves a broken file (nobody changes: v1 still serves), then a worker dies:
    it comes back serving v1 from the supervisor's copy, not failing on the files again and
    again; once the files are mended, both take the new version."""
    cluster = Cluster(tmp_path, smsc)
    try:
        await cluster.start_spread()
        agreed = (await cluster.health())["rules"]["version"]
        started = cluster.engine.log_path.read_text(encoding="utf-8")
        folder = re.search(r"sockets in (\S+)", started)
        assert folder is not None, started
        kept = Path(folder[1]) / "rules-agreed.json"  # the supervisor's copy: for it only
        assert kept.stat().st_mode & 0o777 == 0o600
        (tmp_path / "rules" / "broken.yaml").write_text("autoreply: [\n", encoding="utf-8")
        await cluster.wait_health(lambda h: bool(h["rules"]["errors"]))
        pids = await cluster.pids()
        os.kill(pids[2], signal.SIGKILL)
        await cluster.wait_health(lambda h: h["workers"][1]["state"] != "up")
        back = await cluster.wait_health(
            lambda h: h["workers"][1]["state"] == "up" and h["workers"][1]["pid"] != pids[2]
        )
        assert back["workers"][1]["restarts"] == 1, back
        assert back["rules"]["version"] == agreed and back["rules"]["errors"], back
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", TIMEOUT, count=3)
        answers = await send_mos(smsc, 1, 8)
        took = {a["session"] for a in answers}  # the SMSC numbers its connections in turn
        assert len(took) == 2 and 3 in took, answers  # worker 1's bind and the new one
        await smsc.wait_for(lambda e: e["event"] == "submit_sm", TIMEOUT, count=8)
        assert all(replies_to(smsc, str(33600000001 + i)) == ["v1"] for i in range(8))
        logged = cluster.engine.log_path.read_text(encoding="utf-8")
        assert re.search(
            rf"WARNING worker 2 twoway[.\w]*: the rule files have 1 error\(s\) \(the supervisor "
            rf"reports them\): serving version {agreed}, the one the other workers serve",
            logged,
        ), logged
        (tmp_path / "rules" / "broken.yaml").unlink()
        write_rules(tmp_path / "rules", "v2")
        await cluster.wait_health(lambda h: h["rules"]["version"] != agreed)
        answers = await send_mos(smsc, 11, 8)
        await smsc.wait_for(lambda e: e["event"] == "submit_sm", TIMEOUT, count=16)
        assert all(replies_to(smsc, str(33600000011 + i)) == ["v2"] for i in range(8))
        assert {a["session"] for a in answers} == took, answers
    finally:
        await cluster.close()
