from __future__ import annotations

import uuid
from datetime import date

import pytest

from openbmis import mrz


def make_mrz(**overrides) -> str:
    """A valid TD3 MRZ (written by openbmis.mrz.make) for a test traveller."""
    fields = dict(
        format="TD3", document_code="P", issuing_state="KEN", document_number="X1234567",
        primary_identifier="ODHIAMBO", secondary_identifier="AMINA", nationality="KEN",
        birth_date=date(1990, 5, 17), sex="F", expiry_date=date(2031, 1, 1), optional_data="",
    )
    fields.update(overrides)
    return mrz.make(fields)


@pytest.fixture
def mrz_for():
    return make_mrz


@pytest.fixture
def officer(make_user, two_posts):
    return make_user("primary_officer", two_posts[0], username="amina-officer")


@pytest.fixture
def inspect(client, bearer, officer):
    """inspect(body_overrides, user=officer) -> response of POST /api/inspections."""
    headers_by_user = {}

    def call(user=None, **body):
        user = user or officer
        if user.pk not in headers_by_user:
            headers_by_user[user.pk] = bearer(user)
        payload = {"border_post": "TST-A", "direction": "entry", "client_id": str(uuid.uuid4()), **body}
        return client.post("/api/inspections", payload, content_type="application/json",
                           headers=headers_by_user[user.pk])

    return call


@pytest.fixture
def decide(client, bearer, officer):
    headers_by_user = {}

    def call(inspection_id, user=None, **body):
        user = user or officer
        if user.pk not in headers_by_user:
            headers_by_user[user.pk] = bearer(user)
        return client.post(f"/api/inspections/{inspection_id}/decision", body, content_type="application/json",
                           headers=headers_by_user[user.pk])

    return call
