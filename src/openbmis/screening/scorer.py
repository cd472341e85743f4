"""The explainable scorer: compares a query with one watchlist entry, feature by feature.

Algorithm ``openbmis-names`` (see :data:`ALGORITHM`, :data:`VERSION`):

1. Names. Every query name form is aligned with every entry name form, order-free: token pairs are taken
   greedily by similarity (exact 1.0; known variant 0.9; same letters but vowels 0.9 when at least half the
   letters agree; Baltic/Slavic endings and Hungarian spellings 0.9; edit distance within a length-dependent
   budget ``1 - d/len`` when the consonant skeletons agree within one edit; same consonant skeleton 0.8;
   initial 0.75), tokens written together on one side may meet two tokens on the other, and two adjacent
   parts whose boundary moved meet at 0.9. Foreign names written in kana, Chinese characters or Hangul meet
   Latin ones by consonant classes (capped at 0.9, weaker with few classes); skeleton-only matches across
   scripts with fewer than four consonants count less. The closest pairs still unmatched after that get
   partial credit (letters in common, with a Jaro-Winkler-like prefix bonus). The aligned score is the matched weight over the total weight, where tokens have weights
   (particles 0.3, legal forms 0.2, patronymics and frequent names 0.6), unmatched query tokens cost 1.25
   times their weight and unmatched entry tokens (extra middle names) half. Forms from unvocalised scripts
   (Arabic, Hebrew) are compared by consonant skeleton only, with a cap of 0.95. Five per cent of the name
   score is a plain token-sort string ratio so that near ties still order. Numbers in names must agree.
   Against a match (1.5): a name part on each side that the other lacks or meets only weakly (another
   family name) multiplies by 0.9; a vowel change in a part of one syllable counts 0.7 (Mun/Man); a
   three-consonant skeleton with another first letter 0.7 (Essabar/Sabri); parts join only when each has
   three letters; particles are near nothing; frequent names read from Arabic letters weigh 0.6.
2. Qualifiers move the name evidence: a matching birth date, nationality or sex closes part of the gap to
   1; a mismatch multiplies it down: a birth date that clearly contradicts (years two or more apart, three
   for a year-only or approximate date) by 0.7, one that differs by about a year by 0.85 (a day or month
   slip within 31 days neither adds nor removes), nationalities with no country in common by 0.8, sex by
   0.85.
3. Identifiers are independent evidence combined by noisy-OR: exact number 0.9 (0.5 when issuing countries
   differ), confusable-equal 0.7, BIC branch prefix 0.75.
4. Entity types that differ (person against vessel) give 0.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

from rapidfuzz.distance import OSA, Indel, Levenshtein
from rapidfuzz.fuzz import token_sort_ratio

from openbmis.screening.countries import country_code
from openbmis.screening.model import DateSpec, Explanation, Feature, Identifier, Query, WatchlistEntry
from openbmis.screening.text import (
    COMMON_TOKENS,
    LEGAL_FORMS,
    ORG_STOPWORDS,
    PARTICLES,
    SYNONYMS,
    VOWEL_START,
    analyse_name,
    coarse_key,
    latin_skeleton,
    plain_skeleton,
    vowel_key,
)

__all__ = [
    "ALGORITHM",
    "VERSION",
    "CompiledEntry",
    "CompiledQuery",
    "ScoringConfig",
    "compare",
    "compile_entry",
    "compile_query",
    "confusable_key",
    "normalise_identifier",
    "score_compiled",
]

ALGORITHM = "openbmis-names"
VERSION = "1.6"

# name kinds in a compiled entry
PRIMARY, ALIAS, WEAK = 0, 1, 2
_LEGAL_VALUES = frozenset(LEGAL_FORMS.values())
_PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ich|ogly|oglu|qizi|kyzy)$")


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Tunable settings of the algorithm; ``threshold`` is the score at which a result becomes a hit."""

    threshold: float = 0.7
    match_aliases: bool = True
    name_weight: float = 0.9
    weak_alias_factor: float = 0.9


# --- compiled forms: tuples that pickle and marshal cheaply -------------------------------------------
# A compiled name: (text, kind, forms) where a form is (tokens, skeleton, unvocalised, scheme).
CompiledForm = tuple[tuple[str, ...], tuple[str, ...], bool, str]
CompiledName = tuple[str, int, tuple[CompiledForm, ...]]
#: What :meth:`CompiledEntry.to_tuple` is made of: values :mod:`marshal` writes, nested in tuples.
MarshalValue: TypeAlias = "str | int | float | bool | None | tuple[MarshalValue, ...]"


