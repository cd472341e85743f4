"""Where the server's log lines go."""

from __future__ import annotations

import logging
import sys
from typing import TextIO


class StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler that writes to whatever ``sys.stderr`` is when a record is emitted.

    ``logging.StreamHandler`` keeps the stream it was configured with. Django configures logging once, at start-up;
    when ``sys.stderr`` is later swapped (a test runner's capture, a service manager redirecting output) the lines
    went to the old stream, or failed with "I/O operation on closed file" once it was closed.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""
