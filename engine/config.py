"""Own the deployment configuration (`twoway.yaml`): validation, defaults, secrets.

No configuration at all is a valid deployment: SQLite ``twoway.db``, rules from ``./rules`` (or
the demo rules shipped with twoway when there is no such folder), the JSON-lines console
transport on 127.0.0.1:2776, and the health and metrics endpoint on 127.0.0.1:8080.

A file is read with positions (``engine.ruleset.loader``) and checked against
``schemas/config.schema.json``, then across keys (a number's connector exists, the time zone is
known); every mistake is reported at once, at file:line:col, like a rule file's. ``env:NAME``
values are read from the environment only once the file is valid.
"""

from __future__ import annotations

import ipaddress
import os
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from engine.core.messages import normalize_address
from engine.core.notices import Subscriber
from engine.errors import ConfigError, RuleError, did_you_mean, render_all
from engine.i18n import msg
from engine.resources import default_rules_dir
from engine.ruleset.loader import Document, JsonPath, load_path, normalise
from engine.ruleset.schema import validate
from engine.transports.http.settings import option_problems as http_problems
from engine.transports.smpp.settings import option_problems

__all__ = [
    "SCOPES",
    "ApiToken",
    "Config",
    "ConfigFileError",
    "ConnectorConfig",
    "ConsoleUser",
    "HttpConfig",
    "LogConfig",
    "Network",
    "NumberConfig",
    "check_config",
    "is_loopback",
    "load_config",
    "parse_listen",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
"""An entry of ``http.trusted_proxies``: an address is a network of one."""

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)\s*$")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CONNECTOR_TYPES = ("loopback", "jsonl", "smpp", "modem", "http")
"""The connector types this release can run (the schema also knows those still to come)."""

DEFAULT_LISTEN = "127.0.0.1:8080"
_JSONL = "127.0.0.1:2776"
"""Where a jsonl connector listens when its ``listen`` is not written (``engine.app``)."""


@dataclass(frozen=True)
class ConnectorConfig:
    name: str
    type: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NumberConfig:
    address: str
    connector: str
    kind: str = "long_code"
    throughput: float | None = None
    """Messages per second, or None for no limit."""


SCOPES = ("send", "read", "inbox", "admin")
"""What a REST API token may do; a token written as plain text may do all of it."""


@dataclass(frozen=True)
class ApiToken:
    """A bearer token of the REST API: its name (in logs, never the token), what it may do."""

    name: str
    token: str = field(repr=False)
    scopes: frozenset[str] = frozenset(SCOPES)


@dataclass(frozen=True)
class ConsoleUser:
    """A person of the web console (``http.users``): their name, the ``scrypt$…`` hash of their
    password (``twoway hash-password``), the teams whose threads they see, and whether they are
    an admin (who sees every team's)."""

    name: str
    password: str = field(repr=False)
    teams: frozenset[str] = frozenset()
    admin: bool = False


@dataclass(frozen=True)
class CannedReply:
    """A reply the console offers to fill in (``http.console.canned``): its name and text."""

    name: str
    text: str


@dataclass(frozen=True)
class TlsFiles:
    """A PEM certificate (its chain after it) and its private key, as ``http.tls`` names them."""

    cert: str
    key: str


@dataclass(frozen=True)
class HttpConfig:
    """The HTTP endpoint: ``/health``, ``/metrics`` and the REST API (``/api/v1/``)."""

    listen: str = DEFAULT_LISTEN
    tokens: tuple[ApiToken, ...] = ()
    """Bearer tokens of the REST API; /health and /metrics need none."""
    max_connections: int = 100
    """Connections open at once; a new one beyond is answered 503 and closed at once."""
    request_timeout: float = 10.0
    """Seconds a connection has to send a whole request (and stays open idle after one)."""
    tls: TlsFiles | None = None
    """Serve HTTPS with this certificate and key (``http.tls``); None: plain HTTP."""
    users: tuple[ConsoleUser, ...] = ()
    """The people who log in to the web console with a name and a password."""
    canned: tuple[CannedReply, ...] = ()
    """The console's canned replies (``http.console.canned``), in their order."""
    trusted_proxies: tuple[Network, ...] = ()
    """The reverse proxies whose ``X-Forwarded-For`` tells the client's address (an address is
    a network of one: ``engine.web.clients``); none by default."""

    @property
    def host(self) -> str:
        return parse_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return parse_listen(self.listen)[1]


