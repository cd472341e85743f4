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
