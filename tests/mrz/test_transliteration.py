"""ICAO Doc 9303 Part 3 section 6 transliteration, with the examples the specification gives."""

from __future__ import annotations

import pytest

from openbmis.mrz import TransliterationError, transliterate

CASES = [
    # Table A, Latin with diacritics.
    ("Jürgen Müller", "JUERGEN<MUELLER"),
    ("Åsa Ærø", "AASA<AEROE"),
    ("Straße", "STRASSE"),
    ("Þórunn Ðóra", "THORUNN<DORA"),
    ("François Lefèvre-Ñúñez", "FRANCOIS<LEFEVRE<NUNEZ"),
    ("Łukasz Żółć", "LUKASZ<ZOLC"),
    ("Œuvre Ĳssel", "OEUVRE<IJSSEL"),
    ("O'Brien", "OBRIEN"),
    ("  van  der  Steen ", "VAN<DER<STEEN"),
    # Table B, Cyrillic (Russian, Ukrainian, Serbian, Macedonian, Belarusian letters).
    ("Дмитрий Щукин", "DMITRII<SHCHUKIN"),
    ("Юлия Хорошёва", "IULIIA<KHOROSHEVA"),
    ("Ольга Подъячая", "OLGA<PODIEIACHAIA"),
    ("Євгенія Їжакевич", "IEVGENIIA<IZHAKEVICH"),
    ("Ђорђе Љубичић", "DORDE<LJUBICHIC"),  # ч CH, ћ C
    ("Ћирић", "CIRIC"),
    ("Ѓорѓи Ќосе Џеко Ѕвезда", "GORGI<KOSE<DZEKO<DZVEZDA"),
    ("Ўладзімір", "ULADZIMIR"),
    # Table C, Arabic: the worked example of Part 3 appendix B (X-scheme).
    ("ابو بكر محمد بن زكريا الرازي", "ABW<BKR<MXHMD<BN<ZKRYA<ALRAZY"),
    ("فاطمة", "FAXTTMXAH"),  # teh marbuta at the end of a component: XAH
    ("فاطمة علي", "FAXTTMXAH<ELY"),
    ("محمّد", "MXHMMD"),  # shadda doubles
    ("گل پری", "XGGL<PRXYA"),  # Persian letters of table C
]


@pytest.mark.parametrize(("text", "mrz"), CASES)
def test_icao_tables(text: str, mrz: str) -> None:
    assert transliterate(text) == mrz


def test_characters_outside_the_tables_fall_back_or_raise_in_strict_mode() -> None:
    assert transliterate("Νίκος") == "NIKOS"  # Greek: not an ICAO table, romanised by anyascii
    with pytest.raises(TransliterationError) as info:
        transliterate("Νίκος", strict=True)
    assert info.value.found == "Ν" and info.value.code == "untransliterable"


def test_output_uses_only_mrz_characters() -> None:
    text = "Zoë Ğülşen 李小龍 José-María 🙂"
    assert set(transliterate(text)) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
