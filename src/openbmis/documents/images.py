"""Checks on uploaded images: the content must really be an image of an accepted type and size."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError

from openbmis.core.errors import InvalidInput

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp"}


def checked_image(data: bytes, *, field: str = "image") -> tuple[str, str]:
    """Return (extension, sha256) of an accepted image, or raise InvalidInput naming what is wrong.

    The type is read from the content (Pillow decodes it), never from the file name.
    """
    if not data:
        raise InvalidInput("The image is empty.", field=field)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"The image is {len(data)} bytes; at most {MAX_BYTES} are accepted.", field=field)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("The file is not a readable image.", field=field) from None
    if kind not in ACCEPTED:
        raise InvalidInput(f"Image type {kind or 'unknown'} is not accepted; use JPEG, PNG, TIFF or WebP.",
                           field=field)
    if width * height > MAX_PIXELS:
        raise InvalidInput(f"The image has {width}x{height} pixels; at most {MAX_PIXELS} are accepted.", field=field)
    return ACCEPTED[kind], hashlib.sha256(data).hexdigest()
