"""Own the checks of the names a flow's expressions read, beyond what the DSL can know alone.

- E305, an unknown attribute of an object twoway gives: ``{choice.lable}`` (a choice has ``key``
  and ``label``), ``now.huor``, ``answers.scroe`` in a survey without that question;
- E305, a name one typo away from a variable the flow sets or captures (``apt`` for ``appt``);
- E305, a one-word condition (``when: peutetre``) that reads a variable a flow nothing starts
  with parameters never sets: it is never true (``oui`` and ``non`` are Source.check_names's:
  they get the intent meant);
- W301, a name the flow never sets nor captures that may still be a parameter given when the
  flow starts: in a flow no schedule or campaign starts (only the API or a test can give it), or
  one typo away from another name the flow reads (``{apt.at}`` beside ``{appt.at}``), or a
  one-word condition in a flow started with parameters. ``twoway check --strict`` makes it an
  error.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from engine.dsl.compiler import DATETIME_FIELDS, NamePath
from engine.errors import RuleError, Span, did_you_mean
from engine.i18n import msg
from engine.ruleset.model import KNOWN_ROOTS, Flow
from engine.ruleset.params import covers
from engine.ruleset.source import Path, Source, intent_hint

__all__ = ["Read", "check_flow_names", "declared"]

_ATTRIBUTES = {"choice": ("key", "label"), "vote": ("key", "label"), "now": DATETIME_FIELDS}
_CONDITION_KEYS = ("when", "skip_if")


class Read(NamedTuple):
    """One dotted name an expression of the file reads, and where."""

    name: NamePath
    path: Path
    source: str

    @property
    def root(self) -> str:
        return self.name.path[0]


def declared(flow: Flow) -> tuple[str, ...] | None:
    """The parameter names the flow's schedule triggers declare (``params:``), or None."""
    found = [t.params for t in flow.triggers if t.kind == "schedule" and t.params is not None]
    return tuple(name for params in found for name, _ in params) if found else None


def check_flow_names(
    src: Source, kind: str, *, parameters: bool, declared: tuple[str, ...] | None = None
) -> list[RuleError]:
    """Report the names the flow of ``src`` (its form: ``kind``) cannot read when it runs
    (errors go to ``src``); return the warnings. ``parameters``: something starts the flow with
    parameters (a schedule trigger, a campaign); ``declared``: the parameters its schedule
    declares, when it does (reading another one is then an error)."""
    reads = [Read(*item) for item in src.paths]
    if declared is not None:
        reads = [read for read in reads if not _undeclared(src, read, declared)]
    questions = _questions(src) if kind == "survey" else None
    warnings: list[RuleError] = []
    counts = Counter(read.root for read in reads)
    unset = [r.root for r in reads if r.root not in KNOWN_ROOTS and r.root not in src.defines]
    for read in reads:
        if read.root in src.defines:
            continue
        if read.root in KNOWN_ROOTS:
            _attribute(src, read, questions)
        elif not (intent_hint(read.root) or did_you_mean(read.root, KNOWN_ROOTS)):
            # (a near miss of twoway's names, oui or non: Source.check_names says it)
            warning = _unset(src, read, set(unset), counts, parameters)
            if warning is not None:
                warnings.append(warning)
    return list(dict.fromkeys(warnings))


def _undeclared(src: Source, read: Read, declared: tuple[str, ...]) -> bool:
    """Report a read of a parameter the schedule does not declare (E305); return whether it was.

    A name the flow sets or captures itself is not a parameter; nor is one twoway gives."""
    name = ".".join(read.name.path)
    if read.root in KNOWN_ROOTS or read.root in src.defines or covers(declared, name):
        return False
    if intent_hint(read.root) or did_you_mean(read.root, KNOWN_ROOTS):
        return False  # oui, non, a near miss of twoway's names: Source.check_names says it
    near = did_you_mean(name, list(declared))
    hint = near or msg("E305.undeclared.hint", names=", ".join(declared))
    message = msg("E305.undeclared", name=name)
    src.errors.append(RuleError("E305", message, _span(src, read, True), hint))
    return True


def _span(src: Source, read: Read, whole: bool) -> Span:
    length = read.name.length if whole else len(read.root)
    try:
        return src.doc.locate(read.path, read.name.offset, max(1, length))
    except (KeyError, IndexError, ValueError):
        return src.span(read.path)


def _attribute(src: Source, read: Read, questions: list[str] | None) -> None:
    """Report ``choice.lable``, ``now.huor`` or ``answers.<no question>`` (E305)."""
    parts = read.name.path
    known = list(_ATTRIBUTES.get(read.root, ())) or (questions if read.root == "answers" else None)
    if known is None or len(parts) < 2 or parts[1] in known:
        return
    written = [f"{read.root}.{k}" for k in sorted(known)]
    hint = did_you_mean(".".join(parts[:2]), written) or (
        msg("E305.attributes.hint", root=read.root, names=", ".join(written))
        if written
        else msg("E305.no_questions.hint")
    )
    message = msg("E305.unknown", name=".".join(parts[:2]))
    src.errors.append(RuleError("E305", message, _span(src, read, True), hint))


def _unset(
    src: Source, read: Read, unset: set[str], counts: Counter[str], parameters: bool
) -> RuleError | None:
    """Report a name the flow never sets: an error when it cannot be right (E305), a warning
    when it can only be right as a parameter given when the flow starts (W301)."""
    root = read.root
    near_set = did_you_mean(root, src.defines)
    bare = read.path[-1] in _CONDITION_KEYS and read.source.strip() == root
    never = msg("E305.never", root=root)
    word = msg("E305.one_word.hint", root=root, never=never)
    if near_set or (bare and not parameters):
        hint = near_set or word
        span = _span(src, read, False)
        src.errors.append(RuleError("E305", msg("E305.unknown", name=root), span, hint))
        return None
    likely = [
        n for n in unset if n != root and did_you_mean(root, [n]) and counts[n] >= counts[root]
    ]
    if not (likely or bare) and parameters:
        return None
    if bare:
        hint = msg("W301.parameter.hint", root=root, never=never)
    else:
        mean = msg("W301.mean", name=likely[0]) if likely else ""
        hint = msg("W301.set.hint", mean=mean)
    message = msg("W301.set_nowhere", root=root)
    return RuleError("W301", message, _span(src, read, False), hint)


def _questions(src: Source) -> list[str]:
    questions = src.doc.data.get("questions") or []
    return [str(q["id"]) for q in questions if isinstance(q, dict) and "id" in q]
