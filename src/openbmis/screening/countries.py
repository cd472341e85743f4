"""Country codes and names: anything a list writes for a nationality becomes an ISO 3166-1 alpha-2 code."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["country_code"]

_NON_ALPHA = re.compile(r"[^a-z]+")


def _key(text: str) -> str:
    text = text.lower().replace("(the)", "").replace(", the", "")
    text = re.sub(r"^the ", "", text.strip())
    return _NON_ALPHA.sub("", text)


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    data = resources.files("openbmis.screening").joinpath("data/countries.tsv").read_text(encoding="utf-8")
    for line in data.splitlines():
        if not line or line.startswith("#"):
            continue
        alpha2, alpha3, names = line.split("\t")
        code = alpha2.lower()
        table[alpha2.lower()] = code
        table[alpha3.lower()] = code
        for name in names.split("|"):
            table.setdefault(_key(name), code)
    table["d"] = "de"  # ICAO Doc 9303 writes Germany as D in MRZs
    return table


def country_code(text: str) -> str:
    """The lower-case alpha-2 code for a code (alpha-2/alpha-3) or English name; ``""`` when unknown."""
    if not text:
        return ""
    raw = text.strip()
    table = _table()
    if len(raw) in (1, 2, 3) and raw.isalpha():
        hit = table.get(raw.lower())
        if hit:
            return hit
    return table.get(_key(raw), "")
