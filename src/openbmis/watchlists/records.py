"""Reading an uploaded file into records, and converting between stored JSON and the screening library's types.

Person lists are read by the library's loaders (UN SC XML, OFAC SDN CSV, FollowTheMoney JSON, the CSV
template); document lists by the documents CSV described in docs/watchlists.md. Nothing here writes.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openbmis import mrz, screening
from openbmis.core import sealing

DOCUMENT_COLUMNS = ("id", "issuing_state", "number", "status", "document_type", "reported_on", "remarks")
DOCUMENT_STATUSES = ("stolen", "lost", "revoked", "invalidated")
OFAC_FILES = ("sdn.csv", "alt.csv", "add.csv")
MAX_REPORTED_ROWS = 1000
MAX_UNZIPPED_BYTES = 100 * 2**20  # the OFAC files together are a few MB; more is refused as a zip bomb


class FileRejected(Exception):
    """The file as a whole cannot be read (unknown format, not a zip, wrong header)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Record:
    """One entry read from a file: the list's own id, a display name, the stored data and search columns."""

    external_id: str
    name: str
    data: dict[str, Any]
    columns: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.data)


@dataclass(slots=True)
class Parsed:
    format: str
    records: list[Record] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)


def plain_fingerprint(data: dict[str, Any]) -> str:
    """The SHA-256 of a listed row, as fingerprints were before they were keyed (for the migration only)."""
    return hashlib.sha256(_canonical(data)).hexdigest()


def fingerprint(data: dict[str, Any]) -> str:
    """A keyed digest of a listed row (HMAC-SHA256 under the installation's index key), which an import compares
    to tell a changed row from an unchanged one. Keyed because a plain hash would let whoever holds a copy of the
    database confirm a guessed row, a sealed stolen passport's number included (issue 14)."""
    return hmac.new(sealing.index_key(), b"listed-row\0" + _canonical(data), hashlib.sha256).hexdigest()


def _canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


def problem(location: str, reason: str, field_name: str = "", found: str = "") -> dict[str, str]:
    return {"line": location, "field": field_name, "reason": reason, "found": found[:120]}


# ----------------------------------------------------------------------------------------------- persons
def _date_data(spec: screening.DateSpec) -> list[Any]:
    return [spec.year, spec.month, spec.day, spec.year_to, spec.approximate]


def entry_to_data(entry: screening.WatchlistEntry) -> dict[str, Any]:
    """The entry as JSON (without its list name and id, which live in columns)."""
    return {
        "entity_type": entry.entity_type,
        "names": list(entry.names),
        "aliases": list(entry.aliases),
        "weak_names": list(entry.weak_names),
        "family_names": list(entry.family_names),
        "birth_dates": [_date_data(d) for d in entry.birth_dates],
        "countries": list(entry.countries),
        "sex": entry.sex,
        "identifiers": [[i.kind, i.number, i.country] for i in entry.identifiers],
        "programs": list(entry.programs),
        "remarks": entry.remarks,
        "addresses": list(entry.addresses),
    }


def entry_from_data(data: dict[str, Any], *, entry_id: str, list_name: str) -> screening.WatchlistEntry:
    return screening.WatchlistEntry(
        id=entry_id,
        list_name=list_name,
        entity_type=data.get("entity_type") or "person",
        names=tuple(data.get("names", ())),
        aliases=tuple(data.get("aliases", ())),
        weak_names=tuple(data.get("weak_names", ())),
        family_names=tuple(data.get("family_names", ())),
        birth_dates=tuple(screening.DateSpec(*d) for d in data.get("birth_dates", ())),
        countries=tuple(data.get("countries", ())),
        sex=data.get("sex", ""),
        identifiers=tuple(screening.Identifier(*i) for i in data.get("identifiers", ())),
        programs=tuple(data.get("programs", ())),
        remarks=data.get("remarks", ""),
        addresses=tuple(data.get("addresses", ())),
    )


def _person_record(entry: screening.WatchlistEntry) -> Record:
    data = entry_to_data(entry)
    name = entry.primary_name or entry.id
    return Record(
        external_id=entry.id,
        name=name[:300],
        data=data,
        columns={
            "entity_type": entry.entity_type[:16],
            "name": name[:300],
            "aliases": "; ".join((*entry.aliases, *entry.weak_names)),
            "birth_dates": "; ".join(str(d) for d in entry.birth_dates)[:200],
            "countries": "; ".join(entry.countries)[:300],
        },
    )


def _write_upload(folder: Path, file_name: str, content: bytes) -> Path:
    """Lay the upload out as the loaders expect: a zip of the OFAC files becomes their folder."""
    if content[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile:
            raise FileRejected("the file looks like a zip archive but cannot be opened") from None
        with archive:
            members = {Path(info.filename).name.lower(): info for info in archive.infolist() if not info.is_dir()}
            if "sdn.csv" not in members:
                raise FileRejected("a zip archive must hold the OFAC files sdn.csv (and alt.csv, add.csv)")
            wanted = [members[name] for name in OFAC_FILES if name in members]
            if sum(info.file_size for info in wanted) > MAX_UNZIPPED_BYTES:
                raise FileRejected(f"the archive's files expand beyond {MAX_UNZIPPED_BYTES // 2**20} MB")
            try:
                _extract(archive, wanted, folder)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise FileRejected(f"the zip archive cannot be read: {exc}") from None
        return folder
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(file_name).name) or "upload"
    target = folder / safe
    target.write_bytes(content)
    return target


