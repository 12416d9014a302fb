"""Run `python -m engine` as the `twoway` command."""

from engine.cli.main import main

main()
