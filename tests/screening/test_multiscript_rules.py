"""openbmis-names 1.5: the rules added for the multi-script set and its unrelated persons (issue 16). Each test
names the rule it checks and fails if the rule is taken out; the expected outcomes come from the writing
conventions (Russian and Greek practical transcription of foreign names) and from how names differ."""

from __future__ import annotations

import pytest

from openbmis.screening import Query, WatchlistEntry, compare
from openbmis.screening.index import IndexBuilder
from openbmis.screening.scorer import (
    CONFLICTING_PARTS,
    NISBA,
    SHORT_SKELETON_TOKEN,
    SHORT_VOWELS,
    skeleton_similarity,
    skeleton_weight,
    token_similarity,
)
from openbmis.screening.text import analyse_name, cyrillic_foreign, greek_foreign

THRESHOLD = 0.7


def person(*names: str) -> WatchlistEntry:
    return WatchlistEntry(id="E", list_name="test", entity_type="person", names=names)


def score(query: str, *names: str) -> tuple[float, str]:
    ex = compare(Query(name=query, entity_type="person"), person(*names))
    return ex.score, ex.features[0].detail if ex.features else ""


# --- Cyrillic and Greek read as they write foreign names ----------------------------------------------
@pytest.mark.parametrize(
    "written,latin",
    [
        ("Ахмад Махмоод Хассан", "ahmad mahmood hassan"),  # х is the h of Arabic and Persian names
        ("Хён Куанг Ил", "hyon kwang il"),  # Korean in Russian letters: ё yo, у before a vowel w
        ("Уилсон Джосепх", "wilson joseph"),  # English: у before a vowel w, дж j
    ],
)
def test_cyrillic_is_also_read_as_a_foreign_name(written: str, latin: str) -> None:
    assert cyrillic_foreign(written) == latin
    s, detail = score(written, latin.upper())
    assert s >= THRESHOLD
    assert "romanised from Cyrillic as a foreign name" in detail


@pytest.mark.parametrize(
    "written,latin",
    [("ΡΙ ΟΥΟΝ ΧΟ", "ri won ho"), ("ΙΑΣΣΙΝ ΣΙΑΟΥΑΛ", "yassin syawal")],
)
def test_greek_is_also_read_as_a_foreign_name(written: str, latin: str) -> None:
    assert greek_foreign(written) == latin  # ου before a vowel w, ι before a vowel y, χ h
    s, detail = score(written, latin.upper())
    assert s >= THRESHOLD
    assert "romanised from Greek as a foreign name" in detail


def test_the_index_retrieves_a_name_written_in_russian_letters_by_its_foreign_reading() -> None:
    b = IndexBuilder()
    b.add(WatchlistEntry(id="1", list_name="un", entity_type="person", names=("AHMAD MAHMOOD HASSAN",)))
    b.add(WatchlistEntry(id="2", list_name="un", entity_type="person", names=("Ivan Petrov",)))
    hits = b.build().search(Query(name="Ахмад Махмоод Хассан", entity_type="person"))
    assert [h.entry_id for h in hits] == ["1"]


# --- precision: what weighs against a match -----------------------------------------------------------
def test_a_name_part_on_each_side_that_the_other_lacks_is_another_person() -> None:
    s, detail = score("Saif al-Islam Ghedeir", "GHADAFFI, Saif al-Islam")
    assert s < THRESHOLD
    assert f"ghedeir~ghadaffi conflicting-parts {CONFLICTING_PARTS:.2f}" in detail
    # the same family name misspelt is not a conflict
    s, detail = score("Saif al-Islam Gadafi", "GHADAFFI, Saif al-Islam")
    assert s >= THRESHOLD and "conflicting" not in detail
    # two different patronymics: two fathers
    assert score("Ivan Petrovich Sidorov", "Ivan Sergeyevich Sidorov")[0] < THRESHOLD


def test_one_syllable_that_differs_by_its_vowel_is_another_name() -> None:
    assert token_similarity("mun", "man") == (SHORT_VOWELS, "vowels-short")
    assert score("Mun Chun", "KIM, Man Chun")[0] < THRESHOLD
    # spellings of one vowel are not another vowel: y for i, a y left out, longer names
    assert token_similarity("aly", "ali") == (0.9, "vowels")
    assert token_similarity("gae", "gaye") == (0.9, "vowels")
    assert token_similarity("rehman", "rahman") == (0.9, "vowels")


def test_three_consonants_in_common_with_another_first_letter_count_little() -> None:
    assert token_similarity("essabar", "sabri") == (SHORT_SKELETON_TOKEN, "skeleton-short")
    assert score("Dawood Essabar", "SABRI, Dawood")[0] < THRESHOLD
    # a slip that keeps the first letter is still a skeleton match
    assert token_similarity("serej", "sergei") == (0.8, "skeleton")


def test_parts_too_short_to_join_are_not_joined() -> None:
    s, detail = score("Jafar Il", "JAFARI, Ali")
    assert s < THRESHOLD and "joined" not in detail
    s, detail = score("Rami Makhlouf", "RAMIMAKHLOUF")
    assert s >= THRESHOLD and "joined" in detail


