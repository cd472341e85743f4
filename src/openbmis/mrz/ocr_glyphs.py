"""Telling O from 0 (and I/1, Z/2, S/5, G/6, B/8) by comparing glyphs within one document.

A text recogniser trained on general print reads OCR-B's ``O`` and ``0`` alike (and sometimes I/1...). In names, dates and
state codes the field type settles it (the parser's repair), and in a document number a check digit
usually does; but when two positions of the same 7-3-1 weight both show a round glyph, the check digit
cannot say which is the letter. The document itself can: its dates and check digits print zeros, its
names and state codes print letters O, in the very same typeface, size, blur and tilt. This module cuts
the MRZ strip into character cells (the MRZ is fixed pitch), averages the certain zeros and the certain
Os into two prototypes, and tells which of them each uncertain round glyph resembles more; likewise for
the other look-alike pairs.

Only a suggestion: :mod:`openbmis.mrz.ocr` accepts it when the parser then finds every check digit
valid, and without both prototypes of a pair in the document nothing is suggested for that pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .layouts import LAYOUTS
from .model import MRZFormat

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["PAIRS", "glyph_suggestions"]

#: The look-alikes of OCR-B that a check digit may fail to separate (those of the parser's repair).
PAIRS = {
    "O": "0",
    "0": "O",
    "I": "1",
    "1": "I",
    "Z": "2",
    "2": "Z",
    "S": "5",
    "5": "S",
    "G": "6",
    "6": "G",
    "B": "8",
    "8": "B",
}

_CELL_W, _CELL_H = 16, 24  # cells are resampled to this size before comparison
_DIGIT_FIELDS = frozenset(
    {
        "birth_date",
        "expiry_date",
        "birth_date_check_digit",
        "expiry_date_check_digit",
        "document_number_check_digit",
        "optional_data_check_digit",
        "composite_check_digit",
    }
)
_LETTER_FIELDS = frozenset({"names", "issuing_state", "nationality", "document_code"})
_OPEN_FIELDS = frozenset({"document_number", "optional_data", "optional_data_2"})


def _cells(strip: NDArray[np.uint8], count: int) -> list[NDArray[np.float32 | np.float64]] | None:
    """``count`` fixed-pitch character cells of a BGR line strip, each unit-normed.

    Each cell is aligned on its own glyph: centred on the ink's columns and resting on its lowest ink
    row (the baseline, shared by letters and digits), with one height from the character pitch, so what
    differs between two glyphs (their tops, their widths) stays visible after a residual tilt.
    """
    import numpy as np

    gray = strip.astype(np.float32).mean(axis=2)
    low, high = np.percentile(gray, [2, 98])
    if high - low < 40:  # no contrast: nothing to compare
        return None
    darkness = high - gray  # ink is high
    ink = gray < (low + high) / 2
    columns = np.nonzero(ink.sum(axis=0) >= 2)[0]
    if len(columns) < count:
        return None
    left, right = float(columns[0]), float(columns[-1] + 1)
    pitch = (right - left) / count
    if pitch < 4:
        return None
    boxes: list[tuple[float, int, int] | None] = []
    for i in range(count):
        a, b = int(round(left + i * pitch)), int(round(left + (i + 1) * pitch))
        window = ink[:, a:b]
        rows, cols = np.nonzero(window)
        if len(rows) < 4:
            boxes.append(None)
            continue
        boxes.append((a + float(cols.mean()), int(rows.min()), int(rows.max())))
    # One height for every line of the document, from the pitch (OCR-B glyphs are about one pitch
    # high): a height taken from each line's own glyphs would scale a line of digits differently from
    # a line of letters and hide exactly the difference sought.
    height = pitch * 1.3
    cells: list[NDArray[np.float32 | np.float64]] = []
    for box in boxes:
        if box is None:
            cells.append(np.zeros((_CELL_H, _CELL_W), dtype=np.float32))
            continue
        centre, _top, bottom = box
        xs = np.clip(np.linspace(centre - pitch / 2, centre + pitch / 2, _CELL_W), 0, gray.shape[1] - 1)
        ys = np.clip(np.linspace(bottom + 1 - height, bottom, _CELL_H), 0, gray.shape[0] - 1)
        cell = darkness[ys.round().astype(int)[:, None], xs.round().astype(int)[None, :]]
        cell = cell - cell.mean()
        norm = float(np.linalg.norm(cell))
        cells.append(cell / norm if norm > 0 else cell)
    return cells


def _similarity(cell: NDArray[np.float32 | np.float64], prototype: NDArray[np.float32 | np.float64]) -> float:
    """Best correlation of ``cell`` with ``prototype`` over shifts of one resampled pixel."""
    import numpy as np

    best = -1.0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            shifted = np.roll(np.roll(cell, dy, axis=0), dx, axis=1)
            best = max(best, float((shifted * prototype).sum()))
    return best


def glyph_suggestions(
    fmt: MRZFormat, lines: list[str], strips: list[NDArray[np.uint8]]
) -> list[tuple[int, int, str, float]]:
    """Where a character of a document number or optional data looks like its OCR look-alike.

    ``lines`` are the normalised OCR lines (each exactly the format's length) and ``strips`` the line
    images they were read from. For each pair of :data:`PAIRS` the certain glyphs of the document (a
    pair's digit printed in a date or check digit, its letter in a name or state code) are averaged
    into prototypes; a glyph of an alphanumeric field read as either is compared with both. Returns
    ``(line, column, suggested character, margin)`` where the other prototype fits better, the
    clearest first; pairs lacking either prototype are left alone.
    """
    import numpy as np

    layout = LAYOUTS.get(fmt)
    if layout is None or len(lines) != layout.line_count or len(strips) != len(lines):
        return []
    names = layout.cell_names()
    per_line = [_cells(strip, len(text)) for strip, text in zip(strips, lines, strict=True)]
    samples: dict[str, list[NDArray[np.float32 | np.float64]]] = {}
    uncertain: list[tuple[int, int, str]] = []
    for li, (text, cells) in enumerate(zip(lines, per_line, strict=True)):
        if cells is None or len(text) != layout.line_length:
            continue
        for col, char in enumerate(text):
            if char not in PAIRS:
                continue
            field = names[li][col]
            if field in _DIGIT_FIELDS:
                samples.setdefault(char if char.isdigit() else PAIRS[char], []).append(cells[col])
            elif field in _LETTER_FIELDS:
                samples.setdefault(char if char.isalpha() else PAIRS[char], []).append(cells[col])
            elif field in _OPEN_FIELDS:
                uncertain.append((li, col, char))
    prototypes = {char: np.mean(cells, axis=0) for char, cells in samples.items()}
    out: list[tuple[int, int, str, float]] = []
    for li, col, char in uncertain:
        other = PAIRS[char]
        cells = per_line[li]
        if cells is None or char not in prototypes or other not in prototypes:
            continue
        as_read = _similarity(cells[col], prototypes[char])
        as_other = _similarity(cells[col], prototypes[other])
        if as_other > as_read:
            out.append((li, col, other, as_other - as_read))
    return sorted(out, key=lambda s: -s[3])
