"""Fixtures of the transport tests: a fresh node-smpp SMSC (tests/smsc/smsc.js) per test."""

from tests.support.fixtures import smsc

__all__ = ["smsc"]
