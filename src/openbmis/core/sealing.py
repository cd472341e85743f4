"""Encryption at rest: values sealed with AES-256-GCM under a key id, keys kept outside the database (issue 14).

A sealed value is stored as ``sealed:v1:<key id>:<base64url(nonce | ciphertext and tag)>``; the associated data is
the column it belongs to (``accounts.User.totp_secret``), so a value copied into another column does not open.
Keys live in a JSON file outside the database (``OPENBMIS_DATA_KEYS_FILE``, by default ``data_keys.json`` in the
data directory, made once with mode 0600): ``{"current": "<id>", "keys": {"<id>": "<base64 of 32 bytes>"}}``.
Rotation adds a key and makes it current (:func:`rotate`); values sealed under older keys still open, and
:func:`reseal_all` seals every stored value again under the current key, after which the old key can be retired.
The file must be backed up apart from the database: without it the sealed values cannot be read.

:class:`SealedTextField` is a model field that seals on the way to the database and opens on the way back, so
the code and the synchronisation between installations (each with its own keys) see plain values.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import threading
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models

PREFIX = "sealed:v1:"
_lock = threading.Lock()
_cache: dict[str, Any] = {}
#: every sealed column, as (model label, field name), for :func:`reseal_all`
SEALED_FIELDS: list[tuple[str, str]] = []


class SealingError(Exception):
    """A sealed value that cannot be opened: unknown key id, altered, or moved from another column."""


def keys_file() -> Path:
    from django.conf import settings

    return Path(settings.OPENBMIS_DATA_KEYS_FILE)


def _new_key_id(existing: dict[str, str]) -> str:
    while True:
        kid = secrets.token_hex(4)
        if kid not in existing:
            return kid


def _write(path: Path, content: dict[str, Any], *, exclusive: bool) -> None:
    """Write the key file whole (a temporary file renamed or linked into place, mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".data_keys.")
    try:
        with os.fdopen(fd, "w") as out:
            json.dump(content, out, indent=1)
        os.chmod(temporary, 0o600)
        if exclusive:
            os.link(temporary, path)  # fails if another process made the file first: theirs is kept
        else:
            os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _load() -> dict[str, Any]:
    path = keys_file()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    with _lock:
        if not path.exists():
            kid = _new_key_id({})
            try:
                _write(path, {"current": kid, "keys": {kid: base64.b64encode(secrets.token_bytes(32)).decode()}},
                       exclusive=True)
            except FileExistsError:
                pass
        content = json.loads(path.read_text())
        keys = {kid: base64.b64decode(value) for kid, value in content["keys"].items()}
        if content["current"] not in keys or any(len(k) != 32 for k in keys.values()):
            raise SealingError(f"{path}: the current key is missing or a key is not 32 bytes")
        loaded = {"current": content["current"], "keys": keys}
        _cache[str(path)] = loaded
        return loaded


def forget() -> None:
    """Drop the cached keys (after a rotation, or in tests that change the key file)."""
    _cache.clear()


def seal(value: str, purpose: str) -> str:
    """``value`` sealed under the current key for the column ``purpose``."""
    keys = _load()
    kid = keys["current"]
    nonce = secrets.token_bytes(12)
    box = AESGCM(keys["keys"][kid]).encrypt(nonce, value.encode(), purpose.encode())
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(nonce + box).decode()}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str, purpose: str) -> str:
    """The plain value of a sealed one (a value stored before sealing existed is returned as it is)."""
    if not is_sealed(stored):
        return stored
    kid, _, body = stored[len(PREFIX):].partition(":")
    key = _load()["keys"].get(kid)
    if key is None:
        # another process (``openbmis keys rotate`` beside a running server) may have added it: read the file again
        forget()
        key = _load()["keys"].get(kid)
    if key is None:
        raise SealingError(f"{purpose}: sealed under key {kid!r}, which the key file does not hold")
    raw = base64.urlsafe_b64decode(body)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], purpose.encode()).decode()
    except InvalidTag:
        raise SealingError(f"{purpose}: the sealed value was altered or belongs to another column") from None


def key_id(stored: str) -> str | None:
    return stored[len(PREFIX):].partition(":")[0] if is_sealed(stored) else None


def rotate() -> str:
    """Add a new key and make it current; returns its id. Values sealed under older keys still open."""
    path = keys_file()
    content = json.loads(path.read_text()) if path.exists() else {"keys": {}}
    kid = _new_key_id(content["keys"])
    content["keys"][kid] = base64.b64encode(secrets.token_bytes(32)).decode()
    content["current"] = kid
    _write(path, content, exclusive=False)
    forget()
    return kid


def reseal_all() -> dict[str, int]:
    """Seal every stored value of every sealed column under the current key (values under an older key, and
    values stored before sealing existed); returns the count per column."""
    from django.apps import apps
    from django.db import connection, transaction

    current = _load()["current"]
    counts: dict[str, int] = {}
    for label, name in SEALED_FIELDS:
        model = apps.get_model(label)
        quote = connection.ops.quote_name
        sql = (f"SELECT {quote(model._meta.pk.column)}, {quote(model._meta.get_field(name).column)} "  # noqa: S608
               f"FROM {quote(model._meta.db_table)}")  # (quoted names of our own tables, no input)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
            stale = [(pk, raw) for pk, raw in rows if raw and key_id(raw) != current]
            for pk, raw in stale:
                # update() seals the plain value again through the field, under the current key
                model._default_manager.filter(pk=pk).update(**{name: unseal(raw, f"{label}.{name}")})
        counts[f"{label}.{name}"] = len(stale)
    return counts


class SealedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored sealed (AES-256-GCM, key id kept with the value); the empty string stays empty.

    Only ``isnull`` and comparisons with the empty string make sense in queries: sealing is randomised, so equal
    values are stored differently (an exact search needs a blind index beside the column).
    """

    purpose = ""

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        self.purpose = f"{cls._meta.label}.{name}"
        if not cls._meta.abstract and cls.__module__ != "__fake__" and (cls._meta.label, name) not in SEALED_FIELDS:
            SEALED_FIELDS.append((cls._meta.label, name))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unseal(value, self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(value, self.purpose)
