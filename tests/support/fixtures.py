"""Fixtures shared by several test folders (their conftest.py imports them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.transports.node_smsc import NodeSmsc


@pytest.fixture
async def smsc() -> AsyncIterator[NodeSmsc]:
    """A fresh node-smpp SMSC (tests/smsc/smsc.js) per test."""
    node = await NodeSmsc().start()
    try:
        yield node
    finally:
        await node.stop()
