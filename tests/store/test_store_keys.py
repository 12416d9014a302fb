"""The dedup key of inbound messages stays what earlier releases stored (rows compare by it).

Re-deliveries without an id compare by their columns (transport, sender, recipient, text)
since migration 0016: no key of the content is stored any more."""

from __future__ import annotations

from engine.store.codec import fingerprint


def test_the_fingerprint_is_the_one_stored_before() -> None:
    text = 'Café ☕ "quoted" \\ \u2028'
    assert fingerprint(
        "smpp", "+33612345678", "36111", "Café ☕", "2026-01-05T09:00:00.000000+00:00"
    ) == ("f5df93bf5bd6abbec6a37ae7b50dba0ad655628b5c0efd98e38c2deaaeb98a1d")
    at = "2026-01-05T09:00:00.000000+00:00"
    assert fingerprint("a", "b", "c", text, at) != fingerprint("a", "b", "c", text + " ", at)
