"""Own a minimal Language Server Protocol client over stdio, for the editor tests.

``LanguageClient`` starts a server (``node …/yaml-language-server --stdio``), frames JSON-RPC
messages with ``Content-Length`` headers, answers the server's own requests (its
``workspace/configuration`` with the settings given, anything else with null), and waits for
responses and notifications with a timeout: no sleep stands for an event.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

Message = dict[str, Any]

TIMEOUT = 60.0
"""Seconds to wait for one answer of the server: another process, on a shared machine."""


class LanguageClient:
    """One language server process, and what it said that no one has waited for yet."""

    def __init__(self, command: Sequence[str], settings: dict[str, Any]) -> None:
        self.settings = settings
        """The ``yaml`` section of the settings, given at each ``workspace/configuration``."""
        self.proc = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._pending: list[Message] = []
        self._lock = threading.Lock()
        self._ids = 0
        self._versions = 0
        self._said: deque[bytes] = deque(maxlen=200)
        """The last lines the server wrote to stderr, read as they come (a full pipe would
        block it)."""
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True).start()
        threading.Thread(target=self._said.extend, args=(self.proc.stderr,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._inbox.put(None)
                    return
                header = line.decode("ascii").strip()
                if not header:
                    break
                name, _, value = header.partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is not None:
                self._inbox.put(json.loads(stream.read(length)))

    def _send(self, message: Message) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        """Send a request and return its result (raise on an error response)."""
        self._ids += 1
        ident = self._ids
        self._send({"id": ident, "method": method, "params": params})
        answer = self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result")

    def wait(self, wanted: Callable[[Message], bool], timeout: float = TIMEOUT) -> Message:
        """The first message ``wanted`` accepts, among those kept and those to come."""
        for message in self._pending:
            if wanted(message):
                self._pending.remove(message)
                return message
        while True:
            try:
                message = self._inbox.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(
                    f"the language server said nothing wanted in {timeout} s"
                ) from None
            if message is None:
                raise EOFError(f"the language server stopped: {self._stderr()}")
            if "method" in message and "id" in message:
                self._answer(message)
            elif wanted(message):
                return message
            else:
                self._pending.append(message)

    def _answer(self, message: Message) -> None:
        """Answer a request of the server: its configuration, else null."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            items = message["params"]["items"]
            result = [self.settings if i.get("section") == "yaml" else {} for i in items]
        self._send({"id": message["id"], "result": result})

    def _stderr(self) -> str:
        return b"".join(self._said).decode("utf-8", "replace")[-2000:]

    def open(self, path: Path, text: str | None = None) -> list[Message]:
        """Open ``path`` (with ``text``, else what the file holds); return its diagnostics."""
        uri = path.resolve().as_uri()
        # a new version at each open: the server keeps what it parsed by URI and version
        self._versions += 1
        document = {"uri": uri, "languageId": "yaml", "version": self._versions}
        if text is None:
            text = path.read_text(encoding="utf-8")
        self.notify("textDocument/didOpen", {"textDocument": {**document, "text": text}})
        published = self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )
        diagnostics: list[Message] = published["params"]["diagnostics"]
        return diagnostics

    def close(self, path: Path) -> None:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        # the server clears the file's diagnostics when it closes: wait for it, so that the
        # next open of the same file is not answered by this clearing
        self.wait(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
            )
        )

    def stop(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=TIMEOUT)
        except (TimeoutError, EOFError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=TIMEOUT)
