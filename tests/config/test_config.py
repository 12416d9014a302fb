"""`twoway.yaml` is checked like a rule file: every mistake at once, at file:line:col."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.config import Config, ConfigFileError, HttpConfig, LogConfig, load_config, parse_listen
from engine.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, name: str = "twoway.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, environ or {})
    return caught.value.render().replace(str(path.parent) + "/", "")


def test_no_file_gives_the_embedded_defaults() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.http == HttpConfig("127.0.0.1:8080", ())
    assert config.log == LogConfig("text", None)
    assert list(config.connectors) == ["console"]


def test_an_empty_file_is_the_defaults_with_paths_next_to_it(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing yet\n"), {})
    assert config.store == str(tmp_path / "twoway.db")
    assert config.rules == str(tmp_path / "rules")
    assert list(config.connectors) == ["console"]


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
store: data/twoway.db
rules: /srv/rules
timezone: Europe/Paris
reload: true
http:
  listen: "[::1]:9090"
  tokens: [env:TWOWAY_TOKEN, plain-token]
log: {format: json, level: warning}
connectors:
  console: {type: jsonl, listen: "127.0.0.1:2777"}
  test: {type: loopback}
numbers:
  "36111": {connector: console, kind: short_code, throughput: 100/s}
  "+33 6 12 34 56 78": {connector: test, throughput: 30/min}
  ACME:
""",
    )
    config = load_config(path, {"TWOWAY_TOKEN": "s3cret"})
    assert config.store == str(tmp_path / "data" / "twoway.db")
    assert config.rules == "/srv/rules"
    assert config.timezone == "Europe/Paris"
    assert config.reload is True
    assert [t.token for t in config.http.tokens] == ["s3cret", "plain-token"]
    assert [t.name for t in config.http.tokens] == ["token-1", "token-2"]
    assert all(t.scopes == {"send", "read", "inbox", "admin"} for t in config.http.tokens)
    assert "s3cret" not in repr(config)
    assert (config.http.host, config.http.port) == ("::1", 9090)
    assert config.log == LogConfig("json", "WARNING")
    assert config.connectors["console"].options == {"listen": "127.0.0.1:2777"}
    assert config.connectors["test"].type == "loopback"
    assert config.numbers["36111"].throughput == 100
    assert config.numbers["+33612345678"].connector == "test"
    assert config.numbers["+33612345678"].throughput == pytest.approx(0.5)
    assert config.numbers["ACME"].connector == "console"
    assert config.numbers["ACME"].kind == "long_code"


def test_a_misspelt_top_level_key(tmp_path: Path) -> None:
    path = write(tmp_path, "store: t.db\nconectors:\n  console: {type: jsonl}\n")
    assert errors_of(path) == (
        "twoway.yaml:2:1: error[E201]: unknown key 'conectors' in the configuration\n"
        "  |\n"
        "2 | conectors:\n"
        "  | ^^^^^^^^^\n"
        "  = hint: did you mean 'connectors'?\n"
        "\n"
        "1 error found\n"
    )


def test_every_mistake_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
timezone: Europe/Pari
connectors:
  console: {type: jsnol}
  sms:
    listen: "127.0.0.1:2776"
numbers:
  "36111": {connector: consol, kind: short, throughput: 100 per second}
http:
  listen: localhost
