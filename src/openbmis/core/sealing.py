"""Encryption at rest: values sealed with AES-256-GCM under a key id, keys kept outside the database (issue 14).

A sealed value is stored as ``sealed:v1:<key id>:<base64url(nonce | ciphertext and tag)>``; the associated data is
the column it belongs to (``accounts.User.totp_secret``), so a value copied into another column does not open.
Keys live in a JSON file outside the database (``OPENBMIS_DATA_KEYS_FILE``, by default ``data_keys.json`` in the
data directory, made once with mode 0600): ``{"current": "<id>", "keys": {"<id>": "<base64 of 32 bytes>"}}``.
Rotation adds a key and makes it current (:func:`rotate`); values sealed under older keys still open, and
:func:`reseal_all` seals every stored value again under the current key, after which the old key can be retired.
The file must be backed up apart from the database: without it the sealed values cannot be read.

Exact search on a sealed column goes through a *blind index* beside it (:class:`BlindIndexField`): an HMAC-SHA256
of the normalised value under the file's ``index_key``, which does not rotate with the sealing keys (every index
would change). :class:`SealedTextField` with ``indexed_by`` compiles ``exact`` and ``in`` lookups against that
column (``TravelDocument.objects.filter(number="X1")`` searches ``number_index = hmac("X1")``), and refuses every
lookup it cannot answer (``icontains`` on a sealed column is an error, not an empty result). Two normalisations
exist: ``document-number`` (upper case, no spaces) and ``confusable`` (look-alike characters folded, as the
stolen and lost document screening compares them).

:class:`SealedTextField` is a model field that seals on the way to the database and opens on the way back, so
the code and the synchronisation between installations (each with its own keys) see plain values.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups
from django.db.models.expressions import Col

from openbmis.core.files import write_private

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


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _add_index_key(path: Path) -> dict[str, Any]:
    """Give a key file made before blind indexes existed its index key, once: under a lock shared by every
    process, the file is read again and only written when it still lacks one (two processes choosing two index
    keys would make half of the indexes unsearchable)."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        content: dict[str, Any] = json.loads(path.read_text())
        if "index_key" not in content:
            content["index_key"] = _new_key()
            _write(path, content, exclusive=False)
        return content


def _write(path: Path, content: dict[str, Any], *, exclusive: bool) -> None:
    """Write the key file whole (``exclusive``: FileExistsError if another process made it first)."""
    write_private(path, json.dumps(content, indent=1).encode(), exclusive=exclusive)


def _load() -> dict[str, Any]:
    from django.conf import settings

    # Called for every value sealed, opened or indexed: the cache is looked up by the setting's text, without
    # building a Path (which cost more than the HMAC itself when a list of a million rows was imported).
    name = os.fspath(settings.OPENBMIS_DATA_KEYS_FILE)
    cached = _cache.get(name)
    if cached is not None:
        return cached
    path = Path(name)
    with _lock:
        if not path.exists():
            kid = _new_key_id({})
            try:
                _write(path, {"current": kid, "keys": {kid: _new_key()}, "index_key": _new_key()}, exclusive=True)
            except FileExistsError:
                pass
        content = json.loads(path.read_text())
        if "index_key" not in content:
            content = _add_index_key(path)
        keys = {kid: base64.b64decode(value) for kid, value in content["keys"].items()}
        index_key = base64.b64decode(content["index_key"])
        if content["current"] not in keys or any(len(k) != 32 for k in [*keys.values(), index_key]):
            raise SealingError(f"{path}: the current key is missing or a key is not 32 bytes")
        loaded = {"current": content["current"], "keys": keys, "index_key": index_key}
        _cache[name] = loaded
        return loaded


def forget() -> None:
    """Drop the cached keys (after a rotation, or in tests that change the key file)."""
    _cache.clear()


