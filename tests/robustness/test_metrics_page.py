"""/metrics against the real ``twoway run``: whatever ``to`` peers send, the page names only the
configured numbers (the rest is ``other``) and stays small; 50 scrapes at once all get the page
while MOs keep being acknowledged."""

from __future__ import annotations

import asyncio
import urllib.request
from pathlib import Path

from tests.support.engine_process import REPO, Engine, http_address, write_config
from tests.support.jsonl_client import Client, assert_clean, mo
from tests.support.jsonl_peer import free_port
from tests.support.metrics import series


def scrape(host: str, port: int) -> str:
    with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=30) as reply:
        return str(reply.read().decode())


async def test_the_page_names_configured_numbers_only_and_scrapes_do_not_stall_acks(
    tmp_path: Path,
) -> None:
    port = free_port()
    config = write_config(tmp_path, REPO / "rules", "console", port)
    with config.open("a", encoding="utf-8") as more:
        more.write('numbers:\n  "36111": {connector: console}\n')
    engine = Engine(tmp_path, config)
    try:
        await engine.start(port)
        host, http = http_address(config)
        client = await Client().connect(port)
        for n in range(300):  # 300 numbers nobody configured
            client.send(mo(f"x{n}", f"+336000{n:05d}", "HOURS", to=f"+4470000{n:05d}"))
        client.send(mo("ours", "+33600000001", "HOURS"))
        for mo_id in [*(f"x{n}" for n in range(300)), "ours"]:
            assert (await client.answer(mo_id))["type"] == "ack"

        pages = [asyncio.to_thread(scrape, host, http) for _ in range(50)]
        client.send(mo("during", "+33600000002", "HOURS"))  # acknowledged meanwhile
        answered = await client.answer("during")
        done = await asyncio.gather(*pages)
        assert answered["type"] == "ack"
        assert all("twoway_messages_in_total" in page for page in done)

        page = scrape(host, http)
        counted = {
            dict(labels)["number"]: value
            for labels, value in series(page, "twoway_messages_in_total").items()
        }
        assert counted == {"36111": 2.0, "other": 300.0}
        assert len(page) < 20_000
        await client.aclose()
    finally:
        await engine.cleanup()
    assert_clean(engine.log())
