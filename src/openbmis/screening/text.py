"""Name text: Unicode folding, script detection, transliteration and name analysis.

A written name becomes one or more :class:`NameForm` objects, one per romanisation: lower-case ASCII tokens
with titles removed, legal forms and number words made canonical, Arabic particles and ``abd``/``abu``
compounds handled, plus a consonant skeleton of each token for comparing unvocalised spellings (Arabic,
Persian, Hebrew script and their loose romanisations).

Transliteration uses ``anyascii`` (ISC) for every script, with small tables of our own where conventions
differ: ICAO Doc 9303 Part 3 section 6 (Latin diacritics expanded, Cyrillic), ELOT 743 style Greek, a
consonant table for Arabic-script letters, and syllable splitting for Chinese and Korean.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

__all__ = [
    "NameForm",
    "analyse_name",
    "coarse_key",
    "fold",
    "latin_skeleton",
    "plain_skeleton",
    "romanisations",
    "scripts_of",
    "vowel_key",
]

# Scripts whose usual spelling leaves short vowels out: comparisons rely on consonant skeletons.
ABJADS = frozenset({"ARABIC", "HEBREW", "SYRIAC", "THAANA", "DEVANAGARI", "BENGALI", "GURMUKHI", "THAI"})


def fold(text: str) -> str:
    """NFKC-normalise, case-fold and collapse white space.

    >>> fold("  ÖMER   ÇELIK ")
    'ömer çelik'
    >>> fold("ＭＵＬＬＥＲ")  # full-width letters, as some keyboards and PDFs give them
    'muller'
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@lru_cache(maxsize=4096)
def _script_of_char(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return ""
    first = name.split(" ", 1)[0]
    if first in {"CJK", "HIRAGANA", "KATAKANA"}:
        return "CJK" if first == "CJK" else "KANA"
    if first == "HANGUL":
        return "HANGUL"
    if first in {"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "DEVANAGARI", "THAI", "SYRIAC", "THAANA"}:
        return first
    if first in {"BENGALI", "GURMUKHI", "GEORGIAN", "ARMENIAN"}:
        return first
    return "OTHER"


def scripts_of(text: str) -> frozenset[str]:
    """The scripts of the letters in ``text`` (``LATIN``, ``CYRILLIC``, ``ARABIC``, ``CJK``, ...)."""
    return frozenset(_script_of_char(ch) for ch in text if ch.isalpha())


# ICAO Doc 9303 Part 3, section 6: recommended transliterations that differ from stripping diacritics.
_ICAO_LATIN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "æ": "ae", "ø": "oe", "þ": "th", "ß": "ss", "ĳ": "ij"}
)
# ICAO Doc 9303 Part 3, section 6, table B (Cyrillic), lower case.
_ICAO_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "ie",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "iu",
        "я": "ia",
        "і": "i",
        "ї": "i",
        "є": "ie",
        "ґ": "g",
        "ў": "u",
        "ј": "j",
        "љ": "lj",
        "њ": "nj",
        "џ": "dz",
        "ђ": "d",
        "ћ": "c",
        "ѓ": "g",
        "ќ": "k",
        "ѕ": "dz",
    }  # fmt: skip
)
# Greek as Greek passports write it (ELOT 743 style): digraphs first, then letters.
_GREEK_DIGRAPHS = (("ου", "ou"), ("αι", "ai"), ("ει", "ei"), ("οι", "oi"), ("μπ", "b"), ("ντ", "d"),
                   ("γγ", "ng"), ("γκ", "g"), ("αυ", "av"), ("ευ", "ev"))  # fmt: skip
_GREEK = str.maketrans(
    {
        "α": "a",
        "β": "v",
        "γ": "g",
        "δ": "d",
        "ε": "e",
        "ζ": "z",
        "η": "i",
        "θ": "th",
        "ι": "i",
        "κ": "k",
        "λ": "l",
        "μ": "m",
        "ν": "n",
        "ξ": "x",
        "ο": "o",
        "π": "p",
        "ρ": "r",
        "σ": "s",
        "ς": "s",
        "τ": "t",
        "υ": "y",
        "φ": "f",
        "χ": "ch",
        "ψ": "ps",
        "ω": "o",
    }  # fmt: skip
)
# Arabic-script letters (Arabic, Persian, Urdu, Pashto) to skeleton consonant classes; vowels, alef,
# ayn, hamza and the weak letters waw/ya (vowel or consonant) are dropped, as _latin_skeleton drops them.
_ARABIC_SKELETON = {
    "ب": "b", "پ": "b", "ت": "t", "ث": "t", "ٹ": "t", "ط": "t", "ج": "j", "چ": "S", "ح": "h", "خ": "k",
    "د": "d", "ذ": "z", "ڈ": "d", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "j", "س": "s", "ش": "S", "ص": "s",
    "ض": "d", "ظ": "z", "غ": "j", "ف": "f", "ق": "k", "ك": "k", "ک": "k", "گ": "j", "ل": "l", "م": "m",
    "ن": "n", "ں": "n", "ه": "h", "ھ": "h", "ۀ": "h", "ہ": "h",
    "ځ": "z", "څ": "s", "ږ": "j", "ښ": "S", "ټ": "t", "ډ": "d", "ړ": "r", "ڼ": "n",
}  # fmt: skip
# Letters romanised two ways (Arabic versus Persian/Urdu or Maghrebi usage): a second skeleton uses these.
# Persian and Pashto text often has the Arabic kaf where the name has gaf (كل for گل, Gul): read as g.
# Ta marbuta is pronounced t before a following noun (construct state: عصبة الأنصار, Asbat al-Ansar).
_ARABIC_ALTERNATIVES = ({"ض": "z", "ذ": "d", "ظ": "d", "ث": "s"}, {"ق": "j", "ظ": "t", "ذ": "t"},
                        {"ك": "j", "ک": "j"}, {"ة": "t"})
