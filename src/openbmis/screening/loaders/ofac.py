"""OFAC Specially Designated Nationals list in its legacy CSV form (sdn.csv, alt.csv, add.csv).

sdn.csv: ent_num, name, type (individual, vessel, aircraft; ``-0-`` for entities), program, title,
call sign, vessel type, tonnage, GRT, vessel flag, vessel owner, remarks. ``-0-`` means empty. Remarks
carry "DOB ...", "nationality ...", "citizen ...", "Gender ...", identifiers such as "Passport X (Country)"
and "a.k.a. 'NAME'", separated by semicolons. alt.csv: ent_num, alt_num, type (aka, fka, nka), name,
remarks ("weak" marks weak aliases on newer files). add.csv: ent_num, add_num, address, city, country,
remarks. Rows are numbered from 1 in each file.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openbmis.screening.errors import FormatError, LoadError, QueryError
from openbmis.screening.loaders.common import LoadResult
from openbmis.screening.model import DateSpec, Identifier, WatchlistEntry, parse_date

__all__ = ["load_ofac_csv", "parse_remarks"]

_NULL = "-0-"
_TYPES = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft", "": "organization"}
_ID_LABELS = (
    "passport", "diplomatic passport", "national id no.", "cedula no.", "nit #", "r.f.c.", "c.u.r.p.",
    "registration number", "vessel registration identification", "email address", "tax id no.",
    "identification number", "swift/bic", "mmsi", "d.n.i.", "ruc #", "driver's license no.", "v.a.t. number",
    "rif #", "residency number", "personal id card", "travel document number", "birth certificate number",
    "business registration number", "company number", "electoral registry no.", "credencial electoral",
    "c.r. no.", "legal entity number", "uk company number", "trade license no.", "ssn", "id no.",
    "matricula mercantil no", "folio mercantil no.", "public security and immigration no.", "imo",
    "kenyan id no.", "stateless person id card", "refugee id card", "certificate of incorporation number",
)  # fmt: skip
_ID_RE = re.compile(r"^(?:alt\.\s+)?(?P<label>.+?)\s+(?P<num>[^\s()]*\d[^()]*?)(?:\s*\((?P<cc>[^)]*)\))?$")
_AKA_RE = re.compile(r"a\.k\.a\.\s*'([^']+)'", re.IGNORECASE)


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == _NULL else value


def parse_remarks(remarks: str) -> dict[str, list[str]]:
    """Split an SDN remarks field into ``dob``, ``nationality``, ``gender``, ``id`` (``label|number|country``)
    and ``aka`` lists."""
    out: dict[str, list[str]] = {"dob": [], "nationality": [], "gender": [], "id": [], "aka": []}
    out["aka"] = _AKA_RE.findall(remarks)
    for part in remarks.split(";"):
        p = part.strip().rstrip(".").strip()
        low = p.lower()
        if low.startswith(("dob ", "alt. dob ")):
            out["dob"].append(p.split("DOB", 1)[-1].strip())
        elif low.startswith(("nationality ", "alt. nationality ", "citizen ", "alt. citizen ")):
            out["nationality"].append(p.split(" ", 2)[-1] if low.startswith("alt.") else p.split(" ", 1)[1])
        elif low.startswith("gender "):
            out["gender"].append(p.split(" ", 1)[1])
        else:
            m = _ID_RE.match(p)
            if m and m["label"].lower() in _ID_LABELS:
                out["id"].append(f"{m['label']}|{m['num'].strip()}|{(m['cc'] or '').strip()}")
    return out


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        return [(i, row) for i, row in enumerate(csv.reader(fh), start=1) if any(c.strip() for c in row)]


def load_ofac_csv(path: str | Path, list_name: str = "ofac-sdn") -> LoadResult:
    """Read sdn.csv (a path to it, or to its folder) with alt.csv and add.csv beside it when present."""
    p = Path(path)
    sdn = p / "sdn.csv" if p.is_dir() else p
    if not sdn.is_file():
        raise FormatError(f"no SDN file at {sdn}", field="path", expected="sdn.csv", found=str(sdn))
    result = LoadResult(format="ofac-sdn-csv", list_name=list_name)
    aliases: dict[str, list[tuple[str, bool]]] = {}
    addresses: dict[str, list[str]] = {}
    alt, add = sdn.parent / "alt.csv", sdn.parent / "add.csv"
    sdn_ids: set[str] = set()
    if alt.is_file():
        for line, row in _rows(alt):
            if len(row) < 4 or not _clean(row[0]).isdigit() or not _clean(row[3]):
                result.errors.append(LoadError("alias row needs ent_num and name", location=f"alt.csv:{line}",
                                               field="alt_name", expected="4+ columns", found=",".join(row)[:80]))  # fmt: skip
                continue
            weak = "weak" in (row[4].lower() if len(row) > 4 else "")
            aliases.setdefault(_clean(row[0]), []).append((_clean(row[3]), weak))
    if add.is_file():
        for line, row in _rows(add):
            if len(row) < 5 or not _clean(row[0]).isdigit():
                result.errors.append(LoadError("address row needs ent_num", location=f"add.csv:{line}",
                                               field="ent_num", expected="number", found=",".join(row)[:80]))  # fmt: skip
                continue
            addresses.setdefault(_clean(row[0]), []).append(
                ", ".join(x for x in (_clean(row[2]), _clean(row[3]), _clean(row[4])) if x)
            )
    for line, row in _rows(sdn):
        location = f"{sdn.name}:{line}"
        if len(row) < 12:
            result.errors.append(LoadError(f"expected 12 columns, found {len(row)}", location=location,
                                           field="row", expected="12 columns", found=str(len(row))))  # fmt: skip
            continue
        ent, name, kind = _clean(row[0]), _clean(row[1]), _clean(row[2]).lower()
        if not ent.isdigit():
            result.errors.append(LoadError("ent_num is not a number", location=location, field="ent_num",
                                           expected="digits", found=ent[:40]))  # fmt: skip
            continue
        if not name:
            result.errors.append(LoadError("entry has no name", location=location, field="SDN_Name",
                                           expected="a name", found=""))  # fmt: skip
            continue
        if kind not in _TYPES:
            result.errors.append(LoadError(f"unknown SDN type {kind!r}", location=location, field="SDN_Type",
                                           expected="individual|vessel|aircraft|-0-", found=kind))  # fmt: skip
            continue
        sdn_ids.add(ent)
        remarks = _clean(row[11])
        parsed = parse_remarks(remarks)
        dates: list[DateSpec] = []
        for text in parsed["dob"]:
            try:
                dates.append(parse_date(text))
            except QueryError as exc:
                result.warnings.append(LoadError(f"birth date dropped: {exc.message}", location=location,
                                                 field="Remarks/DOB", found=text))  # fmt: skip
        identifiers = []
        for item in parsed["id"]:
            label, number, country = item.split("|")
            identifiers.append(Identifier(label, number, country))
        if _TYPES[kind] == "vessel" and _clean(row[5]):
            identifiers.append(Identifier("call sign", _clean(row[5])))
        alias_rows = aliases.get(ent, [])
        strong = [a for a, weak in alias_rows if not weak] + [
            a for a in parsed["aka"] if a not in dict(alias_rows)
        ]
        countries = parsed["nationality"] + (
            [_clean(row[9])] if _TYPES[kind] == "vessel" and _clean(row[9]) else []
        )
        result.entries.append(
            WatchlistEntry(
                id=ent,
                list_name=list_name,
                entity_type=_TYPES[kind],
                names=(name,),
                aliases=tuple(dict.fromkeys(strong)),
                weak_names=tuple(a for a, weak in alias_rows if weak),
                family_names=(name.split(",", 1)[0],) if kind == "individual" and "," in name else (),
                birth_dates=tuple(dates),
                countries=tuple(countries),
                sex=(parsed["gender"][0].lower() if parsed["gender"] else ""),
                identifiers=tuple(identifiers),
                programs=tuple(
                    x.strip() for x in re.split(r"\]\s*\[", _clean(row[3]).strip("[]")) if x.strip()
                ),
                remarks=remarks[:2000],
                addresses=tuple(addresses.get(ent, ())),
            )
        )
    for ent in sorted(set(aliases) - sdn_ids, key=int):
        result.warnings.append(LoadError("aliases for an ent_num not in sdn.csv", location="alt.csv",
                                         field="ent_num", found=ent))  # fmt: skip
    return result