def _extract(archive: zipfile.ZipFile, wanted: list[zipfile.ZipInfo], folder: Path) -> None:
    """Write the wanted members under their fixed names, streamed in chunks against a budget: the sizes an
    archive declares may lie (a zip bomb), so nothing is trusted until it has been read."""
    budget = MAX_UNZIPPED_BYTES
    for info in wanted:
        with archive.open(info) as member, (folder / Path(info.filename).name.lower()).open("wb") as out:
            while chunk := member.read(1 << 20):
                budget -= len(chunk)
                if budget < 0:
                    raise FileRejected(f"the archive's files expand beyond {MAX_UNZIPPED_BYTES // 2**20} MB")
                out.write(chunk)


def read_persons(list_name: str, file_name: str, content: bytes) -> Parsed:
    with tempfile.TemporaryDirectory(prefix="openbmis-watchlist-") as tmp:
        path = _write_upload(Path(tmp), file_name, content)
        try:
            result = screening.load_watchlist(path, list_name)
        except screening.ScreeningError as exc:
            raise FileRejected(exc.message) from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileRejected(f"unreadable file: {exc}") from None
    parsed = Parsed(format=result.format)
    parsed.errors = [problem(e.location, e.message, e.field, e.found) for e in result.errors]
    parsed.warnings = [problem(e.location, e.message, e.field, e.found) for e in result.warnings]
    seen: set[str] = set()
    for entry in result.entries:
        if entry.list_name != list_name:
            parsed.errors.append(problem(f"id {entry.id}", f"the row names list {entry.list_name!r}, but this "
                                         f"file is imported into {list_name!r}", "list", entry.list_name))
            continue
        if entry.id in seen:
            parsed.errors.append(problem(f"id {entry.id}", "duplicate id", "id", entry.id))
            continue
        seen.add(entry.id)
        parsed.records.append(_person_record(entry))
    return parsed


# ----------------------------------------------------------------------------------------------- documents
def document_key(number: str) -> str:
    """The number as compared: upper case, without spaces, hyphens or filler."""
    return re.sub(r"[\s\-<./]", "", number.upper())


def read_documents(file_name: str, content: bytes) -> Parsed:
    """The documents CSV: ``id,issuing_state,number,status,document_type,reported_on,remarks``."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"the file is not UTF-8 text (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = {"issuing_state", "number", "status"} - set(header)
    unknown = set(header) - set(DOCUMENT_COLUMNS)
    if missing or unknown:
        raise FileRejected(f"documents CSV header: missing {sorted(missing)}, unknown {sorted(unknown)}; "
                           f"expected the columns {','.join(DOCUMENT_COLUMNS)}")
    reader.fieldnames = header
    parsed = Parsed(format="documents-csv")
    name = Path(file_name).name
    seen: set[str] = set()
    try:
        for row in reader:
            location = f"{name}:{reader.line_num}"
            if None in row:
                parsed.errors.append(problem(location, "more cells than header columns", "row"))
                continue
            get = {k: (v or "").strip() for k, v in row.items()}
            state = get["issuing_state"].upper()
            number = document_key(get["number"])
            status = get["status"].lower()
            if mrz.lookup_state(state) is None:
                parsed.errors.append(problem(location, "unknown issuing state (ICAO 9303 three-letter code)",
                                             "issuing_state", state))
                continue
            if not number or not number.isalnum():
                parsed.errors.append(problem(location, "document number must be letters and digits",
                                             "number", get["number"]))
                continue
            if status not in DOCUMENT_STATUSES:
                parsed.errors.append(problem(location, f"status must be one of {', '.join(DOCUMENT_STATUSES)}",
                                             "status", get["status"]))
                continue
            reported = get.get("reported_on", "")
            if reported:
                try:
                    date.fromisoformat(reported)
                except ValueError:
                    parsed.errors.append(problem(location, "reported_on must be YYYY-MM-DD", "reported_on",
                                                 reported))
                    continue
            external_id = get.get("id") or f"{state}-{number}"
            if external_id in seen:
                parsed.errors.append(problem(location, "duplicate id", "id", external_id))
                continue
            seen.add(external_id)
            data = {"issuing_state": state, "number": number, "status": status,
                    "document_type": get.get("document_type", "").upper()[:2], "reported_on": reported,
                    "remarks": get.get("remarks", "")}
            parsed.records.append(Record(external_id=external_id[:100], name=f"{state} {number}", data=data))
    except csv.Error as exc:
        raise FileRejected(f"CSV error at line {reader.line_num}: {exc}") from None
    return parsed


def read_file(kind: str, list_name: str, file_name: str, content: bytes) -> Parsed:
    """Read an upload for a list of ``kind``; raises :class:`FileRejected` when the file cannot be read."""
    if not content:
        raise FileRejected("the file is empty")
    if kind == "documents":
        return read_documents(file_name, content)
    return read_persons(list_name, file_name, content)
