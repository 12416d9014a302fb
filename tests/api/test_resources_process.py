"""The REST API's contacts, campaigns, results and rules over real HTTP, against a real
``twoway run`` with a jsonl connector. Every 2xx body is checked against the schema the OpenAPI
document gives its route, and what the API writes is what the ``twoway`` commands read."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from jsonschema import Draft202012Validator
from openpyxl import Workbook

from engine.web.api.routes import ROUTES
from engine.web.api.schema import PREFIX, openapi
from tests.support.api_engine import serving
from tests.support.engine_process import REPO, Engine
from tests.support.jsonl_client import Client, mo

ADMIN = "admin-5ecret-t0ken"
READER = "reader-5ecret-t0ken"
ALICE, BOB, CAROL = "+33612345678", "+33612345679", "+33612345670"
DOCUMENT = openapi(ROUTES)
WAIT = 60.0
"""Seconds a hung test may wait at most for a message (a bound, not a timing)."""

CAMPAIGNS = {
    "promo": """
        campaign: Promo de test
        audience: {group: clients}
        number: "36111"
        say: "Bonjour {contact.name}, -20 % avec le code TEST. STOP au 36111"
        kind: transactional
        """,
    "slow": """
        campaign: Lente
        audience: {group: lents}
        number: "36111"
        say: "Bonjour {contact.name}, une par minute."
        kind: transactional
        throughput: 1/min
        """,
}
CSV = "telephone;name;ville\n06 12 34 56 78;Alice;Lyon\nabc;Nobody;Paris\n06 12 34 56 79;Bob;Nice\n"


def _response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """The document's schema of the body of ``status`` to ``method path`` (a pattern path)."""
    operation = DOCUMENT["paths"][PREFIX + path][method.lower()]
    media = operation["responses"][str(status)]["content"]
    (content,) = media.values()
    # The whole document as the root: its "#/components/schemas/…" references resolve.
    return {**DOCUMENT, **content["schema"]}


