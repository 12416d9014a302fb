"""The console's inbox against a real ``twoway run`` on the jsonl connector: finding threads by a
text of their messages, pages of 50 by cursor, the archive's CSV and XLSX export, canned replies
(with and without a script), a thread's story in plain words (English and French), live
delivery status, and log-in throttling."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from engine.web.console.passwords import hash_password
from tests.support.api_engine import Serving, serving
from tests.support.console import Visitor, handed, write_rules
from tests.support.jsonl_client import mo

PASSWORD = "correct horse 1"
ADMIN_PASSWORD = "battery staple 2"
SUPPORT = "+33600000001"
RECEPTION = "+33600000002"
CANNED = [
    {"name": "Hours", "text": "We are open 9:00-18:00."},
    {"name": "Call back", "text": "We will call you back today."},
]
BOOKING = """\
flow: Booking
trigger: {keyword: BOOK}
states:
  ask_date:
    say: "Which day?"
    wait:
      - when: 'text ~ /^tue/i'
        set: {booking.day: tuesday}
        handoff: support
        say: "A person will text you back."
        goto: booked
  booked:
    wait:
      - otherwise: {say: "Noted."}
"""
WAIT = 30.0
"""Seconds a step may take at most: a bound on a hung test, not a timing."""


@pytest.fixture(scope="module")
def hashes() -> tuple[str, str]:
    return hash_password(PASSWORD), hash_password(ADMIN_PASSWORD)


async def _desk(
    tmp_path: Path,
    hashes: tuple[str, str],
    *,
    ack_mts: bool = True,
    proxies: list[str] | None = None,
) -> AsyncIterator[Serving]:
    users = [
        {"name": "alice", "password": hashes[0], "teams": ["support"]},
        {"name": "carol", "password": hashes[1], "admin": True},
    ]
    rules = write_rules(tmp_path)
    (rules / "booking.yaml").write_text(BOOKING, encoding="utf-8")
    async with serving(
        tmp_path, rules, [], users=users, console={"canned": CANNED}, ack_mts=ack_mts,
        secrets=(PASSWORD, ADMIN_PASSWORD), trusted_proxies=proxies or (),
    ) as running:  # fmt: skip
        yield running


@pytest.fixture
async def desk(tmp_path: Path, hashes: tuple[str, str]) -> AsyncIterator[Serving]:
    async for running in _desk(tmp_path, hashes):
        yield running


@pytest.fixture
async def alice(desk: Serving) -> AsyncIterator[Visitor]:
    visitor = Visitor(desk.url)
    try:
        status, _, _ = await visitor.login(name="alice", password=PASSWORD)
        assert status == 303
        yield visitor
    finally:
        await visitor.close()


def thread_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-thread="(\d+)"', page)]


async def test_threads_are_found_by_a_text_of_their_messages(desk: Serving, alice: Visitor) -> None:
    await handed(desk, "m1", SUPPORT, "HUMAN my parcel 50% late")
    await handed(desk, "m2", "+33600000003", "AGENT where_is it")
    _, _, page = await alice.get("/inbox")
    assert len(thread_ids(page)) == 2
    _, _, found = await alice.get("/inbox?q=parcel")
    assert SUPPORT in found and "+33600000003" not in found
    assert len(thread_ids(found)) == 1
    _, _, found = await alice.get("/inbox?q=PARCEL+50%25")  # LIKE: case aside, % taken as is
    assert len(thread_ids(found)) == 1
    for wildcard in ("%", "_", "\\"):  # no wildcard: nothing has these but the texts above
        _, _, found = await alice.get("/inbox", params={"q": wildcard})
        assert len(thread_ids(found)) == (1 if wildcard in "%_" else 0), wildcard
    _, _, found = await alice.get("/inbox?q=nowhere")
    assert thread_ids(found) == [] and "No thread found." in found
    _, _, found = await alice.get("/inbox?q=our+team")  # the rules' answer is searched too
    assert len(thread_ids(found)) == 2
    _, _, found = await alice.get("/inbox", params={"q": "x" * 5000, "phone": SUPPORT})
    assert thread_ids(found) == []  # cut to 100 characters, bound


async def test_the_inbox_is_listed_50_at_a_time_newest_first(desk: Serving) -> None:
    for n in range(55):
        desk.client.send(mo(f"p{n}", f"+3361000{n:04d}", f"hello {n}"))
    for n in range(55):
        assert (await desk.client.answer(f"p{n}"))["type"] == "ack"
    carol = Visitor(desk.url)
    try:
        await carol.login(name="carol", password=ADMIN_PASSWORD)
        _, _, first = await carol.get("/inbox")
        listed = thread_ids(first)
        assert len(listed) == 50 and 'data-live="inbox"' in first
        older = re.search(r'href="(/inbox\?before=\d+)" rel="next"', first)
        assert older is not None and 'rel="prev"' not in first
        _, _, second = await carol.get(older[1])
        rest = thread_ids(second)
        assert len(rest) == 5 and not set(rest) & set(listed)
        assert 'rel="next"' not in second and 'data-live="inbox"' not in second
        newer = re.search(r'href="(/inbox\?after=\d+)" rel="prev"', second)
        assert newer is not None
        _, _, back = await carol.get(newer[1])
        assert thread_ids(back) == listed
        assert listed + rest == sorted(listed + rest, reverse=True)  # one per phone, in order
    finally:
        await carol.close()


async def test_the_archive_is_exported_as_csv_and_xlsx(desk: Serving, alice: Visitor) -> None:
    from openpyxl import load_workbook

    await handed(desk, "m1", SUPPORT, "HUMAN =1+1")
    await handed(desk, "m2", RECEPTION, "not alice's team")
    _, _, page = await alice.get("/inbox")
    (thread,) = thread_ids(page)
    await alice.form(f"/threads/{thread}", f"/threads/{thread}/reply", text="Done, bye")
    await alice.form(f"/threads/{thread}", f"/threads/{thread}/close")
    _, _, archive = await alice.get("/archive")
    assert thread_ids(archive) == [thread] and "/archive/export.xlsx" in archive

    status, headers, body = await alice.get("/archive/export.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["thread", "contact", "number", "team", "direction", "time", "text",
                       "status", "author"]  # fmt: skip
    texts = {row[6]: row for row in rows[1:]}
    assert set(texts) == {"HUMAN =1+1", "A person from our team will text you back.", "Done, bye"}
    assert texts["Done, bye"][4] == "out" and texts["Done, bye"][8] == "user:alice"
    assert texts["HUMAN =1+1"][:5] == [str(thread), SUPPORT, "36111", "support", "in"]

    async with alice.session.get(desk.url + "/archive/export.xlsx") as response:
        assert response.status == 200
        data = await response.read()
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "thread" and len(values) == len(rows)
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "HUMAN =1+1")
    assert cell.data_type == "s"  # text, not a formula
    status, _, _ = await alice.get("/archive/export.pdf")
    assert status == 404
    status, _, _ = await Visitor(desk.url).get("/archive/export.csv")
    assert status == 303  # no session


HOSTILE = ['=HYPERLINK("http://evil","x")', "+SUM(1,2)", "-2+3", "@cmd", "\tTAB", "\rCR"]


async def test_the_archive_export_keeps_formulas_as_text(desk: Serving, alice: Visitor) -> None:
    from openpyxl import load_workbook

    await handed(desk, "h0", SUPPORT, "HUMAN please")
    for n, text in enumerate(HOSTILE, start=1):
        await handed(desk, f"h{n}", SUPPORT, text)
    _, _, page = await alice.get("/inbox")
    (thread,) = thread_ids(page)
    await alice.form(f"/threads/{thread}", f"/threads/{thread}/reply", text="-5 EUR refunded")
    await alice.form(f"/threads/{thread}", f"/threads/{thread}/close")

    _, _, body = await alice.get("/archive/export.csv")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    texts = [row[6] for row in rows[1:]]
    assert texts[2:] == [f"'{text}" for text in [*HOSTILE, "-5 EUR refunded"]]
    assert {(row[0], row[1], row[2]) for row in rows[1:]} == {(str(thread), SUPPORT, "36111")}

    async with alice.session.get(desk.url + "/archive/export.xlsx") as response:
        data = await response.read()
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [row for row in sheet.iter_rows(min_row=2)]
    xml = [text.replace("\r", "\n") for text in HOSTILE]  # XML reads a CR as a line feed
    assert [row[6].value for row in cells][2:] == [*xml, "-5 EUR refunded"]
    assert {row[6].data_type for row in cells} == {"s"}  # text, never a formula
    assert {(row[0].value, row[1].value) for row in cells} == {(thread, SUPPORT)}
    assert {row[1].data_type for row in cells} == {"s"}


async def test_a_canned_reply_fills_the_reply_box_without_a_script(
    desk: Serving, alice: Visitor
) -> None:
    await handed(desk, "m1", SUPPORT, "HUMAN please")
    _, _, page = await alice.get("/inbox")
    (thread,) = thread_ids(page)
    _, _, page = await alice.get(f"/threads/{thread}")
    assert '<select id="canned" name="canned">' in page
    assert 'data-text="We are open 9:00-18:00."' in page and ">Call back</option>" in page
    _, _, page = await alice.get(f"/threads/{thread}?canned=Call+back")
    assert "We will call you back today.</textarea>" in page
    _, _, page = await alice.get(f"/threads/{thread}?canned=nothing")
    assert "></textarea>" in page


async def test_a_thread_tells_its_flow_variables_and_events_in_words(
    desk: Serving, alice: Visitor
) -> None:
    await handed(desk, "b1", SUPPORT, "BOOK")
    await handed(desk, "b2", SUPPORT, "tuesday please")
    _, _, page = await alice.get("/inbox")
    (thread,) = thread_ids(page)
    _, _, page = await alice.get(f"/threads/{thread}")
    story = page.split('id="story-title"', 1)[1]
    assert "In flow booking, waiting in state booked" in story
    assert "booking.day is tuesday" in story, story
    assert re.search(r"Started flow booking in state ask_date at \d\d:\d\d", story), story
    assert re.search(r"Handed to support at \d\d:\d\d", story), story
    await alice.get("/language/fr")
    _, _, page = await alice.get(f"/threads/{thread}")
    story = page.split('id="story-title"', 1)[1]
    assert "Ce qui s'est passé" in page and "booking.day vaut tuesday" in story
    assert re.search(r"Parcours booking commencé à l&#39;état ask_date à \d\d:\d\d", story)
    assert re.search(r"Transféré à support à \d\d:\d\d", story), story


async def _events_until(stream: aiohttp.ClientResponse, wanted: str) -> None:
    async with asyncio.timeout(WAIT):
        async for line in stream.content:
            if line.decode().strip() == f"event: {wanted}":
                return
    raise AssertionError(f"the stream ended before an event {wanted}")


async def test_a_committed_status_is_told_to_the_thread_page(
    tmp_path: Path, hashes: tuple[str, str]
) -> None:
    """The client acknowledges the reply's MT only when told: the ``delivery`` event follows."""
    async for desk in _desk(tmp_path, hashes, ack_mts=False):
        await _delivery_told(desk)


