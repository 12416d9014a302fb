"""Own `twoway contacts`: import and export contacts, import a suppression list, forget one."""

from __future__ import annotations

import csv
from pathlib import Path

import click
import phonenumbers

from engine.cli.helptext import Group
from engine.cli.ops import config_or_exit, fail, gc_paused, run_on_store, store_or_exit
from engine.config import Config
from engine.contacts import (
    PhoneReader,
    TableError,
    export_rows,
    plan_import,
    read_table,
    write_table,
)
from engine.contacts.records import Refused
from engine.core.cells import guard_row
from engine.core.messages import normalize_address
from engine.i18n import msg, plural, say
from engine.store.contacts import FORGOTTEN
from engine.store.files import open_private

__all__ = ["contacts_group"]

_CONFIG_HELP = "The deployment file (twoway.yaml): its store, its country, its numbers."
_DB_HELP = "The store (SQLite file) to use, instead of the configuration's."
_COUNTRY_HELP = (
    "The country of numbers written without +CC (ISO 3166 code like FR); overrides the "
    "configuration's country."
)


def _setup(config_path: Path | None, db: Path | None, *, exists: bool) -> tuple[Config, str]:
    """The configuration and the store's path; exit 1 when unusable."""
    config = config_or_exit(config_path)
    memory = msg("contacts.memory")
    return config, store_or_exit(config, db, memory=memory, exists=exists)


def _country(config: Config, country: str | None) -> PhoneReader:
    chosen = (country or config.country or "").upper() or None
    if chosen is not None and chosen not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(say("contacts.country", code=chosen), param_hint="--country")
    return PhoneReader(chosen)


