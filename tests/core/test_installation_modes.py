"""Two modes of one software: at a border-post node headquarters' reference data is read-only (one guard
shared by every service) and the national jobs refuse to run; the node's own work goes on."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from tests.conftest import make_mrz

from openbmis.core import installation


@pytest.fixture
def at_node(settings):
    settings.OPENBMIS_INSTALLATION = "bcp:TST-A"
    return settings


def test_reference_data_is_read_only_at_a_node_naming_the_installation(two_posts, at_node):
    from openbmis.borderposts import services

    with pytest.raises(installation.ReadOnlyAtNode) as caught:
        services.create_border_post("test", code="TST-C", name="Post C", kind="air", country="UTO",
                                    time_zone="Africa/Nairobi")
    assert "bcp:TST-A" in caught.value.message
    assert caught.value.details["installation"] == "bcp:TST-A"
    from openbmis.borderposts.models import BorderPost

    assert not BorderPost.objects.filter(code="TST-C").exists()
    with pytest.raises(installation.ReadOnlyAtNode):
        two_posts[1].delete()


@pytest.mark.parametrize("write", ["user", "role", "ban", "rule"])
def test_each_kind_of_reference_data_is_refused_at_a_node(two_posts, make_user, at_node, write):
    from openbmis.accounts import services as accounts
    from openbmis.permits import services as permits

    admin = None
    if write != "user":
        at_node.OPENBMIS_INSTALLATION = "hq"
        admin = make_user("administrator")
        at_node.OPENBMIS_INSTALLATION = "bcp:TST-A"
    with pytest.raises(installation.ReadOnlyAtNode):
        if write == "user":
            accounts.create_user("test", username="newcomer", password="pw-for-tests-1", validate=False)
        elif write == "role":
            accounts.assign_role("test", admin, "supervisor", two_posts[0])
        elif write == "ban":
            permits.impose_ban(admin, surname="DOE", nationality="KEN", starts_on=date(2026, 1, 1),
                               reason="test")
        else:
            permits.create_rule(admin, name="KEN", nationality="KEN", category="exempt", stay_kind="fixed",
                                max_stay_days=30, valid_from=date(2020, 1, 1))


def test_headquarters_changes_may_be_applied_at_a_node(two_posts, at_node):
    from openbmis.borderposts import services

    with installation.headquarters_changes():
        post = services.create_border_post("test", code="TST-C", name="Post C", kind="air", country="UTO",
                                           time_zone="Africa/Nairobi")
    assert post.code == "TST-C"


def test_the_api_answers_409_with_the_installation(client, bearer, make_user, two_posts, at_node):
    at_node.OPENBMIS_INSTALLATION = "hq"
    admin = make_user("administrator")
    at_node.OPENBMIS_INSTALLATION = "bcp:TST-A"
    response = client.post("/api/border-posts", {"code": "TST-D", "name": "D", "kind": "air", "country": "UTO",
                                                "time_zone": "UTC"},
                           content_type="application/json", headers=bearer(admin))
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "read_only_installation"
    assert "bcp:TST-A" in response.json()["detail"]


def test_national_jobs_run_at_headquarters_only(db, at_node):
    from openbmis.permits import services as permits
    from openbmis.permits import tasks as permit_tasks
    from openbmis.statistics import services as statistics
    from openbmis.statistics import tasks as statistics_tasks

    with pytest.raises(installation.ReadOnlyAtNode, match="overstay detection"):
        permits.detect_overstays()
    with pytest.raises(installation.ReadOnlyAtNode, match="statistics"):
        statistics.refresh()
    with pytest.raises(installation.ReadOnlyAtNode, match="statistics"):
        statistics.rebuild()
    assert "skipped" in permit_tasks.detect_overstays_job.call()
    assert "skipped" in statistics_tasks.refresh_rollups_job.call()


def test_a_node_keeps_inspecting_and_deciding(client, bearer, make_user, two_posts, at_node):
    at_node.OPENBMIS_INSTALLATION = "hq"
    officer = make_user("primary_officer", two_posts[0])
    at_node.OPENBMIS_INSTALLATION = "bcp:TST-A"
    headers = bearer(officer)
    response = client.post("/api/inspections", {"border_post": "TST-A", "direction": "entry",
                                                "client_id": str(uuid.uuid4()), "mrz": make_mrz()},
                           content_type="application/json", headers=headers)
    assert response.status_code in (200, 201), response.content
    inspection_id = response.json()["id"]
    decided = client.post(f"/api/inspections/{inspection_id}/decision", {"decision": "admit"},
                          content_type="application/json", headers=headers)
    assert decided.status_code in (200, 201), decided.content
