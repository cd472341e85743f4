"""A domain error that escapes a page's view becomes the page for it, with the API's status mapping."""

from __future__ import annotations

import pytest

from openbmis.core.errors import AccessDenied, Conflict, InvalidInput, NotFound, TooLarge, http_status


@pytest.mark.parametrize(("error", "status"), [
    (NotFound("x"), 404), (AccessDenied("x"), 403), (InvalidInput("x"), 422), (Conflict("x"), 409),
    (TooLarge("x"), 413),
])
def test_one_mapping_for_api_and_pages(error, status):
    assert http_status(error) == status


def test_unknown_post_page_says_what_the_service_said(session_client, make_user, two_posts):
    client = session_client(make_user("administrator", None))
    response = client.get("/border-posts/NOPE/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Not found</h1>" in body and "NOPE" in body  # the service's message names the code


def test_other_posts_page_is_refused_as_a_page(session_client, make_user, two_posts):
    client = session_client(make_user("primary_officer", two_posts[0]))
    response = client.get(f"/border-posts/{two_posts[1].code}/")
    assert response.status_code == 403 and "<h1>Not allowed</h1>" in response.content.decode()


def test_api_keeps_its_json_for_the_same_error(client, bearer, make_user, two_posts):
    headers = bearer(make_user("administrator", None))
    response = client.get("/api/border-posts/NOPE", headers=headers)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
