"""Password authentication that refuses locked accounts and addresses, counts failures, and (in production)
refuses publicly known passwords."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from openbmis.accounts import services
from openbmis.accounts.models import User
from openbmis.accounts.passwords import is_publicly_known


def client_address(request: HttpRequest | None) -> str:
    """The address failed logins are counted against (the proxy in front is trusted to set REMOTE_ADDR)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR") or "")


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        address = client_address(request)
        if services.login_refused(username, address):
            # Do not even check the password: a locked account answers the same either way.
            if request is not None:
                request.openbmis_locked = True  # type: ignore[attr-defined]
            return None
        authenticated = super().authenticate(request, username=username, password=password, **kwargs)
        if authenticated is None:
            if services.record_login_failure(username, address) and request is not None:
                request.openbmis_locked = True  # type: ignore[attr-defined]
            return None
        if settings.OPENBMIS_PRODUCTION and is_publicly_known(password):
            # The right password, but one the world knows (the demo's): unusable until an administrator resets it.
            services.record_public_password_refusal(authenticated)  # type: ignore[arg-type]
            if request is not None:
                request.openbmis_public_password = True  # type: ignore[attr-defined]
            return None
        return authenticated  # type: ignore[return-value]
