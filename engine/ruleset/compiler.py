"""Own the compilation of a folder of rule files into one RuleSet, with every error at once.

Steps: find the files, load each (YAML with positions), validate it (JSON Schema), compile its
form, then check the whole: goto targets, unreachable states, states with no way out, loops
without a wait, keywords claimed twice on the same number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from engine.core.quiet import parse_quiet_hours
from engine.errors import RuleError, RuleErrors
from engine.i18n import msg, reason
from engine.ruleset.campaigns import Campaign, check_campaign, compile_campaign
from engine.ruleset.checks import Claim, check_graph, check_keywords, check_votes
from engine.ruleset.forms import (
    choice_index,
    compile_autoreply,
    compile_flow,
    compile_poll,
    compile_survey,
)
from engine.ruleset.lints import campaign_warning, lint_warnings, poll_warning, regex_warnings
from engine.ruleset.loader import Document, load, load_path, source_text
from engine.ruleset.model import KNOWN_ROOTS, Flow, Poll, Settings
from engine.ruleset.names import check_flow_names, declared
from engine.ruleset.ruleset import RuleSet
from engine.ruleset.schema import validate
from engine.ruleset.source import Source, setting_written
from engine.ruleset.states import StateCompiler
from engine.ruleset.sweep import sweep
from engine.ruleset.warnings import reply_warnings

__all__ = [
    "DEFAULT_TEXTS",
    "Compiled",
    "Target",
    "choice_index",
    "compile_files",
    "compile_rules",
    "compile_sources",
    "find_rule_files",
    "rule_sets",
]

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "help": {
        "en": "Reply STOP to stop receiving messages, START to receive them again.",
        "fr": "Répondez STOP pour ne plus recevoir de messages, START pour les recevoir à nouveau.",
        "es": "Responda BAJA o STOP para no recibir más mensajes, START para volver a recibirlos.",
        "de": (
            "Antworten Sie STOP, um keine Nachrichten mehr zu erhalten, START, um "
            "sie wieder zu erhalten."
        ),
    },
    "opt_out": {
        "en": (
            "You are unsubscribed and will receive no more messages from this "
            "number. Reply START to subscribe again."
        ),
        "fr": (
            "Vous êtes désinscrit et ne recevrez plus de messages de ce numéro. "
            "Répondez START pour vous réinscrire."
        ),
        "es": (
            "Se ha dado de baja y no recibirá más mensajes de este número. "
            "Responda START para volver a suscribirse."
        ),
        "de": (
            "Sie sind abgemeldet und erhalten keine Nachrichten mehr von dieser "
            "Nummer. Antworten Sie START, um sich wieder anzumelden."
        ),
    },
    "opt_in": {
        "en": "You are subscribed again. Reply STOP to unsubscribe.",
        "fr": "Vous êtes à nouveau inscrit. Répondez STOP pour vous désinscrire.",
        "es": "Está suscrito de nuevo. Responda STOP para darse de baja.",
        "de": "Sie sind wieder angemeldet. Antworten Sie STOP, um sich abzumelden.",
    },
}

FORMS = ("autoreply", "poll", "survey", "flow", "campaign", "settings")


@dataclass
class Compiled:
    """The outcome of compiling: a RuleSet when there is no error, and the documents read."""

    ruleset: RuleSet | None
    errors: list[RuleError]
    sources: dict[str, str]
    documents: list[Document] = field(default_factory=list)
    warnings: list[RuleError] = field(default_factory=list)
    """What `twoway check` warns about in a rule set that compiles (W###); never fatal."""

    def raise_for_errors(self) -> RuleSet:
        if self.errors or self.ruleset is None:
            raise RuleErrors(self.errors, self.sources)
        return self.ruleset


def is_test_file(path: Path) -> bool:
    return path.name.endswith((".test.yaml", ".test.yml"))


def find_rule_files(path: Path) -> list[Path]:
    """Return the rule files of a folder (not its sub-folders), or the file itself."""
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in [*path.glob("*.yaml"), *path.glob("*.yml")]
        if p.is_file() and not is_test_file(p)
    )


@dataclass(frozen=True)
class Target:
    """A rule set to check or test: a folder (or one rule file), maybe one test file of it."""

    rules: Path
    only: Path | None = None
    """A ``*.test.yaml`` given by itself: run its tests only, against its folder's rules."""


def rule_sets(paths: Iterable[Path]) -> list[Target]:
    """Expand paths into rule sets: every folder (recursively) holding YAML files.

    A rule file given directly is its own rule set; a test file given directly is tested against
    the rules of its folder.
    """
    found: list[Target] = []
    for path in paths:
        if path.is_file():
            found.append(Target(path.parent, path) if is_test_file(path) else Target(path))
            continue
        for folder in sorted({path, *(p for p in path.rglob("*") if p.is_dir())}):
            if any(folder.glob("*.yaml")) or any(folder.glob("*.yml")):
                found.append(Target(folder))
    return found


