"""The workload of the random-kill tests (``test_random_kills.py`` over jsonl,
``test_workers_kills.py`` over SMPP with ``workers: 2``): ``HOURS`` (an autoreply), ``VOTE A|B|C``
(a poll, one vote per phone) and ``PING`` (a flow that says "pong" and waits; after 2 s without
an answer it says "timeout" and ends: a durable timer), and the replies each gives."""

from __future__ import annotations

__all__ = ["ALREADY", "CHOICES", "HOURS_REPLY", "POLL", "PONG", "RULES", "THANKS", "TIMEOUT"]

PONG, TIMEOUT, HOURS_REPLY = "pong", "timeout", "Open 9-18."
CHOICES = {"A": "Alpha", "B": "Bravo", "C": "Charlie"}
THANKS = {key: f"Thanks! Your vote for {label} is counted." for key, label in CHOICES.items()}
ALREADY = {key: f"You already voted for {label}." for key, label in CHOICES.items()}
POLL = "vote"  # a poll's id is its file name

RULES = {
    "info.yaml": f'autoreply:\n  - keyword: HOURS\n    reply: "{HOURS_REPLY}"\n',
    "vote.yaml": (
        "poll: Contest\n"
        "trigger: {keyword: VOTE}\n"
        "choices: {A: Alpha, B: Bravo, C: Charlie}\n"
        "once_per: contact\n"
        "change: refused\n"
        'reply: "Thanks! Your vote for {choice.label} is counted."\n'
        'already_voted: "You already voted for {vote.label}."\n'
    ),
    "ping.yaml": (
        "flow: Ping\n"
        "trigger: {keyword: PING}\n"
        "states:\n"
        "  waiting:\n"
        f'    say: "{PONG}"\n'
        "    wait:\n"
        "      - keyword: PONG\n"
        '        say: "pong pong"\n'
        "        end: true\n"
        f'    timeout: {{after: 2s, say: "{TIMEOUT}", then: end}}\n'
    ),
}
