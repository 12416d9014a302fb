"""Own the signatures of webhooks: Twilio's ``X-Twilio-Signature`` and the generic preset's
``X-Twoway-Signature`` (HMAC-SHA256 of the raw body), computed and compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from urllib.parse import SplitResult, parse_qsl, urlsplit

__all__ = [
    "GENERIC_HEADER",
    "TWILIO_HEADER",
    "hmac_signature",
    "twilio_signature",
    "url_variants",
    "verify",
]

TWILIO_HEADER = "X-Twilio-Signature"
GENERIC_HEADER = "X-Twoway-Signature"


def twilio_signature(token: str, url: str, params: Sequence[tuple[str, str]]) -> str:
    """base64(HMAC-SHA1(auth token, URL + each parameter's name and value, sorted by name)).

    Like Twilio's own validator: names sorted, each value of a repeated name sorted.
    """
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    text = url + "".join(
        name + value for name in sorted(by_name) for value in sorted(by_name[name])
    )
    digest = hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def hmac_signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of the raw body with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


_PORTS = {"http": 80, "https": 443}


def url_variants(url: str) -> list[str]:
    """The URLs Twilio may have signed for ``url``: as written, without its port, and with the
    scheme's own port added (Twilio's validators accept each; a proxy may add or drop it)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [url]
    host = parts.netloc.rpartition(":")[0] if port is not None else parts.netloc
    variants = [url, _with_netloc(parts, host)]
    default = _PORTS.get(parts.scheme)
    if port is None and default is not None:
        variants.append(_with_netloc(parts, f"{host}:{default}"))
    return list(dict.fromkeys(variants))


def _with_netloc(parts: SplitResult, netloc: str) -> str:
    return parts._replace(netloc=netloc).geturl()


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def verify(
    kind: str,
    secret: str | None,
    given: str | None,
    url: str,
    form: Sequence[tuple[str, str]] | None,
    body: bytes,
) -> bool:
    """Whether ``given`` (the request's signature header) signs this request.

    ``twilio``: over ``url`` and the form parameters; a JSON body is signed over the URL alone,
    whose ``bodySHA256`` query parameter must then be the body's SHA-256. ``hmac``: over the raw
    body. ``none``: every request passes.
    """
    if kind == "none":
        return True
    if not secret or not given:
        return False
    if kind == "hmac":
        return _same(given.strip(), hmac_signature(secret, body))
    if form is None:
        query = dict(parse_qsl(urlsplit(url).query))
        if query.get("bodySHA256") != hashlib.sha256(body).hexdigest():
            return False
    params = form or ()
    # The URL as written first (the usual case); which variant matched is no secret.
    return any(_same(given, twilio_signature(secret, u, params)) for u in url_variants(url))
