"""Ship the top-level ``schemas/`` and default ``rules/`` inside the wheel.

The repository keeps them at the root, where analysts and operators look for them; the installed
package finds them under ``engine/data/`` (see ``engine/resources.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py as _build_py

ROOT = Path(__file__).parent


class build_py(_build_py):
    def run(self) -> None:
        super().run()
        for folder, pattern in (("schemas", "*.json"), ("rules", "*.yaml")):
            target = Path(self.build_lib) / "engine" / "data" / folder
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted((ROOT / folder).glob(pattern)):
                shutil.copy2(source, target / source.name)


setup(cmdclass={"build_py": build_py})
