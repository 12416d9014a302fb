"""Own the chat's ``/why``: explain the last message sent, or a text without sending it.

The conversation as the store held it just before the last message is kept (``Asked``), so
``/why`` explains that message as the engine saw it, not as the conversation stands after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from engine.cli.explain_run import explain
from engine.cli.explain_view import lines
from engine.core.records import Conversation
from engine.i18n import say

if TYPE_CHECKING:
    from engine.cli.chat_commands import Chat

__all__ = ["Asked", "before_sending", "why"]


@dataclass(frozen=True, slots=True)
class Asked:
    """A message the chat sent, and the conversation just before it."""

    text: str
    number: str
    conversation: Conversation
    at: datetime


async def _conversation(chat: Chat) -> Conversation:
    return await chat.harness.conversation(chat.phone, chat.number)


async def before_sending(chat: Chat, text: str) -> None:
    """Remember ``text`` and the conversation it is about to change, for ``/why``."""
    chat.asked = Asked(text, chat.number, await _conversation(chat), chat.clock.now())


async def why(chat: Chat, arg: str) -> None:
    """``/why``: the decision path of the last message sent; ``/why TEXT``: of TEXT, unsent."""
    asked = chat.asked
    if arg:
        asked = Asked(arg, chat.number, await _conversation(chat), chat.clock.now())
    elif asked is None:
        chat.refuse(say("chat.why.nothing"))
        return
    ruleset = chat.harness.service.ruleset
    result = explain(ruleset, asked.conversation, asked.number, asked.text, asked.at)
    for line in lines(result):
        chat.info(line)
