"""Own durable state: the SQLite store (file or in-memory) behind the ``Store`` protocol.

``open_store(path)`` returns a ``SqliteStore``; ``":memory:"`` gives the in-memory twin used by
``twoway chat`` and unit tests (same code, same semantics).
"""

from __future__ import annotations

from engine.store.sqlite import MEMORY, SqliteStore, open_store

__all__ = ["MEMORY", "SqliteStore", "open_store"]
