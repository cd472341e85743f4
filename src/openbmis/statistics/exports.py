"""Exports of a statistics table: CSV and XLSX, with exactly the cells the screen shows."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from openbmis.core.spreadsheet import SafeWriter, xlsx_append


def to_csv(title: str, headers: list[str], rows: list[list[Any]], notes: list[str]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read accents right; no cell reads as a formula."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    for note in notes:
        writer.writerow([f"# {note}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: list[str], rows: list[list[Any]], notes: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31] or "statistics"
    xlsx_append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    sheet.freeze_panes = "A2"
    notes_sheet = workbook.create_sheet("notes")
    for note in notes:
        xlsx_append(notes_sheet, [note])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
