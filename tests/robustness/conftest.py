"""Fixtures of the robustness tests: a fresh node-smpp SMSC (tests/smsc/smsc.js) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.transports.node_smsc import NodeSmsc


@pytest.fixture
async def smsc() -> AsyncIterator[NodeSmsc]:
    node = await NodeSmsc().start()
    try:
        yield node
    finally:
        await node.stop()