def _box(value: bytes, purpose: str) -> tuple[str, bytes]:
    """``value`` sealed under the current key for the column ``purpose``: the key id, and the nonce followed by
    the ciphertext and its tag."""
    keys = _load()
    kid = keys["current"]
    nonce = secrets.token_bytes(12)
    return kid, nonce + AESGCM(keys["keys"][kid]).encrypt(nonce, value, purpose.encode())


def _open(kid: str, box: bytes, purpose: str) -> bytes:
    """The plain bytes of a box sealed under ``kid`` for the column ``purpose``."""
    key = _load()["keys"].get(kid)
    if key is None:
        # another process (``openbmis keys rotate`` beside a running server) may have added it: read the file again
        forget()
        key = _load()["keys"].get(kid)
    if key is None:
        raise SealingError(f"{purpose}: sealed under key {kid!r}, which the key file does not hold")
    try:
        return AESGCM(key).decrypt(box[:12], box[12:], purpose.encode())
    except InvalidTag:
        raise SealingError(f"{purpose}: the sealed value was altered or belongs to another column") from None


def seal(value: str, purpose: str) -> str:
    """``value`` sealed under the current key for the column ``purpose``."""
    kid, box = _box(value.encode(), purpose)
    return f"{PREFIX}{kid}:{base64.urlsafe_b64encode(box).decode()}"


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str, purpose: str) -> str:
    """The plain value of a sealed one (a value stored before sealing existed is returned as it is)."""
    if not is_sealed(stored):
        return stored
    kid, _, body = stored[len(PREFIX):].partition(":")
    return _open(kid, base64.urlsafe_b64decode(body), purpose).decode()


def seal_bytes(value: bytes, purpose: str) -> bytes:
    """``value`` sealed under the current key for the column ``purpose``: ``sealed:v1:<key id>:`` then the
    nonce and the ciphertext, raw (an image stays the size it was, plus 38 bytes or so)."""
    kid, box = _box(value, purpose)
    return f"{PREFIX}{kid}:".encode() + box


def unseal_bytes(stored: bytes, purpose: str) -> bytes:
    """The plain bytes of sealed ones (bytes stored before sealing existed are returned as they are)."""
    if not stored.startswith(PREFIX.encode()):
        return stored
    kid, _, box = stored[len(PREFIX):].partition(b":")
    return _open(kid.decode("ascii", "replace"), box, purpose)


def key_id(stored: str) -> str | None:
    return stored[len(PREFIX):].partition(":")[0] if is_sealed(stored) else None


def rotate() -> str:
    """Add a new key and make it current; returns its id. Values sealed under older keys still open."""
    path = keys_file()
    content = json.loads(path.read_text()) if path.exists() else {"keys": {}}
    kid = _new_key_id(content["keys"])
    content["keys"][kid] = _new_key()
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
            field = model._meta.get_field(name)
            if isinstance(field, SealedBinaryField):
                mark = f"{PREFIX}{current}:".encode()
                stale_bytes = [(pk, bytes(raw)) for pk, raw in rows if raw is not None and not bytes(raw).startswith(mark)]
                for pk, raw in stale_bytes:
                    model._default_manager.filter(pk=pk).update(**{name: unseal_bytes(raw, field.purpose)})
                counts[f"{label}.{name}"] = len(stale_bytes)
                continue
            if isinstance(field, SealedJSONField):
                # the column holds JSON: a sealed value is a JSON string, a value from before sealing anything
                rows = [(pk, json.loads(raw) if isinstance(raw, str) else raw) for pk, raw in rows]
            stale = [(pk, raw) for pk, raw in rows
                     if raw not in (None, "") and not (isinstance(raw, str) and key_id(raw) == current)]
            for pk, raw in stale:
                plain = unseal(raw, field.purpose) if isinstance(raw, str) else raw
                if isinstance(field, SealedJSONField) and isinstance(raw, str) and is_sealed(raw):
                    plain = json.loads(plain)
                # update() seals the plain value again through the field, under the current key
                model._default_manager.filter(pk=pk).update(**{name: plain})
        counts[f"{label}.{name}"] = len(stale)
    return counts


