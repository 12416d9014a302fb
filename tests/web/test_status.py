"""`twoway status` prints the health report readably; a degraded engine shows why."""

from __future__ import annotations

from engine.cli.ops import health_url, render_health
from engine.config import Config, HttpConfig


def test_a_degraded_report_lists_its_problems_and_the_rule_errors() -> None:
    report = {
        "status": "degraded",
        "problems": [
            "connector smsc is connecting",
            "the rule files have errors: the previous rules are still serving",
        ],
        "version": "0.1.0",
        "started_at": "2026-03-02T09:00:00+00:00",
        "uptime_seconds": 7322.5,
        "rules": {
            "version": "abc123",
            "files": 5,
            "flows": 4,
            "loaded_at": "2026-03-02T09:00:01+00:00",
            "errors": "rules/a.yaml:3:1: error[E201]: unknown key 'x'\n\n1 error found\n",
        },
        "connectors": {
            "console": {"type": "jsonl", "state": "up"},
            "smsc": {"type": "smpp", "state": "connecting"},
        },
        "queues": {"intake": 0, "work": 2, "outbox": 40},
    }
    assert render_health(report, "http://127.0.0.1:8080/health") == (
        "twoway 0.1.0 at http://127.0.0.1:8080: DEGRADED\n"
        "  - connector smsc is connecting\n"
        "  - the rule files have errors: the previous rules are still serving\n"
        "  up          2h 02m, since 2026-03-02T09:00:00+00:00\n"
        "  rules       version abc123, 5 files, 4 flows\n"
        "              loaded 2026-03-02T09:00:01+00:00\n"
        "  connectors  console (jsonl): up\n"
        "              smsc (smpp): connecting\n"
        "  queues      intake 0, work 2, outbox 40\n"
        "\n"
        "the rule files have errors (the previous rules are still serving):\n"
        "rules/a.yaml:3:1: error[E201]: unknown key 'x'\n"
        "\n"
        "1 error found\n"
    )


def test_the_health_address_of_a_wildcard_listen_is_loopback() -> None:
    def url(listen: str) -> str:
        return health_url(Config(http=HttpConfig(listen)))

    assert url("127.0.0.1:8080") == "http://127.0.0.1:8080/health"
    assert url("0.0.0.0:9000") == "http://127.0.0.1:9000/health"
    assert url("[::]:9000") == "http://[::1]:9000/health"
    assert url("[::1]:9000") == "http://[::1]:9000/health"


def test_a_connector_that_is_down_says_why() -> None:
    error = "bind refused by smsc:2775: ESME_RINVPASWD (0xe): Invalid Password"
    report = {
        "status": "degraded",
        "problems": [f"connector smsc is down: {error}"],
        "version": "0.1.0",
        "connectors": {"smsc": {"type": "smpp", "state": "down", "error": error}},
        "queues": {"intake": 0, "work": 0, "outbox": 3},
    }
    text = render_health(report, "http://127.0.0.1:8080/health")
    assert f"  - connector smsc is down: {error}\n" in text
    assert f"  connectors  smsc (smpp): down ({error})\n" in text


def test_the_workers_of_a_supervisor_are_listed_with_their_restarts() -> None:
    report = {
        "status": "degraded",
        "problems": ["worker 2 is starting (killed by SIGKILL)"],
        "version": "0.1.0",
        "workers": [
            {"index": 1, "pid": 4211, "state": "up", "restarts": 0, "last_exit": None},
            {
                "index": 2,
                "pid": 4388,
                "state": "starting",
                "restarts": 3,
                "last_exit": "killed by SIGKILL",
            },
        ],
        "connectors": {"smsc": {"type": "smpp", "state": "up"}},
        "queues": {"intake": 0, "work": 0, "outbox": 0},
    }
    text = render_health(report, "http://127.0.0.1:8080/health")
    assert (
        "  workers     1: up, pid 4211\n"
        "              2: starting, pid 4388, restarted 3 times, last exit: killed by SIGKILL\n"
        "  connectors  smsc (smpp): up\n"
    ) in text
