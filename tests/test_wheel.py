"""An installed wheel, not only a checkout, finds its schemas, grammar, demo rules and templates."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_schemas_grammar_and_rules_and_runs_from_them(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    (wheel,) = dist.glob("twoway-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/data/schemas/rules.schema.json" in names
    assert "engine/data/schemas/config.schema.json" in names
    assert "engine/dsl/grammar.lark" in names
    assert "engine/data/rules/contest.yaml" in names
    assert "engine/py.typed" in names
    assert "engine/report/templates/report.html.j2" in names
    for console in ("templates/base.html", "templates/inbox.html", "templates/thread.html",
                    "templates/login.html", "templates/result.html", "templates/_chart.html",
                    "templates/campaign.html", "templates/_progress.html",
                    "templates/rules.html", "templates/_rules.html",
                    "templates/simulator.html", "static/console.css",
                    "static/console.js"):  # fmt: skip
        assert f"engine/web/console/{console}" in names, console

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import engine, engine.resources as r; print(engine.__file__); "
            "print(r.schema_path('rules')); print(r.default_rules_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    ).stdout.splitlines()
    assert all(line.startswith(str(target)) for line in where), where
    rules = where[2]
    check = subprocess.run(
        [sys.executable, "-m", "engine", "check", rules],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == "ok: 5 files, 4 flows\n"
    chat = subprocess.run(
        [sys.executable, "-m", "engine", "chat", rules],
        input="VOTE B\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        check=False,
    )
    assert chat.stdout == "> VOTE B\n< Thanks! Your vote for Paper Planes is counted.\n"
    # the report's template is found in the installed package
    store = work / "twoway.db"
    create = (
        "import asyncio, sys\n"
        "from engine.store import SqliteStore\n"
        "async def main():\n"
        "    async with SqliteStore(sys.argv[1]):\n"
        "        pass\n"
        "asyncio.run(main())\n"
    )
    subprocess.run(
        [sys.executable, "-c", create, str(store)], check=True, env=env, cwd=work, timeout=60
    )
    report = subprocess.run(
        [sys.executable, "-m", "engine", "report", "--db", str(store), "--rules", rules,
         "--html", "report.html"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        check=False,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "Song of the year" in (work / "report.html").read_text(encoding="utf-8")
    # the console's templates and static files are found in the installed package
    console = subprocess.run(
        [sys.executable, "-c",
         "import engine.web.console as c; from jinja2 import Environment, PackageLoader\n"
         "from engine.web.console.text import words\n"
         "env = Environment(loader=PackageLoader('engine.web.console', 'templates'), "
         "extensions=['jinja2.ext.i18n'])\n"
         "print(c.__file__); print((c.STATIC / 'console.css').is_file())\n"
         "print('password' in env.get_template('login.html').render(person=None, csrf='', "
         "notice=None, login_csrf='x', lang='en', path='/login', **words('en').templates()))"],
        capture_output=True, text=True, env=env, cwd=work, check=False, timeout=60,
    )  # fmt: skip
    assert console.returncode == 0, console.stderr
    where_console, css, login = console.stdout.splitlines()
    assert where_console.startswith(str(target)) and (css, login) == ("True", "True")
