"""Own the decision of a batch: each item's pure ``step`` in order, run by the store inside the
batch's transaction (a ``Decide``).

An inbound message, a due timer (a session's timeout, a scheduled start) or a campaign's
recipient becomes the runtime's ``Input``; a contact's state is carried from one item of the
batch to the next of the same conversation (``_advance``), and the polls' counts too
(``_count_votes``), so that the batch decides what one-at-a-time would. A bug in the runtime
costs one message, sent to the inbox (``safe_step``), never the batch.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.core.events import EventType
from engine.core.ids import IdSource
from engine.core.messages import Address, Inbound
from engine.core.model import EMPTY, Contact, Event, Input, Session, Sprint, Tallies
from engine.core.quiet import UTC_ZONE, recipient_zone, zone_named
from engine.core.records import (
    Conversation,
    Decide,
    Launch,
    Step,
    Timer,
    Work,
    conversation_key,
)
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step

__all__ = ["Decider", "safe_step"]

log = logging.getLogger(__name__)

Key = tuple[Address, Address]


@dataclass(frozen=True)
class Decider:
    """How the service decides: its session ids, and whether steps trace (``state_entered``,
    ``twoway test``) or explain (``decided``, ``case_failed``, ``twoway replay``)."""

    ids: IdSource
    trace: bool = False
    explain: bool = False

    def batch(self, ruleset: RuleSet, now: datetime) -> Decide:
        """The decision for one batch, run by the store inside the batch's transaction."""

        def decide(
            conversations: dict[Key, Conversation], batch: Sequence[Work], tallies: Tallies
        ) -> list[Step]:
            steps: list[Step] = []
            # The counts as the batch's votes change them: a later message sees the earlier ones.
            counts = {poll: dict(choices) for poll, choices in tallies.items()}
            keys = [conversation_key(work) for work in batch]
            # How many more items of the batch each conversation has: after its last one, it
            # need not be advanced (most conversations have one message in a batch).
            ahead = Counter(keys)
            for work, key in zip(batch, keys, strict=True):
                conversation = conversations.get(key) or Conversation(Contact(phone=key[0]), None)
                seen: Tallies = {poll: dict(c) for poll, c in counts.items()} if counts else EMPTY
                sprint, at = self.step(ruleset, conversation, work, now, seen)
                steps.append(
                    Step(
                        contact=key[0],
                        number=key[1],
                        sprint=sprint,
                        at=at,
                        ruleset_version=ruleset.version,
                        inbound_id=work.id if isinstance(work, Inbound) else None,
                        timer_id=work.id if isinstance(work, Timer) else None,
                        campaign=work.campaign if isinstance(work, Launch) else None,
                        hold_until=_hold(ruleset, conversation.contact, work, sprint, now),
                    )
                )
                if counts and sprint.votes:
                    _count_votes(counts, conversation.contact.votes, sprint)
                ahead[key] -= 1
                if ahead[key]:
                    conversations[key] = _advance(conversation, sprint, key[1])
            return steps

        return decide

    def step(
        self,
        ruleset: RuleSet,
        conversation: Conversation,
        work: Work,
        now: datetime,
        tallies: Tallies = EMPTY,
    ) -> tuple[Sprint, datetime]:
        session = conversation.session
        contact = conversation.contact
        if isinstance(work, Inbound):
            inp = Input(
                "message",
                contact,
                work.recipient,
                message=work,
                session_id=self.ids.new("s"),
                recent_replies=conversation.recent_replies,
                tallies=tallies,
                trace=self.trace,
                held=conversation.held,
                explain=self.explain,
            )
            return safe_step(ruleset, session, inp, now), now
        # A campaign's recipient starts its flow like a due start timer, now.
        at = now if isinstance(work, Launch) else min(work.due, now)
        if isinstance(work, Timer) and work.kind == "session":
            if session is None or session.id != work.session_id or not _due(session, at):
                return Sprint(session=None), at  # stale: the session moved on or ended
            inp = Input(
                "timeout",
                contact,
                work.number,
                session_id=session.id,
                recent_replies=conversation.recent_replies,
                tallies=tallies,
                trace=self.trace,
            )
            return safe_step(ruleset, session, inp, at), at
        inp = Input(
            "start",
            contact,
            work.number,
            flow=work.flow,
            params=work.params,
            session_id=self.ids.new("s"),
            recent_replies=conversation.recent_replies,
            tallies=tallies,
            trace=self.trace,
        )
        return safe_step(ruleset, session, inp, at), at


