"""Synthetic document images with an MRZ, for the OCR tests and benchmark.

An MRZ built with :func:`openbmis.mrz.make` from random valid fields is printed in OCR-B (the typeface
ICAO Doc 9303 Part 3 prescribes; Debian's ``fonts-ocr-b`` package) at the foot of a light,
document-like page with a faint guilloche pattern and some visual-zone text, then degraded as a
camera or a cheap scanner would: rotation, Gaussian blur, sensor noise and JPEG compression. Every
random choice comes from one seed, so an image set is reproducible.

Needs Pillow and numpy (the ``ocr`` extra).
"""

from __future__ import annotations

import io
import math
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .model import MRZFields, MRZFormat
from .writer import make

if TYPE_CHECKING:
    from PIL import Image, ImageFont

__all__ = [
    "OCRB_FONT_ENV",
    "Degradation",
    "SyntheticMRZ",
    "find_ocrb_font",
    "random_fields",
    "render",
    "synthesise",
]

#: Environment variable naming an OCR-B font file, searched before the Debian paths.
OCRB_FONT_ENV = "OPENBMIS_OCRB_FONT"

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ocr-b/OCRB.otf",  # Debian/Ubuntu fonts-ocr-b
    "/usr/share/fonts/truetype/ocr-b/OCRB.ttf",
    "/usr/share/fonts/OTF/OCRB.otf",
)

# Fictitious names: syllables combined at random, so no real person is printed.
_SYLLABLES = (
    "AN", "BE", "CO", "DA", "EL", "FA", "GO", "HA", "IN", "JO", "KA", "LI", "MA", "NO", "OL", "PE",
    "RA", "SA", "TE", "UL", "VI", "WE", "YA", "ZO", "MAR", "TIN", "SON", "BER", "LEN", "KOV",
)  # fmt: skip
_CODES = {"TD1": ("I", "ID", "AC", "IR"), "TD2": ("I", "ID", "IP"), "TD3": ("P", "PP", "PD")}
_STATES = ("UTO", "D", "FRA", "GBR", "KEN", "NGA", "IND", "BRA", "USA", "CHN", "EGY", "PHL", "RKS", "EUE")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True, slots=True)
class Degradation:
    """How an image is spoilt after rendering (all zero: a clean scan)."""

    rotation_deg: float = 0.0  # the absolute angle; the sign is drawn at random
    blur_radius: float = 0.0  # Gaussian blur radius in pixels
    noise_sigma: float = 0.0  # standard deviation of additive Gaussian noise, 0-255 scale
    jpeg_quality: int = 95


@dataclass(frozen=True, slots=True)
class SyntheticMRZ:
    """One generated image and the truth it shows."""

    fields: MRZFields
    mrz: str  # the lines printed, joined by "\\n"
    image: bytes  # JPEG
    degradation: Degradation


def find_ocrb_font() -> Path | None:
    """The OCR-B font file: ``$OPENBMIS_OCRB_FONT``, else Debian's ``fonts-ocr-b``; None when absent."""
    override = os.environ.get(OCRB_FONT_ENV)
    for candidate in ((override,) if override else ()) + _FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    return None


def _name(rng: random.Random, parts: int) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(parts))


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(n))


def random_fields(rng: random.Random, fmt: MRZFormat, *, today: date) -> MRZFields:
    """Random valid fields for ``fmt`` (TD1, TD2 or TD3): fictitious names, real state codes."""
    issuer = rng.choice(_STATES)
    birth = today - timedelta(days=rng.randint(365, 90 * 365))
    expiry = today + timedelta(days=rng.randint(-2 * 365, 10 * 365))
    number_length = 9 if fmt == "TD3" or rng.random() < 0.8 else rng.randint(10, 12)
    optional_room = {"TD1": 15, "TD2": 7, "TD3": 14}[fmt]
    if number_length > 9:  # the continuation, its check digit and a filler come first (Parts 5, 6)
        optional_room -= number_length - 9 + 2
    optional = _alnum(rng, rng.randint(0, min(optional_room, 9))) if rng.random() < 0.5 else ""
    return MRZFields(
        format=fmt,
        document_code=rng.choice(_CODES[fmt]),
        issuing_state=issuer,
        document_number=_alnum(rng, number_length),
        primary_identifier=_name(rng, rng.choice((1, 1, 2))),
        secondary_identifier=_name(rng, rng.choice((1, 2, 2, 3))),
        nationality=issuer if rng.random() < 0.8 else rng.choice(_STATES),
        birth_date=birth,
        sex=rng.choice("MFX"),
        expiry_date=expiry,
        optional_data=optional,
    )


