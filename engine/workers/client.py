"""Own the supervisor's HTTP client of one worker: requests over the worker's private Unix
socket (``/health``, ``/metrics``, the rules' prepare/commit/abort, forwarded requests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp

__all__ = ["WorkerClient", "WorkerUnreachable"]

BASE = "http://worker"
"""The host of every URL asked of a worker (the Unix socket is what connects)."""


class WorkerUnreachable(Exception):
    """The worker did not answer: not started yet, exited, or too slow."""


class WorkerClient:
    """Requests to the worker listening on ``socket``; ``close()`` when done."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """One session (a pool of connections to the socket), made on first use."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.UnixConnector(path=str(self.socket)),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def text(self, path: str, timeout: float = 5.0) -> tuple[int, str]:
        """``GET path``: the status and the body."""
        try:
            async with self.session.get(
                BASE + path, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                return response.status, await response.text()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise WorkerUnreachable(f"{self.socket}: {exc or type(exc).__name__}") from exc

    async def get_json(self, path: str, timeout: float = 5.0) -> tuple[int, Any]:
        status, body = await self.text(path, timeout)
        try:
            return status, json.loads(body)
        except ValueError as exc:
            raise WorkerUnreachable(f"{self.socket}: {path} is not JSON") from exc

    async def post_json(
        self, path: str, data: dict[str, Any], timeout: float = 60.0
    ) -> tuple[int, Any]:
        """``POST path`` with ``data`` as JSON: the status and the JSON answered."""
        try:
            async with self.session.post(
                BASE + path, json=data, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                return response.status, await response.json(content_type=None)
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            raise WorkerUnreachable(f"{self.socket}: {exc or type(exc).__name__}") from exc
