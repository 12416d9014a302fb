"""Own the operator's commands: `twoway status` (ask a running engine), `twoway backup` and
`twoway hash-password` (a password of ``http.users``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import sqlite3
import sys
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from engine.cli.helptext import Command
from engine.config import Config, check_config, parse_listen
from engine.core.clock import Clock
from engine.errors import StoreError, render_all
from engine.i18n import localize, msg, plural, say
from engine.ruleset.compiler import Compiled
from engine.ruleset.moments import MomentError, read_moment
from engine.ruleset.ruleset import RuleSet
from engine.store import MEMORY, SqliteStore
from engine.store.files import open_read_only, replaced_privately

__all__ = [
    "backup_command",
    "config_or_exit",
    "fail",
    "hash_password_command",
    "run_on_store",
    "status_command",
    "store_or_exit",
]

T = TypeVar("T")

_CONFIG_HELP = "The deployment file (twoway.yaml). Without it: the embedded defaults."


def config_or_exit(path: Path | None) -> Config:
    """The configuration, or exit 1 with its errors; unset ``env:`` variables do not matter."""
    if path is None:
        return Config()
    config, errors, sources = check_config(path)
    fatal = [error for error in errors if error.code != "E601"]
    if fatal or config is None:
        click.echo(render_all(fatal or errors, sources), nl=False, err=True)
        sys.exit(1)
    return config


def ruleset_or_exit(compiled: Compiled, code: int = 1) -> RuleSet:
    """The compiled rule set, or exit ``code`` with every error at file:line:col on stderr."""
    if compiled.ruleset is None:
        click.echo(render_all(compiled.errors, compiled.sources), err=True, nl=False)
        sys.exit(code)
    return compiled.ruleset


def moment_or_now(text: str | None, ruleset: RuleSet, option: str) -> datetime:
    """The time ``option`` gives (ISO 8601; without an offset, in the rules' timezone), or now
    (to the second) when it is not given; a usage error when it cannot be read."""
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return read_moment(text.strip(), ruleset.settings.timezone)
    except MomentError as exc:
        problem = say("cli.problem", message=exc.message, hint=exc.hint)
        raise click.BadParameter(problem, param_hint=option) from None


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line (whatever its line breaks) and exit 1."""
    click.echo(say("cli.error", message=" ".join(localize(message).split())), err=True)
    sys.exit(1)


def store_or_exit(config: Config, db: Path | None, *, memory: str, exists: bool = True) -> str:
    """The store's path, from ``--db`` or the configuration; exit 1 with one line when it is
    ``:memory:`` (``memory`` says why that will not do) or, with ``exists``, no file."""
    store = str(db) if db is not None else config.store
    if store == MEMORY:
        fail(memory)
    if exists and not Path(store).is_file():
        fail(msg("cli.no_store", store=store))
    return store


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: a command that makes 100,000 rows at once (a
    campaign's recipients) spent more than half its time in collections that found nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def run_on_store(
    path: str, work: Callable[[SqliteStore], Awaitable[T]], *, clock: Clock | None = None
) -> T:
    """Run ``work(store)`` on the store opened at ``path``; a store error exits 1."""

    async def main() -> T:
        async with SqliteStore(path, clock=clock) as store:
            return await work(store)

    try:
        return asyncio.run(main())
    except StoreError as exc:
        fail(str(exc))


def health_url(config: Config) -> str:
    """Where the engine of ``config`` answers ``/health`` (a wildcard address asks loopback)."""
    host, port = parse_listen(config.http.listen)
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/health"


def _duration(seconds: float) -> str:
    whole = int(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{seconds:.1f}s"


def _label(key: str) -> str:
    """A label of the health report, padded to its column (in the language in use)."""
    return f"{say(key):<11}" if key else " " * 11


def _state(state: object) -> str:
    """A connector's or a worker's state in words (a state twoway does not know: as it is)."""
    known = ("up", "down", "connecting", "starting", "stopping")
    return say(f"status.state.{state}") if state in known else str(state)


def _workers(workers: list[dict[str, Any]]) -> list[str]:
    """The lines of the workers of ``workers: N`` (a single engine has none)."""
    lines = []
    for n, worker in enumerate(workers):
        restarts = int(worker.get("restarts") or 0)
        said = say(
            "status.worker",
            index=worker.get("index"),
            state=_state(worker.get("state")),
            pid=worker.get("pid") or "-",
            restarts=plural("status.restarts", restarts) if restarts else "",
            exit=say("status.last_exit", exit=worker["last_exit"])
            if worker.get("last_exit")
            else "",
        )
        lines.append(f"  {_label('status.workers' if n == 0 else '')} {said}")
    return lines


def render_health(report: dict[str, Any], url: str) -> str:
    """The health report as an operator reads it, in the language in use (the problems are
    the engine's own words)."""
    status = str(report.get("status", "?"))
    shown = {"ok": say("status.ok"), "degraded": say("status.degraded")}.get(status)
    lines = [
        say(
            "status.head",
            version=report.get("version", "?"),
            url=url.removesuffix("/health"),
            status=shown or status.upper(),
        )
    ]
    lines.extend(f"  - {problem}" for problem in report.get("problems", []))
    up = _duration(float(report.get("uptime_seconds", 0)))
    since = say("status.since", duration=up, at=report.get("started_at", "?"))
    lines.append(f"  {_label('status.up')} {since}")
    rules = report.get("rules", {})
    described = say(
        "status.rules_are",
        version=rules.get("version"),
        files=rules.get("files"),
        flows=rules.get("flows"),
    )
    if rules.get("path"):
        described += say("status.from", path=rules["path"])
    lines.append(f"  {_label('status.rules')} {described}")
    if rules.get("loaded_at"):
        reloads = ""
        if rules.get("reloads_ok") is not None:
            failed = rules.get("reloads_failed", 0)
            reloads = say("status.reloads", ok=rules["reloads_ok"], failed=failed)
        loaded = say("status.loaded", at=rules["loaded_at"], reloads=reloads)
        lines.append(f"  {_label('')} {loaded}")
    lines.extend(_workers(report.get("workers") or []))
    connectors = report.get("connectors", {})
    first = True
    for name, info in connectors.items():
        label = _label("status.connectors" if first else "")
        error = f" ({info['error']})" if info.get("error") else ""
        state = _state(info.get("state"))
        said = say("status.connector", name=name, type=info.get("type"), state=state, error=error)
        lines.append(f"  {label} {said}")
        if "registration" in info:  # a modem
            signal = info.get("signal")
            strength = say("status.unknown") if signal is None else f"{signal}/31"
            modem = say(
                "status.modem",
                number=info.get("number"),
                port=info.get("port"),
                pin=info.get("pin"),
                registration=info.get("registration"),
                operator=info.get("operator") or say("status.no_operator"),
                strength=strength,
            )
            lines.append(f"  {_label('')}   {modem}")
            lines.extend(
                f"  {_label('')}   {say('status.note', note=note)}"
                for note in info.get("notes") or ()
            )
        first = False
    queues = report.get("queues", {})
    lines.append(f"  {_label('status.queues')} " + ", ".join(f"{k} {v}" for k, v in queues.items()))
    if report.get("store"):
        lines.append(f"  {_label('status.store')} {report['store']}")
    if report.get("clock") == "test":
        test_clock = say("status.test_clock", now=report.get("now"))
        lines.append(f"  {_label('status.clock')} {test_clock}")
    if rules.get("errors"):
        lines.append("")
        lines.append(say("status.rule_errors"))
        lines.append(str(rules["errors"]).rstrip("\n"))
    return "\n".join(lines) + "\n"


@click.command("status", cls=Command)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option("--url", help="Ask this /health address instead of the one of the configuration.")
@click.option("--json", "as_json", is_flag=True, help="Print the health report as JSON.")
def status_command(config_path: Path | None, url: str | None, as_json: bool) -> None:
    """Ask the running engine how it is: rules, connectors, queues (its /health).

    Exit 0 when it is ok, 2 when it is degraded, 1 when it does not answer.
    """
    target = url or health_url(config_or_exit(config_path))
    try:
        with urllib.request.urlopen(target, timeout=5) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
        if exc.code != 503:
            problem = msg("cli.status.answered", target=target, code=exc.code, reason=exc.reason)
            click.echo(say("cli.error", message=problem), err=True)
            sys.exit(1)
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        run = "twoway run" + (f" --config {config_path}" if config_path else "")
        problem = msg("cli.status.silent", target=target, reason=reason)
        hint = say("check.hint", hint=msg("cli.status.silent.hint", run=run))
        click.echo(f"{say('cli.error', message=problem)}\n  {hint}", err=True)
        sys.exit(1)
    try:
        report = json.loads(body)
    except ValueError:
        problem = msg("cli.status.no_report", target=target)
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo(render_health(report, target), nl=False)
    sys.exit(0 if report.get("status") == "ok" else 2)


def backup(source: Path, target: Path) -> int:
    """Copy the SQLite store ``source`` into ``target`` (one file, no WAL); return its size.

    The online backup API reads one consistent snapshot, so the engine may keep writing
    meanwhile. The copy is checked, then moved into place: ``target`` is never half-written.
    It is mode 0600 whatever the umask, like the store.
    """
    # a copy of every phone number: mode 0600, like the store
    with replaced_privately(target) as partial:
        src = open_read_only(source, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                (check,) = dst.execute("PRAGMA quick_check").fetchone()
                if check != "ok":
                    raise sqlite3.DatabaseError(f"the copy does not check out: {check}")
            finally:
                dst.close()
        finally:
            src.close()
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
    return target.stat().st_size


@click.command("backup", cls=Command)
@click.argument("target", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help=_CONFIG_HELP
)
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The store to copy, instead of the configuration's.",
)
@click.option("--force", is_flag=True, help="Replace TARGET when it exists.")
def backup_command(target: Path, config_path: Path | None, db: Path | None, force: bool) -> None:
    """Copy the store (SQLite) into TARGET, safely, also while the engine runs."""
    source = Path(
        store_or_exit(
            config_or_exit(config_path),
            db,
            memory=msg("cli.backup.memory"),
        )
    )
    if target.exists() and not force:
        click.echo(say("cli.error", message=msg("cli.backup.exists", target=target)), err=True)
        sys.exit(1)
    if target.resolve() == source.resolve():
        click.echo(say("cli.error", message=msg("cli.backup.itself")), err=True)
        sys.exit(1)
    try:
        size = backup(source, target)
    except (sqlite3.Error, OSError) as exc:
        problem = msg("cli.backup.failed", source=source, target=target, reason=exc)
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(1)
    click.echo(say("cli.backed_up", source=source, target=target, size=f"{size:,}"))


@click.command("hash-password", cls=Command)
def hash_password_command() -> None:
    """Print the scrypt$… hash of a password, for a user of http.users in twoway.yaml.

    The password is asked twice at a terminal (not shown), or read from the first line of
    standard input when it is a pipe. The hash has a salt of its own each time.
    """
    from engine.web.console.passwords import hash_password

    if sys.stdin.isatty():
        password = click.prompt(say("cli.password"), hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail(msg("cli.empty_password"))
    click.echo(hash_password(password))
