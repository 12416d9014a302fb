"""The contacts commands are documented, and `country` is a checked configuration key."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli.main import cli
from engine.config import ConfigFileError, load_config
from tests.contacts.helpers import REPO, run


@pytest.mark.parametrize("name", ["import", "export", "import-optouts", "forget"])
def test_every_subcommand_has_help_and_a_readme_row(name: str) -> None:
    result = run("contacts", name, "--help")
    assert result.exit_code == 0
    assert "--db" in result.output
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"| `twoway contacts {name} " in readme


def test_forget_says_the_opt_out_stays() -> None:
    assert "opt-outs are kept" in run("contacts", "forget", "--help").output
    assert "contacts" in cli.commands


def test_the_country_key(tmp_path: Path) -> None:
    path = tmp_path / "twoway.yaml"
    path.write_text("country: fr\n", encoding="utf-8")
    assert load_config(path).country == "FR"
    path.write_text("country: XQ\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path)
    assert "'country' must be a country code, not 'XQ'" in caught.value.render()
    path.write_text("country: France\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path)
    assert "a country code of two letters like FR" in caught.value.render()
