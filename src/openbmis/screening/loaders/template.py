"""The OpenBMIS CSV template for national watchlists (documented in docs/screening.md).

UTF-8, comma-separated, a header row. Required columns: ``id``, ``name``. Optional: ``list``,
``entity_type`` (person, organization, vessel, aircraft; default person), ``aliases``, ``weak_aliases``,
``family_name``, ``birth_dates``, ``countries``, ``sex``, ``documents``, ``programs``, ``remarks``.
Multi-valued cells use ``;``. A document is ``kind:number:country`` (country optional, ISO code or name).
"""

from __future__ import annotations

import csv
from pathlib import Path

from openbmis.screening.errors import FormatError, LoadError, QueryError
from openbmis.screening.loaders.common import LoadResult
from openbmis.screening.model import ENTITY_TYPES, DateSpec, Identifier, WatchlistEntry, parse_date

__all__ = ["TEMPLATE_COLUMNS", "load_template_csv"]

TEMPLATE_COLUMNS = ("id", "list", "entity_type", "name", "aliases", "weak_aliases", "family_name",
                    "birth_dates", "countries", "sex", "documents", "programs", "remarks")  # fmt: skip
_SEXES = {"", "m", "f", "male", "female", "x", "u", "unknown"}


def _multi(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip())


def load_template_csv(path: str | Path, list_name: str = "national") -> LoadResult:
    """Read a watchlist in the CSV template; each bad row is reported by line number with the reason."""
    p = Path(path)
    result = LoadResult(format="openbmis-csv", list_name=list_name)
    with p.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = {"id", "name"} - set(header)
        unknown = set(header) - set(TEMPLATE_COLUMNS)
        if missing or unknown:
            raise FormatError(
                f"CSV template header: missing {sorted(missing)}, unknown {sorted(unknown)}",
                field="header", expected=",".join(TEMPLATE_COLUMNS), found=",".join(header),
            )  # fmt: skip
        reader.fieldnames = header
        seen: set[tuple[str, str]] = set()
        for row in reader:
            line = reader.line_num
            location = f"{p.name}:{line}"
            if None in row:
                result.errors.append(LoadError("more cells than header columns", location=location,
                                               field="row", expected=str(len(header)), found="extra cells"))  # fmt: skip
                continue
            get = {k: (v or "").strip() for k, v in row.items()}
            # Every problem of the row is reported, not only the first: the person fixing the file sees them all.
            problems = [LoadError(why, location=location, field=fld, found=found) for fld, why, found in _check(get)]
            lst = get.get("list") or list_name
            if get.get("id") and (lst, get["id"]) in seen:
                problems.append(LoadError("duplicate id", location=location, field="id", found=get["id"]))
            dates: tuple[DateSpec, ...] = ()
            try:
                dates = tuple(parse_date(d) for d in _multi(get.get("birth_dates", "")))
            except QueryError as exc:
                problems.append(LoadError(exc.message, location=location, field="birth_dates",
                                          expected=exc.expected, found=exc.found))  # fmt: skip
            docs: list[Identifier] = []
            for doc in _multi(get.get("documents", "")):
                parts = doc.split(":")
                if len(parts) not in (2, 3) or not parts[1].strip():
                    problems.append(LoadError("document must be kind:number[:country]", location=location,
                                              field="documents", expected="kind:number[:country]", found=doc))  # fmt: skip
                    continue
                docs.append(Identifier(parts[0].strip() or "document", parts[1].strip(),
                                       parts[2].strip() if len(parts) == 3 else ""))  # fmt: skip
            if problems:
                result.errors.extend(problems)
                continue
            seen.add((lst, get["id"]))
            result.entries.append(
                WatchlistEntry(
                    id=get["id"], list_name=lst, entity_type=get.get("entity_type") or "person",
                    names=(get["name"],), aliases=_multi(get.get("aliases", "")),
                    weak_names=_multi(get.get("weak_aliases", "")),
                    family_names=_multi(get.get("family_name", "")), birth_dates=dates,
                    countries=_multi(get.get("countries", "")), sex=get.get("sex", "").lower(),
                    identifiers=tuple(docs), programs=_multi(get.get("programs", "")),
                    remarks=get.get("remarks", ""),
                )
            )  # fmt: skip
    return result


def _check(row: dict[str, str]) -> list[tuple[str, str, str]]:
    """(field, why, found) for each problem of a row's plain columns."""
    problems = []
    if not row.get("id"):
        problems.append(("id", "id is empty", ""))
    if not row.get("name"):
        problems.append(("name", "name is empty", ""))
    etype = row.get("entity_type") or "person"
    if etype not in ENTITY_TYPES:
        problems.append(("entity_type", f"unknown entity type {etype!r}", etype))
    if row.get("sex", "").lower() not in _SEXES:
        problems.append(("sex", "sex must be male, female or empty", row.get("sex", "")))
    return problems
