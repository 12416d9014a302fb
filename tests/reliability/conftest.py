"""Fixtures of the reliability tests: a fresh node-smpp SMSC per test (test_workers_kills.py)."""

from tests.support.fixtures import smsc

__all__ = ["smsc"]