def _background(rng: random.Random, width: int, height: int) -> Image.Image:
    """A light page: a soft colour gradient under a faint guilloche of sine waves."""
    import numpy as np
    from PIL import Image, ImageDraw

    base = np.array([rng.randint(225, 250), rng.randint(225, 250), rng.randint(215, 245)], dtype=np.float32)
    tint = np.array([rng.randint(-20, 5) for _ in range(3)], dtype=np.float32)
    ramp = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(base[None, None, :] + ramp * tint[None, None, :], 0, 255)
    page = Image.fromarray(np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(page)
    colour = tuple(int(c) - rng.randint(15, 35) for c in base)
    for k in range(rng.randint(6, 14)):
        amplitude = rng.uniform(5, 40)
        period = rng.uniform(80, 300)
        phase = rng.uniform(0, 2 * math.pi)
        y0 = rng.uniform(0, height)
        points = [
            (x, y0 + amplitude * math.sin(x / period * 2 * math.pi + phase + k)) for x in range(0, width, 6)
        ]
        draw.line(points, fill=colour, width=1)  # type: ignore[arg-type]
    return page


def render(
    mrz: str,
    *,
    seed: int,
    degradation: Degradation = Degradation(),
    font_path: Path | None = None,
    char_px: int = 20,
) -> bytes:
    """A JPEG of a document page whose foot carries ``mrz`` in OCR-B, degraded as ``degradation`` says.

    ``char_px`` is the character pitch in pixels (Doc 9303: 10 characters per inch, so 20 px is a
    camera image at about 200 dpi). Raises FileNotFoundError when no OCR-B font is found.
    """
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font_file = font_path or find_ocrb_font()
    if font_file is None:
        raise FileNotFoundError("OCR-B font not found: install Debian's fonts-ocr-b or set " + OCRB_FONT_ENV)
    rng = random.Random(seed)
    lines = mrz.split("\n")
    width_chars = max(len(line) for line in lines)
    font = _fit_font(font_file, char_px)
    margin = 3 * char_px
    line_px = int(char_px * 2.1)  # Doc 9303 line pitch 4.23 mm against 2.54 mm character pitch
    width = width_chars * char_px + 2 * margin
    visual_height = int(width * rng.uniform(0.35, 0.5))
    height = visual_height + len(lines) * line_px + margin
    page = _background(rng, width, height)
    draw = ImageDraw.Draw(page)

    # Visual zone: a photo placeholder and a few labels, so the MRZ is not the only text on the page.
    label_font = ImageFont.truetype(str(font_file), max(10, char_px * 3 // 5))
    photo = (margin, margin // 2, margin + visual_height * 2 // 3, visual_height - margin // 3)
    draw.rectangle(photo, fill=tuple(rng.randint(150, 200) for _ in range(3)))
    x = photo[2] + margin
    for i, label in enumerate(("SURNAME / NOM", "GIVEN NAMES", "NATIONALITY", "DATE OF BIRTH")):
        y = margin // 2 + i * (visual_height - margin) // 4
        draw.text((x, y), label, font=label_font, fill=(90, 90, 110))
        draw.text((x, y + char_px * 3 // 4), _name(rng, 1), font=label_font, fill=(20, 20, 30))

    ink = tuple(rng.randint(0, 40) for _ in range(3))
    for i, line in enumerate(lines):
        y = visual_height + i * line_px
        for j, char in enumerate(line):  # fixed pitch, as printed, whatever the font's own advance
            draw.text((margin + j * char_px, y), char, font=font, fill=ink)

    if degradation.rotation_deg:
        angle = degradation.rotation_deg * rng.choice((-1, 1))
        fill = tuple(int(v) for v in np.asarray(page)[0, 0])
        page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    if degradation.blur_radius:
        page = page.filter(ImageFilter.GaussianBlur(degradation.blur_radius))
    if degradation.noise_sigma:
        noise = np.random.default_rng(seed).normal(0.0, degradation.noise_sigma, (page.height, page.width, 1))
        page = Image.fromarray(np.clip(np.asarray(page, dtype=np.float32) + noise, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=degradation.jpeg_quality)
    return out.getvalue()


def _fit_font(font_file: Path, char_px: int) -> ImageFont.FreeTypeFont:
    """The OCR-B size whose glyph advance is ``char_px`` (OCR-B advances are 0.6 em)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_file), round(char_px / 0.6))


def synthesise(
    seed: int,
    *,
    fmt: MRZFormat | None = None,
    degradation: Degradation = Degradation(),
    today: date = date(2026, 1, 1),
    font_path: Path | None = None,
    char_px: int = 20,
) -> SyntheticMRZ:
    """One image with the MRZ of random valid fields (``fmt`` or one of TD1, TD2, TD3 at random)."""
    rng = random.Random(seed)
    formats: tuple[MRZFormat, ...] = ("TD1", "TD2", "TD3")
    chosen = fmt if fmt is not None else rng.choice(formats)
    fields = random_fields(rng, chosen, today=today)
    mrz = make(fields)
    image = render(mrz, seed=seed, degradation=degradation, font_path=font_path, char_px=char_px)
    return SyntheticMRZ(fields=fields, mrz=mrz, image=image, degradation=degradation)