async def _delivery_told(desk: Serving) -> None:
    visitor = Visitor(desk.url)
    try:
        await visitor.login(name="alice", password=PASSWORD)
        await handed(desk, "m1", SUPPORT, "HUMAN please")
        (thread,) = thread_ids((await visitor.get("/inbox"))[2])
        async with visitor.session.get(desk.url + "/events") as stream:
            await _events_until_connected(stream)
            await visitor.form(f"/threads/{thread}", f"/threads/{thread}/reply", text="Hi")
            await desk.client.wait_for(lambda: _mt(desk, "Hi") is not None)
            _, _, listed = await visitor.get(f"/threads/{thread}/messages")
            assert "Hi</p>" in listed and "sending" in listed.split("Hi</p>", 1)[1]
            desk.client.send({"type": "mt_ack", "ref": _mt(desk, "Hi")})
            while "· sent" not in listed.split("Hi</p>", 1)[1]:  # ``sending`` was told too
                await _events_until(stream, "delivery")
                _, _, listed = await visitor.get(f"/threads/{thread}/messages")
    finally:
        await visitor.close()


async def _events_until_connected(stream: aiohttp.ClientResponse) -> None:
    async with asyncio.timeout(WAIT):
        async for line in stream.content:
            if line.startswith(b": connected"):
                return


