"""What every PDF the application prints shares: a shipped font with Arabic glyphs, and right-to-left text.

reportlab's built-in fonts (Helvetica) have no Arabic, and it lays text out left to right letter by letter. The
reports therefore print in DejaVu Sans (vendored in core/fonts with its licence: posts are offline) and pass every
text through ``shape``: in a right-to-left language the Arabic letters are joined (arabic-reshaper) and the line is
put in visual order (python-bidi), so numbers, dates and document numbers stay left to right inside it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from arabic_reshaper import reshape
from bidi import get_display
from django.utils.translation import get_language_bidi
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> None:
    """Make the shipped fonts known to reportlab (once per process)."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def styles() -> Any:
    """reportlab's sample stylesheet in the shipped fonts, right-aligned in a right-to-left language."""
    register_fonts()
    sheet = getSampleStyleSheet()
    rtl = get_language_bidi()
    for style in sheet.byName.values():
        if not hasattr(style, "fontName"):
            continue
        style.fontName = BOLD if "Bold" in style.fontName else REGULAR
        if rtl and getattr(style, "alignment", None) != 1:  # centred titles stay centred
            style.alignment = TA_RIGHT
    return sheet


def shape(text: str) -> str:
    """``text`` as reportlab must draw it in the active language (joined Arabic letters, visual order)."""
    if not get_language_bidi():
        return text
    return str(get_display(reshape(text)))


def axis_on_the_right(axis: Any, join: Any) -> None:
    """Stand a chart's ``axis`` on the right of the plot, its labels to its right (a right-to-left chart)."""
    axis.joinAxis = join
    axis.joinAxisMode = "right"
    axis.labels.boxAnchor = "w"
    axis.labels.dx = 4


def bars_from_the_right(chart: Any) -> None:
    """Mirror a horizontal bar chart for a right-to-left reader: bars grow from the right, labels on the right."""
    chart.valueAxis.reverseDirection = 1
    axis_on_the_right(chart.categoryAxis, chart.valueAxis)


def mirrored(rows: list[list[Any]]) -> list[list[Any]]:
    """A table's rows with their cells in reading order: reversed in a right-to-left language."""
    return [list(reversed(row)) for row in rows] if get_language_bidi() else rows
