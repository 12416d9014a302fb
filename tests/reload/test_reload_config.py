"""``reload: true|false`` in twoway.yaml (default true) and its wiring in ``engine.app``."""

from __future__ import annotations

from pathlib import Path

from reload_helpers import write_rules

from engine.app import build_reloader, build_service
from engine.config import Config, load_config


def config_file(tmp_path: Path, extra: str = "") -> Path:
    rules = write_rules(tmp_path / "rules")
    path = tmp_path / "twoway.yaml"
    path.write_text(
        f"store: {tmp_path / 't.db'}\nrules: {rules}\n"
        "connectors:\n  lo:\n    type: loopback\n" + extra,
        encoding="utf-8",
    )
    return path


def test_reload_is_on_by_default(tmp_path: Path) -> None:
    assert Config().reload is True
    config = load_config(config_file(tmp_path))
    assert config.reload is True
    reloader = build_reloader(config, build_service(config))
    assert reloader is not None
    assert reloader.path == config.rules_path()


def test_reload_false_turns_it_off(tmp_path: Path) -> None:
    config = load_config(config_file(tmp_path, "reload: false\n"))
    assert config.reload is False
    assert build_reloader(config, build_service(config)) is None
