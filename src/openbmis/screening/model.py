"""Data model: watchlist entries, queries, hits and their explanations (plain slotted dataclasses)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Literal

from openbmis.screening.errors import QueryError

__all__ = [
    "ENTITY_TYPES",
    "DateSpec",
    "EntityType",
    "Explanation",
    "Feature",
    "Hit",
    "Identifier",
    "Query",
    "WatchlistEntry",
    "parse_date",
]

EntityType = Literal["person", "organization", "vessel", "aircraft", "unknown"]
ENTITY_TYPES: tuple[str, ...] = ("person", "organization", "vessel", "aircraft", "unknown")


@dataclass(frozen=True, slots=True)
class DateSpec:
    """A birth date as lists give it: full date, year and month, year only, or a range of years.

    ``year_to`` is set for ranges ("1960 to 1962"); ``approximate`` marks "circa" dates.
    """

    year: int
    month: int | None = None
    day: int | None = None
    year_to: int | None = None
    approximate: bool = False

    def __str__(self) -> str:
        if self.year_to is not None and self.year_to != self.year:
            return f"{self.year}..{self.year_to}"
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return ("~" if self.approximate else "") + text


_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY_TEXT = re.compile(r"^(?:(\d{1,2})\s+)?([a-z]{3})[a-z]*\.?\s+(\d{4})$")
_DMY_NUM = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*(?:to|-|–|\.\.)\s*(\d{4})$")
_APPROX = re.compile(r"^(?:circa|ca\.?|c\.|approx\.?|approximately|about|~)\s*", re.IGNORECASE)


def _checked(year: int, month: int | None, day: int | None, text: str) -> DateSpec:
    if not 1800 <= year <= 2200:
        raise QueryError(f"year out of range: {text!r}", field="date", expected="1800..2200", found=text)
    if month is not None and not 1 <= month <= 12:
        raise QueryError(f"month out of range: {text!r}", field="date", expected="1..12", found=text)
    if day is not None and not 1 <= day <= 31:
        raise QueryError(f"day out of range: {text!r}", field="date", expected="1..31", found=text)
    if day is not None and month is not None:
        try:
            _dt.date(year, month, day)
        except ValueError as exc:
            raise QueryError(
                f"no such day: {text!r}", field="date", expected="a calendar date", found=text
            ) from exc
    return DateSpec(year, month, day)


def parse_date(text: str, *, lenient: bool = False) -> DateSpec:
    """Parse a birth date: ``1965``, ``1965-04``, ``1965-04-29``, ``29 Apr 1965``, ``Apr 1965``,
    ``29.04.1965``, ``1960 to 1962``, ``circa 1970``. Raises :class:`QueryError` otherwise.

    With ``lenient``, an impossible day or month (``1974-01-32``) keeps what is valid (year and month, or
    the year) instead of failing: a mistyped day should not throw away the year."""
    if lenient:
        try:
            return parse_date(text)
        except QueryError:
            m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?", text)
            if not m:
                raise
            month = int(m[2]) if m[2] and 1 <= int(m[2]) <= 12 else None
            return _checked(int(m[1]), month, None, text)
    raw = text
    text = text.strip().lower()
    approx = False
    m0 = _APPROX.match(text)
    if m0:
        approx = True
        text = text[m0.end() :]
    text = text.strip()
    spec: DateSpec | None = None
    if m := _ISO.match(text):
        spec = _checked(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None, raw)
    elif m := _DMY_TEXT.match(text):
        month = _MONTHS.get(m[2][:3])
        if month is None:
            raise QueryError(f"unknown month in {raw!r}", field="date", expected="month name", found=raw)
        spec = _checked(int(m[3]), month, int(m[1]) if m[1] else None, raw)
    elif m := _DMY_NUM.match(text):
        spec = _checked(int(m[3]), int(m[2]), int(m[1]), raw)
    elif m := _RANGE.match(text):
        lo, hi = sorted((int(m[1]), int(m[2])))
        _checked(lo, None, None, raw)
        _checked(hi, None, None, raw)
        return DateSpec(lo, None, None, hi, approx)
    elif " to " in text:
        lo_text, hi_text = text.split(" to ", 1)
        lo_spec, hi_spec = parse_date(lo_text), parse_date(hi_text)
        lo, hi = sorted((lo_spec.year, hi_spec.year))
        if lo == hi and lo_spec.month is not None:
            return DateSpec(lo, None, None, None, approx)
        return DateSpec(lo, None, None, hi, approx)
    if spec is None:
        raise QueryError(f"unreadable date {raw!r}", field="date", expected="YYYY[-MM[-DD]]", found=raw)
    if approx:
        return DateSpec(spec.year, spec.month, spec.day, None, True)
    return spec


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or other identifying number (passport, national id, IMO, SWIFT/BIC, e-mail...).

    ``country`` is an ISO 3166-1 alpha-2 code (lower case) or empty when unknown.
    """

    kind: str
    number: str
    country: str = ""


