"""Own what the CLI, the console and the tests read and write of the store beyond the service's
seam (``engine.types.Store``): a contact, a session, votes and tallies, rows for inspection, and
the contacts as a whole (``twoway contacts``). ``SqliteStore`` has these too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.core.messages import Address, Inbound
from engine.core.model import Contact, Session
from engine.core.records import (
    OutboxRow,
)
from engine.store import (
    contacts,
    intake,
    outbox,
    reads,
    reports,
    sessions,
)
from engine.store.connection import Connection

__all__ = ["Browse"]


class Browse(Connection):
    """The reads and writes of people and tests, on the store's connection."""

    async def session(self, contact: Address, number: Address) -> Session | None:
        """The active session of ``contact`` on ``number``, if any."""
        return await self._browse(sessions.session, contact, number)

    async def contact(self, phone: Address) -> Contact | None:
        """The stored contact (fields, groups, opt-outs, votes), or None if unknown."""
        found = await self._browse(sessions.contacts, [phone])
        return found.get(phone)

    async def save_contact(
        self,
        phone: Address,
        fields: dict[str, Any] | None = None,
        groups: Sequence[str] | None = None,
    ) -> None:
        """Create or update a contact (imports, tests); None leaves that part unchanged."""
        await self._write(contacts.save_contact, phone, fields, groups, self._now())

    async def set_contact_fields(
        self, phone: Address, fields: Mapping[str, Any], at: datetime
    ) -> None:
        """Merge ``fields`` into the contact's fields, creating the contact if unknown."""
        await self._write(contacts.set_contact_fields, phone, fields, at)

    async def opted_out(
        self, pairs: Sequence[tuple[Address, Address]]
    ) -> set[tuple[Address, Address]]:
        """The ``(contact, number)`` pairs among ``pairs`` that are opted out: ``is_opted_out``
        for a whole send batch in one call."""
        if not pairs:
            return set()
        return await self._read(contacts.opted_out, pairs)  # the outbox's: the engine's lane

    async def votes(self, poll: str) -> list[tuple[Address, str, datetime]]:
        """``(contact, choice, at)`` of every vote of ``poll``, oldest first."""
        return await self._browse(reads.votes, poll)

    async def vote_minutes(self, poll: str) -> list[tuple[datetime, int]]:
        """``(minute, votes)`` of ``poll``: its votes counted by the UTC minute they were cast."""
        return await self._browse(reads.vote_minutes, poll)

    async def refused_votes(self, poll: str) -> dict[str, int]:
        """Reason → the votes of ``poll`` the rules refused for it."""
        return await self._browse(reads.refused_votes, poll)

    async def tally(self, poll: str) -> dict[str, int]:
        """Choice → number of votes, most voted first."""
        return await self._browse(reads.tally, poll)

    async def outbox_rows(self, contact: Address | None = None) -> list[OutboxRow]:
        return await self._browse(outbox.outbox_rows, contact)

    async def inbound_rows(self) -> list[Inbound]:
        return await self._browse(intake.inbound_rows)

    async def inbound_quarters(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[datetime, int]]:
        """Messages received per quarter hour (UTC), oldest first: see ``reports``."""
        return await self._browse(reports.inbound_quarters, since, until)

    async def events(
        self, contact: Address | None = None, type: str | None = None
    ) -> list[dict[str, Any]]:
        return await self._browse(reads.events, contact, type)

    async def event_counts(self, type_: str) -> dict[tuple[str | None, str | None], int]:
        """``(flow, reason)`` → how many events of ``type_`` the store holds."""
        return await self._browse(reads.event_counts, type_)

    async def answers(self, survey: str) -> list[dict[str, Any]]:
        return await self._browse(reads.answers, survey)

    async def opt_out_log(self, contact: Address | None = None) -> list[dict[str, Any]]:
        return await self._browse(reads.opt_out_log, contact)

    async def inbox(self, status: str | None = "open") -> list[dict[str, Any]]:
        """Inbox rows with ``status`` ('open', 'closed'; None for all), oldest first."""
        return await self._browse(reads.inbox, status)

    # --- contacts as a whole (``twoway contacts``) ----------------------------------------------

    async def import_contacts(self, rows: Sequence[contacts.ContactRow]) -> tuple[int, int]:
        """Create or merge ``(phone, fields, groups)`` rows in one transaction (fields: the
        row's win; groups: added); return (created, existing ones changed)."""
        return await self._write(contacts.import_contacts, rows, self._now())

    async def all_contacts(self, group: str | None = None) -> list[contacts.ContactRow]:
        """Every contact, or those of ``group``, by phone."""
        return await self._browse(contacts.all_contacts, group)

    async def contacts_page(
        self, after: str | None, limit: int, group: str | None = None
    ) -> list[contacts.ContactRow]:
        """A page of contacts by phone, after ``after`` (the REST API's cursor)."""
        return await self._browse(contacts.contacts_page, after, limit, group)

    async def patch_contact(
        self, phone: Address, fields: Mapping[str, Any], add: Sequence[str], remove: Sequence[str]
    ) -> bool:
        """Merge fields (None removes one), add and remove groups; False when unknown."""
        return await self._write(contacts.patch_contact, phone, fields, add, remove, self._now())

    async def import_opt_outs(
        self, phones: Sequence[Address], numbers: Sequence[Address], reason: str
    ) -> tuple[int, int]:
        """Opt ``phones`` out of ``numbers`` (audit: ``reason``); return (new, already)."""
        return await self._write(contacts.import_opt_outs, phones, numbers, reason, self._now())

    async def forget_contact(self, phone: Address, reason: str) -> dict[str, int]:
        """Erase a contact but its opt-outs, blank its messages' texts (see there)."""
        return await self._write(contacts.forget_contact, phone, reason, self._now())

    async def counts(self) -> dict[str, int]:
        """Rows per table (health checks, benchmarks)."""
        return await self._browse(reads.counts)
