"""The supervisor's copy of the agreed rules (``engine.workers.rules``): a worker that starts
while the rule files have errors serves the version the other workers serve, the same version
the files gave; without a copy, or with one that is not that version, it fails as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.errors import RuleErrors
from engine.ruleset.compiler import compile_rules, compile_sources
from engine.workers.rules import AgreedRules, worker_ruleset

RULES = """\
autoreply:
  - keyword: HOURS
    reply: "We are open 9:00-18:00."
  - otherwise: "v1"
"""


def _rules(folder: Path) -> Path:
    folder.mkdir()
    (folder / "main.yaml").write_text(RULES, encoding="utf-8")
    (folder / "other.yaml").write_text('autoreply:\n  - keyword: PING\n    reply: "pong"\n')
    return folder


def test_compiled_from_their_texts_the_files_give_the_same_version(tmp_path: Path) -> None:
    compiled = compile_rules(_rules(tmp_path / "rules"))
    again = compile_sources(compiled.sources)
    assert compiled.ruleset is not None and again.ruleset is not None and not again.errors
    assert again.ruleset.version == compiled.ruleset.version
    assert again.sources == compiled.sources


def test_a_worker_on_broken_files_serves_the_agreed_version(tmp_path: Path) -> None:
    rules = _rules(tmp_path / "rules")
    agreed = AgreedRules(compile_rules(rules), tmp_path / "rules-agreed.json")
    assert (tmp_path / "rules-agreed.json").stat().st_mode & 0o777 == 0o600
    (rules / "main.yaml").write_text("autoreply: [\n", encoding="utf-8")
    served = worker_ruleset(rules, tmp_path / "rules-agreed.json", None)
    assert served.version == agreed.ruleset.version


def test_without_a_copy_of_that_version_the_files_errors_stand(tmp_path: Path) -> None:
    rules = _rules(tmp_path / "rules")
    kept = tmp_path / "rules-agreed.json"
    AgreedRules(compile_rules(rules), kept)
    (rules / "main.yaml").write_text("autoreply: [\n", encoding="utf-8")
    copy = json.loads(kept.read_text(encoding="utf-8"))
    copy["sources"][str(rules / "main.yaml")] += "# changed by hand\n"
    kept.write_text(json.dumps(copy), encoding="utf-8")
    with pytest.raises(RuleErrors) as raised:
        worker_ruleset(rules, kept, None)  # not the version it names: the files' errors
    assert [error.span.file for error in raised.value.errors if error.span] == [
        str(rules / "main.yaml")
    ]
    kept.write_text("not json", encoding="utf-8")
    with pytest.raises(RuleErrors):
        worker_ruleset(rules, kept, None)
    kept.unlink()
    with pytest.raises(RuleErrors):
        worker_ruleset(rules, kept, None)


def test_a_clean_set_is_served_from_the_files(tmp_path: Path) -> None:
    rules = _rules(tmp_path / "rules")
    AgreedRules(compile_rules(rules), tmp_path / "rules-agreed.json")
    (rules / "main.yaml").write_text(RULES.replace("v1", "v2"), encoding="utf-8")
    served = worker_ruleset(rules, tmp_path / "rules-agreed.json", None)
    assert served.version == compile_rules(rules).ruleset.version  # type: ignore[union-attr]
