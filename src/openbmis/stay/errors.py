"""Errors of the stay library: rooted in :class:`ValueError`, with structured fields."""

from __future__ import annotations


class StayError(ValueError):
    """Something given to the stay arithmetic is not what it should be.

    ``field`` names what was wrong, ``expected`` says what was wanted, ``found`` what came. The errors a person
    can cause by what they typed also carry a stable ``code`` and the ``params`` (days as ISO text) from which
    an application words them in the reader's language; the English ``message`` stays for everyone else.
    """

    def __init__(self, message: str, *, field: str = "", expected: str = "", found: str = "", code: str = "",
                 params: dict[str, str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.expected = expected
        self.found = found
        self.code = code
        self.params = dict(params or {})
