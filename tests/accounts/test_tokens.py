"""API tokens: scoped, revocable, hashed at rest, never able to mint other tokens."""

from __future__ import annotations

import pytest

from openbmis.accounts import services
from openbmis.accounts.models import ApiToken
from openbmis.core.errors import InvalidInput


def test_token_is_stored_hashed(make_user):
    user = make_user("analyst")
    token, secret = services.create_token("test", user, name="t", scopes=["borderposts:read"])
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.split("_", 2)[2] not in stored.secret_hash
    assert services.authenticate_token(secret).pk == token.pk
    assert services.authenticate_token(secret + "x") is None
    assert services.authenticate_token("obmis_nope_nope") is None


def test_missing_scope_is_named(client, make_user, two_posts):
    user = make_user("auditor")
    _token, secret = services.create_token("test", user, name="t", scopes=["borderposts:read"])
    response = client.get("/api/audit/events", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert "audit:read" in response.json()["detail"]


def test_revoked_token_stops_working(client, make_user, two_posts):
    user = make_user("analyst")
    token, secret = services.create_token("test", user, name="t", scopes=["borderposts:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/border-posts", headers=headers).status_code == 200
    response = client.delete(f"/api/tokens/{token.id}", headers=headers)
    assert response.status_code == 200
    assert client.get("/api/border-posts", headers=headers).status_code == 401


def test_unknown_scope_is_refused(make_user):
    user = make_user("analyst")
    with pytest.raises(InvalidInput, match="unknown scope"):
        services.create_token("test", user, name="t", scopes=["everything"])
    assert not ApiToken.objects.filter(user=user).exists()


def test_token_cannot_create_tokens(client, make_user, bearer):
    user = make_user("administrator")
    response = client.post("/api/tokens", {"name": "x", "scopes": ["audit:read"]}, content_type="application/json",
                           headers=bearer(user))
    assert response.status_code == 403


def test_session_creates_token_once_shown(session_client, make_user):
    user = make_user("analyst")
    client = session_client(user)
    response = client.post("/api/tokens", {"name": "etl", "scopes": ["statistics:read"]},
                           content_type="application/json")
    assert response.status_code == 201
    secret = response.json()["token"]
    assert secret.startswith("obmis_")
    listed = client.get("/api/tokens").json()
    assert "token" not in listed[0]
    assert services.authenticate_token(secret).user == user


def test_only_administrators_revoke_other_peoples_tokens(client, make_user, bearer):
    owner = make_user("analyst")
    token, _ = services.create_token("test", owner, name="t", scopes=["borderposts:read"])
    other = make_user("analyst")
    assert client.delete(f"/api/tokens/{token.id}", headers=bearer(other)).status_code == 403
    admin = make_user("administrator")
    assert client.delete(f"/api/tokens/{token.id}", headers=bearer(admin)).status_code == 200
    assert client.delete(f"/api/tokens/{token.id}", headers=bearer(admin)).status_code == 409


def test_malformed_body_names_the_field(session_client, make_user):
    client = session_client(make_user("analyst"))
    response = client.post("/api/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "scopes" in response.json()["detail"]


def test_analyst_sees_identities_only_when_granted(client, make_user, bearer, session_client):
    from openbmis.audit.models import AuditEvent

    analyst = make_user("analyst")
    assert client.get("/api/crossings", headers=bearer(analyst)).status_code == 403
    admin = session_client(make_user("administrator"))
    response = admin.post(f"/account/users/{analyst.username}/", {"action": "grant_identities", "reason": ""})
    analyst.refresh_from_db()
    assert analyst.can_view_identities is False  # a reason is required
    admin.post(f"/account/users/{analyst.username}/", {"action": "grant_identities", "reason": "overstay study"})
    analyst.refresh_from_db()
    assert analyst.can_view_identities is True
    assert AuditEvent.objects.filter(action="user.identity_access", reason="overstay study").exists()
    assert client.get("/api/crossings", headers=bearer(analyst)).status_code == 200
    assert response.status_code == 302
