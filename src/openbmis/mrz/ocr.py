"""MRZ from a camera or scanner image (the optional ``ocr`` extra: ``pip install openbmis[ocr]``).

Many land posts have no document reader, only a webcam or a phone. :func:`scan` finds the machine
readable zone in a photo or scan of a data page, reads it and hands the lines to
:func:`openbmis.mrz.parse`, whose check-digit-verified OCR repair then corrects what the OCR confused.

How it reads:

1. The image is decoded with Pillow (EXIF orientation applied) and capped in size.
2. RapidOCR's text detector (PP-OCRv6, an ONNX model shipped inside the ``rapidocr`` wheel: nothing
   is downloaded, ever) finds text lines. The MRZ band is told apart by its shape: MRZ lines are the
   longest, thinnest boxes, of similar length and angle, stacked at the foot of the page.
3. Each candidate line is cut out along its own (possibly rotated) box and read by the recogniser.
4. The text is normalised to the MRZ alphabet (full-width forms, ``«`` for ``<<``, other filler
   look-alikes, white space removed). Lines whose length is off by a filler or two (a long run of
   ``<`` is the hardest thing for an OCR to count) are padded or trimmed at each run of fillers, and
   the variant that :func:`~openbmis.mrz.parse` finds valid, or failing that with the fewest errors,
   is kept.

The OCR stack (numpy, Pillow, rapidocr, onnxruntime) is imported on first use only, so
``import openbmis.mrz`` and this module stay light; without the extra, :func:`scan` raises
:class:`OCRUnavailableError`.

Sources: ICAO Doc 9303 Part 3 (OCR-B, MRZ print zone and character pitch), Parts 4-7 (line lengths);
RapidOCR (Apache-2.0) and the PP-OCR models of PaddleOCR (Apache-2.0).
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypedDict

from .errors import MRZError
from .model import MRZResult, MRZResultRecord
from .parser import DEFAULT_EXPIRY_HORIZON_YEARS, parse

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Protocol

    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

    class _Engine(Protocol):
        """What :func:`scan` uses of a RapidOCR instance: one call per image, its output read by name."""

        def __call__(
            self, img: NDArray[np.uint8], /, use_det: bool | None = ..., use_cls: bool | None = ...,
            use_rec: bool | None = ...,
        ) -> object: ...

__all__ = [
    "MAX_IMAGE_PIXELS",
    "ImageReadError",
    "MRZNotFoundError",
    "OCRError",
    "OCRLine",
    "OCRUnavailableError",
    "ScanResult",
    "engine_info",
    "normalise_line",
    "scan",
]

#: Larger images are refused (a decompression bomb, or not a camera picture of a document).
MAX_IMAGE_PIXELS = 60_000_000
# Images are scaled down to this longest side before anything else: a 12-megapixel phone photo holds
# far more pixels than the MRZ needs, and detection cost grows with area.
_WORKING_SIDE = 2400
# The detector sees the page at this longest side; MRZ characters stay > 10 px high on an ID card
# that fills the frame.
_DETECT_SIDE = 960

_LINE_LENGTHS = {3: (30,), 2: (36, 44)}  # lines in the MRZ -> their possible length
_MAX_LENGTH_FIX = 3  # fillers added or removed per line at most


class OCRError(MRZError):
    """Base of the errors of :func:`scan` (an :class:`~openbmis.mrz.MRZError`, so a ``ValueError``)."""


class ImageReadError(OCRError):
    """The file is not an image that can be decoded (garbage bytes, another file type, too large)."""


class MRZNotFoundError(OCRError):
    """The image decodes, but no MRZ band could be found or read in it."""


class OCRUnavailableError(OCRError):
    """The OCR stack (the ``ocr`` extra) is not installed."""


class OCRLineRecord(TypedDict):
    """An :class:`OCRLine` as JSON (in :class:`OCRRecord`)."""

    text: str
    normalised: str
    confidence: float
    box: list[list[float]]


class OCRRecord(TypedDict):
    """How the OCR read an MRZ, as JSON: the ``ocr`` object of :meth:`ScanResult.to_dict`."""

    engine: str
    seconds: float
    timings: dict[str, float]
    image_size: list[int]
    candidates: int
    lines: list[OCRLineRecord]
    min_confidence: float


class ScanRecord(MRZResultRecord):
    """A :class:`ScanResult` as JSON: the parse JSON plus the ``ocr`` object."""

    ocr: OCRRecord


@dataclass(frozen=True, slots=True)
class OCRLine:
    """One MRZ line as the OCR read it."""

    text: str  # as recognised
    normalised: str  # in the MRZ alphabet, at the length handed to the parser
    confidence: float  # the recogniser's mean character confidence, 0-1
    box: tuple[tuple[float, float], ...]  # corners in the image, clockwise from top left

    def to_dict(self) -> OCRLineRecord:
        """A JSON-ready mapping."""
        return {
            "text": self.text,
            "normalised": self.normalised,
            "confidence": round(self.confidence, 4),
            "box": [[round(x, 1), round(y, 1)] for x, y in self.box],
        }


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What :func:`scan` read: the parsed MRZ and how the OCR got there."""

    mrz: MRZResult
    lines: tuple[OCRLine, ...]
    seconds: float  # wall time of the whole scan
    image_size: tuple[int, int]  # width, height as decoded (before any scaling)
    engine: str
    candidates: int = 0  # text lines the detector offered as possible MRZ lines
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Every check of the parsed MRZ passes (after the accepted corrections)."""
        return self.mrz.valid

    def to_dict(self) -> ScanRecord:
        """The JSON of ``openbmis mrz parse`` plus an ``ocr`` object with the reading's metadata."""
        return {
            **self.mrz.to_dict(),
            "ocr": {
                "engine": self.engine,
                "seconds": round(self.seconds, 3),
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
                "image_size": list(self.image_size),
                "candidates": self.candidates,
                "lines": [line.to_dict() for line in self.lines],
                "min_confidence": round(min((line.confidence for line in self.lines), default=0.0), 4),
            },
        }


