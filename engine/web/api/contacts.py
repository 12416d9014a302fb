"""Own the REST API's contacts: list them a page at a time, read, replace, change and forget
one, and import a CSV or XLSX file, with the parsing and the refused rows of
``twoway contacts import`` and the erasure of ``twoway contacts forget``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers
from aiohttp import web

from engine.contacts import ImportPlan, PhoneReader, TableError, parse_table, plan_import
from engine.store.contacts import FORGOTTEN
from engine.web.api.base import reply
from engine.web.api.params import LIMIT, path_phone, query
from engine.web.api.problems import ProblemError, parse
from engine.web.api.schema import Query, Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["MAX_IMPORT", "ROUTES"]

MAX_IMPORT = 20 * 1024 * 1024
"""Bytes of an imported file (the other bodies: ``MAX_BODY``)."""
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

AFTER = Query("after", "The cursor: the last phone of the previous page (its `next`)",
              {"type": "string", "minLength": 1})  # fmt: skip
GROUP = Query("group", "Only the contacts of this group", {"type": "string", "minLength": 1})
ADD_GROUP = Query("group", "Add every imported contact to this group (repeatable)",
                  {"type": "string", "minLength": 1}, many=True)  # fmt: skip
COUNTRY = Query("country", "The country of numbers written without +CC (ISO 3166 code like FR;"
                " default: the configuration's country)",
                {"type": "string", "pattern": "^[A-Za-z]{2}$"})  # fmt: skip


# --- models -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactItem:
    """A contact: its fields (name, language, timezone among them) and its groups."""

    phone: str = field(metadata=meta("E.164 number or short code"))
    fields: dict[str, Any] = field(metadata=meta("Field name → value"))
    groups: list[str] = field(metadata=meta("Its groups"))


@dataclass(frozen=True)
class ContactPage:
    """One page of contacts, by phone."""

    contacts: list[ContactItem] = field(metadata=meta("The contacts of this page"))
    next: str | None = field(metadata=meta("Give it as `after` for the next page; null: the last"))


@dataclass(frozen=True)
class ContactDetail:
    """A contact, with the numbers of ours it opted out of and its poll votes."""

    phone: str = field(metadata=meta("E.164 number or short code"))
    fields: dict[str, Any] = field(metadata=meta("Field name → value"))
    groups: list[str] = field(metadata=meta("Its groups, sorted"))
    opted_out: list[str] = field(metadata=meta("Our numbers it opted out of (kept when forgotten)"))
    votes: dict[str, str] = field(metadata=meta("Poll id → the choice it voted for"))


@dataclass(frozen=True)
class ContactBody:
    """A contact's whole content: what is not given is emptied."""

    fields: dict[str, Any] | None = field(default=None, metadata=meta("Field name → value"))
    groups: list[str] | None = field(default=None, metadata=meta("Its groups"))


@dataclass(frozen=True)
class ContactChange:
    """Changes to a contact: fields merged (null removes one), groups added and taken out."""

    fields: dict[str, Any] | None = field(
        default=None, metadata=meta("Field name → new value; null removes the field")
    )
    add_groups: list[str] | None = field(default=None, metadata=meta("Groups to add"))
    remove_groups: list[str] | None = field(default=None, metadata=meta("Groups to leave"))


@dataclass(frozen=True)
class Forgotten:
    """What `DELETE` erased (as `twoway contacts forget`): rows removed per kind, texts
    blanked, and the opt-outs kept so that the number stays silenced."""

    phone: str = field(metadata=meta("The number forgotten"))
    removed: dict[str, int] = field(metadata=meta("Kind → rows erased or blanked"))
    opt_outs_kept: int = field(metadata=meta("Opt-outs kept: it is never messaged again"))


@dataclass(frozen=True)
class RefusedRow:
    """A row of the file that was not imported."""

    row: int = field(metadata=meta("Its line in the file (the header is line 1)"))
    value: str = field(metadata=meta("The phone cell, when it was the problem"))
    reason: str = field(metadata=meta("Why it was refused"))


@dataclass(frozen=True)
class Imported:
    """An import's report, like `twoway contacts import`: counts, and each refused row."""

    imported: int = field(metadata=meta("Contacts created"))
    updated: int = field(metadata=meta("Known contacts changed"))
    refused: list[RefusedRow] = field(metadata=meta("The rows refused, with their line"))


# --- handlers -----------------------------------------------------------------------------------


async def list_contacts(api: Api, request: web.Request) -> web.Response:
    limit: int = query(request, LIMIT)
    after: str | None = query(request, AFTER)
    if after is not None and after.startswith(" "):  # a "+" not written %2B: a space
        after = "+" + after[1:]
    group: str | None = query(request, GROUP)
    rows = await api.store().contacts_page(after, limit + 1, group)
    page = [ContactItem(phone, dict(fields), list(groups)) for phone, fields, groups in rows]
    more = len(page) > limit
    return reply(ContactPage(page[:limit], page[limit - 1].phone if more else None))


