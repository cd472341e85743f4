"""Migrating an existing chain (written before the keyed scheme) keeps it verifying (ADR 0003), with the
real migrations run on the test database: back to audit 0002, events written as they were then, forward."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from openbmis.audit import services
from openbmis.audit.chain import event_hash
from openbmis.audit.models import GENESIS_HASH, AuditEvent

pytestmark = pytest.mark.xdist_group("audit-migration")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_a_chain_from_before_the_keyed_scheme_keeps_verifying(transactional_db):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("audit")
    _migrate([("audit", "0002_append_only_trigger")])
    try:
        prev = GENESIS_HASH
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")  # no delete guard at 0002; an empty start
            cursor.execute("DELETE FROM audit_audithead")
            for seq in range(1, 5):
                event = AuditEvent(seq=seq, at=datetime(2026, 11, 1, 12, seq, tzinfo=UTC), actor_label="old",
                                   action="old.thing", object_type="thing", object_id=str(seq), after={"n": seq})
                digest = event_hash(prev, services._hashed_fields(event))
                cursor.execute(
                    "INSERT INTO audit_auditevent (id, seq, at, actor_label, action, object_type, object_id,"
                    " object_label, border_post_code, after, reason, request_id, prev_hash, hash)"
                    " VALUES (%s, %s, %s, 'old', 'old.thing', 'thing', %s, '', '', %s, '', '', %s, %s)",
                    [event.id.hex if connection.vendor == "sqlite" else str(event.id), seq, event.at, str(seq),
                     json.dumps({"n": seq}), prev, digest])
                prev = digest
            cursor.execute("INSERT INTO audit_audithead (id, last_seq, last_hash) VALUES (1, 4, %s)", [prev])
    finally:
        _migrate(latest)
    assert [e.scheme for e in AuditEvent.objects.order_by("seq")] == [1, 1, 1, 1]
    assert services.verify().ok
    services.record(actor="test", action="new.thing", object_type="thing", object_id="5")
    assert [e.scheme for e in AuditEvent.objects.order_by("seq")] == [1, 1, 1, 1, 2]
    assert services.verify().ok
    # the guards are in place after the migration, on both databases
    from django.db import DatabaseError, transaction

    for statement in ("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 1", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