def _document_number(value: str) -> str:
    return "".join(value.split()).upper()


def _confusable(value: str) -> str:
    from openbmis.screening import confusable_key

    return confusable_key(value)


#: how a value is normalised before its blind index is taken, by kind
NORMALISERS = {"document-number": _document_number, "confusable": _confusable}


def index_key() -> bytes:
    """The key of the blind indexes (and of the keyed tags in log lines): it never rotates."""
    key: bytes = _load()["index_key"]
    return key


def blind_index(value: str, kind: str = "document-number") -> str:
    """The blind index of ``value``: HMAC-SHA256 under the index key of the normalised value (128 bits, hex);
    the empty string for an empty value. Equal values give equal indexes in every column of one installation."""
    normal = NORMALISERS[kind](value or "")
    if not normal:
        return ""
    return hmac.new(index_key(), f"{kind}\0{normal}".encode(), hashlib.sha256).hexdigest()[:32]


class _Sealed:
    """What every sealed column shares: its purpose (``app.Model.field``, the associated data of its seals) and
    its place in :data:`SEALED_FIELDS` (for :func:`reseal_all`)."""

    purpose = ""

    def contribute_to_class(self, cls: Any, name: str, private_only: bool = False) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)  # type: ignore[misc]
        self.purpose = f"{cls._meta.label}.{name}"
        if not cls._meta.abstract and cls.__module__ != "__fake__" and (cls._meta.label, name) not in SEALED_FIELDS:
            SEALED_FIELDS.append((cls._meta.label, name))


class SealedTextField(_Sealed, models.TextField):  # type: ignore[type-arg]
    """A text column stored sealed (AES-256-GCM, key id kept with the value); the empty string stays empty.

    Sealing is randomised, so equal values are stored differently: with ``indexed_by`` (the name of a
    :class:`BlindIndexField` on the same model) ``exact`` and ``in`` lookups are answered by that index; without
    it only ``isnull`` and comparison with the empty string are allowed. Any other lookup is a :class:`FieldError`.
    """

    def __init__(self, *args: Any, indexed_by: str = "", **kwargs: Any) -> None:
        self.indexed_by = indexed_by
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.indexed_by:
            kwargs["indexed_by"] = self.indexed_by
        return name, path, args, kwargs


    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unseal(value, self.purpose)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(value, self.purpose)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name in ("exact", "in"):
            return (_IndexedExact if lookup_name == "exact" else _IndexedIn) if self.indexed_by else _EmptyExact
        return None  # Django then reports the lookup as unsupported on this field

    def get_transform(self, lookup_name: str) -> Any:
        return None


def _index_column(lhs: Any) -> tuple[Any, BlindIndexField]:
    if not isinstance(lhs, Col):
        raise FieldError("a sealed column can be searched only directly, not through an expression")
    index = lhs.target.model._meta.get_field(getattr(lhs.target, "indexed_by", ""))
    if not isinstance(index, BlindIndexField):
        raise FieldError(f"{lhs.target.name}: its index {getattr(lhs.target, 'indexed_by', '')!r} is not a blind index")
    return index.get_col(lhs.alias), index


def _plain(value: Any) -> str:
    if hasattr(value, "resolve_expression"):
        raise FieldError("a sealed column is compared with values, not with other columns or queries")
    return str(value)


