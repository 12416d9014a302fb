"""The SMPP 3.4 connector: each bind a connection on the event loop around a socket-free session."""

from __future__ import annotations

from engine.transports.smpp.settings import SmppSettings, settings_from_options
from engine.transports.smpp.transport import SmppTransport

__all__ = ["SmppSettings", "SmppTransport", "settings_from_options"]
