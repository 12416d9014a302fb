"""``http.tls``: a real ``twoway run`` serves /health and the REST API over HTTPS with the
certificate it is given (made here with Debian's openssl), refuses plain HTTP on that port, and
a certificate it cannot read stops it with the file's name, never a traceback."""

from __future__ import annotations

import contextlib
import ssl
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.support.engine_process import (
    HOST,
    REPO,
    STARTUP_TIMEOUT,
    Engine,
    http_address,
    write_config,
)
from tests.support.jsonl_peer import free_port, wait_for_port

TOKEN = "tls-5ecret-t0ken"


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _config(folder: Path, port: int, tls: dict[str, str]) -> Path:
    config = write_config(
        folder, REPO / "rules", "phone", free_port(), http={"tls": tls, "tokens": [TOKEN]}
    )
    text = config.read_text(encoding="utf-8")
    host, old = http_address(config)
    config.write_text(text.replace(f"{host}:{old}", f"{HOST}:{port}"), encoding="utf-8")
    return config


async def test_health_and_the_api_over_https(tmp_path: Path) -> None:
    cert, _ = _certificate(tmp_path)
    port = free_port()
    engine = Engine(tmp_path, _config(tmp_path, port, {"cert": "cert.pem", "key": "key.pem"}))
    trusted = ssl.create_default_context(cafile=str(cert))
    try:
        proc = await engine.launch()
        await wait_for_port(HOST, port, STARTUP_TIMEOUT, lambda: proc.returncode is None)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"https://{HOST}:{port}/health", ssl=trusted) as response:
                assert response.status == 200
                assert (await response.json())["status"] == "ok"
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with session.get(f"https://{HOST}:{port}/api/v1/inbox", ssl=trusted,
                                   headers=headers) as response:  # fmt: skip
                assert response.status == 200
                assert await response.json() == {"threads": [], "next": None}
            with pytest.raises(aiohttp.ClientError):  # plain HTTP gets no answer there
                async with session.get(f"http://{HOST}:{port}/health") as response:
                    await response.read()
    finally:
        await engine.cleanup()
    log = engine.log()
    assert f"https://{HOST}:{port}" in log
    assert "Traceback" not in log and TOKEN not in log


@pytest.mark.parametrize(
    ("tls", "expected"),
    [
        ({"cert": "missing.pem", "key": "key.pem"}, "missing.pem: no such file"),
        ({"cert": "key.pem", "key": "key.pem"}, "are not a PEM certificate and its private key"),
    ],
)
async def test_a_certificate_it_cannot_use_stops_the_engine_naming_it(
    tmp_path: Path, tls: dict[str, str], expected: str
) -> None:
    _certificate(tmp_path)
    engine = Engine(tmp_path, _config(tmp_path, free_port(), tls))
    try:
        await engine.launch()
        code = await engine.wait(STARTUP_TIMEOUT)
    finally:
        with contextlib.suppress(Exception):
            await engine.cleanup()
    log = engine.log()
    assert code != 0
    assert "http.tls: " in log and expected in log, log
    assert "Traceback" not in log
