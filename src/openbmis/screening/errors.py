"""Errors of the screening library: a small hierarchy rooted in :class:`ValueError`."""

from __future__ import annotations


class ScreeningError(ValueError):
    """Base class: something given to the screening library is not what it should be.

    ``field`` names what was wrong, ``expected`` says what was wanted, ``found`` what came.
    """

    def __init__(self, message: str, *, field: str = "", expected: str = "", found: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.expected = expected
        self.found = found


class QueryError(ScreeningError):
    """A screening query cannot be run (for example it carries neither a name nor a document)."""


class LoadError(ScreeningError):
    """One row or element of a watchlist file cannot be read.

    ``location`` is the line number (CSV, JSON lines) or the element path and position (XML).
    """

    def __init__(
        self,
        message: str,
        *,
        location: str,
        field: str = "",
        expected: str = "",
        found: str = "",
    ) -> None:
        super().__init__(message, field=field, expected=expected, found=found)
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class FormatError(ScreeningError):
    """A whole watchlist file is unreadable or its format cannot be recognised."""