def _hold(
    ruleset: RuleSet, contact: Contact, work: Work, sprint: Sprint, now: datetime
) -> datetime | None:
    """Until when quiet hours hold the messages of this step (None: they leave now).

    A campaign's recipients are started only outside their campaign's quiet hours (the store
    checks when it takes them); a reply to someone writing now leaves at once unless
    ``hold_replies``; anything else the rule set starts (a reminder, a scheduled flow) keeps
    ``settings.quiet_hours``."""
    settings = ruleset.settings
    window = settings.quiet_hours
    if window is None or not sprint.outbound or isinstance(work, Launch):
        return None
    if isinstance(work, Inbound) and not settings.hold_replies:
        return None
    zone = recipient_zone(contact.phone, contact.fields, zone_named(settings.timezone) or UTC_ZONE)
    if not window.quiet(now.astimezone(zone)):
        return None
    return window.next_allowed(now, zone)


def safe_step(ruleset: RuleSet, session: Session | None, inp: Input, now: datetime) -> Sprint:
    """Run the runtime; a bug in it costs one message (to the inbox), never the whole batch.

    Without this, one message that trips a bug would fail its batch again at every restart.
    """
    try:
        return step(ruleset, session, inp, now)
    except Exception as exc:
        log.exception(
            "the runtime failed on a %s for %s; the message goes to the inbox",
            inp.kind,
            inp.contact.phone,
        )
        problem = Event(
            EventType.ERROR, {"message": f"internal error: {type(exc).__name__}: {exc}"}
        )
        return Sprint(session=None, events=(problem,), handoff="inbox" if inp.message else None)


def _due(session: Session, at: datetime) -> bool:
    return session.deadline is not None and session.deadline <= at


def _count_votes(
    counts: dict[str, dict[str, int]], before: Mapping[str, str], sprint: Sprint
) -> None:
    """Add the votes of ``sprint`` to ``counts`` (the polls counted only): a changed vote moves
    from the contact's earlier choice (``before``, as the step saw it) to the new one."""
    current = dict(before)
    for vote in sprint.votes:
        choices = counts.get(vote.poll)
        earlier = current.get(vote.poll)
        current[vote.poll] = vote.choice
        if choices is None:
            continue
        if vote.replaces and earlier is not None:
            choices[earlier] = max(0, choices.get(earlier, 0) - 1)
        choices[vote.choice] = choices.get(vote.choice, 0) + 1


def _advance(conversation: Conversation, sprint: Sprint, number: Address) -> Conversation:
    """Return the conversation as the next message of the same batch must see it."""
    contact = conversation.contact
    fields = (
        {**contact.fields, **sprint.contact_fields} if sprint.contact_fields else contact.fields
    )
    groups = contact.groups if sprint.groups is None else sprint.groups
    opted = contact.opted_out
    if sprint.opt == "out":
        opted = opted | {number}
    elif sprint.opt == "in":
        opted = opted - {number}
    votes = contact.votes
    if sprint.votes:
        votes = {**votes, **{vote.poll: vote.choice for vote in sprint.votes}}
    replies = sum(1 for message in sprint.outbound if message.kind == "reply")
    session = sprint.session
    if session is None and sprint.ended is None:
        session = conversation.session  # the step neither kept nor ended a session: unchanged
    return Conversation(
        Contact(contact.phone, fields, groups, opted, votes),
        session,
        conversation.recent_replies + replies,
        sprint.handoff if sprint.held else conversation.held,
    )