# --- normalisation ---------------------------------------------------------------------------------

# Characters an OCR gives for the filler. «/» stand for two fillers (OCR-B "<<" looks like a guillemet).
_FILLER_LOOKALIKES = str.maketrans(
    {
        "«": "<<",
        "»": "<<",
        "‹": "<",
        "›": "<",
        "〈": "<",
        "《": "<<",
        "く": "<",
        "ㄑ": "<",
        "≤": "<",
        "⟨": "<",
    }
)
_NOT_MRZ = re.compile(r"[^A-Z0-9<]")
# OCR-B's "<" and "K" share their diagonal strokes, so a K amid fillers is often a misread filler. In a
# run of "<" and "K" holding at least three "<", the Ks inside the run (and at its end when the line ends
# there) become fillers; a K touching a letter or digit belongs to a name ("MARK<<", "<<KATE") and stays,
# as does a one-letter part between single fillers ("<K<").
_FILLER_RUN = re.compile(r"[<K]+")


def _fillers(match: re.Match[str]) -> str:
    run = match.group()
    if run.count("<") < 3:
        return run
    text = match.string
    head = len(run) - len(run.lstrip("K"))  # Ks glued to the character before the run
    tail = len(run) - len(run.rstrip("K")) if match.end() < len(text) else 0
    inner = run[head : len(run) - tail].replace("K", "<")
    return run[:head] + inner + run[len(run) - tail :]


def normalise_line(text: str) -> str:
    """One OCR line in the MRZ alphabet: upper case, look-alikes of ``<`` mapped, anything else dropped."""
    text = unicodedata.normalize("NFKC", text).translate(_FILLER_LOOKALIKES).upper()
    return _FILLER_RUN.sub(_fillers, _NOT_MRZ.sub("", text))


def _length_variants(line: str, target: int) -> list[str]:
    """``line`` brought to ``target`` characters by adding or removing fillers in one run of them.

    OCR most often miscounts a long run of ``<``; which run is wrong is not known, so every run is
    tried (and the end of the line, where trailing fillers sit), and the parser's checks decide.
    """
    delta = target - len(line)
    if delta == 0:
        return [line]
    if abs(delta) > _MAX_LENGTH_FIX:
        # Too far off to guess: cut or pad at the end so the parser still reads what it can.
        return [line[:target].ljust(target, "<")]
    runs = [(m.start(), m.end()) for m in re.finditer(r"<+", line)]
    variants: list[str] = []
    if delta > 0:
        for _start, end in runs:
            variants.append(line[:end] + "<" * delta + line[end:])
        variants.append(line + "<" * delta)
    else:
        for start, end in runs:
            if end - start >= -delta:
                variants.append(line[:start] + line[start - delta : end] + line[end:])
        variants.append(line[:target])
    return list(dict.fromkeys(variants))


def _score(result: MRZResult) -> tuple[int, int, int]:
    """Smaller is better: valid first, then fewest errors, then fewest corrections."""
    return (0 if result.valid else 1, len(result.errors), len(result.corrections))