@dataclass(frozen=True, slots=True)
class CompiledEntry:
    """An entry reduced to what scoring needs (see :func:`compile_entry`)."""

    id: str
    list_name: str
    entity_type: str
    display_name: str
    names: tuple[CompiledName, ...]
    birth_dates: tuple[DateSpec, ...]
    countries: tuple[str, ...]
    sex: str
    identifiers: tuple[Identifier, ...]
    family_names: tuple[str, ...] = ()

    def only_names(self, positions: Sequence[int]) -> CompiledEntry:
        """The same entry with only the names at ``positions`` (the ones the index retrieved)."""
        names = tuple(self.names[i] for i in positions if 0 <= i < len(self.names))
        return CompiledEntry(self.id, self.list_name, self.entity_type, self.display_name, names,
                             self.birth_dates, self.countries, self.sex, self.identifiers, self.family_names)  # fmt: skip

    def to_tuple(self) -> tuple[MarshalValue, ...]:
        """A marshal-friendly tuple (only str, int, bool, None and tuples)."""
        return (
            self.id,
            self.list_name,
            self.entity_type,
            self.display_name,
            self.names,
            tuple((d.year, d.month, d.day, d.year_to, d.approximate) for d in self.birth_dates),
            self.countries,
            self.sex,
            tuple((i.kind, i.number, i.country) for i in self.identifiers),
            self.family_names,
        )

    @classmethod
    def from_tuple(cls, t: tuple[object, ...]) -> CompiledEntry:
        dates = tuple(DateSpec(*d) for d in t[5])  # type: ignore[attr-defined]
        ids = tuple(Identifier(*i) for i in t[8])  # type: ignore[attr-defined]
        return cls(
            str(t[0]),
            str(t[1]),
            str(t[2]),
            str(t[3]),
            t[4],  # type: ignore[arg-type]
            dates,
            t[6],  # type: ignore[arg-type]
            str(t[7]),
            ids,
            t[9],  # type: ignore[arg-type]
        )


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    query: Query
    names: tuple[tuple[str, tuple[CompiledForm, ...]], ...]
    countries: tuple[str, ...]
    sex: str
    identifiers: tuple[Identifier, ...]
    family_names: tuple[str, ...]


def _forms(text: str, organisation: bool) -> tuple[CompiledForm, ...]:
    return tuple((f.tokens, f.skeleton, f.unvocalised, f.scheme) for f in analyse_name(text, organisation))


def normalise_sex(value: str) -> str:
    v = value.strip().lower()
    if v in {"m", "male", "man", "masculine"}:
        return "male"
    if v in {"f", "female", "woman", "feminine"}:
        return "female"
    return ""


_ID_STRIP = re.compile(r"[^0-9A-Z@._]+")


def normalise_identifier(number: str) -> str:
    """Upper-case, separators removed; ``IMO`` prefixes dropped; e-mail addresses lower-cased.

    >>> normalise_identifier("ab-123 456")
    'AB123456'
    >>> normalise_identifier("IMO 9176187")
    '9176187'
    """
    raw = number.strip()
    if "@" in raw:
        return raw.lower()
    value = _ID_STRIP.sub("", raw.upper()).replace(".", "").replace("_", "")
    if value.startswith("IMO") and value[3:].isdigit():
        value = value[3:]
    return value


_CONFUSABLE = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8",
                             "G": "6", "T": "7"})  # fmt: skip


def confusable_key(number: str) -> str:
    """The identifier with look-alike characters merged (O/0, I/1, S/5, B/8...): catches OCR and typing slips."""
    return normalise_identifier(number).translate(_CONFUSABLE)


def compile_entry(entry: WatchlistEntry) -> CompiledEntry:
    org = entry.entity_type in {"organization", "vessel", "aircraft"}
    names: list[CompiledName] = []
    for kind, group in ((PRIMARY, entry.names), (ALIAS, entry.aliases), (WEAK, entry.weak_names)):
        for text in group:
            forms = _forms(text, org)
            if forms:
                names.append((text, kind, forms))
    family = tuple(t for n in entry.family_names for f in analyse_name(n) for t in f.tokens)
    return CompiledEntry(
        id=entry.id,
        list_name=entry.list_name,
        entity_type=entry.entity_type,
        display_name=entry.primary_name,
        names=tuple(names),
        birth_dates=entry.birth_dates,
        countries=tuple(c for c in (country_code(c) for c in entry.countries) if c),
        sex=normalise_sex(entry.sex),
        identifiers=tuple(
            Identifier(i.kind, normalise_identifier(i.number), country_code(i.country))
            for i in entry.identifiers
        ),
        family_names=family,
    )


def compile_query(query: Query) -> CompiledQuery:
    query.validate()
    org = query.entity_type in {"organization", "vessel", "aircraft"}
    if query.entity_type == "unknown":
        # read the name both ways: as a person's (particles, abd- compounds) and as an organisation's
        names = tuple(
            (n, tuple(dict.fromkeys(_forms(n, False) + _forms(n, True)))) for n in query.all_names()
        )
    else:
        names = tuple((n, _forms(n, org)) for n in query.all_names())
    family = tuple(t for f in analyse_name(query.last_name) for t in f.tokens) if query.last_name else ()
    return CompiledQuery(
        query=query,
        names=tuple(n for n in names if n[1]),
        countries=tuple(c for c in (country_code(c) for c in query.countries) if c),
        sex=normalise_sex(query.sex),
        identifiers=tuple(
            Identifier(i.kind, normalise_identifier(i.number), country_code(i.country))
            for i in query.identifiers
        ),
        family_names=family,
    )


# --- tokens -------------------------------------------------------------------------------------------
def token_weight(token: str) -> float:
    if "|" in token:
        token = token.split("|", 1)[0]
    if token in PARTICLES:
        return 0.3
    if token in _LEGAL_VALUES:
        return 0.2
    if token in ORG_STOPWORDS:
        return 0.4
    if token in COMMON_TOKENS or (len(token) > 5 and _PATRONYMIC.search(token)):
        return 0.6
    if len(token) == 1:
        return 0.5
    return 1.0


def _budget(length: int) -> int:
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    if length <= 11:
        return 2
    return 3


_FOLDS = (("tsch", "ch"), ("sch", "sh"), ("w", "v"), ("ph", "f"), ("kh", "h"), ("dzh", "j"), ("zh", "j"),
          ("ou", "u"), ("ck", "k"), ("q", "k"), ("x", "ks"))  # fmt: skip


_HARD_C = re.compile(r"c(?![eiyh])")