async def _detail(api: Api, phone: str) -> ContactDetail:
    found = await api.store().contact(phone)
    if found is None:
        raise ProblemError(
            404, f"no contact {phone} in the store", kind="urn:twoway:unknown-contact"
        )
    return ContactDetail(phone, dict(found.fields), list(found.groups),
                         sorted(found.opted_out), dict(found.votes))  # fmt: skip


async def get_contact(api: Api, request: web.Request) -> web.Response:
    return reply(await _detail(api, path_phone(request)))


async def put_contact(api: Api, request: web.Request) -> web.Response:
    phone = path_phone(request)
    body: ContactBody = parse(ContactBody, await api.body(request))
    await api.store().save_contact(phone, body.fields or {}, body.groups or [])
    return reply(await _detail(api, phone))


async def patch_contact(api: Api, request: web.Request) -> web.Response:
    phone = path_phone(request)
    change: ContactChange = parse(ContactChange, await api.body(request))
    done = await api.store().patch_contact(
        phone, change.fields or {}, change.add_groups or [], change.remove_groups or []
    )
    if not done:
        raise ProblemError(404, f"no contact {phone} in the store (PUT creates one)",
                           kind="urn:twoway:unknown-contact")  # fmt: skip
    return reply(await _detail(api, phone))


async def forget_contact(api: Api, request: web.Request) -> web.Response:
    phone = path_phone(request)
    done = await api.store().forget_contact(phone, FORGOTTEN)
    if not any(done.values()):
        raise ProblemError(404, f"the store keeps nothing of {phone}",
                           kind="urn:twoway:unknown-contact")  # fmt: skip
    kept = done.pop("opt-outs kept")
    return reply(Forgotten(phone, {kind.replace(" ", "_"): n for kind, n in done.items()}, kept))


def _reader(api: Api, request: web.Request) -> PhoneReader:
    given: str | None = query(request, COUNTRY)
    country = (given or (api.config.country if api.config else None) or "").upper() or None
    if country is not None and country not in phonenumbers.SUPPORTED_REGIONS:
        raise ProblemError(400, f"query parameter country: '{country}' is not a known country "
                           "code", kind="urn:twoway:invalid-request")  # fmt: skip
    return PhoneReader(country)


def _plan(data: bytes, name: Path, phones: PhoneReader, groups: tuple[str, ...]) -> ImportPlan:
    """Read and plan the file (off the event loop: 20 MB of XLSX takes seconds)."""
    return plan_import(parse_table(data, name), phones, name.name, groups)


async def import_contacts(api: Api, request: web.Request) -> web.Response:
    media = request.content_type
    if media not in (CSV, XLSX):
        raise ProblemError(415, f"send the file as {CSV} or {XLSX}, not {media}")
    phones = _reader(api, request)
    groups = tuple(query(request, ADD_GROUP))
    data = await api.raw_body(request, MAX_IMPORT)
    name = Path("body.xlsx" if media == XLSX else "body.csv")
    try:
        plan = await asyncio.to_thread(_plan, data, name, phones, groups)
    except TableError as exc:
        raise ProblemError(400, str(exc), kind="urn:twoway:unreadable-file") from None
    refused = [RefusedRow(r.row, r.value, r.reason) for r in plan.refused]
    if not plan.records:
        listed = "; ".join(r.line() for r in plan.refused[:5]) or "the file has no rows"
        raise ProblemError(422, f"nothing to import: {len(refused)} row(s) refused ({listed})",
                           kind="urn:twoway:nothing-imported")  # fmt: skip
    rows = [(r.phone, r.fields, r.groups) for r in plan.records.values()]
    created, changed = await api.store().import_contacts(rows)
    return reply(Imported(created, changed, refused))


ROUTES = (
    Route("GET", "/contacts", list_contacts, "List the contacts, by phone, a page at a time",
          "read", None, ContactPage, 200, False, (400, 401, 403), (LIMIT, AFTER, GROUP)),
    Route("POST", "/contacts", import_contacts, "Import contacts from a CSV or XLSX file "
          "(as twoway contacts import)", "admin", None, Imported, 200, False,
          (400, 401, 403, 413, 415, 422), (ADD_GROUP, COUNTRY), (CSV, XLSX)),
    Route("GET", "/contacts/{phone}", get_contact, "A contact: fields, groups, opt-outs, votes",
          "read", None, ContactDetail, 200, False, (400, 401, 403, 404)),
    Route("PUT", "/contacts/{phone}", put_contact, "Create or replace a contact's fields and "
          "groups", "admin", ContactBody, ContactDetail, 200, False, (400, 401, 403, 413)),
    Route("PATCH", "/contacts/{phone}", patch_contact, "Merge fields into a contact; add and "
          "remove groups", "admin", ContactChange, ContactDetail, 200, False,
          (400, 401, 403, 404, 413)),
    Route("DELETE", "/contacts/{phone}", forget_contact, "Forget a contact (GDPR erasure, as "
          "twoway contacts forget); its opt-outs are kept", "admin", None, Forgotten, 200, False,
          (400, 401, 403, 404)),
)  # fmt: skip