def _refused_out(refused: list[Refused], target: Path | None) -> None:
    if target is None:
        for item in refused:
            shown = say("contacts.value", value=item.value) if item.value else ""
            click.echo(say("contacts.refused", row=item.row, value=shown, reason=item.reason))
        return
    try:
        # phone numbers: mode 0600, like the store
        with open(open_private(target), "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "phone", "reason"])
            writer.writerows(guard_row((item.row, item.value, item.reason)) for item in refused)
    except OSError as exc:
        fail(msg("cli.cannot_write", path=target, reason=exc.strerror or exc))
    click.echo(say("cli.refused_written", path=target))


@click.group("contacts", cls=Group)
def contacts_group() -> None:
    """Import contacts from CSV or XLSX, export them, import a suppression list, forget one.

    Every subcommand writes the store in one short transaction, whether the engine runs or
    not: the engine sees the change at its next batch.
    """


@contacts_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--group", "groups", multiple=True, metavar="NAME", help="Add every contact to NAME.")
@click.option("--country", metavar="XX", help=_COUNTRY_HELP)
@click.option(
    "--refused",
    "refused_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the refused rows to this CSV file instead of listing them.",
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
def import_command(
    file: Path,
    groups: tuple[str, ...],
    country: str | None,
    refused_file: Path | None,
    config_path: Path | None,
    db: Path | None,
) -> None:
    """Import contacts from a CSV (, or ;) or XLSX FILE.

    A phone column is required (also: telephone, mobile, numero, msisdn); name, language,
    timezone and groups (split on , or ;) are understood; any other column becomes a contact
    field. Numbers become E.164 with the country. Rows of a number already known merge into
    it: the later non-empty cell wins, groups add up. Prints `imported N, updated M,
    refused K` and the refused rows. Exit 0 when the file was read, 1 when it cannot be.
    """
    config, store_path = _setup(config_path, db, exists=False)
    phones = _country(config, country)
    with gc_paused():
        try:
            plan = plan_import(read_table(file), phones, str(file), tuple(g for g in groups if g))
        except TableError as exc:
            fail(str(exc))
        rows = [(r.phone, r.fields, r.groups) for r in plan.records.values()]
        created, changed = run_on_store(store_path, lambda store: store.import_contacts(rows))
    click.echo(say("cli.imported", created=created, changed=changed, refused=len(plan.refused)))
    _refused_out(plan.refused, refused_file)


@contacts_group.command("export")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--group", metavar="NAME", help="Only the contacts of group NAME.")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
def export_command(
    file: Path, group: str | None, config_path: Path | None, db: Path | None
) -> None:
    """Write the contacts to FILE.csv or FILE.xlsx, readable by `twoway contacts import`.

    Columns: phone, name, language, timezone, groups (joined by ;), then every other field,
    sorted. The file is mode 0600: it lists people.
    """
    _, store_path = _setup(config_path, db, exists=True)
    found = run_on_store(store_path, lambda store: store.all_contacts(group))
    header, rows = export_rows(found)
    try:
        write_table(file, header, rows)
    except OSError as exc:
        fail(msg("cli.cannot_write", path=file, reason=exc.strerror or exc))
    click.echo(plural("cli.exported", len(rows), path=file))


@contacts_group.command("import-optouts")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--number",
    "numbers",
    multiple=True,
    metavar="N",
    help="Opt out of this number of ours (repeatable); without it, of every configured number.",
)
@click.option("--country", metavar="XX", help=_COUNTRY_HELP)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
def import_optouts_command(
    file: Path,
    numbers: tuple[str, ...],
    country: str | None,
    config_path: Path | None,
    db: Path | None,
) -> None:
    """Load a suppression list (CSV or XLSX with a phone column) from a previous provider.

    Each number becomes opted out of N, or of every number of the configuration, with
    "imported from FILE" in the opt-out log: nothing is sent to it afterwards (until it
    sends START itself). Exit 0 when the file was read, 1 when it cannot be.
    """
    config, store_path = _setup(config_path, db, exists=False)
    phones = _country(config, country)
    ours = [normalize_address(n) for n in numbers] or list(config.numbers)
    if not ours:
        fail(msg("contacts.no_numbers"))
    try:
        plan = plan_import(read_table(file), phones, str(file))
    except TableError as exc:
        fail(str(exc))
    listed = list(plan.records)
    reason = f"imported from {file.name}"
    fresh, already = run_on_store(store_path, lambda s: s.import_opt_outs(listed, ours, reason))
    counted = plural("contacts.numbers", len(listed))
    click.echo(
        say(
            "contacts.opted_out",
            numbers=counted,
            ours=", ".join(ours),
            fresh=fresh,
            already=already,
            refused=len(plan.refused),
        )
    )
    _refused_out(plan.refused, None)


_FORGOTTEN = ("contact", "sessions", "votes", "answers", "events", "timers", "inbox", "threads",
              "held parts")  # fmt: skip
"""What ``forget`` counts, in the order it says them (``contacts.removed.KEY``)."""


@contacts_group.command("forget")
@click.argument("phone")
@click.option("--country", metavar="XX", help=_COUNTRY_HELP)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)
def forget_command(
    phone: str, country: str | None, config_path: Path | None, db: Path | None
) -> None:
    """Erase what the store keeps of PHONE (GDPR): its fields and groups, sessions, votes,
    answers, events, timers and inbox rows, and the texts of its messages (blanked).

    Its opt-outs are kept, with their log: a person who opted out and is forgotten must still
    never be messaged. A reply still waiting to leave is suppressed.
    """
    config, store_path = _setup(config_path, db, exists=True)
    e164 = _country(config, country).e164(phone) or normalize_address(phone)
    done = run_on_store(store_path, lambda store: store.forget_contact(e164, FORGOTTEN))
    removed = [
        plural(f"contacts.removed.{key.replace(' ', '_')}", done[key])
        for key in _FORGOTTEN
        if done[key]
    ]
    if done["contact"]:
        fields = plural("contacts.fields", done["fields"])
        removed[0] = say(
            "contacts.removed.whole",
            fields=fields,
            groups=plural("contacts.groups", done["groups"]),
        )
    blanked = say("contacts.blanked", inbound=done["inbound texts"], outbox=done["outbox texts"])
    said = ", ".join(removed) or say("contacts.nothing")
    click.echo(say("contacts.forgot", phone=e164, removed=said, blanked=blanked))
    if done["opt-outs kept"]:
        click.echo(say("contacts.kept", count=done["opt-outs kept"]))
