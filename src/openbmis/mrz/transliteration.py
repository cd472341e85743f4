"""Names in national scripts to MRZ characters, ICAO Doc 9303 Part 3 section 6.

Three tables of Part 3 are implemented:

* Latin letters with diacritics (table A): most lose the mark (``É`` → ``E``); a few expand
  (``Ä``/``Æ`` → ``AE``, ``Å`` → ``AA``, ``Ö``/``Ø``/``Œ`` → ``OE``, ``Ü`` → ``UE``, ``ß`` → ``SS``,
  ``Þ`` → ``TH``, ``Ĳ`` → ``IJ``).
* Cyrillic (table B), with the Ukrainian, Belarusian, Serbian and Macedonian letters.
* Arabic (table C), including the Persian, Urdu and Pashto letters: the reversible "X-scheme" where
  ``X`` marks a letter with no single Latin equivalent (``ح`` → ``XH``, ``ث`` → ``XTH``); teh marbuta is
  ``XTA`` inside a name component and ``XAH`` at its end (Part 3 appendix B.5); harakat are dropped and
  shadda doubles the consonant it sits on.

Punctuation follows section 4.6: apostrophes vanish, hyphens and spaces become the filler ``<``.
Characters covered by no table are, by default, romanised with ``anyascii`` (Greek, Hebrew, CJK...);
``strict=True`` raises :class:`~openbmis.mrz.errors.TransliterationError` naming the character instead.
"""

from __future__ import annotations

import unicodedata

from anyascii import anyascii

from .errors import TransliterationError

# Table A: only the letters whose MRZ form is not "the base letter without its mark".
_LATIN_SPECIAL: dict[str, str] = {
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE", "ß": "SS", "ẞ": "SS",
    "Þ": "TH", "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ħ": "H", "Ł": "L", "Ŀ": "L", "Ŋ": "N",
    "Ŧ": "T", "ĸ": "K",
}  # fmt: skip

# Table B (Cyrillic), upper case; lower case is folded before lookup.
_CYRILLIC: dict[str, str] = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Ђ": "D", "Ѓ": "G", "Е": "E", "Ё": "E",
    "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I", "Й": "I", "Ј": "J",
    "К": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N", "Њ": "NJ", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "Ћ": "C", "Ќ": "K", "У": "U", "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS",
    "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU",
    "Я": "IA", "Ѣ": "IE", "Ѳ": "F", "Ѵ": "Y", "Ѫ": "U", "Ѭ": "IU",
}  # fmt: skip

# Table C (Arabic script), letter by letter; teh marbuta is handled by position.
_ARABIC: dict[str, str] = {
    "\u0621": "XE", "\u0622": "XAA", "\u0623": "XAE", "\u0624": "U", "\u0625": "I", "\u0626": "XI",
    "\u0627": "A", "\u0628": "B", "\u062a": "T", "\u062b": "XTH", "\u062c": "J", "\u062d": "XH",
    "\u062e": "XKH", "\u062f": "D", "\u0630": "XDH", "\u0631": "R", "\u0632": "Z", "\u0633": "S",
    "\u0634": "XSH", "\u0635": "XSS", "\u0636": "XDZ", "\u0637": "XTT", "\u0638": "XZZ", "\u0639": "E",
    "\u063a": "G", "\u0641": "F", "\u0642": "Q", "\u0643": "K", "\u0644": "L", "\u0645": "M",
    "\u0646": "N", "\u0647": "H", "\u0648": "W", "\u0649": "XAY", "\u064a": "Y",
    # Persian, Urdu and Pashto letters of table C.
    "\u0671": "XXA", "\u0679": "XXT", "\u067c": "XRT", "\u067e": "P", "\u0681": "XKE", "\u0685": "XXH",
    "\u0686": "XC", "\u0688": "XXD", "\u0689": "XDR", "\u0691": "XXR", "\u0693": "XRR", "\u0696": "XRX",
    "\u0698": "XJ", "\u069a": "XXS", "\u06a9": "XKK", "\u06ab": "XXK", "\u06ad": "XNG", "\u06af": "XGG",
    "\u06ba": "XNN", "\u06bc": "XXN", "\u06be": "XDO", "\u06c0": "XYH", "\u06c1": "XXG", "\u06c2": "XGE",
    "\u06c3": "XTG", "\u06cc": "XYA", "\u06cd": "XXY", "\u06d0": "Y", "\u06d2": "XYB", "\u06d3": "XBE",
}  # fmt: skip
_TEH_MARBUTA = "\u0629"
_SHADDA = "\u0651"
_TATWEEL = "\u0640"
# Harakat, tanwin, superscript alef and Quranic marks: not written in the MRZ.
_ARABIC_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660) if chr(c) != _SHADDA) | {"\u0670", _TATWEEL}
_ARABIC_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}

