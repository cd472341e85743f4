"""ICAO Doc 9303 Part 3, section 4.9: the 7-3-1 check digit.

Each character is given a value (digits their own value, ``A``-``Z`` 10-35, the filler ``<`` 0), the
values are multiplied by the repeating weights 7, 3, 1 and the check digit is the sum modulo 10.
"""

from __future__ import annotations

from operator import mul

from .errors import MRZError

MRZ_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

# Character value table indexed by code point; -1 marks characters outside the MRZ alphabet.
_VALUES: list[int] = [-1] * 128
for _i, _c in enumerate("0123456789"):
    _VALUES[ord(_c)] = _i
for _i, _c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    _VALUES[ord(_c)] = 10 + _i
_VALUES[ord("<")] = 0
_WEIGHTS = (7, 3, 1)


def char_value(char: str) -> int:
    """The 7-3-1 value of one MRZ character, or -1 when it is not in the MRZ alphabet."""
    code = ord(char)
    return _VALUES[code] if code < 128 else -1


_FAST: dict[str, int] = {chr(code): value for code, value in enumerate(_VALUES) if value >= 0}
_LONG_WEIGHTS = _WEIGHTS * 40  # map() stops at the shorter input: covers any MRZ field


def check_digit_value(data: str) -> int:
    """The check digit of ``data`` as an int; characters outside the alphabet count as 0.

    This lenient form is what the parser uses on damaged input (the bad character is reported
    separately); :func:`check_digit` is the strict public form.
    """
    if len(data) <= len(_LONG_WEIGHTS):
        try:
            return sum(map(mul, map(_FAST.__getitem__, data), _LONG_WEIGHTS)) % 10
        except KeyError:
            pass
    total = 0
    for index, char in enumerate(data):
        value = _FAST.get(char, 0)
        total += value * _WEIGHTS[index % 3]
    return total % 10


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
