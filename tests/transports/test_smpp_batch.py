"""The deliver_sm read together are queued together, and each is answered after its own commit.

No SMSC and no socket: the requests are handed to the connector's receiver as the link hands
them (one call with the PDUs of one read), the service is a function that queues and returns a
future per message (what ``Service.accept`` does), and the link records what it is told to answer.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from engine.core.messages import Inbound
from engine.errors import InvalidMessage, StoreUnavailable
from engine.transports.base import TransportBase
from engine.transports.smpp import SmppSettings
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.inbound import Long, Receiver
from engine.transports.smpp.status import ESME_ROK, ESME_RX_P_APPN, ESME_RX_T_APPN


class Answers:
    """A stand-in for the link: what the transport answers, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, int, int]] = []

    def respond(self, generation: int, command: str, sequence: int, status: int) -> None:
        self.sent.append((generation, command, sequence, status))


class Intake:
    """A stand-in for ``Service.accept``: one future per message, settled by the test."""

    def __init__(self) -> None:
        self.queued: list[tuple[Inbound, asyncio.Future[object]]] = []

    def __call__(self, message: Inbound) -> asyncio.Future[object]:
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self.queued.append((message, future))
        return future


def deliver_sm(sequence: int, text: str, **fields: Any) -> codec.Pdu:
    raw = codec.encode(
        "deliver_sm",
        sequence,
        source_addr=f"3360000000{sequence}",
        source_addr_ton=1,
        destination_addr="36111",
        short_message=text.encode(),
        **fields,
    )
    return codec.decode(raw)


def receiver(on_inbound: Any) -> Receiver:
    connector = TransportBase("operator")
    connector.on_inbound = on_inbound
    return Receiver(connector, SmppSettings(numbers={"36111": "short_code"}))


async def test_the_mos_of_one_read_are_queued_together_and_each_answered_once_committed() -> None:
    intake, answers = Intake(), Answers()
    smpp = receiver(intake)
    smpp.on_requests(answers, 7, [deliver_sm(n, f"VOTE {n}") for n in (1, 2, 3)])  # type: ignore[arg-type]
    await next_iteration()  # taken at the next turn of the loop
    assert [m.text for m, _ in intake.queued] == ["VOTE 1", "VOTE 2", "VOTE 3"]  # at once
    assert intake.queued[0][0].sender == "+33600000001"
    assert not smpp._tasks  # no task: the service's futures
    assert answers.sent == []  # nothing is acknowledged before its commit

    intake.queued[1][1].set_result(None)  # the second is committed first: answered first
    await next_iteration()
    assert answers.sent == [(7, "deliver_sm_resp", 2, ESME_ROK)]
    intake.queued[0][1].set_result(None)
    intake.queued[2][1].set_result(None)
    await next_iteration()
    assert sorted(answers.sent) == [(7, "deliver_sm_resp", n, ESME_ROK) for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidMessage("not valid Unicode"), ESME_RX_P_APPN),  # refused for good
        (StoreUnavailable("disk full"), ESME_RX_T_APPN),  # the SMSC tries again
        (RuntimeError("the engine is shutting down"), ESME_RX_T_APPN),
    ],
)
async def test_a_refused_mo_is_answered_alone_and_the_others_are_taken(
    error: Exception, status: int
) -> None:
    intake, answers = Intake(), Answers()
    smpp = receiver(intake)
    smpp.on_requests(answers, 1, [deliver_sm(n, "HOURS") for n in (1, 2, 3)])  # type: ignore[arg-type]
    await next_iteration()  # taken at the next turn of the loop
    intake.queued[0][1].set_result(None)
    intake.queued[1][1].set_exception(error)
    intake.queued[2][1].set_result(None)
    await next_iteration()
    assert [(seq, st) for _, _, seq, st in answers.sent] == [
        (1, ESME_ROK),
        (2, status),
        (3, ESME_ROK),
    ]


