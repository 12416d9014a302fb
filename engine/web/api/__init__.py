"""Own the REST API package's surface: ``Api`` (added to the HTTP server's application),
``ProblemError`` and ``parse`` (engine.web.api.problems), and the routes (engine.web.api.routes).
"""

from engine.web.api.base import MAX_BODY, Api
from engine.web.api.problems import ProblemError, parse

__all__ = ["MAX_BODY", "Api", "ProblemError", "parse"]