log: {format: yaml}
reload: yes
""",
    )
    assert errors_of(path) == (
        "twoway.yaml:1:11: error[E203]: 'timezone' must be a known time zone, not 'Europe/Pari'\n"
        "  |\n"
        "1 | timezone: Europe/Pari\n"
        "  |           ^^^^^^^^^^^\n"
        "  = hint: did you mean 'Europe/Paris'?\n"
        "\n"
        "twoway.yaml:3:19: error[E203]: 'type' must be one of jsonl, loopback, smpp, modem, "
        "http, not 'jsnol'\n"
        "  |\n"
        "3 |   console: {type: jsnol}\n"
        "  |                   ^^^^^\n"
        "  = hint: did you mean 'jsonl'?\n"
        "\n"
        "twoway.yaml:4:3: error[E202]: a connector needs 'type'\n"
        "  |\n"
        "4 |   sms:\n"
        "  |   ^^^\n"
        "  = hint: add it, for example: type: jsonl\n"
        "\n"
        "twoway.yaml:7:24: error[E203]: number 36111 uses connector 'consol', which is not "
        "defined\n"
        "  |\n"
        '7 |   "36111": {connector: consol, kind: short, throughput: 100 per second}\n'
        "  |                        ^^^^^^\n"
        "  = hint: did you mean 'console'?\n"
        "\n"
        "twoway.yaml:7:38: error[E203]: 'kind' must be one of short_code, long_code, "
        "alphanumeric, not 'short'\n"
        "  |\n"
        '7 |   "36111": {connector: consol, kind: short, throughput: 100 per second}\n'
        "  |                                      ^^^^^\n"
        "  = hint: did you mean 'short_code'?\n"
        "\n"
        "twoway.yaml:7:57: error[E203]: 'throughput' must be a rate like 100/s or 30/min, "
        "not '100 per second'\n"
        "  |\n"
        '7 |   "36111": {connector: consol, kind: short, throughput: 100 per second}\n'
        "  |                                                         ^^^^^^^^^^^^^^\n"
        "  = hint: write it like 100/s or 30/min\n"
        "\n"
        "twoway.yaml:9:11: error[E203]: 'listen' must be an address like 127.0.0.1:8080, "
        "not 'localhost'\n"
        "  |\n"
        "9 |   listen: localhost\n"
        "  |           ^^^^^^^^^\n"
        "  = hint: write host:port, like 127.0.0.1:8080, or [::1]:8080\n"
        "\n"
        "twoway.yaml:10:15: error[E203]: 'format' must be one of text, json, not 'yaml'\n"
        "   |\n"
        "10 | log: {format: yaml}\n"
        "   |               ^^^^\n"
        "\n"
        "twoway.yaml:11:9: error[E203]: 'reload' must be true or false, not 'yes'\n"
        "   |\n"
        "11 | reload: yes\n"
        "   |         ^^^\n"
        "   = hint: write true or false (yes, no, on and off are text in rule files)\n"
        "\n"
        "9 errors found\n"
    )


def test_an_http_connector_without_its_url_and_a_port_out_of_range(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
connectors:
  console: {type: jsonl, listen: "127.0.0.1:99999"}
  partner: {type: http}
""",
    )
    assert errors_of(path) == (
        "twoway.yaml:2:34: error[E203]: 'listen' has port 99999, above 65535\n"
        "  |\n"
        '2 |   console: {type: jsonl, listen: "127.0.0.1:99999"}\n'
        "  |                                  ^^^^^^^^^^^^^^^^^\n"
        "  = hint: pick a port up to 65535\n"
        "\n"
        "twoway.yaml:3:3: error[E203]: an http connector needs outbound.url: where its "
        "messages are sent\n"
        "  |\n"
        "3 |   partner: {type: http}\n"
        "  |   ^^^^^^^\n"
        "  = hint: add outbound: {url: https://api.example.com/v1/messages}\n"
        "\n"
        "2 errors found\n"
    )


def test_unknown_keys_of_a_connector_name_what_it_takes(tmp_path: Path) -> None:
    path = write(tmp_path, "connectors:\n  console: {type: jsonl, lisen: ':1', port: 2}\n")
    assert errors_of(path) == (
        "twoway.yaml:2:26: error[E201]: unknown key 'lisen' in a jsonl connector\n"
        "  |\n"
        "2 |   console: {type: jsonl, lisen: ':1', port: 2}\n"
        "  |                          ^^^^^\n"
        "  = hint: did you mean 'listen'?\n"
        "\n"
        "twoway.yaml:2:39: error[E201]: unknown key 'port' in a jsonl connector\n"
        "  |\n"
        "2 |   console: {type: jsonl, lisen: ':1', port: 2}\n"
        "  |                                       ^^^^\n"
        "  = hint: allowed in a jsonl connector: type, listen, allow_remote, token, max_line,"
        " max_in_flight, max_connections, idle_timeout, write_timeout, ack_timeout\n"
        "\n"
        "2 errors found\n"
    )


def test_secrets_are_read_from_the_environment_after_validation(tmp_path: Path) -> None:
    path = write(tmp_path, "http:\n  tokens: [env:TWOWAY_TOKEN, 'env:no good']\n")
    assert errors_of(path) == (
        "twoway.yaml:2:12: error[E601]: environment variable TWOWAY_TOKEN is not set\n"
        "  |\n"
        "2 |   tokens: [env:TWOWAY_TOKEN, 'env:no good']\n"
        "  |            ^^^^^^^^^^^^^^^^\n"
        "  = hint: set TWOWAY_TOKEN in the engine's environment (systemd: Environment= or "
        "EnvironmentFile=), or write the value itself\n"
        "\n"
        "twoway.yaml:2:30: error[E601]: 'env:no good' does not name an environment variable\n"
        "  |\n"
        "2 |   tokens: [env:TWOWAY_TOKEN, 'env:no good']\n"
        "  |                              ^^^^^^^^^^^^^\n"
        "  = hint: write env: then the variable's name, like env:SMPP_PASSWORD\n"
        "\n"
        "2 errors found\n"
    )
    # a file with other mistakes does not talk about the environment yet
    path = write(tmp_path, "http:\n  tokens: [env:TWOWAY_TOKEN]\n  port: 1\n")
    assert "E601" not in errors_of(path)
    assert "unknown key 'port' in 'http'" in errors_of(path)


def test_a_file_that_is_not_a_map_or_not_there(tmp_path: Path) -> None:
    path = write(tmp_path, "- store: t.db\n")
    assert errors_of(path) == (
        "twoway.yaml:1:1: error[E103]: the configuration must be a map of keys like store:, "
        "rules:, connectors:\n"
        "  |\n"
        "1 | - store: t.db\n"
        "  | ^\n"
        "  = hint: indent the keys of a section under it; see docs/operations.md for an example\n"
        "\n"
        "1 error found\n"
    )
    missing = tmp_path / "missing.yaml"
    assert errors_of(missing) == (
        "missing.yaml:1:1: error[E101]: cannot read the file: no such file or directory\n"
        "\n"
        "1 error found\n"
    )


