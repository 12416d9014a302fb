"""Own the http connector's package: a provider's webhook in, its REST API out.

``settings`` (keys and presets read), ``presets`` (generic, twilio), ``signature``
(``X-Twilio-Signature``, ``X-Twoway-Signature``), ``webhook`` (``/hooks/{connector}``),
``client`` (the REST API), ``transport`` (the connector itself).
"""

from engine.transports.http.settings import HttpSettings, http_settings, option_problems
from engine.transports.http.transport import HttpTransport

__all__ = ["HttpSettings", "HttpTransport", "http_settings", "option_problems"]