@dataclass
class Api:
    url: str
    client: Client
    engine: Engine
    session: aiohttp.ClientSession
    workdir: Path

    async def call(
        self, method: str, path: str, token: str | None = ADMIN, route: str | None = None, **kw: Any
    ) -> tuple[int, Any]:
        """``method path`` (under /api/v1); a 2xx body is checked against ``route``'s schema
        (the pattern of ``path``; ``path`` itself when not given)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        headers.update(kw.pop("headers", {}))
        async with self.session.request(
            method, self.url + PREFIX + path, headers=headers, **kw
        ) as response:
            body = await response.json(content_type=None)
            status = response.status
            kind = response.headers.get("Content-Type", "")
        if status < 300:
            schema = _response_schema(method, route or path.split("?")[0], status)
            validator = Draft202012Validator(
                schema, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            errors = [e.message for e in validator.iter_errors(body)]
            assert errors == [], (path, errors, body)
        else:
            assert kind.startswith("application/problem+json"), (status, body)
            assert body["status"] == status and ADMIN not in str(body)
        return status, body

    def command(self, *args: str) -> Any:
        """``twoway ARGS --config … --json`` on the engine's store; its JSON."""
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-m", "engine", *args, "--config", str(self.workdir / "twoway.yaml")],
            cwd=self.workdir, env=env, capture_output=True, text=True, check=False, timeout=WAIT,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    for name, text in CAMPAIGNS.items():
        (rules / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    tokens = [ADMIN, {"name": "reader", "token": READER, "scopes": ["read"]}]
    async with serving(
        tmp_path, rules, tokens, more="country: FR\n", secrets=(ADMIN, READER)
    ) as running:
        yield Api(running.url, running.client, running.engine, running.session, tmp_path)


async def _import(api: Api, csv: str = CSV, query: str = "?group=clients") -> dict[str, Any]:
    headers = {"Content-Type": "text/csv"}
    status, body = await api.call("POST", "/contacts" + query, data=csv.encode(), headers=headers)
    assert status == 200, body
    return dict(body)


async def test_contacts_import_list_read_change_and_forget(api: Api) -> None:
    report = await _import(api)
    assert (report["imported"], report["updated"]) == (2, 0)
    assert report["refused"] == [
        {"row": 3, "value": "abc", "reason": "not a valid phone number for FR"}
    ]
    status, page = await api.call("GET", "/contacts?limit=1", token=READER)
    assert status == 200 and [c["phone"] for c in page["contacts"]] == [ALICE]
    assert page["next"] == ALICE
    _, rest = await api.call("GET", f"/contacts?limit=1&after=%2B{ALICE[1:]}", token=READER)
    assert [c["phone"] for c in rest["contacts"]] == [BOB] and rest["next"] is None
    _, unescaped = await api.call("GET", f"/contacts?limit=1&after={ALICE}", token=READER)
    assert unescaped == rest  # a "+" not written %2B arrives as a space: still the same page
    _, grouped = await api.call("GET", "/contacts?group=clients")
    assert len(grouped["contacts"]) == 2
    _, none = await api.call("GET", "/contacts?group=nobody")
    assert none == {"contacts": [], "next": None}

    status, alice = await api.call("GET", f"/contacts/{ALICE}", route="/contacts/{phone}")
    assert alice["fields"] == {"name": "Alice", "ville": "Lyon"}
    assert alice["groups"] == ["clients"] and alice["opted_out"] == []

    body = {"fields": {"name": "Carol"}, "groups": ["lents", "vip"]}
    status, carol = await api.call("PUT", f"/contacts/{CAROL}", route="/contacts/{phone}",
                                   json=body)  # fmt: skip
    assert status == 200 and carol["fields"] == {"name": "Carol"}
    assert carol["groups"] == ["lents", "vip"]
    change = {"fields": {"ville": None, "vip": "yes"}, "add_groups": ["vip"],
              "remove_groups": ["clients"]}  # fmt: skip
    status, alice = await api.call("PATCH", f"/contacts/{ALICE}", route="/contacts/{phone}",
                                   json=change)  # fmt: skip
    assert alice["fields"] == {"name": "Alice", "vip": "yes"} and alice["groups"] == ["vip"]

    status, gone = await api.call("DELETE", f"/contacts/{ALICE}", route="/contacts/{phone}")
    assert status == 200 and gone["phone"] == ALICE
    assert gone["removed"]["contact"] == 1 and gone["opt_outs_kept"] == 0
    assert (await api.call("GET", f"/contacts/{ALICE}"))[0] == 404
    assert (await api.call("DELETE", f"/contacts/{ALICE}"))[0] == 404
    # the export of the CLI reads what the API wrote
    exported = api.workdir / "out.csv"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "engine", "contacts", "export", str(exported),
         "--config", str(api.workdir / "twoway.yaml")],
        env=env, check=True, capture_output=True, timeout=WAIT,
    )  # fmt: skip
    lines = exported.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [CAROL, BOB]


