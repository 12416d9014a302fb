"""Connectors: each turns a wire protocol into Inbound messages and sends Outgoing ones."""

from __future__ import annotations

from engine.transports.base import TransportBase
from engine.transports.jsonl import JsonLinesTransport
from engine.transports.loopback import LoopbackTransport

__all__ = ["JsonLinesTransport", "LoopbackTransport", "TransportBase"]
