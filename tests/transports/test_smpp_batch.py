"""The deliver_sm read together are committed together, and each is answered after its own commit.

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
from engine.transports.smpp.inbound import Receiver
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


async def test_the_mos_of_one_read_are_queued_together_and_answered_in_order() -> None:
    intake, answers = Intake(), Answers()
    smpp = receiver(intake)
    pdus = [deliver_sm(n, f"VOTE {n}") for n in (1, 2, 3)]
    task = asyncio.create_task(smpp.requests(answers, 7, pdus))  # type: ignore[arg-type]
    await asyncio.sleep(0)  # one step of the task: it queues, then waits
    assert [m.text for m, _ in intake.queued] == ["VOTE 1", "VOTE 2", "VOTE 3"]
    assert intake.queued[0][0].sender == "+33600000001"
    assert answers.sent == []  # nothing is acknowledged before its commit

    intake.queued[1][1].set_result(None)  # the second is committed first: it still waits
    await asyncio.sleep(0)
    assert answers.sent == []
    intake.queued[0][1].set_result(None)
    intake.queued[2][1].set_result(None)
    await task
    assert answers.sent == [(7, "deliver_sm_resp", n, ESME_ROK) for n in (1, 2, 3)]


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
    task = asyncio.create_task(
        smpp.requests(answers, 1, [deliver_sm(n, "HOURS") for n in (1, 2, 3)])  # type: ignore[arg-type]
    )
    await asyncio.sleep(0)
    intake.queued[0][1].set_result(None)
    intake.queued[1][1].set_exception(error)
    intake.queued[2][1].set_result(None)
    await task
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
        future.set_result(None)
        queued.append(future)
        return future

    smpp = receiver(accept)
    pdus = [deliver_sm(1, "HOURS"), deliver_sm(2, "BAD"), deliver_sm(3, "HOURS")]
    await smpp.requests(answers, 1, pdus)  # type: ignore[arg-type]
    assert [(seq, st) for _, _, seq, st in answers.sent] == [
        (1, ESME_ROK),
        (2, ESME_RX_P_APPN),
        (3, ESME_ROK),
    ]
    assert len(queued) == 2


async def test_a_coroutine_handler_still_commits_the_mos_concurrently() -> None:
    """Any ``on_inbound`` works (a test's ``async def``): each one runs as its own task."""
    answers = Answers()
    release = asyncio.Event()
    started: list[str] = []

    async def on_inbound(message: Inbound) -> None:
        started.append(message.text)
        await release.wait()

    smpp = receiver(on_inbound)
    task = asyncio.create_task(
        smpp.requests(answers, 1, [deliver_sm(1, "A"), deliver_sm(2, "B")])  # type: ignore[arg-type]
    )
    while len(started) < 2:  # both started before either is committed
        await asyncio.sleep(0)
    release.set()
    await task
    assert [seq for _, _, seq, _ in answers.sent] == [1, 2]
