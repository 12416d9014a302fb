"""MO ids on the jsonl connector, against the real ``twoway run``: an id must be a non-empty
string; the same id with the same content is a re-delivery (acknowledged again, processed once);
the same id with other content is refused with a nack and a warning, never acked and dropped."""

from __future__ import annotations

from pathlib import Path

from tests.support.jsonl_client import Client, assert_clean, mo, running_engine


async def test_an_empty_or_non_string_id_is_refused_and_swallows_no_later_message(
    tmp_path: Path,
) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        client.send(mo("", "+33600000001", "HOURS"))
        assert await client.answer("") == {
            "type": "nack",
            "id": "",
            "error": "id must not be empty",
        }
        client.send(mo("", "+33600000002", "ADDRESS"))
        assert (await client.answer(""))["type"] == "nack"
        client.send(mo("7", "+33600000003", "HOURS"))
        assert (await client.answer("7"))["type"] == "ack"
        client.send(mo(7, "+33600000004", "ADDRESS"))
        assert await client.answer(7) == {
            "type": "nack",
            "id": 7,
            "error": "id must be a string, not a number",
        }
        client.send(mo("8", "+33600000005", "HOURS"))
        assert (await client.answer("8"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 2)
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT external_id, sender FROM inbound ORDER BY id") == [
        ("7", "+33600000003"),
        ("8", "+33600000005"),
    ]
    assert running.rows("SELECT contact, status FROM outbox ORDER BY id") == [
        ("+33600000003", "sent"),
        ("+33600000005", "sent"),
    ]
    assert_clean(running.log())


async def test_the_same_id_with_the_same_content_is_a_redelivery(tmp_path: Path) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        client.send(mo("r1", "+33600000001", "HOURS"))
        assert (await client.answer("r1"))["type"] == "ack"
        client.send(mo("r1", "+33600000001", "HOURS"))  # the peer missed the ack: again
        assert (await client.answer("r1"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT COUNT(*) FROM inbound") == [(1,)]
    assert running.rows("SELECT status FROM outbox") == [("sent",)]
    assert_clean(running.log())


async def test_the_same_id_with_other_content_is_refused_with_a_warning(tmp_path: Path) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        client.send(mo("c1", "+33600000001", "HOURS"))
        assert (await client.answer("c1"))["type"] == "ack"
        client.send(mo("c1", "+33600000002", "HOURS"))
        assert await client.answer("c1") == {
            "type": "nack",
            "id": "c1",
            "error": "id 'c1' was already used for another message",
        }
        client.send(mo("c1", "+33600000001", "ADDRESS"))
        assert (await client.answer("c1"))["type"] == "nack"
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT sender, text FROM inbound") == [("+33600000001", "HOURS")]
    log = running.log()
    warnings = [line for line in log.splitlines() if "WARNING" in line and "'c1'" in line]
    assert len(warnings) == 2, log
    assert "came again with another sender, recipient or text" in warnings[0]
    assert_clean(log)