@lru_cache(maxsize=65_536)
def spelling_fold(token: str) -> str:
    """German, French and English spellings of the same sounds folded together (Iwan/Ivan, Khasan/Hasan)."""
    for src, dst in _FOLDS:
        token = token.replace(src, dst)
    token = _HARD_C.sub("k", token)  # Eric/Erik, Carl/Karl: a c before a, o, u or a consonant is k
    return re.sub(r"(.)\1+", r"\1", token)


@lru_cache(maxsize=262_144)
def token_similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity of two romanised tokens in [0, 1] and the rule that gave it."""
    if a == b:
        return 1.0, "exact"
    if a.isdigit() or b.isdigit():
        return 0.0, "number"
    if len(a) == 1 or len(b) == 1:
        if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
            return INITIAL, "initial"
        return 0.0, "initial"
    ga, gb = SYNONYMS.get(a), SYNONYMS.get(b)
    if ga is not None and gb is not None and ga & gb:
        return 0.9, "variant"
    if len(a) >= 3 and len(b) >= 3 and vowel_key(a) == vowel_key(b):
        # same consonants, other vowels (Omar/Umar); not when most letters differ (hello/holy: h*l*)
        if Indel.normalized_similarity(a, b) >= 0.5:
            fa, fb = spelling_fold(a), spelling_fold(b)
            # (y for i, Aly/Ali, or a y or w written in or left out, Gaye/Gae, is a spelling, not a vowel)
            if min(len(fa), len(fb)) <= SHORT_VOWELS_LEN and not _semivowel_spelling(fa, fb):
                if _syllables(fa) != _syllables(fb):
                    # one syllable against two, a y between vowels starting the second (Ning/Naying,
                    # Lin/Laying): another name, not another spelling of the same one
                    return 0.0, "syllables-differ"
                # one syllable that differs by its vowel is another name (Korean Mun/Man/Min, Chun/Chuan)
                return SHORT_VOWELS, "vowels-short"
            return 0.9, "vowels"
    fa, fb = spelling_fold(a), spelling_fold(b)
    if fa == fb:
        return 0.9, "spelling"
    if inflection_stem(a) == inflection_stem(b) and min(len(a), len(b)) >= 4:
        return 0.9, "inflection"
    ha, hb = hungarian_fold(a), hungarian_fold(b)
    if (ha != a or hb != b) and (ha == b or hb == a or ha == hb):
        return 0.9, "hungarian-spelling"
    if min(len(fa), len(fb)) >= 4 and (fa == fb + "i" or fb == fa + "i"):
        # the nisba ending makes another name (Rahimi is "of Rahim", Mohammadi, Jafari, Ibrahimi)
        return NISBA, "nisba"
    sa, sb = latin_skeleton(a), latin_skeleton(b)
    longest = max(len(a), len(b))
    budget = _budget(longest)
    if budget:
        d = min(OSA.distance(a, b, score_cutoff=budget), OSA.distance(fa, fb, score_cutoff=budget))
        # letters in common are not enough: the consonants must agree too (Khalid is not Hamid)
        if d <= budget and Levenshtein.distance(sa, sb, score_cutoff=budget) <= (
            1 if longest <= 7 else budget
        ):
            return 1.0 - d / longest, "edit"
    if sa == sb and len(sa) >= 3:
        if len(sa) <= 3 and a[0] != b[0]:
            # three consonants in common, other letters and another first letter: Essabar/Sabri,
            # Ghafur/Jafari, Rahimi/Irhayyim (a slip keeps the first letter: Serej/Sergei)
            return SHORT_SKELETON_TOKEN, "skeleton-short"
        return 0.8, "skeleton"
    return 0.0, ""


_SYLLABLE_NUCLEUS = re.compile(r"[aeiou]+|y(?![aeiou])")


def _syllables(token: str) -> int:
    """Vowel groups of a romanised token, a y before a vowel counting as a consonant (na-ying: 2, ning: 1)."""
    return len(_SYLLABLE_NUCLEUS.findall(token))


def _semivowel_spelling(a: str, b: str) -> bool:
    """Equal once y is read as i and w as u, or once y and w are left out (Aly/Ali, Gaye/Gae, Kony/Koni)."""
    return a.translate(_SEMIVOWEL_AS_VOWEL) == b.translate(_SEMIVOWEL_AS_VOWEL) or a.translate(
        _SEMIVOWEL_DROPPED
    ) == b.translate(_SEMIVOWEL_DROPPED)


_SEMIVOWEL_AS_VOWEL = str.maketrans({"y": "i", "w": "u"})
_SEMIVOWEL_DROPPED = str.maketrans({"y": None, "w": None})
# A name and its nisba (the Arabic and Persian -i that makes a family name of a name): related, not equal.
NISBA = 0.7
# A vowel-only difference between parts of one syllable (three letters or fewer once spellings are folded).
SHORT_VOWELS_LEN = 4
SHORT_VOWELS = 0.7
# A Latin part that meets another by a consonant skeleton of three consonants or fewer only.
SHORT_SKELETON_TOKEN = 0.7
# An initial meets a name that starts with it ("V. V. Putin", "Путин В. В."): weaker than the name itself.
INITIAL = 0.75
# Case and nominative endings that Baltic and Slavic languages add to foreign names (Vladimiras Putinas,
# Vladimirs Putins, Putina Vladimira); stripped from both sides when the stems are long enough.
_INFLECTION = re.compile(r"(?<=[a-z]{3})(?:as|is|ys|us|s|a|u|e|om|em|ym|im|ov|ova|ovi)$")


@lru_cache(maxsize=65_536)
def inflection_stem(token: str) -> str:
    """The token without a Baltic or Slavic inflectional ending (putinas, putins, putina -> putin)."""
    return _INFLECTION.sub("", token)


_HUNGARIAN = (("dzs", "j"), ("gy", "d"), ("ty", "t"), ("ny", "n"), ("ly", "l"), ("sz", "s"), ("cs", "ch"),
              ("zs", "zh"))  # fmt: skip


@lru_cache(maxsize=65_536)
def hungarian_fold(token: str) -> str:
    """Hungarian transliteration of Slavic names read back (Vlagyimir -> vladimir, Putyin -> putin)."""
    for src, dst in _HUNGARIAN:
        token = token.replace(src, dst)
    return token


@lru_cache(maxsize=262_144)
def skeleton_similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity of two consonant skeletons (for names from unvocalised scripts); ``x|y`` offers two."""
    if "|" in a or "|" in b:
        return max(
            (_skeleton_similarity(x, y) for x in a.split("|") for y in b.split("|")), key=lambda r: r[0]
        )
    return _skeleton_similarity(a, b)