async def test_bad_contact_requests_are_problems_never_5xx(api: Api) -> None:
    for query in ("limit=0", "limit=501", "limit=ten", "limit=1&limit=2", "after="):
        status, problem = await api.call("GET", f"/contacts?{query}")
        assert status == 400, (query, problem)
    assert "from 1 to 500" in (await api.call("GET", "/contacts?limit=0"))[1]["detail"]
    status, problem = await api.call("GET", "/contacts/not-a-phone")
    assert status == 400 and "E.164" in problem["detail"]
    status, problem = await api.call("GET", f"/contacts/{CAROL}")
    assert status == 404 and CAROL in problem["detail"]
    assert (await api.call("PATCH", f"/contacts/{CAROL}", json={"fields": {}}))[0] == 404
    assert (await api.call("PUT", f"/contacts/{CAROL}", json={"fields": 3}))[0] == 400
    assert (await api.call("PUT", f"/contacts/{CAROL}", json={"extra": 1}))[0] == 400
    assert (await api.call("PUT", f"/contacts/{CAROL}", token=READER, json={}))[0] == 403
    assert (await api.call("GET", "/contacts", token=None))[0] == 401

    csv = {"Content-Type": "text/csv"}
    status, problem = await api.call("POST", "/contacts", data=b"name\nx\n", headers=csv)
    assert status == 400 and "no phone column" in problem["detail"]
    status, problem = await api.call("POST", "/contacts", data=b"phone\nabc\n", headers=csv)
    assert status == 422 and "row 2" in problem["detail"]
    xlsx = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    status, problem = await api.call("POST", "/contacts", data=b"PK\x03\x04junk",
                                     headers=xlsx)  # fmt: skip
    assert status == 400 and "XLSX" in problem["detail"]
    json_body = {"Content-Type": "application/json"}
    assert (await api.call("POST", "/contacts", data=b"{}", headers=json_body))[0] == 415
    assert (await api.call("POST", "/contacts?country=ZZ", data=b"phone\n", headers=csv))[0] == 400
    big = b"phone\n" + b"0612345678\n" * (2 * 1024 * 1024)  # 22 MB
    assert (await api.call("POST", "/contacts", data=big, headers=csv))[0] == 413


