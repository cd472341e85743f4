"""Password authentication that refuses locked accounts and counts failures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from openbmis.accounts import services
from openbmis.accounts.models import User


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is not None and user.is_locked():
            # Do not even check the password: a locked account answers the same either way.
            if request is not None:
                request.openbmis_locked = True  # type: ignore[attr-defined]
            return None
        authenticated = super().authenticate(request, username=username, password=password, **kwargs)
        if authenticated is None:
            locked = services.record_login_failure(username)
            if locked is not None and locked.is_locked() and request is not None:
                request.openbmis_locked = True  # type: ignore[attr-defined]
            return None
        return authenticated  # type: ignore[return-value]
