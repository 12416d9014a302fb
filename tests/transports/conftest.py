"""Fixtures of the transport tests: a fresh node-smpp SMSC (tests/smsc/smsc.js) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from node_smsc import NodeSmsc


@pytest.fixture
async def smsc() -> AsyncIterator[NodeSmsc]:
    node = await NodeSmsc().start()
    try:
        yield node
    finally:
        await node.stop()
