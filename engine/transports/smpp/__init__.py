"""The SMPP 3.4 connector: one owning thread per bind around smpplib's PDU codec."""

from __future__ import annotations

from engine.transports.smpp.transport import SmppSettings, SmppTransport, settings_from_options

__all__ = ["SmppSettings", "SmppTransport", "settings_from_options"]