async def test_an_intake_that_refuses_at_once_answers_that_mo_only() -> None:
    answers = Answers()
    queued: list[asyncio.Future[object]] = []

    def accept(message: Inbound) -> asyncio.Future[object]:
        if message.text == "BAD":
            raise InvalidMessage("refused on sight")
        future: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        queued.append(future)
        return future

    smpp = receiver(accept)
    pdus = [deliver_sm(1, "HOURS"), deliver_sm(2, "BAD"), deliver_sm(3, "HOURS")]
    smpp.on_requests(answers, 1, pdus)  # type: ignore[arg-type]
    await next_iteration()  # taken at the next turn of the loop
    assert [(seq, st) for _, _, seq, st in answers.sent] == [(2, ESME_RX_P_APPN)]
    for future in queued:
        future.set_result(None)
    await next_iteration()
    assert [(seq, st) for _, _, seq, st in answers.sent] == [
        (2, ESME_RX_P_APPN),
        (1, ESME_ROK),
        (3, ESME_ROK),
    ]


async def test_a_coroutine_handler_still_commits_the_mos_concurrently() -> None:
    """Any ``on_inbound`` works (a test's ``async def``): each one runs as a task of its own."""
    answers = Answers()
    release = asyncio.Event()
    started: list[str] = []

    async def on_inbound(message: Inbound) -> None:
        started.append(message.text)
        await release.wait()

    smpp = receiver(on_inbound)
    smpp.on_requests(answers, 1, [deliver_sm(1, "A"), deliver_sm(2, "B")])  # type: ignore[arg-type]
    await next_iteration()  # taken at the next turn of the loop
    await next_iteration()  # the tasks' first steps
    assert started == ["A", "B"]  # both started before either is committed
    release.set()
    await asyncio.gather(*smpp._tasks)
    await next_iteration()
    assert sorted(seq for _, _, seq, _ in answers.sent) == [1, 2]


async def next_iteration() -> None:
    """Let the loop run what is ready (the futures' done callbacks are scheduled, not called)."""
    await asyncio.sleep(0)


async def test_a_receipt_read_with_the_submit_sm_resp_of_its_part_finds_the_part() -> None:
    """The link resolves a submit_sm's future, then hands over the requests of the same read:
    ``_submit`` registers the part's SMSC id before the receipt is read, so the receipt counts
    for the long message (one receipt for the whole once every part is delivered)."""
    recorded: list[object] = []

    async def on_receipt(receipts: object) -> None:
        recorded.append(receipts)

    connector = TransportBase("operator")
    connector.on_receipt = on_receipt
    smpp = Receiver(connector, SmppSettings(numbers={"36111": "short_code"}))
    long = Long(total=2, first_id="1001")
    smpp.sent["1001"] = (long, 1)
    answered: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def submit() -> None:  # what SmppTransport._submit does after its response
        smpp.sent[await answered] = (long, 2)

    submitting = asyncio.create_task(submit())
    await next_iteration()
    answers = Answers()
    # one data_received: the second part's submit_sm_resp, then both parts' receipts
    answered.set_result("1002")
    smpp.on_requests(answers, 1, [receipt(5, "1001"), receipt(6, "1002")])  # type: ignore[arg-type]
    await submitting
    while len(answers.sent) < 2:
        await next_iteration()
    assert [(seq, st) for _, _, seq, st in answers.sent] == [(5, ESME_ROK), (6, ESME_ROK)]
    assert recorded == [[("1001", "delivered", None)]]
    assert long.reported


def receipt(sequence: int, message_id: str) -> codec.Pdu:
    text = f"id:{message_id} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 "
    raw = codec.encode(
        "deliver_sm",
        sequence,
        source_addr="33600000001",
        destination_addr="36111",
        esm_class=0x04,
        short_message=(text + "stat:DELIVRD err:000 text:").encode(),
    )
    return codec.decode(raw)
