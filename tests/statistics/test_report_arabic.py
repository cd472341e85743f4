"""The monthly report in Arabic: printed in the shipped font that has the glyphs, letters joined, right aligned."""

from __future__ import annotations

from datetime import date

import arabic_reshaper
import pypdfium2
import pytest
from django.utils import translation
from reportlab.pdfbase import pdfmetrics

from openbmis.borderposts.models import BorderPost
from openbmis.core import pdf as pdfkit
from openbmis.statistics import reports, services

# "Border crossing of the port": Arabic letters that join (their isolated code points are U+0600-U+06FF).
ARABIC_NAME = "معبر الميناء"
PRESENTATION_FORMS = range(0xFB50, 0xFF00)


@pytest.fixture
def arabic_report(traffic, analyst):
    services.rebuild("test")
    post = BorderPost.objects.order_by("code").first()
    BorderPost.objects.filter(pk=post.pk).update(name=ARABIC_NAME)  # test data: a post named in Arabic
    with translation.override("ar"):
        document, _filters = reports.generate(analyst, date(2026, 2, 1), None)
    return document, post.code


def _pages(document: bytes) -> list[tuple[str, object]]:
    pdf = pypdfium2.PdfDocument(document)
    return [(page.get_textpage().get_text_range(), page) for page in pdf]


def _heading_page(document: bytes, code: str) -> tuple[str, object]:
    """The page of the post named in Arabic (its heading is the post code and the name)."""
    found = next(((text, page) for text, page in _pages(document) if text.startswith(code) and "معبر" in text), None)
    assert found, f"no page starts with the heading {code} and the Arabic name"
    return found


def test_the_arabic_name_is_drawn_in_visual_order_in_the_shipped_font(arabic_report):
    document, code = arabic_report
    assert b"DejaVuSans" in document, "the report must embed the shipped font"
    text, _page = _heading_page(document, code)
    # Drawn right to left: the first word of the name is the rightmost, so a reader of the drawn text sees the
    # words swapped (the text extractor gives each word's letters back in logical order).
    assert text.startswith(f"{code} الميناء معبر"), text[:60]
    # Every joined form the name needs is in the shipped font (a missing one would print as an empty box).
    pdfkit.register_fonts()
    cmap = pdfmetrics.getFont(pdfkit.REGULAR).face.charToGlyph
    joined = {c for c in arabic_reshaper.reshape(ARABIC_NAME) if c != " "}
    assert any(ord(c) in PRESENTATION_FORMS for c in joined)
    missing = sorted(f"U+{ord(c):04X}" for c in joined if ord(c) not in cmap)
    assert not missing, f"glyphs the shipped font lacks: {missing}"


def test_the_arabic_heading_renders_as_ink_on_the_right(arabic_report):
    """Rendered to an image, the heading band has dark pixels, more on the right half (right-aligned) than left."""
    document, code = arabic_report
    _text, page = _heading_page(document, code)
    image = page.render(scale=1).to_pil().convert("L")  # type: ignore[attr-defined]
    width, height = image.size
    band = image.crop((0, int(height * 0.03), width, int(height * 0.12)))  # the heading, under the top margin
    pixels = band.load()
    dark_right = sum(1 for x in range(width // 2, width) for y in range(band.size[1]) if pixels[x, y] < 128)
    dark_left = sum(1 for x in range(0, width // 2) for y in range(band.size[1]) if pixels[x, y] < 128)
    assert dark_right > 200, f"the Arabic heading left no ink ({dark_right} dark pixels)"
    assert dark_right > dark_left, (dark_right, dark_left)


def _ink_of(drawing, colour) -> list[int]:
    """The x of every pixel drawn in ``colour`` (the bars or lines of one series) once the drawing is rendered."""
    from reportlab.graphics import renderPDF

    image = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))[0].render(scale=1).to_pil().convert("RGB")
    pixels, (width, height) = image.load(), image.size
    r, g, b = (int(c * 255) for c in colour.rgb())
    return [x for x in range(width) for y in range(height)
            if abs(pixels[x, y][0] - r) < 30 and abs(pixels[x, y][1] - g) < 30 and abs(pixels[x, y][2] - b) < 30]


def _table(keys, rows):
    from openbmis.statistics import queries

    return queries.Table(keys=keys, measures=["entries", "exits"],
                         rows=[({keys[0]: k}, {"entries": a, "exits": b}) for k, a, b in rows], totals={})


def test_the_bars_grow_from_the_right_in_arabic():
    """Issue 20: charts laid out for right to left. The same table's bars start at the plot's left edge in
    English and at its right edge in Arabic (the longest bar reaches the far side)."""
    pdfkit.register_fonts()
    table = _table(["nationality"], [("KEN", 900, 10), ("TZA", 100, 10), ("UGA", 50, 10)])
    with translation.override("en"):
        english = _ink_of(reports._bar_chart(table), reports.ARRIVALS)
    with translation.override("ar"):
        arabic = _ink_of(reports._bar_chart(table), reports.ARRIVALS)
    assert english and arabic
    width = 170 * 72 / 25.4
    # bars anchored left in English: they start left of the middle; in Arabic they end right of the middle
    assert min(english) > width * 0.25 and max(arabic) < width * 0.75
    english_anchor, arabic_anchor = min(english), max(arabic)
    assert sum(1 for x in english if x < english_anchor + 3) > 20  # every bar starts at one x
    assert sum(1 for x in arabic if x > arabic_anchor - 3) > 20  # every bar ends at one x
    assert sum(arabic) / len(arabic) > width * 0.3 and sum(english) / len(english) > sum(arabic) / len(arabic)


def test_the_days_run_from_right_to_left_in_arabic():
    """The arrivals line climbs over the month: in English its highest point is on the right, in Arabic on the
    left (the first day is on the right)."""
    pdfkit.register_fonts()
    table = _table(["day"], [(f"2026-02-{d:02d}", d * 10, 5) for d in range(1, 29)])

    def peak_side(language):
        from reportlab.graphics import renderPDF
        from reportlab.graphics.charts.legends import Legend

        with translation.override(language):
            drawing = reports._line_chart(table)
        for part in [p for p in drawing.contents if isinstance(p, Legend)]:  # its swatch has the line's colour
            drawing.contents.remove(part)

        image = pypdfium2.PdfDocument(renderPDF.drawToString(drawing))[0].render(scale=1).to_pil().convert("RGB")
        pixels, (width, height) = image.load(), image.size
        r, g, b = (int(c * 255) for c in reports.ARRIVALS.rgb())
        top = min(y for x in range(width) for y in range(height)
                  if abs(pixels[x, y][0] - r) < 30 and abs(pixels[x, y][1] - g) < 30 and abs(pixels[x, y][2] - b) < 30)
        xs = [x for x in range(width) if abs(pixels[x, top][0] - r) < 30 and abs(pixels[x, top][1] - g) < 30
              and abs(pixels[x, top][2] - b) < 30]
        return "right" if sum(xs) / len(xs) > width / 2 else "left"

    assert peak_side("en") == "right" and peak_side("ar") == "left"