def compile_rules(path: Path | str, *, timezone: str | None = None) -> Compiled:
    """Compile the rule files of one folder (or one file)."""
    root = Path(path)
    if not root.exists():
        error = RuleError(
            "E100",
            msg("E100.no_path", path=root),
            None,
            msg("E100.no_path.hint"),
        )
        return Compiled(None, [error], {})
    return compile_files(find_rule_files(root), timezone=timezone)


def compile_files(files: Sequence[Path], *, timezone: str | None = None) -> Compiled:
    loaded = ((str(file), load_path(file)) for file in files)
    return _compile(loaded, lambda name: source_text(Path(name)), timezone)


def compile_sources(given: Mapping[str, str], *, timezone: str | None = None) -> Compiled:
    """Compile rule files given as their texts, under the names ``compile_files`` read them by
    (``Compiled.sources``): the same rule set, of the same version, as those files gave."""
    loaded = ((name, load(name, given[name])) for name in sorted(given))
    return _compile(loaded, given.__getitem__, timezone)


def _compile(
    loaded: Iterable[tuple[str, tuple[Document | None, list[RuleError]]]],
    text_of: Callable[[str], str],
    timezone: str | None,
) -> Compiled:
    """Compile the documents ``loaded`` (file name, what loading it gave); ``text_of`` gives
    the text of a file that could not be loaded, to show its errors."""
    errors: list[RuleError] = []
    sources: dict[str, str] = {}
    documents: list[Document] = []
    for file, (document, load_errors) in loaded:
        errors.extend(load_errors)
        if document is None:
            sources[file] = text_of(file)
            continue
        sources[document.file] = document.text
        schema_errors = validate(document)
        errors.extend(schema_errors)
        if not schema_errors:
            documents.append(document)
        elif not is_test_file(Path(file)):
            errors.extend(sweep(document))  # its expressions' errors too, in the same run
    builder = _Builder(
        setting_written(documents, "language") or "en",
        timezone or setting_written(documents, "timezone"),
    )
    for document in documents:
        if not is_test_file(Path(document.file)):
            builder.add(document)
    errors.extend(builder.check())
    for document in documents:
        sources.setdefault(document.file, document.text)
    # A value shared through a YAML anchor is compiled at each of its uses, and its errors point
    # at the anchor's definition: report each once.
    errors = list(dict.fromkeys(errors))
    if errors:
        return Compiled(None, errors, sources, documents, builder.warnings)
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
    settings = builder.settings
    if timezone:
        settings = _replace_timezone(settings, timezone)
    ruleset = RuleSet.build(
        digest.hexdigest()[:12],
        builder.flows,
        builder.polls,
        settings,
        sorted(sources),
        campaigns=[campaign for _, campaign in builder.campaigns],
        tallied=builder.tallied,
    )
    found = builder.warnings + builder.lints + reply_warnings(ruleset)
    found += lint_warnings(ruleset, sources)
    warnings = list(dict.fromkeys(found))  # anchors: once
    return Compiled(ruleset, [], sources, documents, warnings)


def _replace_timezone(settings: Settings, timezone: str) -> Settings:
    from dataclasses import replace

    return replace(settings, timezone=timezone)