# The consonant skeletons of very frequent name parts (mhmd, hmd, hsn, bd ...): in names read from Arabic or
# Hebrew letters a match on them says as little as on the romanised parts (see token_weight).
# Din and Allah (الدين, الله) also stand as parts of their own in the forms that do not join them.
_COMMON_SKELETONS = frozenset(k for k in (latin_skeleton(t) for t in COMMON_TOKENS) if len(k) >= 2) | {"dn", "lh"}


def skeleton_weight(token: str) -> float:
    """Weight of a consonant-skeleton token (``x|y`` weighed by its first reading)."""
    t = token.split("|", 1)[0].lstrip(VOWEL_START)
    if t in _COMMON_SKELETONS:
        return 0.6
    if len(t) == 1:
        return 0.5
    return 1.0


def _skeleton_similarity(a: str, b: str) -> tuple[float, str]:
    ma, mb = a.startswith(VOWEL_START), b.startswith(VOWEL_START)
    if ma or mb:
        s, how = _skeleton_similarity(a.lstrip(VOWEL_START), b.lstrip(VOWEL_START))
        if ma != mb and s > 0:
            return s * INITIAL_VOWEL_DIFFERS, how + "-initial-vowel-differs"
        return s, how
    if not a or not b:
        return 0.0, ""
    if len(a) > 3 and a[0] == "l" and a[1:] == b or len(b) > 3 and b[0] == "l" and b[1:] == a:
        return 0.9, "skeleton-article"  # el-/al- written onto the name: "Elsseid"
    for x, y in ((a, b), (b, a)):
        # ben / bin / ben al- written onto the name (بنحسين, Binalshibh): the name after it
        for prefix in ("bnl", "bn"):
            if x.startswith(prefix) and len(x) - len(prefix) >= 2 and x[len(prefix) :] == y:
                return 0.9, "skeleton-ben"
    if a == b:
        return 1.0, "skeleton"
    longest = max(len(a), len(b))
    budget = 0 if longest <= 3 else 1 if longest <= 7 else 2
    if budget:
        d = Levenshtein.distance(a, b, score_cutoff=budget)
        if d <= budget:
            return 1.0 - d / (longest + 1), "skeleton-edit"
    return 0.0, ""


# One part starts with a vowel (Ahmad, احمد), the other with a consonant (Hamid, حامد): the same consonants
# in another name.
INITIAL_VOWEL_DIFFERS = 0.8
# Skeleton-only matches with few consonants in common are weak: under SHORT_SKELETON_ENOUGH consonants (in
# parts of two or more) the factor is base + step x consonants: 2 count 0.82, 3 count 0.88.
SHORT_SKELETON_BASE = 0.7
SHORT_SKELETON_STEP = 0.06
SHORT_SKELETON_ENOUGH = 4
# What tokens left unmatched cost, in units of their weight: a query word the entry lacks speaks against
# the match more than an entry word the query leaves out (an extra middle name, "Group for the ...").
UNMATCHED_QUERY = 1.25
UNMATCHED_ENTRY = 0.5
# Near misses: the closest still-unmatched token pairs (letters in common at least NEAR_FLOOR) get partial
# credit, up to NEAR_CREDIT of a match, so that a near token (iap~ian) counts more than an unrelated one.
NEAR_CREDIT = 0.5
# two parts whose boundary moved but whose letters are the same, in the same order
BOUNDARY_MOVED = 0.9
NEAR_FLOOR = 0.4


@dataclass(slots=True)
class _Alignment:
    score: float
    pairs: list[tuple[str, str, float, str]]


