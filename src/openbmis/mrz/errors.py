"""The error types of :mod:`openbmis.mrz`.

Every exception the library raises is an :class:`MRZError`, itself a :class:`ValueError`, and carries
structured fields (``code``, ``field``, ``expected``, ``found``) so a caller can show which part of the
input was wrong without parsing a message.
"""

from __future__ import annotations


class MRZError(ValueError):
    """Base of every error raised by :mod:`openbmis.mrz`."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "mrz_error",
        field: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.expected = expected
        self.found = found

    def to_dict(self) -> dict[str, str | None]:
        """The error as a JSON-ready mapping (the same keys as a parse error)."""
        return {
            "field": self.field,
            "code": self.code,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


class MRZFormatError(MRZError):
    """The input is not a machine readable zone at all (wrong number or length of lines)."""


class MRZFieldError(MRZError):
    """A field given to :func:`openbmis.mrz.make` cannot be written into the requested format."""


class TransliterationError(MRZError):
    """A name holds a character that no ICAO Doc 9303 Part 3 table covers (strict transliteration only)."""
