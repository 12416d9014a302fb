"""The hand-off inbox over real HTTP, against a real ``twoway run`` bound to node-smpp (a peer we
did not write): a conversation handed to a team is held (the rules answer it no more), its
messages join the thread, a person's reply reaches the SMSC from the conversation's number, and
``release`` gives it back to the rules."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.engine_process import HOST, STARTUP_TIMEOUT, Engine
from tests.support.fixtures import smsc
from tests.support.jsonl_peer import free_port, wait_for_port
from tests.transports.node_smsc import NodeSmsc

__all__ = ["smsc"]  # the fixture: a fresh node-smpp SMSC per test

TOKEN = "desk-5ecret-t0ken"
SENDER = "demo-5ecret-t0ken"
CONTACT = "33612345678"  # as the SMSC sends it (international TON): +33612345678 for us
RULES = """\
number: "36111"
autoreply:
  - keyword: HOURS
    reply: "We are open 9:00-18:00."
  - keyword: [HUMAN, AGENT]
    reply: "A person from our team will text you back."
    handoff: support
  - otherwise:
      reply: "Send HOURS, or HUMAN for a person."
      handoff: inbox
"""


@dataclass
class Desk:
    url: str
    smsc: NodeSmsc
    engine: Engine
    session: aiohttp.ClientSession
    db: Path

    async def call(self, method: str, path: str, token: str = TOKEN, **kw: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
        async with self.session.request(method, self.url + path, headers=headers, **kw) as r:
            return r.status, await r.json(content_type=None)

    async def mo(self, text: str, sender: str = CONTACT) -> None:
        """An MO from the SMSC, answered (``deliver_sm_resp``) only once committed."""
        resp = await self.smsc.mo_resp(await self.smsc.mo(sender, "36111", text))
        assert resp["status"] == 0, resp

    def submits(self) -> list[tuple[str, str, str]]:
        return [(e["source_addr"], e["destination_addr"], e["message"])
                for e in self.smsc.named("submit_sm")]  # fmt: skip

    async def submitted(self, count: int) -> list[tuple[str, str, str]]:
        await self.smsc.wait_for(lambda e: e["event"] == "submit_sm", timeout=20, count=count)
        return self.submits()


@pytest.fixture
async def desk(tmp_path: Path, smsc: NodeSmsc) -> AsyncIterator[Desk]:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "desk.yaml").write_text(RULES, encoding="utf-8")
    http_port = free_port()
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\n"
        f"rules: {rules}\n"
        "reload: false\n"
        f'http: {{listen: "{HOST}:{http_port}", tokens: [\n'
        f'  {{name: desk, token: "{TOKEN}", scopes: [inbox, read]}},\n'
        f'  {{name: demo, token: "{SENDER}", scopes: [send, read]}}]}}\n'
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        f"    port: {smsc.port}\n"
        "    system_id: twoway\n"
        "    password: secret\n"
        "    bind: transceiver\n"
        "numbers:\n"
        '  "36111": {connector: operator, kind: short_code, throughput: 100/s}\n',
        encoding="utf-8",
    )
    engine = Engine(tmp_path, config)
    try:
        proc = await engine.launch()
        await wait_for_port(HOST, http_port, STARTUP_TIMEOUT, lambda: proc.returncode is None)
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", timeout=STARTUP_TIMEOUT)
        async with aiohttp.ClientSession() as session:
            yield Desk(f"http://{HOST}:{http_port}", smsc, engine, session, tmp_path / "twoway.db")
    finally:
        with contextlib.suppress(Exception):
            await engine.cleanup()
    log = engine.log()
    assert "Traceback" not in log, log
    assert TOKEN not in log and SENDER not in log


async def test_a_person_answers_a_handed_off_conversation_and_gives_it_back(desk: Desk) -> None:
    await desk.mo("HUMAN please")
    assert await desk.submitted(1) == [
        ("36111", CONTACT, "A person from our team will text you back.")
    ]
    status, page = await desk.call("GET", "/api/v1/inbox")
    assert status == 200, page
    (thread,) = page["threads"]
    assert page["next"] is None
    assert (thread["contact"], thread["number"], thread["team"]) == ("+33612345678", "36111",
                                                                     "support")  # fmt: skip
    assert (thread["kind"], thread["status"], thread["assigned_to"]) == ("handoff", "open", None)

    # Held: the contact's messages join the thread and nothing answers them, HOURS included.
    await desk.mo("HOURS?")
    await desk.mo("My order 4512 never came")
    status, taken = await desk.call("POST", f"/api/v1/inbox/{thread['id']}/assign",
                                    json={"to": "Camille"})  # fmt: skip
    assert status == 200 and (taken["status"], taken["assigned_to"]) == ("assigned", "Camille")
    status, replied = await desk.call(
        "POST", f"/api/v1/inbox/{thread['id']}/reply",
        json={"text": "Sorry Mr Martin, order 4512 leaves today."},
        headers={"Idempotency-Key": "answer-1"},
    )  # fmt: skip
    assert status == 202, replied
    assert (replied["status"], replied["thread"]) == ("sending", thread["id"])
    assert await desk.submitted(2) == [
        ("36111", CONTACT, "A person from our team will text you back."),
        ("36111", CONTACT, "Sorry Mr Martin, order 4512 leaves today."),
    ]
    again = await desk.call(
        "POST", f"/api/v1/inbox/{thread['id']}/reply",
        json={"text": "Sorry Mr Martin, order 4512 leaves today."},
        headers={"Idempotency-Key": "answer-1"},
    )  # fmt: skip
    assert again == (202, replied)  # the same key never sends twice

    status, detail = await desk.call("GET", f"/api/v1/inbox/{thread['id']}")
    assert status == 200
    assert [(m["direction"], m["text"], m["author"]) for m in detail["messages"]] == [
        ("in", "HUMAN please", None),
        ("out", "A person from our team will text you back.", None),
        ("in", "HOURS?", None),
        ("in", "My order 4512 never came", None),
        ("out", "Sorry Mr Martin, order 4512 leaves today.", "token:desk"),
    ]
    status, convs = await desk.call("GET", "/api/v1/conversations", params={"team": "support"})
    assert status == 200
    (conv,) = convs["conversations"]
    assert (conv["contact"], conv["held"], conv["thread"]) == ("+33612345678", True, thread["id"])
    assert conv["last_text"] == "Sorry Mr Martin, order 4512 leaves today."

    status, released = await desk.call("POST", f"/api/v1/inbox/{thread['id']}/release")
    assert status == 200
    assert (released["status"], released["closed_by"]) == ("released", "token:desk")
    await desk.mo("HOURS")  # the rules answer again
    assert (await desk.submitted(3))[-1] == ("36111", CONTACT, "We are open 9:00-18:00.")
    status, closed = await desk.call("POST", f"/api/v1/inbox/{thread['id']}/reply",
                                     json={"text": "one more thing"})  # fmt: skip
    assert status == 409 and "closed" in closed["detail"]
    assert len(desk.submits()) == 3

    with sqlite3.connect(desk.db) as conn:
        (author,) = conn.execute("SELECT author FROM outbox WHERE kind = 'agent'").fetchone()
    assert author == "token:desk"


async def test_an_unanswered_message_is_listed_without_silencing_the_rules(desk: Desk) -> None:
    await desk.mo("gift cards?")
    await desk.mo("HOURS")
    assert await desk.submitted(2) == [
        ("36111", CONTACT, "Send HOURS, or HUMAN for a person."),
        ("36111", CONTACT, "We are open 9:00-18:00."),
    ]
    status, page = await desk.call("GET", "/api/v1/inbox", params={"team": "inbox"})
    (thread,) = page["threads"]
    assert (thread["kind"], thread["status"]) == ("unmatched", "open")
    for text, found in (("GIFT", [thread["id"]]), ("for a person", [thread["id"]]), ("vinyl", [])):
        status, page = await desk.call("GET", "/api/v1/inbox", params={"text": text})
        assert status == 200 and [t["id"] for t in page["threads"]] == found, (text, page)
    status, closed = await desk.call("POST", f"/api/v1/inbox/{thread['id']}/close")
    assert status == 200 and closed["status"] == "closed"
    status, page = await desk.call("GET", "/api/v1/inbox")
    assert page["threads"] == []
    status, page = await desk.call("GET", "/api/v1/inbox", params={"status": "closed"})
    assert [t["id"] for t in page["threads"]] == [thread["id"]]


async def test_a_reply_to_an_opted_out_contact_is_refused(desk: Desk) -> None:
    await desk.mo("AGENT")
    await desk.mo("STOP")  # a compliance word is still honoured in a held conversation
    await desk.submitted(2)
    status, page = await desk.call("GET", "/api/v1/inbox")
    (thread,) = page["threads"]
    status, refused = await desk.call("POST", f"/api/v1/inbox/{thread['id']}/reply",
                                      json={"text": "Are you there?"})  # fmt: skip
    assert status == 409 and "opted out" in refused["detail"]
    with sqlite3.connect(desk.db) as conn:  # refused: nothing written, so nothing can leave
        assert conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'agent'").fetchone() == (0,)


async def test_inbox_routes_need_the_inbox_scope_and_name_bad_input(desk: Desk) -> None:
    status, problem = await desk.call("GET", "/api/v1/inbox", token=SENDER)
    assert status == 403 and "inbox" in problem["detail"]
    status, problem = await desk.call("GET", "/api/v1/inbox", params={"limit": "many"})
    assert status == 400
    assert problem["detail"] == "query parameter limit='many': must be an integer from 1 to 500"
    status, problem = await desk.call("GET", "/api/v1/inbox", params={"status": "pending"})
    assert status == 400 and problem["detail"] == (
        "query parameter status='pending': must be one of open, assigned, closed, released, "
        "active, all"
    )
    status, problem = await desk.call("GET", "/api/v1/inbox", params={"limt": "5"})
    assert status == 400 and problem["detail"] == (
        "unknown query parameter(s): limt (this route takes: after, assigned_to, contact, limit, "
        "status, team, text)"
    )
    status, page = await desk.call("GET", "/api/v1/inbox", params={"text": "x" * 100})
    assert status == 200 and page["threads"] == []  # as much as the search looks for
    status, problem = await desk.call("GET", "/api/v1/inbox", params={"text": "x" * 101})
    assert status == 400 and "text" in problem["detail"], problem
    status, problem = await desk.call("GET", "/api/v1/inbox/9999")
    assert status == 404 and problem["detail"] == "no inbox thread 9999"
    status, problem = await desk.call("POST", "/api/v1/inbox/abc/close")
    assert status == 404
    status, problem = await desk.call("GET", "/api/v1/conversations", params={"after": "x"})
    assert status == 400 and "/after" in problem["detail"]
