"""The done-means of issue 3: the SMSC's TCP connection dies in the middle of 10,000 MOs.

The node SMSC (tests/smsc/smsc.js, node-smpp) delivers 10,000 MOs from distinct phones, texts
whose replies the default rules fix (``HOURS``, ``VOTE A/B/C``), up to 100 unanswered at once,
and re-delivers every MO whose deliver_sm_resp it did not get, as an SMSC does. It kills the
connection three times mid-stream: twice as a link that dies after the SMSC's last write (what
the engine answers from then on is never read: MOs it committed are delivered again), once with
a reset (RST). The link must bind again by itself; at the end every MO is answered exactly once
(the SMSC counts one submit_sm per phone, with the expected text: MOs re-delivered were not
processed again) and no reply is lost (every outbox row ``sent`` or ``delivered``).

The reset also throws away the answers the SMSC had not yet written out: a submit_sm it
accepted just before is failed as transient by the link and sent again (SMPP cannot ask which
it took: the MT duplicate window of docs/operations.md). Those, and only those, may arrive
twice: at most a window of them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from pathlib import Path

import pytest
from node_smsc import NodeSmsc
from smpp_harness import engine, rows

from tests.support.metrics import sample

COUNT = 10_000
FIRST_PHONE = 33_700_000_000
TEXTS = ["HOURS", "VOTE A", "VOTE B", "VOTE C"]
REPLIES = {
    "HOURS": "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00.",
    "VOTE A": "Thanks! Your vote for Moonlight Drive is counted.",
    "VOTE B": "Thanks! Your vote for Paper Planes is counted.",
    "VOTE C": "Thanks! Your vote for Blue Monday is counted.",
}
CUT_AT = [2_500, 7_500]  # MOs answered when the connection is cut
RESET_AT = [5_000]  # … and when it is reset
WINDOW = 10  # the connector's window: submit_sm in flight at once


async def test_ten_thousand_mos_with_the_connection_killed_mid_stream(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="engine.transports.smpp.link")
    expected = {str(FIRST_PHONE + n): REPLIES[TEXTS[n % len(TEXTS)]] for n in range(COUNT)}
    backoff = {"reconnect_min": 0.5, "reconnect_max": 30.0}  # the defaults, not the harness's
    async with engine(tmp_path, smsc, **backoff) as (service, transport, _):
        started = time.monotonic()
        await smsc.command(
            cmd="stream",
            count=COUNT,
            window=100,
            to="36111",
            texts=TEXTS,
            cut_at=CUT_AT,
            reset_at=RESET_AT,
            **{"from": FIRST_PHONE},
        )
        while not smsc.named("stream_done"):
            assert time.monotonic() - started < 45, smsc.events[-5:]
            await asyncio.sleep(0.2)
        [done] = smsc.named("stream_done")
        await asyncio.wait_for(service.idle(), 30)

        # Every MO answered ESME_ROK, each phone's reply accepted, with the expected text.
        assert done["acked"] == COUNT and done["cuts"] == 3
        accepted = smsc.accepted()
        assert all(e["message"] == expected[e["destination_addr"]] for e in accepted)
        per_phone = Counter(e["destination_addr"] for e in accepted)
        assert set(per_phone) == set(expected)
        # Exactly once, but for replies taken by the SMSC right before the reset.
        [reset] = [n for n, e in enumerate(smsc.events) if e.get("hard") is True]
        before_reset = [
            e["destination_addr"]
            for e in smsc.events[:reset]
            if e["event"] == "submit_sm" and e["status"] == 0
        ][-WINDOW:]
        twice = {phone for phone, n in per_phone.items() if n > 1}
        assert twice <= set(before_reset), f"replies sent twice: {sorted(twice)}"
        assert max(per_phone.values()) <= 2
        statuses = dict(rows(tmp_path, "SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        assert set(statuses) <= {"sent", "delivered"} and sum(statuses.values()) == COUNT
        assert rows(tmp_path, "SELECT COUNT(*), COUNT(DISTINCT sender) FROM inbound") == [
            (COUNT, COUNT)
        ]
        assert rows(tmp_path, "SELECT COUNT(*) FROM votes") == [(COUNT * 3 // 4,)]
        assert transport.state == "up" and transport.links[0].binds == 4
        elapsed = time.monotonic() - started
        page = service.metrics.render()
        skipped = int(sample(page, "twoway_messages_duplicate_total", connector="operator") or 0)

    # What the operator sees: three "link lost" lines, each followed by a bind.
    records = [r for r in caplog.records if r.name == "engine.transports.smpp.link"]
    lost = [r for r in records if "link lost" in r.getMessage()]
    assert len(lost) == 3
    cuts = smsc.named("stream_cut")
    rebinds = []
    for cut in cuts:
        bound = next(
            r.created
            for r in records
            if "bound as transceiver" in r.getMessage() and r.created > cut["t"] / 1000
        )
        rebinds.append(bound - cut["t"] / 1000)
    print(
        f"\n{COUNT} MOs in {elapsed:.1f}s; cuts at {[c['acked'] for c in cuts]} with "
        f"{[c['unanswered'] for c in cuts]} MOs unanswered; {done['redelivered']} re-delivered, "
        f"{skipped} of them committed already (acknowledged, not processed again); "
        f"rebound after {', '.join(f'{t:.2f}s' for t in rebinds)}; outbox {statuses}; "
        f"{sum(per_phone.values()) - COUNT} replies twice at the SMSC (the reset)"
    )
    assert 1 <= skipped <= done["redelivered"]  # the cuts did catch MOs after their commit
    assert all(t < 5 for t in rebinds)
