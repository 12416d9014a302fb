"""W402–W406 fire only when the rule truly misbehaves: an accent that costs nothing, a pattern
that interrupts, a state with a way out, a campaign with STOP or not marketing are not reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from engine.ruleset.compiler import compile_rules


def codes(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "f.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    compiled = compile_rules(tmp_path)
    assert compiled.errors == []
    return [warning.code for warning in compiled.warnings]


def test_an_accent_gsm_lacks_in_a_one_part_text_is_right(tmp_path: Path) -> None:
    text = """\
        autoreply:
          - keyword: INFO
            reply: "Arrêt Centre, à bientôt."
        """
    assert codes(tmp_path, text) == []


def test_a_typographic_apostrophe_is_reported_even_in_one_part(tmp_path: Path) -> None:
    text = """\
        autoreply:
          - keyword: INFO
            reply: "C’est ouvert."
        """
    assert codes(tmp_path, text) == ["W402"]


def test_a_pattern_that_interrupts_is_not_taken_by_a_keyword_that_does_not(
    tmp_path: Path,
) -> None:
    text = """\
        autoreply:
          - keyword: ORDER
            reply: "Send ORDER 2."
          - match: "ORDER {qty:number}"
            interrupt: true
            reply: "{qty} pizzas."
        """
    assert codes(tmp_path, text) == []


def test_a_keyword_of_one_number_does_not_take_a_pattern_of_all(tmp_path: Path) -> None:
    keyword = """\
        number: "36111"
        autoreply:
          - keyword: ORDER
            reply: "Send ORDER 2."
        """
    (tmp_path / "a.yaml").write_text(textwrap.dedent(keyword), encoding="utf-8")
    text = """\
        autoreply:
          - match: "ORDER {qty:number}"
            reply: "{qty} pizzas."
        """
    assert codes(tmp_path, text) == []


def test_a_state_with_a_case_that_ends_is_not_timeout_only(tmp_path: Path) -> None:
    text = """\
        flow: Code
        trigger: {keyword: CODE}
        start: ask
        states:
          ask:
            say: "Your code?"
            wait:
              - match: "{code:number}"
                say: "Noted."
                end: true
              - otherwise:
                  say: "Digits, please."
            timeout: {after: 1h, then: end}
        """
    assert codes(tmp_path, text) == []


def test_a_campaign_with_stop_or_not_marketing_is_not_reported(tmp_path: Path) -> None:
    campaign = """\
        campaign: Sales
        audience: {group: clients}
        number: "36111"
        say: "Sales start today!%s"
        kind: %s
        quiet_hours: fr-marketing
        """
    assert codes(tmp_path, campaign % (" STOP au 36111", "marketing")) == []
    assert codes(tmp_path, campaign % ("", "transactional")) == []
    assert codes(tmp_path, campaign % ("", "marketing")) == ["W405"]
