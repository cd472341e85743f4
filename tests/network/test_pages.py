"""The operator's page at headquarters (/network/): who may open it, the stale-node alarm, revoking a node and
issuing a one-time enrolment code from the web UI (CSRF, audit), and its refusal at a border-post node."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openbmis.network import services, signing


def _node(post, *, contact_ago=None):
    """A node enrolled through the services (code, then enrolment), last heard from ``contact_ago`` ago."""
    from openbmis.network.models import Node

    code = services.issue_enrolment_code("test", post.code)
    node = services.enrol(code, border_post=post.code, public_key=signing.new_key_pair()[1])
    if contact_ago is not None:
        Node.objects.filter(id=node.id).update(last_contact_at=timezone.now() - contact_ago)
    node.refresh_from_db()
    return node


@pytest.mark.parametrize(("role", "national", "allowed"), [
    ("administrator", True, True), ("administrator", False, False), ("supervisor", True, False),
    ("auditor", True, False), ("primary_officer", False, False), (None, True, False),
])
def test_the_page_and_its_forms_are_for_national_administrators(two_posts, make_user, session_client, role,
                                                                  national, allowed):
    from openbmis.network.models import EnrolmentCode, Node

    node = _node(two_posts[0])
    codes = EnrolmentCode.objects.count()
    client = session_client(make_user(role, None if national else two_posts[0]))
    assert client.get("/network/").status_code == (200 if allowed else 403)
    assert client.get("/network/code/").status_code == (200 if allowed else 403)
    issued = client.post("/network/code/", {"border_post": "TST-B"})
    assert issued.status_code == (200 if allowed else 403)
    assert EnrolmentCode.objects.count() == codes + (1 if allowed else 0)
    revoked = client.post(f"/network/{node.id}/revoke/", {"reason": "laptop stolen"})
    assert revoked.status_code == (302 if allowed else 403)
    assert Node.objects.get(id=node.id).status == ("revoked" if allowed else "active")


def test_the_admin_menu_links_to_the_page_at_headquarters_only(two_posts, make_user, session_client, settings):
    client = session_client(make_user("administrator"))
    assert b'href="/network/"' in client.get("/").content
    officer = session_client(make_user("supervisor"))
    assert b'href="/network/"' not in officer.get("/").content
    client = session_client(make_user("administrator"))
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    assert b'href="/network/"' not in client.get("/").content


def test_stale_nodes_raise_an_alarm_in_words_and_are_marked_in_their_row(two_posts, make_user, session_client):
    fresh = _node(two_posts[0], contact_ago=timedelta(minutes=5))
    client = session_client(make_user("administrator"))
    page = client.get("/network/").content.decode()
    assert 'data-testid="stale-alarm"' not in page and f'data-node="{fresh.id}"' in page

    silent = _node(two_posts[1], contact_ago=timedelta(hours=3))
    never = _node(two_posts[1])  # enrolled, never in contact since
    page = client.get("/network/").content.decode()
    assert 'data-testid="stale-alarm"' in page
    assert "Alarm: 2 nodes have not been in contact for over an hour." in page
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr[^>]*data-node="([^"]+)".*?</tr>', page, re.S)}
    assert 'class="alarm"' in rows[str(silent.id)] and "stale" in rows[str(silent.id)]
    assert 'class="alarm"' in rows[str(never.id)]
    assert 'class="alarm"' not in rows[str(fresh.id)] and "stale" not in rows[str(fresh.id)]

    # A revoked node is no longer expected to call: it is not counted as stale.
    services.revoke("test", silent, "decommissioned")
    page = client.get("/network/").content.decode()
    assert "Alarm: 1 node has not been in contact for over an hour." in page


def test_revoking_from_the_page_needs_a_reason_and_is_audited(two_posts, make_user, session_client):
    from openbmis.audit.models import AuditEvent
    from openbmis.network.models import Node

    node = _node(two_posts[0], contact_ago=timedelta(minutes=1))
    admin = make_user("administrator", username="hq-admin")
    client = session_client(admin)
    no_reason = client.post(f"/network/{node.id}/revoke/", {"reason": ""}, follow=True)
    assert "A reason is required to revoke a node." in no_reason.content.decode()
    assert Node.objects.get(id=node.id).status == "active"
    assert client.get(f"/network/{node.id}/revoke/").status_code == 405  # a change is a POST

    done = client.post(f"/network/{node.id}/revoke/", {"reason": "laptop stolen"}, follow=True)
    assert done.redirect_chain[-1][0] == "/network/"
    assert "The node of TST-A is revoked" in done.content.decode()
    node.refresh_from_db()
    assert node.status == "revoked" and node.revoked_at is not None
    event = AuditEvent.objects.get(action="network.revoke", object_id=str(node.id))
    assert event.actor_label == "hq-admin" and event.reason == "laptop stolen" and event.border_post_code == "TST-A"
    again = client.post(f"/network/{node.id}/revoke/", {"reason": "twice"}, follow=True)
    assert "already revoked" in again.content.decode()
    assert AuditEvent.objects.filter(action="network.revoke").count() == 1
    missing = client.post("/network/01a226d7-67f5-76f6-9018-d53a27ecdef3/revoke/", {"reason": "x"})
    assert missing.status_code == 404


def test_the_forms_need_the_csrf_token(two_posts, make_user):
    from openbmis.accounts.middleware import SESSION_KEY
    from openbmis.network.models import EnrolmentCode, Node

    node = _node(two_posts[0])
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("administrator"))
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    before = EnrolmentCode.objects.count()
    assert client.post(f"/network/{node.id}/revoke/", {"reason": "forged"}).status_code == 403
    assert client.post("/network/code/", {"border_post": "TST-A"}).status_code == 403
    assert Node.objects.get(id=node.id).status == "active" and EnrolmentCode.objects.count() == before
    page = client.get("/network/")
    token = page.cookies["csrftoken"].value
    done = client.post(f"/network/{node.id}/revoke/", {"reason": "real", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and Node.objects.get(id=node.id).status == "revoked"


def test_an_enrolment_code_is_issued_from_the_page_shown_once_and_works(client, two_posts, make_user,
                                                                        session_client):
    from openbmis.audit.models import AuditEvent
    from openbmis.network.models import EnrolmentCode

    admin_client = session_client(make_user("administrator", username="hq-admin"))
    form = admin_client.get("/network/").content.decode()
    assert 'action="/network/code/"' in form and 'value="TST-B"' in form
    bad = admin_client.post("/network/code/", {"border_post": "NOPE"})
    assert bad.status_code == 200 and not EnrolmentCode.objects.exists()
    answer = admin_client.post("/network/code/", {"border_post": "TST-B"})
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    code = re.search(r'data-testid="enrolment-code".*?<code>([^<]+)</code>', answer.content.decode(), re.S).group(1)
    record = EnrolmentCode.objects.get()
    assert record.border_post.code == "TST-B" and record.issued_by == "hq-admin"
    assert code not in str(record.code_hash)  # only its hash is kept
    event = AuditEvent.objects.get(action="network.code_issue")
    assert event.border_post_code == "TST-B" and code not in str(event.after)
    # Shown once: the page does not show it again.
    assert code not in admin_client.get("/network/code/").content.decode()
    assert code not in admin_client.get("/network/").content.decode()
    # The code enrols a node of that post.
    client.logout()
    enrolled = client.post("/api/network/enrol", {"border_post": "TST-B", "public_key": signing.new_key_pair()[1]},
                           content_type="application/json", headers={"X-OpenBMIS-Enrolment-Code": code})
    assert enrolled.status_code == 201, enrolled.content


def test_at_a_node_the_page_is_refused_with_the_error_page(two_posts, make_user, session_client, settings):
    from openbmis.network.models import EnrolmentCode

    client = session_client(make_user("administrator"))
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    for response in (client.get("/network/"), client.get("/network/code/"),
                     client.post("/network/code/", {"border_post": "TST-A"})):
        assert response.status_code == 409
        assert "bcp:TST-A" in response.content.decode()
        assert 'data-testid="nodes"' not in response.content.decode()
    assert not EnrolmentCode.objects.exists()