async def test_an_xlsx_body_is_imported_like_the_cli_imports_it(api: Api) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Téléphone", "Name", "Groups"])
    sheet.append(["06 12 34 56 78", "Alice", "a; b"])
    sheet.append(["0612345679", "Bob", None])
    data = io.BytesIO()
    book.save(data)
    headers = {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    status, report = await api.call("POST", "/contacts?group=x&group=y",
                                    data=data.getvalue(), headers=headers)  # fmt: skip
    assert status == 200 and (report["imported"], report["refused"]) == (2, [])
    _, alice = await api.call("GET", f"/contacts/{ALICE}", route="/contacts/{phone}")
    assert alice["groups"] == ["a", "b", "x", "y"] and alice["fields"] == {"name": "Alice"}


async def test_a_campaign_started_by_the_api_sends_and_starts_once(api: Api) -> None:
    await _import(api)
    _, listed = await api.call("GET", "/campaigns", token=READER)
    assert listed["campaigns"] == api.command("campaign", "list", "--json")
    promo = next(c for c in listed["campaigns"] if c["campaign"] == "promo")
    assert promo["status"] == "not started"
    _, detail = await api.call("GET", "/campaigns/promo", route="/campaigns/{name}")
    assert detail["progress"] is None

    status, shown = await api.call("POST", "/campaigns/promo/preview", token=READER,
                                   route="/campaigns/{name}/preview")  # fmt: skip
    assert status == 200 and shown["recipients"] == 2
    assert shown["samples"][0] == {
        "phone": ALICE, "text": "Bonjour Alice, -20 % avec le code TEST. STOP au 36111"
    }  # fmt: skip
    cli = api.command("campaign", "preview", "promo", "--json")
    assert {k: v for k, v in shown.items() if k not in ("first", "last")} == {
        k: v for k, v in cli.items() if k not in ("first", "last")
    }
    assert (await api.call("POST", "/campaigns/promo/start", token=READER))[0] == 403

    status, started = await api.call("POST", "/campaigns/promo/start",
                                     route="/campaigns/{name}/start")  # fmt: skip
    assert status == 202 and started["recipients"] == 2 and started["campaign"] == "promo"
    await api.client.wait_for(lambda: len(api.client.mts()) == 2, WAIT)
    assert sorted(m["to"] for m in api.client.mts()) == [ALICE, BOB]
    assert {m["text"] for m in api.client.mts()} >= {
        "Bonjour Bob, -20 % avec le code TEST. STOP au 36111"
    }
    status, again = await api.call("POST", "/campaigns/promo/start")
    assert status == 409 and "starts once" in again["detail"]

    _, detail = await api.call("GET", "/campaigns/promo", route="/campaigns/{name}")
    assert detail["progress"]["recipients"] == 2
    cli_status = api.command("campaign", "status", "promo", "--json")
    assert detail["progress"].keys() == cli_status.keys()
    assert detail["progress"]["started_at"] == cli_status["started_at"]


async def test_pause_resume_and_cancel_write_what_the_cli_reads(api: Api) -> None:
    for phone, name in ((ALICE, "Alice"), (BOB, "Bob")):
        body = {"fields": {"name": name}, "groups": ["lents"]}
        await api.call("PUT", f"/contacts/{phone}", route="/contacts/{phone}", json=body)
    status, problem = await api.call("POST", "/campaigns/slow/pause")
    assert status == 409 and "never started" in problem["detail"]
    status, _ = await api.call("POST", "/campaigns/slow/start", route="/campaigns/{name}/start")
    assert status == 202
    await api.client.wait_for(lambda: len(api.client.mts()) == 1, WAIT)  # then one a minute
    route = "/campaigns/{name}/pause"
    status, paused = await api.call("POST", "/campaigns/slow/pause", route=route)
    assert status == 200 and paused == {"campaign": "slow", "status": "paused"}
    assert api.command("campaign", "status", "slow", "--json")["status"] == "paused"
    assert (await api.call("POST", "/campaigns/slow/pause"))[0] == 409
    route = "/campaigns/{name}/resume"
    assert (await api.call("POST", "/campaigns/slow/resume", route=route))[1]["status"] == "running"
    route = "/campaigns/{name}/cancel"
    assert (await api.call("POST", "/campaigns/slow/cancel", route=route))[0] == 200
    status, problem = await api.call("POST", "/campaigns/slow/resume")
    assert status == 409 and "cancelled" in problem["detail"]
    assert api.command("campaign", "status", "slow", "--json")["status"] == "cancelled"
    for act in ("start", "pause", "preview"):
        status, problem = await api.call("POST", f"/campaigns/nope/{act}")
        assert status == 404 and "nope" in problem["detail"]
    assert (await api.call("GET", "/campaigns/nope"))[0] == 404


async def test_the_results_of_a_poll_after_votes(api: Api) -> None:
    for i, vote in enumerate(("VOTE A", "VOTE B", "VOTE A")):
        api.client.send(mo(f"v{i}", f"+3360000000{i}", vote))
        assert (await api.client.answer(f"v{i}"))["type"] == "ack"
    await api.client.wait_for(lambda: len(api.client.mts()) == 3, WAIT)  # replied: committed
    status, listed = await api.call("GET", "/results", token=READER)
    assert {"name": "contest", "kind": "poll", "title": "Song of the year"} in listed["results"]
    assert {"promo", "slow"} <= {r["name"] for r in listed["results"] if r["kind"] == "campaign"}
    status, results = await api.call("GET", "/results/contest", route="/results/{name}")
    (poll,) = results["results"]
    assert {c["key"]: c["votes"] for c in poll["choices"]} == {"A": 2, "B": 1, "C": 0}
    assert poll["voters"] == 3 and results["campaigns"] == []
    assert results == api.command("results", "contest", "--format", "json")
    status, problem = await api.call("GET", "/results/nope")
    assert status == 404 and "contest" in problem["detail"]
    _, survey = await api.call("GET", "/results/survey", route="/results/{name}")
    assert survey["results"][0]["kind"] == "survey"


async def test_the_rules_and_the_errors_of_the_last_load(api: Api) -> None:
    status, rules = await api.call("GET", "/rules", token=READER)
    assert status == 200 and rules["errors"] == [] and rules["watching"] is True
    assert "contest" in rules["flows"] and rules["campaigns"] == ["promo", "slow"]
    version = rules["version"]
    broken = api.workdir / "rules" / "broken.yaml"
    broken.write_text("poll: Broken\nchoices: 3\n", encoding="utf-8")
    deadline = time.monotonic() + WAIT
    while not rules["errors"] and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # a poll: the reloader compiles within a debounce
        _, rules = await api.call("GET", "/rules")
    assert rules["errors"], rules
    assert all("broken.yaml:" in error and "error[E" in error for error in rules["errors"])
    assert rules["version"] == version  # the set serving is still the last good one
