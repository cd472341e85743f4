"""Rows as JSON and back, exactly (full microseconds, binary as base64): what travels in the outbox and feed.

A file field travels with its file: ``{"name": ..., "content": base64}``; decoding it stores the file under the
same name where it is missing (an examination photographed at a post reaches headquarters with its image).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models

from openbmis.core.sealing import BlindIndexField


def encode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return _encode_file(value)
    if isinstance(field, models.BinaryField):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(field, models.JSONField):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.FileField):
        return _decode_file(field, value)
    if isinstance(field, models.BinaryField):
        return base64.b64decode(value)
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.DurationField):
        return dt.timedelta(seconds=value)
    return field.to_python(value)


def _encode_file(value: Any) -> dict[str, Any] | None:
    name = getattr(value, "name", value) or ""
    if not name:
        return None
    try:
        with value.storage.open(name, "rb") as handle:
            content: str | None = base64.b64encode(handle.read()).decode()
    except (OSError, AttributeError):
        content = None  # the file is gone here: the row still travels, without it
    return {"name": name, "content": content}


def _decode_file(field: models.FileField, value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    name = str(value.get("name") or "")
    if value.get("content") and name and not field.storage.exists(name):
        field.storage.save(name, ContentFile(base64.b64decode(value["content"])))
    return name


def dump(instance: models.Model) -> dict[str, Any]:
    """Every concrete field of the row by column name (``officer_id``, not ``officer``), sealed columns as plain
    values; not the blind indexes, which each installation computes under its own key when it saves the row."""
    return {f.attname: encode(f, f.value_from_object(instance)) for f in instance._meta.concrete_fields
            if not isinstance(f, BlindIndexField)}


def model_for(label: str) -> type[models.Model]:
    return apps.get_model(label)


def build(model: type[models.Model], data: dict[str, Any]) -> models.Model:
    """An unsaved instance with exactly the values sent (unknown keys are ignored)."""
    values = {f.attname: decode(f, data[f.attname]) for f in model._meta.concrete_fields if f.attname in data}
    return model(**values)


def upsert(instance: models.Model) -> bool:
    """Insert or update by primary key, keeping every value as sent (even auto_now fields); True if inserted."""
    model = type(instance)
    stamped = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields
               if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
               and getattr(instance, f.attname) is not None}
    exists = model._default_manager.filter(pk=instance.pk).exists()
    if exists:
        instance._state.adding = False
        instance.save(force_update=True)
    else:
        instance.save(force_insert=True)
    if stamped:
        # auto_now(_add) restamped the value on save; put back the time the record was made.
        model._default_manager.filter(pk=instance.pk).update(**stamped)
    return not exists
