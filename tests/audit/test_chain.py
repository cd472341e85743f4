"""The audit trail is append-only and hash-chained: edits, deletions and truncation are named."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from openbmis.audit import services
from openbmis.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def chain(db):
    for n in range(6):
        services.record(actor="test", action="thing.create", object_type="thing", object_id=str(n),
                        after={"n": n, "label": f"thing {n}"})
    return list(AuditEvent.objects.order_by("seq"))


def _drop_update_guard():
    """Act as a database superuser who bypasses the append-only triggers (UPDATE and DELETE)."""
    with connection.cursor() as cursor:
        for trigger in ("audit_event_no_update", "audit_event_no_delete"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON audit_auditevent")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def test_intact_chain_verifies(chain):
    report = services.verify()
    assert report.ok
    assert report.checked == 6
    assert report.head_seq == 6
    assert chain[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))


def test_orm_refuses_updates_and_deletes(chain):
    event = chain[2]
    event.action = "thing.delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_database_refuses_updates(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).update(action="forged")
    assert AuditEvent.objects.get(seq=3).action == "thing.create"


@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "thing.delete"), ("actor_label", "someone-else"), ("object_id", "99"), ("reason", "covered up")],
)
def test_edited_event_is_named(chain, column, value):
    _drop_update_guard()
    AuditEvent.objects.filter(seq=3).update(**{column: value})
    report = services.verify()
    assert not report.ok
    altered = [p for p in report.problems if p.kind == "altered"]
    assert [p.seq for p in altered] == [3]
    assert str(chain[2].id) in altered[0].message


def test_edited_json_payload_is_detected(chain):
    _drop_update_guard()
    AuditEvent.objects.filter(seq=4).update(after={"n": 3, "label": "thing 4"})
    assert [p.seq for p in services.verify().problems] == [4]


def test_recomputed_hash_still_breaks_the_link(chain):
    """A forger who recomputes the edited event's own (unkeyed) hash is named, and so is the next link."""
    from openbmis.audit.chain import event_hash
    from openbmis.audit.services import _hashed_fields

    _drop_update_guard()
    event = AuditEvent.objects.get(seq=2)
    event.action = "thing.forged"
    forged_hash = event_hash(event.prev_hash, _hashed_fields(event))
    AuditEvent.objects.filter(seq=2).update(action="thing.forged", hash=forged_hash)
    problems = services.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(2, "altered"), (3, "broken_link")]


def test_database_refuses_deletes(chain):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq >= 5")
    assert AuditEvent.objects.count() == 6


def test_deleted_event_is_named(chain):
    _drop_update_guard()
    AuditEvent.objects.filter(seq=4).delete()  # QuerySet.delete bypasses the model guard, as SQL would
    problems = services.verify().problems
    kinds = {(p.seq, p.kind) for p in problems}
    assert (4, "missing") in kinds
    assert (5, "broken_link") in kinds
    assert "#4" in next(p.message for p in problems if p.kind == "missing")


def test_truncated_tail_is_detected(chain):
    _drop_update_guard()
    AuditEvent.objects.filter(seq__gte=5).delete()
    problems = services.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(5, "truncated")]
    assert "#5..#6" in problems[0].message


def test_events_carry_actor_request_and_before_after(make_user, client, db):
    admin = make_user("administrator")
    from openbmis.accounts.middleware import SESSION_KEY

    client.force_login(admin)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    response = client.post("/api/border-posts", {"code": "AUD-1", "name": "Audited", "kind": "air",
                                                 "country": "UTO", "time_zone": "UTC"},
                           content_type="application/json", headers={"X-Request-ID": "req-12345678"})
    assert response.status_code == 201
    event = AuditEvent.objects.get(action="borderpost.create", object_label="AUD-1")
    assert event.actor == admin
    assert event.request_id == "req-12345678"
    assert event.before is None and event.after["name"] == "Audited"
    response = client.patch("/api/border-posts/AUD-1", {"name": "Renamed"}, content_type="application/json")
    event = AuditEvent.objects.get(action="borderpost.update", object_label="AUD-1")
    assert (event.before["name"], event.after["name"]) == ("Audited", "Renamed")
    assert services.verify().ok