@dataclass(frozen=True)
class LogConfig:
    format: str = "text"
    """``text`` (one readable line per record) or ``json`` (one JSON object per line)."""
    level: str | None = None
    """DEBUG, INFO, WARNING or ERROR; None leaves it to the command line (INFO)."""


@dataclass(frozen=True)
class Config:
    store: str = "twoway.db"
    rules: str = "rules"
    timezone: str | None = None
    country: str | None = None
    """ISO 3166 alpha-2 code (``FR``): the country of numbers written without ``+CC`` in
    imported files (``twoway contacts import``)."""
    reload: bool = True
    """Watch the rule files and swap in a new rule set when they change (engine/reload.py)."""
    workers: int = 1
    """Engine processes over the store (``workers:``; ``auto`` is resolved to the cores): 1 is
    one process, as always; 2 or more run the supervisor of ``engine.workers``."""
    http: HttpConfig = field(default_factory=HttpConfig)
    log: LogConfig = field(default_factory=LogConfig)
    connectors: dict[str, ConnectorConfig] = field(
        default_factory=lambda: {
            "console": ConnectorConfig("console", "jsonl", {"listen": "127.0.0.1:2776"})
        }
    )
    numbers: dict[str, NumberConfig] = field(default_factory=dict)
    notify: tuple[Subscriber, ...] = ()
    """Who gets event notifications (``notify:``), their secrets read from the environment."""
    source: str | None = None

    def rules_path(self) -> Path:
        path = Path(self.rules)
        if self.source is None and self.rules == "rules" and not path.exists():
            return default_rules_dir()
        return path


def resolve_workers(raw: Any, connectors: Mapping[str, ConnectorConfig]) -> int:
    """The number of engine processes ``workers:`` asks for: ``auto`` is one per core, or 1 when
    no connector is ``smpp`` (only smpp connectors run in more than one worker)."""
    if raw == "auto":
        if not any(c.type == "smpp" for c in connectors.values()):
            return 1
        return max(1, os.cpu_count() or 1)
    return int(raw) if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1 else 1


def parse_listen(value: str) -> tuple[str, int]:
    """``127.0.0.1:8080`` to ``("127.0.0.1", 8080)``; ``[::1]:8080`` to ``("::1", 8080)``."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(msg("config.listen", value=value))
    host = host.removeprefix("[").removesuffix("]")
    return host or "127.0.0.1", int(port)


def secret(value: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Resolve ``env:NAME`` from the environment; any other value is returned as is."""
    env = os.environ if environ is None else environ
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in env:
            raise ConfigError(msg("config.env_unset", name=name, value=value))
        return env[name]
    return value


