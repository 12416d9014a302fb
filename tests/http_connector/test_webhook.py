"""The http connector in process: a Service on a SqliteStore file, the aiohttp endpoint on a real
socket, the fake provider. The generic preset (JSON, ``X-Twoway-Signature``), a custom field
mapping, re-posts, the store down (503), a stopping engine (503), and the REST client's errors."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yarl

from engine.core.messages import Outgoing
from engine.errors import StoreUnavailable, TransportError
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.http import HttpTransport, http_settings
from engine.transports.http.client import ProviderClient, render
from engine.transports.http.signature import hmac_signature
from engine.web.server import HttpEndpoint
from tests.support.engine_process import HOST, REPO
from tests.support.fake_provider import FakeProvider
from tests.support.jsonl_peer import free_port

SECRET = "generic-hook-5ecret"
HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


@dataclass
class Rig:
    service: Service
    provider: FakeProvider
    endpoint: HttpEndpoint
    session: aiohttp.ClientSession
    db: Path

    def url(self, connector: str) -> str:
        return f"{self.endpoint.url}/hooks/{connector}"

    async def post(
        self, connector: str, data: Any, *, secret: str | None = SECRET
    ) -> tuple[int, Any]:
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Twoway-Signature"] = hmac_signature(secret, body)
        async with self.session.post(self.url(connector), data=body, headers=headers) as r:
            return r.status, await r.json(content_type=None)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    provider = FakeProvider()
    await provider.start()
    outbound = {"url": provider.url + "/v1/messages"}
    generic = http_settings({"preset": "generic", "secret": SECRET, "outbound": outbound})
    mapped = http_settings(
        {
            "fields": {
                "id": "msg.id",
                "from": "msisdn",
                "to": "shortcode",
                "text": "body",
                "status": "state",
                "error": "reason",
            },
            "statuses": {"DELIVRD": "delivered", "UNDELIV": "undeliverable"},
            "outbound": outbound,
        }
    )
    transports = {"gen": HttpTransport("gen", generic), "mapped": HttpTransport("mapped", mapped)}
    db = tmp_path / "hooks.db"
    ruleset = compile_rules(REPO / "rules").raise_for_errors()
    service = Service(ruleset, SqliteStore(str(db)), transports)
    endpoint = HttpEndpoint(service)
    await service.start()
    await endpoint.start(HOST, free_port())
    try:
        async with aiohttp.ClientSession() as session:
            yield Rig(service, provider, endpoint, session, db)
    finally:
        await endpoint.stop()
        await service.stop(drain_timeout=2.0)
        await provider.aclose()


MO = {"id": "m-1", "from": "+33600000001", "to": "36111", "text": "HOURS"}


async def test_generic_json_mo_reply_and_report(rig: Rig) -> None:
    status, body = await rig.post("gen", MO)
    assert (status, body) == (200, {"status": "ok"})
    await rig.provider.wait_for(lambda: len(rig.provider.messages) == 1)
    (taken,) = rig.provider.messages
    assert (taken.to, taken.sender, taken.text) == ("+33600000001", "36111", HOURS)
    await rig.service.idle()
    ((row_id, external),) = rig.rows("SELECT id, external_id FROM outbox")
    assert taken.key == str(row_id) and external == taken.sid
    report = {"id": taken.sid, "status": "delivered"}
    assert (await rig.post("gen", report))[0] == 200
    assert rig.rows("SELECT status FROM outbox") == [("delivered",)]
    assert rig.rows("SELECT status FROM receipts") == [("delivered",)]


async def test_generic_signature_is_required_when_a_secret_is_set(rig: Rig) -> None:
    assert (await rig.post("gen", MO, secret=None))[0] == 403
    (link,) = rig.service.transports["gen"].link_stats()
    assert link.errors == {"webhook_signature": 1}
    status, problem = await rig.post("gen", MO, secret="guess")
    assert status == 403 and SECRET not in json.dumps(problem)
    assert problem["detail"] == "the X-Twoway-Signature header does not sign this request"
    assert rig.rows("SELECT count(*) FROM inbound") == [(0,)]


async def test_a_post_with_a_status_and_a_text_is_an_mo(rig: Rig) -> None:
    assert (await rig.post("gen", {**MO, "status": "received"}))[0] == 200
    assert rig.rows("SELECT external_id, text FROM inbound") == [("m-1", "HOURS")]
    assert rig.rows("SELECT count(*) FROM receipts") == [(0,)]


async def test_a_twilio_post_is_checked_against_the_url_with_its_raw_query(tmp_path: Path) -> None:
    from tests.support.fake_provider import AUTH_TOKEN, twilio_signature

    port = free_port()
    for public in (None, "https://sms.example.com:8443/hooks/tw"):
        options = {"preset": "twilio", "account_sid": "AC1", "auth_token": AUTH_TOKEN}
        if public:
            options["public_url"] = public
        transport = HttpTransport("tw", http_settings(options))
        service = Service(
            compile_rules(REPO / "rules").raise_for_errors(),
            SqliteStore(str(tmp_path / f"q{bool(public)}.db")),
            {"tw": transport},
        )
        endpoint = HttpEndpoint(service)
        await service.start()
        await endpoint.start(HOST, port)
        try:
            query = "?name=a%20b&x=%2B1"
            seen = f"http://{HOST}:{port}/hooks/tw{query}"
            signed_url = (public + query) if public else seen
            params = {"MessageSid": "SMq", "From": "+33600000001", "To": "36111", "Body": "hi"}
            good = twilio_signature(AUTH_TOKEN, signed_url, params)
            async with aiohttp.ClientSession() as session:
                for signature, expected in ((good, 200), ("bad", 403)):
                    headers = {"X-Twilio-Signature": signature}
                    url = yarl.URL(seen, encoded=True)
                    async with session.post(url, data=params, headers=headers) as answer:
                        assert answer.status == expected, (public, await answer.text())
        finally:
            await endpoint.stop()
            await service.stop(drain_timeout=0.5)


async def test_a_chunked_body_is_read_up_to_the_limit(rig: Rig) -> None:
    async def chunks(data: bytes) -> Any:
        for start in range(0, len(data), 1000):
            yield data[start : start + 1000]

    body = json.dumps(MO).encode()
    headers = {"Content-Type": "application/json",
               "X-Twoway-Signature": hmac_signature(SECRET, body)}  # fmt: skip
    async with rig.session.post(rig.url("gen"), data=chunks(body), headers=headers) as r:
        assert r.status == 200
    big = b"[" + b"1," * 40_000 + b"1]"
    async with rig.session.post(rig.url("gen"), data=chunks(big), headers=headers) as r:
        assert r.status == 413
    async with rig.session.post(rig.url("gen"), data=big, headers=headers) as r:
        assert r.status == 413
    assert rig.rows("SELECT count(*) FROM inbound") == [(1,)]


async def test_a_re_post_is_taken_once_and_an_id_reused_for_another_text_is_409(rig: Rig) -> None:
    for _ in range(3):
        assert (await rig.post("gen", MO))[0] == 200
    status, problem = await rig.post("gen", {**MO, "text": "VOTE A"})
    assert status == 409 and "m-1" in problem["detail"]
    await rig.service.idle()
    assert rig.rows("SELECT count(*) FROM inbound") == [(1,)]
    assert len(rig.provider.messages) == 1


async def test_a_mapping_of_nested_fields_and_provider_statuses(rig: Rig) -> None:
    mo = {"msg": {"id": 4711}, "msisdn": "0033600000009", "shortcode": 36111, "body": "hours"}
    assert (await rig.post("mapped", mo, secret=None))[0] == 200
    await rig.provider.wait_for(lambda: len(rig.provider.messages) == 1)
    assert rig.rows("SELECT external_id, sender, recipient FROM inbound") == [
        ("4711", "+33600000009", "36111")
    ]
    await rig.service.idle()
    sid = rig.provider.messages[0].sid
    report = {"msg": {"id": sid}, "state": "UNDELIV", "reason": "absent subscriber"}
    assert (await rig.post("mapped", report, secret=None))[0] == 200
    assert rig.rows("SELECT status, delivery_error FROM outbox") == [
        ("undeliverable", "absent subscriber")
    ]
    missing = await rig.post("mapped", {"msg": {}, "msisdn": "1", "shortcode": "2"}, secret=None)
    assert missing == (400, missing[1]) and missing[1]["detail"] == "missing 'msg.id'"


async def test_the_store_down_is_503_and_nothing_acknowledged(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = rig.service.store

    async def down(*args: Any, **kwargs: Any) -> Any:
        raise StoreUnavailable("database or disk is full")

    for method in ("handle", "receive"):
        monkeypatch.setattr(store, method, down)
    monkeypatch.setattr(rig.service.transports["gen"], "on_receipt", down)  # bound at start
    status, problem = await rig.post("gen", MO)
    assert status == 503 and "post it again" in problem["detail"]
    assert (await rig.post("gen", {"id": "x", "status": "delivered"}))[0] == 503
    monkeypatch.undo()
    assert (await rig.post("gen", MO))[0] == 200
    assert rig.rows("SELECT count(*) FROM inbound") == [(1,)]


async def test_a_failure_nobody_foresaw_is_a_500_without_traceback(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(message: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(rig.service.transports["gen"].webhook, "commit", broken)
    for _ in range(2):
        status, problem = await rig.post("gen", MO)
        assert status == 500 and "Traceback" not in json.dumps(problem)
        assert problem["detail"] == "the post could not be handled; see the engine's log"
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1  # once a minute at most


async def test_a_stopping_engine_answers_503(rig: Rig) -> None:
    await rig.service.stop(drain_timeout=1.0)
    status, problem = await rig.post("gen", MO)
    assert status == 503, problem
    assert (await rig.post("gen", {"id": "x", "status": "delivered"}))[0] == 503
    await rig.service.start()  # for the fixture's stop


def test_templates_fill_only_the_four_placeholders() -> None:
    values = {
        "to": "+33600000001",
        "from": "36111",
        "text": "{from} {0} {text!r}",
        "reference": "7",
    }
    template = {"msg": {"to": "{to}", "body": "{text}"}, "ref": "ref-{reference}", "n": 3}
    assert render(template, values) == {
        "msg": {"to": "+33600000001", "body": "{from} {0} {text!r}"},
        "ref": "ref-7",
        "n": 3,
    }


async def test_the_client_tells_temporary_from_permanent_errors(tmp_path: Path) -> None:
    provider = FakeProvider()
    await provider.start()
    settings = http_settings({"outbound": {"url": provider.url + "/v1/messages"}}).outbound
    client = ProviderClient("gen", settings)
    await client.open()
    message = Outgoing("+33600000001", "36111", "hello", "reply")
    try:
        provider.fail_next = [
            (429, {"message": "slow down"}),
            (503, {}),
            (400, {"message": "bad To"}),
        ]
        for transient, words in ((True, "429: slow down"), (True, "503"), (False, "400: bad To")):
            with pytest.raises(TransportError) as caught:
                await client.send(message, 1)
            assert caught.value.transient is transient and words in str(caught.value)
        assert await client.send(message, 1) == await client.send(message, 1)  # one key, one id
        assert len(provider.messages) == 1 and provider.keys[-1] == "1"
        assert client.errors == {"temporary": 2, "permanent": 1} and client.in_flight == 0
    finally:
        await client.close()
        await provider.aclose()
    dead = ProviderClient("gen", settings)
    await dead.open()
    try:
        with pytest.raises(TransportError) as caught:
            await dead.send(message, 2)
        assert caught.value.transient and "could not be reached" in str(caught.value)
        assert dead.problem == str(caught.value)
    finally:
        await dead.close()


async def test_health_says_the_connector_is_down_while_its_api_does_not_answer(rig: Rig) -> None:
    transport = rig.service.transports["gen"]
    assert transport.state == "up"
    await rig.provider.aclose()  # the provider's API is gone
    assert (await rig.post("gen", MO))[0] == 200  # MOs are still taken
    await rig.provider.wait_for(lambda: transport.state == "down", timeout=10)
    async with rig.session.get(f"{rig.endpoint.url}/health") as answer:
        health = await answer.json()
    assert answer.status == 503
    assert health["connectors"]["gen"]["state"] == "down"
    assert "could not be reached" in health["connectors"]["gen"]["error"]
