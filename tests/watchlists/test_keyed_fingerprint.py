"""A listed row's fingerprint is keyed (HMAC under the index key), so that a copy of the database does not
confirm a guessed row, a stolen passport's sealed number included; imports still tell changed rows from
unchanged ones, and the migration re-keys the fingerprints already stored (and takes them back)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openbmis.core import sealing
from openbmis.watchlists import services
from openbmis.watchlists.models import DocumentAlert, WatchlistEntry

from .conftest import documents_csv

STOLEN = {"id": "SLTD-9", "issuing_state": "KEN", "number": "K0000099", "status": "stolen", "document_type": "P"}


def _plain(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _keyed(data: dict) -> str:
    message = b"listed-row\0" + json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(sealing.index_key(), message, hashlib.sha256).hexdigest()


def test_a_stored_fingerprint_is_keyed_not_a_plain_hash_of_the_row(stolen, national):
    alert = DocumentAlert.objects.get(external_id="SLTD-1")
    assert alert.fingerprint != _plain(alert.data)
    assert alert.fingerprint == _keyed(alert.data)
    for entry in WatchlistEntry.objects.filter(watchlist=national):
        assert entry.fingerprint == _keyed(entry.data) != _plain(entry.data)


def test_imports_still_tell_a_changed_row_from_an_unchanged_one(make_list, load):
    listed = make_list("Stolen documents", kind="documents")
    load(listed, documents_csv([STOLEN]), file_name="v1.csv")
    again = load(listed, documents_csv([STOLEN]), file_name="v1-again.csv", commit=False)
    assert again.progress_message == "no change from version 1"
    changed = load(listed, documents_csv([{**STOLEN, "status": "lost"}]), file_name="v2.csv")
    assert (changed.version, changed.changed_count, changed.unchanged_count) == (2, 1, 0)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.xdist_group("watchlists-migration")
def test_the_migration_rekeys_stored_fingerprints_and_takes_them_back(transactional_db, make_list, load):
    listed = make_list("Stolen documents", kind="documents")
    load(listed, documents_csv([STOLEN]), file_name="v1.csv")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("watchlists")
    _migrate([("watchlists", "0004_sealed_checks_and_hits")])
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT fingerprint FROM watchlists_documentalert")
            (taken_back,) = cursor.fetchone()
    finally:
        _migrate(latest)
    alert = DocumentAlert.objects.get(external_id="SLTD-9")
    assert taken_back == _plain(alert.data)  # the plain hash, as before the change
    assert alert.fingerprint == _keyed(alert.data)  # keyed again going forward
    again = services.import_now("test", listed, file_name="v1-again.csv", content=documents_csv([STOLEN]),
                                commit=False)
    assert again.progress_message == "no change from version 1"
