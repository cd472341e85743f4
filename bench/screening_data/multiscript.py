"""The multi-script set of the screening benchmark: listed persons each written in three scripts or more, and
an unrelated-persons set written in the same scripts.

Built at run time, deterministically, from sources kept in ../shared/testdata (none of it is shipped):
  persons    every individual on the UN Security Council consolidated list (2026-02-27 XML, UN data), each as
             - its Latin name as listed (the form the index holds),
             - its name in the original script where the UN gives one (name_variants, Arabic and Cyrillic),
             - Cyrillic: the Latin name written in Russian letters by the inverse of the BGN/PCGN 1947
               romanisation of Russian (kh x, zh, ts, ch, sh, shch, yu, ya, ye ...), with the letters that
               table never produces (c h j q w x) written as Russian practical transcription of English
               does (c k, h x, j dzh, q k, w u, x ks): the way a Russian-language document writes a foreign name,
             - Greek: the Latin name written in Greek letters by the inverse of ELOT 743 (ISO 843, type 1
               transliteration: th, ch, ps digraphs first), b as mp and u as ou as Greek writes foreign names.
  unrelated  the same persons' names shuffled across persons: the first half of one person's name words and
             the second half of another's (never the same person's), made from the Latin names and then written
             in Russian and Greek letters as above, and from the original-script names as written, so that each
             query looks like a listed name in the same script but is no listed person. The two persons share no
             name word (particles such as al-, bin, abu, abd aside: relatives share a family name). A shuffled
             pair whose Latin name, as the engine reads its words, equals a listed name (UN or OFAC, aliases
             included), has all its words within one listed name, or holds all the words of a listed name of
             two words or more, is left out: it is a namesake ("Kim Chol"), not an unrelated person. The check
             is on words as written, so spelling variants of a listed name (Mohamed Ali Ahmad ~ Ahmed Mohammed
             Ali) stay in the set and count as false hits.

The tables are this project's own, written from the cited standards; they are applied to the listed names only
(no name is taken from elsewhere). Seeded: the same seed gives the same sets.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

# inverse BGN/PCGN 1947 (Russian), longest Latin sequence first; then practical transcription of English
_CYRILLIC = (
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"),
    ("ye", "е"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"),
    ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"),
    ("c", "к"), ("h", "х"), ("j", "дж"), ("q", "к"), ("w", "у"), ("x", "кс"),
)  # fmt: skip
# inverse ELOT 743 / ISO 843 (type 1), digraphs first; b, u, c, h, j, q, w, y as Greek writes foreign names
_GREEK = (
    ("th", "θ"), ("ch", "χ"), ("ps", "ψ"), ("kh", "χ"), ("sh", "σ"), ("ou", "ου"), ("a", "α"), ("v", "β"),
    ("g", "γ"), ("d", "δ"), ("e", "ε"), ("z", "ζ"), ("i", "ι"), ("k", "κ"), ("l", "λ"), ("m", "μ"), ("n", "ν"),
    ("x", "ξ"), ("o", "ο"), ("p", "π"), ("r", "ρ"), ("s", "σ"), ("t", "τ"), ("f", "φ"), ("b", "μπ"),
    ("u", "ου"), ("c", "κ"), ("h", "χ"), ("j", "τζ"), ("q", "κ"), ("w", "ου"), ("y", "ι"),
)  # fmt: skip


def _write(word: str, table: tuple[tuple[str, str], ...]) -> str:
    out = []
    i = 0
    w = word.lower()
    while i < len(w):
        for latin, letters in table:
            if w.startswith(latin, i):
                out.append(letters)
                i += len(latin)
                break
        else:
            out.append(w[i])  # a digit or a letter outside the table stays as written
            i += 1
    return "".join(out)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", name) if w]


def to_cyrillic(name: str) -> str:
    """A Latin name in Russian letters (inverse BGN/PCGN 1947, practical transcription for c h j q w x)."""
    return " ".join(_write(w, _CYRILLIC).capitalize() for w in _words(name))


def to_greek(name: str) -> str:
    """A Latin name in Greek letters (inverse ELOT 743), with a final sigma."""
    words = []
    for w in _words(name):
        g = _write(w, _GREEK)
        words.append(g[:-1] + "ς" if g.endswith("σ") else g)
    return " ".join(w.upper() for w in words)


def _ascii_latin(name: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


# particles that many unrelated Arabic names share (al-, bin, abu, abd): not a shared name word
_PARTICLES = frozenset("al el bin ibn ben bint abu abd abdul ul ur ud din ad ould".split())


def _half(words: list[str], first: bool) -> list[str]:
    cut = (len(words) + 1) // 2
    return words[:cut] if first else words[cut:]


def build(
    un_persons: list[tuple[str, str]], variants_path: Path, seed: int, is_listed: Callable[[str], bool]
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """``un_persons``: (reference number, listed Latin name); ``is_listed`` says whether a Latin name is a
    listed name as the engine reads it. Returns the persons' query forms as (reference number, form, name)
    and the unrelated names as (form, name)."""
    original: dict[str, str] = {}
    for line in variants_path.open(encoding="utf-8"):
        d = json.loads(line)
        if d["kind"] == "individual" and d["name_original_script"] and d["original_script"] != "LATIN":
            original[d["reference_number"]] = " ".join(d["name_original_script"].split())
    persons: list[tuple[str, str, str]] = []
    for ref, latin in un_persons:
        plain = _ascii_latin(latin)
        if ref in original and "\ufffd" not in original[ref]:  # U+FFFD: a garbled name in the source
            persons.append((ref, "original", original[ref]))
        persons.append((ref, "cyrillic", to_cyrillic(plain)))
        persons.append((ref, "greek", to_greek(plain)))
    # unrelated: the first half of one person's name words and the second half of another's, the two persons
    # sharing no name word (relatives share a family name: al-Tikriti)
    latin = {ref: _words(_ascii_latin(name)) for ref, name in un_persons}
    content = {ref: {w.lower() for w in re.split(r"[^A-Za-z]+", " ".join(ws)) if w and w.lower() not in _PARTICLES}
               for ref, ws in latin.items()}  # fmt: skip
    rng = random.Random(seed)
    unrelated: list[tuple[str, str]] = []
    latin_rows = [(ref, w) for ref, w in latin.items() if len(w) >= 2]
    original_rows = [(ref, _words(name)) for ref, f, name in persons if f == "original" and len(_words(name)) >= 2]
    # original-script names are shuffled within their script only (Arabic with Arabic, Cyrillic with Cyrillic)
    cyrillic_rows = [(ref, w) for ref, w in original_rows if re.match(r"[\u0400-\u04ff]", w[0])]
    arabic_rows = [(ref, w) for ref, w in original_rows if not re.match(r"[\u0400-\u04ff]", w[0])]
    groups = ((latin_rows, ("cyrillic", "greek")), (arabic_rows, ("original",)), (cyrillic_rows, ("original",)))
    for rows, forms in groups:
        donors = rows[:]
        rng.shuffle(donors)
        for k, (ref, words) in enumerate(rows):
            donor = next((d for d in donors[k:] + donors[:k] if not content[d[0]] & content[ref]), None)
            if donor is None:
                continue
            other_ref, other = donor
            name = " ".join(_half(words, True) + _half(other, False))
            # the same pair in Latin letters: a listed person's name, or all its words in one listed name,
            # is a namesake ("Kim Chol"), not an unrelated person
            if is_listed(" ".join(_half(latin[ref], True) + _half(latin[other_ref], False))):
                continue
            for form in forms:
                unrelated.append((form, to_cyrillic(name) if form == "cyrillic" else to_greek(name)
                                  if form == "greek" else name))  # fmt: skip
    return persons, unrelated
