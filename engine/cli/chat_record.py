"""Own `twoway chat --record`: the chat written down as a conversation test that replays it.

The test pins ``now:`` (the chat's start time) and ``from:``/``to:``; each message, ``/wait``,
``/start`` and forward ``/now`` is a step with the replies it got as ``expect``; a step sent
from another phone (``/from``) names it. Contact fields set by ``/start … contact.x=…`` become
the test's ``contact:``, set before its first step.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
import yaml

from engine.core.messages import Outgoing
from engine.i18n import msg, say
from engine.ruleset.loader import load

__all__ = ["Recorder", "duration_text"]


def duration_text(delta: timedelta) -> str:
    """Write a positive duration as `parse_duration` reads it: ``1d 2h 30m`` or ``45s``."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts) or "1s"


class _Quoted(yaml.SafeDumper):
    """Write every text in double quotes: read back exactly, whatever YAML would make of it."""


_Quoted.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def _expected(text: str) -> str:
    """A reply as ``expect`` reads it: a text written ``/…/`` is a regex, so match it whole."""
    if len(text) >= 2 and text.startswith("/") and text.endswith("/"):
        return f"/^{re.escape(text)}$/"
    return text


def _dump(data: dict[str, Any], file: str) -> str:
    """YAML that twoway's own reader reads back as ``data`` (plain where it can be)."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    document, errors = load(file, text)
    if errors or document is None or document.data != data:
        text = yaml.dump(data, Dumper=_Quoted, allow_unicode=True, sort_keys=False)
    return text


class Recorder:
    """Collect a chat as a conversation test (``--record``)."""

    def __init__(self, sender: str, recipient: str, now: datetime) -> None:
        self.sender, self.recipient, self.now = sender, recipient, now
        self.steps: list[dict[str, Any]] = []
        self.contact: dict[str, Any] = {}

    def add(self, kind: str, value: Any, sent: list[Outgoing], phone: str, **extra: Any) -> None:
        step: dict[str, Any] = {kind: value, **extra}
        if phone != self.sender and kind != "wait":
            step["from"] = phone
        expected: list[Any] = [
            _expected(m.text)
            if m.recipient == phone
            else {"to": m.recipient, "text": _expected(m.text)}
            for m in sent
        ]
        step["expect"] = expected[0] if len(expected) == 1 else expected
        self.steps.append(step)

    def set_contact(self, phone: str, fields: dict[str, Any]) -> None:
        """Keep contact fields a ``/start`` set; warn when the test cannot replay them as set."""
        if phone != self.sender:
            problem = msg("chat.record.other_phone", phone=phone, sender=self.sender)
            click.echo(say("cli.warning", message=problem), err=True)
            return
        if self.steps:
            problem = msg("chat.record.fields_first")
            click.echo(say("cli.warning", message=problem), err=True)
        self.contact.update(fields)

    def write(self, path: Path) -> None:
        test: dict[str, Any] = {
            "name": f"recorded chat with {self.recipient}",
            "from": self.sender,
            "to": self.recipient,
            "now": self.now.isoformat(),
        }
        if self.contact:
            test["contact"] = self.contact
        test["steps"] = self.steps
        path.write_text(_dump({"tests": [test]}, str(path)), encoding="utf-8")