class _IndexedExact(lookups.Exact):
    """``sealed = value`` asked of the blind index: ``index = blind_index(value)``."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        column, index = _index_column(lhs)
        super().__init__(column, index.index_of(_plain(rhs)) if rhs is not None else None)


class _IndexedIn(lookups.In):
    def __init__(self, lhs: Any, rhs: Any) -> None:
        column, index = _index_column(lhs)
        if hasattr(rhs, "resolve_expression"):
            _plain(rhs)
        super().__init__(column, [index.index_of(_plain(v)) for v in rhs if v is not None])


class _EmptyExact(lookups.Exact):
    """Without an index a sealed column can only be compared with the empty string."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if rhs not in ("", None):
            raise FieldError(f"{lhs.target.name}: a sealed column without a blind index cannot be searched by value")
        super().__init__(lhs, rhs)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The blind index of a sealed column on the same model (``source``), kept up to date on every save; its
    ``kind`` chooses the normalisation (:data:`NORMALISERS`). Never shown, never synchronised: each installation
    indexes with its own key."""

    def __init__(self, *args: Any, source: str = "", kind: str = "document-number", **kwargs: Any) -> None:
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        for default in ("max_length", "editable", "blank", "db_index"):
            kwargs.pop(default, None)
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        return blind_index(value, self.kind)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.index_of(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def with_indexes(model: Any, rows: list[Any], names: list[str]) -> list[str]:
    """For ``bulk_update(rows, names)``, which saves without ``pre_save``: the blind indexes of the sealed columns
    among ``names`` computed on ``rows``; returns ``names`` with those index columns added."""
    indexes = [f for f in model._meta.fields if isinstance(f, BlindIndexField) and f.source in names]
    for row in rows:
        for index in indexes:
            setattr(row, index.attname, index.index_of(getattr(row, index.source) or ""))
    return [*names, *(f.name for f in indexes if f.name not in names)]


class SealedBinaryField(_Sealed, models.BinaryField):
    """Bytes stored sealed (an image of a document, a face from a chip): the column holds the prefix, the key
    id, the nonce and the ciphertext; the code reads and writes the plain bytes. Only ``isnull`` makes sense in
    queries."""


    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else unseal_bytes(bytes(value), self.purpose)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and not hasattr(value, "resolve_expression"):
            raw = bytes(value)
            if not raw.startswith(PREFIX.encode()):
                value = seal_bytes(raw, self.purpose)
        return super().get_db_prep_value(value, connection, prepared)


class SealedJSONField(_Sealed, models.JSONField):  # type: ignore[type-arg]
    """A JSON value stored sealed: the column holds one JSON string, ``sealed:v1:...``, whose plain text is the
    value's JSON. Nothing inside it can be searched; the code reads and writes plain values."""


    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, str) and is_sealed(value):
            return json.loads(unseal(value, self.purpose))
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and is_sealed(value)):
            return super().get_prep_value(value)
        return super().get_prep_value(seal(json.dumps(value, cls=self.encoder), self.purpose))

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name: str) -> Any:
        return None


def seal_stored_rows(label: str, *names: str) -> Any:
    """A migration step (``RunPython``) that seals the stored values of the sealed columns ``names`` of the
    model ``label`` and fills their blind indexes, in batches; values already sealed are sealed again."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(label)
        batch: list[Any] = []
        for row in model._default_manager.using(schema_editor.connection.alias).order_by().iterator(chunk_size=2000):
            batch.append(row)
            if len(batch) == 1000:
                model._default_manager.bulk_update(batch, with_indexes(model, batch, list(names)))
                batch = []
        if batch:
            model._default_manager.bulk_update(batch, with_indexes(model, batch, list(names)))

    return forward


def open_stored_rows(label: str, *names: str) -> Any:
    """The reverse of :func:`seal_stored_rows`: the plain values written back (for a migration taken back)."""

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(label)
        quote = schema_editor.quote_name
        for row in model._default_manager.using(schema_editor.connection.alias).order_by().iterator(chunk_size=2000):
            for name in names:
                field = model._meta.get_field(name)
                value = getattr(row, name)
                if isinstance(field, SealedJSONField):
                    value = json.dumps(value)
                # quoted names of our own table and column; the values are parameters
                schema_editor.execute(
                    f"UPDATE {quote(model._meta.db_table)} SET {quote(field.column)} = %s "  # noqa: S608
                    f"WHERE {quote(model._meta.pk.column)} = %s", [value, row.pk])

    return backward