def _best_parse(
    texts: list[str], today: date, repair: bool, horizon: int
) -> tuple[MRZResult, list[str]] | None:
    """The best reading of the MRZ lines ``texts`` (top to bottom) over their length variants."""
    best: tuple[tuple[int, int, int, int], MRZResult, list[str]] | None = None
    for target in _LINE_LENGTHS.get(len(texts), ()):
        per_line = [_length_variants(t, target) for t in texts]
        for combo in itertools.islice(itertools.product(*per_line), 512):
            try:
                result = parse("\n".join(combo), today=today, repair=repair, expiry_horizon_years=horizon)
            except MRZError:
                continue
            changes = sum(abs(len(a) - len(b)) for a, b in zip(texts, combo, strict=True))
            key = (*_score(result), changes)
            if best is None or key < best[0]:
                best = (key, result, list(combo))
            if key[:3] == (0, 0, 0) and changes == 0:
                return result, list(combo)
    return None if best is None else (best[1], best[2])


# --- the OCR engine -----------------------------------------------------------------------------------

_ENGINE_LOCK = threading.Lock()
_ENGINE: _Engine | None = None


def _rapidocr_models() -> tuple[Path, Path, Path]:
    """The detection, recognition and orientation models inside the installed rapidocr package."""
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    paths = (
        root / "PP-OCRv6_det_small.onnx",
        root / "PP-OCRv6_rec_small.onnx",
        root / "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    )
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        # Without an explicit model path rapidocr would try to download; refuse instead.
        raise OCRUnavailableError(
            f"the rapidocr package lacks its bundled models ({', '.join(missing)}); reinstall openbmis[ocr]",
            code="ocr_unavailable",
            field="engine",
            expected="rapidocr>=3.4 with PP-OCRv6 models in the wheel",
            found=", ".join(missing),
        )
    return paths


def _engine() -> _Engine:
    """The RapidOCR instance, made once (loading the models takes seconds)."""
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as error:
                raise OCRUnavailableError(
                    "MRZ reading from images needs the ocr extra: pip install 'openbmis[ocr]'",
                    code="ocr_unavailable",
                    field="engine",
                    expected="rapidocr and onnxruntime installed",
                    found=str(error),
                ) from error
            det, rec, cls = _rapidocr_models()
            _ENGINE = RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,  # MRZ lines are never upside down after our cropping
                    "Global.text_score": 0.0,  # low-confidence lines are judged by the check digits
                    "Det.model_path": str(det),
                    "Rec.model_path": str(rec),
                    "Cls.model_path": str(cls),
                    "Det.limit_type": "max",
                    "Det.limit_side_len": _DETECT_SIDE,
                }
            )
        return _ENGINE


def engine_info() -> str:
    """The OCR engine and models, for the metadata of a result."""
    try:
        from importlib.metadata import version

        return f"rapidocr {version('rapidocr')} (PP-OCRv6 small, onnxruntime {version('onnxruntime')})"
    except Exception:  # noqa: BLE001 - metadata is informative only
        return "rapidocr"


# --- the image ----------------------------------------------------------------------------------------


def _load_image(source: bytes | str | os.PathLike[str] | IO[bytes]) -> Image.Image:
    """Decode ``source`` (bytes, a path or a binary file) into an RGB image, or raise ImageReadError."""
    try:
        from PIL import Image, ImageOps
    except ImportError as error:
        raise OCRUnavailableError(
            "MRZ reading from images needs the ocr extra: pip install 'openbmis[ocr]'",
            code="ocr_unavailable",
            field="engine",
            expected="Pillow installed",
            found=str(error),
        ) from error

    def fail(reason: str, found: str | None = None) -> ImageReadError:
        return ImageReadError(
            f"cannot read the image: {reason}",
            code="unreadable_image",
            field="image",
            expected="a JPEG, PNG, TIFF, BMP or WebP image",
            found=found,
        )

    try:
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
        elif isinstance(source, str | os.PathLike):
            data = Path(source).read_bytes()
        else:
            data = source.read()
    except OSError as error:
        label = os.fspath(source) if isinstance(source, str | os.PathLike) else "the image file"
        raise fail(f"{label!s}: {error.strerror or error}", str(label)) from error
    if not data:
        raise fail("the file is empty", "0 bytes")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_IMAGE_PIXELS:
                raise fail(
                    f"{opened.width}x{opened.height} pixels is more than {MAX_IMAGE_PIXELS}",
                    f"{opened.width}x{opened.height}",
                )
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except ImageReadError:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow's decoders raise many types on garbage
        raise fail("not a decodable image", f"{len(data)} bytes, {type(error).__name__}") from error
    if min(image.size) < 16:
        raise fail("the image is too small to hold an MRZ", f"{image.width}x{image.height}")
    return image


