"""Own `twoway schema`: the JSON Schemas of rule files, twoway.yaml and test files for editors,
and the key reference written from them (docs/rule-files.md)."""

from __future__ import annotations

import click

from engine.cli.helptext import Command
from engine.ruleset.reference import NAMES, markdown, text

__all__ = ["schema_command"]


@click.command("schema", cls=Command)
@click.argument("name", type=click.Choice(NAMES), default="rules")
@click.option(
    "--markdown",
    "as_markdown",
    is_flag=True,
    help="Print the reference of every key as Markdown instead (rules: docs/rule-files.md).",
)
def schema_command(name: str, as_markdown: bool) -> None:
    """Print the JSON Schema of a rule file (rules, the default), of twoway.yaml (config) or
    of a conversation test file (tests).

    Save it beside the files and name it on their first line, for an editor that reads
    schemas (VS Code's YAML extension and other YAML language servers):

        twoway schema rules > rules/rules.schema.json

        # yaml-language-server: $schema=rules.schema.json
    """
    if as_markdown:
        if name == "tests":
            name = "rules"
        click.echo(markdown(name), nl=False)
        return
    click.echo(text(name), nl=False)
