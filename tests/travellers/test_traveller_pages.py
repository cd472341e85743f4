"""The traveller's page and the search: within the reader's posts, and every read audited."""

from __future__ import annotations

import uuid

from openbmis.audit.models import AuditEvent
from openbmis.audit.refs import traveller_ref
from openbmis.inspections import services


def _inspect(officer, post, mrz_text):
    return services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(), direction="entry",
                                     mrz_text=mrz_text).inspection


def test_traveller_search_within_posts_and_audited(session_client, officer, mrz_for, make_user, two_posts):
    person = _inspect(officer, two_posts[0], mrz_for()).traveller
    client = session_client(officer)
    by_name = client.get("/travellers/", {"name": "odhiambo"}).content.decode()
    assert f"/travellers/{person.id}/" in by_name
    by_number = client.get("/travellers/", {"document": "x1234567"}).content.decode()
    assert f"/travellers/{person.id}/" in by_number
    by_birth = client.get("/travellers/", {"birth_date": "1990-05-17", "name": "AMINA"}).content.decode()
    assert f"/travellers/{person.id}/" in by_birth
    assert f"/travellers/{person.id}/" not in client.get("/travellers/", {"birth_date": "1990-05-18"}).content.decode()
    empty = client.get("/travellers/", {"name": ""})
    assert empty.status_code == 400 and b"give a name" in empty.content
    searches = AuditEvent.objects.filter(action="traveller.search")
    assert searches.count() == 4 and "ODHIAMBO" not in str(searches.first().after)  # criteria hashed
    client.get(f"/travellers/{person.id}/")
    assert AuditEvent.objects.filter(action="traveller.view", object_id=traveller_ref(person.id)).count() == 1
    other = session_client(make_user("primary_officer", two_posts[1]))
    assert f"/travellers/{person.id}/" not in other.get("/travellers/", {"name": "ODHIAMBO"}).content.decode()


def test_traveller_page_within_posts_and_its_reads_recorded(session_client, officer, mrz_for, make_user,
                                                            two_posts):
    person = _inspect(officer, two_posts[0], mrz_for()).traveller
    page = session_client(officer).get(f"/travellers/{person.id}/")
    assert page.status_code == 200 and 'data-testid="traveller-history"' in page.content.decode()
    read = AuditEvent.objects.filter(action__startswith="access.").order_by("-seq").first()
    assert read.after["purpose"] == "page:traveller" and read.after["traveller_refs"] == [traveller_ref(person.id)]
    reads = AuditEvent.objects.filter(action__startswith="access.")
    before = reads.count()
    elsewhere = session_client(make_user("primary_officer", two_posts[1])).get(f"/travellers/{person.id}/")
    assert elsewhere.status_code == 404
    assert session_client(make_user("supervisor", two_posts[1])).get(f"/travellers/{uuid.uuid4()}/").status_code == 404
    assert reads.count() == before  # a refused read records no access
    assert session_client(make_user("analyst")).get(f"/travellers/{person.id}/").status_code == 403
