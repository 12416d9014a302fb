"""Own the jsonl connector: its listener, the peers' connections, MOs in, MTs out, auth.

See the package docstring for the protocol. MTs go to the connection best placed to take them
(``Connection.rank``: not busy, acknowledging in time, least waiting, round robin); one that
does not read is cut by the write deadline and its MTs retried on another.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import functools
import hmac
import logging
import resource
from typing import Any

from engine.core.clock import Clock, SystemClock, wait_set
from engine.core.messages import Inbound, Outgoing, normalize_address
from engine.core.records import Received
from engine.descriptors import backlog_within, headroom
from engine.errors import TransportError
from engine.logs import Repeated
from engine.transports.base import TransportBase
from engine.transports.jsonl.connection import Connection, Idle, Limits, Overlong
from engine.transports.jsonl.frames import (
    FrameError,
    Mo,
    check_mo,
    check_ref,
    check_refs,
    echo_id,
    parse_line,
)
from engine.types import InboundHandler, PartStore, ReceiptHandler

__all__ = ["JsonLinesTransport"]

log = logging.getLogger("engine.transports.jsonl")


class JsonLinesTransport(TransportBase):
    name = "jsonl"

    def __init__(
        self,
        name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 2776,
        ack_timeout: float = 10.0,
        *,
        limits: Limits | None = None,
        token: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(name)
        self.clock: Clock = clock or SystemClock()
        """Tells the ``received_at`` of MOs (a test clock's time under one)."""
        self.host, self.port = host, port
        self.ack_timeout = ack_timeout
        self.limits = limits or Limits()
        self.token = token or None
        """When set, a peer's first frame must be ``{"type": "auth", "token": …}``."""
        self.max_connections = self.limits.max_connections
        self._server: asyncio.Server | None = None
        self._connections: list[Connection] = []
        self._acks: dict[int, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._connected = asyncio.Event()
        self._closing = False
        self._queries: dict[Connection, asyncio.Future[set[int]]] = {}
        self.query_timeout = 2.0
        self._repeated = Repeated(log)

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        await super().start(on_inbound, on_receipt, parts=parts)
        self._closing = False
        self.max_connections, backlog = _connection_cap(self.limits.max_connections)
        if self.max_connections < self.limits.max_connections:
            log.warning(
                "jsonl %s: max_connections lowered from %d to %d: the engine may open only "
                "%d files (ulimit -n); raise that limit for more",
                self.name,
                self.limits.max_connections,
                self.max_connections,
                resource.getrlimit(resource.RLIMIT_NOFILE)[0],
            )
        self._server = await asyncio.start_server(
            self._serve, self.host, self.port, backlog=backlog
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("jsonl transport listening on %s:%s", self.host, self.port)

    # --- connections ---------------------------------------------------------------------

    def _usable(self) -> list[Connection]:
        return [c for c in self._connections if c.authenticated and not c.closed]

    def _refresh(self) -> None:
        if self._usable():
            self._connected.set()
        elif not self._closing:
            self._connected.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._connections) >= self.max_connections or self._closing:
            self._refuse(writer)
            return
        conn = Connection(reader, writer, self.limits, authenticated=self.token is None)
        self._connections.append(conn)
        self._refresh()
        try:
            async for line in conn.lines():
                await self._line(conn, line)
                if conn.closed:
                    break
        except Idle:
            self._repeated.log(
                logging.INFO,
                "idle",
                "jsonl %s: closed a connection silent for %g s (%s)",
                self.name,
                self.limits.idle_timeout,
                conn.peer,
            )
            with contextlib.suppress(TransportError):
                await conn.write({"type": "error", "error": "idle for too long: closing"})
        except (ConnectionError, TransportError):
            pass
        finally:
            self._gone(conn)

    def _refuse(self, writer: asyncio.StreamWriter) -> None:
        error = f"too many connections (max {self.max_connections})"
        self._repeated.warning("cap", "jsonl %s: refused a connection: %s", self.name, error)
        with contextlib.suppress(ConnectionError, RuntimeError):
            writer.write(b'{"type": "error", "error": "' + error.encode() + b'"}\n')
        writer.close()  # sends what is written, then closes

    def _gone(self, conn: Connection) -> None:
        if conn in self._connections:
            self._connections.remove(conn)
        self._refresh()
        query = self._queries.pop(conn, None)
        if query is not None and not query.done():
            query.set_exception(TransportError("the peer disconnected before answering"))
        for reference in conn.awaiting:
            # Gone without acknowledging: fail now, so the outbox retries on another
            # connection instead of waiting ack_timeout for an answer that cannot come.
            future = self._acks.get(reference)
            if future is not None and not future.done():
                future.set_exception(TransportError("the peer disconnected before acknowledging"))
        conn.awaiting.clear()
        if not conn.closed:
            conn.close()
        if not self._connections:
            # now, and once the work those peers left (replies, commits) is likely done
            _give_back_memory()
            asyncio.get_running_loop().call_later(5.0, _give_back_memory)

    # --- frames in -----------------------------------------------------------------------

    async def _line(self, conn: Connection, line: bytes | Overlong) -> None:
        if isinstance(line, Overlong):
            await _tell(conn, f"line longer than max_line ({self.limits.max_line} bytes): skipped")
            return
        conn.heard()
        try:
            frame = parse_line(line)
        except FrameError as exc:
            await _tell(conn, str(exc))
            return
        kind = frame.get("type")
        if not conn.authenticated or kind == "auth":
            await self._auth(conn, frame)
        elif kind == "mo":
            await self._mo(conn, frame)
        elif kind == "mt_ack":
            await self._mt_ack(conn, frame)
        elif kind == "query_resp":
            await self._query_resp(conn, frame)
        elif kind == "ping":
            await _write(conn, {"type": "pong"})
        else:
            await _tell(conn, "unknown type")

    async def _auth(self, conn: Connection, frame: dict[str, Any]) -> None:
        if conn.authenticated:
            await _write(conn, {"type": "auth_ok"})
            return
        given = frame.get("token") if frame.get("type") == "auth" else None
        assert self.token is not None
        if isinstance(given, str) and _same(given, self.token):
            conn.authenticated = True
            self._refresh()
            await _write(conn, {"type": "auth_ok"})
            return
        self._repeated.warning(
            "auth", "jsonl %s: a peer failed to authenticate (%s)", self.name, conn.peer
        )
        error = "authentication failed" if given is not None else "authenticate first"
        await _tell(conn, error)
        conn.close()

    async def _mt_ack(self, conn: Connection, frame: dict[str, Any]) -> None:
        try:
            ref = check_ref(frame)
        except FrameError as exc:
            await _tell(conn, str(exc))
            return
        future = self._acks.pop(ref, None)
        if future is not None and not future.done():
            future.set_result(None)
        conn.proven = True
        conn.missed = False

    async def _query_resp(self, conn: Connection, frame: dict[str, Any]) -> None:
        try:
            seen = check_refs(frame)
        except FrameError as exc:
            await _tell(conn, str(exc))
            return
        query = self._queries.pop(conn, None)
        if query is not None and not query.done():
            query.set_result(seen)

    async def _mo(self, conn: Connection, frame: dict[str, Any]) -> None:
        try:
            mo = check_mo(frame)
            message = Inbound(
                sender=normalize_address(mo.sender),
                recipient=normalize_address(mo.recipient),
                text=mo.text,
                received_at=self.clock.now(),
                transport=self.name,
                external_id=mo.id,
            )
        except FrameError as exc:
            await _write(conn, {"type": "nack", "id": echo_id(frame), "error": str(exc)})
            return
        conn.taken()
        self._later(self._commit(conn, mo, message))

    def _later(self, work: Any) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _commit(self, conn: Connection, mo: Mo, message: Inbound) -> None:
        try:
            assert self.on_inbound is not None
            received = await self.on_inbound(message)
        except Exception as exc:  # the peer must retry: nothing was committed
            if isinstance(exc, RuntimeError):  # refused while the engine stops: expected
                log.info("inbound message %s refused: %s", mo.id, exc)
            else:
                self._repeated.warning(
                    "commit", "jsonl %s: inbound message not committed: %s", self.name, exc
                )
            await _write(conn, {"type": "nack", "id": mo.id, "error": str(exc)})
            return
        finally:
            conn.answered()
        if isinstance(received, Received) and received.conflict:
            log.warning(
                "jsonl %s: MO id %r came again with another sender, recipient or text "
                "(from %s): refused; the first message with that id is kept",
                self.name,
                mo.id,
                message.sender,
            )
            error = f"id {mo.id!r} was already used for another message"
            await _write(conn, {"type": "nack", "id": mo.id, "error": error})
            return
        await _write(conn, {"type": "ack", "id": mo.id})

    # --- MTs out -------------------------------------------------------------------------

    async def _peer(self) -> Connection:
        """The connection to carry the next MT, waiting up to ``ack_timeout`` for one."""
        if not self._usable() and not self._closing:
            # Right after a start (the outbox re-sends what a crash left) the peer has not
            # reconnected yet: wait for it rather than burn one of the row's attempts.
            await wait_set(self._connected, self.ack_timeout)
        usable = self._usable()
        if not usable:
            raise TransportError("no peer connected to the jsonl transport", transient=True)
        peer = min(usable, key=Connection.rank)
        peer.served += 1
        return peer

    async def send(self, message: Outgoing, reference: int) -> str | None:
        peer = await self._peer()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acks[reference] = future
        frame = {
            "type": "mt",
            "ref": reference,
            "from": message.sender,
            "to": message.recipient,
            "text": message.text,
        }
        peer.awaiting.add(reference)
        try:
            await peer.write(frame)  # TransportError when the peer does not read: cut
            await asyncio.wait_for(future, self.ack_timeout)
        except TimeoutError as exc:
            peer.missed = True
            raise TransportError("the peer did not acknowledge in time") from exc
        finally:
            self._acks.pop(reference, None)
            peer.awaiting.discard(reference)
        return f"jsonl-{reference}"

    async def delivered(self, references: list[int]) -> set[int] | None:
        """Ask the peer which of ``references`` it already received; None when it cannot tell.

        A peer that leaves before answering is replaced by the next one to connect, within
        ``ack_timeout``; a peer that does not answer within ``query_timeout`` cannot tell.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.ack_timeout
        while not self._closing:
            usable = self._usable()
            if not usable:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return None
                await wait_set(self._connected, remaining)
                continue  # a peer came (and may already have left again): look again
            peer = min(usable, key=Connection.rank)
            query: asyncio.Future[set[int]] = loop.create_future()
            self._queries[peer] = query
            try:
                await peer.write({"type": "query", "refs": references})
                seen = await asyncio.wait_for(query, self.query_timeout)
            except TimeoutError:
                self._queries.pop(peer, None)
                return None
            except TransportError:
                self._queries.pop(peer, None)
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
            for conn in list(self._connections):
                conn.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
        await super().aclose()


async def _write(conn: Connection, frame: dict[str, Any]) -> None:
    """Answer the peer; a peer that is gone or does not read is already cut: nothing to do."""
    with contextlib.suppress(TransportError):
        await conn.write(frame)


async def _tell(conn: Connection, error: str) -> None:
    await _write(conn, {"type": "error", "error": error})


def _same(given: str, token: str) -> bool:
    try:
        return hmac.compare_digest(given.encode(), token.encode())
    except UnicodeEncodeError:
        return False


def _connection_cap(wanted: int) -> tuple[int, int]:
    """The connections to serve at once and the accept backlog, within RLIMIT_NOFILE.

    Of the descriptors the process may still open (``engine.descriptors``), asyncio may take a
    backlog's worth in one go before a connection is counted: those come off the cap.
    Refusing a connection with a frame beats ``accept`` failing.
    """
    room = headroom()
    backlog = backlog_within(room)
    if room is None:
        return wanted, backlog
    return max(1, min(wanted, room - backlog)), backlog


def _give_back_memory() -> None:
    """Return freed heap to the system (glibc keeps it otherwise) once every peer is gone."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, looked up once (``find_library`` runs a subprocess), or None."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