class _Builder:
    """Collect flows across files, then run the checks that need the whole rule set."""

    def __init__(self, language: str = "en", zone: str | None = None) -> None:
        self.language = language
        """``settings.language``: the built-in texts of polls and surveys are written in it."""
        self.zone = zone
        """``settings.timezone``: dates written without an offset are read in it."""
        self.flows: list[Flow] = []
        self.polls: list[Poll] = []
        self.campaigns: list[tuple[Source, Campaign]] = []
        self.settings = Settings(
            help=DEFAULT_TEXTS["help"],
            opt_out=DEFAULT_TEXTS["opt_out"],
            opt_in=DEFAULT_TEXTS["opt_in"],
        )
        self.errors: list[RuleError] = []
        self.warnings: list[RuleError] = []
        """What `twoway check` warns about (W301), whether or not the rule set compiles."""
        self.lints: list[RuleError] = []
        """The W404 and W405 warnings, printed only when the rule set compiles."""
        self._settings_file: str | None = None
        self._compilers: list[tuple[Source, StateCompiler, Flow]] = []
        self.tallied: set[str] = set()
        """The polls whose counts some expression reads (``poll.<id>.…``)."""
        self._order = 0

    def add(self, document: Document) -> None:
        src = Source(document, self.zone)
        data = document.data
        form = next(key for key in FORMS if key in data)
        if form == "settings":
            self.add_settings(src)
            self.errors.extend(src.errors)
            return
        if form == "campaign":
            path = Path(document.file)
            campaign, say_flow = compile_campaign(src, path.stem, path.parent)
            self.campaigns.append((src, campaign))
            if say_flow is not None:
                self.flows.append(say_flow)
            return
        sc = StateCompiler(src, Path(document.file).stem.removesuffix(".test"))
        order = self._order
        self._order += 1000
        if form == "autoreply":
            flow = compile_autoreply(src, sc, order)
        elif form == "poll":
            flow, poll = compile_poll(src, sc, order, self.language)
            self.polls.append(poll)
        elif form == "survey":
            flow = compile_survey(src, sc, order, self.language)
        else:
            flow = compile_flow(src, sc, order)
        self.flows.append(flow)
        self._compilers.append((src, sc, flow))

    def add_settings(self, src: Source) -> None:
        if self._settings_file is not None:
            src.error(
                "E409",
                msg("E409.settings"),
                ("settings",),
                key=True,
                hint=msg("E409.hint", file=self._settings_file),
            )
            return
        self._settings_file = src.file
        data: dict[str, Any] = src.doc.data["settings"] or {}
        language = str(data.get("language", "en"))
        texts: dict[str, dict[str, str]] = {}
        for key in ("help", "opt_out", "opt_in"):
            value = data.get(key)
            if value is None:
                texts[key] = DEFAULT_TEXTS[key]
            elif isinstance(value, dict):
                texts[key] = {str(k): str(v) for k, v in value.items()}
            else:
                texts[key] = {language: str(value)}
        expiry = src.duration(("settings", "session_expiry")) if "session_expiry" in data else None
        limit = data.get("reply_limit") or {}
        window = src.duration(("settings", "reply_limit", "per")) if "per" in limit else None
        self.settings = Settings(
            help=texts["help"],
            opt_out=texts["opt_out"],
            opt_in=texts["opt_in"],
            language=language,
            timezone=str(data.get("timezone", "UTC")),
            session_expiry=expiry or timedelta(days=7),
            reply_limit=int(limit.get("count", 20)),
            reply_window=window or timedelta(hours=1),
            typo_tolerance=bool(data.get("typo_tolerance", True)),
            max_reply_parts=int(data.get("max_reply_parts", 10)),
            quiet_hours=self._quiet_hours(src, data),
            hold_replies=bool(data.get("hold_replies", False)),
            marketing_cap=_cap(str(data["marketing_cap"])) if "marketing_cap" in data else None,
        )

    def _quiet_hours(self, src: Source, data: dict[str, Any]) -> Any:
        if "quiet_hours" not in data:
            return None
        try:
            return parse_quiet_hours(data["quiet_hours"])
        except ValueError as exc:
            src.error("E422", reason(exc), ("settings", "quiet_hours"))
            return None

    def check(self) -> list[RuleError]:
        errors = list(self.errors)
        claims: dict[tuple[str, ...], list[Claim]] = {}
        polls = {p.id: p for p in self.polls}
        for src, sc, flow in self._compilers:
            self.warnings.extend(check_graph(src, sc, flow))  # W407: states never reached
            check_keywords(src, flow, claims)
            check_votes(src, flow, set(polls))
            if flow.kind == "poll":
                self.lints.extend(filter(None, [poll_warning(src)]))
        flows = {flow.id: flow for flow in self.flows}
        names = {campaign.id for _, campaign in self.campaigns}
        for src, campaign in self.campaigns:
            check_campaign(src, campaign, flows, names, self.settings)
            self.lints.extend(filter(None, [campaign_warning(src, campaign, flows)]))
        started = {campaign.flow for _, campaign in self.campaigns}
        for src, _, flow in self._compilers:
            scheduled = any(trigger.kind == "schedule" for trigger in flow.triggers)
            parameters = scheduled or flow.id in started
            self.warnings.extend(
                check_flow_names(src, flow.kind, parameters=parameters, declared=declared(flow))
            )
        # What every file's expressions read, flows and campaigns alike: near-miss names, and
        # the polls whose counts they read (checked, and read for each batch).
        for src in [src for src, _, _ in self._compilers] + [src for src, _ in self.campaigns]:
            src.check_names(KNOWN_ROOTS)
            self.warnings.extend(regex_warnings(src))  # W408
            self.tallied |= src.check_polls(polls)
            errors.extend(src.errors)
        return errors


_PERIODS = {"day": timedelta(days=1), "week": timedelta(weeks=1), "month": timedelta(days=30)}


def _cap(text: str) -> tuple[int, timedelta]:
    """``2/week`` → (2, one week); the schema has checked the form."""
    count, _, period = text.partition("/")
    return int(count), _PERIODS[period.strip()]
