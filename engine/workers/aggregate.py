"""Own the sums across workers: one ``/metrics`` page and one ``/health`` report of all.

Metrics: each worker's page (its own registry, as one engine has) is parsed
(``prometheus_client.parser``) and the samples of one name and labels are added up: counters,
histograms bucket by bucket, and the gauges that count (queue depths, in flight). The gauges
that are states are not added: ``MAX`` (the build and the rules in force, uptime, when the rules
were loaded) and ``MIN`` (a connector or the store is up only when it is up in every worker).
A link is one worker's: its ``link`` label gets the worker's index (``w2:0``). The scrape costs
the supervisor, never a message: the workers count as a single engine does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.utils import floatToGoString

__all__ = [
    "MAX",
    "MIN",
    "Family",
    "WorkerPage",
    "WorkerStatus",
    "combine_health",
    "combine_metrics",
    "own_families",
    "render",
]

MAX = frozenset(
    {
        "twoway_build_info",
        "twoway_uptime_seconds",
        "twoway_rules_info",
        "twoway_rules_loaded_timestamp_seconds",
    }
)
"""Gauges whose value across workers is the largest (they state, they do not count)."""
MIN = frozenset({"twoway_connector_up", "twoway_store_up"})
"""Gauges whose value across workers is the smallest: up only when up in every worker."""
OWN = frozenset({"twoway_rules_reloads"})
"""Families the supervisor states itself (it compiles and decides the reloads)."""

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WorkerPage:
    """The ``/metrics`` text of worker ``index``."""

    index: int
    text: str


@dataclass
class Family:
    """One metric family across workers: its samples by (sample name, labels)."""

    name: str
    kind: str
    help: str
    samples: dict[tuple[str, Labels], float] = field(default_factory=dict)

    def add(self, sample: str, labels: Labels, value: float) -> None:
        key = (sample, labels)
        if key not in self.samples:
            self.samples[key] = value
        elif self.name in MAX:
            self.samples[key] = max(self.samples[key], value)
        elif self.name in MIN:
            self.samples[key] = min(self.samples[key], value)
        else:
            self.samples[key] = self.samples[key] + value


def combine_metrics(pages: Sequence[WorkerPage]) -> dict[str, Family]:
    """The families of ``pages`` added up, in the order they first appear."""
    families: dict[str, Family] = {}
    for page in pages:
        for parsed in text_string_to_metric_families(page.text):
            if parsed.name in OWN:
                continue
            family = families.setdefault(
                parsed.name, Family(parsed.name, parsed.type, parsed.documentation)
            )
            for sample in parsed.samples:
                labels = dict(sample.labels)
                if "link" in labels:
                    labels["link"] = f"w{page.index}:{labels['link']}"
                family.add(sample.name, tuple(sorted(labels.items())), float(sample.value))
    return families


def render(families: Iterable[Family]) -> str:
    """The text exposition format 0.0.4 of ``families``."""
    lines: list[str] = []
    for family in families:
        help_text = family.help.replace("\\", r"\\").replace("\n", r"\n")
        lines.append(f"# HELP {_exposed(family)} {help_text}")
        lines.append(f"# TYPE {_exposed(family)} {family.kind}")
        for (sample, labels), value in family.samples.items():
            lines.append(f"{sample}{_labels(labels)} {_value(value)}")
    return "\n".join(lines) + "\n"


def _exposed(family: Family) -> str:
    """The name ``# TYPE`` gives: a counter's as prometheus_client writes it (with _total)."""
    return family.name + "_total" if family.kind == "counter" else family.name


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


def _value(value: float) -> str:
    text: str = floatToGoString(value)  # type: ignore[no-untyped-call]
    return text if not math.isnan(value) else "NaN"


@dataclass(frozen=True)
class WorkerStatus:
    """What the supervisor knows of one worker: ``state`` is starting, up, down or stopping;
    ``last_exit`` how its last life ended (``exit status 1``, ``killed by SIGKILL``)."""

    index: int
    pid: int | None
    state: str
    restarts: int
    last_exit: str | None = None

    def json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "pid": self.pid,
            "state": self.state,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
        }


def own_families(workers: Sequence[WorkerStatus], reloads: Mapping[str, int]) -> list[Family]:
    """The supervisor's own: the workers running, their restarts, and the reloads."""
    running = Family("twoway_workers", "gauge", "Engine worker processes up (workers: N).")
    running.add("twoway_workers", (), float(sum(1 for w in workers if w.state == "up")))
    restarts = Family(
        "twoway_worker_restarts", "counter", "Times a worker was restarted after it exited."
    )
    for worker in workers:
        labels = (("worker", str(worker.index)),)
        restarts.add("twoway_worker_restarts_total", labels, float(worker.restarts))
    reloaded = Family(
        "twoway_rules_reloads", "counter", "Reloads of the rule files, by outcome (ok, error)."
    )
    for outcome, count in sorted(reloads.items()):
        reloaded.add("twoway_rules_reloads_total", (("outcome", outcome),), float(count))
    return [running, restarts, reloaded]


def combine_health(
    workers: Sequence[WorkerStatus],
    reports: Mapping[int, dict[str, Any] | None],
    rules: Mapping[str, Any],
) -> dict[str, Any]:
    """One health report of all workers: ``ok`` only when every worker is up and ok. The
    rules are the supervisor's (``rules``: what it compiled and agreed with the workers), the
    queues added up, each connector up only when up in every worker that runs it."""
    problems: list[str] = []
    listed: list[dict[str, Any]] = []
    for worker in workers:
        report = reports.get(worker.index)
        entry = worker.json()
        entry["status"] = report.get("status") if report else "unreachable"
        listed.append(entry)
        if worker.state != "up" or report is None:
            problems.append(
                f"worker {worker.index} is {worker.state}"
                + (f" ({worker.last_exit})" if worker.last_exit else "")
            )
            continue
        problems.extend(f"worker {worker.index}: {p}" for p in report.get("problems") or ())
    if rules.get("errors"):
        problems.append("the rule files have errors: the previous rules are still serving")
    base = next((r for r in (reports.get(w.index) for w in workers) if r), {})
    combined: dict[str, Any] = {
        key: base[key]
        for key in ("version", "started_at", "uptime_seconds", "store")
        if key in base
    }
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        **combined,
        "rules": dict(rules),
        "workers": listed,
        "connectors": _connectors(reports),
        "queues": _queues(reports),
    }


def _connectors(reports: Mapping[int, dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for index, report in sorted(reports.items()):
        for name, info in ((report or {}).get("connectors") or {}).items():
            entry = out.setdefault(name, {**info, "workers": {}})
            entry["workers"][str(index)] = info.get("state")
            if info.get("state") != "up":
                entry["state"] = info.get("state")
                if "error" in info:
                    entry["error"] = info["error"]
    return out


def _queues(reports: Mapping[int, dict[str, Any] | None]) -> dict[str, int]:
    out: dict[str, int] = {}
    for report in reports.values():
        for name, depth in ((report or {}).get("queues") or {}).items():
            out[name] = out.get(name, 0) + int(depth)
    return out