def _align(qt: Sequence[str], ct: Sequence[str], skeleton_mode: bool) -> _Alignment:
    """Order-free greedy alignment of two token lists (see the module docstring)."""
    sim = skeleton_similarity if skeleton_mode else token_similarity
    weight = skeleton_weight if skeleton_mode else token_weight
    qw = [weight(t) for t in qt]
    cw = [weight(t) for t in ct]
    # candidates: (similarity, tie-break, query indices, entry indices, how); single tokens first on a tie
    cands: list[tuple[float, int, tuple[int, ...], tuple[int, ...], str]] = []
    for i, a in enumerate(qt):
        for j, b in enumerate(ct):
            s, how = sim(a, b)
            if s > 0:
                cands.append((s, 0, (i,), (j,), how))
    # tokens written together on one side ("ramimakhlouf" / "rami makhlouf", آخوند زاده / Akhunzada): the
    # joined pair competes with the single tokens, so that knd+zd~knzd is not lost to knd~knzd
    for left, right, flip in ((qt, ct, False), (ct, qt, True)):
        for i, a in enumerate(left):
            if len(a) < (3 if skeleton_mode else 5):
                continue
            for j in range(len(right) - 1):
                if not skeleton_mode and not (_joinable(right[j]) and _joinable(right[j + 1])):
                    continue  # "jafar il" is not "jafari", nor "taha al" "lahal": parts too short to join
                s, how = sim(a, right[j].split("|")[0] + _bare(right[j + 1]))
                if s >= (JOINED_SKELETONS_FLOOR if skeleton_mode else JOINED_TOKENS_FLOOR):
                    cands.append((s, 1, (j, j + 1), (i,), "joined") if flip else (s, 1, (i,), (j, j + 1), "joined"))
    cands.sort(key=lambda x: (-x[0], x[1], x[2], x[3]))
    qm: dict[int, float] = {}
    cm: dict[int, float] = {}
    pairs: list[tuple[str, str, float, str]] = []
    # a word boundary that moved ("myongc hin" / "myong chin"): two adjacent parts equal when joined
    for i in range(len(qt) - 1):
        if i in qm or i + 1 in qm:
            continue
        qjoined = _bare(qt[i]) + _bare(qt[i + 1])
        for j in range(len(ct) - 1):
            if j in cm or j + 1 in cm or qjoined != _bare(ct[j]) + _bare(ct[j + 1]):
                continue
            if len(_bare(qt[i])) == len(_bare(ct[j])):
                continue  # the same parts, not a moved boundary
            qm[i] = qm[i + 1] = cm[j] = cm[j + 1] = BOUNDARY_MOVED
            pairs.append((qt[i] + " " + qt[i + 1], ct[j] + " " + ct[j + 1], BOUNDARY_MOVED, "boundary-moved"))
            break
    for s, _, qi, cj, how in cands:
        if any(i in qm for i in qi) or any(j in cm for j in cj):
            continue
        for i in qi:
            qm[i] = s
        for j in cj:
            cm[j] = s
        pairs.append((" ".join(qt[i] for i in qi), " ".join(ct[j] for j in cj), s, how))
    matched = sum(qm[i] * qw[i] for i in qm) + sum(cm[j] * cw[j] for j in cm)
    # near misses: the closest unmatched pairs get partial credit (iap~ian is nearer than unrelated tokens)
    near = _near_pairs(qt, ct, qm, cm, skeleton_mode)
    for i, j, p in near:
        matched += NEAR_CREDIT * p * (qw[i] + cw[j])
        pairs.append((qt[i], ct[j], NEAR_CREDIT * p, "near"))
    total_q = sum(qw[i] for i in qm) + UNMATCHED_QUERY * sum(qw[i] for i in range(len(qt)) if i not in qm)
    total_c = sum(cw[j] for j in cm) + UNMATCHED_ENTRY * sum(cw[j] for j in range(len(ct)) if j not in cm)
    if total_q + total_c <= 0:
        return _Alignment(0.0, pairs)
    score = min(1.0, matched / (total_q + total_c))
    # a name part on each side that the other lacks (a different family name, another given name: Saif
    # al-Islam Ghedeir / Saif al-Islam Ghadaffi) says "another person", not just "a part left out"
    # (a near pair whose letters mostly differ, arif~maruf, is such a conflict; hol~chol is a misspelling)
    close_q = {i for i, _, p in near if p >= CONFLICT_NEAR_BELOW}
    close_c = {j for _, j, p in near if p >= CONFLICT_NEAR_BELOW}
    # (so is a pair matched only weakly: Essabar~Sabri by three consonants, Min~Mun by one syllable)
    q_left = [qt[i] for i in range(len(qt)) if qm.get(i, 0.0) < CONFLICT_MATCH_BELOW and i not in close_q
              and _substantive(qt[i])]  # fmt: skip
    c_left = [ct[j] for j in range(len(ct)) if cm.get(j, 0.0) < CONFLICT_MATCH_BELOW and j not in close_c
              and _substantive(ct[j])]  # fmt: skip
    if qm and q_left and c_left:
        score *= CONFLICTING_PARTS
        pairs.append((" ".join(q_left), " ".join(c_left), CONFLICTING_PARTS, "conflicting-parts"))
    q_nums = {t for i, t in enumerate(qt) if t.isdigit() and i not in qm}
    c_nums = {t for j, t in enumerate(ct) if t.isdigit() and j not in cm}
    if q_nums and c_nums:
        score *= 0.6
        pairs.append((" ".join(sorted(q_nums)), " ".join(sorted(c_nums)), 0.0, "number-mismatch"))
    return _Alignment(score, pairs)


# Romanised parts written together on one side meet two on the other only when each part is a name of three
# letters or more (not a particle) and the joined letters agree closely (not by consonant skeleton alone).
JOINED_TOKENS_FLOOR = 0.85
# Skeletons joined: equal, or one edit in five consonants or more (knd+zd~knzd 0.83; sdn~sf+dn, 0.8, is
# Saad al-Din against Saif al-Din).
JOINED_SKELETONS_FLOOR = 0.82


def _joinable(token: str) -> bool:
    t = token.split("|", 1)[0]
    return len(t) >= 3 and t not in PARTICLES


# Factor on the name score when each side has a name part that the other lacks (see _align).
CONFLICTING_PARTS = 0.9
CONFLICT_NEAR_BELOW = 0.5
CONFLICT_MATCH_BELOW = 0.75


def _bare(token: str) -> str:
    """A token's first reading without the vowel-start mark (for joining and comparing letters)."""
    return token.split("|", 1)[0].lstrip(VOWEL_START)


