"""Helpers for runtime tests: compile rules from text, step the pure runtime with a fixed time."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.core.messages import Inbound
from engine.core.model import Contact, Input, Session, Sprint
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
PHONE = "+33600000001"
NUMBER = "36111"


@pytest.fixture
def rules(tmp_path: Path) -> Callable[..., RuleSet]:
    def build(**files: str) -> RuleSet:
        for name, text in files.items():
            (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        compiled = compile_rules(tmp_path)
        if compiled.errors:
            from engine.errors import render_all

            raise AssertionError(render_all(compiled.errors, compiled.sources))
        assert compiled.ruleset is not None
        return compiled.ruleset

    return build


def message(
    ruleset: RuleSet,
    text: str,
    session: Session | None = None,
    contact: Contact | None = None,
    *,
    now: datetime = NOW,
    number: str = NUMBER,
    recent_replies: int = 0,
) -> Sprint:
    inbound = Inbound(PHONE, number, text, now)
    inp = Input(
        "message",
        contact or Contact(PHONE),
        number,
        message=inbound,
        session_id="s_1",
        recent_replies=recent_replies,
    )
    return step(ruleset, session, inp, now)


def texts(sprint: Sprint) -> list[str]:
    return [m.text for m in sprint.outbound]


def events(sprint: Sprint) -> list[str]:
    return [e.type for e in sprint.events]