def _mt(desk: Serving, text: str) -> int | None:
    return next((f["ref"] for f in desk.client.frames if f.get("type") == "mt"
                 and f.get("text") == text), None)  # fmt: skip


async def test_log_ins_that_keep_failing_are_refused_for_a_while(
    desk: Serving, alice: Visitor
) -> None:
    stranger = Visitor(desk.url)
    try:
        for _ in range(5):
            status, headers, _ = await stranger.login(name="alice", password="guess")
            assert headers["Location"] == "/login?notice=bad-login"
        status, headers, page = await stranger.login(name="alice", password=PASSWORD)
        assert status == 429 and int(headers["Retry-After"]) > 0
        assert "Too many failed log-ins: wait 5 minutes, then try again." in page
        assert "twoway_session" not in stranger.cookies()
        status, _, _ = await stranger.login(name="carol", password=ADMIN_PASSWORD)
        assert status == 429  # the same address, whatever the name
        status, _, _ = await alice.get("/inbox")
        assert status == 200  # a session opened before is not touched
    finally:
        await stranger.close()


def behind_proxy(desk: Serving, client: str) -> Visitor:
    """A browser whose requests come through a reverse proxy on 127.0.0.1 (the test's own
    address), which names ``client`` in X-Forwarded-For after what the browser wrote."""
    return Visitor(desk.url, headers={"X-Forwarded-For": f"192.0.2.66, {client}"})