def _substantive(token: str) -> bool:
    """A name part that identifies: not a particle, a number or an initial."""
    t = token.split("|", 1)[0].lstrip(VOWEL_START)
    return len(t) >= 2 and t not in PARTICLES and not t.isdigit()


@lru_cache(maxsize=262_144)
def _near_similarity(a: str, b: str) -> float:
    """Letters in common (indel similarity), raised by a common prefix of up to 4 letters as in
    Jaro-Winkler: slips are rarer at the start of a name (iap~ian is nearer than tian~ian)."""
    p = Indel.normalized_similarity(a, b)
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return p + 0.1 * prefix * (1.0 - p)


def _near_pairs(
    qt: Sequence[str], ct: Sequence[str], qm: dict[int, float], cm: dict[int, float], skeleton_mode: bool
) -> list[tuple[int, int, float]]:
    """Greedy pairs of still unmatched tokens (numbers excepted) by :func:`_near_similarity` of at least
    ``NEAR_FLOOR``; each with its credit scaled to [0, 1] above the floor."""
    # particles are not near anything (ali~al): they are weighed low and say nothing about the person
    qi = [i for i in range(len(qt)) if i not in qm and not qt[i].isdigit() and qt[i] not in PARTICLES]
    cj = [j for j in range(len(ct)) if j not in cm and not ct[j].isdigit() and ct[j] not in PARTICLES]
    if not qi or not cj:
        return []
    cands = []
    for i in qi:
        a = _bare(qt[i])
        for j in cj:
            p = _near_similarity(a, _bare(ct[j]))
            if p >= NEAR_FLOOR:
                cands.append((p, i, j))
    cands.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_q: set[int] = set()
    used_c: set[int] = set()
    out = []
    for p, i, j in cands:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        out.append((i, j, (p - NEAR_FLOOR) / (1.0 - NEAR_FLOOR)))
    return out


def _skeleton_tokens(form: CompiledForm) -> list[str]:
    """Skeleton tokens of a form; a romanised token offers its digraph-free skeleton too ("a|b")."""
    tokens, skeleton, unvocalised, _ = form
    out = []
    for t, s in zip(tokens, skeleton, strict=True):
        if not s:
            continue
        plain = s if unvocalised else plain_skeleton(t)
        # a part that starts with a vowel is marked (Ahmad, احمد); Hamid and حامد are not
        # (an organisation's word translated from Arabic is a Latin word in an unvocalised form)
        vowel = t.startswith(VOWEL_START) or ((not unvocalised or t != s) and t[0] in "aeiou")
        mark = VOWEL_START if vowel else ""
        out.append(mark + s if plain == s or not plain else f"{mark}{s}|{mark}{plain}")
    return out


_SCHEME_LABELS = {
    "icao": "transliterated by ICAO Doc 9303",
    "anyascii": "transliterated",
    "elot": "romanised from Greek (ELOT 743)",
    "greek-foreign": "romanised from Greek as a foreign name (χ as h, τζ as j, ου/ι before a vowel as w/y)",
    "cyrillic-foreign": "romanised from Cyrillic as a foreign name (х as h, дж as j, у before a vowel as w)",
    "cjk-split": "romanised from Chinese characters (pinyin)",
    "cjk-syllables": "romanised from Chinese characters (pinyin syllables)",
    "korean-0": "romanised from Korean (Revised Romanisation)",
    "korean-1": "romanised from Korean (Revised Romanisation)",
    "korean-2": "romanised from Korean (McCune-Reischauer)",
    "korean-3": "romanised from Korean (McCune-Reischauer)",
    "skeleton": "consonants read from Arabic or Hebrew letters",
    "loanword": "foreign name read from kana, Chinese characters or Hangul by consonant classes",
}


def describe_scheme(scheme: str) -> str:
    """Words for the explanation: how a name form was read ("" for a Latin name read as written)."""
    base, _, rest = scheme.partition(" (")
    label = _SCHEME_LABELS.get(base, "")
    extra = rest.rstrip(")")
    return ", ".join(x for x in (label, extra) if x)


def _with_schemes(mode: str, q: CompiledForm, c: CompiledForm) -> str:
    parts = [f"{side} {text}" for side, text in (("query", describe_scheme(q[3])), ("entry", describe_scheme(c[3])))
             if text]  # fmt: skip
    return f"{mode} [{'; '.join(parts)}]" if parts else mode


def _compare_forms(q: CompiledForm, c: CompiledForm) -> tuple[float, list[tuple[str, str, float, str]], str]:
    score, pairs, mode = _compare_forms_plain(q, c)
    return score, pairs, _with_schemes(mode, q, c)


def _compare_forms_plain(
    q: CompiledForm, c: CompiledForm
) -> tuple[float, list[tuple[str, str, float, str]], str]:
    qt, qs, qunv, qscheme = q
    ct, cs, cunv, cscheme = c
    if qscheme == "loanword" or cscheme == "loanword":
        return _compare_loanword(q, c)
    if qunv or cunv:
        a = _align(_skeleton_tokens(q), _skeleton_tokens(c), True)
        # a romanised name that meets an unvocalised one by a skeleton of few consonants (l + jn for "Liu
        # Jian" ~ ولی جان) matches too many names to count fully
        # (a one-consonant part such as l for Liu/Wali says next to nothing and is not counted)
        # (a joined pair "b S" counts its consonants, not the space between them)
        letters = sum(
            len(x.split("|")[0].replace(" ", "").replace(VOWEL_START, ""))
            for x, _, v, how in a.pairs
            if v >= 0.8 and how != "near" and len(x.split("|")[0].replace(" ", "").replace(VOWEL_START, "")) > 1
        )
        factor = (
            1.0 if letters >= SHORT_SKELETON_ENOUGH else SHORT_SKELETON_BASE + SHORT_SKELETON_STEP * letters
        )
        if qunv and cunv:
            factor = 1.0  # both written without vowels: the same letters, not a guess at a romanisation
        if factor < 1.0:
            a.pairs.append((str(letters), "consonants", factor, "short-skeleton"))
        return 0.95 * factor * a.score, a.pairs, "skeleton"
    a = _align(qt, ct, False)
    ratio = token_sort_ratio(" ".join(qt), " ".join(ct)) / 100.0
    return 0.95 * a.score + 0.05 * ratio, a.pairs, "tokens"