def test_a_particle_is_near_nothing() -> None:
    s, detail = score("Ali Mohamed Kadhafi", "AL-QADHAFI, Mohammed")
    assert "ali~al" not in detail
    assert s < THRESHOLD


def test_frequent_names_read_from_arabic_letters_weigh_less() -> None:
    assert skeleton_weight("mhmd") == 0.6 and skeleton_weight("rSd") == 1.0
    # Muhammad Rashad against Mahmud Afkhami Rashidi: mhmd is both Muhammad and Mahmud
    assert score("محمد رشاد", "AFKHAMI RASHIDI, Mahmud")[0] < 0.75


def test_ben_written_onto_the_name_in_arabic() -> None:
    assert skeleton_similarity("bnhsn", "hsn") == (0.9, "skeleton-ben")
    s, detail = score("سيف الله بن عمر بن محمد بنحسين", "SEIFALLAH BEN OMAR BEN MOHAMED BEN HASSINE")
    assert s >= THRESHOLD and "skeleton-ben" in detail


def test_a_joined_pair_of_single_consonants_counts_its_consonants_not_the_space() -> None:
    s, detail = score("علي ما يشو", "ALI MAYCHOU")
    assert "2~consonants short-skeleton" in detail  # m + S, not "m S" as three letters


# --- normalisation ------------------------------------------------------------------------------------
def test_an_abbreviated_title_that_ends_the_name_is_a_name_part() -> None:
    assert analyse_name("Kim Eng")[0].tokens == ("kim", "eng")  # Korean Ёнг read by ICAO
    assert analyse_name("Eng Kim Lee")[0].tokens == ("kim", "lee")  # "Eng." for engineer, before the name
    assert analyse_name("Mukhtar Shaykh")[0].tokens == ("mukhtar",)  # a title spelt out stays a title


def test_hajji_written_in_arabic_is_a_title() -> None:
    assert "hj" not in analyse_name("مصطفى حجي محمد خان")[0].skeleton


def test_abdoul_is_a_form_of_abd() -> None:
    assert analyse_name("Abdoul Rahman")[0].tokens == ("abd", "rahman")


def test_x_and_ks_are_one_spelling() -> None:
    assert token_similarity("maksime", "maxime") == (0.9, "spelling")


def test_a_part_written_from_alef_meets_a_latin_part_that_starts_with_a_vowel() -> None:
    assert skeleton_similarity("'hmd", "hmd") == (0.8, "skeleton-initial-vowel-differs")
    s, detail = score("احمد ضیا مصطفى", "HAMID, Mustafa")  # Ahmad is not Hamid: both h-m-d
    assert s < THRESHOLD and "initial-vowel-differs" in detail
    assert score("احمد ضیا مصطفى", "AHMAD ZIA MUSTAFA")[0] >= THRESHOLD
    assert score("عمر محمد", "UMAR MUHAMMAD")[0] >= THRESHOLD  # an ayin starts a vowel too


def test_din_and_allah_standing_alone_weigh_as_frequent_parts() -> None:
    assert skeleton_weight("dn") == 0.6 and skeleton_weight("lh") == 0.6
    assert score("سيف الدين گل", "DON JULIO")[0] < THRESHOLD
    assert score("سيف الدين گل", "SAIF AL-DIN GUL")[0] >= THRESHOLD


def test_joined_skeletons_need_an_exact_match_or_five_consonants() -> None:
    # Saad al-Din (sdn) is not Saif al-Din (sf + dn) by one edit in four consonants
    s, detail = score("سعد الدين حسن طه الراوي", "AL-RAWI, Saif-al-Din Fulayyih Hassan Taha")
    assert s < THRESHOLD and "joined" not in detail
    # knd + zd ~ knzd (Akhund Zada, Akhunzada) keeps its one edit in five
    s, detail = score("محمد اسحاق آخوند زاده", "MOHAMMAD ESHAQ AKHUNZADA")
    assert s >= THRESHOLD and "joined" in detail


def test_a_name_and_its_nisba_are_related_not_equal() -> None:
    assert token_similarity("rahimi", "rahim") == (NISBA, "nisba")
    assert score("Omar Mahmoud Rahimi", "RAHIM, 'Umar Mahmud")[0] < THRESHOLD
    assert token_similarity("chuan", "chun") == (SHORT_VOWELS, "vowels-short")  # one syllable, four letters


# --- 1.6 ---------------------------------------------------------------------------------------------
def test_one_syllable_is_not_two_with_the_same_consonants() -> None:
    # 宁 (ning) is one syllable; Naying is two (na-ying): the vowel rule read both as n*ng (a negative of the
    # bench at 1,000,000 entries: 宁 李 against a listed LI Naying reached 0.71)
    assert token_similarity("ning", "naying") == (0.0, "syllables-differ")
    assert score("宁 李", "LI Naying")[0] < THRESHOLD
    # one syllable against one keeps the vowel rule, and y for i is still a spelling
    assert token_similarity("mun", "man") == (SHORT_VOWELS, "vowels-short")
    assert token_similarity("aly", "ali")[0] == 0.9
