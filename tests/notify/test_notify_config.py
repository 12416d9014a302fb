"""``notify:`` in twoway.yaml: read with its secrets from the environment, and every mistake
reported at file:line:col like the rest of the file, never with a secret's value."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import ConfigFileError, load_config
from engine.core.notices import Subscriber, Subscriptions

SECRET = "whsec-n0t-in-errors"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "twoway.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, environ or {})
    return caught.value.render().replace(str(path.parent) + "/", "")


def test_subscribers_are_read_with_their_secrets(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "notify:\n"
        "  - url: https://crm.example.com/hooks/twoway\n"
        "    events: [handoff, opt_out]\n"
        "    secret: env:CRM_SECRET\n"
        "  - {url: 'http://127.0.0.1:9000/ops', events: [rules_failed], secret: plain}\n",
    )
    config = load_config(path, {"CRM_SECRET": SECRET})
    assert config.notify == (
        Subscriber(
            "https://crm.example.com/hooks/twoway", frozenset({"handoff", "opt_out"}), SECRET
        ),
        Subscriber("http://127.0.0.1:9000/ops", frozenset({"rules_failed"}), "plain"),
    )
    assert SECRET not in repr(config)
    subscriptions = Subscriptions.of(config.notify)
    assert subscriptions.targets("handoff") == ("https://crm.example.com/hooks/twoway",)
    assert subscriptions.targets("rules_failed") == ("http://127.0.0.1:9000/ops",)
    assert subscriptions.targets("campaign_finished") == ()
    assert load_config(_write(tmp_path, "store: x.db\n"), {}).notify == ()


def test_an_unknown_event_is_refused_naming_the_allowed_ones(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "notify:\n"
        f"  - {{url: 'https://a.example/h', events: [handoff, optout], secret: {SECRET}}}\n",
    )
    errors = _errors(path)
    assert (
        "twoway.yaml:2:52: error[E203]: item 2 of 'events' must be one of handoff, opt_out, "
        in (errors)
    )
    assert "unmatched, campaign_finished, rules_failed, not 'optout'" in errors
    assert "did you mean 'opt_out'?" in errors


def test_a_url_must_be_http_or_https(tmp_path: Path) -> None:
    for url in ("ftp://a.example/h", "crm.example.com/hooks", "https:///nohost"):
        path = _write(
            tmp_path, f"notify:\n  - url: {url}\n    events: [handoff]\n    secret: {SECRET}\n"
        )
        errors = _errors(path)
        assert (
            f"twoway.yaml:2:10: error[E203]: 'url' must be an http:// or https:// URL, not '{url}'"
            in (errors)
        ), errors


def test_mistakes_are_reported_together_and_without_the_secret(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "notify:\n"
        f"  - {{url: 'https://a.example/h', events: [handoff], secret: {SECRET}, retries: 3}}\n"
        "  - {url: 'https://a.example/h', events: []}\n",
    )
    errors = _errors(path)
    assert "unknown key 'retries' in a notification subscriber" in errors
    assert "https://a.example/h is in notify: twice" in errors
    assert "'events' must not be empty" in errors
    assert "a notification subscriber needs 'secret'" in errors
    assert SECRET not in errors.replace(f"secret: {SECRET}", "")


def test_an_unset_secret_variable_is_named_at_its_place(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "notify:\n  - url: https://a.example/h\n    events: [handoff]\n"
        "    secret: env:HOOK_SECRET\n",
    )
    errors = _errors(path)
    assert "twoway.yaml:4:13: error[E601]: environment variable HOOK_SECRET is not set" in errors
    assert load_config(path, {"HOOK_SECRET": SECRET}).notify[0].secret == SECRET
