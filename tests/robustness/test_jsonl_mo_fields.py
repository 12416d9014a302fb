"""Each field of an MO frame is checked before the message is handed over, against the real
``twoway run``: a lone surrogate, ``null``, a list or an empty address is refused with a nack
naming the field, for that MO only; nothing odd reaches the store or gets a reply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.jsonl_client import Client, assert_clean, mo, running_engine

GOOD = {"type": "mo", "from": "+33600000009", "to": "36111", "text": "HOURS"}


def raw(mo_id: str, field: str, value: str) -> bytes:
    """An MO line whose ``field`` is ``value``, written as raw JSON (``"\\ud800"``)."""
    fields = {"id": f'"{mo_id}"', "from": '"+33600000001"', "to": '"36111"', "text": '"HOURS"'}
    fields[field] = value
    body = ", ".join(f'"{key}": {text}' for key, text in fields.items())
    return b'{"type": "mo", ' + body.encode() + b"}\n"


async def test_a_lone_surrogate_is_refused_for_that_mo_only(tmp_path: Path) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        client.send(raw("s1", "text", '"VOTE \\ud800"'))
        client.send(raw("s2", "from", '"+336\\udfff"'))
        client.send(raw("s3", "to", '"\\ud800"'))
        client.send(raw("x", "id", '"m\\ud800"'))
        client.send({**GOOD, "id": "ok"})
        assert (await client.answer("s1"))["error"] == (
            "text is not valid Unicode: lone surrogate U+D800 at character 5"
        )
        assert (await client.answer("s2"))["error"] == (
            "from is not valid Unicode: lone surrogate U+DFFF at character 4"
        )
        assert (await client.answer("s3"))["error"].startswith("to is not valid Unicode")
        assert (await client.answer("m\ud800"))["error"] == (
            "id is not valid Unicode: lone surrogate U+D800 at character 1"
        )
        assert (await client.answer("ok"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT external_id FROM inbound") == [("ok",)]
    assert_clean(running.log())


REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"text": None}, "text must be a string, not null"),
    ({"text": ["HOURS"]}, "text must be a string, not an array"),
    ({"text": 12}, "text must be a string, not a number"),
    ({"from": None}, "from must be a string, not null"),
    ({"from": True}, "from must be a string, not a boolean"),
    ({"from": ""}, "from must not be empty"),
    ({"from": "  "}, "from must not be empty"),
    ({"to": {"n": 1}}, "to must be a string, not an object"),
    ({"to": None}, "to must be a string, not null"),
]


async def test_fields_of_the_wrong_type_are_refused_with_a_clear_error(tmp_path: Path) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        for number, (fields, _) in enumerate(REFUSED):
            client.send({**GOOD, "id": f"t{number}", **fields})
        client.send({"type": "mo", "id": "nofrom", "to": "36111", "text": "HOURS"})
        client.send({"type": "mo", "id": "notext", "from": "+33600000008", "to": "36111"})
        client.send({**GOOD, "id": "ok"})
        for number, (_, error) in enumerate(REFUSED):
            answer = await client.answer(f"t{number}")
            assert answer == {"type": "nack", "id": f"t{number}", "error": error}
        assert (await client.answer("nofrom"))["error"] == "missing 'from'"
        assert (await client.answer("notext"))["type"] == "ack"  # no text: an empty SMS
        assert (await client.answer("ok"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 2)
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT external_id, sender, text FROM inbound ORDER BY id") == [
        ("notext", "+33600000008", ""),
        ("ok", "+33600000009", "HOURS"),
    ]
    assert running.rows("SELECT phone FROM contacts ORDER BY phone") == [
        ("+33600000008",),
        ("+33600000009",),
    ]
    assert running.rows("SELECT DISTINCT status FROM outbox") == [("sent",)]
    assert_clean(running.log())


async def test_a_good_mo_after_the_refused_ones_is_taken(tmp_path: Path) -> None:
    """The pipelined MOs after a refusal are answered: the connection goes on."""
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        for number in range(20):
            bad = {"text": None} if number % 2 else {}
            client.send(mo(f"p{number}", f"+336000001{number:02d}", **bad))
        for number in range(20):
            kind = "nack" if number % 2 else "ack"
            assert (await client.answer(f"p{number}"))["type"] == kind
        await client.wait_for(lambda: len(client.mts()) == 10)  # the taken ones are answered
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT COUNT(*) FROM inbound") == [(10,)]
