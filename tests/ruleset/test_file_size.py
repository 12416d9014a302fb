"""A rule file over MAX_FILE_SIZE is refused before it is read (E104): by `compile_rules`, and by
hot reload, which keeps serving the previous rules."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from engine.reload import Reloader
from engine.ruleset import loader
from engine.ruleset.compiler import compile_rules
from engine.ruleset.loader import MAX_FILE_SIZE, read_bounded
from engine.ruleset.ruleset import RuleSet

GOOD = 'autoreply:\n  - keyword: HOURS\n    reply: "Open 9-18."\n'


def huge(path: Path, size: int = 50 * MAX_FILE_SIZE) -> None:
    """A rule file of ``size`` bytes (sparse past its first line: cheap to make)."""
    with path.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.truncate(size)


class _Holder:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet:
        previous, self.ruleset = self.ruleset, ruleset
        return previous


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes asked of every ``read`` on a file the loader opens."""
    asked: list[int] = []
    real_open = Path.open

    class Spy:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Spy:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            data: bytes = self.handle.read(size)
            return data

    def spy_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        return Spy(handle) if mode == "rb" else handle

    monkeypatch.setattr(loader.Path, "open", spy_open)
    return asked


def test_a_file_over_the_limit_is_e104_at_line_1_and_never_read_whole(
    tmp_path: Path, reads: list[int]
) -> None:
    huge(tmp_path / "info.yaml")
    compiled = compile_rules(tmp_path)
    assert compiled.ruleset is None
    [error] = compiled.errors
    assert (error.code, str(error.span)) == ("E104", f"{tmp_path}/info.yaml:1:1")
    assert (
        error.message
        == "the file is larger than 1 MiB, the most a rule file may be: it is not read"
    )
    assert reads and all(0 <= size <= MAX_FILE_SIZE + 1 for size in reads)


def test_read_bounded_stops_one_byte_past_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, limit=10) == b"x" * 10
    assert read_bounded(path, limit=9) is None


def test_hot_reload_of_a_huge_file_keeps_the_previous_rules(
    tmp_path: Path, reads: list[int]
) -> None:
    (tmp_path / "info.yaml").write_text(GOOD, encoding="utf-8")
    first = compile_rules(tmp_path).raise_for_errors()
    holder = _Holder(first)
    reloader = Reloader(tmp_path, holder)
    huge(tmp_path / "info.yaml")
    assert asyncio.run(reloader.reload(["info.yaml"])) is False
    assert holder.ruleset is first
    assert reloader.rule_errors[0].code == "E104"
    assert reloader.errors is not None and "error[E104]" in reloader.errors
    assert reads and all(0 <= size <= MAX_FILE_SIZE + 1 for size in reads)
