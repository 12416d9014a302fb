"""Run ``bench/http_connector.py``: MO→reply throughput and latency over the HTTP connector, by the
name issue 11 gives it (``python bench/http.py [options]``, the same options).

A file named ``http.py`` in a folder that comes first on ``sys.path`` (every script of bench/)
would hide the standard library's ``http``: imported under that name, this module stands aside
and puts the standard library's package in its place, so the other scripts here are unharmed.
"""

import importlib
import os
import runpy
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _without_here() -> list[str]:
    return [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]


if __name__ == "__main__":
    sys.path[:] = [*_without_here(), _HERE]  # the standard library's http before this file
    runpy.run_path(os.path.join(_HERE, "http_connector.py"), run_name="__main__")
else:  # imported as ``http`` by a neighbour: the standard library's http takes this place
    del sys.modules[__name__]
    saved = sys.path[:]
    sys.path[:] = _without_here()
    try:
        sys.modules[__name__] = importlib.import_module(__name__)
    finally:
        sys.path[:] = saved