# Titles and honorifics written in Arabic script (qari, mullah, mawlawi, haji, sheikh, doctor).
_ARABIC_TITLES = frozenset(
    {"قاري", "ملا", "مولوي", "مولوی", "حاجي", "حاجی", "حجي", "حجی", "الحاج", "شيخ", "الشيخ", "مولانا", "الدكتور"}
)
_ARABIC_JOIN_PREVIOUS = frozenset({"الله", "الدين", "اللہ", "الدین"})
_HEBREW_SKELETON = {
    "ב": "b", "ג": "j", "ד": "d", "ה": "h", "ז": "z", "ח": "h", "ט": "t", "כ": "k", "ך": "k", "ל": "l",
    "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s", "פ": "f", "ף": "f", "צ": "s", "ץ": "s", "ק": "k",
    "ר": "r", "ש": "S", "ת": "t", "\x00": "f",
}  # fmt: skip
# Hebrew letters read two ways: pe is p or f (Putin, Yosef); bet without dagesh is v (Aviv).
_HEBREW_ALTERNATIVES = ({"פ": "b", "ף": "b"}, {"ב": "f"})
_ARABIC_ARTICLE = ("ال",)
_ARABIC_ABD = "عبد"

# Honorifics, ranks and titles: dropped from names before comparison.
TITLES = frozenset(
    """mr mrs ms miss mx dr doctor prof professor sir dame lord lady sheikh shaykh sheik shaikh cheikh mullah
    mulla mullah maulvi mawlawi maulana mawlana molvi haji hajji hadji hajj alhaj alhaji imam qari mufti
    colonel col general gen lieutenant lt captain capt major maj brigadier brig commander cmdr
    admiral adm sergeant sgt judge engineer eng rev reverend father fr bishop ayatollah hojatoleslam
    hojjatoleslam president minister senator ambassador""".split()
)


