"""The stay an admission records, and what the stay check says when the document cuts it short (issue 12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.permits.conftest import post_today

pytestmark = pytest.mark.django_db


def test_an_admission_without_permitted_until_records_the_stay_the_checks_computed(rule, inspect_api, decide_api,
                                                                                    mrz_for, two_posts):
    rule("KEN", "exempt", stay_kind="fixed", max_stay_days=30, window_days=None)
    data = inspect_api(mrz_for())
    today = post_today(two_posts[0])
    expected = (today + timedelta(days=29)).isoformat()
    assert data["by_code"]["stay"]["details"]["permitted_until"] == expected
    response = decide_api(data["id"], decision="admit")
    assert response.status_code == 200, response.content
    assert response.json()["crossing"]["permitted_until"] == expected


def test_an_expired_passport_says_so_not_that_the_window_is_used_up(rule, inspect_api, mrz_for, two_posts):
    rule("KEN", "exempt")
    today = post_today(two_posts[0])
    data = inspect_api(mrz_for(expiry_date=today - timedelta(days=10)))
    stay = data["by_code"]["stay"]
    assert stay["status"] == "fail"
    assert "expired" in stay["message"] and "rolling window" not in stay["message"]
    assert stay["details"]["cut_by"] == "document_expiry"


def test_a_stay_cut_short_by_the_passport_expiry_says_so(rule, inspect_api, mrz_for, two_posts):
    rule("KEN", "exempt")  # 90 days in 180
    today = post_today(two_posts[0])
    expiry = today + timedelta(days=20)
    data = inspect_api(mrz_for(expiry_date=expiry))
    stay = data["by_code"]["stay"]
    assert stay["details"]["permitted_until"] == expiry.isoformat()
    assert stay["details"]["cut_by"] == "document_expiry"
    assert "cut short" in stay["message"] and "expiry" in stay["message"]
    # A passport valid beyond the allowance is not "cut short".
    long_valid = inspect_api(mrz_for(expiry_date=today + timedelta(days=400), document_number="X7654321"))
    assert "cut_by" not in long_valid["by_code"]["stay"]["details"]
