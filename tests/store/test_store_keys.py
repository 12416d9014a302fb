"""The dedup keys of inbound messages stay what earlier releases stored (rows compare by them)."""

from __future__ import annotations

from engine.store.codec import content_key, fingerprint


def test_content_key_and_fingerprint_are_those_stored_before() -> None:
    text = 'Café ☕ "quoted" \\ \u2028'
    assert content_key("smpp", "+33612345678", "36111", "Café ☕") == (
        "9e4b99cbd2f67381a0b0e475a1e0dccec953dae3d6f4699e0982019165392332"
    )
    assert fingerprint(
        "smpp", "+33612345678", "36111", "Café ☕", "2026-01-05T09:00:00.000000+00:00"
    ) == ("f5df93bf5bd6abbec6a37ae7b50dba0ad655628b5c0efd98e38c2deaaeb98a1d")
    assert content_key("a", "b", "c", text) != content_key("a", "b", "c", text + " ")
