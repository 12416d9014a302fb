"""Own the function reference (docs/functions.md): written from the functions' own signatures
and docstrings, examples included (tests/dsl runs those examples), so it cannot go stale;
``twoway functions --markdown`` prints it."""

from __future__ import annotations

import inspect

from engine.dsl.functions import FUNCTIONS

__all__ = ["markdown", "signature"]

HEADER = """\
# Functions

The functions conditions (`when:`) and templates (`{…}`) can call. This page is written from the
functions' own documentation by `twoway functions --markdown > docs/functions.md`; a test fails
when it differs, and every example below is run by the tests.
"""


def signature(name: str) -> str:
    """``name(a, b='x')`` as the rules call it."""
    params = inspect.signature(FUNCTIONS[name]).parameters.values()
    shown = (p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
             for p in params)  # fmt: skip
    return f"{name}({', '.join(shown)})"


def _section(name: str) -> str:
    doc = inspect.cleandoc(FUNCTIONS[name].__doc__ or "").replace("``", "`")
    lines = doc.splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith(">>> ")), len(lines))
    prose, examples = "\n".join(lines[1:first]).strip(), lines[first:]
    text = [f'<a id="{name}"></a>', "", f"## `{signature(name)}`", "", lines[0] if lines else ""]
    if prose:
        text += ["", prose]
    if examples:
        text += ["", "```pycon", *examples, "```"]
    return "\n".join(text)


def markdown() -> str:
    """The whole reference, in the order ``twoway functions`` lists them."""
    index = "\n".join(f"- [`{signature(name)}`](#{name})" for name in FUNCTIONS)
    sections = "\n\n".join(_section(name) for name in FUNCTIONS)
    return f"{HEADER}\n{index}\n\n{sections}\n"
