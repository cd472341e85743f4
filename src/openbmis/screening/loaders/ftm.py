"""OpenSanctions / FollowTheMoney entities, JSON lines (one entity object per line) or a JSON array.

Screened schemata: Person, Organization, Company, LegalEntity, PublicBody, Vessel, Airplane. Other
entities (addresses, sanctions, relations) are counted as skipped. Names come from ``name``, aliases from
``alias`` and ``previousName``, weak names from ``weakAlias``; identifiers from the usual id properties.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from openbmis.screening.errors import FormatError, LoadError, QueryError
from openbmis.screening.loaders.common import LoadResult
from openbmis.screening.model import DateSpec, Identifier, WatchlistEntry, parse_date

__all__ = ["SCHEMA_TYPES", "entry_from_ftm", "load_ftm_json"]

SCHEMA_TYPES = {
    "Person": "person", "Organization": "organization", "Company": "organization",
    "LegalEntity": "organization", "PublicBody": "organization", "Vessel": "vessel", "Airplane": "aircraft",
}  # fmt: skip
_ID_PROPS = ("passportNumber", "idNumber", "taxNumber", "innCode", "ogrnCode", "registrationNumber",
             "imoNumber", "mmsi", "swiftBic", "email", "leiCode", "vatCode", "callSign")  # fmt: skip


def _values(props: dict[str, object], key: str) -> list[str]:
    value = props.get(key, [])
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int)) and str(v).strip()]
    return []


def entry_from_ftm(obj: object, list_name: str, location: str) -> tuple[WatchlistEntry | None, list[str]]:
    """One FtM entity as a watchlist entry; ``(None, [])`` for a schema that is not screened.

    Raises :class:`LoadError` for an entity that should be screened but cannot be; the second item lists
    fields that were dropped (bad dates)."""
    if not isinstance(obj, dict):
        raise LoadError("not a JSON object", location=location, field="entity", expected="object",
                        found=type(obj).__name__)  # fmt: skip
    schema = obj.get("schema")
    props = obj.get("properties")
    if not isinstance(schema, str) or not isinstance(props, dict):
        raise LoadError("entity needs schema and properties", location=location, field="schema",
                        expected="string + object", found=str(schema)[:40])  # fmt: skip
    if schema not in SCHEMA_TYPES:
        return None, []
    entity_id = obj.get("id")
    if not isinstance(entity_id, str) or not entity_id:
        raise LoadError("entity has no id", location=location, field="id", expected="string", found="")
    names = _values(props, "name")
    aliases = _values(props, "alias") + _values(props, "previousName")
    if not names and (_values(props, "firstName") or _values(props, "lastName")):
        names = [" ".join(_values(props, "firstName")[:1] + _values(props, "lastName")[:1])]
    weak = _values(props, "weakAlias")
    if not names and not aliases and not weak:
        raise LoadError("entity has no name", location=location, field="name", expected="a name", found="")
    dropped: list[str] = []
    dates: list[DateSpec] = []
    for text in _values(props, "birthDate"):
        try:
            dates.append(parse_date(text))
        except QueryError:
            dropped.append(f"birthDate {text!r}")
    countries = [
        c for key in ("nationality", "citizenship", "country", "jurisdiction") for c in _values(props, key)
    ]
    ids = [Identifier(key, v) for key in _ID_PROPS for v in _values(props, key)]
    entry = WatchlistEntry(
        id=entity_id,
        list_name=list_name,
        entity_type=SCHEMA_TYPES[schema],
        names=tuple(names),
        aliases=tuple(a for a in dict.fromkeys(aliases) if a not in names),
        weak_names=tuple(weak),
        family_names=tuple(_values(props, "lastName")[:1]),
        birth_dates=tuple(dates),
        countries=tuple(dict.fromkeys(countries)),
        sex=(_values(props, "gender") or [""])[0],
        identifiers=tuple(ids),
        programs=tuple(_values(props, "topics")),
        remarks=" ".join(_values(props, "notes"))[:2000],
    )
    return entry, dropped


def _objects(path: Path) -> Iterator[tuple[str, object]]:
    with path.open(encoding="utf-8") as fh:
        first = fh.read(1)
        while first and first.isspace():
            first = fh.read(1)
        fh.seek(0)
        if first == "[":
            try:
                data = json.load(fh)
            except json.JSONDecodeError as exc:
                raise FormatError(f"malformed JSON: {exc}", field="json", expected="JSON array",
                                  found=str(exc)) from exc  # fmt: skip
            for i, obj in enumerate(data if isinstance(data, list) else [], start=1):
                yield f"{path.name}[{i}]", obj
            return
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield f"{path.name}:{line_no}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"{path.name}:{line_no}", LoadError(f"malformed JSON: {exc.msg}", location=f"{path.name}:{line_no}",
                                                          field="json", expected="one JSON object per line", found=line[:60])  # fmt: skip


def load_ftm_json(path: str | Path, list_name: str = "opensanctions") -> LoadResult:
    """Read a FollowTheMoney entity file, streaming line by line."""
    result = LoadResult(format="ftm-json", list_name=list_name)
    for location, obj in _objects(Path(path)):
        if isinstance(obj, LoadError):
            result.errors.append(obj)
            continue
        try:
            entry, dropped = entry_from_ftm(obj, list_name, location)
        except LoadError as exc:
            result.errors.append(exc)
            continue
        if entry is None:
            result.skipped += 1
            continue
        for d in dropped:
            result.warnings.append(LoadError(f"dropped unreadable {d}", location=location, field="birthDate"))
        result.entries.append(entry)
    return result
