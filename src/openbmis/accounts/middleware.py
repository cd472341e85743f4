"""Two-factor gate: administrators and auditors reach nothing but the TOTP pages until verified."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from openbmis.accounts import authz
from openbmis.accounts.roles import TWO_FACTOR_ROLES

SESSION_KEY = "openbmis_2fa_ok"
_OPEN_PREFIXES = ("/account/2fa", "/account/logout", "/static/", "/i18n/", "/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(SESSION_KEY)
            and not request.path.startswith(_OPEN_PREFIXES)
            and authz.roles(user) & TWO_FACTOR_ROLES
        ):
            return redirect("accounts:two_factor")
        return self.get_response(request)
