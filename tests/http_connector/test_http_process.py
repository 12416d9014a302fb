"""The http connector in a real ``twoway run``, over real sockets, against the fake provider of
``tests/support/fake_provider.py``: a Twilio-signed MO gets its reply through the provider's
REST API, the provider's status callback marks the row delivered, a bad signature stores
nothing, and a provider's errors are retried or fail the row as they should."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.engine_process import REPO, Engine, http_address
from tests.support.fake_provider import AUTH_TOKEN, FakeProvider, write_http_config
from tests.support.jsonl_client import assert_clean

HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
CONTACT = "+33612345678"


@dataclass
class Setup:
    engine: Engine
    provider: FakeProvider
    hook: str
    db: Path

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as conn:
            return conn.execute(sql, args).fetchall()


@pytest.fixture
async def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Setup]:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    provider = FakeProvider(callbacks=True)
    await provider.start()
    config, hook = write_http_config(tmp_path, REPO / "rules", provider)
    engine = Engine(tmp_path, config)
    try:
        await engine.start(http_address(config)[1])
        yield Setup(engine, provider, hook, tmp_path / "twoway.db")
    finally:
        await engine.cleanup()
        await provider.aclose()
    log = engine.log()
    assert_clean(log)
    assert AUTH_TOKEN not in log


def hmac_signature(secret: str, body: bytes) -> str:
    """The generic preset's X-Twoway-Signature, as docs/operations.md describes it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def wait_rows(setup: Setup, sql: str, expected: Any, timeout: float = 20.0) -> None:
    provider = setup.provider
    await provider.wait_for(lambda: setup.rows(sql) == expected, timeout)


async def test_a_signed_mo_is_answered_through_the_api_and_its_status_marks_it_delivered(
    setup: Setup,
) -> None:
    provider = setup.provider
    status, body = await provider.post_mo(setup.hook, "SMmo1", CONTACT, "36111", "hours")
    assert status == 200, body
    assert "<Response>" in body  # empty TwiML: Twilio sends nothing of its own
    (mo,) = setup.rows("SELECT external_id, sender, recipient, text FROM inbound")
    assert mo == ("SMmo1", CONTACT, "36111", "hours")  # committed before the 200

    await provider.wait_for(lambda: len(provider.messages) == 1)
    (taken,) = provider.messages
    assert (taken.to, taken.sender, taken.text) == (CONTACT, "36111", HOURS)
    (row_id,) = setup.rows("SELECT id FROM outbox")[0]
    assert taken.key == str(row_id)  # Idempotency-Key: the outbox row
    # the callback went to public_url: the row is delivered, matched by the provider's sid
    sql = "SELECT status, external_id FROM outbox"
    await wait_rows(setup, sql, [("delivered", taken.sid)])

    # the same MO posted again (a provider retry) is taken once: no second reply
    again, _ = await provider.post_mo(setup.hook, "SMmo1", CONTACT, "36111", "hours")
    assert again == 200
    status, _ = await provider.post_mo(setup.hook, "SMmo2", CONTACT, "36111", "address")
    assert status == 200
    await provider.wait_for(lambda: len(provider.messages) == 2)
    assert setup.rows("SELECT count(*) FROM inbound") == [(2,)]
    assert provider.messages[1].text.startswith("ACME Music, 12 rue de la Paix")


async def test_a_bad_signature_is_refused_and_nothing_is_stored(setup: Setup) -> None:
    provider = setup.provider
    forged = await provider.post_mo(
        setup.hook, "SMx", CONTACT, "36111", "hours", signature="bm90IGEgc2lnbmF0dXJl"
    )
    assert forged[0] == 403, forged
    assert "X-Twilio-Signature" in forged[1] and AUTH_TOKEN not in forged[1]
    # signed for another URL (what a proxy in front changes): refused too
    other = FakeProvider(token=AUTH_TOKEN)
    params = {"MessageSid": "SMy", "From": CONTACT, "To": "36111", "Body": "hours"}
    from tests.support.fake_provider import twilio_signature

    wrong_url = twilio_signature(AUTH_TOKEN, setup.hook + "x", params)
    refused = await provider.post_form(setup.hook, params, signature=wrong_url)
    assert refused[0] == 403
    # a forged status callback changes nothing either
    forged_status = {"MessageSid": "SM1", "MessageStatus": "failed"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(setup.hook, data=forged_status) as r,
    ):
        assert r.status == 403
    assert other.messages == []
    async with aiohttp.ClientSession() as session:
        metrics_url = setup.hook.replace("/hooks/tw", "/metrics")
        async with session.get(metrics_url) as answer:
            page = await answer.text()
    refused = [line for line in page.splitlines() if 'kind="webhook_signature"' in line]
    assert len(refused) == 1 and refused[0].endswith(" 3.0"), refused
    assert setup.rows("SELECT count(*) FROM inbound") == [(0,)]
    assert setup.rows("SELECT count(*) FROM receipts") == [(0,)]
    assert setup.rows("SELECT count(*) FROM outbox") == [(0,)]
    assert provider.requests == 0


