"""The pure runtime: ``step(RuleSet, Session | None, Input, now) -> Sprint``, no I/O."""

from __future__ import annotations

from engine.runtime.step import step

__all__ = ["step"]
