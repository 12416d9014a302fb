"""A conversation test's ``contact:`` may give the contact groups, and ``check:`` may check them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from engine.ruleset.compiler import compile_rules
from engine.ruleset.conversations import load_tests
from engine.testing import run_test

RULES = """
autoreply:
  - keyword: JOIN
    tag: vip
    reply: "Welcome to the club."
  - when: 'text ~ /^status$/i and "vip" in contact.groups'
    reply: "VIP line: {contact.groups|join(', ')}"
  - when: 'text ~ /^status$/i'
    reply: "Standard line"
"""


async def _failure(tmp_path: Path, test: str) -> str | None:
    text = textwrap.dedent(RULES) + "tests:\n" + textwrap.indent(textwrap.dedent(test), "  ")
    (tmp_path / "club.yaml").write_text(text, encoding="utf-8")
    compiled = compile_rules(tmp_path)
    assert compiled.ruleset is not None, compiled.errors
    tests, errors, _ = load_tests(tmp_path, compiled.documents)
    assert errors == []
    result = await run_test(compiled.ruleset, tests[0])
    return None if result.failure is None else result.failure.render()


async def test_groups_given_in_contact_are_seen_by_conditions_and_templates(
    tmp_path: Path,
) -> None:
    test = """
    - name: vip
      contact: {name: Ann, groups: [vip, paris]}
      steps:
        - send: status
          expect: "VIP line: paris, vip"
    """
    assert await _failure(tmp_path, test) is None


async def test_check_compares_the_stored_groups_in_any_order(tmp_path: Path) -> None:
    test = """
    - name: join
      contact: {groups: [paris]}
      steps:
        - send: join
          expect: "Welcome to the club."
          check: {contact: {groups: [vip, paris]}}
    """
    assert await _failure(tmp_path, test) is None


async def test_a_failed_group_check_says_what_is_stored(tmp_path: Path) -> None:
    test = """
    - name: join
      steps:
        - send: join
          expect: "Welcome to the club."
          check: {contact: {groups: [gold]}}
    """
    failure = await _failure(tmp_path, test)
    assert failure is not None
    assert failure.splitlines()[1:] == ["    ✗ contact.groups is ['vip'], expected ['gold']"]


async def test_a_bad_group_in_a_tests_contact_is_an_error(tmp_path: Path) -> None:
    test = """
    - name: bad
      contact: {groups: ["a;b"]}
      steps:
        - send: status
    """
    text = textwrap.dedent(RULES) + "tests:\n" + textwrap.indent(textwrap.dedent(test), "  ")
    (tmp_path / "club.yaml").write_text(text, encoding="utf-8")
    compiled = compile_rules(tmp_path)
    _, errors, _ = load_tests(tmp_path, compiled.documents)
    assert [(e.code, e.message, e.span.line) for e in errors] == [
        ("E501", "the group name 'a;b' has a comma or a semicolon", 13)
    ]