def _load_titles() -> frozenset[str]:
    text = resources.files("openbmis.screening").joinpath("data/titles.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(line.split(":", 1)[1].split())
    return frozenset(words)


# Titles of persons in many languages (data/titles.txt, with its source): dropped from persons' names only,
# since an organisation's name may hold such words ("President Hotel"); TITLES still applies to both.
PERSON_TITLES = TITLES | _load_titles()
# Titles written in CJK or Hangul, often straight after the name with no space (習近平主席, 安倍さん, 김정은 위원장).
_CJK_TITLES = ("先生", "女士", "小姐", "主席", "总统", "總統", "总理", "總理", "部长", "部長", "将军", "將軍",
               "同志", "委员长", "委員長", "大統領", "首相", "さん", "さま", "様", "氏", "씨", "님", "대통령",
               "위원장", "동지", "장관", "장군")  # fmt: skip
# Arabic particles and nasab words: kept for display, weighted low, dropped from skeleton keys.
PARTICLES = frozenset(
    """al el ul ad ar as at az an ash adh bin ibn ben bint binti bte bn b binte ould wuld ait da de di
    del della der den van von le la du dos das do y ter""".split()
)
_ABD_FORMS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdur", "abdus", "abdu", "abdou", "abdoul", "abdi"})
_ABD_PREFIX = re.compile(r"^abd(?:ul|el|al|ol|ur|ar|us|as|ud|ad|un|an|ush|ash|oul|our|ou|u)?(?=[a-z]{3,})")

# Legal forms of organisations, made canonical so that "OAO" meets "Open Joint Stock Company".
_LEGAL_PHRASES = (
    ("public joint stock company", "jsc"), ("open joint stock company", "jsc"),
    ("closed joint stock company", "jsc"), ("joint stock company", "jsc"),
    ("limited liability company", "llc"), ("limited liability partnership", "llp"),
    ("sp z o o", "spzoo"), ("s de rl de cv", "sa"), ("s a de c v", "sa"), ("sa de cv", "sa"),
    ("public limited company", "plc"), ("private limited", "ltd"), ("pty ltd", "ltd"),
    ("societe anonyme", "sa"), ("sociedad anonima", "sa"), ("s a", "sa"), ("s r l", "srl"),
    ("co ltd", "ltd"), ("company limited", "ltd"), ("aktiengesellschaft", "ag"),
)  # fmt: skip
LEGAL_FORMS = {
    "jsc": "jsc", "ojsc": "jsc", "pjsc": "jsc", "cjsc": "jsc", "oao": "jsc", "zao": "jsc", "pao": "jsc",
    "ao": "jsc", "oaa": "jsc", "llc": "llc", "ooo": "llc", "tov": "llc", "too": "llc", "ltd": "ltd",
    "limited": "ltd", "inc": "inc", "incorporated": "inc", "corp": "corp", "corporation": "corp",
    "co": "co", "company": "co", "gmbh": "gmbh", "ag": "ag", "plc": "plc", "sa": "sa", "sarl": "sarl",
    "srl": "srl", "spa": "spa", "bv": "bv", "nv": "nv", "llp": "llp", "lp": "lp", "spzoo": "spzoo",
    "fze": "fze", "fzco": "fzco", "fzc": "fzc", "pte": "pte", "pvt": "pvt", "bhd": "bhd", "sdn": "sdn",
    "kg": "kg", "ab": "ab", "as": "as", "oy": "oy",
}  # fmt: skip
# Frequent words in organisation names: matched, but they say little.
ORG_STOPWORDS = frozenset(
    """the of and for a an bank group trading international holding holdings industries industrial
    services service enterprise enterprises company organization organisation front movement
    network foundation association""".split()
)
# Very frequent given names and name parts: a match on them alone is weak evidence.
COMMON_TOKENS = frozenset(
    """muhammad ahmad ali hassan hussein husain abdullah abd abu mahmoud omar umar khan john maria jose
    juan david michael james robert mary anna elena ivan sergei alexander wang li zhang liu chen yang
    kim lee park nguyen tran singh kumar devi garcia rodriguez smith johnson ibrahim ismail yusuf
    mustafa khalid salim said saeed""".split()
)
# Spelling groups: a token meets another of its group as a known variant (nicknames, transcriptions).
_SYNONYM_GROUPS = (
    "muhammad mohammed mohammad mohamed mohamad muhammed muhamad mohd mohamud mehmet mehmed mohammod mahomed",
    "ahmad ahmed ahmet achmed akhmed",
    "husain hussein hussain husayn hossein huseyin husein",
    "hassan hasan hasson",
    "yusuf yousef youssef yousuf yosef joseph josef jusuf",
    "ibrahim ebrahim ibragim abraham",
    "omar umar omer",
    "osman uthman othman usman",
    "abdullah abdallah abdulla abdalla",
    "theodore ted teddy",
    "edward ted ed eddie",
    "william bill will billy",
    "robert bob bobby rob",
    "richard dick rick",
    "james jim jimmy",
    "michael mike",
    "alexander alex sasha aleksandr alexandr",
    "aleksei alexei alexey aleksey",
    "dmitry dmitri dmitriy dimitri",
    "sergei sergey serguei",
    "yuri yury yuriy iouri",
    "john jon johnny jack",
    "elizabeth liz beth betty",
    "margaret peggy maggie",
    "katherine catherine kate katie",
    "nicholas nicolas nick nikolai nikolay",
    "thomas tom tommy",
    "charles charlie chuck",
    "anthony tony",
    "joseph joe",
    "francis frank",
    "steven stephen steve",
    # Korean surnames: Revised Romanisation, McCune-Reischauer and the spellings families use in passports
    "park pak bak pack bahk",
    "lee yi rhee ri rhie lie",
    "kim gim",
    "choi choe chwe",
    "jung jeong chung chong jeung",
    "kang gang",
    "cho jo joh",
    "yoon yun youn",
    "lim rim",
    "oh oe",
    "shin sin shinn",
    "yoo yu you ryu rhyu",
    "ko go koh",
    "kwon gwon kwun",
    "jang chang",
    "moon mun",
    "hwang whang",
    "seo suh so",
    "jeon chun jun chon",
    "baek paek paik baik",
    "noh roh no",
    "ryang yang",
)
SYNONYMS: dict[str, frozenset[int]] = {}
for _gid, _group in enumerate(_SYNONYM_GROUPS):
    for _tok in _group.split():
        SYNONYMS[_tok] = SYNONYMS.get(_tok, frozenset()) | {_gid}

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip

_TOKEN_RE = re.compile(r"[a-z]+|[0-9]+")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"[A-Z][a-z]*")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One romanisation of a name, analysed for comparison.

    ``tokens`` are lower-case ASCII parts (titles removed, legal forms canonical); ``skeleton`` holds one
    consonant skeleton per token (empty for particles and legal forms); ``unvocalised`` is true when the
    form came from a script that leaves vowels out, so only skeletons can be trusted; ``scheme`` names the
    romanisation (``latin``, ``icao``, ``anyascii``, ``elot``, ``skeleton``, ``cjk-split``...).
    """

    tokens: tuple[str, ...]
    skeleton: tuple[str, ...]
    unvocalised: bool
    scheme: str


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _greek(text: str) -> str:
    low = _strip_marks(text.lower())
    for src, dst in _GREEK_DIGRAPHS:
        low = low.replace(src, dst)
    return low.translate(_GREEK)


# Russian and other Cyrillic writings of foreign names (Arabic, Persian, Korean, English) use х for h, дж for
# j, у before a vowel for w and ё for yo (Ахмад = Ahmad, Уилсон = Wilson, Хён = Hyon, Джафар = Jafar; Russian
# practical transcription, Kontsevich for Korean): the form a Latin-script document of the same person gives.
_CYR_VOWELS = "аеёиоуыэюяaeiouy"
_CYRILLIC_FOREIGN = str.maketrans({"х": "h", "ё": "yo", "ю": "yu", "я": "ya", "й": "y", "ы": "y", "ь": "",
                                   "ъ": "", "э": "e"})  # fmt: skip


def cyrillic_foreign(text: str) -> str:
    """``text`` with Cyrillic letters read as a foreign name is written in Russian (the rest by ICAO)."""
    low = text.lower().replace("дж", "j")
    low = re.sub(rf"у(?=[{_CYR_VOWELS}])", "w", low)
    return low.translate(_CYRILLIC_FOREIGN).translate(_ICAO_CYRILLIC)


_GREEK_VOWELS = "αεηιουωάέήίόύώϊϋΐΰ"


def greek_foreign(text: str) -> str:
    """Greek letters read as Greek writes a foreign name: χ for h, τζ for j, ου before a vowel for w, ι
    before a vowel for y (Χαμίντ = Hamid, Τζαμίλ = Jamil, Ουίλσον = Wilson, Γιουνγκ = Yung); else ELOT 743."""
    low = _strip_marks(text.lower()).replace("τζ", "j").replace("χ", "h")
    low = re.sub(rf"ου(?=[{_GREEK_VOWELS}])", "w", low)
    low = re.sub(rf"ι(?=[{_GREEK_VOWELS}])", "y", low)
    return _greek(low)


def _split_syllables(ascii_text: str) -> list[str]:
    """anyascii writes Chinese and Korean names as CamelCase syllables: split them."""
    words: list[str] = []
    for word in ascii_text.split():
        parts = _CAMEL.findall(word)
        words.extend(parts if len(parts) > 1 and "".join(parts) == word else [word])
    return words


_KOREAN_SURNAMES = {"gim": "kim", "i": "lee", "bak": "park", "choe": "choi", "jeong": "jung", "gang": "kang",
                    "jo": "cho", "yun": "yoon", "jang": "jang", "im": "lim", "ri": "lee", "o": "oh",
                    "han": "han", "sin": "shin", "yu": "yoo", "go": "ko", "gwon": "kwon", "hwang": "hwang"}  # fmt: skip


# Revised Romanisation of Korean (Ministry of Culture and Tourism, 2000), syllable by syllable as names are
# written in passports (no sound changes across syllables): initial, medial and final jamo.
_RR_INITIAL = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_RR_MEDIAL = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_RR_FINAL = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split()


def hangul_rr(text: str) -> str:
    """Hangul syllables in Revised Romanisation, each syllable capitalised (as anyascii writes them)."""
    out: list[str] = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            ini, med, fin = code // 588, (code % 588) // 28, code % 28
            syl = _RR_INITIAL[ini].strip("-") + _RR_MEDIAL[med] + _RR_FINAL[fin].strip("-")
            out.append(syl.capitalize())
        else:
            out.append(anyascii(ch))
    return "".join(out)


def _korean_variants(syllables: list[str]) -> list[str]:
    low = [s.lower() for s in syllables]
    if not low:
        return []
    out = [" ".join(low), low[0] + " " + "".join(low[1:])]
    # McCune-Reischauer-like spellings seen in passports and sanctions lists.
    mr = [s.replace("eo", "o").replace("eu", "u") for s in low]
    mr[0] = _KOREAN_SURNAMES.get(low[0], mr[0])
    out.append(" ".join(mr))
    out.append(mr[0] + " " + "".join(mr[1:]))
    return out


def strip_cjk_titles(text: str) -> tuple[str, list[str]]:
    """``text`` without the CJK/Hangul titles that follow a name (習近平主席 -> 習近平) and the titles removed."""
    removed: list[str] = []
    words = text.split()
    kept: list[str] = []
    for word in words:
        stripped = True
        while stripped:
            stripped = False
            for title in _CJK_TITLES:
                if word.endswith(title) and len(word) > len(title):
                    word = word[: -len(title)]
                    removed.append(title)
                    stripped = True
        if word in _CJK_TITLES and len(words) > 1:
            removed.append(word)
            continue
        kept.append(word)
    return " ".join(kept), removed


def romanisations(text: str) -> list[tuple[str, str]]:
    """Latin renderings of ``text`` as ``(scheme, text)`` pairs, most conventional first, without repeats."""
    text = unicodedata.normalize("NFKC", text)
    scripts = scripts_of(text)
    out: list[tuple[str, str]] = []
    if scripts & {"CJK", "KANA", "HANGUL"}:
        text, _ = strip_cjk_titles(text)
    base = anyascii(text)
    if scripts <= {"LATIN"}:
        out.append(("latin", base))
        icao = _strip_marks(text.lower().translate(_ICAO_LATIN))
        out.append(("icao", anyascii(icao)))
    if "CYRILLIC" in scripts:
        out.append(("icao", anyascii(text.lower().translate(_ICAO_CYRILLIC))))
        out.append(("anyascii", base))
        out.append(("cyrillic-foreign", anyascii(cyrillic_foreign(text))))
    if "GREEK" in scripts:
        out.append(("elot", anyascii(_greek(text))))
        # Greek writes a foreign name's h as χ and its j as τζ (Χαμίντ, Τζαμίλ): read that way too
        foreign = greek_foreign(text)
        if foreign != _greek(text):
            out.append(("greek-foreign", anyascii(foreign)))
        out.append(("anyascii", base))
    if "CJK" in scripts and not scripts & {"KANA"}:
        syl = _split_syllables(base)
        if syl:
            out.append(("cjk-split", syl[0] + " " + "".join(syl[1:])))
            out.append(("cjk-syllables", " ".join(syl)))
    if "HANGUL" in scripts:
        for i, variant in enumerate(_korean_variants(_split_syllables(hangul_rr(text)))):
            out.append((f"korean-{i}", variant))
    if not out or scripts - {"LATIN", "CYRILLIC", "GREEK", "CJK", "HANGUL"}:
        out.append(("anyascii", base))
    seen: set[str] = set()
    unique: list[tuple[str, str]] = []
    for scheme, value in out:
        key = value.lower()
        if key not in seen:
            seen.add(key)
            unique.append((scheme, value))
    return unique


def _number_words(tokens: list[str]) -> list[str]:
    """Turn runs of English number words into digits ("forty four" -> "44")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _TENS:
            value = _TENS[tok]
            if i + 1 < len(tokens) and tokens[i + 1] in _NUMBER_WORDS and _NUMBER_WORDS[tokens[i + 1]] < 10:
                value += _NUMBER_WORDS[tokens[i + 1]]
                i += 1
            out.append(str(value))
        elif tok in _NUMBER_WORDS and len(tokens) > 1:
            out.append(str(_NUMBER_WORDS[tok]))
        else:
            out.append(tok)
        i += 1
    return out


