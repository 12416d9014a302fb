"""``type: http`` in twoway.yaml: schema-checked like the other connectors, the presets'
required keys, URLs, status codes and ``env:`` secrets, each error at its key."""

from __future__ import annotations

from pathlib import Path

from engine.app import build_transports
from engine.config import ConfigFileError, load_config
from engine.transports.http import HttpTransport


def errors_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    path = tmp_path / "twoway.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path, environ or {})
    except ConfigFileError as exc:
        return exc.render()
    return ""


TWILIO = """\
connectors:
  twilio:
    type: http
    preset: twilio
    account_sid: AC0123
    auth_token: env:TWILIO_AUTH_TOKEN
    public_url: https://sms.example.com/hooks/twilio
    status_callback: true
numbers:
  "36111": {connector: twilio}
"""


def test_a_twilio_connector_is_built_with_its_secret_read(tmp_path: Path) -> None:
    path = tmp_path / "twoway.yaml"
    path.write_text(TWILIO, encoding="utf-8")
    config = load_config(path, {"TWILIO_AUTH_TOKEN": "t0ken"})
    transport = build_transports(config)["twilio"]
    assert isinstance(transport, HttpTransport)
    settings = transport.settings
    assert (
        settings.outbound.url == "https://api.twilio.com/2010-04-01/Accounts/AC0123/Messages.json"
    )
    assert settings.outbound.body == "form" and settings.outbound.id_path == "sid"
    assert settings.outbound.template["StatusCallback"] == "https://sms.example.com/hooks/twilio"
    assert settings.inbound.signature == "twilio" and settings.inbound.secret == "t0ken"
    assert "t0ken" not in repr(settings)


def test_an_unset_secret_names_its_variable(tmp_path: Path) -> None:
    text = errors_of(tmp_path, TWILIO)
    assert "error[E601]: environment variable TWILIO_AUTH_TOKEN is not set" in text
    assert "twoway.yaml:6:17" in text


def test_what_a_twilio_or_generic_connector_lacks(tmp_path: Path) -> None:
    text = errors_of(
        tmp_path,
        """\
connectors:
  twilio: {type: http, preset: twilio, status_callback: true, base_url: api.twilio.com}
  generic: {type: http, secret: s, fields: {id: msg_id}}
  urls: {type: http, public_url: "sms.example.com", outbound: {url: "ftp://x", success: [99]}}
  typo: {type: http, preset: twillio, outbund: {}}
""",
    )
    assert "preset twilio needs 'account_sid' and 'auth_token'" in text
    assert "status_callback needs public_url" in text
    assert "base_url must be an http:// or https:// URL, not 'api.twilio.com'" in text
    assert "twoway.yaml:3:3: error[E203]: an http connector needs outbound.url" in text
    assert "public_url must be an http:// or https:// URL, not 'sms.example.com'" in text
    assert "outbound.url must be an http:// or https:// URL, not 'ftp://x'" in text
    assert "item 1 of 'success' must be 100 or more, not 99" in text
    assert "did you mean 'twilio'" in text or "'twillio'" in text
    assert "unknown key 'outbund'" in text


def test_a_generic_connector_with_its_own_api(tmp_path: Path) -> None:
    path = tmp_path / "twoway.yaml"
    path.write_text(
        """\
connectors:
  partner:
    type: http
    preset: generic
    secret: env:HOOK_SECRET
    outbound:
      url: https://api.example.com/v1/sms
      headers: {X-Api-Key: env:PARTNER_KEY}
      auth: {bearer: env:PARTNER_TOKEN}
      template: {msisdn: "{to}", sender: "{from}", message: "{text}", ref: "{reference}"}
      id: data.id
      success: [200, 202]
      temporary: [429, 5xx]
""",
        encoding="utf-8",
    )
    env = {"HOOK_SECRET": "h", "PARTNER_KEY": "k3y", "PARTNER_TOKEN": "b3arer"}
    transport = build_transports(load_config(path, env))["partner"]
    assert isinstance(transport, HttpTransport)
    out = transport.settings.outbound
    assert out.headers == {"X-Api-Key": "k3y"} and out.auth is not None
    assert out.auth.bearer == "b3arer" and out.success == (200, 202)
    assert out.temporary == (429, "5xx") and out.id_path == "data.id"
    assert transport.settings.inbound.signature == "hmac"
    assert "k3y" not in repr(transport.settings) and "b3arer" not in repr(transport.settings)