def _coarse_tokens(form: CompiledForm) -> list[str] | None:
    tokens, _, unvocalised, scheme = form
    if scheme == "loanword":
        return list(tokens)
    if unvocalised:
        return None  # an Arabic or Hebrew skeleton has no vowels to classify: not comparable this way
    return [k for k in (coarse_key(t) for t in tokens if t not in PARTICLES) if k]


def _compare_loanword(
    q: CompiledForm, c: CompiledForm
) -> tuple[float, list[tuple[str, str, float, str]], str]:
    """A foreign name written in CJK or Hangul against a Latin one, by consonant classes (capped at 0.9:
    the classes merge sounds that Latin spellings keep apart)."""
    qk, ck = _coarse_tokens(q), _coarse_tokens(c)
    if not qk or not ck:
        return 0.0, [], "loanword"
    a = _align(qk, ck, True)
    letters = sum(len(x) for x, _, v, how in a.pairs if v >= 0.8 and how != "near")
    factor = min(1.0, LOANWORD_BASE + SHORT_SKELETON_STEP * letters)
    if factor < 1.0:
        a.pairs.append((str(letters), "consonant classes", factor, "short-skeleton"))
    return LOANWORD_CAP * factor * a.score, a.pairs, "loanword"


# Consonant classes say less than consonants: a loanword match needs about nine classes in common to
# count fully (John Smith, five, counts 0.8: ジョン・スミス meets Jan Schmidt just as well).
LOANWORD_CAP = 0.9
LOANWORD_BASE = 0.46


def name_similarity(
    qforms: Sequence[CompiledForm], cforms: Sequence[CompiledForm]
) -> tuple[float, list[tuple[str, str, float, str]], str]:
    """Best similarity over all pairs of forms, with the token pairs and the mode that gave it."""
    best: tuple[float, list[tuple[str, str, float, str]], str] = (0.0, [], "")
    for q in qforms:
        for c in cforms:
            r = _compare_forms(q, c)
            if r[0] > best[0]:
                best = r
    return best


# --- qualifiers ---------------------------------------------------------------------------------------
# How much a contradicting birth date removes from the name evidence: a clear contradiction (years at
# least two apart, three when a side gives only the year) is strong evidence of another person; a date
# within a year or so that is not a known slip only a little (a typing slip, a list's uncertain date).
DATE_CONTRADICTS = 0.3
DATE_DIFFERS = 0.15
# nationalities that share no country: people hold several, and lists do not always know them all
COUNTRY_DIFFERS = 0.2


def _day_number(d: DateSpec) -> int | None:
    if d.month is None or d.day is None or d.year_to is not None:
        return None
    try:
        return _dt.date(d.year, d.month, d.day).toordinal()
    except ValueError:
        return None


def compare_dates(q: DateSpec, e: DateSpec) -> tuple[str, float]:
    """Outcome of comparing two birth dates: (kind, strength). A positive strength supports (the share of
    the remaining gap to 1 it closes), a negative one contradicts (the share of the evidence it removes)."""
    q_lo, q_hi = q.year, q.year_to if q.year_to is not None else q.year
    e_lo, e_hi = e.year, e.year_to if e.year_to is not None else e.year
    qn, en = _day_number(q), _day_number(e)
    if qn is not None and en is not None:
        if qn == en:
            return "exact", 0.5
        if q.year == e.year and q.month == e.day and q.day == e.month:
            return "day-month-swapped", 0.25
        if abs(q.year - e.year) == 1 and (q.month, q.day) == (e.month, e.day):
            return "year-off-by-one", 0.1
        if abs(qn - en) <= 31:
            return "within-a-month", 0.0  # a day or a month slipped: neither for nor against
        if abs(q.year - e.year) <= 1 or abs(qn - en) <= 400:
            return "differs", -DATE_DIFFERS
        return "mismatch", -DATE_CONTRADICTS
    if q_lo <= e_hi and e_lo <= q_hi:
        if q.month is not None and e.month is not None and q.year_to is None and e.year_to is None:
            if q.month != e.month and not (q.day == e.month or e.day == q.month):
                return "differs", -DATE_DIFFERS
            return "month", 0.3
        ranged = q.year_to is not None or e.year_to is not None
        return ("within-range", 0.15) if ranged else ("year", 0.2)
    gap = max(q_lo - e_hi, e_lo - q_hi)
    if gap == 1:
        return "year-off-by-one", 0.05
    if (q.approximate or e.approximate) and gap == 2:
        return "approximate", 0.0
    if gap == 2 or (gap == 3 and (q.approximate or e.approximate)):
        return "differs", -DATE_DIFFERS  # a side without the full date: its year is often uncertain
    return "mismatch", -DATE_CONTRADICTS


def _best_date(qd: Sequence[DateSpec], ed: Sequence[DateSpec]) -> tuple[str, float, str, str]:
    best = ("", -2.0, "", "")
    for q in qd:
        for e in ed:
            kind, s = compare_dates(q, e)
            if s > best[1]:
                best = (kind, s, str(q), str(e))
    return best


