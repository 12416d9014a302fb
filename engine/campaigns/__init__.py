"""Own what ``twoway campaign`` works out before anything is sent (``plan``: who the recipients
are and when each may get the message; ``preview``: what it says and what it costs) and the
engine's campaign loop (``runner``)."""
