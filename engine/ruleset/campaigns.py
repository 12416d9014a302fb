"""Own the ``campaign:`` form: who gets a flow or a text started, from which number, when, how fast.

A campaign file sends nothing by being saved or loaded; ``twoway campaign start NAME`` records a
start in the store, and the running engine sends. What is compiled here is what the command and
the engine read: the audience, the flow, the times, the pace and the quiet hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from engine.core.quiet import QuietHours, parse_quiet_hours
from engine.errors import did_you_mean
from engine.i18n import msg, reason
from engine.ruleset.model import END, Flow, Say, Settings, State
from engine.ruleset.source import Source

__all__ = ["Audience", "Campaign", "check_campaign", "compile_campaign", "parse_rate"]

Kind = Literal["marketing", "transactional", "alert"]
AUDIENCE_FILES = (".csv", ".xlsx", ".txt")


@dataclass(frozen=True, slots=True)
class Audience:
    """Exactly one of ``group``, ``file`` or ``not_replied`` is set."""

    group: str | None = None
    file: Path | None = None
    """The spreadsheet, next to the rule file; read when the campaign starts."""
    not_replied: str | None = None
    """Those an earlier campaign messaged who have not replied ``after`` its message."""
    after: timedelta = timedelta()

    def describe(self) -> str:
        if self.group is not None:
            return f"group {self.group}"
        if self.file is not None:
            return f"file {self.file.name}"
        return f"not replied to {self.not_replied} after {self.after}"


@dataclass(frozen=True, slots=True)
class Campaign:
    id: str
    """The file id: the name ``twoway campaign`` takes."""
    title: str
    audience: Audience
    number: str
    flow: str
    """The flow started for each recipient (for ``say:``, the campaign's own one-message flow)."""
    at: datetime | None = None
    at_field: str | None = None
    """Per recipient: the contact field holding a date and time, shifted by ``at_offset``."""
    at_offset: timedelta = timedelta()
    throughput: float | None = None
    """Messages per second; None: the number's own limit."""
    kind: Kind = "marketing"
    quiet_hours: QuietHours | None = None
    file: str = ""

    def window(self, settings: Settings) -> QuietHours | None:
        """The quiet hours its messages keep: an alert keeps none; a transactional campaign only
        its own; a marketing campaign its own, else the rule set's."""
        if self.kind == "alert":
            return None
        if self.quiet_hours is not None or self.kind == "transactional":
            return self.quiet_hours
        return settings.quiet_hours


_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|sec|second|m|min|minute)\s*$")


def parse_rate(text: str) -> float | None:
    """``20/s`` or ``600/min`` as messages per second; None when it is not a rate."""
    match = _RATE.match(text)
    if match is None:
        return None
    per_minute = match.group(2).startswith("m")
    return float(match.group(1)) / (60.0 if per_minute else 1.0)


def compile_campaign(src: Source, campaign_id: str, root: Path) -> tuple[Campaign, Flow | None]:
    """The campaign, and for ``say:`` the one-message flow it starts (named like the campaign)."""
    data = src.doc.data
    audience = _audience(src, root)
    say_flow: Flow | None = None
    flow = str(data.get("start", ""))
    if ("start" in data) == ("say" in data):
        src.error(
            "E420",
            msg("E420.start_or_say"),
            ("campaign",),
            key=True,
            hint=msg("E420.hint"),
        )
    elif "say" in data:
        text = src.template(("say",))
        flow = campaign_id
        if text is not None:
            say_flow = Flow(
                id=campaign_id,
                kind="flow",
                title=str(data["campaign"]),
                states={"say": State("say", (Say(text, src.span(("say",))),), (), None, END)},
                start="say",
                triggers=(),
                numbers=frozenset({str(data["number"])}),
                file=src.file,
            )
    at = at_field = None
    offset = timedelta()
    if isinstance(data.get("at"), dict):
        at_field = str(data["at"]["field"])
        if "before" in data["at"]:
            offset = -(src.duration(("at", "before")) or timedelta())
        elif "after" in data["at"]:
            offset = src.duration(("at", "after")) or timedelta()
    elif "at" in data:
        at = src.moment(("at",))
    throughput = parse_rate(str(data["throughput"])) if "throughput" in data else None
    if throughput is not None and throughput <= 0:
        src.error("E421", msg("E421.zero"), ("throughput",))
    quiet = None
    if "quiet_hours" in data:
        try:
            quiet = parse_quiet_hours(data["quiet_hours"])
        except ValueError as exc:
            src.error("E422", reason(exc), ("quiet_hours",))
    campaign = Campaign(
        id=campaign_id,
        title=str(data["campaign"]),
        audience=audience,
        number=str(data["number"]),
        flow=flow,
        at=at,
        at_field=at_field,
        at_offset=offset,
        throughput=throughput,
        kind=data.get("kind", "marketing"),
        quiet_hours=quiet,
        file=src.file,
    )
    return campaign, say_flow


def _audience(src: Source, root: Path) -> Audience:
    data = src.doc.data["audience"]
    given = [key for key in ("group", "file", "not_replied") if key in data]
    if len(given) != 1:
        src.error(
            "E423",
            msg("E423.one_of", has=msg("E423.has", keys=_and(given)) if given else ""),
            ("audience",),
            key=True,
            hint=msg("E423.hint"),
        )
        return Audience()
    if "after" in data and "not_replied" not in data:
        src.error("E423", msg("E423.after"), ("audience", "after"), key=True)
    if "group" in data:
        return Audience(group=str(data["group"]))
    if "file" in data:
        name = str(data["file"])
        path = (root / name).resolve()
        if path.suffix.lower() not in AUDIENCE_FILES:
            src.error(
                "E424",
                msg("E424.not_contacts", name=name),
                ("audience", "file"),
                hint=msg("E424.not_contacts.hint"),
            )
        elif not path.is_file():
            src.error(
                "E424",
                msg("E424.no_file", name=name),
                ("audience", "file"),
                hint=msg("E424.no_file.hint", root=root),
            )
        return Audience(file=path)
    after = src.duration(("audience", "after")) if "after" in data else None
    return Audience(not_replied=str(data["not_replied"]), after=after or timedelta())


def check_campaign(
    src: Source,
    campaign: Campaign,
    flows: dict[str, Flow],
    campaigns: set[str],
    settings: Settings,
) -> None:
    """The checks that need the whole rule set: the flow it starts, the campaign it follows up,
    quiet hours for marketing."""
    data = src.doc.data
    if "start" in data and "say" not in data and campaign.flow not in flows:
        names = sorted(f for f in flows if f not in campaigns)
        src.error(
            "E425",
            msg("E425.no_flow", name=campaign.flow),
            ("start",),
            hint=did_you_mean(campaign.flow, names)
            or (
                msg("E425.flows.hint", names=", ".join(names[:8]))
                if names
                else msg("E425.none.hint")
            ),
        )
    target = campaign.audience.not_replied
    if target is not None and target not in campaigns:
        src.error(
            "E426",
            msg("E426.no_campaign", name=target),
            ("audience", "not_replied"),
            hint=did_you_mean(target, campaigns) or msg("E426.hint"),
        )
    if (
        campaign.kind == "marketing"
        and "quiet_hours" not in data
        and campaign.window(settings) is None
    ):
        src.error(
            "E427",
            msg("E427.quiet"),
            ("campaign",),
            key=True,
            hint=msg("E427.hint"),
        )


def _and(keys: list[str]) -> str:
    """``a and b and c`` (``a et b et c``)."""
    said: str = keys[0]
    for key in keys[1:]:
        said = msg("list.and", first=said, last=key)
    return said