@pytest.fixture
async def proxied_desk(tmp_path: Path, hashes: tuple[str, str]) -> AsyncIterator[Serving]:
    async for running in _desk(tmp_path, hashes, proxies=["127.0.0.1", "::1"]):
        yield running


async def test_behind_a_trusted_proxy_log_ins_are_throttled_per_client(
    proxied_desk: Serving,
) -> None:
    stranger = behind_proxy(proxied_desk, "203.0.113.9")
    colleague = behind_proxy(proxied_desk, "198.51.100.4")
    try:
        for name in ("bob", "dave", "erin", "frank", "gus"):  # 5 names: only the address counts
            status, headers, _ = await stranger.login(name=name, password="guess")
            assert headers["Location"] == "/login?notice=bad-login"
        status, _, page = await stranger.login(name="carol", password=ADMIN_PASSWORD)
        assert status == 429 and "Too many failed log-ins" in page
        status, headers, _ = await colleague.login(name="carol", password=ADMIN_PASSWORD)
        assert (status, headers["Location"]) == (303, "/inbox")  # another client behind the proxy
    finally:
        await stranger.close()
        await colleague.close()


async def test_without_trusted_proxies_x_forwarded_for_is_not_believed(desk: Serving) -> None:
    stranger = behind_proxy(desk, "203.0.113.9")
    colleague = behind_proxy(desk, "198.51.100.4")
    try:
        for name in ("bob", "dave", "erin", "frank", "gus"):
            await stranger.login(name=name, password="guess")
        status, _, _ = await colleague.login(name="carol", password=ADMIN_PASSWORD)
        assert status == 429  # one address, 127.0.0.1, whatever the header says
    finally:
        await stranger.close()
        await colleague.close()
