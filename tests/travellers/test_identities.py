"""Supervisors merge and split traveller identities; audited; officers cannot."""

from __future__ import annotations

import uuid

from openbmis.audit.models import AuditEvent
from openbmis.inspections import services
from openbmis.travellers.models import Traveller


def _inspect(officer, post, mrz_text):
    started = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction="entry",
                                        mrz_text=mrz_text)
    services.decide(officer, started.inspection, decision="admit")
    return started.inspection


def test_supervisor_merges_and_splits(officer, two_posts, make_user, session_client, mrz_for):
    a = _inspect(officer, two_posts[0], mrz_for())
    # a new surname after marriage defeats automatic linking: two identities
    b = _inspect(officer, two_posts[0], mrz_for(document_number="Y0000001", primary_identifier="OTIENO"))
    assert a.traveller_id != b.traveller_id
    supervisor = session_client(make_user("supervisor", two_posts[0]))
    response = supervisor.post(f"/travellers/{b.traveller_id}/merge", {"target": str(a.traveller_id),
                                                                        "reason": "same person, seen in person"})
    assert response.status_code == 302
    merged = Traveller.objects.get(id=b.traveller_id)
    assert merged.merged_into_id == a.traveller_id
    survivor = Traveller.objects.get(id=a.traveller_id)
    assert survivor.documents.count() == 2 and survivor.crossings.count() == 2
    assert AuditEvent.objects.filter(action="traveller.merge", reason="same person, seen in person").exists()
    # the merged identity's new document resolves to the survivor
    again = services.start_inspection(officer, border_post=two_posts[0], client_id=uuid.uuid4(), direction="exit",
                                      mrz_text=mrz_for(document_number="Y0000001",
                                                       primary_identifier="OTIENO")).inspection
    assert again.traveller_id == a.traveller_id
    # split it back off
    document = b.document
    response = supervisor.post(f"/travellers/documents/{document.id}/split", {"reason": "wrong merge"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.traveller_id not in (a.traveller_id, b.traveller_id)
    assert document.crossings.get().traveller_id == document.traveller_id
    assert AuditEvent.objects.filter(action="traveller.split").exists()


def test_merge_needs_a_reason_and_officers_cannot(officer, two_posts, make_user, session_client, mrz_for):
    a = _inspect(officer, two_posts[0], mrz_for())
    b = _inspect(officer, two_posts[0], mrz_for(document_number="Y0000001", secondary_identifier="ZAWADI"))
    supervisor = session_client(make_user("supervisor", two_posts[0]))
    supervisor.post(f"/travellers/{b.traveller_id}/merge", {"target": str(a.traveller_id), "reason": " "})
    assert Traveller.objects.get(id=b.traveller_id).merged_into_id is None
    officer_client = session_client(officer)
    response = officer_client.post(f"/travellers/{b.traveller_id}/merge", {"target": str(a.traveller_id),
                                                                            "reason": "x"})
    assert response.status_code == 403
    assert Traveller.objects.get(id=b.traveller_id).merged_into_id is None


def test_supervisor_of_another_post_cannot_merge(officer, two_posts, make_user, session_client, mrz_for):
    a = _inspect(officer, two_posts[0], mrz_for())
    b = _inspect(officer, two_posts[0], mrz_for(document_number="Y0000001", secondary_identifier="ZAWADI"))
    other = session_client(make_user("supervisor", two_posts[1]))
    response = other.post(f"/travellers/{b.traveller_id}/merge", {"target": str(a.traveller_id), "reason": "x"})
    assert response.status_code == 404
    assert Traveller.objects.get(id=b.traveller_id).merged_into_id is None


def test_the_service_itself_refuses_a_merge_or_split_outside_the_supervisors_posts(officer, two_posts, make_user,
                                                                                    mrz_for):
    """The rule lives in the service: a caller that skips the page's checks (the API, the CLI, a script) meets it."""
    import pytest

    from openbmis.core.errors import AccessDenied
    from openbmis.travellers import services as travellers

    a = _inspect(officer, two_posts[0], mrz_for())
    b = _inspect(officer, two_posts[0], mrz_for(document_number="Y0000002", secondary_identifier="ZAWADI"))
    elsewhere = make_user("supervisor", two_posts[1])
    before = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):
        travellers.merge(elsewhere, Traveller.objects.get(id=b.traveller_id), Traveller.objects.get(id=a.traveller_id),
                         "same person")
    with pytest.raises(AccessDenied):
        travellers.split(elsewhere, a.document, "wrongly linked")
    with pytest.raises(AccessDenied):
        travellers.merge(officer, Traveller.objects.get(id=b.traveller_id), Traveller.objects.get(id=a.traveller_id),
                         "not a supervisor")
    assert Traveller.objects.get(id=b.traveller_id).merged_into_id is None
    assert AuditEvent.objects.count() == before
    here = make_user("supervisor", two_posts[0])
    travellers.merge(here, Traveller.objects.get(id=b.traveller_id), Traveller.objects.get(id=a.traveller_id),
                     "same person")
    assert Traveller.objects.get(id=b.traveller_id).merged_into_id == a.traveller_id
