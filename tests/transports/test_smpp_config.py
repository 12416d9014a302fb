"""An ``smpp`` connector in twoway.yaml: the example of docs/operations.md is valid and builds
the transport it describes; mistakes are reported at file:line:col like every config error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.app import build_transports
from engine.config import ConfigFileError, load_config
from engine.errors import ConfigError, TransportError
from engine.transports.smpp import SmppTransport, settings_from_options

REPO = Path(__file__).resolve().parents[2]


def _documented_example() -> str:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("## The SMPP connector", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert match is not None
    return match.group(1)


def test_the_documented_example_builds_its_transport(tmp_path: Path) -> None:
    path = tmp_path / "twoway.yaml"
    path.write_text(_documented_example(), encoding="utf-8")
    config = load_config(path, {"SMPP_PASSWORD": "s3cret"})
    [transport] = build_transports(config).values()
    assert isinstance(transport, SmppTransport)
    s = transport.settings
    assert (s.host, s.port, s.system_id, s.password, s.bind, s.window) == (
        "smsc.example.net",
        2775,
        "acme",
        "s3cret",
        "transceiver",
        10,
    )
    assert s.numbers == {
        "36111": "short_code",
        "+33612345678": "long_code",
        "ACME": "alphanumeric",
    }
    assert (s.source_ton["short_code"], s.source_npi["long_code"]) == (3, 1)
    assert (s.reassembly_timeout, s.mo_dedup_window) == (60, 60)
    assert (s.concat_reference, s.long_messages) == (8, "udh")


def test_message_payload_takes_a_long_text_whole_up_to_its_limit() -> None:
    options = {"host": "h", "port": 1, "system_id": "x", "long_messages": "message_payload"}
    transport = SmppTransport("op", settings_from_options(options, {}))
    [part] = transport._encode("Ж" * 1_000, 7)  # UCS-2: 2,000 octets, one submit_sm
    assert (part.coding, part.udh, len(part.payload)) == ("ucs2", b"", 2_000)
    [short] = transport._encode("hello", 8)
    assert short.user_data == b"hello"
    with pytest.raises(TransportError, match="message_payload holds 65,535") as caught:
        transport._encode("a" * 70_000, 9)
    assert not caught.value.transient
    with pytest.raises(ValueError, match="long_messages must be udh or message_payload"):
        SmppTransport("op", settings_from_options({**options, "long_messages": "sar"}, {}))


def test_partial_per_kind_values_keep_the_defaults() -> None:
    settings = settings_from_options(
        {"host": "h", "port": 1, "system_id": "x", "source_ton": {"short_code": 2}}, {}
    )
    assert settings.source_ton == {
        "short_code": 2,
        "long_code": 1,
        "alphanumeric": 5,
        "national": 0,
    }


def test_smpp_limits_on_lengths() -> None:
    with pytest.raises(ConfigError, match="8 characters"):
        settings_from_options({"host": "h", "port": 1, "system_id": "x", "password": "x" * 9}, {})
    with pytest.raises(ConfigError, match="15 characters"):
        settings_from_options({"host": "h", "port": 1, "system_id": "x" * 16}, {})


def test_mistakes_are_reported_where_they_are(tmp_path: Path) -> None:
    path = tmp_path / "twoway.yaml"
    path.write_text(
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        "    port: 2775\n"
        "    system_id: acme\n"
        "    bind: both\n"
        "    windw: 10\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, {})
    text = caught.value.render()
    assert "twoway.yaml:7:11: error[E203]" in text and "both" in text
    assert "twoway.yaml:8:5: error[E201]" in text and "did you mean 'window'?" in text