_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bf\u02be]")


def _tokens(ascii_text: str, organisation: bool, removed: list[str] | None = None) -> list[str]:
    ascii_text = _APOSTROPHES.sub("", ascii_text)  # Mus'ab, Ma'ruf: one word
    low = " " + _NON_ALNUM.sub(" ", ascii_text.lower()).strip() + " "
    if organisation:
        for phrase, canon in _LEGAL_PHRASES:
            low = low.replace(" " + phrase + " ", " " + canon + " ")
        low = re.sub(r"\b([a-z]) (?=[a-z]\b)", r"\1", low)  # "l x c" -> "lxc" (dotted initials)
    raw = _TOKEN_RE.findall(low)
    if not raw:
        # a name of symbols only still equals itself
        symbols = "".join(ascii_text.lower().split())
        return [symbols] if symbols else []
    titles = TITLES if organisation else PERSON_TITLES
    # a title stands before the name: an abbreviated title (three letters or fewer) that ends the name is
    # a name part (Korean Ёнг read "eng", not "Eng." for engineer)
    last = len(raw) - 1
    kept = [t not in titles or (k == last and len(t) <= 3) for k, t in enumerate(raw)]
    tokens = [t for t, keep in zip(raw, kept, strict=True) if keep] or raw
    if removed is not None and len(tokens) < len(raw):
        removed.extend(t for t, keep in zip(raw, kept, strict=True) if not keep)
    tokens = _number_words(tokens)
    if organisation:
        return [LEGAL_FORMS.get(t, t) for t in tokens]
    return _join_abd(tokens)


