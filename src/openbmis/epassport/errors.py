"""Errors raised by :mod:`openbmis.epassport`.

Every error is a :class:`ValueError` so that a caller who only knows "bad input" can catch that, and carries
structured fields: ``where`` (which structure or field), ``expected`` and ``found``, so the application can
show and store exactly what is wrong without parsing the message.
"""

from __future__ import annotations


class EPassportError(ValueError):
    """Root of every error this library raises on bad input."""

    code = "epassport_error"

    def __init__(
        self, message: str, *, where: str = "", expected: object = None, found: object = None
    ) -> None:
        self.message = message
        self.where = where
        self.expected = expected
        self.found = found
        parts = [f"{where}: {message}" if where else message]
        if expected is not None:
            parts.append(f"expected {expected}")
        if found is not None:
            parts.append(f"found {found}")
        super().__init__("; ".join(parts))

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view: code, where, message, expected, found."""
        return {
            "code": self.code,
            "where": self.where,
            "message": self.message,
            "expected": None if self.expected is None else str(self.expected),
            "found": None if self.found is None else str(self.found),
        }


class ParseError(EPassportError):
    """The bytes are not a well-formed instance of the structure being read."""

    code = "parse_error"


class TruncatedData(ParseError):
    """A length runs past the end of the data."""

    code = "truncated"


class BadTag(ParseError):
    """A TLV tag is not the one the structure requires."""

    code = "bad_tag"


class BadLength(ParseError):
    """A length field is malformed (indefinite where definite is required, too long, non-minimal)."""

    code = "bad_length"


class TrailingData(ParseError):
    """Bytes follow the end of the outermost structure."""

    code = "trailing_data"


class WrongContentType(ParseError):
    """A CMS content type is not the one ICAO Doc 9303 prescribes."""

    code = "wrong_content_type"


class UnsupportedVersion(ParseError):
    """A version number is outside the versions the specification allows."""

    code = "unsupported_version"


class UnsupportedAlgorithm(EPassportError):
    """A digest, signature or curve that this library does not (or will not) handle."""

    code = "unsupported_algorithm"


class TrustStoreError(EPassportError):
    """A trust-store input (certificate, master list, LDIF) could not be imported."""

    code = "trust_store_error"


class SecureMessagingError(EPassportError):
    """A secure-messaging response failed its MAC or is malformed (Doc 9303 Part 11)."""

    code = "secure_messaging_error"
