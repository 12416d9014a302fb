"""Fixtures of the workers' tests: a fresh node-smpp SMSC per test."""

from tests.support.fixtures import smsc

__all__ = ["smsc"]
