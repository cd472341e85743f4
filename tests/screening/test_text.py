"""Name analysis: transliteration, structure, skeletons (expected values from ICAO Doc 9303 Part 3 tables,
ELOT 743, the UN list's own Latin spellings and common romanisation conventions)."""

from __future__ import annotations

import pytest

from openbmis.screening import analyse_name, romanisations
from openbmis.screening.text import latin_skeleton, vowel_key


def _token_sets(text: str, organisation: bool = False) -> set[tuple[str, ...]]:
    return {f.tokens for f in analyse_name(text, organisation)}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Müller", ("mueller",)),  # ICAO: Ü -> UE
        ("Müller", ("muller",)),  # diacritic dropped
        ("Øster Ærø", ("oester", "aeroe")),
        ("Łukasz Żółć", ("lukasz", "zolc")),
        ("Сергей Лавров", ("sergei", "lavrov")),  # ICAO table B: Й -> I
        ("Юлия Щербакова", ("iuliia", "shcherbakova")),  # Ю -> IU, Я -> IA, Щ -> SHCH
        ("Σωκράτης Παπαδόπουλος", ("sokratis", "papadopoulos")),  # ELOT: ου -> ou
        ("习近平", ("xi", "jinping")),  # family name, then given name written together
        ("김정은", ("kim", "jong", "un")),  # McCune-Reischauer-like, as in the UN list
        ("Nicolás Maduro", ("nicolas", "maduro")),
    ],
)
def test_transliterations(text: str, expected: tuple[str, ...]) -> None:
    assert expected in _token_sets(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Dr. Ayman AL-ZAWAHIRI", ("ayman", "al", "zawahiri")),  # title dropped, hyphen splits
        ("Sheikh Mullah Omar", ("omar",)),
        ("ABD AL RAHMAN", ("abd", "rahman")),
        ("Abdul Rahman", ("abd", "rahman")),
        ("Abdurrahman", ("abd", "rahman")),
        ("Abdelkader", ("abd", "kader")),
        ("Brigade Forty-Four", ("brigade", "44")),
        ("jane doe2", ("jane", "doe", "2")),
    ],
)
def test_name_structure(text: str, expected: tuple[str, ...]) -> None:
    assert expected in _token_sets(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("OAO Gazprom", ("jsc", "gazprom")),
        ("Open Joint Stock Company Gazprom", ("jsc", "gazprom")),
        ("L.X.C. Aviation", ("lxc", "aviation")),
        ("Faberlic Europe Sp. z o.o.", ("faberlic", "europe", "spzoo")),
        ("Siemens Aktiengesellschaft", ("siemens", "ag")),
    ],
)
def test_organisation_legal_forms(text: str, expected: tuple[str, ...]) -> None:
    assert expected in _token_sets(text, organisation=True)


@pytest.mark.parametrize(
    "arabic,latin",
    [  # pairs from the UN list (name in original script, its Latin name)
        ("صدام حسين التكريتي", "SADDAM HUSSEIN AL-TIKRITI"),
        ("عزت ابراهيم الدوري", "IZZAT IBRAHIM AL-DURI"),
        ("جلال الدين حقانى", "JALALUDDIN HAQQANI"),
        ("هدايت الله", "HIDAYATULLAH"),
        ("عبد الحكيم مراد", "ABDUL HAKIM MURAD"),
        ("فضل رحيم", "FAZAL RAHIM"),  # ض read as z (Persian, Urdu)
    ],
)
def test_arabic_skeleton_equals_latin_skeleton(arabic: str, latin: str) -> None:
    arabic_skeletons = {tuple(s for s in f.skeleton if s) for f in analyse_name(arabic) if f.unvocalised}
    latin_skeletons = {tuple(s for s in f.skeleton if s) for f in analyse_name(latin)}
    joined_latin = {"".join(s) for s in latin_skeletons}
    assert arabic_skeletons & latin_skeletons or {"".join(s) for s in arabic_skeletons} & joined_latin


@pytest.mark.parametrize(
    "a,b,equal",
    [
        ("mohammed", "muhammad", True),
        ("hussein", "husayn", True),
        ("omar", "umar", True),
        ("john", "juan", False),
        ("snow", "snoe", False),
    ],
)
def test_vowel_keys(a: str, b: str, equal: bool) -> None:
    assert (vowel_key(a) == vowel_key(b)) is equal


@pytest.mark.parametrize(
    "a,b",
    [("khalid", "halid"), ("lounici", "lunisi"), ("ahmad", "ahmed"), ("yousef", "yusuf")],
)
def test_skeleton_merges_spelling_variants(a: str, b: str) -> None:
    assert latin_skeleton(a).replace("h", "").replace("k", "") == latin_skeleton(b).replace("h", "").replace(
        "k", ""
    ) or latin_skeleton(a) == latin_skeleton(b)


def test_romanisations_are_unique_and_ascii() -> None:
    out = romanisations("Müller")
    assert len({v.lower() for _, v in out}) == len(out)
    for text in ("Сергей", "صدام", "ישראל", "नरेंद्र मोदी", "ประยุทธ์", "たなか"):
        for _, value in romanisations(text):
            assert value.isascii()


def test_empty_and_symbol_names() -> None:
    assert analyse_name("") == ()
    assert analyse_name("   ") == ()
    assert analyse_name("!@#$%")[0].tokens == ("!@#$%",)
