"""`twoway run` as a real process answers /health and /metrics; `twoway status` and `twoway backup`
talk to it; SIGTERM stops it cleanly, and then `twoway status` says it is not running."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.jsonl_peer import free_port

REPO = Path(__file__).resolve().parents[2]


def twoway(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def wait_for(url: str, engine: subprocess.Popen[str], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if engine.poll() is not None:
            raise AssertionError(f"the engine exited: {log.read_text()}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"the engine never answered {url}: {log.read_text()}")


def exchange(port: int, messages: list[tuple[str, str]]) -> list[dict[str, object]]:
    """Send MOs over the jsonl connector; acknowledge and return the MTs, one per MO."""
    mts: list[dict[str, object]] = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        stream = conn.makefile("rwb")
        for index, (phone, text) in enumerate(messages):
            frame = {"type": "mo", "id": f"m{index}", "from": phone, "to": "36111", "text": text}
            stream.write(json.dumps(frame).encode() + b"\n")
        stream.flush()
        while len(mts) < len(messages):
            frame = json.loads(stream.readline())
            if frame["type"] == "mt":
                mts.append(frame)
                stream.write(json.dumps({"type": "mt_ack", "ref": frame["ref"]}).encode() + b"\n")
                stream.flush()
    return mts


def test_a_running_engine_answers_health_metrics_status_and_backup(tmp_path: Path) -> None:
    http, jsonl = free_port(), free_port()
    (tmp_path / "twoway.yaml").write_text(
        f"""\
store: data.db
rules: {REPO / "rules"}
http: {{listen: "127.0.0.1:{http}"}}
log: {{format: json}}
connectors:
  console: {{type: jsonl, listen: "127.0.0.1:{jsonl}"}}
numbers:
  "36111": {{connector: console, kind: short_code, throughput: 100/s}}
""",
        encoding="utf-8",
    )
    log = tmp_path / "engine.log"
    with log.open("w") as err:
        engine = subprocess.Popen(
            [sys.executable, "-m", "engine", "run", "--config", "twoway.yaml"],
            cwd=tmp_path,
            stdout=err,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        base = f"http://127.0.0.1:{http}"
        wait_for(base + "/health", engine, log)
        mts = exchange(jsonl, [("+33600000001", "VOTE A"), ("+33600000002", "HOURS")])
        assert len(mts) == 2

        status, kind, body = fetch(base + "/health")
        assert (status, kind) == (200, "application/json; charset=utf-8")
        report = json.loads(body)
        assert report["status"] == "ok"
        assert report["connectors"] == {"console": {"type": "jsonl", "state": "up"}}
        assert report["rules"]["flows"] == 4
        assert report["store"] == str(tmp_path / "data.db")

        status, kind, text = fetch(base + "/metrics")
        assert (status, kind) == (200, "text/plain; version=0.0.4; charset=utf-8")
        assert 'twoway_messages_in_total{connector="console",number="36111"} 2' in text
        assert 'twoway_messages_out_total{connector="console",number="36111"} 2' in text
        assert "twoway_reply_latency_seconds_count 2" in text

        shown = twoway("status", "--config", "twoway.yaml", cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        lines = shown.stdout.splitlines()
        assert lines[0] == f"twoway 0.1.0 at {base}: ok"
        assert "  connectors  console (jsonl): up" in lines
        assert "  queues      intake 0, work 0, outbox 0" in lines
        assert any(line.startswith("  rules       version ") for line in lines)

        saved = twoway("backup", "--config", "twoway.yaml", "copy.db", cwd=tmp_path)
        assert saved.returncode == 0, saved.stderr
        assert saved.stdout.startswith(f"backed up {tmp_path / 'data.db'} to copy.db (")
        with sqlite3.connect(tmp_path / "copy.db") as copy:
            assert copy.execute("SELECT count(*) FROM inbound").fetchone() == (2,)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        again = twoway("backup", "--config", "twoway.yaml", "copy.db", cwd=tmp_path)
        assert again.returncode == 1
        assert again.stderr == "error: copy.db exists; add --force to replace it\n"
    finally:
        engine.send_signal(signal.SIGTERM)
        assert engine.wait(timeout=20) == 0, log.read_text()

    records = [json.loads(line) for line in log.read_text().splitlines()]
    messages = [record["message"] for record in records]
    assert f"http: /health and /metrics on {base}" in messages
    assert messages[-2:] == ["shutting down: draining work in progress", "stopped"]

    gone = twoway("status", "--config", "twoway.yaml", cwd=tmp_path)
    assert gone.returncode == 1
    assert gone.stdout == ""
    assert gone.stderr.startswith(f"error: twoway does not answer on {base}/health: ")
    assert gone.stderr.endswith(
        "  = hint: the engine is not running (start it with `twoway run --config twoway.yaml`), "
        "or it listens elsewhere (http.listen in twoway.yaml)\n"
    )


def test_backup_of_a_store_that_is_not_running(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    chat = subprocess.run(
        [sys.executable, "-m", "engine", "chat", "--db", str(db), str(REPO / "rules")],
        input="VOTE A\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert chat.stdout
    done = twoway("backup", "--db", str(db), "b.db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "b.db") as copy:
        assert copy.execute("SELECT poll, choice FROM votes").fetchall() == [("contest", "A")]
    forced = twoway("backup", "--db", str(db), "--force", "b.db", cwd=tmp_path)
    assert forced.returncode == 0
    missing = twoway("backup", "--db", "nope.db", "c.db", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (1, "error: no store at nope.db\n")
    assert not (tmp_path / "c.db").exists()
