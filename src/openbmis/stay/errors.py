"""Errors of the stay library: rooted in :class:`ValueError`, with structured fields."""

from __future__ import annotations


class StayError(ValueError):
    """Something given to the stay arithmetic is not what it should be.

    ``field`` names what was wrong, ``expected`` says what was wanted, ``found`` what came.
    """

    def __init__(self, message: str, *, field: str = "", expected: str = "", found: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.expected = expected
        self.found = found
