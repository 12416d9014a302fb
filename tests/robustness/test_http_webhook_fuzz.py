"""Property-based fuzz of the http connector's webhook against an in-process engine (Service,
SqliteStore on a file, HttpTransport, the aiohttp endpoint on a real socket, the fake provider
for the replies): signed and unsigned forms, JSON values, raw bytes with any content type.
No answer is a 5xx, no traceback is logged, and every MO acknowledged with a 200 is in the
store."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.http import HttpTransport, http_settings
from engine.transports.http.signature import hmac_signature
from engine.web.server import HttpEndpoint
from tests.support.engine_process import HOST, REPO
from tests.support.fake_provider import AUTH_TOKEN, FakeProvider, twilio_signature
from tests.support.jsonl_peer import free_port

SECRET = "generic-hook-5ecret"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["", " ", "\ud800", "a\udfffb", "HOURS", "+33600000001", "36111", "x" * 300]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
ids = st.one_of(st.sampled_from(["a", "b", "SM1", ""]), st.text(max_size=8), st.integers())
generic_bodies = st.fixed_dictionaries(
    {},
    optional={
        "id": ids | values,
        "from": values,
        "to": values,
        "text": values,
        "status": values,
        "error": values,
    },
)
form_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["", "hours", "+33600000001", "36111", "delivered", "failed", "x" * 300]
)
phones = st.sampled_from(["+33600000001", "0033 6 00 00 00 02", "36111", "ACME", "1"])
sids = st.text("SMab01", min_size=1, max_size=6)
twilio_mos = st.fixed_dictionaries(
    {
        "MessageSid": sids,
        "From": phones,
        "To": phones,
        "Body": st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    },
    optional={
        "NumSegments": st.sampled_from(["1", "2"]),
        "MessageStatus": st.sampled_from(["", "received"]),
    },
)
generic_mos = st.fixed_dictionaries(
    {"id": sids | st.integers(0, 50), "from": phones, "to": phones, "text": st.text(max_size=40)},
    optional={"status": st.sampled_from(["", None])},
)
twilio_forms = st.dictionaries(
    st.sampled_from(["MessageSid", "From", "To", "Body", "MessageStatus", "ErrorCode", "Other"]),
    form_text,
)


@st.composite
def posts(draw: st.DrawFn) -> tuple[str, dict[str, str], bytes, dict[str, Any] | None]:
    """(connector, headers, body, the values the webhook reads or None for raw bytes)."""
    kinds = ["twilio", "twilio-mo", "twilio-unsigned", "generic", "generic-mo", "generic-form",
             "raw"]  # fmt: skip
    kind = draw(st.sampled_from(kinds))
    if kind.startswith("twilio"):
        form = draw(twilio_mos if kind == "twilio-mo" else twilio_forms)
        body = urlencode(form).encode()
        signed = twilio_signature(AUTH_TOKEN, HOOK["tw"], form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if kind != "twilio-unsigned":
            headers["X-Twilio-Signature"] = signed
        return "tw", headers, body, form
    if kind.startswith("generic"):
        data = draw(generic_mos if kind == "generic-mo" else generic_bodies)
        if kind == "generic-form":
            form = {k: str(v) for k, v in data.items() if isinstance(v, str) and v.isprintable()}
            body = urlencode(form).encode()
            content_type = "application/x-www-form-urlencoded"
            data = dict(form)
        else:
            body = json.dumps(data).encode()
            content_type = "application/json"
        signature = hmac_signature(SECRET, body)
        return "gen", {"Content-Type": content_type, "X-Twoway-Signature": signature}, body, data
    raw = draw(st.binary(max_size=200))
    content_type = draw(st.sampled_from(TYPES))
    connector = draw(st.sampled_from(["tw", "gen"]))
    headers = {"Content-Type": content_type} if content_type else {}
    if connector == "gen":
        headers["X-Twoway-Signature"] = hmac_signature(SECRET, raw)
    return connector, headers, raw, None


HOOK: dict[str, str] = {}
TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "a/b+json"]


def expected_mo(connector: str, data: dict[str, Any] | None) -> str | None:
    """The provider id an MO acknowledged with a 200 must be stored under, or None (a report)."""
    if data is None:
        return None
    tw = connector == "tw"
    id_key, status_key, text_key = ("MessageSid", "MessageStatus", "Body") if tw else (
        "id", "status", "text")  # fmt: skip
    if data.get(status_key) not in (None, "") and data.get(text_key) is None:
        return None
    value = data.get(id_key)
    return str(value) if value is not None else "?missing"


def test_fuzzed_webhook_posts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    loop = asyncio.new_event_loop()
    provider = FakeProvider(callbacks=True)
    loop.run_until_complete(provider.start())
    endpoint_port = free_port()
    for name in ("tw", "gen"):
        HOOK[name] = f"http://{HOST}:{endpoint_port}/hooks/{name}"
    twilio = http_settings({"preset": "twilio", "account_sid": provider.account,
                            "auth_token": AUTH_TOKEN, "base_url": provider.url,
                            "public_url": HOOK["tw"], "status_callback": True})  # fmt: skip
    generic = http_settings(
        {"preset": "generic", "secret": SECRET, "outbound": {"url": provider.url + "/v1/messages"}}
    )
    transports = {"tw": HttpTransport("tw", twilio), "gen": HttpTransport("gen", generic)}
    db = tmp_path / "fuzz.db"
    service = Service(compile_rules(REPO / "rules").raise_for_errors(), SqliteStore(str(db)),
                      transports)  # fmt: skip
    endpoint = HttpEndpoint(service)
    loop.run_until_complete(service.start())
    loop.run_until_complete(endpoint.start(HOST, endpoint_port))
    session = aiohttp.ClientSession(loop=loop)
    acked: set[tuple[str, str]] = set()
    answers: list[int] = []

    async def post(connector: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        async with session.post(HOOK[connector], data=body, headers=headers) as answer:
            return answer.status, await answer.text()

    @settings(
        max_examples=250,
        deadline=10_000,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(posts())
    def fuzz(case: tuple[str, dict[str, str], bytes, dict[str, Any] | None]) -> None:
        connector, headers, body, data = case
        status, text = loop.run_until_complete(post(connector, headers, body))
        answers.append(status)
        assert status < 500, f"{status} {text} for {body!r}"
        assert "Traceback" not in text and AUTH_TOKEN not in text and SECRET not in text
        if status == 200 and (mo := expected_mo(connector, data)) is not None:
            acked.add((connector, mo))

    try:
        fuzz()
        loop.run_until_complete(asyncio.wait_for(service.idle(), 20))
    finally:
        loop.run_until_complete(session.close())
        loop.run_until_complete(endpoint.stop())
        loop.run_until_complete(service.stop(drain_timeout=2.0))
        loop.run_until_complete(provider.aclose())
        loop.close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        stored = set(conn.execute("SELECT transport, external_id FROM inbound"))
    assert acked <= stored, f"acknowledged, not stored: {acked - stored}"
    counts = {status: answers.count(status) for status in sorted(set(answers))}
    print(f"\nanswers: {counts}; {len(acked)} MOs acknowledged, all stored")
    assert {200, 400, 403} <= set(counts), counts
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