@dataclass(frozen=True, slots=True)
class WatchlistEntry:
    """One listed person or thing.

    ``names`` are the entry's own names in any script (the first one is displayed), ``aliases`` its
    a.k.a.s, ``weak_names`` low-quality aliases (matched, with a penalty); ``family_names`` are set when the
    list gives the structure; ``countries`` are nationalities (persons) or jurisdictions (organisations),
    as codes or names (normalised to ISO alpha-2 when compiled); ``sex`` is ``male``, ``female`` or empty.
    """

    id: str
    list_name: str
    entity_type: str
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    weak_names: tuple[str, ...] = ()
    family_names: tuple[str, ...] = ()
    birth_dates: tuple[DateSpec, ...] = ()
    countries: tuple[str, ...] = ()
    sex: str = ""
    identifiers: tuple[Identifier, ...] = ()
    programs: tuple[str, ...] = ()
    remarks: str = ""
    addresses: tuple[str, ...] = ()

    @property
    def primary_name(self) -> str:
        for group in (self.names, self.aliases, self.weak_names):
            if group:
                return group[0]
        return ""


@dataclass(frozen=True, slots=True)
class Query:
    """What is screened: at least a name or an identifier.

    ``first_name``/``last_name`` may be given besides ``name`` when the structure is known (then first
    names are compared with first names). ``sex`` is ``male``, ``female`` or empty.
    """

    name: str = ""
    birth_dates: tuple[DateSpec, ...] = ()
    countries: tuple[str, ...] = ()
    sex: str = ""
    identifiers: tuple[Identifier, ...] = ()
    entity_type: str = "unknown"
    first_name: str = ""
    last_name: str = ""
    names: tuple[str, ...] = ()

    def all_names(self) -> tuple[str, ...]:
        out = ((self.name,) if self.name else ()) + self.names
        if not out and (self.first_name or self.last_name):
            out = (f"{self.first_name} {self.last_name}".strip(),)
        return out

    def validate(self) -> None:
        if not self.all_names() and not self.identifiers:
            raise QueryError("a query needs a name or an identifier", field="name", expected="text", found="")
        if self.entity_type not in ENTITY_TYPES:
            raise QueryError(
                f"unknown entity type {self.entity_type!r}",
                field="entity_type",
                expected="|".join(ENTITY_TYPES),
                found=self.entity_type,
            )


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence: what matched what, how well, and what it added to the score."""

    name: str
    query_value: str
    entry_value: str
    similarity: float
    contribution: float
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "feature": self.name,
            "query": self.query_value,
            "entry": self.entry_value,
            "similarity": round(self.similarity, 4),
            "contribution": round(self.contribution, 4),
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a hit scored what it did: the algorithm, its version and each feature's contribution."""

    algorithm: str
    version: str
    score: float
    features: tuple[Feature, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "algorithm": self.algorithm,
            "version": self.version,
            "score": round(self.score, 4),
            "features": [f.as_dict() for f in self.features],
        }


@dataclass(frozen=True, slots=True)
class Hit:
    """A watchlist entry found for a query, with its score and explanation."""

    entry_id: str
    list_name: str
    name: str
    score: float
    threshold: float
    explanation: Explanation

    def as_dict(self) -> dict[str, object]:
        return {
            "entry_id": self.entry_id,
            "list": self.list_name,
            "name": self.name,
            "score": round(self.score, 4),
            "explanation": self.explanation.as_dict(),
        }
