"""The public surface is small and checked: every name in ``__all__`` exists."""

from __future__ import annotations

import importlib
import pkgutil

import engine


def test_engine_all_is_exact() -> None:
    assert sorted(engine.__all__) == [
        "Contact",
        "Event",
        "Inbound",
        "Input",
        "Outgoing",
        "RuleError",
        "RuleErrors",
        "RuleSet",
        "Service",
        "Session",
        "Sprint",
        "SqliteStore",
        "TwowayError",
        "__version__",
        "compile_rules",
        "step",
    ]
    for name in engine.__all__:
        assert hasattr(engine, name), name


def test_every_module_all_names_exist() -> None:
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            assert hasattr(module, name), f"{info.name}.__all__ names missing {name}"
