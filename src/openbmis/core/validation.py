"""Turn Django model validation into a domain error that names the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from openbmis.core.errors import InvalidInput


def full_clean(instance: models.Model, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first_field, messages = next(iter(fields.items()))
        text = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in fields.items())
        raise InvalidInput(text, field=None if first_field == "__all__" else first_field, errors=fields) from None


_BAD_NAME_CHARACTERS = set("/\\\x00") | {chr(c) for c in range(32)} | {"\x7f"}


def clean_file_name(name: str | None, *, field: str = "file_name", default: str = "upload") -> str:
    """An uploaded file's name as kept in the record: a plain name, never a path.

    Empty becomes `default`; `.`, `..`, a path separator or a control character is refused with a message
    that says so (the name is only a label: files are never written under it)."""
    cleaned = (name or "").strip()
    if not cleaned:
        return default
    if cleaned in {".", ".."} or any(ch in _BAD_NAME_CHARACTERS for ch in cleaned):
        raise InvalidInput(f"{field}: give the file's own name, such as list.csv, without a folder or control "
                           f"characters (got {cleaned[:40]!r})", field=field)
    if len(cleaned) > 255:
        raise InvalidInput(f"{field}: at most 255 characters", field=field)
    return cleaned