# --- the whole comparison -----------------------------------------------------------------------------
def _name_feature(
    cq: CompiledQuery, ce: CompiledEntry, config: ScoringConfig
) -> tuple[float, Feature | None, str]:
    best_s = 0.0
    best: Feature | None = None
    matched_name = ce.display_name
    for qtext, qforms in cq.names:
        for text, kind, cforms in ce.names:
            if kind != PRIMARY and not config.match_aliases:
                continue
            s, pairs, mode = name_similarity(qforms, cforms)
            factor = config.weak_alias_factor if kind == WEAK else 1.0
            s *= factor
            if s > best_s:
                best_s = s
                matched_name = text
                detail = "; ".join(f"{a}~{b} {how} {v:.2f}" for a, b, v, how in pairs)
                if kind == WEAK:
                    detail += "; low-quality alias"
                best = Feature("name", qtext, text, s, 0.0, f"{mode}: {detail}")
    return best_s, best, matched_name


def score_compiled(
    cq: CompiledQuery, ce: CompiledEntry, config: ScoringConfig
) -> tuple[float, Explanation, str]:
    """Score one entry for one query; returns (score, explanation, the entry name that matched best)."""
    features: list[Feature] = []
    qt, et = cq.query.entity_type, ce.entity_type
    if qt != "unknown" and et != "unknown" and qt != et:
        feat = Feature("entity_type", qt, et, 0.0, 0.0, "entity types differ: not comparable")
        return 0.0, Explanation(ALGORITHM, VERSION, 0.0, (feat,)), ce.display_name
    s, name_feat, matched = _name_feature(cq, ce, config)
    if cq.family_names and ce.family_names:
        fam = max((token_similarity(a, b)[0] for a in cq.family_names for b in ce.family_names), default=0.0)
        if fam < 0.8:
            s *= 0.5
            features.append(
                Feature(
                    "family_name",
                    " ".join(cq.family_names),
                    " ".join(ce.family_names),
                    fam,
                    0.0,
                    "family names disagree: name score halved",
                )  # fmt: skip
            )
    part = config.name_weight * s
    if name_feat is not None:
        features.insert(0, Feature(name_feat.name, name_feat.query_value, name_feat.entry_value,
                                   name_feat.similarity, part, name_feat.detail))  # fmt: skip

    def support(strength: float) -> None:
        nonlocal part
        part += (1.0 - part) * strength

    if cq.query.birth_dates and ce.birth_dates:
        kind, strength, qv, ev = _best_date(cq.query.birth_dates, ce.birth_dates)
        before = part
        if strength < 0:
            part *= 1.0 + strength
        else:
            support(strength)
        features.append(Feature("birth_date", qv, ev, max(strength, 0.0), part - before, kind))
    if cq.countries and ce.countries:
        before = part
        common = set(cq.countries) & set(ce.countries)
        if common:
            support(0.1)
        else:
            part *= 1.0 - COUNTRY_DIFFERS
        features.append(
            Feature(
                "country",
                ",".join(cq.countries),
                ",".join(ce.countries),
                1.0 if common else 0.0,
                part - before,
                "match" if common else "mismatch",
            )  # fmt: skip
        )
    if cq.sex and ce.sex:
        before = part
        if cq.sex != ce.sex:
            part *= 0.85
        features.append(
            Feature(
                "sex",
                cq.sex,
                ce.sex,
                float(cq.sex == ce.sex),
                part - before,
                "match" if cq.sex == ce.sex else "mismatch",
            )  # fmt: skip
        )
    score = part
    id_feat = _identifier_feature(cq.identifiers, ce.identifiers)
    if id_feat is not None:
        strength = id_feat.similarity
        score = 1.0 - (1.0 - part) * (1.0 - strength)
        features.append(Feature(id_feat.name, id_feat.query_value, id_feat.entry_value, strength,
                                score - part, id_feat.detail))  # fmt: skip
    score = max(0.0, min(1.0, score))
    return score, Explanation(ALGORITHM, VERSION, score, tuple(features)), matched


def _identifier_feature(qids: Sequence[Identifier], eids: Sequence[Identifier]) -> Feature | None:
    best: Feature | None = None
    for q in qids:
        for e in eids:
            if not q.number or not e.number:
                continue
            strength, how = 0.0, ""
            if q.number == e.number:
                if q.country and e.country and q.country != e.country:
                    strength, how = 0.5, "same number, different issuing country"
                else:
                    strength, how = 0.9, "exact"
            elif confusable_key(q.number) == confusable_key(e.number) and len(q.number) >= 5:
                strength, how = 0.7, "equal up to look-alike characters"
            elif min(len(q.number), len(e.number)) >= 8 and (
                q.number.startswith(e.number) or e.number.startswith(q.number)
            ):
                strength, how = 0.75, "one number is the other's prefix (e.g. BIC and its branch)"
            if strength and (best is None or strength > best.similarity):
                best = Feature(
                    "identifier", f"{q.kind}:{q.number}", f"{e.kind}:{e.number}", strength, 0.0, how
                )
    return best


def compare(query: Query, entry: WatchlistEntry, config: ScoringConfig | None = None) -> Explanation:
    """Score ``entry`` for ``query`` without an index (for tests, the API's ad-hoc checks and audits)."""
    cfg = config or ScoringConfig()
    _, explanation, _ = score_compiled(compile_query(query), compile_entry(entry), cfg)
    return explanation


__all__ += [
    "name_similarity",
    "token_similarity",
    "compare_dates",
    "normalise_sex",
    "PRIMARY",
    "ALIAS",
    "WEAK",
]
