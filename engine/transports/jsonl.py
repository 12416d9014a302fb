"""Own the JSON-lines transport: a plain TCP protocol on 127.0.0.1 for tests and integrations.

A peer connects and exchanges one JSON object per line:

- peer → engine ``{"type": "mo", "id": "m1", "from": "+336…", "to": "36111", "text": "VOTE A"}``;
  the engine answers ``{"type": "ack", "id": "m1"}`` only once the message is committed.
- engine → peer ``{"type": "mt", "ref": 42, "from": "36111", "to": "+336…", "text": "Thanks!"}``;
  the peer answers ``{"type": "mt_ack", "ref": 42}``. ``ref`` is stable across restarts.
- engine → peer ``{"type": "query", "refs": [41, 42]}`` after a restart, for the messages that
  were being handed over when the engine stopped; the peer answers
  ``{"type": "query_resp", "seen": [42]}`` and only the others are sent again. A peer that does
  not answer within ``query_timeout`` gets them all again (at-least-once: the documented window).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from engine.core.messages import Inbound, Outgoing, normalize_address
from engine.errors import TransportError
from engine.transports.base import TransportBase
from engine.types import InboundHandler, PartStore, ReceiptHandler

__all__ = ["JsonLinesTransport"]

log = logging.getLogger(__name__)


class JsonLinesTransport(TransportBase):
    name = "jsonl"

    def __init__(
        self,
        name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 2776,
        ack_timeout: float = 10.0,
    ) -> None:
        super().__init__(name)
        self.host, self.port = host, port
        self.ack_timeout = ack_timeout
        self._server: asyncio.Server | None = None
        self._peers: list[asyncio.StreamWriter] = []
        self._acks: dict[int, asyncio.Future[None]] = {}
        self._awaiting: dict[asyncio.StreamWriter, set[int]] = {}
        """Per peer, the refs written to it whose ``mt_ack`` has not come back yet."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._connected = asyncio.Event()
        self._closing = False
        self._queries: dict[asyncio.StreamWriter, asyncio.Future[set[int]]] = {}
        self.query_timeout = 2.0

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        await super().start(on_inbound, on_receipt, parts=parts)
        self._closing = False
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("jsonl transport listening on %s:%s", self.host, self.port)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._peers.append(writer)
        self._connected.set()
        try:
            while line := await reader.readline():
                try:
                    frame = json.loads(line)
                except ValueError:
                    await self._write(writer, {"type": "error", "error": "not a JSON line"})
                    continue
                if not isinstance(frame, dict):
                    await self._write(writer, {"type": "error", "error": "not a JSON object"})
                    continue
                if frame.get("type") == "query_resp":
                    query = self._queries.pop(writer, None)
                    if query is not None and not query.done():
                        query.set_result({int(ref) for ref in frame.get("seen") or ()})
                elif frame.get("type") == "mt_ack":
                    future = self._acks.pop(int(frame.get("ref", -1)), None)
                    if future is not None and not future.done():
                        future.set_result(None)
                elif frame.get("type") == "mo":
                    task = asyncio.create_task(self._mo(writer, frame))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                else:
                    await self._write(writer, {"type": "error", "error": "unknown type"})
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            if writer in self._peers:
                self._peers.remove(writer)
            if not self._peers:
                self._connected.clear()
            query = self._queries.pop(writer, None)
            if query is not None and not query.done():
                query.set_exception(TransportError("the peer disconnected before answering"))
            for reference in self._awaiting.pop(writer, ()):
                # Gone without acknowledging: fail now, so the outbox retries on another
                # connection instead of waiting ack_timeout for an answer that cannot come.
                future = self._acks.get(reference)
                if future is not None and not future.done():
                    future.set_exception(
                        TransportError("the peer disconnected before acknowledging")
                    )
            writer.close()

    async def _mo(self, writer: asyncio.StreamWriter, frame: dict[str, Any]) -> None:
        try:
            message = Inbound(
                sender=normalize_address(str(frame["from"])),
                recipient=normalize_address(str(frame["to"])),
                text=str(frame.get("text", "")),
                received_at=datetime.now(UTC),
                transport=self.name,
                external_id=str(frame["id"]) if frame.get("id") is not None else None,
            )
        except KeyError as exc:
            await self._write(
                writer, {"type": "nack", "id": frame.get("id"), "error": f"missing {exc.args[0]!r}"}
            )
            return
        assert self.on_inbound is not None
        try:
            await self.on_inbound(message)
        except Exception as exc:  # the peer must retry: nothing was committed
            if isinstance(exc, RuntimeError):  # refused while the engine stops: expected
                log.info("inbound message %s refused: %s", frame.get("id"), exc)
            else:
                log.exception("inbound message not committed")
            await self._write(writer, {"type": "nack", "id": frame.get("id"), "error": str(exc)})
            return
        await self._write(writer, {"type": "ack", "id": frame.get("id")})

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, frame: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionError):
            writer.write(json.dumps(frame, ensure_ascii=False).encode() + b"\n")
            await writer.drain()

    async def send(self, message: Outgoing, reference: int) -> str | None:
        if not self._peers and not self._closing:
            # Right after a start (the outbox re-sends what a crash left) the peer has not
            # reconnected yet: wait for it rather than burn one of the row's attempts.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._connected.wait(), self.ack_timeout)
        if not self._peers:
            raise TransportError("no peer connected to the jsonl transport", transient=True)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acks[reference] = future
        frame = {
            "type": "mt",
            "ref": reference,
            "from": message.sender,
            "to": message.recipient,
            "text": message.text,
        }
        peer = self._peers[0]
        awaiting = self._awaiting.setdefault(peer, set())
        awaiting.add(reference)
        try:
            await self._write(peer, frame)
            await asyncio.wait_for(future, self.ack_timeout)
        except TimeoutError as exc:
            raise TransportError("the peer did not acknowledge in time") from exc
        finally:
            self._acks.pop(reference, None)
            awaiting.discard(reference)
        return f"jsonl-{reference}"

    async def delivered(self, references: list[int]) -> set[int] | None:
        """Ask the peer which of ``references`` it already received; None when it cannot tell.

        A peer that leaves before answering is replaced by the next one to connect, within
        ``ack_timeout``; a peer that does not answer within ``query_timeout`` cannot tell.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.ack_timeout
        while not self._closing:
            if not self._peers:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._connected.wait(), remaining)
                continue  # a peer came (and may already have left again): look again
            peer = self._peers[0]
            query: asyncio.Future[set[int]] = loop.create_future()
            self._queries[peer] = query
            await self._write(peer, {"type": "query", "refs": references})
            try:
                seen = await asyncio.wait_for(query, self.query_timeout)
            except TimeoutError:
                self._queries.pop(peer, None)
                return None
            except TransportError:
                if loop.time() >= deadline:
                    return None
                continue  # that peer left: ask the next one
            return seen & set(references)
        return None

    async def aclose(self) -> None:
        self._closing = True
        self._connected.set()  # wake the sends waiting for a peer: there will be none
        if self._server is not None:
            self._server.close()
            for writer in self._peers:
                writer.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await super().aclose()
