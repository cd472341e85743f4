"""Watchlist screening: multilingual name matching with explained scores.

A border system screens every traveller against alert lists (national lists, the UN Security Council
Consolidated List, OFAC SDN, stolen and lost documents). A missed match lets a listed person through; a flood
of false matches buries officers. This library does the matching; a person decides on every hit.

How it works:

* Names in any script are normalised (Unicode NFKC, case folding) and transliterated, several ways where
  conventions differ: ICAO Doc 9303 Part 3 section 6 (Latin diacritics, Cyrillic), ELOT 743 style Greek,
  anyascii (ISC licence) for every other script, syllable splitting for Chinese and Korean with
  McCune-Reischauer-like variants, and consonant skeletons read straight from Arabic and Hebrew letters,
  since these scripts leave short vowels out (``text``).
* Names are order-free sets of parts: "Last, First" equals "First Last"; titles are dropped; particles
  (al, el, bin, ibn), legal forms (OAO = Open Joint Stock Company) and frequent names weigh less;
  ``abd``/``abdul``/``abdel`` compounds, ``-ullah``/``-uddin`` compounds, written-together names, initials,
  known variants (Mohammed/Muhammad/Mohamed, Ted/Theodore), vowel variants (Omar/Umar) and typos within a
  length-dependent edit budget are handled (``scorer``).
* Birth dates (exact, year, ranges, approximate, day and month swapped, a year off), nationality and sex
  qualify the name score; identifiers (passport numbers, IMO, BIC, e-mail) are strong, independent evidence.
* An index (``ScreeningIndex``) finds candidates through hashed token, skeleton, vowel, prefix and pair keys
  kept in numpy arrays, then scores the few candidates; every hit carries the algorithm's name and version,
  its score and each feature's contribution (what matched what).
* ``DocumentIndex`` looks documents up by issuing state and number, exactly and with look-alike characters
  merged (O/0, I/1, S/5), in the manner of INTERPOL's SLTD.
* Loaders read the UN SC XML, the OFAC SDN CSV files, OpenSanctions FollowTheMoney JSON and the OpenBMIS CSV
  template; they report every bad row with its line or element and apply nothing (``loaders``).

Sources and inspiration (no code copied): ICAO Doc 9303 Part 3 (transliteration), OpenSanctions
rigour/nomenklatura (name matching as weighted, explained features; MIT), yente (benchmark fixtures; MIT),
moov-io/watchman (Jaro-Winkler token pairing; Apache-2.0), INTERPOL SLTD. See docs/screening.md.
"""

from __future__ import annotations

from openbmis.screening.countries import country_code
from openbmis.screening.errors import FormatError, LoadError, QueryError, ScreeningError
from openbmis.screening.index import DocumentHit, DocumentIndex, IndexBuilder, ScreeningIndex, SearchStats
from openbmis.screening.loaders import (
    TEMPLATE_COLUMNS,
    LoadResult,
    detect_format,
    load_ftm_json,
    load_ofac_csv,
    load_template_csv,
    load_un_xml,
    load_watchlist,
)
from openbmis.screening.model import (
    DateSpec,
    Explanation,
    Feature,
    Hit,
    Identifier,
    Query,
    WatchlistEntry,
    parse_date,
)
from openbmis.screening.scorer import (
    ALGORITHM,
    VERSION,
    ScoringConfig,
    compare,
    confusable_key,
    normalise_identifier,
)
from openbmis.screening.text import NameForm, analyse_name, romanisations

__all__ = [
    "ALGORITHM",
    "TEMPLATE_COLUMNS",
    "VERSION",
    "DateSpec",
    "DocumentHit",
    "DocumentIndex",
    "Explanation",
    "Feature",
    "FormatError",
    "Hit",
    "Identifier",
    "IndexBuilder",
    "LoadError",
    "LoadResult",
    "NameForm",
    "Query",
    "QueryError",
    "ScoringConfig",
    "ScreeningError",
    "ScreeningIndex",
    "SearchStats",
    "WatchlistEntry",
    "analyse_name",
    "compare",
    "confusable_key",
    "country_code",
    "detect_format",
    "load_ftm_json",
    "load_ofac_csv",
    "load_template_csv",
    "load_un_xml",
    "load_watchlist",
    "normalise_identifier",
    "parse_date",
    "romanisations",
]