# --- finding the MRZ band -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Box:
    corners: tuple[tuple[float, float], ...]  # tl, tr, br, bl
    width: float
    height: float
    angle: float  # radians, of the top edge
    centre: tuple[float, float]


def _box(quad: Iterable[Iterable[float]]) -> _Box:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = ((float(x), float(y)) for x, y in quad)
    width = (math.hypot(x1 - x0, y1 - y0) + math.hypot(x2 - x3, y2 - y3)) / 2
    height = (math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2
    angle = math.atan2((y1 - y0) + (y2 - y3), (x1 - x0) + (x2 - x3))
    centre = ((x0 + x1 + x2 + x3) / 4, (y0 + y1 + y2 + y3) / 4)
    return _Box(((x0, y0), (x1, y1), (x2, y2), (x3, y3)), width, height, angle, centre)


def _candidates(boxes: list[_Box]) -> list[_Box]:
    """Boxes shaped like an MRZ line: long and thin, at least half as long as the longest such box."""
    thin = [b for b in boxes if b.height > 0 and b.width / b.height >= 8]
    if not thin:
        return []
    longest = max(b.width for b in thin)
    return [b for b in thin if b.width >= 0.45 * longest]


def _crop(image: Image.Image, box: _Box) -> NDArray[np.uint8]:
    """The line under ``box``, straightened, with a little margin, as a BGR array for the recogniser."""
    import numpy as np
    from PIL import Image as PILImage

    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = box.corners
    # Widen the box along its own axis by a quarter of its height on each end: the detector's box can
    # clip the first or last character, and losing one shifts every field.
    dx, dy = math.cos(box.angle) * box.height * 0.25, math.sin(box.angle) * box.height * 0.25
    quad = (x0 - dx, y0 - dy, x3 - dx, y3 - dy, x2 + dx, y2 + dy, x1 + dx, y1 + dy)
    width = max(8, round(box.width + 2 * math.hypot(dx, dy)))
    height = max(8, round(box.height))
    strip = image.transform((width, height), PILImage.Transform.QUAD, quad, PILImage.Resampling.BICUBIC)
    return np.ascontiguousarray(np.asarray(strip)[:, :, ::-1])


def _order(boxes: list[_Box]) -> list[_Box]:
    """Top to bottom in the frame of the lines themselves (so a tilted page still orders right)."""
    angle = sum(b.angle for b in boxes) / len(boxes)
    nx, ny = -math.sin(angle), math.cos(angle)  # normal to the lines, pointing down the page
    return sorted(boxes, key=lambda b: b.centre[0] * nx + b.centre[1] * ny)


def scan(
    image: bytes | str | os.PathLike[str] | IO[bytes],
    *,
    today: date | None = None,
    repair: bool = True,
    expiry_horizon_years: int = DEFAULT_EXPIRY_HORIZON_YEARS,
) -> ScanResult:
    """Read the MRZ in a photo or scan of a travel document.

    ``image`` is the encoded file (bytes, a path or a binary file object); ``today``, ``repair`` and
    ``expiry_horizon_years`` are passed to :func:`openbmis.mrz.parse`. Returns a :class:`ScanResult`
    whether or not the MRZ read is valid. Raises :class:`ImageReadError` when the input is no
    decodable image, :class:`MRZNotFoundError` when no MRZ band is found or readable, and
    :class:`OCRUnavailableError` when the ``ocr`` extra is not installed; all are :class:`OCRError`.
    """
    started = time.perf_counter()
    picture = _load_image(image)
    size = picture.size
    if max(size) > _WORKING_SIDE:
        scale = _WORKING_SIDE / max(size)
        from PIL import Image as PILImage

        picture = picture.resize(
            (round(size[0] * scale), round(size[1] * scale)), PILImage.Resampling.LANCZOS
        )
    import numpy as np

    bgr = np.ascontiguousarray(np.asarray(picture)[:, :, ::-1])
    engine = _engine()
    timings: dict[str, float] = {"decode": time.perf_counter() - started}

    mark = time.perf_counter()
    with _ENGINE_LOCK:
        try:
            detected = engine(bgr, use_det=True, use_cls=False, use_rec=False)
        except Exception:  # noqa: BLE001 - rapidocr raises its own error when it finds no text
            detected = None
    timings["detect"] = time.perf_counter() - mark
    boxes = getattr(detected, "boxes", None)  # None when nothing was detected
    quads = [] if boxes is None else list(boxes)
    candidates = _order(_candidates([_box(q) for q in quads])) if quads else []
    if not candidates:
        raise MRZNotFoundError(
            "no MRZ band found in the image",
            code="mrz_not_found",
            field="image",
            expected="2 or 3 lines of OCR-B text",
            found=f"{len(quads)} text regions, none shaped like an MRZ line",
        )

    mark = time.perf_counter()
    read: list[tuple[_Box, str, float]] = []
    strips: dict[_Box, NDArray[np.uint8]] = {}
    for box in candidates:
        strips[box] = _crop(picture, box)
        with _ENGINE_LOCK:
            try:
                out = engine(strips[box], use_det=False, use_cls=False, use_rec=True)
            except Exception:  # noqa: BLE001 - an unreadable strip is simply skipped
                out = None
        texts = getattr(out, "txts", None) or ()
        scores = getattr(out, "scores", None) or ()
        if texts:
            read.append((box, str(texts[0]), float(scores[0]) if scores else 0.0))
    timings["recognise"] = time.perf_counter() - mark

    mark = time.perf_counter()
    chosen = _choose(read, today or date.today(), repair, expiry_horizon_years)
    timings["parse"] = time.perf_counter() - mark
    if chosen is None:
        raise MRZNotFoundError(
            "an MRZ-like band was found but could not be read as an MRZ",
            code="mrz_not_found",
            field="image",
            expected="2 lines of 36 or 44, or 3 lines of 30 characters",
            found=", ".join(str(len(normalise_line(t))) for _, t, _ in read) or "no text",
        )
    result, picked, fixed = chosen
    picked_strips = [strips[box] for box, _, _ in picked]
    result, fixed = _glyph_check(
        result, fixed, picked_strips, repair, today or date.today(), expiry_horizon_years
    )
    lines = tuple(
        OCRLine(text=text, normalised=norm, confidence=conf, box=box.corners)
        for (box, text, conf), norm in zip(picked, fixed, strict=True)
    )
    return ScanResult(
        mrz=result,
        lines=lines,
        seconds=time.perf_counter() - started,
        image_size=size,
        engine=engine_info(),
        candidates=len(candidates),
        timings=timings,
    )


def _glyph_check(
    result: MRZResult, fixed: list[str], strips: list[NDArray[np.uint8]], repair: bool, today: date, horizon: int
) -> tuple[MRZResult, list[str]]:
    """Re-decide look-alikes (O/0, I/1...) in alphanumeric fields by the document's own glyphs.

    Check digits cannot see every confusion: two O read as 0 at weights 7 and 3 change the sum by 240
    and leave it valid. So, valid or not, the reading is retried with the characters the glyphs
    suggest (see :mod:`openbmis.mrz.ocr_glyphs`); a retry is accepted only if the parser finds it valid.
    """
    from .ocr_glyphs import glyph_suggestions

    suggestions = glyph_suggestions(result.format, fixed, strips)
    trials = [suggestions[:k] for k in range(len(suggestions), 0, -1)] + [[s] for s in suggestions]
    for trial in trials[:12]:
        lines = [list(line) for line in fixed]
        for li, col, char, _margin in trial:
            lines[li][col] = char
        texts = ["".join(line) for line in lines]
        try:
            retry = parse("\n".join(texts), today=today, repair=repair, expiry_horizon_years=horizon)
        except MRZError:
            continue
        if retry.valid:
            return retry, texts
    return result, fixed


def _choose(
    read: list[tuple[_Box, str, float]], today: date, repair: bool, horizon: int
) -> tuple[MRZResult, list[tuple[_Box, str, float]], list[str]] | None:
    """The run of 2 or 3 consecutive lines that reads best as an MRZ (lowest on the page on ties)."""
    mrz_like = [r for r in read if len(normalise_line(r[1])) >= 20]
    best: tuple[tuple[int, int, int, int], MRZResult, list[tuple[_Box, str, float]], list[str]] | None = None
    for count in (3, 2):
        for start in range(len(mrz_like) - count, -1, -1):
            group = mrz_like[start : start + count]
            parsed = _best_parse([normalise_line(t) for _, t, _ in group], today, repair, horizon)
            if parsed is None:
                continue
            result, fixed = parsed
            key = (*_score(result), -start)
            if best is None or key < best[0]:
                best = (key, result, group, fixed)
    return None if best is None else (best[1], best[2], best[3])
