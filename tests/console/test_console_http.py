"""The web console over plain HTTP against a real ``twoway run`` on the jsonl connector: no page
without a session, CSRF on every form, the cookie's flags, users and their teams, a reply
recorded with its author, the first start's token file and its one-time link."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine.config import load_config
from engine.web.console.passwords import hash_password, verify_password
from tests.support.api_engine import Serving, serving
from tests.support.console import Visitor, handed, write_rules

REPO = Path(__file__).resolve().parents[2]
ALICE_PASSWORD = "correct horse 1"
CAROL_PASSWORD = "battery staple 2"
TOKEN = "desk-5ecret-t0ken"
SUPPORT_PHONE = "+33600000001"
RECEPTION_PHONE = "+33600000002"


@pytest.fixture(scope="module")
def hashes() -> tuple[str, str]:
    return hash_password(ALICE_PASSWORD), hash_password(CAROL_PASSWORD)


@pytest.fixture
async def desk(tmp_path: Path, hashes: tuple[str, str]) -> AsyncIterator[Serving]:
    users = [
        {"name": "alice", "password": hashes[0], "teams": ["support"]},
        {"name": "carol", "password": hashes[1], "admin": True},
    ]
    tokens = [{"name": "crm", "token": TOKEN, "scopes": ["inbox", "read"]}]
    async with serving(
        tmp_path, write_rules(tmp_path), tokens, users=users,
        secrets=(TOKEN, ALICE_PASSWORD, CAROL_PASSWORD, *hashes),
    ) as running:  # fmt: skip
        yield running


def thread_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-thread="(\d+)"', page)]


async def test_without_a_session_pages_redirect_and_the_rest_answers_401(
    visitor: Visitor,
) -> None:
    for path in ("/", "/inbox", "/threads/1"):
        status, headers, _ = await visitor.get(path)
        assert status == 303 and headers["Location"].startswith("/login"), path
    for path in ("/events", "/count?text=hi", "/inbox/rows", "/threads/1/messages"):
        status, _, _ = await visitor.get(path)
        assert status == 401, path
    status, _, _ = await visitor.post("/threads/1/reply", {"text": "hi", "csrf": "x"})
    assert status == 401
    status, headers, page = await visitor.get("/login")
    assert status == 200 and 'name="password"' in page
    assert "Content-Security-Policy" in headers


async def test_a_user_logs_in_with_a_cookie_that_scripts_and_other_sites_cannot_use(
    visitor: Visitor,
) -> None:
    status, headers, _ = await visitor.login(name="alice", password="wrong")
    assert status == 303 and headers["Location"] == "/login?notice=bad-login"
    assert "twoway_session" not in visitor.cookies()
    status, headers, _ = await visitor.login(name="nobody", password=ALICE_PASSWORD)
    assert headers["Location"] == "/login?notice=bad-login"

    status, headers, _ = await visitor.login(name="alice", password=ALICE_PASSWORD)
    assert status == 303 and headers["Location"] == "/inbox"
    assert "twoway_session" in visitor.cookies()
    (cookie,) = [c for c in visitor.set_cookies if c.startswith("twoway_session=")]
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    assert "secure" not in flags  # plain HTTP here; tests/web/test_http_tls.py serves TLS

    status, _, page = await visitor.get("/inbox")
    assert status == 200 and "alice" in page and "Log out" in page
    status, headers, _ = await visitor.form("/inbox", "/logout")
    assert status == 303 and headers["Location"].startswith("/login")
    status, _, _ = await visitor.get("/inbox")
    assert status == 303


async def test_a_form_without_its_csrf_token_is_refused(desk: Serving, visitor: Visitor) -> None:
    for csrf in ({}, {"csrf": "\0"}, {"csrf": ""}):  # the log-in form too (no cookie yet)
        data = {"name": "alice", "password": ALICE_PASSWORD, **csrf}
        status, _, _ = await visitor.post("/login", data)
        assert status == 403, csrf
    await visitor.login(name="alice", password=ALICE_PASSWORD)
    await handed(desk, "m1", SUPPORT_PHONE, "HUMAN please")
    _, _, page = await visitor.get("/inbox")
    (thread,) = thread_ids(page)
    for data in ({}, {"csrf": "not-the-token"}):
        for act in ("reply", "assign", "close", "release"):
            status, _, body = await visitor.post(f"/threads/{thread}/{act}", {"text": "x", **data})
            assert status == 403 and "out of date" in body, act
    status, _, _ = await visitor.post("/logout", {})
    assert status == 403
    _, _, page = await visitor.get(f"/threads/{thread}")
    assert "assigned" not in page.split("<ol", 1)[0]  # nothing was done


async def test_a_person_sees_their_teams_and_an_admin_sees_all(
    desk: Serving, visitor: Visitor
) -> None:
    await handed(desk, "m1", SUPPORT_PHONE, "HUMAN please")
    await handed(desk, "m2", RECEPTION_PHONE, "where is my order")
    await visitor.login(name="alice", password=ALICE_PASSWORD)
    _, _, page = await visitor.get("/inbox")
    assert SUPPORT_PHONE in page and RECEPTION_PHONE not in page
    (support,) = thread_ids(page)
    carol = Visitor(desk.url)
    try:
        await carol.login(name="carol", password=CAROL_PASSWORD)
        _, _, page = await carol.get("/inbox")
        listed = thread_ids(page)
        assert len(listed) == 2 and listed[1] == support  # newest first
        reception = listed[0]
    finally:
        await carol.close()
    status, _, _ = await visitor.get(f"/threads/{reception}")
    assert status == 404
    _, _, page = await visitor.get("/inbox", params={"phone": "0033 6 00 00 00 01"})
    assert thread_ids(page) == [support]
    _, _, page = await visitor.get("/inbox", params={"phone": RECEPTION_PHONE})
    assert thread_ids(page) == []  # not alice's team
    status, _, _ = await visitor.form(f"/threads/{support}", f"/threads/{reception}/close")
    assert status == 404


async def test_a_reply_reaches_the_contact_and_records_who_wrote_it(
    desk: Serving, visitor: Visitor
) -> None:
    await handed(desk, "m1", SUPPORT_PHONE, "HUMAN please")
    await handed(desk, "m2", SUPPORT_PHONE, "are you there?")
    await visitor.login(name="alice", password=ALICE_PASSWORD)
    _, _, page = await visitor.get("/inbox")
    (thread,) = thread_ids(page)
    assert '<span class="badge">2</span>' in page  # two unread
    before = len(desk.client.mts())
    status, headers, _ = await visitor.form(
        f"/threads/{thread}", f"/threads/{thread}/reply", text="Hello, Alice here."
    )
    assert status == 303 and headers["Location"].endswith("notice=sent")
    await desk.client.wait_for(lambda: len(desk.client.mts()) > before)
    assert desk.client.mts()[-1]["text"] == "Hello, Alice here."
    _, _, page = await visitor.get("/inbox")
    assert 'class="badge"' not in page  # answered
    await visitor.form(f"/threads/{thread}", f"/threads/{thread}/assign")
    await visitor.form(f"/threads/{thread}", f"/threads/{thread}/close")
    with sqlite3.connect(desk.engine.workdir / "twoway.db") as db:
        authors = db.execute("SELECT author FROM outbox WHERE kind = 'agent'").fetchall()
        done = db.execute("SELECT assigned_to, status, closed_by FROM threads").fetchall()
    assert authors == [("user:alice",)]
    assert done == [("alice", "closed", "user:alice")]
    _, _, page = await visitor.get("/inbox")
    assert thread_ids(page) == []
    _, _, page = await visitor.get("/archive")  # closed threads are archived
    assert thread_ids(page) == [thread] and "by user:alice" in page
    _, _, page = await visitor.get(f"/threads/{thread}")
    assert "Hello, Alice here." in page and 'action="/threads/' not in page.split("<ol")[1]
    status, headers, _ = await visitor.form(
        f"/threads/{thread}", f"/threads/{thread}/reply", text="too late"
    )
    assert headers["Location"].endswith("notice=thread-closed")


async def test_a_reply_to_an_opted_out_contact_is_refused(desk: Serving, visitor: Visitor) -> None:
    await handed(desk, "m1", SUPPORT_PHONE, "HUMAN please")
    await handed(desk, "m2", SUPPORT_PHONE, "STOP")
    await visitor.login(name="alice", password=ALICE_PASSWORD)
    _, _, page = await visitor.get("/inbox")
    (thread,) = thread_ids(page)
    _, _, page = await visitor.get(f"/threads/{thread}")
    assert "opted out of 36111" in page and "/reply" not in page  # no reply form
    status, headers, _ = await visitor.form(
        f"/threads/{thread}", f"/threads/{thread}/reply", text="Still there?"
    )
    assert status == 303 and headers["Location"].endswith("notice=opted-out")
    _, _, page = await visitor.get(headers["Location"])
    assert "opted out of this number" in page
    with sqlite3.connect(desk.engine.workdir / "twoway.db") as db:
        assert db.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'agent'").fetchone() == (0,)


async def test_an_api_token_logs_in_and_the_counter_uses_the_engines_splitter(
    desk: Serving, visitor: Visitor
) -> None:
    status, headers, _ = await visitor.login(token="not-it")
    assert headers["Location"] == "/login?notice=bad-login"
    status, headers, _ = await visitor.login(token=TOKEN)
    assert status == 303 and headers["Location"] == "/inbox"
    _, _, page = await visitor.get("/inbox")
    assert "crm (admin)" in page
    async with visitor.session.get(visitor.url + "/count", params={"text": "a" * 161}) as r:
        assert await r.json() == {
            "characters": 161, "parts": 2, "encoding": "gsm7", "most": 10,
            "said": "161 characters · 2 SMS (gsm7)",
        }  # fmt: skip
    async with visitor.session.get(visitor.url + "/count", params={"text": "ok 🙂"}) as r:
        counted = await r.json()
    assert (counted["parts"], counted["encoding"]) == (1, "ucs2")


async def test_the_event_stream_says_when_the_inbox_changes_and_keeps_alive(
    desk: Serving, visitor: Visitor
) -> None:
    await visitor.login(name="carol", password=CAROL_PASSWORD)
    async with visitor.session.get(visitor.url + "/events") as stream:
        assert stream.status == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        first = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 10)
        assert b": connected" in first
        await handed(desk, "m1", RECEPTION_PHONE, "hello?")
        seen = b""
        async with asyncio.timeout(15):
            while b"event: inbox" not in seen:
                seen += await stream.content.readuntil(b"\n\n")
        async with asyncio.timeout(15):  # request_timeout 10 s: a keep-alive every 5 s
            while b": keep-alive" not in seen:
                seen += await stream.content.readuntil(b"\n\n")
        # a person's act through the REST API is seen too
        _, _, page = await visitor.get("/inbox")
        (thread,) = thread_ids(page)
        seen = b""
        async with desk.session.post(
            f"{desk.url}/api/v1/inbox/{thread}/assign", json={"to": "bob"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as taken:  # fmt: skip
            assert taken.status == 200
        async with asyncio.timeout(15):
            while b"event: inbox" not in seen:
                seen += await stream.content.readuntil(b"\n\n")
        # a log-out ends the page's stream (at its next keep-alive at most)
        status, _, _ = await visitor.form("/inbox", "/logout")
        assert status == 303
        async with asyncio.timeout(15):
            while await stream.content.read(1024):
                pass


async def test_a_first_start_without_credentials_makes_a_private_token_and_a_link_that_works_once(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path, write_rules(tmp_path), []) as running:
        token_file = tmp_path / "twoway.db.console-token"
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text(encoding="utf-8").strip()
        log = running.engine.log()
        assert token not in log
        (link,) = re.findall(r"http://127\.0\.0\.1:\d+/login\?once=[\w-]+", log)
        assert link.startswith(running.url)
        first, second = Visitor(running.url), Visitor(running.url)
        try:
            path = link.removeprefix(running.url)
            status, headers, _ = await first.get(path)
            assert status == 303 and headers["Location"] == "/inbox"
            status, _, page = await first.get("/inbox")
            assert status == 200 and "console (admin)" in page
            status, headers, _ = await second.get(path)
            assert status == 303 and headers["Location"] == "/login?notice=link-used"
            assert (await second.get("/inbox"))[0] == 303
            status, headers, _ = await second.login(token=token)
            assert headers["Location"] == "/inbox"
        finally:
            await first.close()
            await second.close()
    # the second start keeps the token and logs no new link
    async with serving(tmp_path, tmp_path / "rules", []) as running:
        assert token_file.read_text(encoding="utf-8").strip() == token
        assert "once=" not in running.engine.log()


def test_hash_password_writes_a_hash_that_the_configuration_takes(tmp_path: Path) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "engine", "hash-password"], input="s3cret pass\n",
        capture_output=True, text=True, timeout=60, check=True, cwd=REPO,
    )  # fmt: skip
    hashed = made.stdout.strip()
    assert hashed.startswith("scrypt$32768$8$1$") and "s3cret" not in made.stdout + made.stderr
    assert verify_password("s3cret pass", hashed)
    assert not verify_password("s3cret pas", hashed)
    assert not verify_password("s3cret pass", "scrypt$1$2$3$bad")
    assert hash_password("s3cret pass") != hashed  # a salt of its own
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f'http: {{users: [{{name: alice, password: "{hashed}", teams: [reception]}}]}}\n',
        encoding="utf-8",
    )
    (alice,) = load_config(config).http.users
    assert (alice.name, alice.teams, alice.admin) == ("alice", frozenset({"reception"}), False)
    assert hashed not in repr(alice)
    config.write_text("http: {users: [{name: bob, password: hunter2}]}\n", encoding="utf-8")
    checked = subprocess.run(
        [sys.executable, "-m", "engine", "check", "--config", str(config), "--no-rules"],
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO,
    )  # fmt: skip
    assert checked.returncode == 1 and "hash-password" in checked.stdout, checked.stdout
    empty = subprocess.run(
        [sys.executable, "-m", "engine", "hash-password"], input="\n",
        capture_output=True, text=True, timeout=60, check=False, cwd=REPO,
    )  # fmt: skip
    assert empty.returncode == 1 and "empty" in empty.stderr


def test_the_session_cookie_is_secure_when_the_listener_speaks_tls() -> None:
    from aiohttp import web

    from engine.config import Config
    from engine.web.api import Api
    from engine.web.console import Console

    for tls, secure in ((True, True), (False, False)):
        console = Console(Api(object(), Config()), Config(), tls=tls, idle=10)  # type: ignore[arg-type]
        response = web.Response()
        console.set_cookie(response, "twoway_session", "x")
        cookie = response.cookies["twoway_session"].OutputString()
        flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
        assert ("secure" in flags) is secure
        assert {"httponly", "samesite=strict", "path=/"} <= flags
        assert console.live.keepalive == 5  # half of http.request_timeout


async def test_an_open_event_stream_does_not_hold_up_a_graceful_stop(
    desk: Serving, visitor: Visitor
) -> None:
    await visitor.login(name="carol", password=CAROL_PASSWORD)
    async with visitor.session.get(visitor.url + "/events") as stream:
        await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 10)
        assert desk.engine.proc is not None
        desk.engine.proc.send_signal(signal.SIGTERM)
        assert await desk.engine.wait(15) == 0
        async with asyncio.timeout(5):
            while await stream.content.read(1024):
                pass


def test_a_token_file_that_cannot_be_written_leaves_the_engine_running(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from engine.config import Config
    from engine.web.console.auth import Auth

    (tmp_path / "file").write_text("", encoding="utf-8")
    auth = Auth(Config(store=str(tmp_path / "file" / "twoway.db")))  # its folder is a file
    auth.first_start()
    auth.announce(8080)
    assert auth.tokens == () and auth.by_token("") is None
    assert "cannot write or read" in caplog.text and "once=" not in caplog.text


async def test_the_console_speaks_the_browsers_language_or_the_one_chosen(
    desk: Serving, visitor: Visitor
) -> None:
    french = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
    _, _, page = await visitor.get("/login", headers=french)
    assert '<html lang="fr">' in page and "Se connecter" in page and "Mot de passe" in page
    await visitor.login(token=TOKEN)
    await handed(desk, "fr-1", SUPPORT_PHONE, "AIDE")
    _, _, page = await visitor.get("/inbox", headers=french)
    assert "Boîte de réception" in page and "toutes les équipes" in page and "ouvert" in page
    async with visitor.session.get(
        visitor.url + "/count", params={"text": "é" * 3}, headers=french
    ) as r:
        assert (await r.json())["said"] == "3 caractères · 1 SMS (gsm7)"
    _, _, page = await visitor.get("/inbox")  # no Accept-Language: the engine's (LANG=C)
    assert '<html lang="en">' in page and "Inbox" in page
    status, headers, _ = await visitor.get("/language/fr?back=/archive")
    assert (status, headers["Location"]) == (303, "/archive")
    _, _, page = await visitor.get("/archive", headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in page and "Archives" in page  # the choice beats the browser
    status, headers, _ = await visitor.get("/language/en?back=//evil.example/")
    assert headers["Location"] == "/inbox"  # never away from the console
    _, _, page = await visitor.get("/inbox")
    assert "Boîte de réception" not in page
