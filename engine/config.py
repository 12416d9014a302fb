"""Own the deployment configuration (`twoway.yaml`): defaults, secrets from the environment.

No configuration at all is a valid deployment: SQLite ``twoway.db``, rules from ``./rules`` (or
the demo rules shipped with twoway when there is no such folder), and the JSON-lines console
transport on 127.0.0.1:2776.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.core.messages import normalize_address
from engine.errors import ConfigError
from engine.resources import default_rules_dir

__all__ = ["Config", "ConnectorConfig", "NumberConfig", "load_config"]

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)\s*$")
CONNECTOR_TYPES = ("loopback", "jsonl")


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


@dataclass(frozen=True)
class Config:
    store: str = "twoway.db"
    rules: str = "rules"
    timezone: str | None = None
    connectors: dict[str, ConnectorConfig] = field(
        default_factory=lambda: {
            "console": ConnectorConfig("console", "jsonl", {"listen": "127.0.0.1:2776"})
        }
    )
    numbers: dict[str, NumberConfig] = field(default_factory=dict)
    source: str | None = None

    def rules_path(self) -> Path:
        path = Path(self.rules)
        if self.source is None and self.rules == "rules" and not path.exists():
            return default_rules_dir()
        return path


def secret(value: Any) -> Any:
    """Resolve ``env:NAME`` from the environment; any other value is returned as is."""
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise ConfigError(f"environment variable {name} is not set (needed by '{value}')")
        return os.environ[name]
    return value


def parse_rate(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, int | float):
        return float(raw)
    match = _RATE.match(str(raw))
    if not match:
        raise ConfigError(f"throughput '{raw}' is not a rate; write it like 100/s or 30/min")
    value = float(match.group(1))
    return value if match.group(2).startswith("s") else value / 60


def load_config(path: str | Path | None) -> Config:
    """Read a `twoway.yaml`; None gives the embedded defaults."""
    if path is None:
        return Config()
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the configuration must be a mapping")
    base = file.parent
    defaults = Config()
    connectors = defaults.connectors
    if "connectors" in data:
        connectors = {}
        for name, raw in (data["connectors"] or {}).items():
            if not isinstance(raw, dict) or raw.get("type") not in CONNECTOR_TYPES:
                raise ConfigError(
                    f"{file}: connector '{name}' needs a type among {', '.join(CONNECTOR_TYPES)}"
                )
            options = {k: secret(v) for k, v in raw.items() if k != "type"}
            connectors[str(name)] = ConnectorConfig(str(name), str(raw["type"]), options)
    numbers: dict[str, NumberConfig] = {}
    for raw_number, raw in (data.get("numbers") or {}).items():
        address = normalize_address(str(raw_number))
        raw = raw or {}
        connector = str(raw.get("connector", next(iter(connectors))))
        if connector not in connectors:
            raise ConfigError(f"{file}: number {raw_number} uses unknown connector '{connector}'")
        numbers[address] = NumberConfig(
            address, connector, str(raw.get("kind", "long_code")), parse_rate(raw.get("throughput"))
        )
    store = str(data.get("store", defaults.store))
    rules = str(data.get("rules", defaults.rules))
    return Config(
        store=store if store == ":memory:" or Path(store).is_absolute() else str(base / store),
        rules=rules if Path(rules).is_absolute() else str(base / rules),
        timezone=data.get("timezone"),
        connectors=connectors,
        numbers=numbers,
        source=str(file),
    )
