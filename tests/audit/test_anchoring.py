"""The chain anchored outside the database: someone with write access to the database but without the
chain key and the checkpoint signing key cannot rewind, re-chain or append undetected (docs/adr/0003).

Every attack here is made with plain SQL on the real test database, below the application.
"""

from __future__ import annotations

import json
import os
import secrets

import pytest
from django.db import connection

from openbmis.audit import anchors, services
from openbmis.audit.chain import SCHEME_HMAC, SCHEME_SHA256, event_hash, keyed_event_hash
from openbmis.audit.models import AuditEvent, AuditHead
from openbmis.audit.services import _hashed_fields


@pytest.fixture
def chain(db):
    for n in range(6):
        services.record(actor="test", action="thing.create", object_type="thing", object_id=str(n),
                        after={"n": n})
    return list(AuditEvent.objects.order_by("seq"))


def _superuser_sql(*statements: tuple[str, list]) -> None:
    """A database superuser: lift the append-only triggers, then run the statements."""
    with connection.cursor() as cursor:
        for trigger in ("audit_event_no_update", "audit_event_no_delete"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON audit_auditevent")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for sql, params in statements:
            cursor.execute(sql, params)


def _rewind_head(seq: int) -> None:
    last = AuditEvent.objects.get(seq=seq)
    _superuser_sql(("UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = 1", [seq, last.hash]))


def _rechain_from(seq: int, hasher) -> None:
    """Recompute every hash from ``seq`` on with ``hasher(prev, fields) -> (scheme, hash)`` and move the head."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[seq - 2].hash if seq > 1 else "0" * 64
    for event in events[seq - 1:]:
        event.prev_hash = prev
        scheme, digest = hasher(prev, _hashed_fields(event))
        _superuser_sql(("UPDATE audit_auditevent SET prev_hash = %s, hash = %s, scheme = %s WHERE seq = %s",
                        [prev, digest, scheme, event.seq]))
        prev = digest
    _superuser_sql(("UPDATE audit_audithead SET last_seq = %s, last_hash = %s WHERE id = 1", [events[-1].seq, prev]))


def test_new_events_use_the_keyed_chain(chain):
    assert {event.scheme for event in chain} == {SCHEME_HMAC}
    key = services.chain_key()
    assert chain[3].hash == keyed_event_hash(key, chain[3].prev_hash, _hashed_fields(chain[3]))
    assert chain[3].hash != event_hash(chain[3].prev_hash, _hashed_fields(chain[3]))
    assert services.verify().ok


def test_the_chain_key_lives_in_a_file_outside_the_database(chain, settings):
    path = settings.OPENBMIS_AUDIT_KEY_FILE
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_auditevent WHERE hash LIKE %s", [path.read_text().strip()[:16] + "%"])
        assert cursor.fetchone()[0] == 0


def test_edit_and_rechain_without_the_key_is_detected(chain):
    _superuser_sql(("UPDATE audit_auditevent SET actor_label = 'nobody' WHERE seq = 3", []))
    # The forger recomputes the chain from the edit on, with the published (unkeyed) hash ...
    _rechain_from(3, lambda prev, fields: (SCHEME_HMAC, event_hash(prev, fields)))
    assert [(p.seq, p.kind) for p in services.verify().problems] == [(n, "altered") for n in range(3, 7)]
    # ... or declares the events unkeyed (scheme 1) so that the plain hash would fit.
    _rechain_from(3, lambda prev, fields: (SCHEME_SHA256, event_hash(prev, fields)))
    assert [(p.seq, p.kind) for p in services.verify().problems] == [(n, "downgraded") for n in range(3, 7)]
    # ... or guesses a key.
    guess = secrets.token_bytes(32)
    _rechain_from(3, lambda prev, fields: (SCHEME_HMAC, keyed_event_hash(guess, prev, fields)))
    assert {p.kind for p in services.verify().problems} == {"altered"}


def test_append_and_rechain_without_the_key_is_detected(chain):
    last = chain[-1]
    forged = AuditEvent(seq=7, at=last.at, actor_label="test", action="thing.create", object_type="thing",
                        object_id="7", prev_hash=last.hash)
    for scheme, digest in (
        (SCHEME_HMAC, event_hash(last.hash, _hashed_fields(forged))),
        (SCHEME_SHA256, event_hash(last.hash, _hashed_fields(forged))),
    ):
        _superuser_sql(
            ("DELETE FROM audit_auditevent WHERE seq = 7", []),
            ("INSERT INTO audit_auditevent (id, seq, at, actor_label, action, object_type, object_id, object_label,"
             " border_post_code, reason, request_id, prev_hash, hash, scheme)"
             " VALUES (%s, 7, %s, 'test', 'thing.create', 'thing', '7', '', '', '', '', %s, %s, %s)",
             [forged.id.hex if connection.vendor == "sqlite" else str(forged.id), last.at, last.hash, digest, scheme]),
            ("UPDATE audit_audithead SET last_seq = 7, last_hash = %s WHERE id = 1", [digest]),
        )
        problems = services.verify().problems
        assert [p.seq for p in problems] == [7], problems
        assert problems[0].kind == ("altered" if scheme == SCHEME_HMAC else "downgraded")


def test_truncation_and_rewind_is_detected_by_the_signed_checkpoint(chain, settings):
    written = services.checkpoint()
    assert written is not None and written.seq == 6
    _superuser_sql(("DELETE FROM audit_auditevent WHERE seq >= 5", []))
    _rewind_head(4)
    report = services.verify()
    assert [(p.seq, p.kind) for p in report.problems] == [(6, "rewound")]
    assert "#4" in report.problems[0].message and "#6" in report.problems[0].message
    # The same database, without the checkpoint file, looks whole: the anchor is what catches it.
    os.remove(settings.OPENBMIS_AUDIT_CHECKPOINT_FILE)
    assert services.verify().ok


def test_rewriting_the_whole_chain_without_the_key_is_detected_by_the_checkpoint(chain):
    services.checkpoint()
    _superuser_sql(("UPDATE audit_auditevent SET reason = 'covered up' WHERE seq = 2", []))
    # every event re-hashed from the start with the unkeyed scheme: no keyed event is left to compare with
    _rechain_from(1, lambda prev, fields: (SCHEME_SHA256, event_hash(prev, fields)))
    problems = services.verify().problems
    assert [(p.seq, p.kind) for p in problems] == [(6, "rewritten")]


def test_a_checkpoint_forged_without_the_signing_key_is_named(chain, settings):
    services.checkpoint()
    _superuser_sql(("DELETE FROM audit_auditevent WHERE seq >= 5", []))
    _rewind_head(4)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    head = AuditHead.objects.get(id=1)
    line = anchors.sign_line(Ed25519PrivateKey.generate(), origin=services.origin(), seq=9, hash=head.last_hash,
                             at="2030-01-01T00:00:00+00:00")
    anchors.append(settings.OPENBMIS_AUDIT_CHECKPOINT_FILE, line)
    kinds = [p.kind for p in services.verify().problems]
    assert kinds == ["checkpoint_invalid", "rewound"]


def test_checkpoints_are_signed_lines_appended_after_each_commit(db, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.record(actor="test", action="thing.create", object_type="thing", object_id="a")
        services.record(actor="test", action="thing.create", object_type="thing", object_id="b")
    with django_capture_on_commit_callbacks(execute=True):
        services.record(actor="test", action="thing.create", object_type="thing", object_id="c")
    lines = settings.OPENBMIS_AUDIT_CHECKPOINT_FILE.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2, 3]  # one per committed transaction
    hashes = dict(AuditEvent.objects.values_list("seq", "hash"))
    assert [json.loads(line)["hash"] for line in lines] == [hashes[2], hashes[3]]  # each signs its own event
    public = anchors.load_public_key(anchors.public_key_path(settings.OPENBMIS_AUDIT_SIGNING_KEY_FILE))
    read = list(anchors.read(settings.OPENBMIS_AUDIT_CHECKPOINT_FILE, public))
    assert all(isinstance(item, anchors.Checkpoint) for item in read)
    report = services.verify()
    assert report.ok and report.anchored_seq == 3 and report.checkpoints == 2


def test_checkpoints_of_concurrent_commits_may_land_out_of_order(db):
    """Two counters commit; the later event's checkpoint is written first. The highest one still anchors."""
    for name in "abc":
        services.record(actor="test", action="thing.create", object_type="thing", object_id=name)
    hashes = dict(AuditEvent.objects.values_list("seq", "hash"))
    services.checkpoint(committed=(3, hashes[3]))
    services.checkpoint(committed=(2, hashes[2]))
    report = services.verify()
    assert report.ok and report.anchored_seq == 3 and report.checkpoints == 2


def test_a_torn_last_line_is_not_held_against_the_chain(chain, settings):
    services.checkpoint()
    with open(settings.OPENBMIS_AUDIT_CHECKPOINT_FILE, "a") as handle:
        handle.write('{"v":1,"origin":"hq","seq":')  # the machine stopped mid-write
    assert services.verify().ok


def test_chains_from_before_the_key_keep_verifying(db, monkeypatch):
    """Events written with the unkeyed scheme (before migration 0003) stay valid; the first keyed event
    binds them, so rewriting the old part is caught at the boundary."""
    monkeypatch.setattr(services, "CURRENT_SCHEME", SCHEME_SHA256)
    for n in range(3):
        services.record(actor="test", action="old.thing", object_type="thing", object_id=str(n))
    monkeypatch.setattr(services, "CURRENT_SCHEME", SCHEME_HMAC)
    for n in range(3):
        services.record(actor="test", action="new.thing", object_type="thing", object_id=str(n))
    assert [e.scheme for e in AuditEvent.objects.order_by("seq")] == [1, 1, 1, 2, 2, 2]
    assert services.verify().ok
    _superuser_sql(("UPDATE audit_auditevent SET actor_label = 'nobody' WHERE seq = 2", []))
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[0].hash
    for event in events[1:3]:  # the old part re-chained, as anyone can
        digest = event_hash(prev, _hashed_fields(event))
        _superuser_sql(("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, event.seq]))
        prev = digest
    assert [(p.seq, p.kind) for p in services.verify().problems] == [(4, "broken_link")]


def test_verify_without_the_key_says_so(chain, settings, tmp_path):
    settings.OPENBMIS_AUDIT_KEY_FILE = tmp_path / "absent.key"
    problems = services.verify().problems
    assert [p.kind for p in problems] == ["no_key"]
    assert not (tmp_path / "absent.key").exists()
