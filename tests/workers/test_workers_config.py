"""``workers:`` in twoway.yaml: an integer of 1 or more, or auto; what ``twoway check
--config`` says of anything else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.config import load_config
from engine.workers.plan import WorkerSpec, worker_config

SMPP = (
    "connectors:\n  operator: {type: smpp, host: 127.0.0.1, port: 2775, system_id: a, "
    "password: b}\n"
)


def _check(tmp_path: Path, text: str) -> tuple[int, str]:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "main.yaml").write_text('autoreply:\n  - otherwise: "hi"\n')
    config = tmp_path / "twoway.yaml"
    config.write_text(f"store: {tmp_path / 'twoway.db'}\n{text}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("0", "'workers' must be 1 or more, not 0"),
        ('"x"', "a number of processes like 2, or auto"),
        ("1.5", "'workers' must be a number of processes (1 or more), or auto, not 1.5"),
    ],
)
def test_a_wrong_workers_is_refused(tmp_path: Path, value: str, said: str) -> None:
    code, output = _check(tmp_path, f"workers: {value}\n" + SMPP)
    assert code == 1 and said in output, output


def test_workers_above_one_need_an_smpp_connector(tmp_path: Path) -> None:
    code, output = _check(tmp_path, "workers: 2\n")
    assert code == 1 and "'workers' above 1 needs an smpp connector" in output, output


@pytest.mark.parametrize(("value", "count"), [("", 1), ("workers: 1\n", 1), ("workers: 3\n", 3)])
def test_workers_are_read(tmp_path: Path, value: str, count: int) -> None:
    code, output = _check(tmp_path, value + SMPP)
    assert code == 0, output
    assert load_config(tmp_path / "twoway.yaml").workers == count


def test_auto_is_one_per_core(tmp_path: Path) -> None:
    _check(tmp_path, "workers: auto\n" + SMPP)
    assert load_config(tmp_path / "twoway.yaml").workers == max(1, os.cpu_count() or 1)
    _check(tmp_path, "workers: auto\n")  # no smpp connector: one process
    assert load_config(tmp_path / "twoway.yaml").workers == 1


def test_a_number_every_worker_sends_from_keeps_its_throughput_in_all(tmp_path: Path) -> None:
    numbers = (
        "  jsonl: {type: jsonl, listen: '127.0.0.1:0'}\n"
        "numbers:\n"
        '  "36111": {connector: operator, throughput: 100/s}\n'
        '  "36222": {connector: jsonl, throughput: 10/s}\n'
    )
    code, output = _check(tmp_path, "workers: 2\n" + SMPP + numbers)
    assert code == 0, output
    config = load_config(tmp_path / "twoway.yaml")
    first, second = (WorkerSpec(i, 2, tmp_path / f"w{i}.sock") for i in (1, 2))
    assert worker_config(config, first).numbers["36111"].throughput == 50
    assert worker_config(config, second).numbers["36111"].throughput == 50
    assert worker_config(config, first).numbers["36222"].throughput == 10  # worker 1 only
    assert "36222" not in worker_config(config, second).numbers