def _join_abd(tokens: list[str]) -> list[str]:
    """``abd al rahman``, ``abdul rahman``, ``abdurrahman`` all become ``abd rahman`` (two tokens, so that a
    typo in one part or a reordering still leaves the other part to match)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in _ABD_FORMS and i + 2 < len(tokens) and tokens[i + 1] in PARTICLES:
            out.append("abd")
            i += 2
            continue
        if tok in _ABD_FORMS and i + 1 < len(tokens):
            out.append("abd")
            i += 1
            continue
        m = _ABD_PREFIX.match(tok)
        if m and tok not in _ABD_FORMS:
            out.extend(("abd", tok[m.end() :]))
        else:
            out.append(tok)
        i += 1
    return out


_SKEL_DIGRAPHS = (("sch", "S"), ("tch", "S"), ("dzh", "j"), ("kh", "k"), ("gh", "j"), ("sh", "S"), ("ch", "S"),
                  ("th", "t"), ("dh", "z"), ("ph", "f"), ("zh", "j"), ("dj", "j"), ("ck", "k"), ("ou", "u"))  # fmt: skip
_SOFT_C = re.compile(r"c(?=[eiy])")
_SKEL_MAP = str.maketrans({"c": "k", "q": "k", "x": "k", "g": "j", "p": "b", "v": "f", "w": None, "y": None,
                           "a": None, "e": None, "i": None, "o": None, "u": None, "'": None})  # fmt: skip


@lru_cache(maxsize=200_000)
def latin_skeleton(token: str) -> str:
    """Consonant skeleton of a romanised token: vowels and weak letters dropped, look-alike sounds merged."""
    if token.isdigit():
        return token
    s = token
    for src, dst in _SKEL_DIGRAPHS:
        s = s.replace(src, dst)
    s = _SOFT_C.sub("s", s).translate(_SKEL_MAP)
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 2 and s.endswith("h"):
        s = s[:-1]
    return s


_PLAIN_MAP = str.maketrans({"c": "k", "q": "k", "x": "k", "g": "j", "p": "b", "v": "f", "w": None, "y": None,
                            "a": None, "e": None, "i": None, "o": None, "u": None, "'": None})  # fmt: skip


@lru_cache(maxsize=200_000)
def plain_skeleton(token: str) -> str:
    """Consonant skeleton without digraphs: "Ishak" is s-h-k (سحاق), not sh-k; "Barich" is b-r-kh."""
    if token.isdigit():
        return token
    s = re.sub(r"(.)\1+", r"\1", token.translate(_PLAIN_MAP))
    if len(s) > 2 and s.endswith("h"):
        s = s[:-1]
    return s


@lru_cache(maxsize=200_000)
def vowel_key(token: str) -> str:
    """Token with doubled letters collapsed and each run of vowels replaced by ``*`` (Omar = Umar)."""
    s = token.replace("ph", "f").replace("ck", "k").replace("q", "k")
    s = re.sub(r"(.)\1+", r"\1", s)
    return re.sub(r"[aeiouy]+", "*", s)


# Consonant classes for foreign names written in CJK scripts and Hangul, which have no l/r, b/v or d/j
# contrast and add vowels between consonants (Vladimir = ウラジーミル urajimiru = 弗拉基米尔 fulajimier =
# 블라디미르 beulladimireu): labials B, velars K, dentals and sibilants T, liquids R, M, N; vowels, h, y out.
_COARSE_DIGRAPHS = (("tch", "T"), ("sch", "T"), ("ch", "T"), ("sh", "T"), ("zh", "T"), ("ts", "T"), ("tz", "T"),
                    ("ph", "B"), ("th", "T"), ("kh", "K"), ("gh", "K"), ("ng", "N"), ("ck", "K"), ("dj", "T"))  # fmt: skip
_COARSE = str.maketrans(
    {
        **dict.fromkeys("bpfvw", "B"),
        **dict.fromkeys("kgcqx", "K"),
        **dict.fromkeys("tdjzs", "T"),
        **dict.fromkeys("lr", "R"),
        "m": "M",
        "n": "N",
        **dict.fromkeys("aeiouhy'", None),
    }  # fmt: skip
)


@lru_cache(maxsize=200_000)
def coarse_key(token: str) -> str:
    """Consonant classes of a romanised token (see _COARSE): the key that foreign names in CJK meet."""
    s = _SOFT_C.sub("s", token.lower())
    for src, dst in _COARSE_DIGRAPHS:
        s = s.replace(src, dst)
    s = re.sub(r"[^A-Z]", "", s.translate(_COARSE)).replace("NB", "MB")  # n before b/p is m (トランプ, Trump)
    return re.sub(r"(.)\1+", r"\1", s)


_KANA_R = frozenset("ラリルレロ")
_PINYIN_SIBILANTS = str.maketrans({"x": "s", "q": "s", "c": "s"})


def _loanword_form(text: str, scripts: frozenset[str]) -> NameForm | None:
    """A foreign name transcribed into kana, Chinese characters or Hangul, as consonant classes per word.
    Only for text that looks transcribed: any katakana, a middle dot between words, or a Chinese or Hangul
    word longer than a native name (four or more syllables)."""
    words = [w for w in re.split(r"[\s・·•\-=]+", text) if w]
    katakana = any("\u30a0" <= ch <= "\u30ff" for ch in text)
    dotted = any(ch in text for ch in "・·•")
    long_word = any(sum(1 for ch in w if ch.isalpha()) >= 4 for w in words)
    if not (katakana or dotted or long_word):
        return None
    keys: list[str] = []
    for word in words:
        latin = re.sub(r"[^a-z]", "", (hangul_rr(word) if "HANGUL" in scripts else anyascii(word)).lower())
        if any(_script_of_char(ch) == "CJK" for ch in word):
            latin = latin.translate(
                _PINYIN_SIBILANTS
            )  # pinyin x, q, c are sibilants (谢尔盖 xie er gai: Sergei)
        key = coarse_key(latin)
        if word[:1] == "ウ" and word[1:2] in _KANA_R:
            key = "B" + key  # Japanese writes vl-/vr-/wr- as u-r (ウラジーミル Vladimir, ウルフ Wolf)
        if len(key) >= 2:
            keys.append(key)
    if not keys:
        return None
    return NameForm(tokens=tuple(keys), skeleton=tuple(keys), unvocalised=True, scheme="loanword")


def _abjad_skeleton(word: str, table: dict[str, str]) -> str:
    s = "".join(table.get(ch, "") for ch in word)
    s = re.sub(r"(.)\1+", r"\1", s)
    if len(s) > 2 and s.endswith("h"):
        s = s[:-1]
    return s


def _abjad_forms(text: str, scripts: frozenset[str]) -> list[NameForm]:
    """Skeleton forms read straight from Arabic or Hebrew letters (article, ``abd`` and ``-allah`` handled)."""
    hebrew = "HEBREW" in scripts
    words = [w for w in re.split(r"[\s\-\u200c\u200d،,.]+", unicodedata.normalize("NFKC", text)) if w]
    if hebrew:  # a vav at the start of a word, or doubled, is the consonant v (Vladimir, Pavel)
        words = [
            ("\x00" + w[1:] if w.startswith("ו") and len(w) > 2 else w).replace("וו", "\x00") for w in words
        ]
    joined = _abjad_parts(words, join=True)
    separate = _abjad_parts(words, join=False)
    forms: list[NameForm] = []
    tables = (
        [_HEBREW_SKELETON] + [{**_HEBREW_SKELETON, **alt} for alt in _HEBREW_ALTERNATIVES]
        if hebrew
        else [_ARABIC_SKELETON] + [{**_ARABIC_SKELETON, **alt} for alt in _ARABIC_ALTERNATIVES]
    )
    seen: set[tuple[str, ...]] = set()
    for parts in (joined, separate):
        for table in tables:
            pairs = [(p, k) for p, k in ((p, _abjad_skeleton(p, table)) for p in parts) if k]
            skel = tuple(k for _, k in pairs)
            if skel and skel not in seen:
                seen.add(skel)
                # the tokens keep whether the word starts with a vowel letter (alef, ayin): Ahmad, not Hamid
                tokens = tuple(VOWEL_START + k if p[0] in _ABJAD_VOWEL_START else k for p, k in pairs)
                forms.append(NameForm(tokens=tokens, skeleton=skel, unvocalised=True, scheme="skeleton"))
    return forms


# A word written from an alef or an ayin (Arabic, Hebrew) starts with a vowel in Latin letters (احمد Ahmad,
# عمر Omar, אברהם Avraham): the mark that the skeleton tokens of such words and of Latin parts that start
# with a vowel carry (see scorer._skeleton_tokens); keys are made from the skeleton, without it.
VOWEL_START = "'"
_ABJAD_VOWEL_START = frozenset("اأإآٱعאע")


def _abjad_parts(words: list[str], join: bool) -> list[str]:
    """Name parts from Arabic-script words: titles and nasab particles dropped, the article stripped,
    ``abd`` split off; ``join`` writes "X allah" / "X al-din" as one part (Hidayatullah, Jalaluddin)."""
    parts: list[str] = []
    joined_last = False  # "Hamd Allah Allah Nur": one "Allah" joins its name part, the next stands alone
    for w in words:
        if w in _ARABIC_TITLES or w in {"بن", "ابن", "بنت", "ال", "آل", "ولد"}:
            continue
        joined_last = False if w not in _ARABIC_JOIN_PREVIOUS else joined_last
        if w in _ARABIC_JOIN_PREVIOUS and parts and parts[-1] != _ARABIC_ABD and not joined_last:
            joined_last = True
            if join:
                parts[-1] += w[2:]
            else:
                parts.append(w[2:])
            continue
        if w.startswith("وال") and len(w) > 5:
            w = w[1:]  # "wa-al-": the conjunction and the article written onto the name
        for art in _ARABIC_ARTICLE:
            if w.startswith(art) and len(w) > 3:
                w = w[len(art) :]
        if w.startswith(_ARABIC_ABD) and len(w) > 4:
            rest = w[3:]
            if rest.startswith("ال") and len(rest) > 3:
                rest = rest[2:]
            parts.extend((_ARABIC_ABD, rest))
            continue
        parts.append(w)
    return parts


_ORG_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ی": "ي", "ې": "ي",
                               "ک": "ك", "ھ": "ه", "ہ": "ه", "ۀ": "ه", "ـ": None})  # fmt: skip
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670]")


def _org_norm(word: str) -> str:
    """An Arabic-script word with short vowels dropped and letter variants (hamza seats, ta marbuta,
    Persian kaf and ye, Urdu he) made one, for the organisation-word glossary."""
    return _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", word)).translate(_ORG_LETTERS)


def _load_org_words() -> dict[str, tuple[str, ...]]:
    text = resources.files("openbmis.screening").joinpath("data/org_words.txt").read_text(encoding="utf-8")
    words: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, english = line.partition("=")
            words[_org_norm(word.strip())] = tuple(english.strip().split("|"))
    return words


# Organisation words in Arabic script and their English renderings (data/org_words.txt, with its source).
ORG_WORDS = _load_org_words()
# Words that join a name's parts and have no part in its English comparison ("in", "of", "and", "for").
_ORG_FUNCTION_WORDS = frozenset({"في", "و", "من", "الي", "علي", "ل", "او", "-", "لاهل", "اهل", "د"})


def _org_word(word: str) -> tuple[str, ...] | None:
    """The English renderings of an Arabic-script organisation word, or None: the article, a leading
    "and", "for the" and a feminine ending are tried off in turn."""
    w = _org_norm(word)
    stems = [w]
    if w.startswith("و") and len(w) > 3:
        stems.append(w[1:])
    for x in list(stems):
        for art in ("ال", "لل", "بال"):
            if x.startswith(art) and len(x) > len(art) + 2:
                stems.append(x[len(art) :])
    for x in list(stems):
        if x.endswith("ه") and len(x) > 3:
            stems.append(x[:-1])
    for x in stems:
        if x in ORG_WORDS:
            return ORG_WORDS[x]
    return None


def _org_translated_forms(text: str) -> list[NameForm]:
    """An organisation's name in Arabic script read word by word in English where its words are in the
    glossary (the other words by their consonants): one form per rendering of the words with two."""
    words = [w for w in re.split(r"[\s\-\u200c\u200d،,.()]+", unicodedata.normalize("NFKC", text)) if w]
    read: list[tuple[str, ...] | str] = []
    translated = []
    for w in words:
        if _org_norm(w) in _ORG_FUNCTION_WORDS:
            continue
        english = _org_word(w)
        if english is not None:
            read.append(english)
            translated.append(english[0])
        else:
            parts = _abjad_parts([w], join=True)
            read.extend(s for s in (_abjad_skeleton(p, _ARABIC_SKELETON) for p in parts) if s)
    if not translated:
        return []
    forms: list[NameForm] = []
    scheme = "skeleton (organisation words translated: " + " ".join(dict.fromkeys(translated)) + ")"
    for k in range(max(len(r) for r in read if isinstance(r, tuple))):
        tokens: list[str] = []
        skel: list[str] = []
        for r in read:
            if isinstance(r, str):
                tokens.append(r)
                skel.append(r)
                continue
            word = r[min(k, len(r) - 1)]
            canon = LEGAL_FORMS.get(word, word)
            tokens.append(canon)
            # frequent organisation words and legal forms say little: kept for display, not compared,
            # as in a Latin organisation name (_make_form)
            skel.append("" if canon in ORG_STOPWORDS or canon in LEGAL_FORMS.values() else latin_skeleton(canon))
        if any(skel):
            forms.append(NameForm(tokens=tuple(tokens), skeleton=tuple(skel), unvocalised=True, scheme=scheme))
    return forms


def _make_form(tokens: list[str], unvocalised: bool, scheme: str, organisation: bool) -> NameForm:
    skel: list[str] = []
    for t in tokens:
        if t in PARTICLES or (organisation and (t in LEGAL_FORMS.values() or t in ORG_STOPWORDS)):
            skel.append("")
        else:
            skel.append(latin_skeleton(t))
    return NameForm(tokens=tuple(tokens), skeleton=tuple(skel), unvocalised=unvocalised, scheme=scheme)


@lru_cache(maxsize=100_000)
def analyse_name(text: str, organisation: bool = False) -> tuple[NameForm, ...]:
    """All comparison forms of a written name (one per romanisation), without repeats; may be empty."""
    if not text or not text.strip():
        return ()
    scripts = scripts_of(text)
    abjad = bool(scripts & ABJADS)
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    cjk_titles = strip_cjk_titles(text)[1] if scripts & {"CJK", "KANA", "HANGUL"} else []
    for scheme, latin in romanisations(text):
        if scripts & {"ARABIC", "HEBREW"} and scheme == "anyascii":
            continue  # the letter-by-letter skeleton below reads these scripts better
        removed: list[str] = list(cjk_titles)
        tokens = _tokens(latin, organisation, removed)
        if not tokens or tuple(tokens) in seen:
            continue
        seen.add(tuple(tokens))
        if removed:
            scheme += " (title removed: " + " ".join(dict.fromkeys(removed)) + ")"
        forms.append(_make_form(tokens, abjad, scheme, organisation))
    if scripts & {"ARABIC", "HEBREW"}:
        forms.extend(_abjad_forms(text, scripts))
    if organisation and "ARABIC" in scripts:
        forms.extend(_org_translated_forms(text))
    if scripts & {"CJK", "KANA", "HANGUL"} and not organisation:
        loan = _loanword_form(strip_cjk_titles(unicodedata.normalize("NFKC", text))[0], scripts)
        if loan is not None:
            forms.append(loan)
    return tuple(forms)
