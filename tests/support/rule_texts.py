"""Rule files shared by tests of several folders, as YAML text."""

from __future__ import annotations

FEEDBACK_FLOW = """\
flow: Feedback
trigger: {keyword: FEEDBACK}
states:
  ask:
    say: "Your score?"
    wait:
      - match: "{n:number}"
        answer: {question: score, value: "{n}"}
        say: "Thanks."
        end: true
"""
"""A flow that records its one answer with ``answer:`` (question ``score``)."""
