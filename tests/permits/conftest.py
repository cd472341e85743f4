from __future__ import annotations

import uuid
import zoneinfo
from datetime import date, timedelta

import pytest
from django.utils import timezone

from openbmis import mrz

KEN_BASE = dict(format="TD3", document_code="P", issuing_state="KEN", document_number="X1234567",
                primary_identifier="ODHIAMBO", secondary_identifier="AMINA", nationality="KEN",
                birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2035, 1, 1), optional_data="")


def make_mrz(**overrides) -> str:
    return mrz.make({**KEN_BASE, **overrides})


@pytest.fixture
def mrz_for():
    return make_mrz


@pytest.fixture
def rule(admin):
    """rule(nationality, category, **fields) -> a VisaPolicyRule made through the service."""
    from openbmis.permits import services

    def make(nationality="KEN", category="exempt", **fields):
        defaults = dict(name=f"{nationality} {category}", nationality=nationality, document_type="*",
                        category=category, stay_kind="rolling", max_stay_days=90, window_days=180,
                        valid_from=date(2020, 1, 1))
        if category == "required":
            defaults.update(max_stay_days=None, window_days=None)
        defaults.update(fields)
        return services.create_rule(admin, **defaults)

    return make


def post_today(post) -> date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()


@pytest.fixture
def past_crossing(officer, two_posts):
    """past_crossing(text, direction, days_ago, permitted_days=None) -> Crossing recorded then moved back."""
    from openbmis.inspections import services
    from openbmis.inspections.models import Crossing
    from openbmis.permits import presence

    post = two_posts[0]

    def make(text, direction="entry", days_ago=10, permitted_days=None):
        started = services.start_inspection(officer, border_post=post, client_id=uuid.uuid4(),
                                            direction=direction, mrz_text=text)
        # history is made up here: the checks may have failed (an overstay at exit), so a reason is given
        crossing = services.decide(officer, started.inspection, decision="admit", note="test history")
        when = timezone.now() - timedelta(days=days_ago)
        local = when.astimezone(zoneinfo.ZoneInfo(post.time_zone)).date()
        until = local + timedelta(days=permitted_days - 1) if permitted_days else None
        Crossing.objects.filter(pk=crossing.pk).update(at=when, local_date=local, permitted_until=until)
        # history written around the services: derive where the traveller is from the crossings again
        presence.refresh([crossing.traveller_id])
        crossing.refresh_from_db()
        return crossing

    return make


@pytest.fixture
def inspect_api(client, bearer, officer):
    headers = {}

    def call(text, direction="entry", user=None):
        user = user or officer
        if user.pk not in headers:
            headers[user.pk] = bearer(user)
        body = {"border_post": "TST-A", "direction": direction, "client_id": str(uuid.uuid4()), "mrz": text}
        response = client.post("/api/inspections", body, content_type="application/json", headers=headers[user.pk])
        assert response.status_code == 201, response.content
        data = response.json()
        data["by_code"] = {check["code"]: check for check in data["checks"]}
        return data

    return call


@pytest.fixture
def decide_api(client, bearer, officer):
    def call(inspection_id, **body):
        return client.post(f"/api/inspections/{inspection_id}/decision", body, content_type="application/json",
                           headers=bearer(officer))

    return call