def parse_rate(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    match = _RATE.match(str(raw))
    if not match:
        raise ConfigError(msg("config.rate", raw=raw))
    value = float(match.group(1))
    return value if match.group(2).startswith("s") else value / 60


class ConfigFileError(ConfigError):
    """A `twoway.yaml` has mistakes: every one of them, rendered like a rule file's errors."""

    def __init__(self, errors: Iterable[RuleError], sources: Mapping[str, str]) -> None:
        self.errors: tuple[RuleError, ...] = tuple(sorted(errors, key=RuleError.sort_key))
        self.sources = dict(sources)
        self.text = render_all(self.errors, self.sources)
        super().__init__(self.text)

    def render(self) -> str:
        return self.text


def load_config(path: str | Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Read and check a `twoway.yaml`; None gives the embedded defaults.

    Raises ``ConfigFileError`` with every mistake found (file:line:col, caret, hint).
    """
    if path is None:
        return Config()
    config, errors, sources = check_config(Path(path), environ)
    if errors or config is None:
        raise ConfigFileError(errors, sources)
    return config


def check_config(
    path: Path, environ: Mapping[str, str] | None = None
) -> tuple[Config | None, list[RuleError], dict[str, str]]:
    """Every error of a `twoway.yaml`, the texts to render them against, and its Config.

    With errors, the Config is only good for its ``rules`` (so that they can be checked
    alongside), or None when the file could not be read; with only unset ``env:`` variables it
    is whole (their values empty).
    """
    env = os.environ if environ is None else environ
    document, errors = read_config(path)
    sources = _sources(path, document)
    if document is None:
        return None, errors, sources
    if errors:
        errors.extend(_smpp_errors(document, env))
        errors.extend(_http_errors(document, errors))
        rules = document.data.get("rules")
        rules = rules if isinstance(rules, str) and rules else Config.rules
        return _build(Document(document.file, "", {"rules": rules}, {}), env), errors, sources
    errors = _secret_errors(document, env)
    if errors:
        unset = {value[4:]: "" for _, value in _secret_paths(document)}
        env = {**unset, **env}
    errors.extend(_smpp_errors(document, env))
    errors.extend(_http_errors(document, errors))
    return _build(document, env), errors, sources


def read_config(file: Path) -> tuple[Document | None, list[RuleError]]:
    """Load ``file`` and return it with every error of it, environment aside."""
    document, errors = load_path(file)
    if document is None:
        if errors and all(e.code == "E103" for e in errors) and _blank(file):
            return Document(str(file), "", {}, {}), []
        return None, [_config_wording(e) for e in errors]
    if not isinstance(document.data, dict):
        return document, errors  # pragma: no cover - the loader only returns mappings
    errors = [*errors, *validate(document, "config")]
    errors.extend(_cross_errors(document, errors))
    return document, errors


def _sources(file: Path, document: Document | None) -> dict[str, str]:
    """The text errors are rendered against (for a file the loader could not read: its text)."""
    if document is not None:
        return {document.file: document.text}
    try:
        return {str(file): normalise(file.read_text(encoding="utf-8-sig"))}
    except (OSError, UnicodeDecodeError):
        return {}


def _blank(file: Path) -> bool:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _config_wording(error: RuleError) -> RuleError:
    """The loader speaks of rule files; say it of a configuration."""
    if error.code != "E103" or not error.message.startswith("a rule file"):
        return error
    return RuleError("E103", msg("config.E103"), error.span, msg("config.E103.hint"))


# --- checks across keys -------------------------------------------------------------------------


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@cache
def _countries() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def _cross_errors(document: Document, found: list[RuleError]) -> list[RuleError]:
    """What the schema cannot say: references, time zones, ports, available connector types.

    Places that already have an error are left alone (one error per place).
    """
    data: dict[str, Any] = document.data
    taken = {(e.span.line, e.span.col) for e in found if e.span is not None}
    out: list[RuleError] = []

    def add(path: JsonPath, message: str, hint: str | None, *, key: bool = False) -> None:
        span = document.span(path, key=key)
        if (span.line, span.col) not in taken:
            taken.add((span.line, span.col))
            out.append(RuleError("E203", message, span, hint))

    zone = data.get("timezone")
    if isinstance(zone, str) and zone and zone not in _zones():
        hint = did_you_mean(zone, _zones()) or msg("config.zone.hint")
        add(("timezone",), msg("config.zone", zone=zone), hint)
    country = data.get("country")
    if isinstance(country, str) and country.upper() not in _countries():
        hint = did_you_mean(country.upper(), _countries()) or msg("config.country.hint")
        add(("country",), msg("config.country", country=country), hint)
    proxies = _at(data, ("http", "trusted_proxies"))
    for index, entry in enumerate(proxies if isinstance(proxies, list) else ()):
        if isinstance(entry, str) and _proxy_network(entry) is None:
            where: JsonPath = ("http", "trusted_proxies", index)
            add(where, msg("config.proxy", entry=entry), msg("config.proxy.hint"))
    listens: list[JsonPath] = [("http", "listen")]
    connectors = data.get("connectors")
    names: list[str] = []
    if isinstance(connectors, dict):
        names = list(connectors)
        for name, raw in connectors.items():
            if not isinstance(raw, dict):
                continue
            kind = raw.get("type")
            if isinstance(kind, str) and kind not in CONNECTOR_TYPES:
                add(
                    ("connectors", name, "type"),
                    msg("config.connector_type", kind=kind),
                    msg("config.available.hint", names=", ".join(CONNECTOR_TYPES)),
                )
            listens.append(("connectors", name, "listen"))
            if kind == "jsonl" and (exposed := _jsonl_exposed(name, raw)) is not None:
                add(*exposed)
    seen: dict[int, list[tuple[str, str]]] = {}
    for path in listens:
        value = _at(data, path)
        if isinstance(value, str) and ":" in value:
            port = value.rpartition(":")[2]
            if port.isdigit() and int(port) > 65535:
                add(path, msg("config.port", key=path[-1], port=port), msg("config.port.hint"))
                continue
        written = value is not None
        if not written:  # the default address: an error goes at the connector's name
            jsonl = path[0] == "connectors" and _at(data, (*path[:2], "type")) == "jsonl"
            if path[0] == "http" or jsonl:
                value, path = (DEFAULT_LISTEN, path) if path[0] == "http" else (_JSONL, path[:2])
        if isinstance(value, str) and (other := _shared(value, path, seen)):
            what = value if written else msg("config.default_listen", value=value)
            message = msg("config.listens", what=what, other=other)
            add(path, message, msg("config.listens.hint"), key=not written)
    out.extend(e for e in _notify_errors(document) if _free(e, taken))
    for where, wrong, fix in _workers_errors(data):
        add(where, wrong, fix)
    if connectors is None:
        names = list(Config().connectors)
    numbers = data.get("numbers")
    if isinstance(connectors, dict):
        out.extend(e for e in _modem_errors(document, connectors, numbers) if _free(e, taken))
    if isinstance(numbers, dict) and (connectors is None or isinstance(connectors, dict)):
        for address, raw in numbers.items():
            connector = raw.get("connector") if isinstance(raw, dict) else None
            if isinstance(connector, str) and connector not in names:
                hint = did_you_mean(connector, names) or (
                    msg("config.connectors.hint", names=", ".join(names))
                    if names
                    else msg("config.add_connector.hint")
                )
                add(
                    ("numbers", address, "connector"),
                    msg("config.no_connector", address=address, connector=connector),
                    hint,
                )
    return out


def _proxy_network(entry: str) -> Network | None:
    """An entry of ``http.trusted_proxies``: an address (a network of one) or a network, or
    None when it is neither."""
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return None


def _workers_errors(data: dict[str, Any]) -> list[tuple[JsonPath, str, str]]:
    """``workers: N`` (N ≥ 2) over a store in memory (each process would have its own), or
    with no smpp connector (the other connectors run in worker 1 only: the others would idle)."""
    workers = data.get("workers")
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 2:
        return []
    if data.get("store") == ":memory:":
        return [(("workers",), msg("config.workers_memory"), msg("config.workers_memory.hint"))]
    connectors = data.get("connectors")
    kinds = (
        [c.get("type") for c in connectors.values() if isinstance(c, dict)]
        if isinstance(connectors, dict)
        else ["jsonl"]
    )
    if "smpp" not in kinds:
        return [(("workers",), msg("config.workers_smpp"), msg("config.workers_smpp.hint"))]
    return []


def _notify_errors(document: Document) -> list[RuleError]:
    """A URL listed twice in ``notify:`` (the store knows a subscriber by its URL)."""
    entries = document.data.get("notify")
    errors: list[RuleError] = []
    urls: set[str] = set()
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str):
            continue
        if url in urls:
            errors.append(
                RuleError(
                    "E203",
                    msg("config.notify_twice", url=url),
                    document.span(("notify", index, "url")),
                    msg("config.notify_twice.hint"),
                )
            )
        urls.add(url)
    return errors


def _free(error: RuleError, taken: set[tuple[int, int]]) -> bool:
    """Whether no error sits at ``error``'s place yet (then it does)."""
    if error.span is None:
        return True
    place = (error.span.line, error.span.col)
    if place in taken:
        return False
    taken.add(place)
    return True


def _modem_errors(document: Document, connectors: dict[str, Any], numbers: Any) -> list[RuleError]:
    """A modem's SIM has one number of its own: exactly one ``numbers`` entry names the modem,
    and it cannot be alphanumeric (a SIM sends from its own number)."""
    errors: list[RuleError] = []
    entries = numbers if isinstance(numbers, dict) else {}
    for name, raw in connectors.items():
        if not isinstance(raw, dict) or raw.get("type") != "modem":
            continue
        own = [
            (address, entry)
            for address, entry in entries.items()
            if isinstance(entry, dict) and entry.get("connector") == name
        ]
        if len(own) != 1:
            errors.append(
                RuleError(
                    "E203",
                    msg(
                        "config.modem_number",
                        name=name,
                        found=msg("config.found", n=len(own)) if own else "",
                    ),
                    document.span(("connectors", name), key=True),
                    msg("config.modem_number.hint", name=name),
                )
            )
        for address, entry in own:
            if entry.get("kind") == "alphanumeric":
                errors.append(
                    RuleError(
                        "E203",
                        msg("config.modem_alpha", address=address),
                        document.span(("numbers", address, "kind")),
                        msg("config.modem_alpha.hint"),
                    )
                )
    return errors


def _shared(value: str, path: JsonPath, seen: dict[int, list[tuple[str, str]]]) -> str | None:
    """The key already listening where ``value`` would (same port; same host or a wildcard),
    else None (and ``value`` is recorded for ``path``)."""
    try:
        host, port = parse_listen(value)
    except ConfigError:
        return None
    for other, key in seen.get(port, []) if port else []:
        if host == other or {host, other} & {"0.0.0.0", "::", ""}:
            return key
    seen.setdefault(port, []).append((host, ".".join(map(str, path))))
    return None


def _smpp_errors(document: Document, env: Mapping[str, str]) -> list[RuleError]:
    """What SMPP cannot carry in an ``smpp`` connector, secrets read: the very check of
    ``twoway run`` (``option_problems``), at the key."""
    errors = []
    connectors = document.data.get("connectors")
    for name, raw in connectors.items() if isinstance(connectors, dict) else ():
        if not isinstance(raw, dict) or raw.get("type") != "smpp":
            continue
        secret = {k: v for k, v in raw.items() if isinstance(v, str) and v.startswith("env:")}
        options = raw | {key: env.get(value[4:], "") for key, value in secret.items()}
        for key, message, hint in option_problems(options):
            if key in secret:
                message = msg("config.read_from", message=message, secret=secret[key])
            span = document.span(("connectors", name, key))
            errors.append(RuleError("E203", message, span, hint))
    return errors


def _tls(raw: Any, base: Path) -> TlsFiles | None:
    """``http.tls``'s files, relative to the configuration's folder."""
    if not isinstance(raw, dict):
        return None
    cert, key = Path(str(raw["cert"])), Path(str(raw["key"]))
    return TlsFiles(str(cert if cert.is_absolute() else base / cert),
                    str(key if key.is_absolute() else base / key))  # fmt: skip


def _http_errors(document: Document, found: list[RuleError]) -> list[RuleError]:
    """What an ``http`` connector cannot work with (a Twilio one without its account, a generic
    one without ``outbound.url``, a URL that is none), at the key; places that already have an
    error are left alone. Secrets are not read: only whether they are written."""
    taken = {(e.span.line, e.span.col) for e in found if e.span is not None}
    errors = []
    connectors = document.data.get("connectors")
    for name, raw in connectors.items() if isinstance(connectors, dict) else ():
        if not isinstance(raw, dict) or raw.get("type") != "http":
            continue
        for path, message, hint in http_problems(raw):
            span = document.span(("connectors", name, *path))  # else the nearest key written
            error = RuleError("E203", message, span, hint)
            if _free(error, taken):
                errors.append(error)
    return errors


def _jsonl_exposed(name: str, raw: dict[str, Any]) -> tuple[JsonPath, str, str] | None:
    """A jsonl connector other machines can reach without ``allow_remote: true`` and
    ``token: env:NAME``: the error, else None. Anyone reaching it could send real SMS."""
    listen = raw.get("listen", "127.0.0.1:2776")
    if not isinstance(listen, str):
        return None
    try:
        host = parse_listen(listen)[0]
    except ConfigError:
        return None
    if is_loopback(host):
        return None
    if raw.get("allow_remote") is not True:
        return (
            ("connectors", name, "listen"),
            msg("config.jsonl_remote", name=name, host=host),
            msg("config.jsonl_remote.hint"),
        )
    token = raw.get("token")
    if isinstance(token, str) and token.startswith("env:"):
        return None
    return (
        ("connectors", name, "token" if "token" in raw else "allow_remote"),
        msg("config.jsonl_token", name=name, host=host),
        msg("config.jsonl_token.hint"),
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (a host name may be anything)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def _at(data: Any, path: JsonPath) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


# --- secrets ----------------------------------------------------------------------------------


def _secret_paths(document: Document) -> list[tuple[JsonPath, str]]:
    """Every ``env:`` value where secrets are allowed: connector options and http tokens."""
    found: list[tuple[JsonPath, str]] = []

    def walk(value: Any, path: JsonPath) -> None:
        if isinstance(value, str) and value.startswith("env:"):
            found.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    data = document.data
    for name, raw in (data.get("connectors") or {}).items():
        for key, value in (raw or {}).items():
            if key != "type":
                walk(value, ("connectors", name, key))
    walk((data.get("http") or {}).get("tokens"), ("http", "tokens"))
    for index, entry in enumerate(data.get("notify") or ()):
        walk((entry or {}).get("secret"), ("notify", index, "secret"))
    return found


def _secret_errors(document: Document, env: Mapping[str, str]) -> list[RuleError]:
    errors: list[RuleError] = []
    for path, value in _secret_paths(document):
        name = value[4:]
        span = document.span(path)
        if not _ENV_NAME.fullmatch(name):
            errors.append(
                RuleError(
                    "E601",
                    msg("E601.not_a_name", value=value),
                    span,
                    msg("E601.not_a_name.hint"),
                )
            )
        elif name not in env:
            errors.append(
                RuleError(
                    "E601",
                    msg("E601.unset", name=name),
                    span,
                    msg("E601.unset.hint", name=name),
                )
            )
    return errors


def _tokens(raw: Iterable[Any], env: Mapping[str, str]) -> tuple[ApiToken, ...]:
    """``http.tokens``: a plain entry may do everything, under the name ``token-N``."""
    out = []
    for number, entry in enumerate(raw, 1):
        if isinstance(entry, dict):
            scopes = frozenset(str(s) for s in entry.get("scopes") or SCOPES)
            token = str(_resolve_secrets(entry["token"], env))
            out.append(ApiToken(str(entry.get("name", f"token-{number}")), token, scopes))
        else:
            out.append(ApiToken(f"token-{number}", str(_resolve_secrets(entry, env))))
    return tuple(out)


def _users(raw: Iterable[Any]) -> tuple[ConsoleUser, ...]:
    """``http.users``: the console's people (no team and not admin: they see no thread)."""
    return tuple(
        ConsoleUser(
            str(user["name"]),
            str(user["password"]),
            frozenset(str(team) for team in user.get("teams") or ()),
            bool(user.get("admin", False)),
        )
        for user in raw
    )


def _resolve_secrets(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("env:"):
        return env[value[4:]]
    if isinstance(value, dict):
        return {key: _resolve_secrets(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_secrets(item, env) for item in value]
    return value


# --- building ---------------------------------------------------------------------------------


def _build(document: Document, env: Mapping[str, str]) -> Config:
    """A valid document to a Config: defaults filled in, paths made absolute, secrets read."""
    data: dict[str, Any] = document.data
    file = Path(document.file)
    base = file.parent.absolute()
    defaults = Config()
    connectors = defaults.connectors
    if "connectors" in data:
        connectors = {}
        for name, raw in data["connectors"].items():
            options = {k: _resolve_secrets(v, env) for k, v in raw.items() if k != "type"}
            connectors[str(name)] = ConnectorConfig(str(name), str(raw["type"]), options)
    numbers: dict[str, NumberConfig] = {}
    for raw_number, raw in (data.get("numbers") or {}).items():
        address = normalize_address(str(raw_number))
        raw = raw or {}
        numbers[address] = NumberConfig(
            address,
            str(raw.get("connector", next(iter(connectors)))),
            str(raw.get("kind", "long_code")),
            parse_rate(raw.get("throughput")),
        )
    http = data.get("http") or {}
    log = data.get("log") or {}
    level = log.get("level")
    store = str(data.get("store", defaults.store))
    rules = str(data.get("rules", defaults.rules))
    return Config(
        store=store if store == ":memory:" or Path(store).is_absolute() else str(base / store),
        rules=rules if Path(rules).is_absolute() else str(base / rules),
        timezone=data.get("timezone"),
        country=str(data["country"]).upper() if data.get("country") else None,
        reload=bool(data.get("reload", defaults.reload)),
        workers=resolve_workers(data.get("workers", defaults.workers), connectors),
        http=HttpConfig(
            str(http.get("listen", DEFAULT_LISTEN)),
            _tokens(http.get("tokens") or (), env),
            int(http.get("max_connections", HttpConfig.max_connections)),
            float(http.get("request_timeout", HttpConfig.request_timeout)),
            _tls(http.get("tls"), base),
            _users(http.get("users") or ()),
            tuple(
                CannedReply(str(entry["name"]), str(entry["text"]))
                for entry in (http.get("console") or {}).get("canned") or ()
            ),
            tuple(
                network
                for entry in http.get("trusted_proxies") or ()
                if (network := _proxy_network(str(entry))) is not None
            ),
        ),
        log=LogConfig(str(log.get("format", "text")), level.upper() if level else None),
        connectors=connectors,
        numbers=numbers,
        notify=tuple(
            Subscriber(
                str(entry["url"]),
                frozenset(str(e) for e in entry["events"]),
                str(_resolve_secrets(entry["secret"], env)),
            )
            for entry in data.get("notify") or ()
        ),
        source=str(file),
    )
