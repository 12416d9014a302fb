"""The webhook signatures against Twilio's published test vectors (twilio-php's
RequestValidatorTest: auth token ``12345``), and the generic preset's HMAC."""

from __future__ import annotations

import hashlib

from engine.transports.http.signature import hmac_signature, twilio_signature, verify

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
]
SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_twilio_published_vectors() -> None:
    assert twilio_signature(TOKEN, URL, PARAMS) == SIGNATURE
    assert twilio_signature(TOKEN, URL, list(reversed(PARAMS))) == SIGNATURE
    repeated = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"),
                ("Digits", "1234"), ("Digits", "1234")]  # fmt: skip
    assert twilio_signature(TOKEN, URL, repeated) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_verify_accepts_the_vector_and_nothing_else() -> None:
    body = b"irrelevant for a form"
    assert verify("twilio", TOKEN, SIGNATURE, URL, PARAMS, body)
    assert not verify("twilio", TOKEN, "FAIL", URL, PARAMS, body)
    assert not verify("twilio", TOKEN, None, URL, PARAMS, body)
    assert not verify("twilio", "54321", SIGNATURE, URL, PARAMS, body)
    assert not verify("twilio", TOKEN, SIGNATURE, URL + "&x=1", PARAMS, body)
    assert not verify("twilio", TOKEN, SIGNATURE, URL, [*PARAMS[:-1], ("To", "+1")], body)
    assert not verify("twilio", None, SIGNATURE, URL, PARAMS, body)


def test_the_port_may_be_added_or_dropped_like_twilio_validators_do() -> None:
    with_port = URL.replace(".com", ".com:1234")
    assert verify("twilio", TOKEN, SIGNATURE, with_port, PARAMS, b"")
    assert verify("twilio", TOKEN, "kvajT1Ptam85bY51eRf/AJRuM3w=", URL, PARAMS, b"")  # :443
    http = URL.replace("https", "http")
    assert verify("twilio", TOKEN, "0ZXoZLH/DfblKGATFgpif+LLRf4=", http, PARAMS, b"")  # :80


def test_a_json_body_is_signed_through_its_sha256_in_the_url() -> None:
    body = b'{"property": "value", "boolean": true}'
    digest = hashlib.sha256(body).hexdigest()
    assert digest == "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    url = f"{URL}&bodySHA256={digest}"
    assert verify("twilio", TOKEN, "a9nBmqA0ju/hNViExpshrM61xv4=", url, None, body)
    assert not verify("twilio", TOKEN, "a9nBmqA0ju/hNViExpshrM61xv4=", url, None, body + b" ")
    assert not verify("twilio", TOKEN, SIGNATURE, URL, None, body)


def test_generic_hmac_over_the_raw_body() -> None:
    body = b'{"id": "m1", "from": "+33600000001", "to": "36111", "text": "hi"}'
    signature = hmac_signature("s3cret", body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify("hmac", "s3cret", signature, "http://x/hooks/g", None, body)
    assert not verify("hmac", "s3cret", signature, "http://x/hooks/g", None, body + b" ")
    assert not verify("hmac", "other", signature, "http://x/hooks/g", None, body)
    assert verify("none", None, None, "http://x/hooks/g", None, body)
