"""The REST API over real HTTP, against a real ``twoway run`` with a jsonl connector: the
messages it sends arrive as ``mt`` frames on a jsonl client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.api_engine import serving
from tests.support.engine_process import REPO, Engine
from tests.support.jsonl_client import Client

TOKEN = "crm-5ecret-t0ken"
READER = "reader-5ecret-t0ken"
CONTACT = "+33612345678"
APPT = {"appt": {"at": "2026-01-08T14:30:00+01:00"}}


@dataclass
class Api:
    url: str
    client: Client
    engine: Engine
    session: aiohttp.ClientSession

    async def call(
        self, method: str, path: str, token: str | None = TOKEN, key: str | None = None, **kw: Any
    ) -> tuple[int, str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        async with self.session.request(method, self.url + path, headers=headers, **kw) as r:
            return r.status, r.headers.get("Content-Type", ""), await r.json(content_type=None)

    def mts(self) -> list[dict[str, Any]]:
        return self.client.mts()


@pytest.fixture
async def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Api]:
    monkeypatch.setenv("CRM_TOKEN", TOKEN)
    tokens = [
        {"name": "crm", "token": "env:CRM_TOKEN", "scopes": ["send", "read"]},
        {"name": "reader", "token": READER, "scopes": ["read"]},
    ]
    async with serving(tmp_path, REPO / "rules", tokens, secrets=(TOKEN, READER)) as running:
        yield Api(running.url, running.client, running.engine, running.session)


def _problem(status: int, content_type: str, body: Any, expected: int) -> None:
    assert status == expected, body
    assert content_type.startswith("application/problem+json")
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == expected
    assert TOKEN not in str(body)


async def test_a_message_sent_twice_with_one_key_is_sent_once(api: Api) -> None:
    body = {"to": CONTACT, "from": "36111", "text": "Your parcel arrives today."}
    first = await api.call("POST", "/api/v1/messages", key="order-42", json=body)
    assert first[0] == 202, first
    assert first[2]["status"] == "sending" and isinstance(first[2]["id"], int)
    await api.client.wait_for(lambda: len(api.mts()) == 1)
    (mt,) = api.mts()
    assert (mt["to"], mt["from"], mt["text"]) == (CONTACT, "36111", body["text"])

    again = await api.call("POST", "/api/v1/messages", key="order-42", json=body)
    assert again[0] == 202 and again[2] == first[2]
    other = await api.call("POST", "/api/v1/messages", key="order-42", json={**body, "text": "x"})
    _problem(*other, 422)
    # a message without a key, sent after: it is the next MT, so none came between
    await api.call("POST", "/api/v1/messages", json={**body, "text": "marker"})
    await api.client.wait_for(lambda: len(api.mts()) == 2)
    assert [m["text"] for m in api.mts()] == [body["text"], "marker"]


async def test_tokens_and_scopes(api: Api) -> None:
    body = {"to": CONTACT, "from": "36111", "text": "hello"}
    _problem(*await api.call("POST", "/api/v1/messages", token=None, json=body), 401)
    _problem(*await api.call("POST", "/api/v1/messages", token="guess", json=body), 401)
    forbidden = await api.call("POST", "/api/v1/messages", token=READER, json=body)
    _problem(*forbidden, 403)
    assert "send" in forbidden[2]["detail"] and READER not in str(forbidden[2])
    start = await api.call("POST", "/api/v1/flows/appointments/start", token=READER, json={})
    _problem(*start, 403)
    health = await api.call("GET", "/health")
    assert TOKEN not in str(health[2]) and READER not in str(health[2])
    assert api.mts() == []


async def test_bad_input_is_a_problem_naming_it(api: Api) -> None:
    bad = await api.call("POST", "/api/v1/messages", data=b'{"to": ')
    _problem(*bad, 400)
    assert "not JSON" in bad[2]["detail"]
    invalid = await api.call("POST", "/api/v1/messages", json={"to": "nobody", "text": ""})
    _problem(*invalid, 400)
    assert {e["pointer"] for e in invalid[2]["errors"]} == {"/to", "/text"}
    too_long = await api.call(
        "POST", "/api/v1/messages", json={"to": CONTACT, "from": "36111", "text": "a" * 9000}
    )
    _problem(*too_long, 400)
    assert "max_reply_parts" in too_long[2]["detail"]
    big = await api.call("POST", "/api/v1/messages", data=b"x" * 100_000)
    _problem(*big, 413)
    _problem(*await api.call("GET", "/api/v1/messages"), 405)
    _problem(*await api.call("GET", "/api/v1/nothing/here"), 404)
    unknown = await api.call("POST", "/api/v1/flows/nope/start", json={"contact": CONTACT})
    _problem(*unknown, 404)
    assert "nope" in unknown[2]["detail"]
    assert api.mts() == []


async def test_an_opted_out_recipient_is_refused(api: Api) -> None:
    api.client.send({"type": "mo", "id": "mo-1", "from": CONTACT, "to": "36111", "text": "STOP"})
    answer = await api.client.answer("mo-1")
    assert answer["type"] == "ack", answer  # committed: the opt-out with it
    body = {"to": CONTACT, "from": "36111", "text": "Promo!"}
    _problem(*await api.call("POST", "/api/v1/messages", json=body), 409)


async def test_starting_the_appointment_flow_sends_its_first_message(api: Api) -> None:
    body = {"contact": CONTACT, "number": "36111", "params": APPT}
    status, _, started = await api.call(
        "POST", "/api/v1/flows/appointments/start", key="appt-1", json=body
    )
    assert status == 202, started
    assert (started["flow"], started["contact"]) == ("appointment", CONTACT)
    await api.client.wait_for(lambda: len(api.mts()) == 1)
    (mt,) = api.mts()
    assert mt["to"] == CONTACT and "appointment" in mt["text"] and "YES" in mt["text"]
    again = await api.call("POST", "/api/v1/flows/appointments/start", key="appt-1", json=body)
    assert again[0] == 202 and again[2] == started
    other = {**body, "contact": "+33612345679"}
    _problem(*await api.call("POST", "/api/v1/flows/appointment/start", key="appt-1",
                             json=other), 422)  # fmt: skip


async def test_the_openapi_document_needs_no_token(api: Api) -> None:
    status, content_type, document = await api.call("GET", "/api/v1/openapi.json", token=None)
    assert status == 200 and content_type.startswith("application/json")
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/messages", "/api/v1/flows/{flow}/start"} <= set(document["paths"])


async def test_the_clinic_example_s_reminder_started_through_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clinic's `rappels` schedule, started for one patient with its parameters: the patient
    gets the reminder from the clinic's number, and their OUI confirms it."""
    monkeypatch.setenv("CRM_TOKEN", TOKEN)
    tokens = [{"name": "booking", "token": "env:CRM_TOKEN", "scopes": ["send"]}]
    more = 'numbers:\n  "+33757000200": {connector: phones, kind: long_code}\n'
    clinic = REPO / "examples" / "clinic"
    async with serving(tmp_path, clinic, tokens, more=more, connector="phones") as running:
        api, client = (
            Api(running.url, running.client, running.engine, running.session),
            running.client,
        )
        params = {"rdv": "2027-01-08T14:30:00+01:00", "medecin": "Dr Roux"}
        body = {"contact": "+33612345678", "number": "+33757000200", "params": params}
        status, _, started = await api.call("POST", "/api/v1/flows/rappels/start", json=body)
        assert status == 202, started
        await client.wait_for(lambda: len(client.mts()) == 1)
        (mt,) = client.mts()
        assert (mt["to"], mt["from"]) == ("+33612345678", "+33757000200")
        assert mt["text"] == (
            "Cabinet Pasteur : bonjour Madame, Monsieur, RDV avec Dr Roux le 08/01 à 14:30. "
            "Répondez OUI pour confirmer, NON pour annuler, DEPLACER pour changer l'heure."
        )
        client.send({"type": "mo", "id": "oui-1", "from": "+33612345678",
                     "to": "+33757000200", "text": "Oui"})  # fmt: skip
        assert (await client.answer("oui-1"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 2)
        assert client.mts()[1]["text"] == (
            "Merci, votre rendez-vous du 08/01 à 14:30 est confirmé. À bientôt !"
        )
