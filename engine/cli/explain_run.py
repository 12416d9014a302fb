"""Own the conversation ``twoway explain --db`` explains a message against: read from a copy of
the SQLite file, never written. The explanation itself is ``engine.runtime.explained``'s
(re-exported here for the commands)."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from engine.core.model import Contact
from engine.core.records import Conversation
from engine.ruleset.ruleset import RuleSet
from engine.runtime.explained import Explanation, Reply, Tried, explain
from engine.store import SqliteStore
from engine.store.files import open_read_only

__all__ = ["Explanation", "Reply", "Tried", "explain", "load_conversation"]


async def load_conversation(
    db: str | None, phone: str, number: str, ruleset: RuleSet, at: datetime
) -> Conversation:
    """The conversation of ``phone`` with ``number`` as ``db`` holds it, read from a copy (the
    file is opened read-only and never written); a new contact without ``db``."""
    if db is None:
        return Conversation(Contact(phone=phone), None)
    with tempfile.TemporaryDirectory(prefix="twoway-explain-") as folder:
        copy = str(Path(folder) / "copy.db")
        source = open_read_only(db)
        try:
            target = sqlite3.connect(copy)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
        store = SqliteStore(copy)
        await store.open()
        try:
            found = await store.load(
                [(phone, number)], replies_since=at - ruleset.settings.reply_window
            )
        finally:
            await store.close()
    return found.get((phone, number)) or Conversation(Contact(phone=phone), None)
