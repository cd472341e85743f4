"""UN Security Council Consolidated List, XML (https://scsanctions.un.org/resources/xml/en/consolidated.xml).

Read as a stream (``iterparse``), one INDIVIDUAL or ENTITY element at a time. The primary name is
FIRST_NAME..FOURTH_NAME joined; NAME_ORIGINAL_SCRIPT is kept as a further name; aliases of quality "Low"
become weak names. Dates of birth: EXACT (DATE or YEAR), APPROXIMATELY (YEAR), BETWEEN (FROM_YEAR,
TO_YEAR). Documents become identifiers with their issuing country.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only its types and ParseError; parsing is defusedxml's
from pathlib import Path
from typing import IO

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from openbmis.screening.errors import FormatError, LoadError, QueryError
from openbmis.screening.loaders.common import LoadResult
from openbmis.screening.model import DateSpec, Identifier, WatchlistEntry, parse_date

__all__ = ["load_un_xml"]

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _text(el: ET.Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _dates(el: ET.Element, location: str, warnings: list[LoadError]) -> list[DateSpec]:
    out: list[DateSpec] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob.find("TYPE_OF_DATE")).upper()
        date, year = _text(dob.find("DATE")), _text(dob.find("YEAR"))
        lo, hi = _text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))
        try:
            if kind == "BETWEEN" and lo and hi:
                out.append(parse_date(f"{lo} to {hi}"))
            elif date:
                out.append(parse_date(date[:10]))
            elif year:
                spec = parse_date(year)
                approx = kind.startswith("APPROX")
                out.append(DateSpec(spec.year, None, None, None, approx))
        except QueryError as exc:
            warnings.append(LoadError(f"birth date dropped: {exc.message}", location=location,
                                      field="INDIVIDUAL_DATE_OF_BIRTH", found=exc.found))  # fmt: skip
    return out


def _entry(el: ET.Element, position: int, list_name: str, result: LoadResult) -> None:
    individual = el.tag == "INDIVIDUAL"
    ref = _text(el.find("REFERENCE_NUMBER"))
    dataid = _text(el.find("DATAID"))
    location = f"{el.tag}[{position}]" + (f" {ref}" if ref else f" DATAID {dataid}" if dataid else "")
    entry_id = ref or dataid
    if not entry_id:
        result.errors.append(LoadError("no REFERENCE_NUMBER or DATAID", location=location,
                                       field="REFERENCE_NUMBER", expected="identifier"))  # fmt: skip
        return
    primary = " ".join(p for p in (_text(el.find(tag)) for tag in _NAME_PARTS) if p)
    names = [primary] if primary else []
    original = _text(el.find("NAME_ORIGINAL_SCRIPT"))
    if original and original != primary:
        names.append(original)
    aliases: list[str] = []
    weak: list[str] = []
    for alias in el.findall(f"{el.tag}_ALIAS"):
        name = _text(alias.find("ALIAS_NAME"))
        if not name:
            continue
        (weak if _text(alias.find("QUALITY")).lower() == "low" else aliases).append(name)
    if not names and not aliases and not weak:
        result.errors.append(LoadError("entry has no name", location=location, field="FIRST_NAME",
                                       expected="a name", found=""))  # fmt: skip
        return
    countries = [_text(v) for v in el.findall("NATIONALITY/VALUE") if _text(v)]
    identifiers: list[Identifier] = []
    for doc in el.findall("INDIVIDUAL_DOCUMENT"):
        number = _text(doc.find("NUMBER"))
        if number:
            kind = _text(doc.find("TYPE_OF_DOCUMENT")) or "document"
            country = _text(doc.find("ISSUING_COUNTRY")) or _text(doc.find("COUNTRY_OF_ISSUE"))
            identifiers.append(Identifier(kind, number, country))
    result.entries.append(
        WatchlistEntry(
            id=entry_id,
            list_name=list_name,
            entity_type="person" if individual else "organization",
            names=tuple(names) if names else (aliases.pop(0) if aliases else weak.pop(0),),
            aliases=tuple(aliases),
            weak_names=tuple(weak),
            birth_dates=tuple(_dates(el, location, result.warnings)) if individual else (),
            countries=tuple(countries),
            sex=_text(el.find("GENDER")).lower(),
            identifiers=tuple(identifiers),
            programs=tuple(p for p in (_text(el.find("UN_LIST_TYPE")),) if p),
            remarks=_text(el.find("COMMENTS1"))[:2000],
        )
    )


def load_un_xml(source: str | Path | IO[bytes], list_name: str = "un-sc") -> LoadResult:
    """Read the UN SC Consolidated List; bad elements are reported with their position and reference."""
    result = LoadResult(format="un-sc-xml", list_name=list_name)
    counts = {"INDIVIDUAL": 0, "ENTITY": 0}
    stream: IO[bytes] = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    try:
        # defusedxml's expat set-up refuses any DOCTYPE wherever it stands (and so every entity, internal or
        # external) before expanding anything.
        context = DefusedET.iterparse(stream, events=("start", "end"), forbid_dtd=True, forbid_entities=True,
                                      forbid_external=True)
        root: ET.Element | None = None
        for event, el in context:
            if event == "start":
                if root is None:
                    root = el
                    if el.tag != "CONSOLIDATED_LIST":
                        raise FormatError(
                            "not a UN consolidated list",
                            field="root",
                            expected="CONSOLIDATED_LIST",
                            found=el.tag,
                        )
                continue
            if el.tag in counts:
                counts[el.tag] += 1
                _entry(el, counts[el.tag], list_name, result)
                el.clear()
    except DefusedXmlException as exc:
        raise FormatError("document type declarations and entities are refused", field="xml",
                          expected="no DTD", found=type(exc).__name__) from None
    except ET.ParseError as exc:
        raise FormatError(
            f"malformed XML: {exc}", field="xml", expected="well-formed XML", found=str(exc)
        ) from exc
    finally:
        if isinstance(source, (str, Path)):
            stream.close()
    return result