def test_the_error_is_a_config_error_whose_text_is_the_rendering(tmp_path: Path) -> None:
    path = write(tmp_path, "stor: x\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert str(caught.value).startswith(f"{path}:1:1: error[E201]: unknown key 'stor'")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("127.0.0.1:8080", ("127.0.0.1", 8080)), (":8080", ("127.0.0.1", 8080)),
     ("[::1]:80", ("::1", 80)), ("0.0.0.0:0", ("0.0.0.0", 0))],
)  # fmt: skip
def test_parse_listen(text: str, expected: tuple[str, int]) -> None:
    assert parse_listen(text) == expected


def twoway(
    *args: str, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
        env=env,
    )


def test_check_config_checks_the_rules_it_points_to(tmp_path: Path) -> None:
    write(tmp_path, f"rules: {REPO / 'rules'}\nconnectors:\n  console: {{type: loopback}}\n")
    result = twoway("check", "--config", "twoway.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "ok: twoway.yaml, 5 files, 4 flows\n"
    only = twoway("check", "--config", "twoway.yaml", "--no-rules", cwd=tmp_path)
    assert only.stdout == "ok: twoway.yaml\n"


def test_check_config_reports_the_file_and_its_rules_together(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "hi.yaml").write_text("autoreply:\ntrigger: {keyword: HI}\nreplly: Hello\n")
    write(tmp_path, "rules: rules\nnumbers:\n  '36111': {kind: shortcode}\n")
    result = twoway("check", "--config", "twoway.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "twoway.yaml:3:19: error[E203]: 'kind' must be one of" in result.stdout
    assert "hi.yaml:3:1: error[E201]: unknown key 'replly'" in result.stdout
    assert result.stdout.endswith("errors found\n")


def test_run_with_a_wrong_config_prints_its_errors_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "conectors: {}\n")
    result = twoway("run", "--config", "twoway.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "twoway.yaml:1:1: error[E201]: unknown key 'conectors' in the configuration\n"
    )


def test_a_jsonl_connector_may_listen_on_ipv6(tmp_path: Path) -> None:
    from engine.app import build_transports
    from engine.transports.jsonl import JsonLinesTransport

    path = write(tmp_path, 'connectors:\n  console: {type: jsonl, listen: "[::1]:2777"}\n')
    (console,) = build_transports(load_config(path, {})).values()
    assert isinstance(console, JsonLinesTransport)
    assert (console.host, console.port) == ("::1", 2777)


def test_api_tokens_with_scopes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "http:\n  tokens:\n    - {name: crm, token: env:CRM_TOKEN, scopes: [send, read]}\n",
    )
    config = load_config(path, {"CRM_TOKEN": "t0k3n"})
    (token,) = config.http.tokens
    assert (token.name, token.token, token.scopes) == ("crm", "t0k3n", {"send", "read"})


def test_an_api_token_with_an_unknown_scope_is_refused_without_its_secret(tmp_path: Path) -> None:
    path = write(tmp_path, "http:\n  tokens:\n    - {name: crm, token: s3cret, scopes: [fly]}\n")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path, {})
    first = caught.value.errors[0]
    assert "must be one of send, read, inbox, admin, not 'fly'" in first.message
    assert "s3cret" not in first.message


def test_trusted_proxies_are_addresses_or_networks(tmp_path: Path) -> None:
    path = write(tmp_path, 'http:\n  trusted_proxies: [127.0.0.1, "10.0.0.0/8", "::1"]\n')
    config = load_config(path, {})
    assert [str(net) for net in config.http.trusted_proxies] == [
        "127.0.0.1/32", "10.0.0.0/8", "::1/128"
    ]  # fmt: skip
    assert load_config(write(tmp_path, "{}\n"), {}).http.trusted_proxies == ()


def test_a_trusted_proxy_that_is_no_address_is_an_error_at_its_place(tmp_path: Path) -> None:
    path = write(tmp_path, 'http:\n  trusted_proxies: [127.0.0.1, nginx, "10.0.0.0/33"]\n')
    assert errors_of(path) == (
        "twoway.yaml:2:32: error[E203]: 'nginx' in 'trusted_proxies' is neither an IP address "
        "nor a network\n"
        "  |\n"
        '2 |   trusted_proxies: [127.0.0.1, nginx, "10.0.0.0/33"]\n'
        "  |                                ^^^^^\n"
        "  = hint: write the proxy's address (127.0.0.1, ::1) or its network (10.0.0.0/8)\n"
        "\n"
        "twoway.yaml:2:39: error[E203]: '10.0.0.0/33' in 'trusted_proxies' is neither an IP "
        "address nor a network\n"
        "  |\n"
        '2 |   trusted_proxies: [127.0.0.1, nginx, "10.0.0.0/33"]\n'
        "  |                                       ^^^^^^^^^^^^^\n"
        "  = hint: write the proxy's address (127.0.0.1, ::1) or its network (10.0.0.0/8)\n"
        "\n"
        "2 errors found\n"
    )
