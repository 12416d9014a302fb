"""Rules a hostile text can make slow, shared by the runtime and robustness tests."""

SLOW_REGEXES = """\
  - when: 'text ~ /(a|aa)+$/'
    reply: "one"
  - when: 'text ~ /(a|aa)+z/'
    reply: "two"
  - when: 'text ~ /^(a|aa)+$/'
    reply: "three"
  - when: 'text ~ /(aa|a)+$/'
    reply: "four"
"""
"""Four ``autoreply`` cases whose regexes backtrack catastrophically on ``EVIL``."""

EVIL = "a" * 40 + "!"
