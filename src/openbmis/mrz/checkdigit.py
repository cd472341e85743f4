"""ICAO Doc 9303 Part 3, section 4.9: the 7-3-1 check digit.

Each character is given a value (digits their own value, ``A``-``Z`` 10-35, the filler ``<`` 0), the
values are multiplied by the repeating weights 7, 3, 1 and the check digit is the sum modulo 10.
"""

from __future__ import annotations

from .errors import MRZError

MRZ_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

# Character value table indexed by code point; -1 marks characters outside the MRZ alphabet.
_VALUES: list[int] = [-1] * 128
for _i, _c in enumerate("0123456789"):
    _VALUES[ord(_c)] = _i
for _i, _c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    _VALUES[ord(_c)] = 10 + _i
_VALUES[ord("<")] = 0


def char_value(char: str) -> int:
    """The 7-3-1 value of one MRZ character, or -1 when it is not in the MRZ alphabet."""
    code = ord(char)
    return _VALUES[code] if code < 128 else -1


# The same values as a 256-byte ``bytes.translate`` table (anything outside the alphabet is 0): the
# parser translates a whole line in one C call and sums every third value, instead of a per-character
# Python loop.
VALUE_TABLE = bytes(max(value, 0) for value in _VALUES) + bytes(128)


def weighted_check_digit(values: bytes) -> int:
    """The 7-3-1 check digit of character values already translated through :data:`VALUE_TABLE`."""
    # Positions 0, 3, 6... carry weight 7, 1, 4, 7... weight 3, and 2, 5, 8... weight 1.
    return (7 * sum(values[0::3]) + 3 * sum(values[1::3]) + sum(values[2::3])) % 10


def check_digit_value(data: str) -> int:
    """The check digit of ``data`` as an int; characters outside the alphabet count as 0.

    This lenient form is what the parser uses on damaged input (the bad character is reported
    separately); :func:`check_digit` is the strict public form.
    """
    # "replace" turns each non-ASCII character into one "?" (value 0), so positions and weights hold.
    return weighted_check_digit(data.encode("ascii", "replace").translate(VALUE_TABLE))


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit (``"0"``-``"9"``) of ``data``.

    >>> check_digit("L898902C3")
    '6'
    >>> check_digit("740812")
    '2'

    Raises :class:`MRZError` (code ``invalid_character``) when ``data`` holds a character outside
    ``0-9``, ``A-Z`` and ``<``, or (code ``empty``) when ``data`` is empty: no MRZ field is empty.
    """
    if not data:
        raise MRZError(
            "no data to compute a check digit over", code="empty", expected="1 or more characters", found=""
        )
    for position, char in enumerate(data):
        if char_value(char) < 0:
            raise MRZError(
                f"character {char!r} at position {position} is not an MRZ character (0-9, A-Z, <)",
                code="invalid_character",
                expected="0-9, A-Z or <",
                found=char,
            )
    return str(check_digit_value(data))