async def test_bad_bodies_are_4xx_naming_the_problem(setup: Setup) -> None:
    provider = setup.provider
    missing = await provider.post_form(setup.hook, {"MessageSid": "SM1", "To": "36111"})
    assert missing[0] == 400 and "From" in missing[1]
    async with aiohttp.ClientSession() as session:
        async with session.post(
            setup.hook,
            data=b"\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ) as r:
            assert r.status in (400, 403)
        async with session.post(setup.hook, data=b"x", headers={"Content-Type": "text/plain"}) as r:
            assert r.status == 415
        async with session.post(setup.hook, data=b"x" * 100_000) as r:
            assert r.status == 413
        async with session.post(setup.hook.replace("/tw", "/nope"), data={}) as r:
            assert r.status == 404
    assert setup.rows("SELECT count(*) FROM inbound") == [(0,)]


async def test_provider_errors_temporary_are_retried_permanent_fail_the_row(setup: Setup) -> None:
    provider = setup.provider
    provider.fail_next = [
        (429, {"code": 20429, "message": "Too Many Requests"}),
        (503, {"message": "down for a moment"}),
    ]
    assert (await provider.post_mo(setup.hook, "SMa", CONTACT, "36111", "hours"))[0] == 200
    await provider.wait_for(lambda: len(provider.messages) == 1)
    assert provider.requests == 3 and len(set(provider.keys)) == 1  # one key for every try
    provider.fail_next = [(400, {"code": 21211, "message": "The 'To' number is not valid"})]
    assert (await provider.post_mo(setup.hook, "SMb", "+33699999999", "36111", "hours"))[0] == 200
    sql = "SELECT status, last_error FROM outbox WHERE contact = '+33699999999'"
    await provider.wait_for(lambda: bool(setup.rows(sql)) and setup.rows(sql)[0][0] == "failed")
    ((_, error),) = setup.rows(sql)
    assert "400" in error and "The 'To' number is not valid" in error and AUTH_TOKEN not in error
    assert len(provider.messages) == 1


async def test_a_generic_connector_json_in_and_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generic preset in a real process: a JSON MO signed with X-Twoway-Signature, the reply
    POSTed as JSON with its reference and Idempotency-Key, a JSON report marks it delivered."""
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("PARTNER_SECRET", "partner-5ecret")
    provider = FakeProvider()
    await provider.start()
    partner = {"type": "http", "preset": "generic", "secret": "env:PARTNER_SECRET",
               "outbound": {"url": provider.url + "/v1/messages"}}  # fmt: skip
    config, hook = write_http_config(tmp_path, REPO / "rules", provider, more={"gen": partner})
    hook = hook.replace("/hooks/tw", "/hooks/gen")
    engine = Engine(tmp_path, config)
    setup = Setup(engine, provider, hook, tmp_path / "twoway.db")
    mo = {"id": "g-1", "from": CONTACT, "to": "36112", "text": "hours"}
    body = json.dumps(mo).encode()
    headers = {"Content-Type": "application/json",
               "X-Twoway-Signature": hmac_signature("partner-5ecret", body)}  # fmt: skip
    try:
        await engine.start(http_address(config)[1])
        async with aiohttp.ClientSession() as session:
            async with session.post(hook, data=body, headers=headers) as answer:
                assert answer.status == 200 and await answer.json() == {"status": "ok"}
            await provider.wait_for(lambda: len(provider.messages) == 1)
            (taken,) = provider.messages
            assert (taken.to, taken.sender, taken.text) == (CONTACT, "36112", HOURS)
            (row_id,) = setup.rows("SELECT id FROM outbox")[0]
            assert taken.key == taken.reference == str(row_id)
            await wait_rows(setup, "SELECT external_id FROM outbox", [(taken.sid,)])
            report = json.dumps({"id": taken.sid, "status": "delivered"}).encode()
            headers["X-Twoway-Signature"] = hmac_signature("partner-5ecret", report)
            async with session.post(hook, data=report, headers=headers) as answer:
                assert answer.status == 200
        assert setup.rows("SELECT status FROM outbox") == [("delivered",)]
    finally:
        await engine.cleanup()
        await provider.aclose()
    log = engine.log()
    assert_clean(log)
    assert "partner-5ecret" not in log
