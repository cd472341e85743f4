"""Machine readable zones of travel documents (ICAO Doc 9303, 8th edition, 2021).

The MRZ is the OCR-B band at the foot of a passport data page, ID card or visa. Doc 9303 defines
five layouts: TD1 (3 lines of 30: ID cards, Part 5), TD2 (2x36, Part 6), TD3 (2x44: passports, Part 4),
MRV-A (2x44) and MRV-B (2x36) (visas, Part 7). Every field is built from ``A``-``Z``, ``0``-``9`` and
the filler ``<``; document number, birth date, expiry date and (TD3) personal number carry a 7-3-1
check digit, and all but visas carry a composite one (Part 3, 4.9). State codes are those of Part 3,
section 5; names in national scripts are transliterated per Part 3, section 6.

Public API:

* :func:`parse` reads an MRZ as it comes from the counter (any line breaks, a keyboard-wedge reader's
  single line, lower case) into an :class:`MRZResult`, with structured errors, OCR-confusion
  corrections and warnings; ``MRZResult.to_dict()`` is the JSON of ``POST /api/documents/mrz``.
  Only input that is no MRZ at all raises (:class:`MRZFormatError`).
* :func:`make` writes the MRZ of :class:`MRZFields`; :func:`transliterate` gives a name in MRZ form.
* :func:`check_document` gives the inspection checks (expiry, minor, specimen...) as of a date.
* :func:`check_digit` is the 7-3-1 check digit.

Sources: ICAO Doc 9303 Parts 3-7 (8th ed.); the test cases of cheminfo/mrz and PassportEye (MIT) and
the EU PRADO specimens for the long-document-number variants. See docs/mrz.md for policies where
sources disagree.
"""

from .checkdigit import check_digit
from .checks import DocumentCheck, check_document
from .errors import MRZError, MRZFieldError, MRZFormatError, TransliterationError
from .model import (
    Correction,
    FieldError,
    MRZFields,
    MRZFieldsRecord,
    MRZFormat,
    MRZResult,
    MRZResultRecord,
    MRZWarning,
)
from .parser import DEFAULT_EXPIRY_HORIZON_YEARS, normalise, parse
from .states import State, lookup_state, states
from .transliteration import transliterate
from .writer import make

__all__ = [
    "DEFAULT_EXPIRY_HORIZON_YEARS",
    "Correction",
    "DocumentCheck",
    "FieldError",
    "MRZError",
    "MRZFieldError",
    "MRZFields",
    "MRZFieldsRecord",
    "MRZFormat",
    "MRZFormatError",
    "MRZResult",
    "MRZResultRecord",
    "MRZWarning",
    "State",
    "TransliterationError",
    "check_digit",
    "check_document",
    "lookup_state",
    "make",
    "normalise",
    "parse",
    "states",
    "transliterate",
]
