"""API authentication: bearer tokens for machines, the browser session (with CSRF) for the UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from openbmis.accounts import authz, services
from openbmis.accounts.middleware import SESSION_KEY
from openbmis.accounts.roles import TWO_FACTOR_ROLES


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = services.authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


class TwoFactorSessionAuth(SessionAuth):
    """The UI's own calls: a logged-in session that passed two-factor where its roles require it."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if authz.roles(user) & TWO_FACTOR_ROLES and not request.session.get(SESSION_KEY):
            return None
        request.api_token = None  # type: ignore[attr-defined]
        return user


API_AUTH = [BearerTokenAuth(), TwoFactorSessionAuth()]


def token_of(request: HttpRequest) -> Any:
    """The API token the request came with, or None for a browser session."""
    return getattr(request, "api_token", None)
