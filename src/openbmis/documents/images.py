"""Checks on uploaded images: the content must really be an image of an accepted type and size."""

from __future__ import annotations

import hashlib
import io

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
        raise InvalidInput(_("The image is empty."), field=field)
    if len(data) > MAX_BYTES:
        raise InvalidInput(ngettext("The image is %(count)d byte; at most %(limit)d are accepted.",
                                    "The image is %(count)d bytes; at most %(limit)d are accepted.", len(data))
                           % {"count": len(data), "limit": MAX_BYTES}, field=field)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(_("The file is not a readable image."), field=field) from None
    if kind not in ACCEPTED:
        raise InvalidInput(_("Image type %(kind)s is not accepted; use JPEG, PNG, TIFF or WebP.")
                           % {"kind": kind or 'unknown'},
                           field=field)
    if width * height > MAX_PIXELS:
        raise InvalidInput(_("The image has %(width)sx%(height)s pixels; at most %(limit)s are accepted.")
                           % {"width": width, "height": height, "limit": MAX_PIXELS}, field=field)
    return ACCEPTED[kind], hashlib.sha256(data).hexdigest()
