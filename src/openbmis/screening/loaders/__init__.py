"""Watchlist loaders: each returns a :class:`LoadResult` (entries, rejected rows, warnings) and applies nothing.

Formats: UN SC Consolidated List XML (:func:`load_un_xml`), OFAC SDN legacy CSV (:func:`load_ofac_csv`),
OpenSanctions FollowTheMoney JSON (:func:`load_ftm_json`) and the OpenBMIS CSV template
(:func:`load_template_csv`). :func:`load_watchlist` recognises the format of a path.
"""

from __future__ import annotations

from pathlib import Path

from openbmis.screening.errors import FormatError
from openbmis.screening.loaders.common import LoadResult
from openbmis.screening.loaders.ftm import entry_from_ftm, load_ftm_json
from openbmis.screening.loaders.ofac import load_ofac_csv, parse_remarks
from openbmis.screening.loaders.template import TEMPLATE_COLUMNS, load_template_csv
from openbmis.screening.loaders.un import load_un_xml

__all__ = [
    "TEMPLATE_COLUMNS",
    "LoadResult",
    "detect_format",
    "entry_from_ftm",
    "load_ftm_json",
    "load_ofac_csv",
    "load_template_csv",
    "load_un_xml",
    "load_watchlist",
    "parse_remarks",
]


def detect_format(path: str | Path) -> str:
    """``un-sc-xml``, ``ofac-sdn-csv``, ``ftm-json`` or ``openbmis-csv``, from the file's name and first bytes."""
    p = Path(path)
    if p.is_dir():
        if (p / "sdn.csv").is_file():
            return "ofac-sdn-csv"
        raise FormatError(
            f"no sdn.csv in folder {p}", field="path", expected="folder with sdn.csv", found=str(p)
        )
    if not p.is_file():
        raise FormatError(f"no such file {p}", field="path", expected="a file", found=str(p))
    with p.open("rb") as fh:
        head = fh.read(2048).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        if b"CONSOLIDATED_LIST" in head:
            return "un-sc-xml"
        raise FormatError(
            "XML that is not a UN consolidated list", field="format", expected="CONSOLIDATED_LIST"
        )
    if head.startswith((b"{", b"[")):
        return "ftm-json"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    cells = [c.strip().strip('"') for c in first.split(",")]
    if "id" in cells and "name" in cells:
        return "openbmis-csv"
    if p.name.lower() == "sdn.csv" or (cells and cells[0].isdigit() and len(cells) >= 12):
        return "ofac-sdn-csv"
    raise FormatError(f"cannot tell the watchlist format of {p.name}", field="format",
                      expected="UN XML, OFAC sdn.csv, FtM JSON or the CSV template", found=first[:60])  # fmt: skip


def load_watchlist(path: str | Path, list_name: str | None = None) -> LoadResult:
    """Load any supported watchlist file (list name defaults to the format's usual name)."""
    fmt = detect_format(path)
    if fmt == "un-sc-xml":
        return load_un_xml(path, list_name or "un-sc")
    if fmt == "ofac-sdn-csv":
        return load_ofac_csv(path, list_name or "ofac-sdn")
    if fmt == "ftm-json":
        return load_ftm_json(path, list_name or "opensanctions")
    return load_template_csv(path, list_name or Path(path).stem)