_SEPARATORS = frozenset(" -\u2010\u2011\u2012\u2013\u2014\u00a0\t,.<")
_DROPPED = frozenset("'\u2019\u2018`\u02bc\u02bb\"")


def _latin(char: str) -> str | None:
    """Table A for one upper-case character, or None when it is not a Latin letter."""
    special = _LATIN_SPECIAL.get(char)
    if special is not None:
        return special
    base = unicodedata.normalize("NFD", char)[0]
    if "A" <= base <= "Z":
        return base
    return None


def transliterate(text: str, *, strict: bool = False) -> str:
    """``text`` in MRZ characters (``A``-``Z``, ``0``-``9``, ``<``), per ICAO Doc 9303 Part 3.

    >>> transliterate("Jürgen Müller-Lüdenscheidt")
    'JUERGEN<MUELLER<LUEDENSCHEIDT'
    >>> transliterate("Дмитрий Щукин")
    'DMITRII<SHCHUKIN'

    Separators (spaces, hyphens, commas) become one ``<`` each and are trimmed at both ends; the
    caller joins primary and secondary identifiers with ``<<``.
    """
    out: list[str] = []
    previous = ""
    chars = unicodedata.normalize("NFC", text)
    for index, raw in enumerate(chars):
        if raw in _DROPPED:
            continue
        if raw in _SEPARATORS:
            out.append("<")
            previous = ""
            continue
        upper = raw.upper()
        if len(upper) != 1:
            upper = raw  # "ß".upper() is "SS": keep the letter and let table A expand it
        if "A" <= upper <= "Z" or "0" <= upper <= "9":
            piece: str | None = upper
        elif upper in _CYRILLIC:
            piece = _CYRILLIC[upper]
        elif raw == _TEH_MARBUTA:
            following = chars[index + 1] if index + 1 < len(chars) else " "
            piece = "XAH" if following in _SEPARATORS or following in _DROPPED else "XTA"
        elif raw == _SHADDA:
            piece = previous  # shadda doubles the consonant it is written on
        elif raw in _ARABIC_MARKS:
            piece = ""
        elif raw in _ARABIC:
            piece = _ARABIC[raw]
        elif raw in _ARABIC_DIGITS:
            piece = _ARABIC_DIGITS[raw]
        else:
            piece = _latin(upper)
        if piece is None:
            category = unicodedata.category(raw)
            if strict:
                raise TransliterationError(
                    f"no ICAO Doc 9303 Part 3 transliteration for {raw!r} (U+{ord(raw):04X})",
                    code="untransliterable",
                    field="name",
                    found=raw,
                )
            if category.startswith("M"):
                piece = ""  # a combining mark left after NFC: the base letter was already written
            else:
                piece = "".join(c for c in anyascii(raw).upper() if "A" <= c <= "Z" or "0" <= c <= "9")
                if not piece and not category.startswith("L"):
                    piece = "<"  # punctuation or symbol with no letters: treat as a separator
        out.append(piece)
        if piece and piece != "<":
            previous = piece
    joined = "".join(out)
    # One filler per separator run, none at the ends.
    while "<<" in joined:
        joined = joined.replace("<<", "<")
    return joined.strip("<")
